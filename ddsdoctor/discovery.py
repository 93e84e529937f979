"""Discovery facts: participants, endpoints and topics, the model both sources fill.

Packets (a pcap or a live capture, through SPDP/SEDP) and builtin-topic readers (a live Cyclone
DDS participant) produce the same facts, so topology and mismatch rules are written once.
QoS is stored resolved: a policy absent from the wire takes its DDS default for the
endpoint's kind (a writer's reliability defaults to RELIABLE, a reader's to BEST_EFFORT).
"""

from __future__ import annotations

import enum
import math
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field

from ddsdoctor.wire.ids import OPENSPLICE_FAMILY, VENDOR_NAMES
from ddsdoctor.wire.ids import vendor_name as _registered_name

INFINITE = math.inf

# One vendor table for the whole tool: the wire module's (DDS Foundation registry,
# rtps-facts §8). ``wire.ids`` is pure and import-light.
VENDORS = VENDOR_NAMES
OPENSPLICE_VENDORS = OPENSPLICE_FAMILY


def vendor_name(vendor_id: int | None) -> str:
    """``wire.ids.vendor_name``, and "unknown" when no source told the vendor."""
    return "unknown" if vendor_id is None else _registered_name(vendor_id)


class EndpointKind(enum.StrEnum):
    WRITER = "writer"
    READER = "reader"


class Durability(enum.IntEnum):
    VOLATILE = 0
    TRANSIENT_LOCAL = 1
    TRANSIENT = 2
    PERSISTENT = 3


class Reliability(enum.IntEnum):
    BEST_EFFORT = 1  # wire values (RTPS uses 1/2, not the API's 0/1)
    RELIABLE = 2


class Liveliness(enum.IntEnum):
    AUTOMATIC = 0
    MANUAL_BY_PARTICIPANT = 1
    MANUAL_BY_TOPIC = 2


class Ownership(enum.IntEnum):
    SHARED = 0
    EXCLUSIVE = 1


class DestinationOrder(enum.IntEnum):
    BY_RECEPTION_TIMESTAMP = 0
    BY_SOURCE_TIMESTAMP = 1


class HistoryKind(enum.IntEnum):
    KEEP_LAST = 0
    KEEP_ALL = 1


class PresentationScope(enum.IntEnum):
    INSTANCE = 0
    TOPIC = 1
    GROUP = 2


@dataclass(frozen=True, slots=True)
class Qos:
    """Resolved endpoint QoS. ``explicit`` names the policies that were actually announced."""

    durability: Durability = Durability.VOLATILE
    reliability: Reliability = Reliability.BEST_EFFORT
    max_blocking_s: float = 0.1
    deadline_s: float = INFINITE
    latency_budget_s: float = 0.0
    liveliness: Liveliness = Liveliness.AUTOMATIC
    liveliness_lease_s: float = INFINITE
    ownership: Ownership = Ownership.SHARED
    ownership_strength: int = 0
    destination_order: DestinationOrder = DestinationOrder.BY_RECEPTION_TIMESTAMP
    history: HistoryKind = HistoryKind.KEEP_LAST
    history_depth: int = 1
    durability_service_history: HistoryKind = HistoryKind.KEEP_LAST
    durability_service_depth: int = 1
    lifespan_s: float = INFINITE
    presentation_scope: PresentationScope = PresentationScope.INSTANCE
    coherent_access: bool = False
    ordered_access: bool = False
    time_based_filter_s: float = 0.0
    explicit: frozenset[str] = frozenset()

    @classmethod
    def default_for(cls, kind: EndpointKind, **policies: object) -> Qos:
        """DDS defaults for the endpoint kind, overridden by the given policies."""
        base: dict[str, object] = {}
        if kind is EndpointKind.WRITER:
            base["reliability"] = Reliability.RELIABLE
        base.update(policies)
        return cls(**base)  # type: ignore[arg-type]


@dataclass(slots=True)
class Participant:
    """A DomainParticipant, identified by its 12-byte GUID prefix (24 hex digits)."""

    guid_prefix: str
    vendor_id: int | None = None
    # How vendor_id was learnt: "rtps-header" (captures), or for builtin topics, which carry no
    # vendor id, the heuristic that decided it ("properties", "opensplice-group",
    # "guid-prefix"); see ddsdoctor/live/vendor.py.
    vendor_source: str | None = None
    domain_id: int | None = None
    host: str | None = None
    process: str | None = None
    pid: int | None = None
    addresses: list[str] = field(default_factory=list)  # source IPs seen on the wire
    locators: list[str] = field(default_factory=list)  # "udp/10.0.0.1:7410", "udp/239.255.0.1:7400"
    lease_s: float | None = None
    product: str | None = None  # version string from vendor PIDs or properties
    entity_name: str | None = None
    user_data: bytes | None = None
    properties: dict[str, str] = field(default_factory=dict)
    system_id: int | None = None  # OpenSplice: first GUID-prefix word, the durability fellow id
    role: str | None = None  # OpenSplice: spliced, ddsi2, durability, builtin, application
    first_seen: float | None = None
    last_seen: float | None = None
    gone: bool = False

    @property
    def vendor(self) -> str:
        return vendor_name(self.vendor_id)

    @property
    def is_opensplice(self) -> bool:
        return self.vendor_id in OPENSPLICE_VENDORS

    @property
    def process_key(self) -> str:
        """Groups the participants of one process (OpenSplice: one systemId, five participants)."""
        if self.is_opensplice and self.system_id is not None:
            return f"ospl:{self.system_id}"
        if self.host and self.pid is not None:
            return f"{self.host}:{self.pid}"
        return self.guid_prefix


@dataclass(slots=True)
class Endpoint:
    """A DataWriter or DataReader, identified by its 16-byte GUID (32 hex digits)."""

    guid: str
    kind: EndpointKind
    participant: str  # guid prefix of the owning participant
    topic: str
    type_name: str
    partitions: tuple[str, ...] = ()  # () is the default partition ""
    qos: Qos = field(default_factory=Qos)
    type_info: bool = False  # XTypes type information announced
    entity_name: str | None = None
    role: str | None = None  # "builtin", "durability-proxy", ... ; None = application
    unicast_locators: list[str] = field(default_factory=list)
    multicast_locators: list[str] = field(default_factory=list)
    first_seen: float | None = None
    last_seen: float | None = None
    gone: bool = False

    @property
    def partition_list(self) -> tuple[str, ...]:
        return self.partitions or ("",)


@dataclass(slots=True)
class DiscoveryFacts:
    """Everything discovery told us about a domain (or several)."""

    participants: dict[str, Participant] = field(default_factory=dict)
    endpoints: dict[str, Endpoint] = field(default_factory=dict)
    source: str = "unknown"  # "pcap", "live-capture" or "builtin-topics"
    started_at: float | None = None  # first packet / participant creation
    ended_at: float | None = None

    def participant(self, guid_prefix: str) -> Participant:
        p = self.participants.get(guid_prefix)
        if p is None:
            p = self.participants[guid_prefix] = Participant(guid_prefix)
        return p

    def owner(self, ep: Endpoint) -> Participant | None:
        return self.participants.get(ep.participant)

    def live_endpoints(self) -> Iterator[Endpoint]:
        return (e for e in self.endpoints.values() if not e.gone)

    def by_topic(self, *, include_infrastructure: bool = False) -> dict[str, list[Endpoint]]:
        out: dict[str, list[Endpoint]] = defaultdict(list)
        for ep in self.live_endpoints():
            if include_infrastructure or not is_infrastructure(ep):
                out[ep.topic].append(ep)
        return dict(sorted(out.items()))

    def topics(self, *, include_infrastructure: bool = False) -> list[str]:
        return list(self.by_topic(include_infrastructure=include_infrastructure))


# Topics that the middleware itself uses: OpenSplice builtin/CM/durability topics, DDS
# builtin topics, ROS 2 graph and parameter plumbing is application-level and stays in.
_INFRA_PREFIXES = ("DCPS", "CM", "d_", "q_", "__")


def is_infrastructure(ep: Endpoint) -> bool:
    """Middleware-internal endpoints (builtin topics, durability protocol, proxies)."""
    if ep.role in ("builtin", "durability-proxy"):
        return True
    if "__BUILT-IN PARTITION__" in ep.partitions or "durabilityPartition" in ep.partitions:
        return True
    return ep.topic.startswith(_INFRA_PREFIXES) and (
        ep.type_name.startswith(("kernelModule::", "durabilityModule2::", "DDS::"))
        or ep.topic.startswith(("DCPS", "d_"))
    )


def host_from_user_data(raw: bytes | None) -> str | None:
    """USER_DATA as a host name when it is one printable word.

    OpenSplice's spliced participant carries the node's host name there and nowhere else
    (opensplice-facts §10): the capture, the live scan and the durability view all read it
    this way.
    """
    if not raw:
        return None
    try:
        text = raw.split(b"\0", 1)[0].decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    return text if text.isprintable() and text and " " not in text else None

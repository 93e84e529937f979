"""The topology report: hosts, multicast groups, edges, topics and traffic, as plain data.

Import-light (no networkx): the topology rules in ``ddsdoctor/rules/`` take a
``TopologyReport`` as their subject, and ``check`` imports every rule module.
"""

from __future__ import annotations

import enum
import statistics
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ddsdoctor.discovery import DiscoveryFacts
from ddsdoctor.findings import Finding


class By(enum.StrEnum):
    """What a graph node stands for."""

    HOST = "host"
    PARTICIPANT = "participant"


class TrafficClass(enum.StrEnum):
    """What a data submessage carries, from its writer (rtps-facts.md §6.1)."""

    DISCOVERY = "discovery"  # SPDP/SEDP/DCPSTopic/CMParticipant builtin writers
    BUILTIN = "builtin"  # other builtin writers: liveliness, type lookup, security
    VENDOR = "vendor"  # vendor-specific entity kinds (0x40/0x80): OpenSplice CM*, RTI
    INFRASTRUCTURE = "infrastructure"  # middleware topics on user writers: d_*, DCPS*, CM*
    USER = "user"  # application topics
    UNANNOUNCED = "unannounced"  # user writers whose SEDP the capture does not hold

    @property
    def is_data(self) -> bool:
        """Carries topic data (anything but discovery and builtin plumbing)."""
        return self in (TrafficClass.INFRASTRUCTURE, TrafficClass.USER, TrafficClass.UNANNOUNCED)


class Pattern(enum.StrEnum):
    """The shape of the host graph (tech note: full community vs shared memory)."""

    FULL_MESH = "full-mesh"  # every host exchanges data with every other host
    DAEMONS_ONLY = "daemons-only"  # one OpenSplice daemon per host serves all applications
    PARTIAL = "partial"  # anything else
    SINGLE_HOST = "single-host"  # fewer than two hosts exchange data
    NONE = "none"  # no data traffic at all


@dataclass(frozen=True, slots=True)
class Series:
    """Bits per second in bins of ``bin_s`` seconds from epoch second ``start``."""

    start: int
    bin_s: int
    bps: tuple[float, ...]

    @classmethod
    def from_bins(
        cls, bins: Mapping[int, int], start: int, end: int, max_points: int = 600, align: int = 1
    ) -> Series:
        """From byte counts per whole epoch second; coarser bins when the span is long.

        ``align``: the bins hold buckets of that many seconds (multiples of it) for older
        parts of a long capture; output bins are then whole multiples of it, so a bucket
        never straddles two output bins (which would draw fake spikes and gaps).
        """
        start -= start % align
        span = max(1, end - start + 1)
        width = max(1, -(-span // max(1, max_points)))
        width = -(-width // align) * align
        out = [0.0] * (-(-span // width))
        for sec, n in bins.items():
            i = (sec - start) // width
            if 0 <= i < len(out):
                out[i] += n * 8.0 / width
        return cls(start, width, tuple(out))

    @property
    def peak_bps(self) -> float:
        return max(self.bps, default=0.0)

    @property
    def steady_bps(self) -> float:
        """Median over the capture: the steady state that a startup spike stands out from."""
        return statistics.median(self.bps) if self.bps else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {"start": self.start, "bin_s": self.bin_s, "bps": [round(v, 1) for v in self.bps]}


@dataclass(frozen=True, slots=True)
class Traffic:
    """Counts for one edge, participant, topic or the whole capture.

    ``bytes`` are bytes on the wire (whole frames, every IP fragment); ``data_bytes`` are
    RTPS data submessage bytes (DATA, DATA_FRAG, DATA_BATCH, DATA_SESSION); ``samples``
    counts a sample once per copy on the wire (a sample unicast to three readers counts 3).
    """

    packets: int = 0
    bytes: int = 0
    samples: int = 0
    data_bytes: int = 0
    first: float | None = None
    last: float | None = None
    rate_bps: float = 0.0
    """Mean over the whole capture (bytes, or data bytes for topics, x 8 / duration)."""
    peak_bps: float = 0.0
    """Busiest whole second."""
    series: Series | None = None


@dataclass(frozen=True, slots=True)
class TopicShare:
    """One topic's part of an edge (or of a participant's traffic)."""

    topic: str
    traffic_class: TrafficClass
    samples: int
    data_bytes: int


@dataclass(frozen=True, slots=True)
class Edge:
    """Directed traffic from a host (or participant) to a host, participant or group."""

    src: str
    dst: str
    multicast: bool
    traffic: Traffic
    frames: int = 0
    ports: tuple[int, ...] = ()
    topics: tuple[TopicShare, ...] = ()
    classes: Mapping[str, int] = field(default_factory=dict)
    """Data submessage bytes per TrafficClass value."""
    participants: tuple[str, ...] = ()
    """GUID prefixes of the senders."""

    @property
    def data_class_bytes(self) -> int:
        return sum(n for c, n in self.classes.items() if TrafficClass(c).is_data)


@dataclass(frozen=True, slots=True)
class Host:
    """A machine (or container with its own IP), named by --hosts, by what its participants
    announce (``__Hostname``, 0x8007, OpenSplice spliced USER_DATA) or by its IP."""

    name: str
    addresses: tuple[str, ...]
    role: str | None = None
    participants: tuple[str, ...] = ()
    processes: tuple[str, ...] = ()
    vendors: tuple[int, ...] = ()
    sent: Traffic = field(default_factory=Traffic)
    received: Traffic = field(default_factory=Traffic)
    """Unicast to this host plus what its multicast groups carried from other hosts."""


@dataclass(frozen=True, slots=True)
class Group:
    """A multicast (or broadcast) destination."""

    address: str
    ports: tuple[int, ...]
    members: tuple[str, ...]
    """Hosts whose participants announce the group in a locator."""
    traffic: Traffic = field(default_factory=Traffic)


@dataclass(frozen=True, slots=True)
class TopicTraffic:
    """A topic: who writes and reads it and what its writers put on the wire."""

    topic: str
    types: tuple[str, ...]
    partitions: tuple[str, ...]
    writers: int
    readers: int
    infrastructure: bool
    traffic: Traffic
    writer_hosts: tuple[str, ...] = ()
    reader_hosts: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class ProcessInfo:
    """The participants of one process (OpenSplice: one systemId, five roles)."""

    key: str
    host: str
    name: str | None
    pid: int | None
    vendor_id: int | None
    participants: Mapping[str, str | None]
    """GUID prefix -> role (OpenSplice) or None."""


@dataclass(frozen=True, slots=True)
class WriterTraffic:
    """A writer's data on the wire, for writers no SEDP in the capture announced."""

    guid: str
    samples: int
    data_bytes: int
    first: float
    host: str


@dataclass(frozen=True, slots=True)
class DiscoveryStatus:
    """How far endpoint discovery got for one participant during the capture."""

    guid_prefix: str
    process: str
    spdp_first: float | None
    """First SPDP seen (None: never announced in the capture)."""
    first_packet: float | None
    """First RTPS message of any kind from this participant."""
    sedp_samples: int = 0
    sedp_first_sn: int | None = None


@dataclass(frozen=True, slots=True)
class SedpLink:
    """Endpoint discovery from one SEDP writer of a process (announcer) to another process
    (receiver)."""

    announcer: str
    receiver: str
    delivered_sn: int
    """Highest SEDP sequence number offered towards the receiver, as DATA or in a HEARTBEAT
    (0 = none)."""
    delivered_first: float | None
    """When the first one was offered."""
    acked_sn: int
    """Highest SN below the receiver's ACKNACK base (-1 = no ACKNACK from the receiver)."""
    writer: str = ""
    """The SEDP writer's GUID (32 hex digits)."""
    delivered_last: float | None = None
    """When the highest SN was offered (first time)."""


@dataclass(frozen=True, slots=True)
class TopologyReport:
    """Everything ``topology`` found: the rules' subject and what every format renders."""

    source: str
    facts: DiscoveryFacts
    capture: Mapping[str, Any]
    """CaptureStats.as_dict() plus wire counters (malformed, first malformed frame, ...)."""
    hosts: tuple[Host, ...] = ()
    groups: tuple[Group, ...] = ()
    host_edges: tuple[Edge, ...] = ()
    edges: tuple[Edge, ...] = ()
    """Edges at the granularity of ``by`` (the same as host_edges for ``By.HOST``)."""
    by: By = By.HOST
    topics: tuple[TopicTraffic, ...] = ()
    participants: Mapping[str, Traffic] = field(default_factory=dict)
    processes: tuple[ProcessInfo, ...] = ()
    total: Traffic = field(default_factory=Traffic)
    by_class: Mapping[str, int] = field(default_factory=dict)
    discovery: tuple[DiscoveryStatus, ...] = ()
    sedp_links: tuple[SedpLink, ...] = ()
    unannounced: tuple[WriterTraffic, ...] = ()
    host_of: Mapping[str, str] = field(default_factory=dict)
    """GUID prefix -> host name."""
    pattern: Pattern = Pattern.NONE
    findings: tuple[Finding, ...] = ()

    @property
    def start(self) -> float | None:
        t = self.capture.get("first_time")
        return float(t) if t is not None else None

    @property
    def end(self) -> float | None:
        t = self.capture.get("last_time")
        return float(t) if t is not None else None

    @property
    def duration(self) -> float:
        if self.start is None or self.end is None:
            return 0.0
        return max(0.0, self.end - self.start)

    def host(self, name: str) -> Host | None:
        return next((h for h in self.hosts if h.name == name), None)

"""Builtin-topic samples (DCPSParticipant/Publication/Subscription) to discovery facts.

Duck-typed on cyclonedds' objects, never importing it: a policy is recognised by its class
name (``Durability.TransientLocal``, ``History.KeepLast``, ``Property``, ...), which is how
cyclonedds 11 names them (BasePolicy.__init_subclass__ in cyclonedds/qos.py). Cyclone hands out
fully resolved QoS: a policy the peer left off the wire already holds its default.
"""

from __future__ import annotations

import math
from typing import Any

from ddsdoctor.discovery import (
    DestinationOrder,
    Durability,
    Endpoint,
    EndpointKind,
    HistoryKind,
    Liveliness,
    Ownership,
    Participant,
    PresentationScope,
    Qos,
    Reliability,
)
from ddsdoctor.topology.hosts import is_group
from ddsdoctor.wire.ids import Vendor
from ddsdoctor.wire.vendor import VendorInfo, identity

DDS_INFINITY = 0x7FFFFFFFFFFFFFFF  # dds_duration_t DDS_INFINITY (dds/ddsrt/time.h)
ALIVE = 16  # DDS_IST_ALIVE; 32 disposed, 64 no writers: the entity is gone

_DURABILITY = {
    "Volatile": Durability.VOLATILE,
    "TransientLocal": Durability.TRANSIENT_LOCAL,
    "Transient": Durability.TRANSIENT,
    "Persistent": Durability.PERSISTENT,
}
_LIVELINESS = {
    "Automatic": Liveliness.AUTOMATIC,
    "ManualByParticipant": Liveliness.MANUAL_BY_PARTICIPANT,
    "ManualByTopic": Liveliness.MANUAL_BY_TOPIC,
}
_SCOPE = {
    "Instance": PresentationScope.INSTANCE,
    "Topic": PresentationScope.TOPIC,
    "Group": PresentationScope.GROUP,
}

# ``Qos.explicit`` names, as the capture path spells them (topology/wirefacts.qos_from_wire).
_EXPLICIT = {
    "LatencyBudget": "latency_budget",
    "OwnershipStrength": "ownership_strength",
    "DestinationOrder": "destination_order",
    "DurabilityService": "durability_service",
    "PresentationAccessScope": "presentation",
    "TimeBasedFilter": "time_based_filter",
}


def seconds(ns: int) -> float:
    """A Cyclone duration in nanoseconds as seconds (DDS_INFINITY -> inf)."""
    return math.inf if ns >= DDS_INFINITY else ns / 1e9


def guid_hex(key: Any) -> str:
    """A builtin-topic key (uuid.UUID of the 16-byte GUID) as 32 hex digits."""
    return bytes(key.bytes).hex()


def policies(qos: Any) -> dict[str, Any]:
    """Policies by class name; properties under ``Property:<key>``."""
    out: dict[str, Any] = {}
    for p in getattr(qos, "policies", ()) if qos is not None else ():
        name = type(p).__name__
        if name in ("Property", "BinaryProperty"):
            out[f"{name}:{p.key}"] = p
        else:
            out[name] = p
    return out


def _history(p: Any) -> tuple[HistoryKind, int]:
    if type(p).__name__ == "History.KeepLast":
        return HistoryKind.KEEP_LAST, int(p.depth)
    return HistoryKind.KEEP_ALL, -1


def qos_from_cyclone(qos: Any, kind: EndpointKind) -> Qos:
    """discovery.Qos from an endpoint's cyclonedds Qos (missing policies: DDS defaults)."""
    kw: dict[str, Any] = {}
    explicit: set[str] = set()
    for name, p in policies(qos).items():
        family, _, variant = name.partition(".")
        if family == "Durability" and variant in _DURABILITY:
            kw["durability"] = _DURABILITY[variant]
        elif family == "Reliability":
            reliable = variant == "Reliable"
            kw["reliability"] = Reliability.RELIABLE if reliable else Reliability.BEST_EFFORT
            if reliable:
                kw["max_blocking_s"] = seconds(p.max_blocking_time)
        elif family == "Deadline":
            kw["deadline_s"] = seconds(p.deadline)
        elif family == "LatencyBudget":
            kw["latency_budget_s"] = seconds(p.budget)
        elif family == "Liveliness" and variant in _LIVELINESS:
            kw["liveliness"] = _LIVELINESS[variant]
            kw["liveliness_lease_s"] = seconds(p.lease_duration)
        elif family == "Ownership":
            kw["ownership"] = Ownership.EXCLUSIVE if variant == "Exclusive" else Ownership.SHARED
        elif family == "OwnershipStrength":
            kw["ownership_strength"] = int(p.strength)
        elif family == "DestinationOrder":
            kw["destination_order"] = (
                DestinationOrder.BY_SOURCE_TIMESTAMP
                if variant == "BySourceTimestamp"
                else DestinationOrder.BY_RECEPTION_TIMESTAMP
            )
        elif family == "History":
            kw["history"], kw["history_depth"] = _history(p)
        elif family == "DurabilityService":
            kw["durability_service_history"], kw["durability_service_depth"] = _history(p.history)
        elif family == "Lifespan":
            kw["lifespan_s"] = seconds(p.lifespan)
        elif family == "PresentationAccessScope" and variant in _SCOPE:
            kw["presentation_scope"] = _SCOPE[variant]
            kw["coherent_access"] = bool(p.coherent_access)
            kw["ordered_access"] = bool(p.ordered_access)
        elif family == "TimeBasedFilter":
            kw["time_based_filter_s"] = seconds(p.filter_time)
        else:
            continue
        explicit.add(_EXPLICIT.get(family, family.lower()))
    kw["explicit"] = frozenset(explicit)
    return Qos.default_for(kind, **kw)


def partitions_of(qos: Any) -> tuple[str, ...]:
    """The partition names; () for the default partition (the policy is then absent)."""
    p = policies(qos).get("Partition")
    names = tuple(str(n) for n in p.partitions) if p is not None else ()
    return () if names == ("",) else names


def _locators(value: str) -> list[str]:
    """Cyclone's receiver-side ``__NetworkAddresses``: ``udp/10.0.0.1:7410@2,...``."""
    out = []
    for raw in value.split(","):
        item = raw.strip()
        if item and item != "localprocess":
            out.append(item.split("@", 1)[0])
    return out


def _address(locator: str) -> str | None:
    body = locator.split("/", 1)[-1]
    host = body.rsplit(":", 1)[0].strip("[]")
    if is_group(host):  # IPv4 or IPv6 multicast: not the peer's address
        return None
    return host or None


def participant_from_sample(sample: Any, domain: int, now: float) -> Participant:
    """A Participant from a DCPSParticipant sample. Host/process/pid come from the properties
    the vendor sets (Cyclone ``__Hostname``/``__ProcessName``/``__Pid``, RTI
    ``dds.sys_info.*``, Fast DDS ``fastdds.physical_data.*``), read as the capture path reads
    them (``wire.vendor.identity``); OpenSplice's come later from its spliced participant."""
    prefix = guid_hex(sample.key)[:24]
    pol = policies(sample.qos)
    props = {k.split(":", 1)[1]: str(p.value) for k, p in pol.items() if k.startswith("Property:")}
    p = Participant(guid_prefix=prefix, domain_id=domain, first_seen=now, last_seen=now)
    p.properties = props
    # Builtin topics carry no vendor PIDs: the identity comes from the properties alone.
    who = identity(props, VendorInfo(Vendor.UNKNOWN))
    p.host, p.process, p.pid = who.host, who.process, who.pid
    if "Userdata" in pol:
        p.user_data = bytes(pol["Userdata"].data)
    if "EntityName" in pol:
        p.entity_name = str(pol["EntityName"].name)
    for name, pol_obj in pol.items():
        if name.startswith("Liveliness."):
            p.lease_s = seconds(pol_obj.lease_duration)
    p.locators = _locators(props.get("__NetworkAddresses", ""))
    p.addresses = sorted({a for a in map(_address, p.locators) if a})
    return p


def endpoint_from_sample(sample: Any, kind: EndpointKind, now: float) -> Endpoint:
    """An Endpoint from a DCPSPublication/DCPSSubscription sample."""
    pol = policies(sample.qos)
    name = pol.get("EntityName")
    return Endpoint(
        guid=guid_hex(sample.key),
        kind=kind,
        participant=guid_hex(sample.participant_key)[:24],
        topic=str(sample.topic_name),
        type_name=str(sample.type_name),
        partitions=partitions_of(sample.qos),
        qos=qos_from_cyclone(sample.qos, kind),
        type_info=getattr(sample, "type_id", None) is not None,
        entity_name=str(name.name) if name is not None else None,
        first_seen=now,
        last_seen=now,
    )


def is_alive(sample: Any) -> bool:
    info = sample.sample_info
    return bool(info.valid_data) and int(info.instance_state) == ALIVE

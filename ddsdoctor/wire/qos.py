"""QoS policies as sent in SEDP/SPDP parameter lists (DDSI-RTPS 2.5 §9.6.3, table 9.12).

Values are what is on the wire; a policy that is absent is None (its DDS default applies:
senders such as Cyclone omit defaults, see test-rig.md §3). Unknown enum values are kept
as pseudo-members named ``UNKNOWN_<n>`` rather than rejected.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass
from typing import Any

from ddsdoctor.wire import plist
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.plist import ParameterList


class _OpenEnum(enum.IntEnum):
    """IntEnum that keeps unknown wire values instead of raising ValueError."""

    @classmethod
    def _missing_(cls, value: object) -> Any:
        if not isinstance(value, int):
            return None
        member = int.__new__(cls, value)
        member._name_ = f"UNKNOWN_{value}"
        member._value_ = value
        return member


class DurabilityKind(_OpenEnum):
    VOLATILE = 0
    TRANSIENT_LOCAL = 1
    TRANSIENT = 2
    PERSISTENT = 3


class ReliabilityKind(_OpenEnum):
    """On the wire 1/2, not the API's 0/1 (rtps-facts.md §10.11)."""

    BEST_EFFORT = 1
    RELIABLE = 2


class LivelinessKind(_OpenEnum):
    AUTOMATIC = 0
    MANUAL_BY_PARTICIPANT = 1
    MANUAL_BY_TOPIC = 2


class OwnershipKind(_OpenEnum):
    SHARED = 0
    EXCLUSIVE = 1


class DestinationOrderKind(_OpenEnum):
    BY_RECEPTION_TIMESTAMP = 0
    BY_SOURCE_TIMESTAMP = 1


class HistoryKind(_OpenEnum):
    KEEP_LAST = 0
    KEEP_ALL = 1


class PresentationScope(_OpenEnum):
    INSTANCE = 0
    TOPIC = 1
    GROUP = 2


INFINITE = math.inf


def duration(value: bytes, le: bool) -> float:
    """Duration_t {i32 sec, u32 fraction of 2^-32 s} in seconds; infinite -> math.inf."""
    sec, frac = plist.i32s(value, le, 2)
    if sec == 0x7FFFFFFF:
        return INFINITE
    return sec + (frac & 0xFFFFFFFF) / 4294967296.0


@dataclass(frozen=True, slots=True)
class Reliability:
    kind: ReliabilityKind
    max_blocking_time: float | None


@dataclass(frozen=True, slots=True)
class Liveliness:
    kind: LivelinessKind
    lease_duration: float | None


@dataclass(frozen=True, slots=True)
class History:
    kind: HistoryKind
    depth: int


@dataclass(frozen=True, slots=True)
class ResourceLimits:
    max_samples: int
    max_instances: int
    max_samples_per_instance: int


@dataclass(frozen=True, slots=True)
class Presentation:
    access_scope: PresentationScope
    coherent_access: bool
    ordered_access: bool


@dataclass(frozen=True, slots=True)
class DurabilityService:
    service_cleanup_delay: float
    history: History
    limits: ResourceLimits


@dataclass(frozen=True, slots=True)
class EndpointQos:
    """Every endpoint QoS policy the wire carries; None = not sent (default applies)."""

    durability: DurabilityKind | None = None
    durability_service: DurabilityService | None = None
    reliability: Reliability | None = None
    deadline: float | None = None
    latency_budget: float | None = None
    liveliness: Liveliness | None = None
    ownership: OwnershipKind | None = None
    ownership_strength: int | None = None
    destination_order: DestinationOrderKind | None = None
    history: History | None = None
    resource_limits: ResourceLimits | None = None
    lifespan: float | None = None
    presentation: Presentation | None = None
    time_based_filter: float | None = None
    transport_priority: int | None = None
    user_data: bytes | None = None
    topic_data: bytes | None = None
    group_data: bytes | None = None


# PIDs (DDSI-RTPS 2.5 table 9.12).
PID_TIME_BASED_FILTER = 0x0004
PID_OWNERSHIP_STRENGTH = 0x0006
PID_RELIABILITY = 0x001A
PID_LIVELINESS = 0x001B
PID_DURABILITY = 0x001D
PID_DURABILITY_SERVICE = 0x001E
PID_OWNERSHIP = 0x001F
PID_PRESENTATION = 0x0021
PID_DEADLINE = 0x0023
PID_DESTINATION_ORDER = 0x0025
PID_LATENCY_BUDGET = 0x0027
PID_LIFESPAN = 0x002B
PID_USER_DATA = 0x002C
PID_GROUP_DATA = 0x002D
PID_TOPIC_DATA = 0x002E
PID_HISTORY = 0x0040
PID_RESOURCE_LIMITS = 0x0041
PID_TRANSPORT_PRIORITY = 0x0049


def _reliability(v: bytes, le: bool) -> Reliability:
    kind = ReliabilityKind(plist.u32(v, le))
    return Reliability(kind, duration(v[4:12], le) if len(v) >= 12 else None)


def _liveliness(v: bytes, le: bool) -> Liveliness:
    kind = LivelinessKind(plist.u32(v, le))
    return Liveliness(kind, duration(v[4:12], le) if len(v) >= 12 else None)


def _history(v: bytes, le: bool) -> History:
    kind, depth = plist.i32s(v, le, 2)
    return History(HistoryKind(kind), depth)


def _limits(v: bytes, le: bool) -> ResourceLimits:
    return ResourceLimits(*plist.i32s(v, le, 3))


def _presentation(v: bytes, le: bool) -> Presentation:
    if len(v) < 6:
        raise WireError("PID_PRESENTATION shorter than 6 bytes")
    return Presentation(PresentationScope(plist.u32(v, le)), v[4] != 0, v[5] != 0)


def _durability_service(v: bytes, le: bool) -> DurabilityService:
    if len(v) < 28:
        raise WireError("PID_DURABILITY_SERVICE shorter than 28 bytes")
    kind, depth, ms, mi, mspi = plist.i32s(v[8:], le, 5)
    return DurabilityService(
        duration(v[:8], le), History(HistoryKind(kind), depth), ResourceLimits(ms, mi, mspi)
    )


def decode_qos(pl: ParameterList) -> EndpointQos:
    """Collect the QoS policies of a parameter list (the first occurrence of each wins)."""
    le = pl.little_endian
    found: dict[str, object] = {}
    for pid, v in pl.params:
        name = _FIELDS.get(pid)
        if name is None or name in found:
            continue
        found[name] = _DECODERS[pid](v, le)
    return EndpointQos(**found)  # type: ignore[arg-type]


_DECODERS: dict[int, Any] = {
    PID_DURABILITY: lambda v, le: DurabilityKind(plist.u32(v, le)),
    PID_DURABILITY_SERVICE: _durability_service,
    PID_RELIABILITY: _reliability,
    PID_DEADLINE: duration,
    PID_LATENCY_BUDGET: duration,
    PID_LIVELINESS: _liveliness,
    PID_OWNERSHIP: lambda v, le: OwnershipKind(plist.u32(v, le)),
    PID_OWNERSHIP_STRENGTH: plist.i32,
    PID_DESTINATION_ORDER: lambda v, le: DestinationOrderKind(plist.u32(v, le)),
    PID_HISTORY: _history,
    PID_RESOURCE_LIMITS: _limits,
    PID_LIFESPAN: duration,
    PID_PRESENTATION: _presentation,
    PID_TIME_BASED_FILTER: duration,
    PID_TRANSPORT_PRIORITY: plist.i32,
    PID_USER_DATA: plist.octets,
    PID_TOPIC_DATA: plist.octets,
    PID_GROUP_DATA: plist.octets,
}
_FIELDS: dict[int, str] = {
    PID_DURABILITY: "durability",
    PID_DURABILITY_SERVICE: "durability_service",
    PID_RELIABILITY: "reliability",
    PID_DEADLINE: "deadline",
    PID_LATENCY_BUDGET: "latency_budget",
    PID_LIVELINESS: "liveliness",
    PID_OWNERSHIP: "ownership",
    PID_OWNERSHIP_STRENGTH: "ownership_strength",
    PID_DESTINATION_ORDER: "destination_order",
    PID_HISTORY: "history",
    PID_RESOURCE_LIMITS: "resource_limits",
    PID_LIFESPAN: "lifespan",
    PID_PRESENTATION: "presentation",
    PID_TIME_BASED_FILTER: "time_based_filter",
    PID_TRANSPORT_PRIORITY: "transport_priority",
    PID_USER_DATA: "user_data",
    PID_TOPIC_DATA: "topic_data",
    PID_GROUP_DATA: "group_data",
}
QOS_PIDS = frozenset(_FIELDS)
"""The PIDs ``decode_qos`` interprets."""

"""What changed in Cyclone DDS's configuration across versions: deprecated, moved, removed.

The XSD only describes the current names. Cyclone's parser also knows older names: deprecated
ones (``DEPRECATED(...)`` in ``ddsi__cfgelems.h``, accepted with a warning), aliases
(``"New|Old"``), and moved settings (``MOVED(...)``, processed at their new place with a
"setting moved to" warning). Everything else is "unknown element", which makes Cyclone refuse
the whole configuration.

Every entry here was checked against two real builds, in a network namespace holding only
``lo``: Cyclone DDS 0.10.2 (Debian ``libddsc0``, driven by ``ddsperf``) and 11.0.1 (the
``cyclonedds`` Python wheel); ``tests/cyclone/test_oracle.py`` re-runs those checks. Facts about
0.8 come from rmw_cyclonedds#467 and create3_docs#229 (ROS 2 Galactic ships 0.8.x).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass

D = "CycloneDDS/Domain"


class Change(enum.Enum):
    DEPRECATED = "deprecated"  # accepted with "'X': deprecated element"
    ALIAS = "alias"  # accepted with "'X': deprecated alias for 'Y'"
    MOVED = "moved"  # accepted with "setting moved to //Y"
    REMOVED = "removed"  # rejected: "X: unknown element"
    OPENSPLICE = "opensplice"  # an OpenSplice DDSI2 setting: rejected as unknown


@dataclass(frozen=True, slots=True)
class Legacy:
    """An old name Cyclone still reacts to in a special way (or an OpenSplice name)."""

    parent: str  # canonical parent path
    name: str  # element name, or "@name" for an attribute
    change: Change
    target: str = ""  # ALIAS/MOVED: the current path; others: what to use instead
    versions: str = ""  # what is known about the versions involved
    note: str = ""


_DEP_10 = "since 0.10 at least (0.10 and 11.0 warn)"
_DEP_11 = "since 11.0 (0.10 reads it silently)"
_SHM = (
    "Cyclone 11 replaced the iceoryx SharedMemory section by PSMX plugins "
    "(General/Interfaces/PubSubMessageExchange)"
)
_TOP = "layout from before <Domain> existed; 0.10 and 11.0 read it with a warning"

_ENTRIES: tuple[Legacy, ...] = (
    Legacy(
        f"{D}/General",
        "NetworkInterfaceAddress",
        Change.DEPRECATED,
        f"{D}/General/Interfaces/NetworkInterface",
        _DEP_10,
    ),
    Legacy(
        f"{D}/General",
        "PreferMulticast",
        Change.DEPRECATED,
        f"{D}/General/Interfaces/NetworkInterface[@prefer_multicast]",
        _DEP_10,
    ),
    Legacy(
        f"{D}/Internal",
        "AssumeMulticastCapable",
        Change.DEPRECATED,
        f"{D}/General/Interfaces/NetworkInterface[@multicast]",
        _DEP_10,
    ),
    Legacy(
        f"{D}/Internal",
        "ScheduleTimeRounding",
        Change.DEPRECATED,
        "",
        _DEP_10,
        "it no longer has any effect",
    ),
    Legacy(f"{D}/Internal", "WriteBatch", Change.DEPRECATED, "", _DEP_11),
    Legacy(f"{D}/Internal/ControlTopic", "Deaf", Change.DEPRECATED, "", _DEP_10),
    Legacy(f"{D}/Internal/ControlTopic", "Mute", Change.DEPRECATED, "", _DEP_10),
    Legacy(f"{D}/Internal/ControlTopic", "@Enable", Change.DEPRECATED, "", _DEP_10),
    Legacy(f"{D}/Internal/ControlTopic", "@InitialReset", Change.DEPRECATED, "", _DEP_10),
    Legacy(
        f"{D}/SharedMemory",
        "Enable",
        Change.DEPRECATED,
        f"{D}/General/Interfaces/PubSubMessageExchange",
        _DEP_11,
        _SHM,
    ),
    Legacy(f"{D}/SharedMemory", "LogLevel", Change.DEPRECATED, "", _DEP_11, _SHM),
    Legacy(f"{D}/SharedMemory", "Locator", Change.DEPRECATED, "", _DEP_11, _SHM),
    Legacy(f"{D}/SharedMemory", "Prefix", Change.DEPRECATED, "", _DEP_11, _SHM),
    Legacy(f"{D}/Tracing", "EnableCategory", Change.ALIAS, f"{D}/Tracing/Category", _DEP_10),
    Legacy(
        f"{D}/Internal/Watermarks",
        "WhcAdaptative",
        Change.ALIAS,
        f"{D}/Internal/Watermarks/WhcAdaptive",
        _DEP_10,
    ),
    Legacy(D, "DDSSecurity", Change.ALIAS, f"{D}/Security", _DEP_10),
    Legacy(D, "Unsupported", Change.ALIAS, f"{D}/Internal", _DEP_10),
    Legacy(
        f"{D}/General/Interfaces/PubSubMessageExchange",
        "@name",
        Change.ALIAS,
        f"{D}/General/Interfaces/PubSubMessageExchange[@type]",
        "11.0",
    ),
    Legacy(D, "Id", Change.MOVED, f"{D}[@Id]", "0.10 and 11.0 read it with a warning"),
    Legacy(f"{D}/Internal", "MaxMessageSize", Change.MOVED, f"{D}/General/MaxMessageSize", _DEP_10),
    Legacy(f"{D}/Internal", "FragmentSize", Change.MOVED, f"{D}/General/FragmentSize", _DEP_10),
    Legacy(f"{D}/Internal", "LeaseDuration", Change.MOVED, f"{D}/Discovery/LeaseDuration", _DEP_10),
    Legacy(
        f"{D}/Internal",
        "MinimumSocketReceiveBufferSize",
        Change.MOVED,
        f"{D}/Internal/SocketReceiveBufferSize[@min]",
        _DEP_10,
    ),
    Legacy(
        f"{D}/Internal",
        "MinimumSocketSendBufferSize",
        Change.MOVED,
        f"{D}/Internal/SocketSendBufferSize[@min]",
        _DEP_10,
    ),
    *(
        Legacy("CycloneDDS", old, Change.MOVED, f"{D}/{new}", _TOP)
        for old, new in (
            ("General", "General"),
            ("Partitioning", "Partitioning"),
            ("Threads", "Threads"),
            ("Sizing", "Sizing"),
            ("Compatibility", "Compatibility"),
            ("Discovery", "Discovery"),
            ("Tracing", "Tracing"),
            ("Internal", "Internal"),
            ("Unsupported", "Internal"),
            ("TCP", "TCP"),
            ("DDSSecurity", "Security"),
            ("SSL", "SSL"),
            ("SharedMemory", "SharedMemory"),
        )
    ),
    Legacy("CycloneDDS", "DDSI2E", Change.MOVED, D, "OpenSplice-style section; " + _TOP),
    Legacy("CycloneDDS", "DDSI2", Change.MOVED, D, "OpenSplice-style section; " + _TOP),
    Legacy(
        f"{D}/Internal",
        "UnicastResponseToSPDPMessages",
        Change.REMOVED,
        "",
        "0.10 reads it, 11.0 rejects it",
    ),
    Legacy(
        f"{D}/Internal",
        "DDSI2DirectMaxThreads",
        Change.REMOVED,
        "",
        "0.10 reads it, 11.0 rejects it",
    ),
    *(
        Legacy(
            f"{D}/SharedMemory",
            name,
            Change.REMOVED,
            "",
            "from Cyclone's early iceoryx integration (its 'iceoryx' branch XSD); "
            "rejected by 0.10 and 11.0",
        )
        for name in ("SubQueueCapacity", "SubHistoryRequest", "PubHistoryCapacity")
    ),
)

# OpenSplice DDSI2Service settings (OpenSplice 6.x metaconfig) with no Cyclone counterpart:
# configurations ported from OpenSplice carry them, and both 0.10 and 11.0 reject them.
_OSPL: Mapping[str, tuple[str, ...]] = {
    f"{D}/Compatibility": (
        "AckNackNumbitsEmptySet",
        "ArrivalOfDataAssertsPpAndEpLiveliness",
        "RespondToRtiInitZeroAckWithInvalidHeartbeat",
    ),
    f"{D}/Discovery": (
        "AdvertiseBuiltinTopicWriters",
        "DomainId",
        "GenerateBuiltinTopics",
        "LocalDiscoveryPartition",
    ),
    f"{D}/Discovery/Peers": ("Group",),
    f"{D}/General": (
        "CoexistWithNativeNetworking",
        "StartupModeCoversTransient",
        "StartupModeDuration",
    ),
    f"{D}/Internal": (
        "AggressiveKeepLastWhc",
        "ConservativeBuiltinReaderStartup",
        "ForwardAllMessages",
        "ForwardRemoteData",
        "LegacyFragmentation",
        "LogStackTraces",
        "MirrorRemoteEntities",
        "ResponsivenessTimeout",
        "RetryOnRejectDuration",
        "SuppressSPDPMulticast",
    ),
    f"{D}/Sizing": ("EndpointsInSystem", "LocalEndpoints", "NetworkQueueSize"),
    f"{D}/Tracing": ("Timestamps",),
    D: ("ThreadPool", "Watchdog"),
}
_OSPL_HINTS = {"DomainId": 'set the domain with <Domain Id="...">'}

LEGACY: Mapping[tuple[str, str], Legacy] = {
    (e.parent.lower(), e.name.lower()): e
    for e in (
        *_ENTRIES,
        *(
            Legacy(
                parent,
                name,
                Change.OPENSPLICE,
                _OSPL_HINTS.get(name, ""),
                "an OpenSplice DDSI2 setting; Cyclone 0.10 and 11.0 reject it",
            )
            for parent, names in _OSPL.items()
            for name in names
        ),
    )
}


@dataclass(frozen=True, slots=True)
class Introduced:
    """A setting that older Cyclone releases reject as "unknown element" (or attribute)."""

    since: str  # the first release that reads it
    rejected_by: str  # the newest release known to reject it
    source: str  # how that is known


_GALACTIC = Introduced(
    "0.10", "0.8", "rmw_cyclonedds#467, create3_docs#229 (ROS 2 Galactic ships 0.8.x)"
)
_HUMBLE = Introduced("0.11/11.0", "0.10", "checked: 0.10.2 rejects it (ROS 2 Humble ships 0.10.x)")
_LATER = Introduced(
    "a release after 11.0.1", "11.0", "checked: 11.0.1 rejects it; in the master XSD"
)

INTRODUCED: Mapping[str, Introduced] = {
    p.lower(): v
    for v, paths in (
        (
            _GALACTIC,
            (
                f"{D}/General/Interfaces",
                f"{D}/Internal/SocketReceiveBufferSize",
                f"{D}/Internal/SocketSendBufferSize",
            ),
        ),
        (
            _HUMBLE,
            (
                f"{D}/Compatibility/AllowInvalidTryConstruct",
                f"{D}/Compatibility/IgnoreTypeInformation",
                f"{D}/Compatibility/ProtocolVersion",
                f"{D}/Discovery/DiscoveredLocatorPruneDelay",
                f"{D}/Discovery/InitialLocatorPruneDelay",
                f"{D}/Discovery/Peers[@AddLocalhost]",
                f"{D}/Discovery/Peers/Peer[@PruneDelay]",
                f"{D}/General/AddrsetCosts",
                f"{D}/General/Interfaces/PubSubMessageExchange",
                f"{D}/General/Interfaces/NetworkInterface/AddrsetCosts",
                f"{D}/General/Interfaces/NetworkInterface[@allow_multicast]",
                f"{D}/Internal/ExtendedPacketInfo",
                f"{D}/Internal/BurstSize/MaxFragsRexmitSample",
                f"{D}/Partitioning/NetworkPartitions/NetworkPartition[@Interface]",
                f"{D}/Threads/Thread/Scheduling/Affinity",
            ),
        ),
        (
            _LATER,
            (
                f"{D}/Compatibility/AllowInvalidExtensibility",
                f"{D}/Compatibility/AllowMismatchingTypeId",
                f"{D}/Compatibility/AllowRecursiveTypes",
            ),
        ),
    )
    for p in paths
}

# Root attributes Cyclone skips (NOP entries of root_cfgattrs); any other is "unknown attribute".
ROOT_ATTRIBUTES = frozenset(
    {"xmlns", "xmlns:xsi", "xsi:schemalocation", "xsi:nonamespaceschemalocation"}
)


def legacy(parent_path: str, name: str) -> Legacy | None:
    """The legacy entry for element ``name`` (or ``@attr``) under ``parent_path``."""
    return LEGACY.get((parent_path.lower(), name.lower()))

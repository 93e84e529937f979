"""Which DDS implementation each participant is, from what the builtin topics show.

The builtin topics carry no vendor id: it travels in the RTPS header, which Cyclone DDS does not
pass up. So the vendor is inferred, most specific evidence first, and the rule that decided is
kept in ``Participant.vendor_source``:

1. ``properties``: Cyclone DDS announces ``__Hostname``/``__ProcessName``/``__Pid``; Fast DDS
   announces ``fastdds.physical_data.*`` and ``PARTICIPANT_TYPE`` (test-rig.md §2, §4).
2. ``opensplice-group``: OpenSplice builds GUID prefixes as three big-endian words
   {systemId, localId, serial} (``ppguid_from_ppgid``, q_main.c), and every single-process
   application shows five participants sharing the systemId, local ids 0x04 (builtin/CM),
   0x58 (spliced), 0x7d (durability), 0x81 (DDSI2) and 0x2xx (the application), serial 1
   (opensplice-facts §10). Two or more participants sharing the first word with small second
   and third words, or one owning OpenSplice's own topics (``kernelModule::``,
   ``durabilityModule2::`` types), are OpenSplice. The host is the spliced participant's
   USER_DATA.
3. ``guid-prefix``: DDSI-RTPS 2.2+ recommends that a prefix starts with the vendor id; Cyclone,
   Fast DDS, RTI and OpenDDS do. A registered vendor id in the first two bytes is taken, last.

Limits: Dust DDS builds its prefix from an IPv4 address and sets no properties, so it stays
``unknown``; an OpenSplice process whose other participants were not yet discovered falls to
rule 3 and, its systemId being random, usually to ``unknown``; a random OpenSplice systemId that
starts with a registered vendor id (about 20 in 65536) would be misnamed by rule 3 if alone.
"""

from __future__ import annotations

from collections import defaultdict

from ddsdoctor.discovery import (
    VENDORS,
    DiscoveryFacts,
    EndpointKind,
    Participant,
    host_from_user_data,
)
from ddsdoctor.wire.ids import Vendor

# Plain ints, as the capture path stores them (the one vendor table: wire.ids).
CYCLONE = int(Vendor.CYCLONE)
FASTDDS = int(Vendor.FAST_DDS)
OPENSPLICE = int(Vendor.OPENSPLICE)

_CYCLONE_PROPS = ("__Hostname", "__ProcessName", "__Pid")
_FASTDDS_PROPS = ("fastdds.physical_data.host", "fastdds.physical_data.process")
# OpenSplice 6.9 local ids of the service participants (opensplice-facts §10).
OSPL_ROLES = {0x04: "builtin", 0x58: "spliced", 0x7D: "durability", 0x81: "ddsi2"}
_OSPL_TYPES = ("kernelModule::", "durabilityModule2::")


def _words(prefix: str) -> tuple[int, int, int]:
    raw = bytes.fromhex(prefix)
    return (
        int.from_bytes(raw[0:4], "big"),
        int.from_bytes(raw[4:8], "big"),
        int.from_bytes(raw[8:12], "big"),
    )


def _ospl_shaped(prefix: str) -> bool:
    _, local_id, serial = _words(prefix)
    return local_id < 0x10000 and serial < 0x10000


def infer_vendors(facts: DiscoveryFacts) -> None:
    """Fill vendor_id/vendor_source (and OpenSplice system_id/role/host) in place."""
    owned_ospl: set[str] = set()
    for ep in facts.endpoints.values():
        if ep.type_name.startswith(_OSPL_TYPES):
            owned_ospl.add(ep.participant)

    groups: dict[int, list[Participant]] = defaultdict(list)
    for p in facts.participants.values():
        if len(p.guid_prefix) != 24 or p.vendor_source == "rtps-header":
            continue
        # Idempotent: the probe and --watch re-run this as participants arrive.
        p.vendor_id = p.vendor_source = None
        props = p.properties
        if any(k in props for k in _CYCLONE_PROPS):
            p.vendor_id, p.vendor_source = CYCLONE, "properties"
        elif any(k in props for k in _FASTDDS_PROPS) or "PARTICIPANT_TYPE" in props:
            p.vendor_id, p.vendor_source = FASTDDS, "properties"
        elif _ospl_shaped(p.guid_prefix):
            groups[_words(p.guid_prefix)[0]].append(p)
    for system_id, members in groups.items():
        if len(members) >= 2 or any(m.guid_prefix in owned_ospl for m in members):
            _mark_opensplice(facts, system_id, members)
    for p in facts.participants.values():
        if p.vendor_source is None:
            head = int(p.guid_prefix[:4], 16) if len(p.guid_prefix) == 24 else -1
            if head in VENDORS:
                p.vendor_id, p.vendor_source = head, "guid-prefix"


def _mark_opensplice(facts: DiscoveryFacts, system_id: int, members: list[Participant]) -> None:
    by_prefix = {m.guid_prefix: m for m in members}
    topics: dict[str, set[str]] = defaultdict(set)
    for ep in facts.endpoints.values():
        if ep.participant in by_prefix:
            topics[ep.participant].add(ep.topic)
    host = None
    for m in members:
        m.vendor_id, m.vendor_source, m.system_id = OPENSPLICE, "opensplice-group", system_id
        local_id = _words(m.guid_prefix)[1]
        mine = topics.get(m.guid_prefix, set())
        if any(t.startswith("d_") for t in mine):
            m.role = "durability"
        elif "DCPSHeartbeat" in mine or any(t.startswith("CM") for t in mine):
            m.role = "builtin"
        else:
            m.role = OSPL_ROLES.get(local_id, "application")
        if m.role == "spliced":
            host = host_from_user_data(m.user_data) or host
    for m in members:
        m.host = m.host or host
    # DDSI2 advertises a TRANSIENT reader per durable topic its durability service knows, for
    # the durability service, not for an application (opensplice-facts §10).
    for ep in facts.endpoints.values():
        owner = by_prefix.get(ep.participant)
        if owner is not None and owner.role == "ddsi2" and ep.kind is EndpointKind.READER:
            ep.role = ep.role or "durability-proxy"

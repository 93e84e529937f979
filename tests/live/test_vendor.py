"""Vendor inference from what builtin topics show, on GUID prefixes and data seen on real wires.

The OpenSplice prefixes, USER_DATA and topics are those of the shared opensplice-lab capture
(s1-sp-3hosts-domain0, capture.summary.md); the others are from test-rig.md §2.
"""

from __future__ import annotations

from ddsdoctor.discovery import DiscoveryFacts, Endpoint, EndpointKind, Participant
from ddsdoctor.live.vendor import infer_vendors

# host os-h1, systemId 0x122015db: builtin, spliced, durability, ddsi2, application
OSPL_H1 = [
    "122015db0000000400000001",
    "122015db0000005800000001",
    "122015db0000007d00000001",
    "122015db0000008100000001",
    "122015db000002de00000001",
]
OSPL_H2 = ["1e9428b30000005800000001", "1e9428b3000002de00000001"]


def _facts() -> DiscoveryFacts:
    facts = DiscoveryFacts(source="builtin-topics")
    for prefix in OSPL_H1 + OSPL_H2:
        p = facts.participant(prefix)
        if prefix[8:16] == "00000058":
            p.user_data = b"os-h1" if prefix in OSPL_H1 else b"os-h2"
    cyc = facts.participant("0110b216c4537b53fe40526f")
    cyc.properties = {"__Hostname": "dd-h1", "__Pid": "9", "__ProcessName": "python"}
    fast = facts.participant("010f10e9772c504f00000000")
    fast.properties = {"fastdds.physical_data.host": "dd-h2:1", "PARTICIPANT_TYPE": "SIMPLE"}
    facts.participant("0a4d000d782c000000000000")  # Dust DDS: IPv4 address + counter
    facts.participant("0101aabbccddeeff00112233")  # RTI-style prefix, no properties
    eps = [
        (
            "122015db0000007d00000001",
            "d_status",
            "durabilityModule2::d_status_s",
            ("durabilityPartition",),
            EndpointKind.WRITER,
        ),
        (
            "122015db0000008100000001",
            "LabTransient",
            "DurabilityData::Msg",
            ("lab",),
            EndpointKind.READER,
        ),
        (
            "122015db000002de00000001",
            "LabTransient",
            "DurabilityData::Msg",
            ("lab",),
            EndpointKind.WRITER,
        ),
    ]
    for i, (owner, topic, type_name, parts, kind) in enumerate(eps):
        guid = owner + f"{i:06x}02"
        facts.endpoints[guid] = Endpoint(guid, kind, owner, topic, type_name, parts)
    return facts


def test_vendors_and_sources() -> None:
    facts = _facts()
    infer_vendors(facts)
    got = {p.guid_prefix: (p.vendor_id, p.vendor_source) for p in facts.participants.values()}
    assert got["0110b216c4537b53fe40526f"] == (0x0110, "properties")
    assert got["010f10e9772c504f00000000"] == (0x010F, "properties")
    assert got["0101aabbccddeeff00112233"] == (0x0101, "guid-prefix")
    assert got["0a4d000d782c000000000000"] == (None, None)  # Dust: honestly unknown
    for prefix in OSPL_H1 + OSPL_H2:
        assert got[prefix] == (0x0102, "opensplice-group")


def test_opensplice_groups_roles_and_hosts() -> None:
    facts = _facts()
    infer_vendors(facts)
    roles = {p: facts.participants[p].role for p in OSPL_H1}
    assert list(roles.values()) == ["builtin", "spliced", "durability", "ddsi2", "application"]
    assert {facts.participants[p].host for p in OSPL_H1} == {"os-h1"}
    assert {facts.participants[p].host for p in OSPL_H2} == {"os-h2"}
    assert {facts.participants[p].process_key for p in OSPL_H1} == {f"ospl:{0x122015DB}"}
    # DDSI2's TRANSIENT reader serves the durability service, not an application
    proxy = [e for e in facts.endpoints.values() if e.participant == OSPL_H1[3]]
    assert [e.role for e in proxy] == ["durability-proxy"]
    app = [e for e in facts.endpoints.values() if e.participant == OSPL_H1[4]]
    assert [e.role for e in app] == [None]


def test_idempotent_and_single_participant() -> None:
    facts = _facts()
    infer_vendors(facts)
    infer_vendors(facts)
    assert facts.participants[OSPL_H1[0]].vendor_id == 0x0102
    lone = DiscoveryFacts(
        participants={"6773a7e10000005800000001": Participant("6773a7e10000005800000001")}
    )
    infer_vendors(lone)  # one OpenSplice participant alone cannot be told apart
    assert lone.participants["6773a7e10000005800000001"].vendor_id is None

"""OpenSplice on the wire, from the real 3-host lab capture (opensplice-facts.md §6, §10)."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.wire.decoder import DiscoveryDecoder
from ddsdoctor.wire.records import (
    CmParticipantData,
    DomainSource,
    EndpointData,
    EndpointKind,
    ParticipantData,
    TopicData,
)
from ddsdoctor.wire.vendor import OsplRole
from ddsdoctor.wire.walk import scan

HOSTS = {"10.85.0.11": "os-h1", "10.85.0.12": "os-h2", "10.85.0.13": "os-h3"}
SYSTEM_IDS = {0x122015DB, 0x1E9428B3, 0x2E06EBE1, 0x22B34CA1, 0x6773A7E1}


@pytest.fixture(scope="module")
def lab(request: pytest.FixtureRequest) -> dict[str, object]:
    from tests.wire.corpus import OSPL_CAPTURE

    if not OSPL_CAPTURE.is_file():
        pytest.skip(f"OpenSplice lab capture not found at {OSPL_CAPTURE}")
    return _decode(OSPL_CAPTURE)


def _decode(path: Path) -> dict[str, object]:
    dec = DiscoveryDecoder()
    parts: dict[object, ParticipantData] = {}
    src: dict[object, str] = {}
    eps: dict[object, EndpointData] = {}
    cms: dict[object, CmParticipantData] = {}
    topics: set[tuple[str | None, str | None]] = set()
    for dg in read_capture(path):
        walked = scan(dg.payload)
        if not walked.discovery:
            continue
        decoded = dec.decode(dg.payload, walked, time=dg.time, dst_port=dg.dport)
        assert not decoded.errors
        for rec in decoded.records:
            if isinstance(rec, ParticipantData):
                parts[rec.guid] = rec
                src[rec.guid] = dg.src
            elif isinstance(rec, EndpointData):
                eps[rec.guid] = rec
            elif isinstance(rec, CmParticipantData):
                cms[rec.guid] = rec
            elif isinstance(rec, TopicData):
                topics.add((rec.topic, rec.type_name))
    return {
        "parts": parts,
        "src": src,
        "eps": eps,
        "cms": cms,
        "topics": topics,
        "frags": dec.reassembler.stats,
    }


def test_five_participants_per_process_share_the_system_id(lab: dict) -> None:
    by_system: dict[int | None, list[ParticipantData]] = defaultdict(list)
    for p in lab["parts"].values():
        assert p.vendor_id == 0x0102
        by_system[p.system_id].append(p)
    assert set(by_system) == SYSTEM_IDS
    assert all(len(group) == 5 for group in by_system.values())


def test_ddsi2_participant_has_version_info_flag_0x10(lab: dict) -> None:
    by_system: dict[int | None, list[ParticipantData]] = defaultdict(list)
    for p in lab["parts"].values():
        by_system[p.system_id].append(p)
    for group in by_system.values():
        ddsi2 = [p for p in group if p.is_ddsi2]
        assert len(ddsi2) == 1
        assert ddsi2[0].version_info is not None and ddsi2[0].version_info.flags == 0x3F
        assert ddsi2[0].guid.prefix[4:8] == bytes.fromhex("00000081")
        assert {p.version_info.flags for p in group if not p.is_ddsi2} == {0x2F}


def test_hostname_from_version_info_and_spliced_user_data(lab: dict) -> None:
    for guid, p in lab["parts"].items():
        host = HOSTS[lab["src"][guid]]
        info = p.version_info
        assert info is not None
        # 5 words, three of them uninitialised memory, then "host/6.9.210323OSS////".
        assert info.internals == f"{host}/6.9.210323OSS////"
        assert (info.host, info.product_version, p.host) == (host, "6.9.210323OSS", host)
        assert p.domain_id == 0 and p.domain_source is DomainSource.PORT
        assert p.lease_duration == 11.0
    spliced = [p for p in lab["parts"].values() if p.user_data is not None]
    assert len(spliced) == 5
    for p in spliced:
        assert p.user_data.decode() == p.host
        assert lab["cms"][p.guid].role is OsplRole.SPLICED


def test_cm_participants_name_every_role_with_pid_and_executable(lab: dict) -> None:
    cms: dict[object, CmParticipantData] = lab["cms"]
    assert set(cms) == set(lab["parts"])
    roles: dict[int, set[OsplRole]] = defaultdict(set)
    for guid, cm in cms.items():
        part = lab["parts"][guid]
        roles[part.system_id].add(cm.role)
        assert cm.node_name == part.host and cm.exec_name == "ospltool"
        assert cm.process_id is not None and cm.process_id > 0
        assert (cm.role is OsplRole.DDSI2) == part.is_ddsi2
    assert all(r == set(OsplRole) for r in roles.values())


def test_durability_proxy_readers_are_owned_by_ddsi2(lab: dict) -> None:
    """Every process has a TRANSIENT LabTransient reader owned by its DDSI2 participant."""
    proxies = [
        e
        for e in lab["eps"].values()
        if e.topic == "LabTransient"
        and e.kind is EndpointKind.READER
        and lab["parts"][e.participant_guid].is_ddsi2
    ]
    assert {lab["parts"][e.participant_guid].system_id for e in proxies} == SYSTEM_IDS
    for e in proxies:
        assert e.qos.durability is not None and e.qos.durability.name == "TRANSIENT"
        assert e.partitions == ("lab",)


def test_fragmented_topic_announcements_are_reassembled(lab: dict) -> None:
    """SEDP topics (0x2c2) exceed the fragment size: DATA_FRAG, which tshark leaves raw."""
    assert lab["frags"].completed > 0 and lab["frags"].inconsistent == 0
    assert ("LabTransient", "DurabilityData::Msg") in lab["topics"]
    assert ("LabTL", "DurabilityData::Msg") in lab["topics"]

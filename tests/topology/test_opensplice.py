"""OpenSplice on the real lab capture: five participants per process, roles, host names,
durability proxy readers, and the single-process full mesh (opensplice-facts.md §10)."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from ddsdoctor.discovery import EndpointKind
from ddsdoctor.topology.model import Pattern
from tests.topology.oracle import default
from tests.wire.corpus import OSPL_CAPTURE


@pytest.fixture
def ospl() -> Path:
    if not OSPL_CAPTURE.is_file():
        pytest.skip(f"OpenSplice lab capture not found at {OSPL_CAPTURE}")
    return OSPL_CAPTURE


ROLES = {"spliced", "ddsi2", "durability", "builtin", "application"}
# README.md of the lab scenario: systemId -> (host, program)
SYSTEMS = {
    304092635: "os-h1",
    513026227: "os-h2",
    772205537: "os-h2",
    1735632865: "os-h3",
    582175905: "os-h3",
}


def test_each_process_is_five_participants_with_named_roles(ospl: Path) -> None:
    report = default(ospl)
    procs = {p.key: p for p in report.processes}
    assert set(procs) == {f"ospl:{s}" for s in SYSTEMS}
    for system, host in SYSTEMS.items():
        p = procs[f"ospl:{system}"]
        assert p.host == host
        assert set(p.participants.values()) == ROLES
        assert p.name == "ospltool" and p.pid is not None
    assert Counter(h.name for h in report.hosts for _ in h.processes) == {
        "os-h1": 1,
        "os-h2": 2,
        "os-h3": 2,
    }


def test_host_name_is_the_spliced_participants_user_data(ospl: Path) -> None:
    facts = default(ospl).facts
    spliced = [p for p in facts.participants.values() if p.role == "spliced"]
    assert len(spliced) == 5
    for p in spliced:
        assert p.user_data is not None and p.user_data.decode() == p.host
    assert {p.domain_id for p in facts.participants.values()} == {0}  # from the ports


def test_ddsi2_transient_readers_are_durability_proxies(ospl: Path) -> None:
    facts = default(ospl).facts
    lab = [e for e in facts.endpoints.values() if e.topic == "LabTransient"]
    proxies = [e for e in lab if e.role == "durability-proxy"]
    assert len(proxies) == 5  # one per process, owned by its DDSI2 participant
    assert all(facts.participants[e.participant].role == "ddsi2" for e in proxies)
    apps = [e for e in lab if e.kind is EndpointKind.READER and e.role is None]
    assert len(apps) == 2  # h2-sub and h3-sub-transient
    infra = {e.role for e in facts.endpoints.values() if e.topic.startswith("d_")}
    assert infra == {"durability"}


def test_single_process_mode_is_the_full_community_mesh(ospl: Path) -> None:
    report = default(ospl)
    assert report.pattern is Pattern.FULL_MESH
    codes = {f.code for f in report.findings}
    assert "DD850" in codes
    assert not codes & {"DD852", "DD853", "DD854", "DD804"}
    mesh = next(f for f in report.findings if f.code == "DD850")
    assert len(mesh.evidence["single_process_opensplice"]) == 5


def test_capture_ending_just_after_a_process_joins_is_not_stuck_discovery(
    ospl: Path, tmp_path: Path
) -> None:
    """The lab capture cut 10 s in: the two os-h3 processes join 30 ms before the end.

    SEDP that os-h2 multicast at +2 s reaches the group os-h3 announces later; counted as
    offered to os-h3 from +2 s, their first NACKs looked like 8 s of stuck discovery.
    """
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(ospl.read_bytes()[:600_000])
    report = default(cut)
    assert report.duration == pytest.approx(10.04, abs=0.05)
    h3 = {f"ospl:{s}" for s, host in SYSTEMS.items() if host == "os-h3"}
    joined = min(s.first_packet or 0.0 for s in report.discovery if s.process in h3)
    towards_h3 = [x for x in report.sedp_links if x.receiver in h3 and x.delivered_sn]
    assert towards_h3 and all((x.delivered_first or 0.0) >= joined for x in towards_h3)
    assert "DD853" not in {f.code for f in report.findings}

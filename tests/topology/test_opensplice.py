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

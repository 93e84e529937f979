"""Master election across a fleet, following OpenSplice 6.9 as observed (facts §10)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.ospl.election import Election
from ddsdoctor.ospl.fleet import build_fleet
from ddsdoctor.ospl.fleetfile import parse_fleet

ROOT = Path(__file__).resolve().parents[2]
NODE = ROOT / "tests" / "rules" / "cases" / "fleet-nodes" / "node.xml"


def elect(toml: str) -> Election:
    fleet = build_fleet(parse_fleet(toml, ROOT / "tests" / "fleet.toml"))
    (election,) = fleet.elections
    return election


def test_roles_elect_separately() -> None:
    toml = (
        node("m", PRIO="201")
        + node("c", ALIGNER="false")
        + node("m2", PRIO="50", ROLE="Lab")
        + node("c2", ALIGNER="false", ROLE="Lab")
    )
    fleet = build_fleet(parse_fleet(toml, ROOT / "tests" / "fleet.toml"))
    by_role = {e.role: e for e in fleet.elections}
    assert set(by_role) == {"DefaultRole", "Lab"}
    assert views(by_role["DefaultRole"]) == {"m": ("m",), "c": ("m",)}
    assert views(by_role["Lab"]) == {"m2": ("m2",), "c2": ("m2",)}


def node(name: str, **env: str) -> str:
    pairs = ", ".join(f'{k} = "{v}"' for k, v in env.items())
    return f'[[node]]\nname = "{name}"\nconfig = "{NODE}"\nenv = {{ {pairs} }}\n'


def views(e: Election) -> dict[str, tuple[str | None, ...]]:
    return {v.node: v.possible for v in e.views}


def test_section10_views_split_201_5_0() -> None:
    # facts §10: the 201 node is master of itself, the 5 node (Lazy aligner) follows 201, and
    # the 0 node ends on the highest systemId among the candidates above ITS OWN priority.
    e = elect(
        node("m", PRIO="201")
        + node("lazy", PRIO="5", ALIGNEE="Lazy")
        + node("zero", PRIO="0", ALIGNER="false")
    )
    assert views(e) == {"m": ("m",), "lazy": ("m",), "zero": ("m", "lazy")}
    assert e.master == "m" and e.backups == ("lazy",)
    assert e.split is not None and e.split.b == "zero" and e.split.b_master == "lazy"
    assert "lazy has the highest systemId" in e.split.condition


def test_equal_priority_below_can_beat_higher_candidate() -> None:
    # determineNewMasterPriorityCompare compares with the node's own priority: for a 5 node, a
    # fellow at 5 with a higher systemId replaces the 201 candidate it took before.
    e = elect(node("m", PRIO="201") + node("a", PRIO="5") + node("b", PRIO="5"))
    assert set(views(e)["a"]) == {"m", "b"}
    assert set(views(e)["b"]) == {"m", "a"}
    assert views(e)["m"] == ("m",)
    assert e.split is not None


def test_single_candidate_everybody_agrees() -> None:
    e = elect(node("m", PRIO="201") + node("d", PRIO="5", ALIGNER="false") + node("c"))
    assert all(v == ("m",) for v in views(e).values())
    assert e.split is None and e.tie == ("m",)


def test_pinned_systemids_remove_the_split() -> None:
    e = elect(
        node("m", PRIO="201", SYSID_MIN="2000000000")
        + node("lazy", PRIO="5", ALIGNEE="Lazy", SYSID_MAX="1999999999")
        + node("zero", PRIO="0", ALIGNER="false", SYSID_MAX="1999999999")
    )
    assert views(e)["zero"] == ("m",)
    assert e.split is None


def test_top_priority_tie_is_random_but_agreed() -> None:
    e = elect(node("a", PRIO="10") + node("b", PRIO="10") + node("c", ALIGNER="false"))
    assert set(e.tie) == {"a", "b"}
    assert all(set(v) == {"a", "b"} for v in views(e).values())
    assert e.split is None


def test_no_candidate_means_nobody() -> None:
    e = elect(node("a", ALIGNER="false") + node("b", PRIO="0"))
    assert e.master is None and e.candidates == ()
    assert all(v == (None,) for v in views(e).values())


def test_legacy_fleet_agrees_on_the_highest_systemid() -> None:
    e = elect(
        node("a", PRIO="255") + node("b", PRIO="255") + node("c", PRIO="255", ALIGNER="false")
    )
    assert e.algorithm == "legacy"
    assert {c.node for c in e.candidates} == {"a", "b"}
    assert e.split is None and set(e.tie) == {"a", "b"}


def test_mixed_algorithms_are_reported() -> None:
    e = elect(node("old", PRIO="255") + node("new", PRIO="201"))
    assert e.algorithm == "mixed"


def test_delayed_alignment_keeps_first_candidate(tmp_path: Path) -> None:
    text = NODE.read_text().replace(
        'masterPriority="${PRIO:-0}"',
        'masterPriority="${PRIO:-0}" delayedAlignment="${DELAYED:-false}"',
    )
    cfg = tmp_path / "node.xml"
    cfg.write_text(text)
    toml = "".join(
        f'[[node]]\nname = "{n}"\nconfig = "{cfg}"\nenv = {{ {env} }}\n'
        for n, env in [
            ("a", 'PRIO = "10"'),
            ("b", 'PRIO = "20"'),
            ("d", 'PRIO = "0", ALIGNER = "false", DELAYED = "true"'),
        ]
    )
    fleet = build_fleet(parse_fleet(toml, tmp_path / "fleet.toml"))
    (e,) = fleet.elections
    d = e.view("d")
    assert d is not None and set(d.possible) == {"a", "b"}
    assert "lowest systemId" in d.reason


def test_copies_of_a_node_are_fellows() -> None:
    three = "env =", "count = 3\nenv ="
    e = elect(node("m", PRIO="201") + node("sp", PRIO="0", ALIGNER="false").replace(*three))
    assert views(e) == {"m": ("m",), "sp": ("m",)}
    assert len(e.members) == 4
    # aligners at 5: each process also takes its siblings (equal priority) into account
    e = elect(node("m", PRIO="201") + node("sp", PRIO="5").replace(*three))
    assert views(e)["sp"] == ("m", "sp")
    assert e.split is not None and "sp#" in e.split.b


@pytest.mark.parametrize("fleet_dir", ["recommended", "lazy-master", "split-views"])
def test_shipped_fleets_elect(fleet_dir: str) -> None:
    from ddsdoctor.ospl.fleetfile import load_fleet_file

    fleet = build_fleet(load_fleet_file(ROOT / "configs" / "fleets" / fleet_dir / "fleet.toml"))
    (e,) = fleet.elections
    assert e.master in {"main-daemon", "main"}

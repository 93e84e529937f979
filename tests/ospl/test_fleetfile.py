"""FLEET.toml validation: every mistake is a usage error with a clear message."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.ospl.fleetfile import FleetFileError, NodeKind, parse_fleet

NODE = Path(__file__).resolve().parents[1] / "rules" / "cases" / "fleet-nodes" / "node.xml"


def parse(text: str) -> object:
    return parse_fleet(text, NODE.parent / "fleet.toml")


def test_full_node() -> None:
    spec = parse_fleet(
        '[[node]]\nname = "m"\nconfig = "node.xml"\nrole = "master"\nkind = "single-process"\n'
        'count = 3\nenv = { PRIO = 201, ALIGNER = true, NAME = "x" }\n',
        NODE.parent / "fleet.toml",
    )
    (n,) = spec.nodes
    assert n.config == NODE and n.count == 3 and n.kind is NodeKind.SINGLE_PROCESS
    assert dict(n.env) == {"PRIO": "201", "ALIGNER": "true", "NAME": "x"}
    assert n.intended_master


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "no [[node]] tables"),
        ("[fleet]\nname = 'x'\n", "unknown top-level key"),
        ("[[node]]\nconfig = 'node.xml'\n", "'name' must be"),
        ("[[node]]\nname = 'a'\n", "'config' must be"),
        ("[[node]]\nname = 'a'\nconfig = 'missing.xml'\n", "not found"),
        ("[[node]]\nname = 'a'\nconfig = 'node.xml'\nhost = 'h'\n", "unknown key(s) host"),
        ("[[node]]\nname = 'a'\nconfig = 'node.xml'\nkind = 'shm'\n", "'kind' must be"),
        ("[[node]]\nname = 'a'\nconfig = 'node.xml'\ncount = 0\n", "'count' must be"),
        ("[[node]]\nname = 'a'\nconfig = 'node.xml'\nenv = { A = [1] }\n", "env A must be"),
        (
            "[[node]]\nname = 'a'\nconfig = 'node.xml'\n"
            "[[node]]\nname = 'a'\nconfig = 'node.xml'\n",
            "used twice",
        ),
        ("[[node]\n", "not valid TOML"),
        ('[[node]]\nname = "a"\nconfig = "x\\u0000y"\n', "cannot be used"),  # NUL byte
        (f"[[node]]\nname = 'a'\nconfig = '{'x' * 5000}'\n", "cannot be used"),  # too long
    ],
)
def test_invalid(text: str, message: str) -> None:
    with pytest.raises(FleetFileError, match=None) as exc:
        parse(text)
    assert message in str(exc.value)

"""Live mode without a network: the read-only guarantee, the IDL declarations, a missing Cyclone."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from ddsdoctor.durability.decode import TOPICS, decode
from tests.conftest import ROOT
from tests.durability import lab
from tests.durability.cdr_encode import encode

LIVE_MODULES = ["live.py", "idl.py"]


def test_no_code_path_creates_a_writer_or_publisher() -> None:
    """ddsdoctor must never publish into a domain it inspects: no writer is even importable."""
    for name in LIVE_MODULES:
        tree = ast.parse((ROOT / "ddsdoctor" / "durability" / name).read_text())
        names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}
        names |= {n.attr for n in ast.walk(tree) if isinstance(n, ast.Attribute)}
        names |= {a.name for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not names & {"DataWriter", "Publisher", "write", "write_dispose"}, name
        mods = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        assert "cyclonedds.pub" not in mods, name


def test_idl_declarations_reproduce_opensplice_bytes() -> None:
    """Cyclone serializes the declared types to OpenSplice's exact layout (padding aside)."""
    idl = pytest.importorskip("ddsdoctor.durability.idl")
    assert set(idl.TYPES) == set(TOPICS)
    for name, cls in idl.TYPES.items():
        assert cls.__idl_typename__ == TOPICS[name].type_name
    checked = 0
    for raw in lab.raw_samples():
        if raw.key_only:
            continue
        obj = idl.TYPES[raw.topic].deserialize(raw.payload)
        again = obj.serialize()
        assert len(again) == len(raw.payload) + (-len(raw.payload) % 4)
        msg = decode(raw.topic, raw.payload)
        assert decode(raw.topic, again) == msg
        # Byte for byte the zero-padded layout: only alignment padding differs from the
        # captured bytes, which OpenSplice leaves uninitialised.
        assert again == encode(msg)
        checked += 1
    assert checked > 500


def test_null_strings_survive_cyclone_deserialization() -> None:
    idl = pytest.importorskip("ddsdoctor.durability.idl")
    req = next(r for r in lab.raw_samples() if r.topic == "d_sampleRequest")
    obj = idl.TYPES["d_sampleRequest"].deserialize(req.payload)
    assert list(obj.filter) == []  # OpenSplice's NULL string, length 0


def test_missing_cyclonedds_exits_3(tmp_path: Path) -> None:
    script = (
        "import sys; sys.modules['cyclonedds'] = None\n"
        "from ddsdoctor.cli import main\n"
        "sys.exit(main(['durability', '--domain', '0', '--duration', '1']))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", script],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 3, res.stderr
    assert "cyclonedds is not installed" in res.stderr and "ddsdoctor[live]" in res.stderr

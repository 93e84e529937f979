"""Rule modules load by subject: ``check`` on OpenSplice files imports no Cyclone or fleet rules."""

from __future__ import annotations

import subprocess
import sys

from ddsdoctor.registry import REGISTRY, Known
from tests.conftest import ROOT

SCRIPT = """
import sys
from ddsdoctor.registry import REGISTRY, Subject
from ddsdoctor.selection import validate_selectors
validate_selectors(["DD6", "cyclone", "DD401", "fleet.env-variable-typo"])
ospl = REGISTRY.for_subject(Subject.OSPL)
loaded = sorted(m.rsplit(".", 1)[1] for m in sys.modules if m.startswith("ddsdoctor.rules."))
print(len(ospl), " ".join(loaded))
print(REGISTRY["DD614"].name, "ddsdoctor.rules.fleet_env" in sys.modules)
print(len(REGISTRY.for_subject(Subject.CYCLONE)) > 20, len(REGISTRY) == len(REGISTRY.known()))
"""


def test_known_rules_read_off_the_sources_match_the_registry() -> None:
    assert set(REGISTRY.known()) == {Known(r.code, r.name) for r in REGISTRY}


def test_subjects_load_only_their_modules() -> None:
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, check=True, cwd=ROOT
    ).stdout.splitlines()
    count, loaded = out[0].split(" ", 1)
    assert int(count) > 60
    assert not [m for m in loaded.split() if m.startswith(("cyclone", "fleet", "discovery"))]
    assert out[1] == "fleet.env-variable-typo True"  # asked for by code: its module is loaded
    assert out[2] == "True True"

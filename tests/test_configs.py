"""The shipped sample configs: good/ is clean, each bad/ file gives exactly the codes it lists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from ddsdoctor.findings import Severity
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import SettingsResolver

CONFIGS = Path(__file__).resolve().parent.parent / "configs"
EXPECT = re.compile(r"<!--\s*expect:\s*([A-Z0-9, ]+?)\s*-->")


def _check(path: Path) -> list[tuple[str, Severity]]:
    options = CheckOptions(
        paths=[path], env=EnvSpec(inherit=False), resolver=SettingsResolver(isolated=True)
    )
    return [(f.code, f.severity) for f in run_check(options).findings]


def test_good_configs_have_no_errors() -> None:
    found = _check(CONFIGS / "good")
    assert not [c for c, sev in found if sev is Severity.ERROR], found


@pytest.mark.parametrize("path", sorted((CONFIGS / "bad").glob("*.xml")), ids=lambda p: p.name)
def test_bad_config_gives_its_codes(path: Path) -> None:
    m = EXPECT.search(path.read_text(encoding="utf-8", errors="replace"))
    assert m, f"{path.name} must list its codes in an <!-- expect: ... --> comment"
    expected = {c.strip() for c in m.group(1).split(",") if c.strip()}
    assert {code for code, _ in _check(path)} == expected

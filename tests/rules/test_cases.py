"""Every rule is proven by files: run all cases under tests/rules/cases/<CODE>/.

``pytest -k DD301`` runs one rule's cases.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.registry import REGISTRY
from tests.rules.case_runners import RUNNERS, is_case, sidecar

CASES = Path(__file__).parent / "cases"

# Codes that cannot be produced from a case file, with the test that covers them instead.
NO_CASE_FILES = {
    "DD001": "unreadable paths: tests/test_xmlsource.py",
    "DD009": "a crashing rule: tests/test_engine.py",
}


def _cases() -> list[Path]:
    return sorted(p for p in CASES.glob("DD*/*") if is_case(p))


@pytest.mark.parametrize("case", _cases(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_case(case: Path) -> None:
    code = case.parent.name
    assert REGISTRY.get(code) is not None, f"cases for unknown rule {code}"
    meta = sidecar(case)
    findings = RUNNERS[case.suffix](case, meta)
    mine = [f for f in findings if f.code == code]
    if case.name.startswith("pass_"):
        assert not mine, f"{code} fired on a passing case: {[f.message for f in mine]}"
        return
    assert mine, f"{code} did not fire; got {[(f.code, f.message) for f in findings]}"
    if "lines" in meta:
        assert sorted(f.location.line for f in mine) == sorted(meta["lines"])
    if "count" in meta:
        assert len(mine) == meta["count"]
    if "nodes" in meta:
        named = {n.strip() for f in mine for n in (f.location.node or "").split(",")}
        assert named == set(meta["nodes"]), f"findings name nodes {named}"
    for f in mine:
        assert f.message and f.code not in f.message
        if f.location.path:
            assert f.location.line and f.location.line >= 1
            assert f.location.column and f.location.column >= 1


def test_every_rule_has_cases() -> None:
    missing = []
    for r in REGISTRY:
        if r.code in NO_CASE_FILES:
            continue
        files = [p.name for p in (CASES / r.code).glob("*") if is_case(p)]
        if not any(n.startswith("fail_") for n in files) or not any(
            n.startswith("pass_") for n in files
        ):
            missing.append(r.code)
    assert not missing, f"rules without failing and passing cases: {missing}"


def test_every_rule_is_documented() -> None:
    for r in REGISTRY:
        assert r.summary and r.summary != r.name, f"{r.code} has no summary"
        assert len(r.body) >= 60, f"{r.code} needs a docstring body: why, how to fix, reference"

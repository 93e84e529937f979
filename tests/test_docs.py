"""Generated docs stay current."""

from __future__ import annotations

from pathlib import Path

from ddsdoctor.registry import REGISTRY
from ddsdoctor.report.rules_md import render

DOCS = Path(__file__).resolve().parent.parent / "docs"


def test_rules_md_is_current() -> None:
    expected = render(REGISTRY)
    actual = (DOCS / "rules.md").read_text(encoding="utf-8")
    assert actual == expected, (
        "docs/rules.md is stale: run `ddsdoctor rules --format markdown > docs/rules.md`"
    )


def test_every_rule_is_in_rules_md() -> None:
    text = (DOCS / "rules.md").read_text(encoding="utf-8")
    for r in REGISTRY:
        assert f"### {r.code}" in text

"""The engine: selection, severity overrides, and crashing rules as findings."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ddsdoctor.engine import run_rules
from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import REGISTRY, Hit, Registry, RegistryError, Rule, Subject
from ddsdoctor.selection import RuleSelection, SelectorError, validate_selectors


def _boom(subject: Any) -> Iterator[Hit]:
    yield Hit("first", location=Location(path="x.xml", line=2, column=3))
    raise RuntimeError("kaput")


CRASHY = Rule("DD998", "test.crashy", Severity.WARNING, Subject.OSPL, "Crashes.\n\nBody.", _boom)


def test_crashing_rule_becomes_finding_and_keeps_earlier_hits() -> None:
    out = run_rules(Subject.OSPL, object(), RuleSelection(), path="x.xml", rules=[CRASHY])
    assert [f.code for f in out] == ["DD998", "DD009"]
    assert "kaput" in out[1].message and "DD998" in out[1].message
    assert out[1].location.path == "x.xml"


def test_severity_override_and_hit_override() -> None:
    def two(subject: Any) -> Iterator[Hit]:
        yield Hit("plain")
        yield Hit("raised", severity=Severity.ERROR)

    r = Rule("DD997", "test.two", Severity.WARNING, Subject.OSPL, "Two.\n\nBody.", two)
    default = run_rules(Subject.OSPL, None, RuleSelection(), rules=[r])
    assert [f.severity for f in default] == [Severity.WARNING, Severity.ERROR]
    forced = run_rules(
        Subject.OSPL, None, RuleSelection(severity={"DD997": Severity.INFO}), rules=[r]
    )
    assert [f.severity for f in forced] == [Severity.INFO, Severity.INFO]


@pytest.mark.parametrize(
    ("selection", "enabled"),
    [
        (RuleSelection(), True),
        (RuleSelection(select=("DD3",)), True),
        (RuleSelection(select=("DD2",)), False),
        (RuleSelection(select=("ALL",), ignore=("DD30",)), False),
        (RuleSelection(ignore=("DD3",), extend_select=("DD304",)), True),  # longer wins
        (RuleSelection(select=("DD304",), ignore=("DD304",)), False),  # tie: ignore wins
        (RuleSelection(select=("expansion",)), True),
        (RuleSelection(ignore=("expansion.unset-variable",)), False),
        (RuleSelection(per_file_ignores={"*.xml": ("DD304",)}), False),
        (RuleSelection(per_file_ignores={"other/*.xml": ("DD304",)}), True),
    ],
)
def test_selection(selection: RuleSelection, enabled: bool) -> None:
    assert selection.enabled(REGISTRY["DD304"], "dir/f.xml") is enabled


def test_default_off_rules_need_selection() -> None:
    r = REGISTRY["DD012"]
    assert not RuleSelection().enabled(r)
    assert RuleSelection(extend_select=("DD012",)).enabled(r)
    assert RuleSelection(select=("ALL",)).enabled(r)


def test_unknown_selectors_are_usage_errors() -> None:
    validate_selectors(["DD", "DD3", "ALL", "expansion", "DD304", "expansion.bare-dollar"])
    for bad in ("DD9999", "XYZ", "expansions", "dd304"):
        with pytest.raises(SelectorError):
            validate_selectors([bad])


def test_registry_refuses_bad_codes_and_duplicates() -> None:
    reg = Registry()
    reg._loaded = True
    with pytest.raises(RegistryError):
        reg.add(Rule("X1", "a.b", Severity.INFO, Subject.OSPL, "d"))
    with pytest.raises(RegistryError):
        reg.add(Rule("DD100", "NoDots", Severity.INFO, Subject.OSPL, "d"))
    reg.add(Rule("DD100", "a.b", Severity.INFO, Subject.OSPL, "d"))
    with pytest.raises(RegistryError):
        reg.add(Rule("DD100", "a.c", Severity.INFO, Subject.OSPL, "other"))


def test_codes_are_unique_and_grouped() -> None:
    rules = list(REGISTRY)
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)

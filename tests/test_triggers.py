"""Rule triggers (``@rule(needs=...)``): a rule the engine skips could not have reported anything.

The engine skips a rule when none of the element tags it ``needs`` occurs in the document. This
runs every such rule anyway on every OpenSplice document we have (rule cases, sample configs,
the shared corpus), with no environment, each case's own environment and host facts, and a
fixed environment, and requires that it reports nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ddsdoctor.engine import run_rules
from ddsdoctor.findings import Location, Severity
from ddsdoctor.ospl.load import ROOT_TAG, OsplDocument
from ddsdoctor.ospl.schema import metaconfig
from ddsdoctor.registry import REGISTRY, Hit, Rule, Subject
from ddsdoctor.selection import RuleSelection
from ddsdoctor.xmlsource import load_xml
from tests.conftest import CORPUS, ROOT
from tests.golden.findings import FIXED_ENV
from tests.rules.case_runners import host_of, sidecar

TRIGGERED = [r for r in REGISTRY.for_subject(Subject.OSPL) if r.needs]


def _documents() -> Iterator[tuple[Path, dict[str, str], Any]]:
    paths = sorted((ROOT / "tests" / "rules" / "cases").rglob("*.xml"))
    paths += sorted((ROOT / "configs").rglob("*.xml"))
    if CORPUS.is_dir():
        paths += sorted((CORPUS / "ospl").glob("*.xml"))
        paths += sorted((CORPUS / "opensplice-lab").rglob("*.xml"))
    for path in paths:
        meta = sidecar(path)
        host = host_of(path, meta)
        for env in ({}, dict(meta.get("env", {})), FIXED_ENV):
            yield path, env, host


def test_triggers_name_known_elements() -> None:
    known = metaconfig().by_name
    assert TRIGGERED, "no rule declares needs"
    for r in TRIGGERED:
        assert r.needs <= known.keys(), (r.code, sorted(r.needs - known.keys()))


def test_skipped_rules_report_nothing() -> None:
    checked = skipped = 0
    for path, env, host in _documents():
        xml = load_xml(path).document
        if xml is None or xml.root.tag != ROOT_TAG:
            continue
        checked += 1
        doc = OsplDocument(xml, env)
        doc.host = host
        for r in TRIGGERED:
            if r.needs.isdisjoint(xml.tags()):
                skipped += 1
                assert r.func is not None
                assert list(r.func(doc)) == [], (r.code, str(path), env)
    assert checked > 300 and skipped > 1000, (checked, skipped)


def _always(subject: Any) -> Iterator[Hit]:
    yield Hit("found", location=Location(path="x.xml", line=1, column=1))


@pytest.mark.parametrize(("present", "runs"), [(None, True), ({"A", "B"}, True), ({"C"}, False)])
def test_engine_skips_rules_whose_elements_are_absent(present: set[str] | None, runs: bool) -> None:
    r = Rule(
        "DD996",
        "test.needs-b",
        Severity.INFO,
        Subject.OSPL,
        "Needs B.\n\nBody.",
        _always,
        needs=frozenset({"B", "Z"}),
    )
    out = run_rules(Subject.OSPL, None, RuleSelection(), rules=[r], present=present)
    assert bool(out) is runs

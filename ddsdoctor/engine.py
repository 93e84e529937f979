"""Runs rules over a subject, applies the rule selection and turns hits into findings."""

from __future__ import annotations

import logging
import traceback
from collections.abc import Callable, Collection, Iterable
from typing import Any

from ddsdoctor.findings import Finding, Location
from ddsdoctor.registry import REGISTRY, Hit, Rule, Subject
from ddsdoctor.rules import input as input_codes
from ddsdoctor.selection import RuleSelection

log = logging.getLogger(__name__)

Locate = Callable[[Hit], Location]
Enrich = Callable[[Hit], dict[str, Any]]


def _default_locate(hit: Hit) -> Location:
    return hit.location or Location()


def run_rules(
    subject_kind: Subject,
    subject: Any,
    selection: RuleSelection,
    *,
    locate: Locate = _default_locate,
    enrich: Enrich | None = None,
    path: str | None = None,
    rules: Iterable[Rule] | None = None,
    present: Collection[str] | None = None,
) -> list[Finding]:
    """Run every enabled rule for ``subject_kind`` on ``subject``.

    ``present``: the element tags the subject holds, when known; a rule that ``needs`` tags of
    which none is present is not run (it could not report anything).
    A rule that raises does not stop the others: its crash becomes a DD009 finding.
    """
    out: list[Finding] = []
    if rules is None:
        enabled = selection.rules_for(subject_kind, path)
    else:
        enabled = [r for r in rules if r.func is not None and selection.enabled(r, path)]
    for r in enabled:
        if r.needs and present is not None and r.needs.isdisjoint(present):
            continue
        assert r.func is not None
        try:
            for hit in r.func(subject):
                out.append(to_finding(r, hit, selection, locate, enrich))
        except Exception as exc:  # a rule bug must not lose the other findings
            log.debug("rule %s crashed", r.code, exc_info=True)
            where = traceback.extract_tb(exc.__traceback__)[-1]
            out.append(
                input_codes.RULE_CRASHED.finding(
                    f"rule {r.code} ({r.name}) crashed: {type(exc).__name__}: {exc}",
                    Location(path=path, line=1 if path else None, column=1 if path else None),
                    evidence={"rule": r.code, "at": f"{where.filename}:{where.lineno}"},
                )
            )
    return out


def to_finding(
    r: Rule, hit: Hit, selection: RuleSelection, locate: Locate, enrich: Enrich | None = None
) -> Finding:
    location = hit.location or locate(hit)
    evidence = dict(hit.evidence)
    if enrich is not None:
        extra = enrich(hit)
        if extra:
            evidence.setdefault("expansions", extra)
    return Finding(
        code=r.code,
        name=r.name,
        severity=selection.severity_for(r, hit.severity),
        message=hit.message,
        location=location,
        hint=hit.hint,
        evidence=evidence,
    )


def filter_declared(findings: Iterable[Finding], selection: RuleSelection) -> list[Finding]:
    """Apply selection and severity overrides to findings emitted directly by loaders."""
    out = []
    for f in findings:
        r = REGISTRY.get(f.code)
        if r is None:
            out.append(f)
            continue
        if not selection.enabled(r, f.location.path):
            continue
        sev = selection.severity_for(r, f.severity)
        out.append(f if sev is f.severity else f.with_severity(sev))
    return out

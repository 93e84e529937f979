"""GitLab Code Quality (a Code Climate subset): a JSON array of issues."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from ddsdoctor.findings import Finding, Severity
from ddsdoctor.report import ReportContext
from ddsdoctor.report.sarif import fingerprint
from ddsdoctor.rules import input as codes

_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}
# Input the tool could not read at all is "critical": nothing else in that file was checked.
_CRITICAL = frozenset(
    r.code
    for r in (
        codes.UNREADABLE,
        codes.EMPTY,
        codes.BINARY,
        codes.TOO_LARGE,
        codes.MALFORMED_XML,
        codes.DTD_REFUSED,
    )
)


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    issues: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for f in findings:
        loc = f.location
        base = fingerprint(f)
        # GitLab shows only the first of several issues with one fingerprint.
        n = seen.get(base, 0)
        seen[base] = n + 1
        fp = base if n == 0 else hashlib.sha256(f"{base}:{n}".encode()).hexdigest()
        issue: dict[str, Any] = {
            "description": f"{f.code}: {f.message}",
            "check_name": f.code,
            "fingerprint": fp,
            "severity": "critical" if f.code in _CRITICAL else _SEVERITY[f.severity],
            "location": {
                "path": loc.path or loc.node or "ddsdoctor",
                "positions": {
                    "begin": {"line": max(1, loc.line or 1), "column": max(1, loc.column or 1)}
                },
            },
        }
        issues.append(issue)
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"

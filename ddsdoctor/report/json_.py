"""JSON output: the stable schema documented in docs/output-formats.md."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from ddsdoctor.findings import LOCATION_FIELDS, Finding
from ddsdoctor.report import ReportContext

SCHEMA_VERSION = 1
# Always present, in this order (the check schema); other location fields appear when set.
_CORE = ("path", "line", "column", "xpath")


def finding_dict(f: Finding) -> dict[str, Any]:
    loc = f.location
    out: dict[str, Any] = {
        "code": f.code,
        "name": f.name,
        "severity": f.severity.label,
        "message": f.message,
    }
    for key in _CORE:
        out[key] = getattr(loc, key)
    for key in LOCATION_FIELDS:
        if key not in _CORE and getattr(loc, key) is not None:
            out[key] = getattr(loc, key)
    out["hint"] = f.hint
    out["evidence"] = _plain(f.evidence)
    return out


def _plain(value: Any) -> Any:
    """Make evidence JSON-safe (tuples, sets, bytes, enums)."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    return str(value)


def document(findings: Sequence[Finding], ctx: ReportContext) -> dict[str, Any]:
    s = ctx.summary
    doc: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "ddsdoctor", "version": ctx.version},
    }
    doc.update({k: _plain(v) for k, v in ctx.extra.items()})
    doc["findings"] = [finding_dict(f) for f in findings]
    doc["summary"] = {
        "files": s.files,
        "errors": s.errors,
        "warnings": s.warnings,
        "infos": s.infos,
        "suppressed": s.suppressed,
    }
    return doc


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    return json.dumps(document(findings, ctx), indent=2, ensure_ascii=False) + "\n"

"""SARIF 2.1.0 for code scanning; rule descriptors come from the registry."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from ddsdoctor.findings import Finding, Severity
from ddsdoctor.registry import REGISTRY, Rule
from ddsdoctor.report import ReportContext

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
)
INFO_URI = "https://github.com/ddsdoctor/ddsdoctor"
_LEVEL = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def rule_help_uri(code: str) -> str:
    return f"{INFO_URI}/blob/main/docs/rules.md#{code.lower()}"


def descriptor(r: Rule) -> dict[str, Any]:
    body = r.body or r.summary
    return {
        "id": r.code,
        "name": r.name,
        "shortDescription": {"text": r.summary},
        "fullDescription": {"text": body},
        "help": {"text": body, "markdown": f"**{r.code} {r.name}**\n\n{body}"},
        "helpUri": rule_help_uri(r.code),
        "defaultConfiguration": {
            "level": _LEVEL[r.severity],
            "enabled": r.default_enabled,
        },
        "properties": {"tags": list(dict.fromkeys(("dds", r.family, r.subject.value, *r.tags)))},
    }


def fingerprint(f: Finding) -> str:
    """Stable across edits: built from code, path and xpath (or the non-file location)."""
    loc = f.location
    anchor = loc.xpath or "|".join(str(x) for x in (loc.node, loc.topic, loc.guid) if x)
    if not anchor:
        anchor = f.message
    key = "|".join((f.code, loc.path or "", anchor))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _result(f: Finding, index: int) -> dict[str, Any]:
    loc = f.location
    text = f.message + (f"\nhelp: {f.hint}" if f.hint else "")
    result: dict[str, Any] = {
        "ruleId": f.code,
        "ruleIndex": index,
        "level": _LEVEL[f.severity],
        "message": {"text": text},
        "partialFingerprints": {"ddsdoctor/v1": fingerprint(f)},
    }
    if loc.path:
        region: dict[str, Any] = {"startLine": max(1, loc.line or 1)}
        if loc.column:
            region["startColumn"] = max(1, loc.column)
        physical: dict[str, Any] = {
            "artifactLocation": {"uri": loc.path, "uriBaseId": "%SRCROOT%"},
            "region": region,
        }
        location: dict[str, Any] = {"physicalLocation": physical}
        if loc.xpath:
            location["logicalLocations"] = [{"fullyQualifiedName": loc.xpath, "kind": "element"}]
        result["locations"] = [location]
    else:
        names = [x for x in (loc.node, loc.topic, loc.guid) if x]
        if names:
            result["locations"] = [
                {"logicalLocations": [{"fullyQualifiedName": "/".join(str(n) for n in names)}]}
            ]
    if f.evidence:
        result["properties"] = {"evidence": json.loads(json.dumps(f.evidence, default=str))}
    return result


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    codes = sorted({f.code for f in findings})
    rules = [REGISTRY[c] for c in codes if REGISTRY.get(c) is not None]
    index = {r.code: i for i, r in enumerate(rules)}
    run: dict[str, Any] = {
        "tool": {
            "driver": {
                "name": "ddsdoctor",
                "version": ctx.version,
                "semanticVersion": ctx.version,
                "informationUri": INFO_URI,
                "rules": [descriptor(r) for r in rules],
            }
        },
        "automationDetails": {"id": f"ddsdoctor/{ctx.command}/"},
        "columnKind": "unicodeCodePoints",
        "invocations": [
            {
                "executionSuccessful": True,
                **({"exitCode": ctx.exit_code} if ctx.exit_code is not None else {}),
            }
        ],
        "results": [_result(f, index.get(f.code, -1)) for f in findings],
    }
    doc = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"

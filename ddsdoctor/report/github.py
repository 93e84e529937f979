"""GitHub Actions workflow commands (``::error file=...::message``), escaped per actions/toolkit."""

from __future__ import annotations

from collections.abc import Sequence

from ddsdoctor.findings import Finding, Severity
from ddsdoctor.report import ReportContext

_COMMAND = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}
# GitHub shows at most 10 annotations of each kind per step; more are silently dropped.
PER_KIND_LIMIT = 10


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def _where(f: Finding) -> str:
    loc = f.location
    parts = [p for p in (loc.path, loc.node, loc.topic, loc.guid) if p]
    head = parts[0] if parts else "ddsdoctor"
    if loc.line:
        head += f":{loc.line}"
        if loc.column:
            head += f":{loc.column}"
    return head


def annotation(f: Finding) -> str:
    loc = f.location
    props = []
    if loc.path:
        props.append(f"file={escape_property(loc.path)}")
        if loc.line:
            props.append(f"line={loc.line}")
            props.append(f"endLine={loc.line}")
            if loc.column:
                props.append(f"col={loc.column}")
    props.append(f"title={escape_property(f'ddsdoctor ({f.code} {f.name})')}")
    message = f"{_where(f)}: {f.code} {f.message}"
    if f.hint:
        message += f"\n  help: {f.hint}"
    return f"::{_COMMAND[f.severity]} {','.join(props)}::{escape_data(message)}"


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    ordered = sorted(findings, key=lambda f: (-f.severity, f.sort_key()))
    lines: list[str] = []
    shown = {sev: 0 for sev in Severity}
    hidden = 0
    for f in ordered:
        if shown[f.severity] >= PER_KIND_LIMIT:
            hidden += 1
            continue
        shown[f.severity] += 1
        lines.append(annotation(f))
    if hidden:
        lines.append(
            "::notice title=ddsdoctor::"
            + escape_data(
                f"{hidden} more findings not annotated (GitHub shows 10 per kind); "
                "see the SARIF or JSON report"
            )
        )
    s = ctx.summary
    lines.append(
        f"ddsdoctor: {s.errors} error(s), {s.warnings} warning(s), {s.infos} info "
        f"in {s.files} file(s)"
    )
    return "\n".join(lines) + "\n"

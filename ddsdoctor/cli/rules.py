"""``ddsdoctor rules`` and ``ddsdoctor explain CODE``: the rule registry for people and tools."""

from __future__ import annotations

import json

import typer

from ddsdoctor.cli import app
from ddsdoctor.cli.common import fail


@app.command("rules")
def rules_cmd(
    fmt: str = typer.Option("text", "--format", "-f", help="text, json or markdown."),
    subject: str = typer.Option(
        None, "--subject", help="Only rules for this subject (ospl, fleet, ...)."
    ),
) -> None:
    """List every rule: code, name, default severity and summary."""
    from ddsdoctor.registry import REGISTRY, Subject

    subjects = [s.value for s in Subject]
    if subject is not None and subject not in subjects:
        fail(f"unknown subject {subject!r} (use {', '.join(subjects)})")
    rules = [r for r in REGISTRY if subject is None or r.subject.value == subject]
    if fmt == "json":
        doc = [
            {
                "code": r.code,
                "name": r.name,
                "severity": r.severity.label,
                "subject": r.subject.value,
                "enabled": r.default_enabled,
                "summary": r.summary,
                "doc": r.body,
            }
            for r in rules
        ]
        typer.echo(json.dumps(doc, indent=2))
        return
    if fmt == "markdown":
        from ddsdoctor.report.rules_md import render

        typer.echo(render(rules), nl=False)
        return
    if fmt != "text":
        fail(f"unknown format {fmt!r} (use text, json or markdown)")
    for r in rules:
        flag = "" if r.default_enabled else " (off by default)"
        typer.echo(f"{r.code}  {r.name:<42} {r.severity.label:<8} {r.summary}{flag}")


@app.command()
def explain(code: str = typer.Argument(..., help="A rule code (DD104) or name.")) -> None:
    """Show a rule's documentation: why it matters, how to fix it, references."""
    from ddsdoctor.registry import REGISTRY

    r = REGISTRY.get(code.strip()) or REGISTRY.get(code.strip().upper())
    if r is None:
        fail(f"no rule {code!r} (see `ddsdoctor rules`)")
    typer.echo(f"{r.code} {r.name} ({r.severity.label}, {r.subject.value})")
    typer.echo("")
    typer.echo(r.summary)
    if r.body:
        typer.echo("")
        typer.echo(r.body)
    if not r.default_enabled:
        typer.echo("\nThis rule is off by default; enable it with --extend-select " + r.code + ".")

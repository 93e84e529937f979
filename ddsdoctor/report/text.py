"""Text output for people: findings grouped by file, with the source line and a caret."""

from __future__ import annotations

import io
from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ddsdoctor.findings import Finding, Severity
from ddsdoctor.report import ReportContext

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def _group(f: Finding) -> str:
    loc = f.location
    if loc.path:
        return loc.path
    if loc.node:
        return f"node {loc.node}"
    return "(no file)"


def _where(f: Finding) -> str:
    loc = f.location
    bits = []
    if loc.line:
        bits.append(f"{loc.line}:{loc.column or 1}")
    if loc.frame is not None:
        bits.append(f"frame {loc.frame}")
    if loc.topic:
        bits.append(f"topic {loc.topic}")
    if loc.guid:
        bits.append(loc.guid)
    if loc.node and loc.path:
        bits.append(f"[{loc.node}]")
    return " ".join(bits)


def console_for(ctx: ReportContext, buf: io.StringIO, *, soft_wrap: bool = True) -> Console:
    """The rich console every text renderer writes to ``buf`` with (colour and width of ctx).

    ``soft_wrap``: finding lines are never folded (a path:line:col must stay one line); the
    table reports (topology, durability, probe) pass False so long cells wrap inside a table.
    """
    return text_console(buf, ctx.color, ctx.width, soft_wrap=soft_wrap)


def text_console(
    buf: io.StringIO, color: bool, width: int | None, *, soft_wrap: bool = False
) -> Console:
    """A rich console writing to ``buf``: colour only when asked, 120 columns unless told."""
    from rich.console import Console  # here: the clean check path never imports rich

    return Console(
        file=buf,
        force_terminal=color,
        no_color=not color,
        width=width or 120,
        highlight=False,
        soft_wrap=soft_wrap,
    )


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    if not findings and not ctx.color:
        # the clean pre-commit case: the same line rich would print, without importing rich
        s = ctx.summary
        return f"No problems found in {s.files} {'file' if s.files == 1 else 'files'}.\n"
    from rich.markup import escape
    from rich.text import Text

    buf = io.StringIO()
    console = console_for(ctx, buf)
    groups: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        groups[_group(f)].append(f)
    for name, items in groups.items():
        console.print(Text(name, style="bold underline"))
        for f in items:
            line = Text("  ")
            where = _where(f)
            if where:
                line.append(f"{where}  ")
            line.append(f"{f.severity.label:<7}", style=_STYLE[f.severity])
            line.append(f" {f.code} ", style="bold")
            line.append(f"{f.name}  ", style="dim")
            line.append(f.message)
            console.print(line)
            loc = f.location
            if ctx.source_line and loc.path and loc.line:
                src = ctx.source_line(loc.path, loc.line)
                if src:
                    gutter = f"{loc.line:>6} | "
                    console.print(Text(gutter, style="dim") + Text(src.expandtabs(1)))
                    caret = (
                        " " * (len(gutter) - 2) + "| " + " " * max(0, (loc.column or 1) - 1) + "^"
                    )
                    console.print(Text(caret, style=_STYLE[f.severity]))
            if f.hint:
                console.print(f"         [dim]help:[/dim] {escape(f.hint)}")
            expansions = f.evidence.get("expansions") if f.evidence else None
            if isinstance(expansions, dict):
                for ref, value in expansions.items():
                    console.print(f"         [dim]{escape(ref)} ->[/dim] {escape(str(value))}")
        console.print()
    s = ctx.summary
    total = s.errors + s.warnings + s.infos
    unit = "file" if s.files == 1 else "files"
    if total == 0:
        console.print(f"[green]No problems found[/green] in {s.files} {unit}.")
    else:
        tail = f" ({s.suppressed} suppressed)" if s.suppressed else ""
        console.print(
            f"[bold]{s.errors} error(s)[/bold], {s.warnings} warning(s), {s.infos} info "
            f"in {s.files} {unit}{tail}."
        )
    return buf.getvalue()

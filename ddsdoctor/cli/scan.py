"""``ddsdoctor scan``: join a live domain read-only and report what its builtin topics show."""

from __future__ import annotations

import math
import sys
from pathlib import Path
from typing import Any, TextIO

import typer

from ddsdoctor.cli import app
from ddsdoctor.cli.common import (
    FAIL_ON_HELP,
    FORMAT_HELP,
    default_format,
    exit_code_for,
    fail,
    parse_fail_on,
    render_to,
    want_color,
    write_output,
)
from ddsdoctor.cli.liveopts import (
    CONFIG_HELP,
    DOMAIN_HELP,
    IGNORE_HELP,
    INTERFACE_HELP,
    INTERRUPTED,
    SELECT_HELP,
    positive,
    selection,
    text_width,
)
from ddsdoctor.findings import Severity, Summary
from ddsdoctor.report import Format, ReportContext


@app.command()
def scan(
    domain: int = typer.Option(0, "--domain", "-d", help=DOMAIN_HELP),
    config: str = typer.Option(None, "--config", help=CONFIG_HELP, show_default=False),
    interface: str = typer.Option(None, "--interface", "-i", help=INTERFACE_HELP),
    duration: float = typer.Option(
        None, "--duration", help="Seconds to listen [default: 3; with --watch: until Ctrl-C]."
    ),
    watch: bool = typer.Option(
        False, "--watch", "-w", help="Show participants joining and leaving as it happens."
    ),
    all_topics: bool = typer.Option(
        False, "--all", help="Also list middleware topics (DCPS*, CM*, d_*)."
    ),
    fmt: Format = typer.Option(None, "--format", "-f", help=FORMAT_HELP, show_default=False),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    fail_on: str = typer.Option(None, "--fail-on", help=FAIL_ON_HELP, show_default=False),
    select: list[str] = typer.Option(None, "--select", help=SELECT_HELP),
    ignore: list[str] = typer.Option([], "--ignore", help=IGNORE_HELP),
) -> None:
    """Read DCPSParticipant/Publication/Subscription: hosts, processes, topics, mismatches."""
    from ddsdoctor.live.scan import ScanOptions, run_scan, scan_document
    from ddsdoctor.live.session import LiveError, SessionOptions

    fmt = fmt or default_format()
    threshold = parse_fail_on(fail_on) or Severity.ERROR
    seconds = positive("--duration", duration) if duration is not None else None
    if seconds is None:
        seconds = math.inf if watch else 3.0
    sel = selection(select, ignore)
    opts = ScanOptions(SessionOptions(domain, config, interface, "scan"), seconds)
    view = _Watch(fmt, output) if watch else None

    def progress(message: str) -> None:
        typer.echo(f"ddsdoctor scan: {message}", err=True)

    try:
        if view is not None:
            with view:
                result = run_scan(opts, sel, view.event, progress)
        else:
            result = run_scan(opts, sel, progress=progress)
    except LiveError as exc:
        fail(str(exc), exc.code)
    except KeyboardInterrupt:  # a bounded scan interrupted: no report (--watch has one)
        typer.echo("ddsdoctor: interrupted", err=True)
        raise typer.Exit(INTERRUPTED) from None
    findings = result.findings
    code = exit_code_for(findings, threshold)
    color = want_color(output) and fmt is Format.TEXT
    if fmt is Format.TEXT:
        from ddsdoctor.report.live import scan_text

        text = scan_text(
            result.facts,
            findings,
            me=result.self_guid_prefix,
            seconds=result.duration_s,
            color=color,
            width=text_width(output),
            infrastructure=all_topics,
        )
        write_output(text, output)
        raise typer.Exit(code)
    ctx = ReportContext(
        summary=Summary.of(findings, 0),
        command="scan",
        exit_code=code,
        extra=scan_document(result),
        color=color,
    )
    render_to(fmt, findings, ctx, output)
    raise typer.Exit(code)


class _Watch:
    """Participants joining and leaving: a rich live table on a terminal, lines otherwise.

    Lines go to stdout only when stdout carries the text report; with a machine format they go
    to stderr, so the document on stdout stays parseable.
    """

    def __init__(self, fmt: Format, output: Path | None) -> None:
        self.lines_to: TextIO = sys.stdout if fmt is Format.TEXT and output is None else sys.stderr
        self.interactive = self.lines_to.isatty()
        self.rows: dict[str, list[str]] = {}
        self.live: Any = None

    def __enter__(self) -> _Watch:
        if self.interactive:
            from rich.console import Console
            from rich.live import Live

            self.live = Live(self._table(), console=Console(file=self.lines_to), auto_refresh=False)
            self.live.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        if self.live is not None:
            self.live.__exit__(None, None, None)

    def event(self, ev: Any) -> None:
        from ddsdoctor.report.live import event_line

        p, e = ev.participant, ev.endpoint
        if p is not None:
            vendor = p.vendor if p.vendor_id is not None else _guess_vendor(p)
            what = (
                f"{p.guid_prefix} host={p.host or '?'} process={p.process or '?'} "
                f"pid={p.pid if p.pid is not None else '?'} {vendor}"
            )
            self.rows[p.guid_prefix] = [
                p.guid_prefix,
                p.host or "?",
                p.process or p.entity_name or "?",
                "" if p.pid is None else str(p.pid),
                vendor,
                f"{ev.t:.3f}",
                "left" if ev.kind.value == "left" else "alive",
            ]
        elif e is not None:
            what = f"{e.kind.value} {e.topic} [{', '.join(e.partition_list)}] {e.guid}"
        else:
            return
        if self.live is not None:
            self.live.update(self._table(), refresh=True)
        else:
            print(event_line(ev.kind.value, ev.t, what), file=self.lines_to, flush=True)

    def _table(self) -> Any:
        from rich.table import Table

        table = Table(title="Participants (Ctrl-C to stop)", title_justify="left")
        for col in ("guid prefix", "host", "process", "pid", "vendor", "seen at", "state"):
            table.add_column(col)
        for row in self.rows.values():
            style = "dim" if row[-1] == "left" else None
            table.add_row(*row, style=style)
        return table


def _guess_vendor(p: Any) -> str:
    from ddsdoctor.discovery import DiscoveryFacts
    from ddsdoctor.live.vendor import infer_vendors

    shadow = DiscoveryFacts(participants={p.guid_prefix: p})
    infer_vendors(shadow)
    return str(p.vendor)

"""``ddsdoctor probe``: time historical reads of durable topics with late-joining readers."""

from __future__ import annotations

import time
from pathlib import Path

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
from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.findings import Severity, Summary
from ddsdoctor.report import Format, ReportContext


@app.command()
def probe(
    domain: int = typer.Option(0, "--domain", "-d", help=DOMAIN_HELP),
    config: str = typer.Option(None, "--config", help=CONFIG_HELP, show_default=False),
    interface: str = typer.Option(None, "--interface", "-i", help=INTERFACE_HELP),
    topic: list[str] = typer.Option(
        [], "--topic", "-t", help="Topic name or pattern to probe (repeat) [default: all durable]."
    ),
    partition: list[str] = typer.Option(
        [], "--partition", "-p", help="Read in these partitions instead of the writers' (repeat)."
    ),
    timeout: float = typer.Option(
        60.0, "--timeout", help="Seconds from joining before a historical read is a timeout."
    ),
    quiet: float = typer.Option(
        2.0, "--quiet", help="Complete after this many seconds without a new historical sample."
    ),
    slow: float = typer.Option(10.0, "--slow", help="Completion later than this is 'slow'."),
    settle: float = typer.Option(
        0.0, "--settle", help="Seconds to wait after joining before creating readers."
    ),
    repeat: int = typer.Option(1, "--repeat", help="Runs, each with a fresh participant."),
    discover: float = typer.Option(
        1.0, "--discover", help="Without --topic names: seconds during which topics are taken on."
    ),
    expect: int = typer.Option(
        None, "--expect", help="Complete only at this many historical samples per topic."
    ),
    allow_empty: bool = typer.Option(
        False, "--allow-empty", help="A matched writer silent for --quiet seconds has no history."
    ),
    name_match: bool = typer.Option(
        True,
        "--name-match/--no-name-match",
        help="Read writers without type information with a reader matched by type name.",
    ),
    prometheus: Path | None = typer.Option(
        None, "--prometheus", help="Also write a node-exporter textfile (atomically)."
    ),
    fmt: Format = typer.Option(None, "--format", "-f", help=FORMAT_HELP, show_default=False),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    fail_on: str = typer.Option(None, "--fail-on", help=FAIL_ON_HELP, show_default=False),
    select: list[str] = typer.Option(None, "--select", help=SELECT_HELP),
    ignore: list[str] = typer.Option([], "--ignore", help=IGNORE_HELP),
) -> None:
    """Measure discovery, match, first sample and completion of each durable topic's history.

    Exits 1 when any topic times out (or on findings at --fail-on).
    """
    from ddsdoctor.engine import run_rules
    from ddsdoctor.findings import sort_findings
    from ddsdoctor.live.probe import ProbeOptions, run_probe
    from ddsdoctor.live.session import LiveError, SessionOptions
    from ddsdoctor.registry import Subject

    fmt = fmt or default_format()
    threshold = parse_fail_on(fail_on) or Severity.ERROR
    for name, value in (("--timeout", timeout), ("--quiet", quiet), ("--slow", slow)):
        positive(name, value)
    positive("--settle", settle, zero_ok=True)
    positive("--discover", discover, zero_ok=True)
    if repeat < 1:
        fail("--repeat must be >= 1")
    if expect is not None and expect < 1:
        fail("--expect must be >= 1")
    sel = selection(select, ignore)
    options = ProbeOptions(
        session=SessionOptions(domain, config, interface, "probe"),
        topics=tuple(topic),
        partitions=tuple(partition),
        timeout=timeout,
        quiet=quiet,
        slow=slow,
        settle=settle,
        repeat=repeat,
        discover=discover,
        expect=expect,
        allow_empty=allow_empty,
        name_match=name_match,
    )

    def progress(message: str) -> None:
        typer.echo(f"ddsdoctor probe: {message}", err=True)

    try:
        report = run_probe(options, progress)
    except LiveError as exc:
        fail(str(exc), exc.code)
    except KeyboardInterrupt:
        typer.echo("ddsdoctor: interrupted", err=True)
        raise typer.Exit(INTERRUPTED) from None
    findings = sort_findings(run_rules(Subject.PROBE, report, sel))
    code = exit_code_for(findings, threshold)
    if report.any_timeout:
        code = int(ExitCode.FINDINGS)
    if prometheus is not None:
        from ddsdoctor.live.prometheus import render, write_atomic

        try:
            write_atomic(prometheus, render(report, time.time()))
        except OSError as exc:
            fail(f"cannot write {prometheus}: {exc.strerror or exc}", ExitCode.USAGE)
    color = want_color(output) and fmt is Format.TEXT
    if fmt is Format.TEXT:
        from ddsdoctor.report.live import probe_text

        text = probe_text(report, findings, color=color, width=text_width(output))
        write_output(text, output)
        raise typer.Exit(code)
    extra = {"probe": report.as_dict(), "topics": [t.as_dict() for t in report.topics]}
    ctx = ReportContext(
        summary=Summary.of(findings, 0),
        command="probe",
        exit_code=code,
        extra=extra,
        color=color,
    )
    render_to(fmt, findings, ctx, output)
    raise typer.Exit(code)

"""``ddsdoctor durability``: OpenSplice's durability protocol from a capture, a timeline or live."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from ddsdoctor.cli import app
from ddsdoctor.cli.common import (
    FAIL_ON_HELP,
    FORMAT_HELP,
    default_format,
    exit_code_for,
    fail,
    parse_fail_on,
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
from ddsdoctor.report import Format, ReportContext, render

if TYPE_CHECKING:
    from ddsdoctor.cli.durability_watch import Watch
    from ddsdoctor.durability.observe import Observation


def _positive(name: str, value: float) -> float:
    if math.isinf(value):
        fail(f"{name} must be a finite number of seconds")
    return positive(name, value)


@app.command()
def durability(
    pcap: Path | None = typer.Option(
        None, "--pcap", help="Read the protocol from a pcap/pcapng capture.", show_default=False
    ),
    timeline: Path | None = typer.Option(
        None, "--timeline", help="Read a saved timeline (--save-timeline).", show_default=False
    ),
    domain: int | None = typer.Option(
        None,
        "--domain",
        "-d",
        help=f"Join this domain read-only (Cyclone DDS): {DOMAIN_HELP}",
        show_default=False,
    ),
    partition: str = typer.Option(
        "durabilityPartition", "--partition", help="DurabilityService/EntityNames/Partition."
    ),
    watch: bool = typer.Option(False, "--watch", "-w", help="Live: show the view as it changes."),
    duration: float = typer.Option(
        None, "--duration", help="Live: seconds to listen [default: 15; with --watch: Ctrl-C]."
    ),
    config: str = typer.Option(None, "--config", help=f"Live: {CONFIG_HELP}", show_default=False),
    interface: str = typer.Option(None, "--interface", "-i", help=f"Live: {INTERFACE_HELP}"),
    fleet: Path | None = typer.Option(
        None, "--fleet", help="Compare with the views FLEET.toml predicts.", show_default=False
    ),
    save_timeline: Path | None = typer.Option(
        None,
        "--save-timeline",
        help="Also write the decoded samples as JSON lines.",
        show_default=False,
    ),
    timeout: float = typer.Option(
        20.0, "--timeout", help="A sample request unanswered this long is reported (s)."
    ),
    slow: float = typer.Option(
        5.0, "--slow", help="An alignment slower than this is reported (s)."
    ),
    stuck: float = typer.Option(
        30.0, "--stuck", help="A fellow before COMPLETE this long is stuck (s)."
    ),
    grace: float = typer.Option(
        3.0, "--grace", help="Shorter view disagreements are master selection in progress (s)."
    ),
    heartbeat: float = typer.Option(
        4.0, "--heartbeat", help="A d_status gap longer than this is a missed heartbeat (s)."
    ),
    fmt: Format = typer.Option(None, "--format", "-f", help=FORMAT_HELP, show_default=False),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    select: list[str] = typer.Option(None, "--select", help=SELECT_HELP),
    ignore: list[str] = typer.Option([], "--ignore", help=IGNORE_HELP),
    fail_on: str = typer.Option(None, "--fail-on", help=FAIL_ON_HELP, show_default=False),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even with findings."),
) -> None:
    """Each node's durability master view, its state and alignment timing (OpenSplice d_* topics).

    From a capture (--pcap), a saved timeline (--timeline) or live (--domain, read-only: it
    creates readers only). Reports fellows with host and IP, the master each one believes in
    per namespace, group completeness and how long each sample request took to be answered.
    """
    from ddsdoctor.durability.analyze import analyze
    from ddsdoctor.durability.report import view_dict
    from ddsdoctor.durability.view import Limits
    from ddsdoctor.ospl.fleetfile import FleetFileError

    sources = [x for x in (pcap, timeline, domain) if x is not None]
    if len(sources) != 1:
        fail("give exactly one of --pcap FILE, --timeline FILE or --domain N")
    fmt = fmt or default_format()
    threshold = parse_fail_on(fail_on) or Severity.ERROR
    limits = Limits(
        *(
            _positive(n, v)
            for n, v in (
                ("--timeout", timeout),
                ("--slow", slow),
                ("--stuck", stuck),
                ("--grace", grace),
                ("--heartbeat", heartbeat),
            )
        )
    )
    rules = selection(select, ignore)
    if fleet is not None and not fleet.is_file():
        fail(f"--fleet {fleet}: no such file")
    view = None
    if watch:
        from ddsdoctor.cli.durability_watch import Watch

        view = Watch(limits, rules, fmt, output)
    obs = _observe(pcap, timeline, domain, partition, view, duration, config, interface)
    if save_timeline is not None:
        from ddsdoctor.durability.timeline import dump

        write_output("\n".join(dump(obs)) + "\n", save_timeline)
    try:
        report = analyze(obs, limits, rules, fleet=fleet)
    except FleetFileError as exc:
        fail(str(exc), ExitCode.USAGE)
    findings = report.findings
    code = exit_code_for(findings, threshold, exit_zero)
    ctx = ReportContext(
        summary=Summary.of(findings, 1),
        command="durability",
        exit_code=code,
        extra=view_dict(report.view) if fmt in (Format.JSON, Format.TEXT) else {},
        color=want_color(output) and fmt is Format.TEXT,
        width=text_width(output),
    )
    if fmt is Format.TEXT:
        from ddsdoctor.report import durability_text

        text = durability_text.render(findings, ctx)
    else:
        text = render(fmt, findings, ctx)
    write_output(text, output)
    raise typer.Exit(code)


def _observe(
    pcap: Path | None,
    timeline: Path | None,
    domain: int | None,
    partition: str,
    view: Watch | None,
    duration: float | None,
    config: str | None,
    interface: str | None,
) -> Observation:
    if pcap is not None:
        from ddsdoctor.capture import CaptureError
        from ddsdoctor.durability.pcap import observe_capture

        try:
            return observe_capture(pcap, partition=partition)
        except CaptureError as exc:
            fail(str(exc), ExitCode.USAGE)
    if timeline is not None:
        from ddsdoctor.durability import timeline as tl

        try:
            with timeline.open(encoding="utf-8") as fh:
                obs = tl.load(fh, source="timeline")
        except OSError as exc:
            fail(f"cannot read {timeline}: {exc.strerror or exc}", ExitCode.USAGE)
        except (tl.TimelineError, UnicodeDecodeError) as exc:
            fail(f"{timeline}: {exc}", ExitCode.USAGE)
        obs.partition = partition if partition != "durabilityPartition" else obs.partition
        return obs
    from ddsdoctor.durability.live import LiveOptions, observe_live
    from ddsdoctor.live.session import LiveError

    seconds = _positive("--duration", duration) if duration is not None else None
    if seconds is None:
        seconds = math.inf if view is not None else 15.0
    opts = LiveOptions(domain or 0, config, interface, partition, seconds)
    try:
        if view is not None:
            with view:
                return observe_live(opts, view.update)
        return observe_live(opts, None, progress=lambda m: typer.echo(f"ddsdoctor: {m}", err=True))
    except LiveError as exc:
        fail(str(exc), exc.code)
    except KeyboardInterrupt:
        typer.echo("ddsdoctor: interrupted", err=True)
        raise typer.Exit(INTERRUPTED) from None

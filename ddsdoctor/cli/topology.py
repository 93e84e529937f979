"""``ddsdoctor topology --pcap FILE | --iface IF``: hosts, groups, traffic and diagnoses from RTPS.

The command opens a packet source, hands it to ``topology.run.run_topology`` and renders
the report. The source is the only part that differs between a capture file and a live
interface (``cli/live_capture.py``: privileges, signals, the live view).
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from ddsdoctor.cli import app
from ddsdoctor.cli.common import (
    FAIL_ON_HELP,
    exit_code_for,
    fail,
    parse_fail_on,
    want_color,
    write_output,
)
from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.findings import Severity, Summary, sort_findings
from ddsdoctor.report import Format, ReportContext, render

if TYPE_CHECKING:
    from ddsdoctor.capture.live import LiveOptions
    from ddsdoctor.topology.model import TopologyReport
    from ddsdoctor.topology.run import TopologyOptions


class TopologyFormat(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"
    GITLAB = "gitlab"
    DOT = "dot"
    GRAPHML = "graphml"
    MERMAID = "mermaid"
    HTML = "html"


class GraphBy(enum.StrEnum):
    HOST = "host"
    PARTICIPANT = "participant"


_GRAPH_FORMATS = (TopologyFormat.DOT, TopologyFormat.GRAPHML, TopologyFormat.MERMAID)
FORMAT_HELP = (
    "Output: text, json, sarif, github, junit, gitlab (findings), or dot, graphml, mermaid, "
    "html (the graph)."
)


def _progress() -> Callable[[int, float], None] | None:
    """A line on stderr every 65536 datagrams when stderr is a terminal."""
    if not sys.stderr.isatty():
        return None

    def show(n: int, _t: float) -> None:
        sys.stderr.write(f"\rddsdoctor topology: {n:,} datagrams")
        sys.stderr.flush()

    return show


def _run_pcap(pcap: Path, options: TopologyOptions) -> TopologyReport:
    from ddsdoctor.capture import CaptureError, read_capture
    from ddsdoctor.topology.run import run_topology

    if pcap.is_dir():
        fail(f"--pcap {pcap} is a directory, not a capture file", ExitCode.USAGE)
    try:
        reader = read_capture(pcap)
    except CaptureError as exc:
        fail(str(exc), ExitCode.USAGE)
    progress = _progress()
    try:
        with reader:
            return run_topology(reader, options, progress=progress)
    finally:
        if progress is not None:
            sys.stderr.write("\n")


def _run_live(
    iface: str, options: TopologyOptions, live: LiveOptions, view: bool | None
) -> TopologyReport:
    """Capture on ``iface`` until --duration, SIGINT or SIGTERM, then report all that was seen."""
    from ddsdoctor.cli.live_capture import (
        abort_message,
        consume_live,
        open_live,
        started_message,
        stop_on_signals,
        want_view,
    )
    from ddsdoctor.cli.liveopts import INTERRUPTED
    from ddsdoctor.topology.run import run_topology

    source = open_live(live)
    try:
        with source, stop_on_signals(source):
            # Announced once the handlers are in place: a signal from then on stops cleanly.
            typer.echo(started_message(source), err=True)
            return consume_live(
                source,
                lambda datagrams: run_topology(datagrams, options, stats=source.stats),
                view=want_view(view),
                duration=live.duration,
            )
    except KeyboardInterrupt:
        typer.echo(f"ddsdoctor: {abort_message(source)}", err=True)
        raise typer.Exit(INTERRUPTED) from None


def _live_options(
    iface: str,
    duration: float | None,
    bpf: str | None,
    write_pcap: Path | None,
    buffer_mib: int,
) -> LiveOptions:
    from ddsdoctor.capture.live import LiveOptions
    from ddsdoctor.cli.liveopts import positive

    if duration is not None:
        positive("--duration", duration)
    return LiveOptions(
        iface=iface, duration=duration, bpf=bpf, write_pcap=write_pcap, buffer_size=buffer_mib << 20
    )


def _options(
    label: str,
    path: str | None,
    by: GraphBy,
    hosts: Path | None,
    select: list[str] | None,
    ignore: list[str],
) -> TopologyOptions:
    from ddsdoctor.cli.liveopts import selection
    from ddsdoctor.topology.hosts import HostsFileError, load_hosts_file
    from ddsdoctor.topology.model import By
    from ddsdoctor.topology.run import TopologyOptions

    sel = selection(select, ignore)
    try:
        entries = load_hosts_file(hosts) if hosts is not None else {}
    except HostsFileError as exc:
        fail(str(exc), ExitCode.USAGE)
    return TopologyOptions(
        by=By(by.value),
        hosts=entries,
        selection=sel,
        label=label,
        path=path,
        source_name="pcap" if path is not None else "live-capture",
    )


def _graph(report: TopologyReport, focus: str | None) -> Any:
    """The networkx graph (focused on one node when asked); its ``focus`` is the node id."""
    from ddsdoctor.topology.graph import FocusError, build_graph

    try:
        return build_graph(report, focus=focus)
    except FocusError as exc:
        fail(str(exc), ExitCode.USAGE)


def _render_image(graph: Any, path: Path) -> None:
    from ddsdoctor.topology.render import GraphvizMissing, RenderError, render_image

    try:
        render_image(graph, path)
    except ValueError as exc:
        fail(str(exc), ExitCode.USAGE)
    except (GraphvizMissing, RenderError) as exc:
        fail(str(exc), ExitCode.ENVIRONMENT)
    except OSError as exc:
        fail(f"cannot write {path}: {exc.strerror or exc}")


def _document(report: TopologyReport, fmt: TopologyFormat, graph: Any, top: int) -> str:
    from ddsdoctor.topology import html, render

    if fmt is TopologyFormat.DOT:
        return render.to_dot(graph)
    if fmt is TopologyFormat.GRAPHML:
        return render.to_graphml(graph)
    if fmt is TopologyFormat.MERMAID:
        return render.to_mermaid(graph)
    return html.to_html(report, graph, report.findings, top=top * 2)


_HELP = (
    "Map RTPS traffic: hosts, multicast groups, who talks to whom, how much, which topics.\n\n"
    "Reads a capture (tcpdump -w) or captures live (--iface) the traffic of any DDS vendor, "
    "groups OpenSplice's five participants per process, and reports the full-mesh pattern, "
    "unread traffic, stuck discovery, partition/type/QoS mismatches and capture problems "
    "(kernel drops, a capture started late) as findings (docs/topology.md, "
    "docs/live-capture.md)."
)


@app.command(help=_HELP)
def topology(
    pcap: Path = typer.Option(
        None, "--pcap", help="Capture file to read: pcap or pcapng, plain or gzip."
    ),
    iface: str | None = typer.Option(
        None,
        "--iface",
        "-i",
        help="Capture live on this interface ('any' for all) until --duration or Ctrl-C. "
        "Needs root or CAP_NET_RAW.",
    ),
    duration: float | None = typer.Option(
        None, "--duration", help="Live: seconds to capture (default: until Ctrl-C/SIGTERM)."
    ),
    bpf: str | None = typer.Option(
        None, "--filter", help="Live: BPF filter (pcap-filter syntax, e.g. 'udp'); needs scapy."
    ),
    write_pcap: Path | None = typer.Option(
        None, "--write-pcap", help="Live: also write every captured frame to this pcap file."
    ),
    buffer_mib: int = typer.Option(
        64, "--buffer-size", min=1, help="Live: kernel capture buffer in MiB."
    ),
    live_view: bool | None = typer.Option(
        None, "--live/--no-live", help="Live: show the live view (default: on a terminal)."
    ),
    fmt: TopologyFormat = typer.Option(
        TopologyFormat.TEXT, "--format", "-f", help=FORMAT_HELP, show_default=False
    ),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the output to FILE."),
    render_to: Path | None = typer.Option(
        None, "--render", help="Also draw the graph to FILE.svg, .png or .pdf (Graphviz dot)."
    ),
    by: GraphBy = typer.Option(GraphBy.HOST, "--by", help="Graph nodes: host or participant."),
    focus: str | None = typer.Option(
        None, "--focus", help="Keep one host (name, IP) or participant and its edges."
    ),
    hosts: Path | None = typer.Option(
        None, "--hosts", help="Name IPs: CSV lines ip,name,role or a .toml file of host tables."
    ),
    top: int = typer.Option(10, "--top", min=1, help="Rows per table in text output."),
    all_topics: bool = typer.Option(
        False, "--all", help="Text: also list middleware topics (DCPS*, CM*, d_*)."
    ),
    select: list[str] = typer.Option(None, "--select", help="Rules to run (codes, prefixes)."),
    ignore: list[str] = typer.Option([], "--ignore", help="Rules to skip."),
    fail_on: str = typer.Option(None, "--fail-on", help=FAIL_ON_HELP, show_default=False),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even with findings."),
) -> None:
    """``ddsdoctor topology``: see _HELP."""
    if (pcap is None) == (iface is None):
        fail("give a capture file with --pcap FILE or an interface with --iface IF", ExitCode.USAGE)
    threshold = parse_fail_on(fail_on) or Severity.ERROR
    if iface is not None:
        live = _live_options(iface, duration, bpf, write_pcap, buffer_mib)
        options = _options(iface, None, by, hosts, select, ignore)
        report = _run_live(iface, options, live, live_view)
        capture_file = live.write_pcap
    else:
        options = _options(str(pcap), str(pcap), by, hosts, select, ignore)
        report = _run_pcap(pcap, options)
        capture_file = pcap
    durability = None
    if capture_file is not None:
        from ddsdoctor.topology.durability_section import durability_section

        durability = durability_section(capture_file, report, options.selection)
        if durability is not None:
            report = replace(
                report, findings=tuple(sort_findings([*report.findings, *durability.findings]))
            )
    findings = report.findings
    code = exit_code_for(findings, threshold, exit_zero)
    needs_graph = render_to is not None or fmt in (*_GRAPH_FORMATS, TopologyFormat.HTML)
    graph = _graph(report, focus) if needs_graph or focus else None
    if focus and graph is not None:
        from ddsdoctor.topology.graph import focus_report

        report = focus_report(report, set(graph.graph["focus_nodes"]))
    if render_to is not None:
        _render_image(graph, render_to)
    color = want_color(output) and fmt is TopologyFormat.TEXT
    ctx = ReportContext(
        summary=Summary.of(findings, 1),
        command="topology",
        exit_code=code,
        color=color,
    )
    if fmt is TopologyFormat.TEXT:
        from ddsdoctor.report import topology_text

        extra_sections = []
        if durability is not None:
            from ddsdoctor.durability.report import view_dict
            from ddsdoctor.report.durability_text import renderables

            extra_sections = renderables(view_dict(durability.view))
        text = topology_text.render(
            report, findings, ctx, top=top, all_topics=all_topics, extra=extra_sections
        )
    elif fmt in (*_GRAPH_FORMATS, TopologyFormat.HTML):
        text = _document(report, fmt, graph, top)
    else:
        extra: dict[str, Any] = {}
        if fmt is TopologyFormat.JSON:
            from ddsdoctor.topology.document import report_document

            extra = report_document(report)
            if durability is not None:
                from ddsdoctor.topology.durability_section import section_json

                extra["durability"] = section_json(durability)
        ctx = ReportContext(summary=ctx.summary, command="topology", exit_code=code, extra=extra)
        text = render(Format(fmt.value), findings, ctx)
    write_output(text, output)
    raise typer.Exit(code)

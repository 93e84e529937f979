"""Text output of ``topology``: summary, hosts, processes, top topics, edges, then findings."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import RenderableType
from rich.table import Table

from ddsdoctor.discovery import vendor_name
from ddsdoctor.findings import Finding
from ddsdoctor.report import ReportContext
from ddsdoctor.report import text as findings_text
from ddsdoctor.report.live_text import live_lines
from ddsdoctor.topology.model import TopologyReport, Traffic
from ddsdoctor.topology.units import bytes_text, rate_text


def _peak_at(t: Traffic) -> str:
    s = t.series
    if s is None or not s.bps:
        return ""
    i = max(range(len(s.bps)), key=s.bps.__getitem__)
    return f" at +{i * s.bin_s} s"


def _summary(report: TopologyReport) -> str:
    t = report.total
    cap = report.capture
    hosts = [h for h in report.hosts if h.participants]
    return (
        f"[bold]{report.source}[/bold]: {cap.get('frames', 0)} frames, {t.packets} RTPS "
        f"datagrams, {bytes_text(t.bytes)} in {report.duration:.1f} s\n"
        f"{len(hosts)} hosts, {len(report.processes)} processes, "
        f"{len(report.facts.participants)} participants, {len(report.facts.endpoints)} "
        f"endpoints, {sum(1 for x in report.topics if not x.infrastructure)} application topics\n"
        f"traffic: mean {rate_text(t.rate_bps)}, peak {rate_text(t.peak_bps)}{_peak_at(t)}, "
        f"steady {rate_text(t.series.steady_bps if t.series else 0.0)}; "
        f"pattern: [bold]{report.pattern.value}[/bold]"
    )


def _node(report: TopologyReport, node: str) -> str:
    """A participant node as 'host role/process prefix-start'; hosts and groups as they are."""
    p = report.facts.participants.get(node)
    if p is None:
        return node
    who = p.role or p.process or vendor_name(p.vendor_id)
    return f"{report.host_of.get(node, '?')} {who} {node[:8]}"


def _table(title: str, *cols: str) -> Table:
    table = Table(title=title, title_justify="left", title_style="bold")
    for c in cols:
        table.add_column(c, justify="right" if c in ("packets", "samples", "#") else "left")
    return table


def render(
    report: TopologyReport,
    findings: Sequence[Finding],
    ctx: ReportContext,
    *,
    top: int = 10,
    all_topics: bool = False,
    extra: Sequence[RenderableType] = (),
) -> str:
    """The topology tables, then ``extra`` sections (e.g. the durability view), then findings."""
    buf = io.StringIO()
    console = findings_text.console_for(ctx, buf, soft_wrap=False)
    console.print(_summary(report))
    for line in live_lines(report.capture):
        console.print(line)
    console.print()
    hosts = _table("Hosts", "host", "addresses", "role", "processes", "vendors", "sent", "received")
    for h in report.hosts:
        hosts.add_row(
            h.name,
            ", ".join(h.addresses),
            h.role or "",
            str(len(h.processes)),
            ", ".join(vendor_name(v) for v in h.vendors),
            rate_text(h.sent.rate_bps),
            rate_text(h.received.rate_bps),
        )
    console.print(hosts)
    procs = _table("Processes", "host", "process", "pid", "vendor", "participants (role)")
    for p in report.processes[: top * 3]:
        named = [r for r in p.participants.values() if r]
        roles = (
            f"{len(p.participants)}: {', '.join(named)}"
            if len(named) > 1
            else ", ".join(sorted(p.participants))
        )
        procs.add_row(
            p.host,
            p.name or "",
            "" if p.pid is None else str(p.pid),
            vendor_name(p.vendor_id),
            roles,
        )
    if len(report.processes) > top * 3:
        procs.caption = f"... and {len(report.processes) - top * 3} more (--format json)"
    console.print(procs)
    topics = [t for t in report.topics if all_topics or not t.infrastructure]
    tt = _table(
        "Top topics by rate",
        "topic",
        "type",
        "partitions",
        "writers -> readers",
        "samples",
        "rate",
        "peak",
    )
    for t in topics[:top]:
        tt.add_row(
            t.topic,
            ", ".join(t.types),
            ", ".join(t.partitions),
            f"{', '.join(t.writer_hosts) or '-'} -> {', '.join(t.reader_hosts) or '-'}",
            str(t.traffic.samples),
            rate_text(t.traffic.rate_bps),
            rate_text(t.traffic.peak_bps),
        )
    if len(topics) > top:
        tt.caption = f"... and {len(topics) - top} more (--top N, --all, --format json)"
    console.print(tt)
    et = _table("Edges", "from", "to", "packets", "bytes", "rate", "peak", "topics")
    for e in report.edges[:top]:
        data = [s.topic for s in e.topics if s.traffic_class.is_data]
        et.add_row(
            _node(report, e.src),
            _node(report, e.dst) + (" (multicast)" if e.multicast else ""),
            str(e.traffic.packets),
            bytes_text(e.traffic.bytes),
            rate_text(e.traffic.rate_bps),
            rate_text(e.traffic.peak_bps),
            ", ".join(data[:3]) + (" ..." if len(data) > 3 else "") or "(discovery only)",
        )
    if len(report.edges) > top:
        et.caption = f"... and {len(report.edges) - top} more (--top N, --format json)"
    console.print(et)
    for g in report.groups:
        console.print(
            f"multicast {g.address} ports {', '.join(map(str, g.ports))}: members "
            f"{', '.join(g.members) or '-'}; {rate_text(g.traffic.rate_bps)}"
        )
    console.print()
    for item in extra:
        console.print(item)
    if extra:
        console.print()
    return buf.getvalue() + findings_text.render(findings, ctx)

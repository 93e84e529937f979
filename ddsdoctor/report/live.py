"""Text output of the live commands: rich tables of a scan (hosts, processes, participants,
topics) and of a probe (phases and verdicts), followed by the findings."""

from __future__ import annotations

import io
from collections.abc import Sequence

from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from ddsdoctor.discovery import DiscoveryFacts
from ddsdoctor.findings import Finding, Severity
from ddsdoctor.live import summary
from ddsdoctor.live.results import ProbeReport, Verdict
from ddsdoctor.report.text import text_console

_SEV = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
_VERDICT = {
    Verdict.OK: "green",
    Verdict.SLOW: "yellow",
    Verdict.TIMEOUT: "bold red",
    Verdict.NO_WRITER: "red",
    Verdict.UNREADABLE: "magenta",
    Verdict.UNMEASURABLE: "cyan",
}


def _console(color: bool, width: int | None) -> tuple[Console, io.StringIO]:
    buf = io.StringIO()
    return text_console(buf, color, width), buf


def _secs(v: float | None) -> str:
    return "-" if v is None else f"{v:.3f}"


def findings_section(console: Console, findings: Sequence[Finding]) -> None:
    if not findings:
        console.print("[green]No problems found.[/green]")
        return
    for f in findings:
        line = Text()
        line.append(f"{f.severity.label:<7}", style=_SEV[f.severity])
        line.append(f" {f.code} ", style="bold")
        line.append(f"{f.name}  ", style="dim")
        line.append(f.message)
        console.print(line)
        if f.hint:
            console.print(f"         [dim]help:[/dim] {escape(f.hint)}")
    counts = {s: sum(1 for f in findings if f.severity is s) for s in Severity}
    console.print(
        f"[bold]{counts[Severity.ERROR]} error(s)[/bold], {counts[Severity.WARNING]} warning(s), "
        f"{counts[Severity.INFO]} info."
    )


def scan_text(
    facts: DiscoveryFacts,
    findings: Sequence[Finding],
    *,
    me: str,
    seconds: float,
    color: bool = False,
    width: int | None = None,
    infrastructure: bool = False,
) -> str:
    console, buf = _console(color, width)
    alive = sum(1 for p in facts.participants.values() if not p.gone)
    gone = len(facts.participants) - alive
    console.print(
        f"[bold]Domain scan[/bold]: {alive} participant(s) alive, {gone} gone, in "
        f"{seconds:.1f} s (this scan: {me})"
    )
    hosts = Table(title="Hosts and processes", title_justify="left")
    for col in ("host", "process", "pid", "vendor", "participants", "writers", "readers"):
        hosts.add_column(col)
    for host, procs in summary.hosts(facts).items():
        for pr in procs:
            state = " (gone)" if pr.gone else ""
            hosts.add_row(
                escape(host),
                escape((pr.name or "?") + state),
                str(pr.pid or ""),
                escape(pr.vendor),
                str(len(pr.participants)),
                str(pr.writers),
                str(pr.readers),
            )
    console.print(hosts)
    parts = Table(title="Participants", title_justify="left")
    for col in ("guid prefix", "host", "process / role", "vendor (from)", "lease", "seen"):
        parts.add_column(col)
    for p in sorted(facts.participants.values(), key=lambda p: (p.host or "", p.guid_prefix)):
        role = p.process or p.role or p.entity_name or ""
        lease = "-" if p.lease_s is None else f"{p.lease_s:g} s"
        seen = _secs(p.first_seen) + (" gone" if p.gone else "")
        parts.add_row(
            p.guid_prefix,
            escape(p.host or "?"),
            escape(role),
            escape(f"{p.vendor} ({p.vendor_source or '-'})"),
            lease,
            seen,
        )
    console.print(parts)
    topics = Table(title="Topics (writers / readers per partition)", title_justify="left")
    for col in ("topic", "type", "partition", "writers", "readers"):
        topics.add_column(col)
    for t in summary.topics(facts, include_infrastructure=infrastructure):
        for part in t["partitions"]:
            topics.add_row(
                escape(t["topic"]),
                escape(", ".join(t["types"])),
                escape(repr(part["partition"])),
                escape(_sides(part["writers"])),
                escape(_sides(part["readers"])),
            )
    console.print(topics)
    console.print()
    findings_section(console, findings)
    return buf.getvalue()


def _sides(entries: list[dict[str, object]]) -> str:
    return "\n".join(
        f"{e['host'] or '?'}/{e['process'] or e['pid'] or '?'} {e['qos']}" for e in entries
    )


def probe_text(
    report: ProbeReport,
    findings: Sequence[Finding],
    *,
    color: bool = False,
    width: int | None = None,
) -> str:
    console, buf = _console(color, width)
    console.print(
        f"[bold]Historical-read probe[/bold] on domain {report.domain}: "
        f"{len(report.topics)} topic(s), {report.repeat} run(s), timeout {report.timeout_s:g} s "
        f"(participants: {', '.join(report.participants)})"
    )
    table = Table(title="Seconds from participant creation", title_justify="left", show_lines=False)
    for col in ("topic", "partitions", "writers", "verdict", "samples", "discovered", "matched"):
        table.add_column(col)
    for col in ("first sample", "complete"):
        table.add_column(col, justify="right")
    if report.repeat > 1:
        table.add_column("complete p50/p95/max", justify="right")
    for t in report.topics:
        w = t.worst
        row: list[str | Text] = [
            escape(t.topic),
            escape(", ".join(t.partitions) or "''"),
            str(len(t.writers)),
            Text(w.verdict.value, style=_VERDICT[w.verdict]),
            str(w.samples) + (f"/{w.expected}" if w.expected is not None else ""),
            _secs(w.discovered_s),
            _secs(w.matched_s),
            _secs(w.first_sample_s),
            _secs(w.complete_s),
        ]
        if report.repeat > 1:
            st = t.stats()["complete_s"]
            row.append(" / ".join(_secs(st[k]) for k in ("p50", "p95", "max")))
        table.add_row(*row)
    console.print(table)
    console.print()
    findings_section(console, findings)
    return buf.getvalue()


def event_line(kind: str, t: float, what: str) -> str:
    """One ``--watch`` event for a non-interactive output: ``+0.023 joined  ...``."""
    return f"{t:+9.3f} {kind:<16} {what}"

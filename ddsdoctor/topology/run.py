"""``run_topology``: any source of Datagrams in, a TopologyReport with findings out.

The seam both ``topology --pcap`` and the live ``topology --iface`` use: a capture file
reader and a live socket both yield ``capture.Datagram`` and keep ``CaptureStats``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from ddsdoctor.capture.datagram import Datagram
from ddsdoctor.capture.stats import CaptureStats
from ddsdoctor.engine import run_rules
from ddsdoctor.findings import Finding, sort_findings
from ddsdoctor.registry import Subject
from ddsdoctor.selection import RuleSelection
from ddsdoctor.topology.aggregate import build_report
from ddsdoctor.topology.collect import Collector, Progress
from ddsdoctor.topology.hosts import HostEntry
from ddsdoctor.topology.model import By, TopologyReport
from ddsdoctor.topology.wirefacts import historical

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class TopologyOptions:
    """How to build and diagnose the topology."""

    by: By = By.HOST
    """Graph nodes: hosts (and multicast groups) or participants."""
    hosts: Mapping[str, HostEntry] = field(default_factory=dict)
    """IP -> name and role (--hosts FILE)."""
    selection: RuleSelection = field(default_factory=RuleSelection)
    source_name: str = "pcap"
    """``DiscoveryFacts.source``: "pcap" or "live-capture"."""
    label: str = ""
    """What the report says it read (the file path or the interface)."""
    path: str | None = None
    """Location path stamped on findings (the capture file; None for a live source)."""


def wire_counters(collector: Collector) -> dict[str, Any]:
    accs = [f.acc for f in collector.flows.values()]
    first_bad = collector.first_malformed
    return {
        "datagrams": collector.datagrams,
        "rtps_messages": sum(a.messages for a in accs),
        "submessages": sum(a.submessages for a in accs),
        "heartbeats": sum(a.heartbeats for a in accs),
        "acknacks": sum(a.acknacks for a in accs),
        "malformed": collector.malformed,
        "first_malformed_frame": first_bad[0] if first_bad else None,
        "first_malformed_time": first_bad[1] if first_bad else None,
        "first_malformed_reason": first_bad[2] if first_bad else None,
        "discovery_samples": collector.decoder.samples,
        "discovery_cache_hits": collector.decoder.cache_hits,
        "flows": len(collector.flows),
    }


def diagnose(report: TopologyReport, selection: RuleSelection, path: str | None) -> list[Finding]:
    """Capture and topology rules on the report, DD82x mismatch rules on its facts."""
    out = run_rules(Subject.CAPTURE, report, selection, path=path)
    out += run_rules(Subject.DISCOVERY, historical(report.facts), selection, path=path)
    if path is None:
        return out
    return [
        f if f.location.path else replace(f, location=replace(f.location, path=path)) for f in out
    ]


def run_topology(
    source: Iterable[Datagram],
    options: TopologyOptions | None = None,
    *,
    stats: CaptureStats | None = None,
    progress: Progress | None = None,
) -> TopologyReport:
    """Read every datagram of ``source`` once and return the report with its findings.

    ``stats`` defaults to ``source.stats`` (a ``PacketSource``); it says how reading ended
    (truncation, format errors, skipped frames) and feeds the capture.* rules. The source
    is not closed here.
    """
    options = options or TopologyOptions()
    collector = Collector(options.source_name)
    collector.consume(source, progress)
    if stats is None:
        stats = getattr(source, "stats", None)
    capture: dict[str, Any] = stats.as_dict() if isinstance(stats, CaptureStats) else {}
    capture.update(wire_counters(collector))
    report = build_report(
        collector,
        capture,
        source=options.label,
        by=options.by,
        host_entries=options.hosts,
    )
    findings = diagnose(report, options.selection, options.path)
    return replace(report, findings=tuple(sort_findings(findings)))


__all__ = ["TopologyOptions", "diagnose", "run_topology", "wire_counters"]

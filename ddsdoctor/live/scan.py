"""``scan``: read a live domain's builtin topics into discovery facts and diagnose them.

Acquire (builtin topics, for ``duration`` seconds or until interrupted) -> facts (vendors and
OpenSplice process groups inferred) -> the DD82x discovery rules plus the scan rules -> findings.
The same facts model and rules serve the pcap ``topology`` command.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ddsdoctor.discovery import DiscoveryFacts
from ddsdoctor.discovery_json import facts_to_dict
from ddsdoctor.engine import run_rules
from ddsdoctor.findings import Finding, sort_findings
from ddsdoctor.live import summary
from ddsdoctor.live.session import Session, SessionOptions
from ddsdoctor.live.tracker import DiscoveryTracker, Event, Listener
from ddsdoctor.live.vendor import infer_vendors
from ddsdoctor.registry import Subject
from ddsdoctor.selection import RuleSelection

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class ScanOptions:
    session: SessionOptions = field(default_factory=SessionOptions)
    duration: float = 3.0  # seconds; inf = until interrupted (--watch without --duration)


@dataclass(slots=True)
class ScanResult:
    facts: DiscoveryFacts
    findings: list[Finding]
    self_guid_prefix: str
    events: list[Event]
    duration_s: float
    interrupted: bool = False


def run_scan(
    options: ScanOptions,
    selection: RuleSelection | None = None,
    on_event: Listener | None = None,
    progress: Callable[[str], None] | None = None,
) -> ScanResult:
    """Join, read the builtin topics for ``options.duration`` seconds, leave, diagnose.

    Ctrl-C ends an unbounded (``--watch``) scan normally: the facts seen so far are diagnosed.
    """
    interrupted = False
    with Session(options.session) as session:
        if progress is not None:
            progress(f"participant {session.guid_prefix} on domain {options.session.domain}")
        tracker = DiscoveryTracker(session, on_event)
        try:
            tracker.run_for(options.duration)
        except KeyboardInterrupt:
            if not math.isinf(options.duration):
                raise
            interrupted = True
        facts = tracker.facts
        facts.ended_at = time.time()
        elapsed = session.elapsed()
        me = session.guid_prefix
    infer_vendors(facts)
    findings = diagnose(facts, selection or RuleSelection())
    return ScanResult(facts, findings, me, tracker.events, elapsed, interrupted)


def diagnose(facts: DiscoveryFacts, selection: RuleSelection) -> list[Finding]:
    """The discovery rules (DD82x, DD90x) over facts."""
    return sort_findings(run_rules(Subject.DISCOVERY, facts, selection))


def scan_document(result: ScanResult) -> dict[str, Any]:
    """The JSON members besides findings: the topology schema plus hosts/processes/topics."""
    facts = result.facts
    doc = facts_to_dict(facts)
    doc["domain"] = next((p.domain_id for p in facts.participants.values()), None)
    doc["self"] = {"guid_prefix": result.self_guid_prefix, "duration_s": result.duration_s}
    doc["hosts"] = [
        {"host": host, "processes": [pr.key for pr in procs]}
        for host, procs in summary.hosts(facts).items()
    ]
    doc["processes"] = [
        {
            "key": pr.key,
            "host": pr.host,
            "process": pr.name,
            "pid": pr.pid,
            "vendor": pr.vendor,
            "participants": [p.guid_prefix for p in pr.participants],
            "writers": pr.writers,
            "readers": pr.readers,
            "gone": pr.gone,
        }
        for pr in summary.processes(facts)
    ]
    doc["topics"] = summary.topics(facts)
    return doc

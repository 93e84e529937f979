"""Historical-read probe findings (DD92x): what each topic's late joiner measured means.

The subject is a :class:`ddsdoctor.live.results.ProbeReport` (pure data; no DDS here).
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.findings import Location, Severity
from ddsdoctor.live.results import ProbeReport, TopicResult, Verdict
from ddsdoctor.registry import Hit, Subject, rule


def _name(t: TopicResult) -> str:
    parts = ", ".join(repr(p) for p in t.partitions) if t.partitions else "the default partition"
    return f"topic {t.topic!r} in {parts}"


def _loc(report: ProbeReport, t: TopicResult) -> Location:
    guid = t.writers[0].guid if t.writers else None
    return Location(domain=report.domain, topic=t.topic, guid=guid)


def _phases(t: TopicResult) -> dict[str, object]:
    w = t.worst
    return {
        "discovered_s": w.discovered_s,
        "matched_s": w.matched_s,
        "first_sample_s": w.first_sample_s,
        "complete_s": w.complete_s,
        "samples": w.samples,
        "expected": w.expected,
        "runs": len(t.runs),
        "participant": w.participant,
        "writers": [
            f"{x.host or '?'} {x.process or ''} {x.pid or ''} {x.vendor}" for x in t.writers
        ],
    }


def _with(report: ProbeReport, verdict: Verdict) -> Iterator[TopicResult]:
    return (t for t in report.topics if t.verdict is verdict)


@rule("DD920", "probe.timeout", Severity.ERROR, Subject.PROBE)
def timeout(report: ProbeReport) -> Iterator[Hit]:
    """A late joiner did not get the topic's history within the timeout: the HRTO failure.

    An application that starts now and waits this long for historical data (SAL/SalObj wait
    60 to 300 s) fails its initialisation, as in the tech note's historical read timeouts.
    The phases say where the time went: no match means discovery or QoS; matched without a
    first sample means data does not reach this host (packets dropped, often only the large
    ones, or a writer that is stuck); samples still arriving means the network or the writer
    is too slow for the amount of history.

    Fix: follow the phase that stalled: check MTU and fragment drops (nft/iptables, switch
    MTU), the writer host's bandwidth and CPU, and how much history each topic keeps
    (DurabilityService depth x instances). Re-run with ``--repeat`` to see if it is steady.

    Reference: tech note "Historical read timeout"; test-rig.md §6 (reproduced faults).
    """
    for t in _with(report, Verdict.TIMEOUT):
        w = t.worst
        yield Hit(
            f"{_name(t)}: a late joiner did not complete its historical read within "
            f"{report.timeout_s:g} s ({w.reason}); applications waiting that long for history "
            "fail at startup",
            location=_loc(report, t),
            hint="see which phase stalled: match, first sample or completion",
            evidence=_phases(t),
        )


@rule("DD921", "probe.slow", Severity.WARNING, Subject.PROBE)
def slow(report: ProbeReport) -> Iterator[Hit]:
    """Historical alignment completed, but later than ``--slow``: little margin is left.

    An application's historical-data timeout must cover the worst alignment time under load.
    When alignment already takes a sizeable part of it on a quiet system, a busy network,
    more history or more components pushes it over, and start-ups begin to fail at random.

    Fix: reduce what late joiners receive (DurabilityService depth, instances), give the
    writer's host more bandwidth, or raise the application's timeout well above the p95 that
    ``--repeat`` reports.

    Reference: tech note "Historical read timeout" (timeouts of 60 to 300 s).
    """
    for t in _with(report, Verdict.SLOW):
        w = t.worst
        yield Hit(
            f"{_name(t)}: history took {w.complete_s:.2f} s ({w.samples} samples), more than "
            f"--slow {report.slow_s:g} s",
            location=_loc(report, t),
            evidence=_phases(t),
        )


@rule("DD922", "probe.no-writer", Severity.WARNING, Subject.PROBE)
def no_writer(report: ProbeReport) -> Iterator[Hit]:
    """No writer of the requested topic was discovered: a late joiner would wait for nothing.

    The producer is not running, is on another domain or network, its host is cut off, or the
    topic name differs (a version hash, a typo). Readers of it that wait for history at
    startup time out.

    Fix: start the producer, or check its host's reachability, domain id and topic name;
    ``ddsdoctor scan`` lists what is there.

    Reference: DDS 1.4 §2.2.2 (publication discovery).
    """
    for t in _with(report, Verdict.NO_WRITER):
        yield Hit(
            f"topic {t.topic!r}: {t.worst.reason}",
            location=_loc(report, t),
            evidence=_phases(t),
        )


@rule("DD923", "probe.unreadable", Severity.WARNING, Subject.PROBE)
def unreadable(report: ProbeReport) -> Iterator[Hit]:
    """The probe found the writer but had no type to read the topic with; only discovery is timed.

    The probe learns types from the writer's XTypes type information. When the type lookup
    fails, or the writer sends none and does not match a reader that knows only the type name,
    the historical read cannot be timed. Discovery (and match, where reached) are still
    reported.

    Fix: nothing in the system may be wrong; to measure anyway, run the probe where the type
    lookup service is reachable, or compare with the application's own startup time.

    Reference: DDS-XTypes 1.3 §7.6.3.3 (TypeLookup service).
    """
    for t in _with(report, Verdict.UNREADABLE):
        yield Hit(
            f"{_name(t)}: historical read not measured: {t.worst.reason}",
            location=_loc(report, t),
            evidence=_phases(t),
        )


@rule("DD924", "probe.unmeasurable", Severity.INFO, Subject.PROBE)
def unmeasurable(report: ProbeReport) -> Iterator[Hit]:
    """A Cyclone reader cannot observe this topic's history (OpenSplice TRANSIENT/PERSISTENT).

    OpenSplice serves TRANSIENT and PERSISTENT history only through its durability services,
    to OpenSplice readers; a Cyclone late joiner gets none even when the system is healthy. So
    the probe cannot time it, and says so instead of reporting a timeout. Discovery, match and
    live delivery are still measured. OpenSplice's own alignment takes 7 to 10 s in
    single-process mode (durability discovery, master confirmation, request combining).

    Fix: none needed; to time OpenSplice alignment, use an OpenSplice late joiner or
    ``ddsdoctor durability`` on the durability services' own traffic and logs.

    Reference: opensplice-facts §10 (interop table, alignment timing).
    """
    for t in _with(report, Verdict.UNMEASURABLE):
        yield Hit(
            f"{_name(t)}: {t.worst.reason}",
            location=_loc(report, t),
            evidence=_phases(t),
        )


@rule("DD925", "probe.partial-history", Severity.WARNING, Subject.PROBE)
def partial_history(report: ProbeReport) -> Iterator[Hit]:
    """History stopped early: some instances got fewer samples than the writer keeps for them.

    The writers announce how many samples per instance a late joiner gets (Cyclone:
    DurabilityService depth). The probe saw the flow stop for ``--quiet`` seconds while some
    instances were short: a stalled writer, a link that went down mid-alignment, or writers
    that simply wrote fewer samples for those instances.

    Fix: re-run with ``--expect`` (the count that must arrive) to turn a stall into a timeout,
    or with a longer ``--quiet``; check the writer host's link and process state.

    Reference: test-rig.md §6 (S6 cut mid-alignment, S7 SIGSTOP of the writer).
    """
    for t in report.topics:
        w = t.worst
        if w.complete_by == "quiet" and w.short_instances:
            yield Hit(
                f"{_name(t)}: history stopped after {w.samples} samples with {w.short_instances} "
                f"of {w.instances} instance(s) below the writers' depth",
                location=_loc(report, t),
                evidence=_phases(t),
            )


@rule("DD926", "probe.nothing-to-probe", Severity.INFO, Subject.PROBE)
def nothing_to_probe(report: ProbeReport) -> Iterator[Hit]:
    """No durable topic was found to probe: no late joiner in this domain expects history.

    Only TRANSIENT_LOCAL, TRANSIENT and PERSISTENT writers keep history for late joiners. None
    was discovered within the discovery window, so there is nothing to time. Either the system
    uses only VOLATILE topics, or its writers were not discovered in time (see ``scan``).

    Fix: name topics with ``--topic`` (the probe then waits up to ``--timeout`` for them) or
    lengthen ``--discover``.

    Reference: DDS 1.4 §2.2.3.4 DURABILITY.
    """
    if not report.topics:
        wanted = f" matching {', '.join(report.selected)}" if report.selected else ""
        yield Hit(
            f"no durable topic{wanted} found on domain {report.domain}; nothing was probed",
            location=Location(domain=report.domain),
        )

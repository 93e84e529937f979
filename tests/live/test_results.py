"""Probe results: percentiles, the run that stands for a topic, JSON round trip, Prometheus."""

from __future__ import annotations

import re
from pathlib import Path

from ddsdoctor.live.prometheus import render, write_atomic
from ddsdoctor.live.results import (
    ProbeReport,
    Run,
    TopicResult,
    Verdict,
    percentile,
    report_from_dict,
)

# Prometheus text format 0.0.4: a sample line (metric, optional labels, value).
SAMPLE = re.compile(
    r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="(\\.|[^"\\])*",?)*\})? \S+$'
)


def _topic(*runs: Run, topic: str = "t") -> TopicResult:
    return TopicResult(topic, ("p",), "T", (), runs)


def test_percentile_nearest_rank() -> None:
    assert percentile([], 50) is None
    assert percentile([3.0, 1.0, 2.0], 50) == 2.0
    assert percentile([float(i) for i in range(1, 21)], 95) == 19.0
    assert percentile([5.0], 95) == 5.0


def test_worst_run_stands_for_the_topic() -> None:
    t = _topic(
        Run(Verdict.OK, samples=10, complete_s=0.1),
        Run(Verdict.TIMEOUT, samples=3),
        Run(Verdict.OK, samples=10, complete_s=0.3),
    )
    assert t.verdict is Verdict.TIMEOUT and t.as_dict()["samples"] == 3
    ok = _topic(Run(Verdict.OK, complete_s=0.1), Run(Verdict.OK, complete_s=0.3))
    assert ok.worst.complete_s == 0.3
    st = ok.stats()["complete_s"]
    assert (st["p50"], st["p95"], st["max"], st["n"]) == (0.1, 0.3, 0.3, 2)


def test_json_round_trip() -> None:
    report = ProbeReport(
        domain=7,
        topics=(_topic(Run(Verdict.SLOW, 5, complete_s=12.0)),),
        timeout_s=30.0,
        slow_s=10.0,
    )
    doc = {"probe": report.as_dict(), "topics": [t.as_dict() for t in report.topics]}
    back = report_from_dict(doc)
    assert back.domain == 7 and back.timeout_s == 30.0
    assert back.topics[0].runs == report.topics[0].runs


def test_prometheus_text(tmp_path: Path) -> None:
    odd = _topic(Run(Verdict.OK, 2, 0, 0.01, 0.02, 0.03, 0.04), topic='we"ird\\topic\nx')
    report = ProbeReport(domain=0, topics=(odd, _topic(Run(Verdict.TIMEOUT), topic="dead")))
    text = render(report, 1.5e9)
    for line in text.splitlines():
        assert line.startswith("# ") or SAMPLE.match(line), line
    assert r'topic="we\"ird\\topic\nx"' in text
    assert (
        'ddsdoctor_probe_verdict{domain="0",topic="dead",partitions="p",type="T",'
        'verdict="timeout"} 1' in text
    )
    assert 'ddsdoctor_probe_timeouts{domain="0"} 1' in text
    # phases that were never reached are left out rather than written as 0
    assert 'topic="dead",partitions="p",type="T",phase=' not in text
    out = tmp_path / "node" / "ddsdoctor.prom"
    write_atomic(out, text)
    write_atomic(out, text)
    assert out.read_text() == text and [p.name for p in out.parent.iterdir()] == [out.name]
    assert oct(out.stat().st_mode & 0o777) == "0o644"

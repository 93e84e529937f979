"""Probe results as a node-exporter textfile, written atomically so cron runs never tear it.

node_exporter's textfile collector reads ``*.prom`` files of the Prometheus text exposition
format (version 0.0.4). A reader may scan the directory at any moment, so the file is written
next to its final name and renamed over it (rename is atomic within one file system).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from ddsdoctor.live.results import PHASES, ProbeReport, TopicResult, Verdict

_PREFIX = "ddsdoctor_probe"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(report: ProbeReport, t: TopicResult, **extra: str) -> str:
    pairs = {
        "domain": str(report.domain),
        "topic": t.topic,
        "partitions": ",".join(t.partitions),
        "type": t.type_name,
        **extra,
    }
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs.items()) + "}"


def _num(v: float) -> str:
    return repr(float(v))


def render(report: ProbeReport, now: float) -> str:
    """The exposition text; phases of the worst run per topic, p50/p95/max over repeats."""
    lines: list[str] = []

    def family(name: str, kind: str, doc: str) -> None:
        lines.append(f"# HELP {_PREFIX}_{name} {doc}")
        lines.append(f"# TYPE {_PREFIX}_{name} {kind}")

    family("phase_seconds", "gauge", "Seconds from participant creation to the phase (worst run).")
    for t in report.topics:
        for phase in PHASES:
            v = getattr(t.worst, phase)
            if v is not None:
                label = _labels(report, t, phase=phase.removesuffix("_s"))
                lines.append(f"{_PREFIX}_phase_seconds{label} {_num(v)}")
    family("complete_seconds", "gauge", "Completion time over the repeated runs (p50, p95, max).")
    for t in report.topics:
        stats = t.stats()["complete_s"]
        for stat in ("p50", "p95", "max"):
            v = stats[stat]
            if v is not None:
                lines.append(f"{_PREFIX}_complete_seconds{_labels(report, t, stat=stat)} {_num(v)}")
    family("samples", "gauge", "Historical samples the late joiner received (worst run).")
    for t in report.topics:
        lines.append(f"{_PREFIX}_samples{_labels(report, t)} {t.worst.samples}")
    family("verdict", "gauge", "1 for the topic's verdict, 0 for the others.")
    for t in report.topics:
        for v in Verdict:
            hit = 1 if t.verdict is v else 0
            lines.append(f"{_PREFIX}_verdict{_labels(report, t, verdict=v.value)} {hit}")
    family("timeouts", "gauge", "Topics whose historical read timed out.")
    n = sum(1 for t in report.topics if t.verdict is Verdict.TIMEOUT)
    lines.append(f'{_PREFIX}_timeouts{{domain="{report.domain}"}} {n}')
    family("topics", "gauge", "Topics probed.")
    lines.append(f'{_PREFIX}_topics{{domain="{report.domain}"}} {len(report.topics)}')
    family("last_run_timestamp_seconds", "gauge", "When the probe finished (Unix time).")
    lines.append(f'{_PREFIX}_last_run_timestamp_seconds{{domain="{report.domain}"}} {_num(now)}')
    family("duration_seconds", "gauge", "How long the probe ran.")
    dur = _num(report.duration_s)
    lines.append(f'{_PREFIX}_duration_seconds{{domain="{report.domain}"}} {dur}')
    return "\n".join(lines) + "\n"


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``path``, then rename it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        Path(tmp).chmod(0o644)  # node_exporter usually runs as another user
        Path(tmp).replace(path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise

"""What a historical-read probe measured: per topic, per run, phases and verdicts (pure data).

Imported by the probe rules, so it stays free of cyclonedds. Phases are seconds since the
probe's participant was created, the moment an application's historical-data timeout starts.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any


class Verdict(enum.StrEnum):
    OK = "ok"  # history complete within --slow
    SLOW = "slow"  # complete, but later than --slow
    TIMEOUT = "timeout"  # not complete within --timeout (exit 1)
    NO_WRITER = "no-writer"  # no writer discovered within --timeout
    UNREADABLE = "unreadable"  # writer found, but no type to read it with
    UNMEASURABLE = "unmeasurable"  # a Cyclone reader cannot observe this history at all


# Worst first: which run stands for a topic when runs disagree.
_RANK = {
    Verdict.TIMEOUT: 0,
    Verdict.NO_WRITER: 1,
    Verdict.UNREADABLE: 2,
    Verdict.SLOW: 3,
    Verdict.UNMEASURABLE: 4,
    Verdict.OK: 5,
}

PHASES = ("discovered_s", "matched_s", "first_sample_s", "complete_s")


@dataclass(frozen=True, slots=True)
class WriterInfo:
    guid: str
    host: str | None
    process: str | None
    pid: int | None
    vendor: str
    durability: str
    depth: int | None  # late-joiner depth (DurabilityService history) where known


@dataclass(frozen=True, slots=True)
class Run:
    """One late joiner on one topic: what it saw and when."""

    verdict: Verdict
    samples: int = 0  # historical samples (source timestamp before the reader existed)
    live_samples: int = 0
    discovered_s: float | None = None
    matched_s: float | None = None
    first_sample_s: float | None = None
    complete_s: float | None = None
    reader_created_s: float | None = None
    expected: int | None = None
    complete_by: str | None = None  # "expect", "count" or "quiet"
    instances: int = 0
    short_instances: int = 0  # instances below the writers' late-joiner depth
    matched_writers: int = 0
    type_source: str | None = None  # "xtypes" or "name-only"
    reason: str = ""
    participant: str = ""  # the probe participant's GUID prefix

    def as_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict.value,
            "samples": self.samples,
            "live_samples": self.live_samples,
            **{p: _round(getattr(self, p)) for p in PHASES},
            "reader_created_s": _round(self.reader_created_s),
            "expected": self.expected,
            "complete_by": self.complete_by,
            "instances": self.instances,
            "short_instances": self.short_instances,
            "matched_writers": self.matched_writers,
            "type_source": self.type_source,
            "reason": self.reason,
            "participant": self.participant,
        }


def _round(v: float | None) -> float | None:
    return None if v is None else round(v, 6)


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of the values; None when there are none."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True, slots=True)
class TopicResult:
    """A topic (with its writers' partitions and type) over every repetition."""

    topic: str
    partitions: tuple[str, ...]
    type_name: str
    writers: tuple[WriterInfo, ...]
    runs: tuple[Run, ...]

    @property
    def worst(self) -> Run:
        return min(self.runs, key=lambda r: (_RANK[r.verdict], -(r.complete_s or 0.0)))

    @property
    def verdict(self) -> Verdict:
        return self.worst.verdict

    def stats(self) -> dict[str, dict[str, float | None]]:
        out = {}
        for phase in PHASES:
            vals = [v for r in self.runs if (v := getattr(r, phase)) is not None]
            out[phase] = {
                "p50": _round(percentile(vals, 50)),
                "p95": _round(percentile(vals, 95)),
                "max": _round(max(vals)) if vals else None,
                "n": len(vals),
            }
        return out

    def as_dict(self) -> dict[str, Any]:
        """The issue's shape: topic, partitions, type, writers, verdict, samples, phases."""
        w = self.worst
        doc: dict[str, Any] = {
            "topic": self.topic,
            "partitions": list(self.partitions),
            "type": self.type_name,
            "writers": len(self.writers),
            "verdict": w.verdict.value,
            "samples": w.samples,
            **{p: _round(getattr(w, p)) for p in PHASES},
        }
        doc.update(
            {
                k: v
                for k, v in w.as_dict().items()
                if k not in doc and k not in ("verdict", "samples")
            }
        )
        doc["writer_details"] = [
            {
                "guid": x.guid,
                "host": x.host,
                "process": x.process,
                "pid": x.pid,
                "vendor": x.vendor,
                "durability": x.durability,
                "depth": x.depth,
            }
            for x in self.writers
        ]
        doc["runs"] = [r.as_dict() for r in self.runs]
        doc["stats"] = self.stats()
        return doc


@dataclass(frozen=True, slots=True)
class ProbeReport:
    """Everything one ``probe`` invocation measured: the subject of the probe rules."""

    domain: int
    topics: tuple[TopicResult, ...]
    participants: tuple[str, ...] = ()  # our GUID prefix per run
    timeout_s: float = 60.0
    slow_s: float = 10.0
    quiet_s: float = 2.0
    settle_s: float = 0.0
    repeat: int = 1
    selected: tuple[str, ...] = ()  # --topic values; () = every durable topic
    started_at: float | None = None
    duration_s: float = 0.0

    @property
    def any_timeout(self) -> bool:
        return any(r.verdict is Verdict.TIMEOUT for t in self.topics for r in t.runs)

    def as_dict(self) -> dict[str, Any]:
        """The ``probe`` member of the JSON output (the topics are a sibling member)."""
        return {
            "domain": self.domain,
            "participants": list(self.participants),
            "timeout_s": self.timeout_s,
            "slow_s": self.slow_s,
            "quiet_s": self.quiet_s,
            "settle_s": self.settle_s,
            "repeat": self.repeat,
            "selected": list(self.selected),
            "started_at": self.started_at,
            "duration_s": _round(self.duration_s),
        }


def _run_from(d: dict[str, Any]) -> Run:
    kw = {k: d[k] for k in Run.__dataclass_fields__ if k in d and k != "verdict"}
    return Run(verdict=Verdict(d["verdict"]), **kw)


def report_from_dict(doc: dict[str, Any]) -> ProbeReport:
    """A ProbeReport from the probe's JSON output (``probe`` and ``topics`` members); also how
    rule cases are written. A topic without ``runs`` is one run made of its own fields."""
    meta = doc.get("probe", {})
    topics = []
    for t in doc.get("topics", []):
        runs = tuple(_run_from(r) for r in t.get("runs", [t]))
        writers = tuple(
            WriterInfo(
                guid=w.get("guid", ""),
                host=w.get("host"),
                process=w.get("process"),
                pid=w.get("pid"),
                vendor=w.get("vendor", "unknown"),
                durability=w.get("durability", "transient_local"),
                depth=w.get("depth"),
            )
            for w in t.get("writer_details", [])
        )
        topics.append(
            TopicResult(
                topic=t["topic"],
                partitions=tuple(t.get("partitions", ())),
                type_name=t.get("type", "?"),
                writers=writers,
                runs=runs,
            )
        )
    return ProbeReport(
        domain=int(meta.get("domain", 0)),
        topics=tuple(topics),
        participants=tuple(meta.get("participants", ())),
        timeout_s=float(meta.get("timeout_s", 60.0)),
        slow_s=float(meta.get("slow_s", 10.0)),
        quiet_s=float(meta.get("quiet_s", 2.0)),
        settle_s=float(meta.get("settle_s", 0.0)),
        repeat=int(meta.get("repeat", 1)),
        selected=tuple(meta.get("selected", ())),
        started_at=meta.get("started_at"),
        duration_s=float(meta.get("duration_s", 0.0)),
    )

"""Master views over time: the beliefs of the fellows present in each interval between events.

Findings about views (split, no master, merges) are judged over intervals, not at one instant:
master selection legitimately passes through disagreement for a moment, and a late observer
or a fellow that left must not be mistaken for a disagreement.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from ddsdoctor.durability.view import Belief, DurabilityView, NamespaceView, Stance


@dataclass(frozen=True, slots=True)
class Segment:
    start: float
    end: float
    beliefs: dict[int, Belief]
    """Decided beliefs of the fellows present during [start, end)."""

    def masters(self) -> dict[int | None, list[int]]:
        """Believed master (None = no master) -> the fellows that believe it."""
        out: dict[int | None, list[int]] = {}
        for sid, b in sorted(self.beliefs.items()):
            out.setdefault(b.confirmed_master, []).append(sid)
        return out

    @property
    def split(self) -> bool:
        return len(self.masters()) > 1


@dataclass(frozen=True, slots=True)
class Interval:
    """Consecutive segments sharing one property (e.g. all split)."""

    start: float
    end: float
    segments: tuple[Segment, ...]

    @property
    def duration(self) -> float:
        return self.end - self.start

    def widest(self) -> Segment:
        return max(self.segments, key=lambda s: (len(s.masters()), s.end - s.start))


def _times(view: DurabilityView, ns: NamespaceView) -> list[float]:
    times = {a.time for anns in ns.announcements.values() for a in anns}
    for f in view.fellows.values():
        times.add(f.first_seen)
        if f.left_at is not None:
            times.add(f.left_at)
        for a, b in f.gaps:
            times.add(a + f.lease_s)
            if b is not None:
                times.add(b)
    end = view.end if view.end is not None else max(times, default=0.0)
    return [*sorted(t for t in times if t <= end), end]


def segments(view: DurabilityView, ns: NamespaceView) -> Iterator[Segment]:
    """Decided beliefs of present fellows, interval by interval, up to the end of observation."""
    times = _times(view, ns)
    for start, end in itertools.pairwise(times):
        if end <= start:
            continue
        beliefs = {}
        for sid, f in view.fellows.items():
            if not f.present(start):
                continue
            b = view.belief(ns, sid, start)
            if b.decided:
                beliefs[sid] = b
        yield Segment(start, end, beliefs)


def intervals(segs: list[Segment], keep: Callable[[Segment], bool]) -> list[Interval]:
    """Maximal runs of consecutive segments for which ``keep`` holds."""
    out: list[Interval] = []
    run: list[Segment] = []
    for seg in segs:
        if keep(seg) and (not run or run[-1].end == seg.start):
            run.append(seg)
            continue
        if run:
            out.append(Interval(run[0].start, run[-1].end, tuple(run)))
        run = [seg] if keep(seg) else []
    if run:
        out.append(Interval(run[0].start, run[-1].end, tuple(run)))
    return out


def without_master(seg: Segment) -> bool:
    """Every present fellow with a decided view has none (no master, or its master left)."""
    return bool(seg.beliefs) and all(
        b.stance in (Stance.NONE, Stance.CLEARED) for b in seg.beliefs.values()
    )

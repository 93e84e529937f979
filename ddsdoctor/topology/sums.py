"""Accumulators that fold flow and writer counters into edges, hosts, topics and totals."""

from __future__ import annotations

from collections.abc import Mapping

from ddsdoctor.discovery import DiscoveryFacts, is_infrastructure
from ddsdoctor.topology.collect import Flow
from ddsdoctor.topology.model import Series, TopicShare, Traffic, TrafficClass
from ddsdoctor.wire.account import WriterCounters
from ddsdoctor.wire.ids import BUILTIN_WRITER_NAMES, DISCOVERY_WRITERS

UNANNOUNCED_TOPIC = "(unannounced)"


class Window:
    """The capture's time span, for series and mean rates."""

    __slots__ = ("coarse_width", "duration", "end", "fine_from", "start")

    def __init__(
        self,
        first: float | None,
        last: float | None,
        coarse_width: int = 1,
        fine_from: int | None = None,
    ) -> None:
        self.coarse_width = coarse_width
        self.fine_from = fine_from
        """Bins before this second are ``coarse_width`` wide (Collector.compact)."""
        self.start = int(first) if first is not None else 0
        self.end = int(last) if last is not None else self.start
        span = (last - first) if first is not None and last is not None else 0.0
        self.duration = max(span, 1.0)  # a one-packet capture: a rate over 1 s, not infinity


class Sum:
    """Counters of one edge, host, participant, group or topic while flows are folded in."""

    __slots__ = (
        "bins",
        "bytes",
        "classes",
        "data_bytes",
        "first",
        "frames",
        "last",
        "packets",
        "ports",
        "samples",
        "senders",
        "topics",
    )

    def __init__(self) -> None:
        self.packets = self.bytes = self.frames = self.samples = self.data_bytes = 0
        self.first: float | None = None
        self.last: float | None = None
        self.bins: dict[int, int] = {}
        self.ports: set[int] = set()
        self.senders: set[str] = set()
        self.topics: dict[tuple[str, TrafficClass], list[int]] = {}
        self.classes: dict[str, int] = {}

    def _span(self, first: float, last: float) -> None:
        if self.first is None or first < self.first:
            self.first = first
        if self.last is None or last > self.last:
            self.last = last

    def add_flow(self, f: Flow, dport: int, sender: str) -> None:
        self.packets += f.packets
        self.bytes += f.bytes
        self.frames += f.frames
        self._span(f.first, f.last)
        merge(self.bins, f.bins)
        self.ports.add(dport)
        self.senders.add(sender)

    def add_writer(self, topic: str, cls: TrafficClass, w: WriterCounters, *, wire: bool) -> None:
        """Add a writer's data; ``wire`` also makes its submessages the packets and its
        submessage bytes the bytes (topics, which have no frames of their own)."""
        self.samples += w.samples
        self.data_bytes += w.bytes
        share = self.topics.get((topic, cls))
        if share is None:
            share = self.topics[(topic, cls)] = [0, 0]
        share[0] += w.samples
        share[1] += w.bytes
        self.classes[cls.value] = self.classes.get(cls.value, 0) + w.bytes
        if wire:
            self.packets += w.submessages
            self.bytes += w.bytes
            self._span(w.first_time, w.last_time)
            merge(self.bins, w.bins)

    def add(self, other: Sum) -> None:
        self.packets += other.packets
        self.bytes += other.bytes
        self.frames += other.frames
        self.samples += other.samples
        self.data_bytes += other.data_bytes
        if other.first is not None and other.last is not None:
            self._span(other.first, other.last)
        merge(self.bins, other.bins)

    def traffic(self, window: Window, max_points: int = 600) -> Traffic:
        series = Series.from_bins(
            self.bins, window.start, window.end, max_points, window.coarse_width
        )
        return Traffic(
            packets=self.packets,
            bytes=self.bytes,
            samples=self.samples,
            data_bytes=self.data_bytes,
            first=self.first,
            last=self.last,
            rate_bps=self.bytes * 8.0 / window.duration,
            peak_bps=self.peak_bps(window),
            series=series,
        )

    def peak_bps(self, window: Window) -> float:
        """The busiest bin as bits/s (a compacted bucket counts as its mean rate)."""
        fine_from, width = window.fine_from, window.coarse_width
        if fine_from is None:
            return max(self.bins.values(), default=0) * 8.0
        return max(
            (n * 8.0 / (width if sec < fine_from else 1) for sec, n in self.bins.items()),
            default=0.0,
        )

    def shares(self) -> tuple[TopicShare, ...]:
        out = [TopicShare(t, c, n, b) for (t, c), (n, b) in self.topics.items()]
        return tuple(sorted(out, key=lambda s: (-s.data_bytes, s.topic)))


def merge(into: dict[int, int], bins: Mapping[int, int]) -> None:
    for sec, n in bins.items():
        into[sec] = into.get(sec, 0) + n


class Classifier:
    """Writer (prefix, entity id) -> (topic, traffic class), joined with SEDP at the end."""

    def __init__(self, facts: DiscoveryFacts) -> None:
        self.facts = facts
        self._cache: dict[tuple[bytes, int], tuple[str, TrafficClass]] = {}

    def __call__(self, prefix: bytes, wid: int) -> tuple[str, TrafficClass]:
        key = (prefix, wid)
        hit = self._cache.get(key)
        if hit is None:
            hit = self._cache[key] = self._classify(prefix, wid)
        return hit

    def _classify(self, prefix: bytes, wid: int) -> tuple[str, TrafficClass]:
        name = BUILTIN_WRITER_NAMES.get(wid)
        if wid in DISCOVERY_WRITERS:
            return name or f"builtin {wid:08x}", TrafficClass.DISCOVERY
        if wid & 0xC0 == 0xC0:
            return name or f"builtin {wid:08x}", TrafficClass.BUILTIN
        if wid & 0xC0:
            return name or f"vendor {wid:08x}", TrafficClass.VENDOR
        ep = self.facts.endpoints.get(f"{prefix.hex()}{wid:08x}")
        if ep is None:
            return UNANNOUNCED_TOPIC, TrafficClass.UNANNOUNCED
        cls = TrafficClass.INFRASTRUCTURE if is_infrastructure(ep) else TrafficClass.USER
        return ep.topic, cls

"""Bounded IPv4/IPv6 fragment reassembly keyed by (version, src, dst, protocol, id).

Cyclone DDS at high rates sends ~6.6 KB UDP datagrams that IP fragments (test-rig.md §2) and
Fast DDS lets IP fragment whole samples, so a sniffer must reassemble. Memory is bounded by
the number of partial datagrams, their buffered bytes and their age in capture time (like
Linux ``ipfrag_high_thresh``/``ipfrag_time``, RFC 791 §3.2, RFC 8200 §4.5).
"""

from __future__ import annotations

import logging
from collections.abc import Hashable

from ddsdoctor.capture.stats import CaptureStats

log = logging.getLogger(__name__)

MAX_DATAGRAM = 65535
"""Largest reassembled IP payload accepted (no IPv6 jumbograms)."""


class _Partial:
    """Fragments of one datagram received so far."""

    __slots__ = ("first_ts", "frags", "frames", "received", "total", "wire_len")

    def __init__(self, ts: float) -> None:
        self.first_ts = ts
        self.frags: dict[int, bytes] = {}
        self.total = -1  # known once the last fragment (MF=0) arrived
        self.received = 0
        self.wire_len = 0
        self.frames = 0


class IpReassembler:
    """Reassemble IP fragments into datagrams within fixed limits.

    ``add`` returns ``(ip_payload, wire_len, frames)`` when a datagram completes, else None.
    Counters go to the shared ``CaptureStats`` (reassembled, expired, evicted, dropped,
    incomplete).
    """

    def __init__(
        self,
        stats: CaptureStats | None = None,
        *,
        max_datagrams: int = 4096,
        max_bytes: int = 64 * 1024 * 1024,
        max_age: float = 30.0,
    ) -> None:
        self.stats = stats if stats is not None else CaptureStats()
        self.max_datagrams = max_datagrams
        self.max_bytes = max_bytes
        self.max_age = max_age
        self._parts: dict[Hashable, _Partial] = {}
        self._bytes = 0

    @property
    def pending(self) -> int:
        """Partial datagrams currently buffered."""
        return len(self._parts)

    @property
    def buffered_bytes(self) -> int:
        return self._bytes

    def add(
        self, key: Hashable, offset: int, more: bool, data: bytes, ts: float, wire_len: int
    ) -> tuple[bytes, int, int] | None:
        """Add one fragment (``offset`` in bytes); return the datagram when it completes."""
        stats = self.stats
        stats.ip_fragments += 1
        parts = self._parts
        if parts:
            self._expire(ts)
        n = len(data)
        if offset + n > MAX_DATAGRAM or (more and n == 0):
            stats.frag_dropped += 1
            self._drop(key)
            return None
        part = parts.get(key)
        if part is None:
            if len(parts) >= self.max_datagrams:
                self._evict_oldest()
            part = parts[key] = _Partial(ts)
        elif offset in part.frags:
            stats.frag_dropped += 1  # retransmitted or duplicated frame
            return None
        part.frags[offset] = data
        part.received += n
        part.wire_len += wire_len
        part.frames += 1
        self._bytes += n
        if not more:
            part.total = offset + n
        while self._bytes > self.max_bytes and len(parts) > 1:
            self._evict_oldest()
        if part.total < 0 or part.received < part.total or key not in parts:
            return None
        payload = _assemble(part)
        if payload is None:
            return None  # overlapping fragments left a hole: wait for more
        del parts[key]
        self._bytes -= part.received
        stats.reassembled += 1
        return payload, part.wire_len, part.frames

    def finish(self) -> int:
        """Drop what is left (the source ended); count and return it as incomplete."""
        left = len(self._parts)
        self.stats.frag_incomplete += left
        self._parts.clear()
        self._bytes = 0
        return left

    def _expire(self, now: float) -> None:
        parts = self._parts
        limit = now - self.max_age
        while parts:
            key = next(iter(parts))  # insertion order = arrival order of first fragments
            if parts[key].first_ts >= limit:
                return
            self._drop(key)
            self.stats.frag_expired += 1

    def _evict_oldest(self) -> None:
        self._drop(next(iter(self._parts)))
        self.stats.frag_evicted += 1

    def _drop(self, key: Hashable) -> None:
        part = self._parts.pop(key, None)
        if part is not None:
            self._bytes -= part.received


def _assemble(part: _Partial) -> bytes | None:
    """Join the fragments when they cover [0, total) without a hole; None otherwise."""
    frags = part.frags
    offsets = sorted(frags)
    covered = 0
    for off in offsets:
        if off > covered:
            return None
        end = off + len(frags[off])
        covered = max(covered, end)
    if covered < part.total:
        return None
    if covered == part.received:  # no overlap: plain join is exact
        return b"".join(frags[o] for o in offsets)[: part.total]
    buf = bytearray(covered)
    for off in offsets:  # overlaps: later offsets win, as in the Linux stack's order
        chunk = frags[off]
        buf[off : off + len(chunk)] = chunk
    return bytes(buf[: part.total])

"""Unit tests of the bounded IP fragment reassembler."""

from __future__ import annotations

import os

from hypothesis import given, settings
from hypothesis import strategies as st

from ddsdoctor.capture import CaptureStats, IpReassembler

DATA = os.urandom(5000)


def _frags(data: bytes, size: int) -> list[tuple[int, bool, bytes]]:
    return [(o, o + size < len(data), data[o : o + size]) for o in range(0, len(data), size)]


def test_in_order() -> None:
    r = IpReassembler()
    out = [r.add("k", o, m, d, 1.0, len(d) + 34) for o, m, d in _frags(DATA, 1480)]
    assert out[:-1] == [None] * 3
    payload, wire, frames = out[-1]  # type: ignore[misc]
    assert payload == DATA and frames == 4 and wire == len(DATA) + 4 * 34
    assert r.pending == 0 and r.buffered_bytes == 0 and r.stats.reassembled == 1


@settings(max_examples=100, deadline=None)
@given(st.permutations(range(7)), st.integers(1, 3))
def test_any_order_with_overlaps(order: list[int], extra: int) -> None:
    frags = _frags(DATA, 800)
    r = IpReassembler()
    # an overlapping fragment: same bytes as its neighbours, offset inside another one
    r.add("k", 400, True, DATA[400:1200], 0.0, 1)
    results = [r.add("k", *frags[i], 0.0, 1) for i in order]
    done = [x for x in results if x is not None]
    assert len(done) == 1 and done[0][0] == DATA


def test_duplicate_is_dropped_and_keys_are_separate() -> None:
    stats = CaptureStats()
    r = IpReassembler(stats)
    f = _frags(DATA, 2000)
    assert r.add("a", *f[0], 0.0, 1) is None
    assert r.add("a", *f[0], 0.0, 1) is None
    assert r.add("b", *f[1], 0.0, 1) is None  # another datagram
    assert stats.frag_dropped == 1 and r.pending == 2
    assert r.add("a", *f[1], 0.0, 1) is None
    assert r.add("a", *f[2], 0.0, 1) is not None


def test_age_limit_expires_old_partials() -> None:
    stats = CaptureStats()
    r = IpReassembler(stats, max_age=30.0)
    r.add("old", 0, True, b"x" * 8, 100.0, 1)
    r.add("new", 0, True, b"x" * 8, 125.0, 1)
    r.add("newer", 0, True, b"x" * 8, 131.0, 1)
    assert stats.frag_expired == 1 and r.pending == 2


def test_buffer_and_byte_limits_evict_oldest() -> None:
    stats = CaptureStats()
    r = IpReassembler(stats, max_datagrams=3, max_bytes=10_000)
    for k in range(5):
        r.add(k, 0, True, b"y" * 1000, 0.0, 1)
    assert r.pending == 3 and stats.frag_evicted == 2
    r.add("big", 0, True, b"z" * 9500, 0.0, 1)
    assert r.buffered_bytes <= 10_000 and stats.frag_evicted >= 4


def test_oversize_and_empty_middle_fragments_are_refused() -> None:
    stats = CaptureStats()
    r = IpReassembler(stats)
    assert r.add("k", 65000, False, b"q" * 1000, 0.0, 1) is None
    assert r.add("k", 8, True, b"", 0.0, 1) is None
    assert stats.frag_dropped == 2 and r.pending == 0


def test_finish_counts_incomplete() -> None:
    stats = CaptureStats()
    r = IpReassembler(stats)
    r.add("k", 0, True, DATA[:1480], 0.0, 1)
    assert r.finish() == 1 and stats.frag_incomplete == 1 and r.pending == 0

"""The allocation-free accounting walk adds up to exactly what ``scan`` reports."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.wire.account import DISCOVERY, MALFORMED, PING, WriterAccounts
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.ids import DISCOVERY_WRITERS
from ddsdoctor.wire.walk import scan
from tests.wire.corpus import ALL_CAPTURES, capture_id


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_per_writer_counters_match_scan(path: Path) -> None:
    acc = WriterAccounts()
    want: dict[tuple[bytes, int], list[int]] = defaultdict(lambda: [0, 0, 0, 1 << 70, -1])
    flags = defaultdict(int)
    for dg in read_capture(path):
        res = acc.account(dg.payload, dg.time)
        walked = scan(dg.payload)
        assert bool(res & DISCOVERY) == walked.discovery
        assert acc.discovery == [r for r in walked.data if r.writer_id in DISCOVERY_WRITERS]
        assert bool(res & PING) == walked.ping and not res & MALFORMED
        for ref in walked.data:
            w = want[(ref.source, ref.writer_id)]
            w[0] += ref.samples
            w[1] += 1
            w[2] += ref.size
            w[3] = min(w[3], ref.sn)
            w[4] = max(w[4], ref.sn)
            flags[ref.kind] += 1
    got = {
        k: [c.samples, c.submessages, c.bytes, c.first_sn, c.last_sn]
        for k, c in acc.writers.items()
    }
    assert got == dict(want)
    for c in acc.writers.values():
        assert sum(c.bins.values()) == c.bytes and c.first_time <= c.last_time


def test_batch_samples_are_counted(corpus: Path) -> None:
    acc = WriterAccounts()
    path = (
        corpus
        / "pcap"
        / (
            "rticommunity__rticonnextdds-examples__examples__connext_dds__"
            "batching__batching_10_samples.pcap"
        )
    )
    for dg in read_capture(path):
        acc.account(dg.payload, dg.time)
    batched = [c for c in acc.writers.values() if c.kinds & (1 << 0x18)]
    assert batched and sum(c.samples for c in batched) == 20


def test_malformed_and_not_rtps() -> None:
    acc = WriterAccounts()
    head = b"RTPS\x02\x01\x01\x10" + bytes(12)
    assert acc.account(head + b"\x15\x01\xff\x00" + bytes(20), 0.0) & MALFORMED
    assert acc.malformed == 1
    with pytest.raises(WireError):
        acc.account(b"hello", 0.0)

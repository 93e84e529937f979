"""The streaming pass: SEDP control flags and ACKNACK bases equal the full parser's view."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.topology.collect import Collector
from ddsdoctor.wire.account import SEDP_ACKNACK, SEDP_HEARTBEAT, WriterAccounts
from ddsdoctor.wire.message import parse_message
from ddsdoctor.wire.submessages import AckNack, Heartbeat
from tests.topology.test_sample import PCAP
from tests.wire.corpus import OSPL_CAPTURE, PCAPS

CAPTURES = [PCAP, OSPL_CAPTURE, *PCAPS]
SEDP = (0x000003C2, 0x000004C2)  # the flags leave out the (encrypted) secure variants


@pytest.mark.parametrize("path", CAPTURES, ids=lambda p: p.name[-40:])
def test_sedp_flags_and_ack_bases_match_the_full_parse(path: Path) -> None:
    if not path.is_file():
        pytest.skip(f"{path} not found")
    acc = WriterAccounts()
    want: dict[tuple[bytes, bytes, int], int] = {}
    for dg in read_capture(path):
        try:
            flags = acc.account(dg.payload, dg.time)
        except ValueError:
            continue
        subs = parse_message(dg.payload).submessages
        sedp = [s for s in subs if getattr(s, "writer_id", None) in SEDP]
        assert bool(flags & SEDP_HEARTBEAT) == any(isinstance(s, Heartbeat) for s in sedp)
        assert bool(flags & SEDP_ACKNACK) == any(isinstance(s, AckNack) for s in sedp)
        for s in sedp:
            if isinstance(s, AckNack) and s.destination and any(s.destination):
                key = (s.source, s.destination, s.writer_id)
                want[key] = max(want.get(key, -1), s.base)
    c = Collector()
    with read_capture(path) as reader:
        c.consume(reader)
    assert c.acks == want


def test_memory_does_not_keep_packets() -> None:
    """Counters only: the sample's 2013 datagrams become ~100 flows (sender x destination)."""
    c = Collector()
    with read_capture(PCAP) as reader:
        c.consume(reader)
    assert c.datagrams == 2013
    assert len(c.flows) < 150
    assert sum(f.packets for f in c.flows.values()) == 2013


def test_long_captures_keep_a_bounded_time_series() -> None:
    """Three hours of one real message every 0.1 s: the series stays <= ~1260 buckets per
    counter, and no byte is lost when seconds merge."""
    from ddsdoctor.capture import Datagram
    from ddsdoctor.topology.collect import FINE_S, MAX_COARSE
    from ddsdoctor.topology.run import run_topology

    payload = next(d.payload for d in read_capture(PCAP) if len(d.payload) > 100)
    t0 = 1.8e9
    stream = (
        Datagram(t0 + i / 10, "10.0.0.1", "10.0.0.2", 7410, 7411, payload, i + 1, 200, 1, 4, None)
        for i in range(3 * 3600 * 10)
    )
    c = Collector()
    c.consume(stream)
    (flow,) = c.flows.values()
    assert c.coarse_width > 1 and len(flow.bins) <= 2 * MAX_COARSE + FINE_S
    assert sum(flow.bins.values()) == flow.bytes == 200 * 3 * 3600 * 10
    for w in flow.acc.writers.values():
        assert sum(w.bins.values()) == w.bytes
    report = run_topology(
        Datagram(t0 + i / 10, "10.0.0.1", "10.0.0.2", 7410, 7411, payload, i + 1, 200, 1, 4, None)
        for i in range(3 * 3600 * 10)
    )
    series = report.total.series
    assert series is not None and len(series.bps) <= 600
    assert abs(sum(series.bps) * series.bin_s / 8 - report.total.bytes) < 1
    assert report.total.peak_bps == 16000  # 10 x 200 B/s: no fake spike from merged buckets
    assert max(series.bps) == min(series.bps[1:-1]) == 16000

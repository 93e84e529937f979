"""The fast walk and the full decoder agree with each other and with tshark on real captures."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.wire.decoder import DiscoveryDecoder
from ddsdoctor.wire.message import parse_message
from ddsdoctor.wire.records import Disposal
from ddsdoctor.wire.submessages import AckNack, Data, DataBatch, DataFrag, Heartbeat
from ddsdoctor.wire.walk import scan
from tests.tshark import TSHARK
from tests.wire.corpus import ALL_CAPTURES, capture_id
from tests.wire.oracle import our_records, tshark_fields

needs_tshark = pytest.mark.skipif(TSHARK is None, reason="tshark is not installed (the oracle)")
WRITER_SUBS = {0x06, 0x07, 0x08, 0x12, 0x13, 0x14, 0x15, 0x16, 0x18}
INFO_SUBS = {0x01, 0x09, 0x0C, 0x0E}


@needs_tshark
@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_submessages_and_writers_match_tshark(path: Path) -> None:
    # RTPS quoted inside ICMP errors (secure_cds frame 3: port unreachable) is not traffic.
    theirs = tshark_fields(
        path,
        ("rtps.sm.id", "rtps.sm.wrEntityId", "rtps.guidPrefix.src"),
        "rtps && !icmp && !icmpv6",
    )
    seen = 0
    for dg in read_capture(path):
        msg = parse_message(dg.payload)
        assert msg.error is None
        ids_, writers, prefixes = theirs.pop(dg.frame)
        mine = [
            s.submessage_id if hasattr(s, "submessage_id") else _sid(s) for s in msg.submessages
        ]
        assert [int(x, 16) for x in ids_] == mine, f"frame {dg.frame}"
        if all(i in WRITER_SUBS | INFO_SUBS for i in mine):
            got = [f"0x{s.writer_id:08x}" for s in msg.submessages if hasattr(s, "writer_id")]
            assert got == writers, f"frame {dg.frame}"
        if not msg.header.ping:
            assert prefixes[0].replace(":", "") == msg.header.guid_prefix.hex()
        seen += 1
    assert not theirs, f"frames tshark decodes as RTPS that we do not: {sorted(theirs)[:5]}"
    if "messenger" not in path.name:
        assert seen > 0


def _sid(sub: object) -> int:
    names = {
        "Data": 0x15,
        "DataFrag": 0x16,
        "DataBatch": 0x18,
        "Heartbeat": 0x07,
        "AckNack": 0x06,
        "Gap": 0x08,
        "NackFrag": 0x12,
        "HeartbeatFrag": 0x13,
        "InfoTs": 0x09,
        "InfoSrc": 0x0C,
        "InfoDst": 0x0E,
    }
    name = type(sub).__name__
    if name == "Data" and getattr(sub, "session", False):
        return 0x14
    if name == "InfoReply":
        return 0x0F if sub.size > 12 else 0x0D  # type: ignore[attr-defined]
    return names[name]


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_scan_agrees_with_the_full_decoder(path: Path) -> None:
    for dg in read_capture(path):
        walked = scan(dg.payload)
        msg = parse_message(dg.payload)
        assert walked.error is None and walked.submessages == len(msg.submessages)
        assert (walked.vendor_id, walked.source, walked.ping) == (
            msg.header.vendor_id,
            msg.header.guid_prefix,
            msg.header.ping,
        )
        datas = [s for s in msg.submessages if isinstance(s, (Data, DataFrag, DataBatch))]
        assert len(walked.data) == len(datas)
        for ref, sub in zip(walked.data, datas, strict=True):
            assert (ref.source, ref.vendor_id, ref.writer_id, ref.reader_id) == (
                sub.source,
                sub.vendor_id,
                sub.writer_id,
                sub.reader_id,
            )
            assert (ref.offset, ref.size, ref.flags) == (sub.offset, sub.size, sub.flags)
            sn = sub.first_sn if isinstance(sub, DataBatch) else sub.writer_sn
            assert ref.sn == sn
            if isinstance(sub, DataFrag):
                assert ref.samples == (1 if sub.fragment_start == 1 else 0)
            elif isinstance(sub, DataBatch):
                assert ref.samples == sub.sample_count
        assert walked.heartbeats == sum(isinstance(s, Heartbeat) for s in msg.submessages)
        assert walked.acknacks == sum(isinstance(s, AckNack) for s in msg.submessages)


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_discovery_decoder_fast_path_gives_the_full_path_records(path: Path) -> None:
    full = set()
    for records in our_records(path).values():
        full.update(records)
    fast = set()
    dec = DiscoveryDecoder()
    for dg in read_capture(path):
        walked = scan(dg.payload)
        if walked.discovery:
            fast.update(
                r
                for r in dec.decode(dg.payload, walked, time=dg.time, dst_port=dg.dport).records
                if not isinstance(r, Disposal)
                and type(r).__name__ in ("ParticipantData", "EndpointData")
            )
    assert fast == full
    assert dec.malformed == 0


@needs_tshark
@pytest.mark.parametrize(
    "path",
    [p for p in ALL_CAPTURES if "batching" in p.name or "multichannel" in p.name],
    ids=capture_id,
)
def test_rti_batch_and_session_counted_as_user_data(path: Path) -> None:
    counts = tshark_fields(path, ("rtps.data_batch.sample_count",), "rtps.sm.id == 0x18")
    want = sum(int(c) for row in counts.values() for c in row[0])
    batched = sessions = 0
    for dg in read_capture(path):
        for ref in scan(dg.payload).data:
            if ref.kind == 0x18:
                batched += ref.samples
            elif ref.kind == 0x14:
                sessions += 1
    assert batched == want
    if path.name.endswith("__multichannel.pcap"):
        assert sessions == 54

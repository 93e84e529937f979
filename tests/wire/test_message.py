"""Header and submessage rules (DDSI-RTPS 2.5 §9.4.5) on real and hand-made messages."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.message import decode_at, parse_header, parse_message
from ddsdoctor.wire.submessages import (
    AckNack,
    Data,
    DataFrag,
    Gap,
    Heartbeat,
    InfoDst,
    InfoSrc,
    InfoTs,
    Other,
)
from ddsdoctor.wire.walk import scan
from tests.wire.corpus import CORPUS

HEADER = b"RTPS\x02\x05\x01\x10" + bytes.fromhex("0110aabbccddeeff00112233")
PREFIX = HEADER[8:20]


def _sub(sid: int, flags: int, body: bytes, length: int | None = None) -> bytes:
    fmt = "<BBH" if flags & 1 else ">BBH"
    return struct.pack(fmt, sid, flags, len(body) if length is None else length) + body


def _data(writer: int, sn: int, payload: bytes, *, le: bool = True, flags: int = 0x04) -> bytes:
    e = "<" if le else ">"
    body = struct.pack(e + "HH", 0, 16) + struct.pack(">II", 0, writer)
    body += struct.pack(e + "iI", sn >> 32, sn & 0xFFFFFFFF) + payload
    return _sub(0x15, flags | (1 if le else 0), body)


def test_nddsping_is_recognised_without_a_participant(corpus: Path) -> None:
    msgs = [
        d.payload
        for d in read_capture(corpus / "pcap" / "ntop__nDPI__tests__cfgs__default__pcap__rtps.pcap")
    ]
    pings = [m for m in msgs if len(m) == 16]
    assert len(pings) == 1
    header = parse_header(pings[0])
    assert header.ping and header.guid_prefix == bytes(12) and header.vendor_id == 0x0101
    assert parse_message(pings[0]).submessages == ()
    walked = scan(pings[0])
    assert walked.ping and walked.data == [] and walked.submessages == 0


@pytest.mark.parametrize(
    "msg", [b"", b"RTPS", b"RTPS\x02\x01\x01\x10" + bytes(8), b"XRTP" + bytes(40)]
)
def test_not_rtps_raises_wire_error(msg: bytes) -> None:
    with pytest.raises(WireError):
        parse_message(msg)
    with pytest.raises(WireError):
        scan(msg)


def test_zero_length_runs_to_end_except_pad_and_info_ts() -> None:
    ts = _sub(0x09, 0x01, struct.pack("<iI", 1700000000, 1 << 31))
    pad = _sub(0x01, 0x01, b"", 0)
    invalid_ts = _sub(0x09, 0x03, b"", 0)  # I flag: no timestamp follows
    last = _data(0x00000102, 7, b"\x00\x01\x00\x00payload!", flags=0x04)
    last = last[:2] + b"\x00\x00" + last[4:]  # octetsToNextHeader 0: to the end
    msg = parse_message(HEADER + ts + pad + invalid_ts + last)
    assert msg.error is None
    kinds = [type(s) for s in msg.submessages]
    assert kinds == [InfoTs, Other, InfoTs, Data]
    data = msg.submessages[3]
    assert isinstance(data, Data)
    assert data.payload == b"\x00\x01\x00\x00payload!" and data.timestamp is None
    assert msg.submessages[0].time == pytest.approx(1700000000.5)  # type: ignore[union-attr]
    assert scan(HEADER + ts + pad + invalid_ts + last).data[0].size == len(last)


def test_overrun_stops_and_keeps_what_came_before() -> None:
    good = _data(0x102, 1, b"\x00\x01\x00\x00abcd")
    bad = _sub(0x07, 0x01, bytes(28), length=200)
    msg = parse_message(HEADER + good + bad)
    assert len(msg.submessages) == 1 and msg.error and "past the end" in msg.error
    with pytest.raises(WireError):
        parse_message(HEADER + good + bad, strict=True)
    walked = scan(HEADER + good + bad)
    assert len(walked.data) == 1 and walked.error


def test_big_endian_submessages_and_vendor_submessages_are_tolerated() -> None:
    hb = _sub(0x07, 0x02, struct.pack(">IIiIiIi", 0, 0x102, 0, 1, 0, 9, 3))
    vendor = _sub(0x80, 0x00, b"opaque!!")
    data = _data(0x102, (1 << 32) + 5, b"\x00\x00\x00\x00x", le=False)
    msg = parse_message(HEADER + vendor + hb + data)
    assert msg.error is None
    other, heartbeat, d = msg.submessages
    assert isinstance(other, Other) and other.submessage_id == 0x80
    assert isinstance(heartbeat, Heartbeat)
    assert (heartbeat.first_sn, heartbeat.last_sn, heartbeat.count, heartbeat.final) == (
        1,
        9,
        3,
        True,
    )
    assert isinstance(d, Data) and d.writer_sn == (1 << 32) + 5 and not d.little_endian


def test_info_src_and_info_dst_change_the_context(ospl: Path) -> None:
    """OpenSplice packs several participants' submessages behind INFO_SRC in one message."""
    switched = 0
    for dg in read_capture(ospl):
        msg = parse_message(dg.payload)
        source, vendor, dest = msg.header.guid_prefix, msg.header.vendor_id, None
        for sub in msg.submessages:
            if isinstance(sub, InfoSrc):
                source, vendor = sub.prefix, sub.new_vendor_id
                switched += 1
            elif isinstance(sub, InfoDst):
                dest = sub.prefix if sub.prefix != bytes(12) else None
            elif isinstance(sub, (Data, DataFrag, Heartbeat, AckNack, Gap)):
                assert (sub.source, sub.vendor_id, sub.destination) == (source, vendor, dest)
                assert sub.writer.prefix == source
        walked = scan(dg.payload)
        for ref in walked.data:
            again = decode_at(dg.payload, ref.offset, ref.source, ref.vendor_id)
            assert isinstance(again, (Data, DataFrag)) and again.source == ref.source
    assert switched > 100


@pytest.fixture
def ospl() -> Path:
    path = CORPUS / "opensplice-lab" / "s1-sp-3hosts-domain0" / "capture.pcap"
    if not path.is_file():
        pytest.skip("OpenSplice lab capture not available")
    return path


def test_acknack_and_gap_sets() -> None:
    bitmap = (0b1010 << 28).to_bytes(4, "big")
    an = _sub(0x06, 0x00, struct.pack(">IIiII", 0x3C7, 0x3C2, 0, 10, 4) + bitmap + b"\0\0\0\x05")
    gap = _sub(
        0x08,
        0x00,
        struct.pack(">IIiIiII", 0, 0x102, 0, 3, 0, 6, 2) + ((0b01 << 30).to_bytes(4, "big")),
    )
    acknack, g = parse_message(HEADER + an + gap).submessages
    assert isinstance(acknack, AckNack) and acknack.base == 10
    assert acknack.missing == (10, 12) and acknack.count == 5
    assert isinstance(g, Gap) and (g.start, g.list_base, g.gap_list) == (3, 6, (7,))


def test_encapsulation_of_discovery_and_user_payloads(corpus: Path) -> None:
    path = corpus / "pcap" / "Elegye__rtps_decoder__data__vehicle.pcap"
    kinds = set()
    for dg in read_capture(path):
        for sub in parse_message(dg.payload).submessages:
            if isinstance(sub, Data) and sub.payload:
                kinds.add(
                    (sub.writer_id >> 24 == 0 and sub.writer_id & 0xC0 == 0xC0, sub.encapsulation)
                )
    assert (True, 0x0003) in kinds  # SPDP/SEDP: PL_CDR_LE
    assert any(not builtin and enc in (0x0001, 0x0007, 0x0009) for builtin, enc in kinds)

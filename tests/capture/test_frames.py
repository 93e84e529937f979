"""decode_frame on frames that are not (complete) UDP: each gets its skip reason."""

from __future__ import annotations

import struct

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ddsdoctor.capture import Datagram, FrameDecoder, IpReassembler, LinkType, SkipReason
from ddsdoctor.capture.frames import decode_frame
from tests.capture import synth

RTPS = b"RTPS\x02\x01\x01\x10" + bytes(12)


def _decode(link: int, frame: bytes) -> Datagram | SkipReason:
    return decode_frame(link, frame, 0, len(frame), 0.0, 1, len(frame), IpReassembler())


def test_arp_is_not_ip() -> None:
    arp = synth.ETH_DST + synth.ETH_SRC + b"\x08\x06" + bytes(28)
    assert _decode(1, arp) is SkipReason.NOT_IP


def test_tcp_is_not_udp() -> None:
    tcp = synth.ethernet(synth.ipv4("1.2.3.4", "5.6.7.8", 6, bytes(20)))
    assert _decode(1, tcp) is SkipReason.NOT_UDP


def test_snaplen_cut_udp_is_reported() -> None:
    frame = synth.ethernet(synth.ipv4("1.2.3.4", "5.6.7.8", 17, synth.udp(1, 2, RTPS * 10)))
    assert _decode(1, frame[:60]) is SkipReason.CUT


def test_ethernet_padding_is_trimmed_by_ip_length() -> None:
    frame = synth.ethernet(synth.ipv4("1.2.3.4", "5.6.7.8", 17, synth.udp(1, 2, b"x")))
    got = _decode(1, frame + bytes(16))
    assert isinstance(got, Datagram) and got.payload == b"x"


def test_bad_ip_header() -> None:
    frame = bytearray(synth.ipv4("1.2.3.4", "5.6.7.8", 17, synth.udp(1, 2, RTPS)))
    frame[0] = 0x43  # IHL 3 words
    assert _decode(101, bytes(frame)) is SkipReason.BAD_HEADER


def test_unsupported_link_type() -> None:
    assert _decode(147, b"\0" * 40) is SkipReason.UNSUPPORTED_LINK


def test_frame_decoder_counts_and_filters() -> None:
    dec = FrameDecoder()
    ok = synth.ethernet(synth.ipv4("1.2.3.4", "5.6.7.8", 17, synth.udp(1, 7400, RTPS)))
    wake = synth.ethernet(synth.ipv4("1.2.3.4", "5.6.7.8", 17, synth.udp(1, 7401, b"\0")))
    assert isinstance(dec.decode(LinkType.ETHERNET, ok, 1.0, 1), Datagram)
    assert dec.decode(LinkType.ETHERNET, wake, 2.0, 2) is None
    assert dec.decode(LinkType.ETHERNET, b"\0" * 5, 3.0, 3) is None
    s = dec.stats
    assert (s.frames, s.rtps_datagrams, s.non_rtps_udp, s.skipped(SkipReason.SHORT)) == (3, 1, 1, 1)
    assert (s.first_time, s.last_time) == (1.0, 3.0)


@pytest.mark.parametrize("link", [int(t) for t in LinkType])
@settings(max_examples=150, deadline=None)
@given(frame=st.binary(max_size=200))
def test_fuzz_decode_frame_never_raises(link: int, frame: bytes) -> None:
    res = _decode(link, frame)
    assert isinstance(res, (Datagram, SkipReason))


@settings(max_examples=200, deadline=None)
@given(st.binary(min_size=0, max_size=64), st.integers(0, 255))
def test_fuzz_ipv6_extension_chains(tail: bytes, nh: int) -> None:
    frame = synth.ethernet(struct.pack("!IHBB", 0x60000000, len(tail), nh, 1) + bytes(32) + tail, 6)
    assert isinstance(_decode(1, frame), (Datagram, SkipReason))


def test_capture_reader_is_a_packet_source(tmp_path: object) -> None:
    import io

    from ddsdoctor.capture import CaptureReader, PacketSource

    assert isinstance(CaptureReader(io.BytesIO(b"")), PacketSource)

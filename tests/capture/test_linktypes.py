"""Link types, VLANs, IPv6 and IP fragments around real RTPS payloads; tshark cross-checks."""

from __future__ import annotations

import gzip
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from ddsdoctor.capture import Datagram, read_capture
from tests.capture import synth
from tests.tshark import TSHARK, tshark_argv
from tests.wire.corpus import OSPL_CAPTURE

SRC4, DST4 = "10.1.2.3", "239.255.0.1"
SRC6, DST6 = "fd00::1", "ff02::ffff:efff:1"


@pytest.fixture(scope="module")
def payloads() -> list[bytes]:
    """Real RTPS messages: the first 60 of the OpenSplice lab, incl. multi-KB SEDP."""
    if not OSPL_CAPTURE.is_file():
        pytest.skip("OpenSplice lab capture not available")
    got = [d.payload for d in read_capture(OSPL_CAPTURE)]
    big = sorted(got, key=len)[-5:]
    return got[:55] + big


def _v4(p: bytes, i: int) -> bytes:
    return synth.ipv4(SRC4, DST4, 17, synth.udp(40000 + i, 7400, p), ident=i + 1)


def _v6(p: bytes, i: int) -> bytes:
    body = synth.udp(40000 + i, 7400, p)
    return synth.ipv6(SRC6, DST6, 60, synth.ext(17) + body)  # destination options, then UDP


VARIANTS: dict[str, tuple[int, Callable[[bytes, int], bytes], int | None, int]] = {
    # name: (link type, frame builder, expected vlan, ip version)
    "ethernet-vlan": (1, lambda p, i: synth.ethernet(_v4(p, i), vlans=[100]), 100, 4),
    "ethernet-qinq": (1, lambda p, i: synth.ethernet(_v4(p, i), vlans=[10, 200]), 200, 4),
    "ethernet-ipv6": (1, lambda p, i: synth.ethernet(_v6(p, i), 6), None, 6),
    "linux-sll": (113, lambda p, i: synth.sll(_v4(p, i)), None, 4),
    "linux-sll2": (276, lambda p, i: synth.sll2(_v6(p, i), 6), None, 6),
    "null-le": (0, lambda p, i: synth.null(_v4(p, i)), None, 4),
    "null-be-ipv6": (0, lambda p, i: synth.null(_v6(p, i), 6, big_endian=True), None, 6),
    "loop": (108, lambda p, i: synth.null(_v4(p, i), loop=True), None, 4),
    "raw": (101, _v4, None, 4),
    "raw-ipv6": (101, _v6, None, 6),
    "raw-dlt12": (12, _v4, None, 4),
}


def _check(path: Path, payloads: list[bytes], version: int, vlan: int | None) -> list[Datagram]:
    reader = read_capture(path)
    got = list(reader)
    assert [d.payload for d in got] == payloads
    assert reader.stats.complete
    for i, d in enumerate(got):
        assert (d.src, d.dst) == ((SRC4, DST4) if version == 4 else (SRC6, DST6))
        assert (d.sport, d.dport, d.ip_version, d.vlan) == (40000 + i, 7400, version, vlan)
    return got


def _tshark_rtps_frames(path: Path) -> int:
    out = subprocess.run(
        [*tshark_argv(), "-n", "-r", str(path), "-Y", "rtps", "-T", "fields", "-e", "frame.number"],
        capture_output=True,
        text=True,
        check=True,
    )
    return len(out.stdout.split())


@pytest.mark.parametrize("name", list(VARIANTS))
def test_link_type(name: str, payloads: list[bytes], tmp_path: Path) -> None:
    link, build, vlan, version = VARIANTS[name]
    frames = [(1.7e9 + i / 8, build(p, i)) for i, p in enumerate(payloads)]
    path = synth.write_pcap(tmp_path / f"{name}.pcap", link, frames)
    got = _check(path, payloads, version, vlan)
    assert [d.time for d in got] == pytest.approx([t for t, _ in frames], abs=1e-6)
    if TSHARK is not None:
        assert _tshark_rtps_frames(path) == len(payloads)


@pytest.mark.parametrize(("big_endian", "nano"), [(True, False), (False, True), (True, True)])
def test_pcap_byte_orders_and_nanoseconds(
    big_endian: bool, nano: bool, payloads: list[bytes], tmp_path: Path
) -> None:
    frames = [(1.7e9 + i * 1e-7, synth.ethernet(_v4(p, i))) for i, p in enumerate(payloads)]
    path = synth.write_pcap(tmp_path / "x.pcap", 1, frames, big_endian=big_endian, nano=nano)
    got = _check(path, payloads, 4, None)
    assert got[3].time == pytest.approx(frames[3][0], abs=1e-6 if not nano else 2e-7)


@pytest.mark.parametrize("big_endian", [False, True])
def test_pcapng_mixed_interfaces_and_resolutions(
    big_endian: bool, payloads: list[bytes], tmp_path: Path
) -> None:
    """Three interfaces: Ethernet µs, loopback ns, raw IPv6 with a binary resolution."""
    ifaces = [(1, 6), (0, 9), (101, 0x80 | 20)]
    build = [lambda p, i: synth.ethernet(_v4(p, i)), lambda p, i: synth.null(_v4(p, i)), _v4]
    packets = [(i % 3, 1.7e9 + i, build[i % 3](p, i)) for i, p in enumerate(payloads)]
    path = synth.write_pcapng(tmp_path / "x.pcapng", ifaces, packets, big_endian=big_endian)
    got = _check(path, payloads, 4, None)
    reader = read_capture(path)
    assert len(list(reader)) == len(payloads) and reader.stats.format == "pcapng"
    assert reader.stats.link_types == {0, 1, 101} and reader.stats.other_blocks == 1
    assert [d.time for d in got] == pytest.approx([t for _, t, _ in packets], abs=1e-5)
    if TSHARK is not None:
        assert _tshark_rtps_frames(path) == len(payloads)


def test_pcapng_simple_packet_blocks(payloads: list[bytes], tmp_path: Path) -> None:
    packets = [(0, 0.0, synth.ethernet(_v4(p, i))) for i, p in enumerate(payloads)]
    path = synth.write_pcapng(tmp_path / "spb.pcapng", [(1, 6)], packets, simple=True)
    _check(path, payloads, 4, None)


def test_gzip_capture(payloads: list[bytes], tmp_path: Path) -> None:
    frames = [(1.7e9 + i, synth.ethernet(_v4(p, i))) for i, p in enumerate(payloads)]
    plain = synth.write_pcap(tmp_path / "x.pcap", 1, frames)
    gz = tmp_path / "x.pcap.gz"
    gz.write_bytes(gzip.compress(plain.read_bytes()))
    reader = read_capture(gz)
    assert [d.payload for d in reader] == payloads
    assert reader.stats.format == "pcap-gzip" and reader.stats.complete


@pytest.mark.parametrize("version", [4, 6])
def test_ip_fragments_out_of_order_with_duplicates(
    version: int, payloads: list[bytes], tmp_path: Path
) -> None:
    frames: list[bytes] = []
    for i, p in enumerate(payloads):
        body = synth.udp(40000 + i, 7400, p)
        if version == 4:
            frags = [synth.ethernet(f) for f in synth.ipv4_fragments(SRC4, DST4, body, 1480, i)]
        else:
            frags = [
                synth.ethernet(f, 6)
                for f in synth.ipv6_fragments(SRC6, DST6, body, 1448, 0x1000 + i)
            ]
        if len(frags) > 1:  # last fragment first, twice (a duplicate), then the rest reversed
            frags = [frags[-1], *frags[::-1]]
        frames.extend(frags)
    path = synth.write_pcap(tmp_path / "frag.pcap", 1, ((1.7e9, f) for f in frames))
    reader = read_capture(path)
    got = list(reader)
    assert [d.payload for d in got] == payloads
    stats = reader.stats
    multi = [d for d in got if d.frames > 1]
    # IPv6 here always carries a fragment header: single ones are "atomic fragments".
    assert stats.reassembled == (len(multi) if version == 4 else len(payloads))
    size = 1480 if version == 4 else 1448
    assert len(multi) > 0 and all(d.frames == -(-(len(d.payload) + 8) // size) for d in multi)
    assert stats.frag_incomplete == 0 and stats.frag_dropped == len(multi)
    if TSHARK is not None:
        assert _tshark_rtps_frames(path) == len(payloads)


def test_incomplete_fragments_are_counted(payloads: list[bytes], tmp_path: Path) -> None:
    big = max(payloads, key=len)
    frags = synth.ipv4_fragments(SRC4, DST4, synth.udp(1, 7400, big), 1480, 9)
    path = synth.write_pcap(
        tmp_path / "lost.pcap", 1, [(1.0, synth.ethernet(f)) for f in frags[:-1]]
    )
    reader = read_capture(path)
    assert list(reader) == []
    assert reader.stats.frag_incomplete == 1 and reader.stats.reassembled == 0

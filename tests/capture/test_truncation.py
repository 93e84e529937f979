"""Cut and corrupt captures: everything before the damage is read, nothing ever raises."""

from __future__ import annotations

import gzip
import io
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddsdoctor.capture import CaptureError, CaptureReader, read_capture
from tests.wire.corpus import ALL_CAPTURES, capture_id

CUT_FILES = [
    p
    for p in ALL_CAPTURES
    if p.name.endswith(("secure_cds.pcapng", "capture.pcap", "vehicle.pcap", "pdu.pcap"))
]


def _read(data: bytes) -> tuple[list[tuple[int, bytes]], CaptureReader]:
    reader = CaptureReader(io.BytesIO(data))
    return [(d.frame, d.payload) for d in reader], reader


@pytest.mark.parametrize("path", CUT_FILES, ids=capture_id)
@pytest.mark.parametrize("gz", [False, True], ids=["plain", "gzip"])
def test_cut_capture_yields_a_prefix_and_records_truncation(path: Path, gz: bool) -> None:
    data = path.read_bytes()
    full, _ = _read(data)
    for cut in (3, 10, 23, 30, 100, len(data) // 3, len(data) // 2, len(data) - 5, len(data) - 1):
        part = data[:cut]
        got, reader = _read(gzip.compress(part) if gz else part)
        assert got == full[: len(got)], f"cut at {cut}: not a prefix"
        stats = reader.stats
        assert stats.truncated or stats.format_error, f"cut at {cut}: truncation not recorded"
        if data[:4] == b"\xd4\xc3\xb2\xa1" and cut >= 24:
            assert stats.frames == _complete_records(part)


def _complete_records(data: bytes) -> int:
    """Records of a little-endian pcap wholly inside ``data`` (independent walk)."""
    n, pos = 0, 24
    while pos + 16 <= len(data):
        caplen = int.from_bytes(data[pos + 8 : pos + 12], "little")
        if pos + 16 + caplen > len(data):
            break
        n, pos = n + 1, pos + 16 + caplen
    return n


@pytest.mark.parametrize("path", CUT_FILES[:2], ids=capture_id)
def test_cut_gzip_stream(path: Path) -> None:
    """The compressed bytes themselves cut short (a partial download)."""
    packed = gzip.compress(path.read_bytes())
    full, whole = _read(path.read_bytes())
    got, reader = _read(packed[: len(packed) * 2 // 3])
    assert 0 < len(got) <= len(full) and got == full[: len(got)]
    assert 0 < reader.stats.frames < whole.stats.frames
    assert reader.stats.truncated


def test_corrupt_record_length_stops_with_format_error(tmp_path: Path) -> None:
    path = next(p for p in ALL_CAPTURES if p.name.endswith("vehicle.pcap"))
    data = bytearray(path.read_bytes())
    data[24 + 8 : 24 + 12] = (0x7FFFFFFF).to_bytes(4, "little")  # first caplen
    got, reader = _read(bytes(data))
    assert got == [] and reader.stats.format_error is not None


@pytest.mark.parametrize("head", [b"", b"\x00", b"hello world, not a capture", b"\x1f\x8bxx"])
def test_not_a_capture(head: bytes) -> None:
    got, reader = _read(head)
    assert got == [] and (reader.stats.format_error or reader.stats.truncated)


def test_missing_file_raises_capture_error(tmp_path: Path) -> None:
    with pytest.raises(CaptureError):
        read_capture(tmp_path / "nope.pcap")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_fuzz_arbitrary_bytes_never_raise(data: bytes) -> None:
    for prefix in (
        b"",
        b"\xd4\xc3\xb2\xa1\x02\x00\x04\x00" + bytes(8) + b"\xff\xff\x00\x00\x01\x00\x00\x00",
        b"\x0a\x0d\x0d\x0a",
    ):
        _read(prefix + data)


@pytest.fixture(scope="module")
def seed_files() -> list[bytes]:
    return [p.read_bytes()[:20000] for p in CUT_FILES]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_fuzz_mutated_real_captures_never_raise(
    seed_files: list[bytes],
    data: st.DataObject,
) -> None:
    raw = bytearray(data.draw(st.sampled_from(seed_files)))
    for _ in range(data.draw(st.integers(1, 8))):
        at = data.draw(st.integers(0, len(raw) - 1))
        op = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if op == "flip":
            raw[at] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at : at + data.draw(st.integers(1, 64))]
        else:
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=32))
        if not raw:
            break
    reader = CaptureReader(io.BytesIO(bytes(raw)), rtps_only=False)
    for dg in reader:
        assert isinstance(dg.payload, bytes)
    assert reader.stats.frames >= 0


def test_corrupt_pcapng_packet_block_is_skipped_not_fatal(tmp_path: Path) -> None:
    from tests.capture import synth

    frame = synth.ethernet(
        synth.ipv4(
            "10.0.0.1", "10.0.0.2", 17, synth.udp(1, 7400, b"RTPS\x02\x01\x01\x10" + bytes(12))
        )
    )
    path = synth.write_pcapng(tmp_path / "x.pcapng", [(1, 6)], [(0, 1.0, frame)] * 3)
    data = bytearray(path.read_bytes())
    first_epb = 0
    while int.from_bytes(data[first_epb : first_epb + 4], "little") != 6:  # walk the blocks
        first_epb += int.from_bytes(data[first_epb + 4 : first_epb + 8], "little")
    data[first_epb + 20 : first_epb + 24] = (5000).to_bytes(4, "little")  # caplen > block
    got, reader = _read(bytes(data))
    assert len(got) == 2 and reader.stats.frames == 3 and reader.stats.complete
    assert reader.stats.skipped_total == 1

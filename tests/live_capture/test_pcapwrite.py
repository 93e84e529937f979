"""The streaming pcap writer: readable by our reader and tshark, never fatal on I/O errors."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.capture.pcapwrite import PcapWriteError, PcapWriter
from tests.live_capture.conftest import SAMPLE


def _sample_frames() -> list[tuple[int, int, bytes, int]]:
    import struct

    data = SAMPLE.read_bytes()
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, usec, caplen, origlen = struct.unpack_from("<IIII", data, pos)
        out.append((sec, usec, data[pos + 16 : pos + 16 + caplen], origlen))
        pos += 16 + caplen
    return out


def test_round_trip_equals_the_original(tmp_path: Path) -> None:
    out = tmp_path / "w.pcap"
    w = PcapWriter(out, 1, 262144)
    for sec, usec, frame, orig in _sample_frames():
        w.write(sec, usec, memoryview(frame), orig)
    w.close()
    assert w.records == 2013 and w.error is None
    # same header fields tcpdump writes, then byte-identical records
    assert out.read_bytes()[24:] == SAMPLE.read_bytes()[24:]
    with read_capture(out) as a, read_capture(SAMPLE) as b:
        assert list(a) == list(b)
    if shutil.which("capinfos"):
        res = subprocess.run(
            ["capinfos", "-c", str(out)], capture_output=True, text=True, check=True
        )
        assert "2013" in res.stdout


def test_flushed_file_is_complete_while_open(tmp_path: Path) -> None:
    out = tmp_path / "w.pcap"
    w = PcapWriter(out, 1, 262144)
    frames = _sample_frames()[:100]
    for sec, usec, frame, orig in frames:
        w.write(sec, usec, frame, orig)
    w.flush()  # what the capture loop does every 0.25 s: readers see whole records
    with read_capture(out) as r:
        n = sum(1 for _ in r)
        assert not r.stats.truncated and r.stats.frames == 100
    assert n > 0
    w.close()


def test_write_failure_is_recorded_not_raised(tmp_path: Path) -> None:
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    w = PcapWriter("/dev/full", 1, 262144)
    for sec, usec, frame, orig in _sample_frames():
        w.write(sec, usec, frame, orig)  # the 1 MiB buffer fills, the write fails: no raise
    w.close()
    assert w.error is not None and "No space left" in w.error
    assert w.records < 2013


def test_unwritable_path_raises_at_open(tmp_path: Path) -> None:
    with pytest.raises(PcapWriteError, match="cannot write"):
        PcapWriter(tmp_path / "missing-dir" / "x.pcap", 1, 262144)

"""Capture files: pcap (both byte orders, µs/ns, Kuznetzov) and pcapng, plain or gzip.

No scapy: records are parsed with precompiled structs on a chunked buffer and each frame is
decoded in place by ``frames.decode_frame``. Reading never raises on file content: a cut or
corrupt file yields everything before the damage and records it in ``CaptureStats``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from pathlib import Path
from struct import Struct
from types import TracebackType
from typing import BinaryIO

from ddsdoctor.capture.datagram import RTPS_MAGICS, Datagram
from ddsdoctor.capture.frames import decode_frame
from ddsdoctor.capture.ipfrag import IpReassembler
from ddsdoctor.capture.stats import CaptureStats
from ddsdoctor.capture.stream import GZIP_MAGIC, SafeStream

log = logging.getLogger(__name__)

CHUNK = 1 << 20
MAX_RECORD = 16 << 20
"""Largest record/block accepted; a bigger length field means a corrupt file."""

# magic (as bytes on disk) -> (little endian, seconds per tick, record header length)
_PCAP_MAGICS: dict[bytes, tuple[bool, float, int]] = {
    b"\xd4\xc3\xb2\xa1": (True, 1e-6, 16),
    b"\xa1\xb2\xc3\xd4": (False, 1e-6, 16),
    b"\x4d\x3c\xb2\xa1": (True, 1e-9, 16),
    b"\xa1\xb2\x3c\x4d": (False, 1e-9, 16),
    b"\x34\xcd\xb2\xa1": (True, 1e-6, 24),  # Kuznetzov "modified pcap": 8 extra bytes/record
    b"\xa1\xb2\xcd\x34": (False, 1e-6, 24),
}
PCAPNG_MAGIC = b"\x0a\x0d\x0d\x0a"


class CaptureError(Exception):
    """The capture file cannot be opened at all (missing, unreadable)."""


class CaptureReader:
    """Iterate the UDP datagrams of a capture file; counters in ``.stats``.

    Only RTPS datagrams (magic RTPS/RTPX on any port) are yielded unless ``rtps_only`` is
    False; the others are counted. Iterating twice is not supported (it is a stream).
    """

    def __init__(
        self,
        source: str | os.PathLike[str] | BinaryIO,
        *,
        rtps_only: bool = True,
        reassemble: bool = True,
        reassembler: IpReassembler | None = None,
    ) -> None:
        self.stats = CaptureStats()
        self.rtps_only = rtps_only
        if reassembler is not None:
            reassembler.stats = self.stats
        elif reassemble:
            reassembler = IpReassembler(self.stats)
        self.reassembler = reassembler
        self._owned: BinaryIO | None = None
        if isinstance(source, (str, os.PathLike)):
            try:
                self._owned = Path(source).open("rb")  # noqa: SIM115 - closed by close()
            except OSError as exc:
                raise CaptureError(f"cannot open {os.fspath(source)}: {exc.strerror}") from exc
            self._raw: BinaryIO = self._owned
        else:
            self._raw = source

    def __enter__(self) -> CaptureReader:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._owned is not None:
            self._owned.close()
            self._owned = None

    def __iter__(self) -> Iterator[Datagram]:
        stats = self.stats
        try:
            head = self._raw.read(4)
        except OSError as exc:
            stats.format_error = f"read error: {exc}"
            return
        gz = head[:2] == GZIP_MAGIC
        stream = SafeStream(self._raw, head if gz else b"", gzip=gz)
        if gz:
            head = stream.read(4)  # the magic of the decompressed file
        try:
            if head in _PCAP_MAGICS:
                stats.format = "pcap-gzip" if gz else "pcap"
                yield from _read_pcap(stream, head, self)
            elif head == PCAPNG_MAGIC:
                from ddsdoctor.capture.pcapng import read_pcapng

                stats.format = "pcapng-gzip" if gz else "pcapng"
                yield from read_pcapng(stream, head, self)
            elif not head:
                stats.format_error = "empty file"
            else:
                stats.format_error = f"not a pcap or pcapng file (magic {head.hex()})"
        finally:
            if stream.truncated:
                stats.truncated = True
            elif stream.error and stats.format_error is None:
                stats.format_error = stream.error
            if self.reassembler is not None:
                self.reassembler.finish()


def read_capture(
    path: str | os.PathLike[str] | BinaryIO,
    *,
    rtps_only: bool = True,
    reassemble: bool = True,
    reassembler: IpReassembler | None = None,
) -> CaptureReader:
    """Open a pcap/pcapng file (optionally gzip) for one pass; see CaptureReader."""
    return CaptureReader(path, rtps_only=rtps_only, reassemble=reassemble, reassembler=reassembler)


def _read_pcap(stream: SafeStream, magic: bytes, reader: CaptureReader) -> Iterator[Datagram]:
    """Classic libpcap format (pcap-savefile(5), draft-ietf-opsawg-pcap)."""
    stats = reader.stats
    le, tick, rec_len = _PCAP_MAGICS[magic]
    hdr = magic + stream.read(20)
    if len(hdr) < 24:
        stats.truncated = True
        stats.truncated_at = 0
        return
    _snaplen, network = Struct("<II" if le else ">II").unpack_from(hdr, 16)
    link = network & 0xFFFF  # upper bits: FCS length flags
    stats.link_types.add(link)
    rec = Struct("<IIII" if le else ">IIII")
    unpack = rec.unpack_from
    reasm = reader.reassembler
    rtps_only = reader.rtps_only
    decode = decode_frame
    magics = RTPS_MAGICS
    dgram = Datagram
    skips = stats.skips
    frames = cap = wire = udp = rtps = 0
    first = last = None
    buf = b""
    pos = 0
    base = 24  # stream offset of buf[0]
    try:
        while True:
            if len(buf) - pos < rec_len:
                buf = buf[pos:] + stream.read(CHUNK)
                base += pos
                pos = 0
                if len(buf) < rec_len:
                    if buf:
                        stats.truncated, stats.truncated_at = True, base
                    return
            sec, frac, caplen, origlen = unpack(buf, pos)
            if caplen > MAX_RECORD:
                stats.format_error = f"corrupt record at offset {base + pos}: length {caplen}"
                return
            start = pos + rec_len
            stop = start + caplen
            if stop > len(buf):
                buf = buf[pos:] + stream.read(max(CHUNK, stop - pos))
                base += pos
                start -= pos
                stop -= pos
                pos = 0
                if stop > len(buf):
                    stats.truncated, stats.truncated_at = True, base
                    return
            pos = stop
            frames += 1
            cap += caplen
            if origlen < caplen:  # noqa: PLR1730 - cheaper than max() per packet
                origlen = caplen
            wire += origlen
            ts = sec + frac * tick
            if first is None:
                first = ts
            last = ts
            res = decode(link, buf, start, stop, ts, frames, origlen, reasm)
            if type(res) is dgram:
                udp += 1
                if res.payload.startswith(magics):
                    rtps += 1
                    yield res
                elif not rtps_only:
                    yield res
            else:
                skips[res] += 1  # type: ignore[index]
    finally:
        stats.add_batch(frames, cap, wire, udp, rtps, first, last)

"""pcapng reader (draft-ietf-opsawg-pcapng): SHB, IDB, EPB, SPB, obsolete PB.

Each interface has its own link type and timestamp resolution, so one file can mix
Ethernet and loopback frames (the RTI secure CDS capture does). Other blocks are skipped.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from struct import Struct
from typing import TYPE_CHECKING

from ddsdoctor.capture.datagram import RTPS_MAGICS, Datagram
from ddsdoctor.capture.frames import decode_frame
from ddsdoctor.capture.stats import SkipReason
from ddsdoctor.capture.stream import SafeStream

if TYPE_CHECKING:
    from ddsdoctor.capture.pcap import CaptureReader

log = logging.getLogger(__name__)

CHUNK = 1 << 20
MAX_BLOCK = 64 << 20
_SHB, _IDB, _PB, _SPB, _EPB = 0x0A0D0D0A, 1, 2, 3, 6
_BOM = 0x1A2B3C4D
_STRUCTS = {
    True: (Struct("<II"), Struct("<IIIII"), Struct("<HHI"), Struct("<I"), Struct("<HHIIII")),
    False: (Struct(">II"), Struct(">IIIII"), Struct(">HHI"), Struct(">I"), Struct(">HHIIII")),
}
_OPT_TSRESOL, _OPT_TSOFFSET = 9, 14


def _interface(body: bytes, le: bool) -> tuple[int, float, int, int]:
    """(link type, seconds per tick, offset seconds, snaplen) from an IDB body."""
    _, _, hh, _, _ = _STRUCTS[le]
    if len(body) < 8:
        return -1, 1e-6, 0, 0
    link, _, snaplen = hh.unpack_from(body, 0)
    tick, offset = 1e-6, 0
    p = 8
    while len(body) - p >= 4:
        code, olen = Struct("<HH" if le else ">HH").unpack_from(body, p)
        p += 4
        if code == 0 or len(body) - p < olen:
            break
        if code == _OPT_TSRESOL and olen >= 1:
            v = body[p]
            tick = 2.0 ** -(v & 0x7F) if v & 0x80 else 10.0**-v
        elif code == _OPT_TSOFFSET and olen >= 8:
            offset = int.from_bytes(body[p : p + 8], "little" if le else "big", signed=True)
        p += (olen + 3) & ~3
    return link, tick, offset, snaplen


def read_pcapng(stream: SafeStream, magic: bytes, reader: CaptureReader) -> Iterator[Datagram]:
    """Yield datagrams of every packet block, section by section."""
    stats = reader.stats
    reasm = reader.reassembler
    rtps_only = reader.rtps_only
    decode = decode_frame
    magics = RTPS_MAGICS
    dgram = Datagram
    skips = stats.skips
    le = True
    hdr, epb, _, spb, pb = _STRUCTS[le]
    ifaces: list[tuple[int, float, int, int]] = []
    frames = cap = wire = udp = rtps = 0
    first = last = None
    buf = magic
    pos = 0
    base = 0
    try:
        while True:
            if len(buf) - pos < 12:
                buf = buf[pos:] + stream.read(CHUNK)
                base += pos
                pos = 0
                if len(buf) < 12:
                    if buf:
                        stats.truncated, stats.truncated_at = True, base
                    return
            btype = hdr.unpack_from(buf, pos)[0]
            if btype == _SHB:  # byte order of the new section comes from its BOM
                bom = buf[pos + 8 : pos + 12]
                if bom == b"\x4d\x3c\x2b\x1a":
                    le = True
                elif bom == b"\x1a\x2b\x3c\x4d":
                    le = False
                else:
                    stats.format_error = f"corrupt section header at offset {base + pos}"
                    return
                hdr, epb, _, spb, pb = _STRUCTS[le]
                ifaces = []
            blen = hdr.unpack_from(buf, pos)[1]
            if blen < 12 or blen & 3 or blen > MAX_BLOCK:
                stats.format_error = f"corrupt block at offset {base + pos}: length {blen}"
                return
            if len(buf) - pos < blen:
                buf = buf[pos:] + stream.read(max(CHUNK, blen))
                base += pos
                pos = 0
                if len(buf) < blen:
                    stats.truncated, stats.truncated_at = True, base
                    return
            body = pos + 8
            end = pos + blen - 4
            pos += blen
            if btype in (_EPB, _PB):
                if end - body < 20:  # the block length is sound, so skip just this block
                    frames += 1
                    skips[SkipReason.BAD_HEADER] += 1
                    continue
                if btype == _EPB:
                    ifid, hi, lo, caplen, origlen = epb.unpack_from(buf, body)
                else:
                    ifid, _drops, hi, lo, caplen, origlen = pb.unpack_from(buf, body)
                start = body + 20
            elif btype == _SPB:
                if end - body < 4 or not ifaces:
                    frames += 1
                    skips[SkipReason.BAD_HEADER] += 1
                    continue
                origlen = spb.unpack_from(buf, body)[0]
                ifid, hi, lo = 0, 0, 0
                snap = ifaces[0][3]
                caplen = min(origlen, end - body - 4, snap if snap else origlen)
                start = body + 4
            else:
                if btype == _IDB:
                    iface = _interface(buf[body:end], le)
                    ifaces.append(iface)
                    stats.link_types.add(iface[0])
                elif btype != _SHB:
                    stats.other_blocks += 1
                continue
            stop = start + caplen
            frames += 1
            if stop > end:
                skips[SkipReason.BAD_HEADER] += 1
                continue
            cap += caplen
            if origlen < caplen:  # noqa: PLR1730 - cheaper than max() per packet
                origlen = caplen
            wire += origlen
            if ifid >= len(ifaces):
                skips[SkipReason.UNSUPPORTED_LINK] += 1
                continue
            link, tick, offset, _snap = ifaces[ifid]
            ts = ((hi << 32) | lo) * tick + offset
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

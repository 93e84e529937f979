"""The hot loops of a live capture: frames from the ring (or recv) to Datagrams and the pcap.

Per frame they do only what must be done per frame: unpack the ring header, append the
record to the pcap (every frame, before any filtering by ddsdoctor), decode in place with
``frames.decode_frame`` and count into locals. Counters reach ``CaptureStats`` once per
block; stop, duration and kernel statistics are looked at between blocks (``LiveSource``).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Generator
from struct import Struct
from typing import TYPE_CHECKING, cast

from ddsdoctor.capture.afpacket import SNAPLEN
from ddsdoctor.capture.datagram import RTPS_MAGICS, Datagram
from ddsdoctor.capture.frames import decode_frame
from ddsdoctor.capture.ring import (
    FRAME,
    SLL2,
    SOCKADDR_LL,
    TP_STATUS_VLAN_TPID_VALID,
    TP_STATUS_VLAN_VALID,
    TPACKET3_HDRLEN,
    VLAN,
)

if TYPE_CHECKING:
    import mmap

    from ddsdoctor.capture.live import LiveSource

_TAG = Struct("!HH")


def ring_datagrams(src: LiveSource) -> Generator[Datagram, None, None]:
    """Datagrams from a TPACKET_V3 ring until the source stops and its ring is drained."""
    ring = src.ring
    assert ring is not None
    mm, view = ring.mm, ring.view
    # mmap supports what decode_frame does to ``bytes`` (indexing, slicing, unpack_from), so
    # Ethernet frames are decoded in place: only the UDP payload is copied out.
    mmb = cast(bytes, mm)
    unpack = FRAME.unpack_from
    decode, reasm, dgram, magics = decode_frame, src.reassembler, Datagram, RTPS_MAGICS
    stats = src.stats
    skips = stats.skips
    pwrite = src.pcap.write if src.pcap is not None else None
    cooked, link, rtps_only = src.cooked, src.link_type, src.rtps_only
    number = 0
    try:
        while True:
            blk = ring.ready()
            if blk is None:
                if not src.idle():
                    return
                continue
            off, count, p = blk
            if stats.first_time is None and count:
                _n, sec, nsec = FRAME.unpack_from(mm, p)[:3]
                stats.first_time = sec + nsec * 1e-9
            start_number = number
            cap = wire = udp = rtps = 0
            ts = 0.0
            try:
                for _ in range(count):
                    nxt, sec, nsec, snap, ln, status, mac, _net = unpack(mm, p)
                    ts = sec + nsec * 1e-9
                    number += 1
                    a = p + mac
                    if cooked or status & TP_STATUS_VLAN_VALID:
                        buf = _rebuild(mm, p, a, snap, status, cooked)
                        start, stop = 0, len(buf)
                        ln += stop - snap
                        if pwrite is not None:
                            pwrite(sec, nsec // 1000, buf, ln)
                    else:
                        buf, start, stop = mmb, a, a + snap
                        if pwrite is not None:
                            pwrite(sec, nsec // 1000, view[a:stop], ln)
                    cap += stop - start
                    wire += ln
                    p += nxt
                    res = decode(link, buf, start, stop, ts, number, ln, reasm)
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
                stats.add_batch(number - start_number, cap, wire, udp, rtps, None, ts)
            ring.release(off)
            if not src.between_blocks():
                return
    finally:
        src.finish()


def _rebuild(mm: mmap.mmap, p: int, a: int, snap: int, status: int, cooked: bool) -> bytes:
    """The frame as libpcap writes it: SLL2 header for cooked sockets, VLAN tag re-inserted.

    The kernel strips an offloaded 802.1Q tag into the ring header (TP_STATUS_VLAN_VALID);
    libpcap puts it back so filters and readers see the VLAN, and so do we.
    """
    tag = b""
    if status & TP_STATUS_VLAN_VALID:
        tci, tpid = VLAN.unpack_from(mm, p + 32)
        tag = _TAG.pack(tpid if status & TP_STATUS_VLAN_TPID_VALID else 0x8100, tci & 0xFFFF)
    if not cooked:
        return mm[a : a + 12] + tag + mm[a + 12 : a + snap]
    _fam, proto, ifindex, hatype, pkttype, halen, addr = SOCKADDR_LL.unpack_from(
        mm, p + TPACKET3_HDRLEN
    )
    proto = socket.ntohs(proto)
    if tag:  # SLL2 protocol = the TPID, then TCI and the real protocol (libpcap's layout)
        tpid = (tag[0] << 8) | tag[1]
        head = SLL2.pack(tpid, 0, ifindex, hatype, pkttype, halen, addr) + tag[2:]
        head += proto.to_bytes(2, "big")
    else:
        head = SLL2.pack(proto, 0, ifindex, hatype, pkttype, halen, addr)
    return head + mm[a : a + snap]


def recv_datagrams(src: LiveSource) -> Generator[Datagram, None, None]:
    """Datagrams from one ``recv_into`` per frame (when the kernel refuses a ring)."""
    sock = src.sock
    buffer = bytearray(SNAPLEN)
    mv = memoryview(buffer)
    recv_into, recvfrom_into = sock.recv_into, sock.recvfrom_into
    now = time.time
    decode, reasm, dgram, magics = decode_frame, src.reassembler, Datagram, RTPS_MAGICS
    stats = src.stats
    skips = stats.skips
    pwrite = src.pcap.write if src.pcap is not None else None
    cooked, link, rtps_only = src.cooked, src.link_type, src.rtps_only
    indexes: dict[str, int] = {}
    number = 0
    trunc = socket.MSG_TRUNC
    try:
        while True:
            try:
                if cooked:
                    ln, addr = recvfrom_into(buffer, 0, trunc)
                else:
                    ln = recv_into(buffer, 0, trunc)  # MSG_TRUNC: the frame's real length
            except BlockingIOError:
                if not src.idle():
                    return
                continue
            except OSError as exc:
                src.fail(exc)
                continue
            ts = now()
            number += 1
            snap = min(ln, SNAPLEN)
            if cooked:
                name, proto, pkttype, hatype, haddr = addr
                ifindex = indexes.get(name)
                if ifindex is None:
                    ifindex = indexes[name] = socket.if_nametoindex(name)
                head = SLL2.pack(proto, 0, ifindex, hatype, pkttype, len(haddr), haddr)
                data = head + mv[:snap]
                ln += len(head)
            else:
                data = bytes(mv[:snap])
            if stats.first_time is None:
                stats.first_time = ts
            if pwrite is not None:
                sec = int(ts)
                pwrite(sec, int((ts - sec) * 1e6), data, ln)
            res = decode(link, data, 0, len(data), ts, number, ln, reasm)
            stats.add_batch(1, len(data), ln, 0, 0, None, ts)
            if type(res) is dgram:
                stats.udp_datagrams += 1
                if res.payload.startswith(magics):
                    stats.rtps_datagrams += 1
                    yield res
                else:
                    stats.non_rtps_udp += 1
                    if not rtps_only:
                        yield res
            else:
                skips[res] += 1  # type: ignore[index]
            if number & 255 == 0 and not src.between_blocks():
                return
    finally:
        src.finish()

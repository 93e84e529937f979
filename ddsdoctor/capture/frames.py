"""Per-frame decoding: link layer -> VLAN -> IPv4/IPv6 (+ fragments) -> UDP -> Datagram.

``decode_frame`` works on one frame given as ``buf[off:end]`` so file readers decode in place
without slicing each record, and a live AF_PACKET source can pass ``(LinkType.ETHERNET,
frame, 0, len(frame), ...)``. It returns a Datagram or the SkipReason of the frame.
"""

from __future__ import annotations

import enum
import ipaddress
from struct import Struct

from ddsdoctor.capture.datagram import RTPS_MAGICS, Datagram
from ddsdoctor.capture.ipfrag import IpReassembler
from ddsdoctor.capture.stats import CaptureStats, SkipReason


class LinkType(enum.IntEnum):
    """pcap LINKTYPE_* values this package decodes (tcpdump.org/linktypes.html)."""

    NULL = 0  # BSD loopback: 4-byte address family in the capturing host's byte order
    ETHERNET = 1
    RAW_DLT12 = 12  # DLT_RAW as written by some platforms
    RAW_DLT14 = 14  # DLT_RAW on OpenBSD
    RAW = 101
    LOOP = 108  # OpenBSD loopback: address family in network byte order
    LINUX_SLL = 113
    IPV4 = 228
    IPV6 = 229
    WIRESHARK_UPPER_PDU = 252  # Wireshark "Export PDUs": TLV tags, then the bare PDU
    LINUX_SLL2 = 276


SUPPORTED_LINK_TYPES = frozenset(int(t) for t in LinkType)

_IP4 = Struct("!BBHHHBBHII")  # ver/ihl tos total id flags+frag ttl proto csum src dst
_U16 = Struct("!H")
_U16X2 = Struct("!HH")
_U32 = Struct("!I")
_UDP = Struct("!HHH")  # sport dport length (checksum not needed)
# Ethernet type, then IPv4 (ver/ihl, total, flags+frag, proto, src, dst), then UDP ports+length.
_ETH_IP4_UDP = Struct("!12xHBxH2xH1xB2xIIHHH").unpack_from
_FRAG6 = Struct("!BxHI")  # next header, offset+M, identification
_VLAN_TPIDS = frozenset((0x8100, 0x88A8, 0x9100, 0x9200))
_RAW_LINKS = frozenset((12, 14, 101, 228, 229))
# BSD address families for IPv6 (Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30).
_AF_INET6 = frozenset((10, 24, 28, 30))
# IPv6 extension headers walked to reach UDP (RFC 8200 §4; 51 = AH, RFC 4302).
_IP6_EXT = frozenset((0, 43, 60, 135, 139, 140, 253, 254))
_PT_UDP = 3  # Wireshark port_type PT_UDP in exported-PDU tag 24

_SHORT = SkipReason.SHORT
_BAD = SkipReason.BAD_HEADER
_NOT_UDP = SkipReason.NOT_UDP
_NOT_IP = SkipReason.NOT_IP
_CUT = SkipReason.CUT
_FRAGMENT = SkipReason.FRAGMENT

_new = tuple.__new__
_v4names: dict[int, str] = {}
_v6names: dict[bytes, str] = {}
_v4get = _v4names.get  # the cache is only ever cleared in place, so this stays bound


def _v4(addr: int) -> str:
    name = _v4names.get(addr)
    if name is None:
        if len(_v4names) > 65536:  # bound the cache on scans of huge address spaces
            _v4names.clear()
        name = f"{addr >> 24}.{(addr >> 16) & 255}.{(addr >> 8) & 255}.{addr & 255}"
        _v4names[addr] = name
    return name


def _v6(addr: bytes) -> str:
    name = _v6names.get(addr)
    if name is None:
        if len(_v6names) > 65536:
            _v6names.clear()
        name = _v6names[addr] = str(ipaddress.IPv6Address(addr))
    return name


def decode_frame(
    link: int,
    buf: bytes,
    off: int,
    end: int,
    ts: float,
    frame: int,
    wire_len: int,
    reasm: IpReassembler | None,
) -> Datagram | SkipReason:
    """Decode the frame ``buf[off:end]`` of link type ``link`` into a UDP Datagram.

    Returns a SkipReason instead when the frame carries no complete UDP datagram (not IP,
    not UDP, a buffered IP fragment, ...). Never raises on malformed bytes.
    """
    if link == 1 and end - off >= 42:
        # Fast path for the common case, one unpack: Ethernet II, IPv4 without options, not a
        # fragment, UDP, all within the frame. Anything else takes the general path below.
        et, vihl, total, frag, proto, src, dst, sport, dport, ulen = _ETH_IP4_UDP(buf, off)
        if (
            et == 0x0800
            and vihl == 0x45
            and proto == 17
            and not frag & 0x3FFF
            and 28 <= total <= end - off - 14
            and 8 <= ulen <= total - 20
        ):
            q = off + 42
            return _new(
                Datagram,
                (
                    ts,
                    _v4get(src) or _v4(src),
                    _v4get(dst) or _v4(dst),
                    sport,
                    dport,
                    buf[q : q + ulen - 8],
                    frame,
                    wire_len,
                    1,
                    4,
                    None,
                ),
            )
    vlan: int | None = None
    if link == 1:
        if end - off < 14:
            return _SHORT
        et = (buf[off + 12] << 8) | buf[off + 13]
        p = off + 14
        while et in _VLAN_TPIDS:  # 802.1Q / 802.1ad QinQ: keep the innermost VLAN id
            if end - p < 4:
                return _SHORT
            vlan = ((buf[p] << 8) | buf[p + 1]) & 0x0FFF
            et = (buf[p + 2] << 8) | buf[p + 3]
            p += 4
        if et == 0x0800:
            version = 4
        elif et == 0x86DD:
            version = 6
        else:
            return _NOT_IP
    elif link in _RAW_LINKS:
        p = off
        if p >= end:
            return _SHORT
        version = buf[p] >> 4
    elif link in (113, 276):
        hdr = 16 if link == 113 else 20
        if end - off < hdr:
            return _SHORT
        at = off + 14 if link == 113 else off
        et = (buf[at] << 8) | buf[at + 1]
        p = off + hdr
        while et in _VLAN_TPIDS:
            if end - p < 4:
                return _SHORT
            vlan = ((buf[p] << 8) | buf[p + 1]) & 0x0FFF
            et = (buf[p + 2] << 8) | buf[p + 3]
            p += 4
        if et == 0x0800:
            version = 4
        elif et == 0x86DD:
            version = 6
        else:
            return _NOT_IP
    elif link in (0, 108):
        if end - off < 4:
            return _SHORT
        fam = int.from_bytes(buf[off : off + 4], "big" if link == 108 else "little")
        if link == 0 and fam > 0xFFFF:  # written on a big-endian host
            fam = int.from_bytes(buf[off : off + 4], "big")
        if fam == 2:
            version = 4
        elif fam in _AF_INET6:
            version = 6
        else:
            return _NOT_IP
        p = off + 4
    elif link == 252:
        return _exported_pdu(buf, off, end, ts, frame, wire_len)
    else:
        return SkipReason.UNSUPPORTED_LINK

    if version == 6:
        return _ipv6(buf, p, end, ts, frame, wire_len, reasm, vlan)
    if version != 4:
        return _NOT_IP
    # IPv4 (RFC 791), inline: this is the hot path.
    if end - p < 20:
        return _SHORT
    vihl, _tos, total, ident, frag, _ttl, proto, _sum, src, dst = _IP4.unpack_from(buf, p)
    ihl = (vihl & 15) << 2
    if vihl >> 4 != 4 or ihl < 20:
        return _BAD
    if proto != 17:
        return _NOT_UDP
    if total == 0:  # TSO/GSO frame captured on the sender: length unknown, use the frame
        ip_end = end
    elif total < ihl:
        return _BAD
    else:
        ip_end = p + total
        if ip_end > end:
            ip_end = -1  # snaplen cut the IP packet
    q = p + ihl
    frames = 1
    if frag & 0x3FFF:  # MF set or offset != 0
        if ip_end < 0:
            return _CUT
        if reasm is None:
            return _FRAGMENT
        done = reasm.add(
            (4, src, dst, 17, ident),
            (frag & 0x1FFF) << 3,
            bool(frag & 0x2000),
            buf[q:ip_end],
            ts,
            wire_len,
        )
        if done is None:
            return _FRAGMENT
        buf, wire_len, frames = done
        q, ip_end = 0, len(buf)
    elif ip_end < 0:
        ip_end = end
    if ip_end - q < 8:
        return _SHORT
    sport, dport, ulen = _UDP.unpack_from(buf, q)
    if ulen < 8:
        if ulen:
            return _BAD
        uend = ip_end
    else:
        uend = q + ulen
        if uend > ip_end:
            return _CUT
    return _new(
        Datagram,
        (
            ts,
            _v4get(src) or _v4(src),
            _v4get(dst) or _v4(dst),
            sport,
            dport,
            buf[q + 8 : uend],
            frame,
            wire_len,
            frames,
            4,
            vlan,
        ),
    )


def _ipv6(
    buf: bytes,
    p: int,
    end: int,
    ts: float,
    frame: int,
    wire_len: int,
    reasm: IpReassembler | None,
    vlan: int | None,
) -> Datagram | SkipReason:
    """IPv6 (RFC 8200): walk extension headers, reassemble fragments, decode UDP."""
    if end - p < 40:
        return _SHORT
    if buf[p] >> 4 != 6:
        return _BAD
    plen = (buf[p + 4] << 8) | buf[p + 5]
    nh = buf[p + 6]
    src = buf[p + 8 : p + 24]
    dst = buf[p + 24 : p + 40]
    ip_end = p + 40 + plen if plen else end  # 0 = jumbogram (RFC 2675): trust the frame
    cut = ip_end > end
    if cut:
        ip_end = end
    q, nh = _walk_ext(buf, p + 40, ip_end, nh)
    if q < 0:
        return _SHORT
    frames = 1
    if nh == 44:  # fragment header
        if ip_end - q < 8:
            return _SHORT
        nh, offm, ident = _FRAG6.unpack_from(buf, q)
        q += 8
        if nh != 17 and nh not in _IP6_EXT and nh != 51:
            return _NOT_UDP  # only UDP (possibly behind more extension headers) is kept
        if cut:
            return _CUT
        if reasm is None:
            return _FRAGMENT
        done = reasm.add(
            (6, src, dst, ident), offm & 0xFFF8, bool(offm & 1), buf[q:ip_end], ts, wire_len
        )
        if done is None:
            return _FRAGMENT
        buf, wire_len, frames = done
        q, nh = _walk_ext(buf, 0, len(buf), nh)
        if q < 0:
            return _SHORT
        ip_end = len(buf)
    if nh != 17:
        return _NOT_UDP
    if ip_end - q < 8:
        return _SHORT
    sport, dport, ulen = _UDP.unpack_from(buf, q)
    if ulen < 8:
        if ulen:
            return _BAD
        uend = ip_end
    else:
        uend = q + ulen
        if uend > ip_end:
            return _CUT
    return _new(
        Datagram,
        (ts, _v6(src), _v6(dst), sport, dport, buf[q + 8 : uend], frame, wire_len, frames, 6, vlan),
    )


def _walk_ext(buf: bytes, q: int, end: int, nh: int) -> tuple[int, int]:
    """Skip IPv6 extension headers up to UDP or a fragment header; (-1, nh) when cut."""
    while nh in _IP6_EXT or nh == 51:
        if end - q < 8:
            return -1, nh
        hlen = (buf[q + 1] + 2) * 4 if nh == 51 else (buf[q + 1] + 1) * 8
        nh = buf[q]
        q += hlen
    if q > end:
        return -1, nh
    return q, nh


def _exported_pdu(
    buf: bytes, off: int, end: int, ts: float, frame: int, wire_len: int
) -> Datagram | SkipReason:
    """Wireshark exported PDU (LINKTYPE 252): TLV tags (epan/exported_pdu.h), then the PDU."""
    p = off
    src = dst = ""
    sport = dport = version = 0
    port_type = _PT_UDP
    while True:
        if end - p < 4:
            return _SHORT
        tag, tlen = _U16X2.unpack_from(buf, p)
        p += 4
        if tag == 0:  # EXP_PDU_TAG_END_OF_OPT
            break
        if end - p < tlen:
            return _SHORT
        if tlen == 4 and tag in (20, 21):  # IPV4_SRC / IPV4_DST
            addr = _v4(_U32.unpack_from(buf, p)[0])
            if tag == 20:
                src = addr
            else:
                dst = addr
            version = 4
        elif tlen == 16 and tag in (22, 23):  # IPV6_SRC / IPV6_DST
            addr = _v6(buf[p : p + 16])
            if tag == 22:
                src = addr
            else:
                dst = addr
            version = 6
        elif tlen == 4 and tag in (24, 25, 26):  # PORT_TYPE / SRC_PORT / DST_PORT
            val = _U32.unpack_from(buf, p)[0]
            if tag == 24:
                port_type = val
            elif tag == 25:
                sport = val & 0xFFFF
            else:
                dport = val & 0xFFFF
        p += tlen
    if port_type != _PT_UDP:
        return SkipReason.NOT_UDP_PDU
    return _new(
        Datagram, (ts, src, dst, sport, dport, buf[p:end], frame, wire_len, 1, version, None)
    )


class FrameDecoder:
    """Stateful per-frame decoder for live sources: counts into CaptureStats, reassembles.

    ``decode(link, frame, ts, number)`` returns the Datagram (RTPS only unless
    ``rtps_only=False``) or None; file readers use ``decode_frame`` directly.
    """

    def __init__(
        self,
        stats: CaptureStats | None = None,
        *,
        reassemble: bool = True,
        rtps_only: bool = True,
        reassembler: IpReassembler | None = None,
    ) -> None:
        self.stats = stats if stats is not None else CaptureStats()
        if reassembler is not None:
            reassembler.stats = self.stats
        elif reassemble:
            reassembler = IpReassembler(self.stats)
        self.reassembler = reassembler
        self.rtps_only = rtps_only

    def decode(
        self, link: int, frame: bytes, ts: float, number: int, wire_len: int | None = None
    ) -> Datagram | None:
        """Decode one whole link-layer frame; update the stats; None when nothing to yield."""
        stats = self.stats
        n = len(frame)
        stats.frames += 1
        stats.captured_bytes += n
        stats.wire_bytes += n if wire_len is None else wire_len
        if stats.first_time is None:
            stats.first_time = ts
        stats.last_time = ts
        stats.link_types.add(link)
        res = decode_frame(
            link, frame, 0, n, ts, number, n if wire_len is None else wire_len, self.reassembler
        )
        if isinstance(res, SkipReason):
            stats.skips[res] += 1
            return None
        stats.udp_datagrams += 1
        if res.payload.startswith(RTPS_MAGICS):
            stats.rtps_datagrams += 1
            return res
        stats.non_rtps_udp += 1
        return None if self.rtps_only else res

    def finish(self) -> None:
        """Call when the source ends: partial IP datagrams are counted as incomplete."""
        if self.reassembler is not None:
            self.reassembler.finish()

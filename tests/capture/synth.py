"""Build capture files around real RTPS payloads: other link types, VLANs, IPv6, fragments.

The payloads come from the corpus; only the encapsulation is synthetic, and tshark reads
the result as the oracle, so a mistake here fails the comparison instead of hiding.
"""

from __future__ import annotations

import ipaddress
import struct
from collections.abc import Iterable, Sequence
from pathlib import Path

ETH_SRC, ETH_DST = bytes.fromhex("020000000001"), bytes.fromhex("01005e7f0001")


def ipv4(
    src: str,
    dst: str,
    proto: int,
    body: bytes,
    *,
    ident: int = 1,
    offset: int = 0,
    more: bool = False,
    total: int | None = None,
) -> bytes:
    flags = (0x2000 if more else 0) | (offset >> 3)
    length = 20 + len(body) if total is None else total
    return (
        struct.pack(
            "!BBHHHBBH4s4s",
            0x45,
            0,
            length,
            ident,
            flags,
            64,
            proto,
            0,
            ipaddress.IPv4Address(src).packed,
            ipaddress.IPv4Address(dst).packed,
        )
        + body
    )


def udp(sport: int, dport: int, payload: bytes) -> bytes:
    return struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload


def ipv4_fragments(src: str, dst: str, body: bytes, size: int, ident: int) -> list[bytes]:
    """IPv4 fragments of ``body`` (an IP payload) with ``size`` bytes (multiple of 8) each."""
    return [
        ipv4(src, dst, 17, body[o : o + size], ident=ident, offset=o, more=o + size < len(body))
        for o in range(0, len(body), size)
    ]


def ipv6(src: str, dst: str, nh: int, body: bytes) -> bytes:
    return (
        struct.pack(
            "!IHBB16s16s",
            0x60000000,
            len(body),
            nh,
            64,
            ipaddress.IPv6Address(src).packed,
            ipaddress.IPv6Address(dst).packed,
        )
        + body
    )


def ext(nh: int, kind: str = "hbh") -> bytes:
    """An 8-byte hop-by-hop or destination-options header (PadN) before ``nh``."""
    return struct.pack("!BB", nh, 0) + b"\x01\x04\x00\x00\x00\x00"


def ipv6_fragments(src: str, dst: str, body: bytes, size: int, ident: int) -> list[bytes]:
    """IPv6 datagrams with a hop-by-hop header then a fragment header (RFC 8200 §4.5)."""
    out = []
    for o in range(0, len(body), size):
        more = o + size < len(body)
        frag = struct.pack("!BBHI", 17, 0, o | (1 if more else 0), ident)
        out.append(ipv6(src, dst, 0, ext(44) + frag + body[o : o + size]))
    return out


def ethernet(ip_packet: bytes, version: int = 4, vlans: Sequence[int] = ()) -> bytes:
    head = ETH_DST + ETH_SRC
    tpids = [0x88A8] * (len(vlans) - 1) + [0x8100] if vlans else []
    for tpid, vid in zip(tpids, vlans, strict=True):
        head += struct.pack("!HH", tpid, vid)
    return head + struct.pack("!H", 0x0800 if version == 4 else 0x86DD) + ip_packet


def sll(ip_packet: bytes, version: int = 4) -> bytes:
    proto = 0x0800 if version == 4 else 0x86DD
    return struct.pack("!HHH8sH", 0, 1, 6, ETH_SRC + b"\0\0", proto) + ip_packet


def sll2(ip_packet: bytes, version: int = 4) -> bytes:
    proto = 0x0800 if version == 4 else 0x86DD
    return struct.pack("!HHIHBB8s", proto, 0, 2, 1, 0, 6, ETH_SRC + b"\0\0") + ip_packet


def null(
    ip_packet: bytes,
    version: int = 4,
    *,
    big_endian: bool = False,
    loop: bool = False,
) -> bytes:
    fam = 2 if version == 4 else 30
    return struct.pack("!I" if big_endian or loop else "<I", fam) + ip_packet


def write_pcap(
    path: Path,
    link: int,
    frames: Iterable[tuple[float, bytes]],
    *,
    big_endian: bool = False,
    nano: bool = False,
) -> Path:
    e = ">" if big_endian else "<"
    magic = 0xA1B23C4D if nano else 0xA1B2C3D4
    out = [struct.pack(e + "IHHiIII", magic, 2, 4, 0, 0, 262144, link)]
    for ts, frame in frames:
        sec = int(ts)
        frac = round((ts - sec) * (1e9 if nano else 1e6))
        out.append(struct.pack(e + "IIII", sec, frac, len(frame), len(frame)) + frame)
    path.write_bytes(b"".join(out))
    return path


def _block(e: str, btype: int, body: bytes) -> bytes:
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack(e + "II", btype, n) + body + struct.pack(e + "I", n)


def write_pcapng(
    path: Path,
    interfaces: Sequence[tuple[int, int]],
    packets: Iterable[tuple[int, float, bytes]],
    *,
    big_endian: bool = False,
    simple: bool = False,
) -> Path:
    """``interfaces`` = (link type, if_tsresol); ``packets`` = (interface, time, frame)."""
    e = ">" if big_endian else "<"
    out = [_block(e, 0x0A0D0D0A, struct.pack(e + "IHHq", 0x1A2B3C4D, 1, 0, -1))]
    for link, resol in interfaces:
        opts = struct.pack(e + "HHB3x", 9, 1, resol) + struct.pack(e + "HH", 0, 0)
        out.append(_block(e, 1, struct.pack(e + "HHI", link, 0, 0) + opts))
    out.append(_block(e, 0x80000001, b"custom"))  # a block readers must skip
    for ifid, ts, frame in packets:
        resol = interfaces[ifid][1]
        unit = 2.0 ** -(resol & 0x7F) if resol & 0x80 else 10.0**-resol
        ticks = round(ts / unit)
        if simple:
            out.append(_block(e, 3, struct.pack(e + "I", len(frame)) + frame))
        else:
            out.append(
                _block(
                    e,
                    6,
                    struct.pack(
                        e + "IIIII", ifid, ticks >> 32, ticks & 0xFFFFFFFF, len(frame), len(frame)
                    )
                    + frame,
                )
            )
    path.write_bytes(b"".join(out))
    return path

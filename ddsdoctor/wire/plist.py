"""Parameter lists (DDSI-RTPS 2.5 §9.4.2.11, XTypes 1.3 §7.4.1.2) and CDR value decoders.

A list is ``u16 pid, u16 length, value`` repeated until PID_SENTINEL (or the end of the
buffer), in the byte order of the encapsulation (payloads) or of the submessage E flag
(inline QoS). PID_PAD and PID_IGNORE are skipped; PID_EXTENDED carries a 32-bit member id
and length; PID_LIST_END ends the list like the sentinel.
"""

from __future__ import annotations

from dataclasses import dataclass
from struct import Struct

from ddsdoctor.wire.errors import WireError

PID_PAD = 0x0000
PID_SENTINEL = 0x0001
PID_EXTENDED = 0x3F01
PID_LIST_END = 0x3F02
PID_IGNORE = 0x3F03

# Encapsulation ids (representation identifier, always big-endian: rtps-facts.md §4.1).
CDR_BE, CDR_LE, PL_CDR_BE, PL_CDR_LE = 0x0000, 0x0001, 0x0002, 0x0003
PL_CDR2_BE, PL_CDR2_LE = 0x000A, 0x000B
PL_ENCAPSULATIONS = {PL_CDR_BE: False, PL_CDR_LE: True, PL_CDR2_BE: False, PL_CDR2_LE: True}

_HH = {True: Struct("<HH"), False: Struct(">HH")}
_II = {True: Struct("<II"), False: Struct(">II")}
_U32 = {True: Struct("<I"), False: Struct(">I")}
_I32 = {True: Struct("<i"), False: Struct(">i")}
MAX_ITEMS = 1 << 16
"""Cap on sequence lengths, so a corrupt count cannot make a decoder loop for long."""


@dataclass(frozen=True, slots=True)
class ParameterList:
    """Decoded parameters in wire order (repeats kept: one locator per parameter)."""

    params: tuple[tuple[int, bytes], ...]
    little_endian: bool
    terminated: bool
    """True when PID_SENTINEL (or PID_LIST_END) closed the list."""

    def first(self, pid: int) -> bytes | None:
        for p, value in self.params:
            if p == pid:
                return value
        return None

    def all(self, pid: int) -> list[bytes]:
        return [value for p, value in self.params if p == pid]

    def __contains__(self, pid: object) -> bool:
        return any(p == pid for p, _ in self.params)

    @property
    def pids(self) -> tuple[int, ...]:
        return tuple(p for p, _ in self.params)


def parse_parameter_list(
    buf: bytes, off: int, end: int, little_endian: bool, *, need_sentinel: bool = False
) -> tuple[ParameterList, int]:
    """Parse ``buf[off:end]``; return the list and the offset just past it.

    ``need_sentinel`` is for inline QoS, whose end is only known from the sentinel.
    """
    hh = _HH[little_endian]
    params: list[tuple[int, bytes]] = []
    p = off
    while True:
        if end - p < 4:
            if p == end and not need_sentinel:
                return ParameterList(tuple(params), little_endian, False), p
            raise WireError("parameter list ends inside a parameter header", p)
        pid, length = hh.unpack_from(buf, p)
        p += 4
        if pid in (PID_SENTINEL, PID_LIST_END):
            # The sentinel's length is normally 0, but skip it anyway (rtps-facts.md §5).
            return ParameterList(tuple(params), little_endian, True), min(p + length, end)
        if end - p < length:
            raise WireError(f"parameter 0x{pid:04x} ({length} bytes) runs past the end", p)
        if pid == PID_EXTENDED:
            if length < 8:
                raise WireError("PID_EXTENDED shorter than 8 bytes", p)
            member, xlen = _II[little_endian].unpack_from(buf, p)
            p += length
            if end - p < xlen:
                raise WireError("extended parameter runs past the end", p)
            ident = member & 0x0FFFFFFF
            if ident <= 0x3FFF:  # keep the XCDR1 flag convention: I -> 0x8000, M -> 0x4000
                ident |= (0x8000 if member & 0x80000000 else 0) | (
                    0x4000 if member & 0x40000000 else 0
                )
            params.append((ident, buf[p : p + xlen]))
            p += xlen
            continue
        if pid not in (PID_PAD, PID_IGNORE):
            params.append((pid, buf[p : p + length]))
        p += length


# ---- value decoders: (value bytes, little endian) -> python value; raise WireError -------


def u32(value: bytes, le: bool) -> int:
    if len(value) < 4:
        raise WireError("parameter too short for a 32-bit value")
    return int(_U32[le].unpack_from(value)[0])


def i32(value: bytes, le: bool) -> int:
    if len(value) < 4:
        raise WireError("parameter too short for a 32-bit value")
    return int(_I32[le].unpack_from(value)[0])


def i32s(value: bytes, le: bool, count: int) -> tuple[int, ...]:
    if len(value) < 4 * count:
        raise WireError(f"parameter too short for {count} 32-bit values")
    return tuple(Struct(("<" if le else ">") + "i" * count).unpack_from(value))


def boolean(value: bytes) -> bool:
    if not value:
        raise WireError("empty boolean parameter")
    return value[0] != 0


def string_at(value: bytes, off: int, le: bool) -> tuple[str, int]:
    """CDR string at ``off`` (4-aligned): returns the text and the aligned offset after it."""
    off = (off + 3) & ~3
    if len(value) - off < 4:
        raise WireError("string length runs past the parameter", off)
    n = _U32[le].unpack_from(value, off)[0]
    start = off + 4
    if len(value) - start < n:
        raise WireError(f"string of {n} bytes runs past the parameter", off)
    raw = value[start : start + n]
    cut = raw.find(b"\0")  # the length includes the NUL; stop at the first one
    if cut >= 0:
        raw = raw[:cut]
    return raw.decode("utf-8", "replace"), start + n


def string(value: bytes, le: bool) -> str:
    return string_at(value, 0, le)[0]


def strings(value: bytes, le: bool) -> tuple[str, ...]:
    """Sequence of strings (PID_PARTITION, content filter parameters)."""
    n = u32(value, le)
    if n > MAX_ITEMS or n * 4 > len(value) - 4:
        raise WireError(f"string sequence of {n} items cannot fit in {len(value)} bytes")
    out: list[str] = []
    off = 4
    for _ in range(n):
        text, off = string_at(value, off, le)
        out.append(text)
    return tuple(out)


def octets_at(value: bytes, off: int, le: bool) -> tuple[bytes, int]:
    off = (off + 3) & ~3
    if len(value) - off < 4:
        raise WireError("octet sequence length runs past the parameter", off)
    n = _U32[le].unpack_from(value, off)[0]
    start = off + 4
    if len(value) - start < n:
        raise WireError(f"octet sequence of {n} bytes runs past the parameter", off)
    return value[start : start + n], start + n


def octets(value: bytes, le: bool) -> bytes:
    """Octet sequence (USER_DATA, TOPIC_DATA, GROUP_DATA)."""
    return octets_at(value, 0, le)[0]


def properties(value: bytes, le: bool) -> tuple[tuple[str, str], ...]:
    """PID_PROPERTY_LIST: string pairs; a DDS-Security binary-property tail is ignored."""
    n = u32(value, le)
    if n > MAX_ITEMS or n * 8 > len(value) - 4:
        raise WireError(f"property list of {n} items cannot fit in {len(value)} bytes")
    out: list[tuple[str, str]] = []
    off = 4
    for _ in range(n):
        name, off = string_at(value, off, le)
        text, off = string_at(value, off, le)
        out.append((name, text))
    return tuple(out)

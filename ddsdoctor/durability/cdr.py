"""A bounded reader for the plain CDR that OpenSplice's DDSI2 writes for the ``d_*`` topics.

Encoding rules (opensplice-durability-protocol.md §4): a 4-byte encapsulation header (CDR_BE
``00 00`` or CDR_LE ``00 01``), primitives aligned to their size counted from the first byte
after that header, booleans and octets 1 byte, enums 4 bytes, strings as a u32 length that
includes the NUL (**length 0 = a NULL string**, which OpenSplice's ``sd_cdr.c`` writes and
standard CDR does not have), sequences as a u32 count, and 0-3 bytes of trailing padding.
Every malformed input raises :class:`DecodeError` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from struct import Struct
from typing import TypeVar

T = TypeVar("T")

CDR_BE = 0x0000
CDR_LE = 0x0001
ENCAPSULATION_SIZE = 4
MAX_TRAILING_PAD = 3

_U32 = {True: Struct("<I"), False: Struct(">I")}
_I32 = {True: Struct("<i"), False: Struct(">i")}


class DecodeError(ValueError):
    """A ``d_*`` payload that does not decode; ``offset`` is relative to the payload start."""

    def __init__(self, message: str, offset: int = 0) -> None:
        super().__init__(f"{message} (at byte {offset})")
        self.offset = offset


class CdrReader:
    """Sequential reads over one serialized sample, encapsulation header included."""

    __slots__ = ("_i32", "_u32", "buf", "little_endian", "pos")

    def __init__(self, payload: bytes) -> None:
        if len(payload) < ENCAPSULATION_SIZE:
            raise DecodeError(f"payload of {len(payload)} bytes has no encapsulation header")
        kind = (payload[0] << 8) | payload[1]
        if kind not in (CDR_BE, CDR_LE):
            raise DecodeError(f"encapsulation 0x{kind:04x} is not plain CDR (0x0000/0x0001)")
        self.buf = payload
        self.little_endian = kind == CDR_LE
        self._u32 = _U32[self.little_endian].unpack_from
        self._i32 = _I32[self.little_endian].unpack_from
        self.pos = ENCAPSULATION_SIZE

    @property
    def offset(self) -> int:
        """Position relative to the first byte after the encapsulation header."""
        return self.pos - ENCAPSULATION_SIZE

    @property
    def remaining(self) -> int:
        return len(self.buf) - self.pos

    def _need(self, size: int, what: str) -> None:
        if self.pos + size > len(self.buf):
            raise DecodeError(f"{what} runs past the end of the payload", self.offset)

    def align(self, size: int) -> None:
        # Alignment counts from the payload start; with no 8-byte member the result is the
        # same as counting from the header start (§4), but be exact anyway.
        pad = -self.offset % size
        self._need(pad, "alignment padding")
        self.pos += pad

    def u32(self, what: str = "u32") -> int:
        self.align(4)
        self._need(4, what)
        value: int = self._u32(self.buf, self.pos)[0]
        self.pos += 4
        return value

    def i32(self, what: str = "i32") -> int:
        self.align(4)
        self._need(4, what)
        value: int = self._i32(self.buf, self.pos)[0]
        self.pos += 4
        return value

    def boolean(self, what: str = "boolean") -> bool:
        self._need(1, what)
        value = self.buf[self.pos]
        if value > 1:
            raise DecodeError(f"{what} is {value}, not 0 or 1", self.offset)
        self.pos += 1
        return value == 1

    def enum(self, what: str, limit: int) -> int:
        """A 4-byte enumeration value in ``0 .. limit-1`` (``sd_cdr.c``: enums are 4 bytes)."""
        at = self.offset
        value = self.u32(what)
        if value >= limit:
            raise DecodeError(f"{what} {value} is outside 0..{limit - 1}", at)
        return value

    def string(self, what: str = "string") -> str | None:
        """A CDR string; length 0 is OpenSplice's NULL string and reads as None."""
        at = self.offset
        length = self.u32(f"{what} length")
        if length == 0:
            return None
        self._need(length, what)
        raw = self.buf[self.pos : self.pos + length]
        self.pos += length
        if raw[-1] != 0:
            raise DecodeError(f"{what} of length {length} is not NUL-terminated", at)
        return raw[:-1].split(b"\0", 1)[0].decode("utf-8", "replace")

    def octets(self, what: str = "octet sequence") -> bytes:
        count = self.u32(f"{what} length")
        self._need(count, what)
        raw = bytes(self.buf[self.pos : self.pos + count])
        self.pos += count
        return raw

    def sequence(self, read: Callable[[], T], what: str, min_size: int) -> tuple[T, ...]:
        """A sequence whose elements take at least ``min_size`` bytes each (bounds the count)."""
        at = self.offset
        count = self.u32(f"{what} length")
        if count * min_size > self.remaining:
            raise DecodeError(f"{what} claims {count} elements, more than the payload holds", at)
        return tuple(read() for _ in range(count))

    def finish(self, what: str) -> None:
        """The payload must be consumed up to at most 3 bytes of trailing padding (§4)."""
        left = self.remaining
        if left > MAX_TRAILING_PAD:
            raise DecodeError(f"{left} bytes left after the end of {what}", self.offset)

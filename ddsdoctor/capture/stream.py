"""Byte streams under the capture readers: plain files and gzip that never raise mid-file.

A capture cut short (copied while tcpdump was writing, a truncated download) must still
yield everything before the cut, so reads return short instead of raising, and the reason
is kept in ``error``.
"""

from __future__ import annotations

import logging
import zlib
from typing import BinaryIO

log = logging.getLogger(__name__)

GZIP_MAGIC = b"\x1f\x8b"


class SafeStream:
    """``read(n)`` over a binary file (optionally gzip) that returns b'' after any error."""

    def __init__(self, raw: BinaryIO, head: bytes, *, gzip: bool) -> None:
        self._raw = raw
        self._pending = head  # bytes already read for format detection
        self._gzip = gzip
        self._z = zlib.decompressobj(16 + zlib.MAX_WBITS) if gzip else None
        self._out = b""
        self._eof = False
        self.error: str | None = None
        self.truncated = False

    def read(self, n: int) -> bytes:
        """Up to ``n`` bytes; fewer only at the end of the stream or after an error."""
        if not self._gzip:
            data = self._pending[:n]
            self._pending = self._pending[n:]
            if len(data) < n and not self._eof:
                more = self._raw_read(n - len(data))
                data += more
            return data
        while len(self._out) < n and not self._eof:
            self._inflate(max(n, 1 << 16))
        data = self._out[:n]
        self._out = self._out[n:]
        return data

    def _raw_read(self, n: int) -> bytes:
        try:
            data = self._raw.read(n)
        except OSError as exc:
            self.error = f"read error: {exc}"
            data = b""
        if not data:
            self._eof = True
        return data or b""

    def _inflate(self, n: int) -> None:
        z = self._z
        assert z is not None
        if self._pending:
            comp, self._pending = self._pending, b""
        else:
            comp = self._raw_read(n)
            if not comp:
                if not z.eof:  # compressed stream ends without its end marker
                    self._out += z.flush()
                    self.truncated = True
                return
        try:
            self._out += z.decompress(comp)
            while z.eof and z.unused_data:  # concatenated gzip members (RFC 1952 §2.2)
                rest = z.unused_data
                z = self._z = zlib.decompressobj(16 + zlib.MAX_WBITS)
                self._out += z.decompress(rest)
        except zlib.error as exc:
            self.error = f"gzip stream is corrupt: {exc}"
            self._eof = True

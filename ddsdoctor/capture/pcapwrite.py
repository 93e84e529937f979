"""Streaming pcap writer for live captures: whole records, flushed often, never fatal.

The file is classic libpcap format (pcap-savefile(5)), microsecond timestamps, native byte
order, as tcpdump writes it: every tool reads it. A record is written header and data
together, and the live source's housekeeping flushes the buffer four times a second and at
close, so a capture stopped by SIGINT, SIGTERM or ``--duration`` leaves a complete file, and
a killed one loses at most the last fraction of a second (readers then report a truncated
last record).
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path
from struct import Struct
from typing import BinaryIO

log = logging.getLogger(__name__)

_FILE_HEADER = Struct("=IHHiIII")  # magic, v2.4, thiszone, sigfigs, snaplen, linktype
_RECORD = Struct("=IIII")  # ts_sec, ts_usec, incl_len, orig_len
PCAP_MAGIC_USEC = 0xA1B2C3D4


class PcapWriteError(Exception):
    """The output file cannot be created."""


class PcapWriter:
    """Append frames to a pcap file. ``write`` never raises: a failure stops writing and is
    kept in ``error`` (the capture goes on; the report says the file is incomplete)."""

    def __init__(self, path: str | os.PathLike[str], linktype: int, snaplen: int) -> None:
        self.path = Path(path)
        try:
            self._fh: BinaryIO | None = self.path.open("wb", buffering=1 << 20)
        except OSError as exc:
            raise PcapWriteError(f"cannot write {self.path}: {exc.strerror}") from None
        self.records = 0
        self.bytes = 0
        self.error: str | None = None
        self._write(_FILE_HEADER.pack(PCAP_MAGIC_USEC, 2, 4, 0, 0, snaplen, linktype))
        self.flush()

    def write(self, sec: int, usec: int, data: bytes | memoryview, orig_len: int) -> None:
        """One record: timestamp, the captured bytes and the frame's length on the wire."""
        fh = self._fh
        if fh is None:
            return
        n = len(data)
        try:
            fh.write(_RECORD.pack(sec, usec, n, orig_len))
            fh.write(data)
        except (OSError, ValueError) as exc:
            self._fail(exc)
            return
        self.records += 1
        self.bytes += n

    def flush(self) -> None:
        if self._fh is None:
            return
        try:
            self._fh.flush()
        except OSError as exc:
            self._fail(exc)

    def close(self) -> None:
        fh, self._fh = self._fh, None
        if fh is None:
            return
        try:
            fh.close()  # flushes
        except OSError as exc:
            self.error = self.error or f"cannot write {self.path}: {exc.strerror or exc}"

    def _write(self, data: bytes) -> None:
        assert self._fh is not None
        try:
            self._fh.write(data)
        except OSError as exc:
            self._fail(exc)

    def _fail(self, exc: Exception) -> None:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
        self.error = f"cannot write {self.path}: {reason}"
        log.error("%s; the capture goes on without writing", self.error)
        fh, self._fh = self._fh, None
        if fh is not None:
            with contextlib.suppress(OSError):
                fh.close()

"""The seam every packet source implements: iterate Datagrams, keep CaptureStats, close."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from ddsdoctor.capture.datagram import Datagram
from ddsdoctor.capture.stats import CaptureStats


@runtime_checkable
class PacketSource(Protocol):
    """A capture file (``CaptureReader``) or a live socket: yields UDP datagrams.

    The live source (``capture.live.LiveSource``) decodes each frame of its ring in place
    with ``frames.decode_frame`` (what ``FrameDecoder`` wraps), counting into its stats once
    per block; its ``stats`` are ``LiveCaptureStats`` (``CaptureStats`` plus ``live``).
    """

    stats: CaptureStats

    def __iter__(self) -> Iterator[Datagram]: ...

    def close(self) -> None: ...

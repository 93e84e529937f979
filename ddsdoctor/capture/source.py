"""The seam every packet source implements: iterate Datagrams, keep CaptureStats, close."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Protocol, runtime_checkable

from ddsdoctor.capture.datagram import Datagram
from ddsdoctor.capture.stats import CaptureStats


@runtime_checkable
class PacketSource(Protocol):
    """A capture file (``CaptureReader``) or a live socket: yields UDP datagrams.

    A live AF_PACKET source builds on ``FrameDecoder``: for each raw frame it calls
    ``decoder.decode(LinkType.ETHERNET, frame, time.time(), n)`` and yields what is not None;
    on stop it calls ``decoder.finish()``. Its ``stats`` is the decoder's.
    """

    stats: CaptureStats

    def __iter__(self) -> Iterator[Datagram]: ...

    def close(self) -> None: ...

"""Packet sources yielding one Datagram type: capture files here, live sockets in ``live``.

``ddsdoctor.capture.live.LiveSource`` is not imported here: it is only needed by
``topology --iface`` (docs/live-capture.md).
"""

from __future__ import annotations

from ddsdoctor.capture.datagram import RTPS_MAGICS, Datagram, is_rtps
from ddsdoctor.capture.frames import FrameDecoder, LinkType, decode_frame
from ddsdoctor.capture.ipfrag import IpReassembler
from ddsdoctor.capture.pcap import CaptureError, CaptureReader, read_capture
from ddsdoctor.capture.source import PacketSource
from ddsdoctor.capture.stats import CaptureStats, SkipReason

__all__ = [
    "RTPS_MAGICS",
    "CaptureError",
    "CaptureReader",
    "CaptureStats",
    "Datagram",
    "FrameDecoder",
    "IpReassembler",
    "LinkType",
    "PacketSource",
    "SkipReason",
    "decode_frame",
    "is_rtps",
    "read_capture",
]

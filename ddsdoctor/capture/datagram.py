"""The one datagram type every packet source yields (files now, live sockets later)."""

from __future__ import annotations

from typing import NamedTuple

from ddsdoctor.wire.ids import RTPS_MAGICS

__all__ = ["RTPS_MAGICS", "Datagram", "is_rtps"]


class Datagram(NamedTuple):
    """One UDP datagram (after IP reassembly), as seen on the wire.

    A NamedTuple rather than a frozen dataclass on purpose: it is immutable and has no
    ``__dict__`` (``__slots__ = ()``) like a frozen slotted dataclass, but it is built in
    ~0.2 µs instead of ~1.5 µs, and a source builds one per packet (hundreds of thousands
    per second; see docs/wire.md, "Performance").
    """

    time: float
    """Capture time, epoch seconds (of the last fragment when IP-reassembled)."""
    src: str
    """Source IP address ('' when the link layer carries none, e.g. an exported PDU)."""
    dst: str
    """Destination IP address."""
    sport: int
    dport: int
    payload: bytes
    """UDP payload (an RTPS message for RTPS traffic)."""
    frame: int
    """1-based frame number in the capture (of the last fragment when reassembled)."""
    wire_len: int
    """Bytes on the wire: original frame length, summed over IP fragments."""
    frames: int
    """Number of link-layer frames (1, or the fragment count when reassembled)."""
    ip_version: int
    """4 or 6 (0 when unknown, e.g. an exported PDU without addresses)."""
    vlan: int | None
    """Innermost 802.1Q VLAN id, None when untagged."""

    @property
    def is_rtps(self) -> bool:
        return self.payload.startswith(RTPS_MAGICS)


def is_rtps(payload: bytes) -> bool:
    """True when ``payload`` starts with the RTPS (or RTI RTPX) magic, on any port."""
    return payload.startswith(RTPS_MAGICS)

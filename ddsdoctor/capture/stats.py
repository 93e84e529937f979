"""Counters a packet source keeps: frames, bytes, what was skipped and why, truncation."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class SkipReason(enum.IntEnum):
    """Why a frame produced no datagram. Values index ``CaptureStats.skips``."""

    UNSUPPORTED_LINK = 0
    """Link type this reader does not decode."""
    NOT_IP = 1
    """Link-layer payload is not IPv4/IPv6 (ARP, LLDP, ...)."""
    NOT_UDP = 2
    """IP payload is not UDP (TCP, ICMP, IGMP, ESP, ...)."""
    SHORT = 3
    """Frame too short for the headers it announces (often a small snaplen)."""
    BAD_HEADER = 4
    """Inconsistent IP or UDP header (bad version, lengths)."""
    CUT = 5
    """Captured bytes end before the UDP datagram does (snaplen); the datagram is dropped."""
    FRAGMENT = 6
    """An IP fragment taken by the reassembler that did not complete a datagram (yet)."""
    NOT_UDP_PDU = 7
    """Exported PDU that does not come from UDP (e.g. TCP-based dissector)."""


_N_REASONS = len(SkipReason)


@dataclass(slots=True)
class CaptureStats:
    """Mutable counters filled while a source is read. One per source."""

    format: str = ""
    """'pcap', 'pcapng', 'pcap-gzip', 'pcapng-gzip', 'live' or '' when not recognised."""
    link_types: set[int] = field(default_factory=set)
    frames: int = 0
    """Link-layer frames read (records in the file)."""
    captured_bytes: int = 0
    """Bytes captured (sum of record capture lengths)."""
    wire_bytes: int = 0
    """Bytes on the wire (sum of original frame lengths)."""
    udp_datagrams: int = 0
    """UDP datagrams produced (after reassembly), RTPS or not."""
    rtps_datagrams: int = 0
    """UDP datagrams whose payload starts with the RTPS magic."""
    non_rtps_udp: int = 0
    """UDP datagrams without the RTPS magic (mDNS, Cyclone 1-byte wake-ups, ...)."""
    skips: list[int] = field(default_factory=lambda: [0] * _N_REASONS)
    """Frames that produced no datagram, indexed by SkipReason."""
    ip_fragments: int = 0
    reassembled: int = 0
    """Datagrams rebuilt from IP fragments."""
    frag_expired: int = 0
    """Partial datagrams dropped because their first fragment became too old."""
    frag_evicted: int = 0
    """Partial datagrams dropped to stay within the buffer/byte limits."""
    frag_incomplete: int = 0
    """Partial datagrams still incomplete when the source ended."""
    frag_dropped: int = 0
    """Fragments refused: duplicates, beyond 64 KiB, or part of a datagram already dropped."""
    other_blocks: int = 0
    """pcapng blocks that are not packets (statistics, name resolution, custom, ...)."""
    first_time: float | None = None
    last_time: float | None = None
    truncated: bool = False
    """The file ends in the middle of a record or block; everything before was read."""
    truncated_at: int | None = None
    """Byte offset of the incomplete record (in the uncompressed stream)."""
    format_error: str | None = None
    """Why reading stopped early: unknown format, corrupt record length, I/O error."""

    def add_batch(
        self,
        frames: int,
        captured: int,
        wire: int,
        udp: int,
        rtps: int,
        first: float | None,
        last: float | None,
    ) -> None:
        """Fold a reader's local counters in (readers count in locals: they run per packet)."""
        self.frames += frames
        self.captured_bytes += captured
        self.wire_bytes += wire
        self.udp_datagrams += udp
        self.rtps_datagrams += rtps
        self.non_rtps_udp += udp - rtps
        if first is not None and self.first_time is None:
            self.first_time = first
        if frames and last is not None:
            self.last_time = last

    def skipped(self, reason: SkipReason) -> int:
        return self.skips[reason]

    @property
    def skipped_total(self) -> int:
        """Frames that produced no datagram and are not buffered fragments."""
        return sum(self.skips) - self.skips[SkipReason.FRAGMENT]

    @property
    def complete(self) -> bool:
        """True when the whole source was read without truncation or format error."""
        return not self.truncated and self.format_error is None

    def as_dict(self) -> dict[str, object]:
        """Plain-data view for JSON reports and logs."""
        return {
            "format": self.format,
            "link_types": sorted(self.link_types),
            "frames": self.frames,
            "captured_bytes": self.captured_bytes,
            "wire_bytes": self.wire_bytes,
            "udp_datagrams": self.udp_datagrams,
            "rtps_datagrams": self.rtps_datagrams,
            "non_rtps_udp": self.non_rtps_udp,
            "skipped": {r.name.lower(): self.skips[r] for r in SkipReason if self.skips[r]},
            "ip_fragments": self.ip_fragments,
            "reassembled": self.reassembled,
            "frag_expired": self.frag_expired,
            "frag_evicted": self.frag_evicted,
            "frag_incomplete": self.frag_incomplete,
            "frag_dropped": self.frag_dropped,
            "other_blocks": self.other_blocks,
            "first_time": self.first_time,
            "last_time": self.last_time,
            "truncated": self.truncated,
            "truncated_at": self.truncated_at,
            "format_error": self.format_error,
        }

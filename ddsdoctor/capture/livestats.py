"""What a live capture could not see or keep: kernel drops, unread frames, how it stopped."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from ddsdoctor.capture.stats import CaptureStats


class StopReason(enum.Enum):
    """Why a live capture ended. The report of everything seen is written in every case."""

    DURATION = "duration"  # --duration elapsed
    SIGINT = "sigint"  # Ctrl-C
    SIGTERM = "sigterm"  # kill, systemd, a container runtime stopping the tool
    REQUESTED = "requested"  # stop() called by the program (tests, an embedding tool)
    ERROR = "error"  # the socket failed mid-capture (interface removed, ...)

    @property
    def interrupted(self) -> bool:
        """True when the capture was cut short by a signal rather than by its duration."""
        return self in (StopReason.SIGINT, StopReason.SIGTERM)


class CaptureMode(enum.Enum):
    """How frames leave the kernel."""

    RING = "ring"  # PACKET_RX_RING TPACKET_V3: shared memory blocks, kernel timestamps
    RECV = "recv"  # one recv per frame into a preallocated buffer (fallback)


@dataclass(slots=True)
class LiveStats:
    """Live-only counters, next to the ``CaptureStats`` every source keeps.

    Updated by the capture loop about four times a second (kernel counters, pcap) and once
    more at the end; safe to read from another thread (the live view).
    """

    iface: str
    mode: CaptureMode = CaptureMode.RING
    link_type: int = 1
    promiscuous: bool = False
    buffer_bytes: int = 0
    """Kernel buffer: ring size, or the receive buffer the kernel granted."""
    buffer_forced: bool = True
    """False when SO_RCVBUFFORCE was refused and the buffer is capped by net.core.rmem_max."""
    filter: str | None = None
    requested_duration: float | None = None
    """The --duration asked for (None: until stopped)."""
    interface_up: bool = True
    started: float | None = None
    """Epoch seconds when the socket began receiving."""
    stopped: float | None = None
    stop_reason: StopReason | None = None
    kernel_packets: int = 0
    """Frames the kernel offered the socket (after the BPF filter), dropped ones included."""
    kernel_drops: int = 0
    """Frames the kernel dropped because the buffer was full (PACKET_STATISTICS)."""
    unread_at_stop: int = 0
    """Frames still in the buffer when the drain at stop ran out of time."""
    pcap_path: str | None = None
    pcap_records: int = 0
    pcap_error: str | None = None
    error: str | None = None
    """Why the socket failed mid-capture (stop_reason ERROR)."""

    @property
    def duration(self) -> float:
        if self.started is None:
            return 0.0
        end = self.stopped if self.stopped is not None else self.started
        return max(0.0, end - self.started)

    @property
    def drop_ratio(self) -> float:
        return self.kernel_drops / self.kernel_packets if self.kernel_packets else 0.0

    def as_dict(self) -> dict[str, object]:
        """Plain data for the JSON report (``capture.live``)."""
        return {
            "iface": self.iface,
            "mode": self.mode.value,
            "link_type": self.link_type,
            "promiscuous": self.promiscuous,
            "buffer_bytes": self.buffer_bytes,
            "buffer_forced": self.buffer_forced,
            "filter": self.filter,
            "requested_duration": self.requested_duration,
            "interface_up": self.interface_up,
            "started": self.started,
            "stopped": self.stopped,
            "duration": round(self.duration, 6),
            "stop_reason": self.stop_reason.value if self.stop_reason else None,
            "interrupted": bool(self.stop_reason and self.stop_reason.interrupted),
            "kernel_packets": self.kernel_packets,
            "kernel_drops": self.kernel_drops,
            "drop_ratio": round(self.drop_ratio, 6),
            "unread_at_stop": self.unread_at_stop,
            "pcap": self.pcap_path,
            "pcap_records": self.pcap_records,
            "pcap_error": self.pcap_error,
            "error": self.error,
        }


@dataclass(slots=True)
class LiveCaptureStats(CaptureStats):
    """``CaptureStats`` of a live source: the same counters plus ``live``.

    ``as_dict()`` adds a ``live`` member, so every consumer of capture statistics (the
    topology report's ``capture``, its JSON, the capture rules) sees the live accounting
    without knowing about live sources.
    """

    live: LiveStats = field(default_factory=lambda: LiveStats(iface=""))

    def as_dict(self) -> dict[str, object]:
        out = CaptureStats.as_dict(self)
        out["live"] = self.live.as_dict()
        return out

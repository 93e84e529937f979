"""Honest accounting of a live capture (DD812-DD819): what the capture could not see or keep.

These rules look at the counters of ``ddsdoctor topology --iface`` (``LiveCapture``: the
live source's kernel and buffer counters plus the shared ``CaptureStats``), never at the
network themselves. Codes are taken from the top of the capture family (DD800-DD819).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import Hit, Subject, rule

if TYPE_CHECKING:
    from ddsdoctor.capture.livestats import LiveCapture

DROP_ERROR_RATIO = 0.01
"""Above this share of kernel drops the graph is reported as unreliable (error)."""


def _live(subject: Any) -> LiveCapture | None:
    """The subject when it is a live capture (Subject.CAPTURE is shared with pcap rules).

    ``check`` imports every rule module, and ``ddsdoctor.capture`` pulls in the RTPS parser
    (~70 ms), so the type is looked up only if a live capture has loaded it already.
    """
    mod = sys.modules.get("ddsdoctor.capture.livestats")
    if mod is None or not isinstance(subject, mod.LiveCapture):
        return None
    return subject  # type: ignore[no-any-return]


def _at(cap: LiveCapture) -> Location:
    return Location(time=cap.live.stopped)


@rule("DD819", "capture.kernel-drops", Severity.WARNING, Subject.CAPTURE)
def kernel_drops(subject: Any) -> Iterator[Hit]:
    """The kernel dropped frames because ddsdoctor did not read them fast enough.

    The socket's buffer filled up, so the kernel discarded frames before ddsdoctor saw them
    (``PACKET_STATISTICS`` ``tp_drops``). Every count in the report (packets, bytes, rates)
    is then too low, and a discovery message that was dropped can hide a participant or an
    endpoint. Above 1 % of the frames the finding is an error: the graph is not reliable.

    Fix: capture only the DDS traffic (``--filter 'udp portrange 7400-7500'`` or the hosts
    you care about), give the capture a larger buffer (``--buffer-size``), capture on a less
    busy interface, or write the pcap with tcpdump and analyse it with ``--pcap`` afterwards.
    Reference: packet(7), PACKET_STATISTICS; docs/live-capture.md.
    """
    cap = _live(subject)
    if cap is None or not cap.live.kernel_drops:
        return
    live = cap.live
    pct = 100.0 * live.drop_ratio
    yield Hit(
        f"the kernel dropped {live.kernel_drops} of {live.kernel_packets} frames "
        f"({pct:.2f} %) on {live.iface} because the capture fell behind: counts are low "
        "and discovery messages may be missing",
        location=_at(cap),
        hint="narrow the capture with --filter, raise --buffer-size, or capture with tcpdump "
        "and use --pcap",
        evidence={"kernel_drops": live.kernel_drops, "kernel_packets": live.kernel_packets},
        severity=Severity.ERROR if live.drop_ratio > DROP_ERROR_RATIO else None,
    )


@rule("DD818", "capture.unread-at-stop", Severity.WARNING, Subject.CAPTURE)
def unread_at_stop(subject: Any) -> Iterator[Hit]:
    """Frames were captured but not analysed: the stop came while the buffer was still full.

    At a stop (Ctrl-C, SIGTERM, end of ``--duration``) ddsdoctor stops the kernel from
    queueing more and analyses what is already in its buffer, for up to a few seconds. When
    the capture was far behind, what is left after that is not analysed (nor written to the
    ``--write-pcap`` file). The report then misses the last moments before the stop.

    Fix: the same as for kernel drops: a narrower ``--filter`` or a less busy interface.
    """
    cap = _live(subject)
    if cap is None or not cap.live.unread_at_stop:
        return
    yield Hit(
        f"{cap.live.unread_at_stop} captured frames were still waiting when the capture "
        "stopped and were not analysed: the report misses the moments before the stop",
        location=_at(cap),
        evidence={"unread_at_stop": cap.live.unread_at_stop},
    )


@rule("DD817", "capture.interrupted", Severity.INFO, Subject.CAPTURE)
def interrupted(subject: Any) -> Iterator[Hit]:
    """The capture was stopped by a signal (Ctrl-C, SIGTERM) rather than by ``--duration``.

    The report covers everything seen until then; it is as complete as a capture of that
    length. Discovery that happens less often than the capture lasted (SPDP every few
    seconds, SEDP only when endpoints appear) may not have been seen.

    This is informational: an interrupted capture exits 0 or 1 by its findings, like a
    completed one (docs/exit-codes.md).
    """
    cap = _live(subject)
    if cap is None or not cap.live.stop_reason or not cap.live.stop_reason.interrupted:
        return
    asked = cap.requested_duration
    of = f" of the {asked:g} s asked for" if asked is not None else ""
    yield Hit(
        f"capture stopped by {cap.live.stop_reason.value.upper()} after "
        f"{cap.live.duration:.1f} s{of}: the report covers only that time",
        location=_at(cap),
        evidence={"stop_reason": cap.live.stop_reason.value, "duration": cap.live.duration},
    )


@rule("DD816", "capture.interface-down", Severity.ERROR, Subject.CAPTURE)
def interface_down(subject: Any) -> Iterator[Hit]:
    """The capture interface was down, or went down while capturing.

    A down interface carries no traffic: the capture sees nothing (or stops when the link goes
    away, ``ENETDOWN``), and an empty topology says nothing about the DDS system.

    Fix: bring the interface up (``ip link set IF up``) or pick the one the DDS traffic
    uses (``ip -br addr``; ``--iface any`` captures on all of them).
    """
    cap = _live(subject)
    if cap is None:
        return
    live = cap.live
    if not live.interface_up:
        yield Hit(
            f"interface {live.iface} is down: no traffic can be captured on it",
            location=_at(cap),
            hint="bring it up (ip link set IF up) or choose another --iface",
        )
    elif live.stop_reason is not None and live.stop_reason.value == "error":
        yield Hit(
            f"the capture on {live.iface} ended early: {live.error or 'the socket failed'}; "
            "the report covers the traffic until then",
            location=_at(cap),
            evidence={"error": live.error},
        )


@rule("DD815", "capture.not-promiscuous", Severity.WARNING, Subject.CAPTURE)
def not_promiscuous(subject: Any) -> Iterator[Hit]:
    """Promiscuous mode could not be enabled: unicast between other hosts is not seen.

    On a bridge or a mirror port the unicast between other machines reaches this host only
    when the interface is promiscuous; without it a Linux bridge shows only multicast (on the
    test rig 16 frames instead of 112k). Participants discovered over multicast are shown,
    but their unicast data and the edges between them are missing.

    Fix: run with CAP_NET_ADMIN or as root, or enable promiscuous mode on the interface
    beforehand (``ip link set IF promisc on``). Reference: packet(7), PACKET_MR_PROMISC.
    """
    cap = _live(subject)
    if cap is None or cap.live.promiscuous or cap.live.iface == "any":
        return
    yield Hit(
        f"interface {cap.live.iface} is not in promiscuous mode: unicast traffic between "
        "other hosts is not captured and their data edges are missing",
        location=_at(cap),
        hint="ip link set IF promisc on, or run as root",
    )


@rule("DD814", "capture.small-buffer", Severity.INFO, Subject.CAPTURE)
def small_buffer(subject: Any) -> Iterator[Hit]:
    """The capture buffer is smaller than asked for, so bursts are more likely to be dropped.

    When the kernel refuses a shared-memory ring, frames are read one by one from the
    socket's receive buffer; without CAP_NET_ADMIN its size is capped by
    ``net.core.rmem_max`` (often 208 KiB), which holds only a few hundred frames: a
    discovery storm at start-up can overflow it.

    Fix: run as root or with CAP_NET_ADMIN, or raise ``sysctl net.core.rmem_max``.
    """
    cap = _live(subject)
    if cap is None or cap.live.mode.value != "recv" or cap.live.buffer_forced:
        return
    yield Hit(
        f"capture buffer limited to {cap.live.buffer_bytes // 1024} KiB "
        "(net.core.rmem_max): bursts above that are dropped by the kernel",
        location=_at(cap),
        hint="run with CAP_NET_ADMIN, or raise sysctl net.core.rmem_max",
        evidence={"buffer_bytes": cap.live.buffer_bytes},
    )


@rule("DD813", "capture.pcap-write-failed", Severity.ERROR, Subject.CAPTURE)
def pcap_write_failed(subject: Any) -> Iterator[Hit]:
    """The ``--write-pcap`` file could not be written completely.

    Writing failed (disk full, file system gone); the capture and the analysis went on, so
    the report is complete, but the pcap holds only the frames before the failure and cannot
    be used to reproduce the report.

    Fix: free space or choose another path for ``--write-pcap``.
    """
    cap = _live(subject)
    if cap is None or not cap.live.pcap_error:
        return
    yield Hit(
        f"{cap.live.pcap_error}; the file holds only the first {cap.live.pcap_records} "
        "frames while the report covers all of them",
        location=_at(cap),
        evidence={"pcap": cap.live.pcap_path, "pcap_records": cap.live.pcap_records},
    )

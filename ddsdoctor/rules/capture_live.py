"""Honest accounting of a live capture (DD813-DD819): what the capture could not see or keep.

``topology --iface`` puts the live source's counters in the report's ``capture.live``
(``LiveStats.as_dict()``: kernel drops, buffer, promiscuous mode, how it stopped, the pcap
written). These rules read that mapping, so they run on a live report and on its JSON alike,
and stay silent for a pcap. Codes are taken from the top of the capture family (DD800-DD819);
"capture started late" is DD854, shared with pcaps.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.topology.model import TopologyReport

DROP_ERROR_RATIO = 0.01
"""Above this share of kernel drops the graph is reported as unreliable (error)."""


def _live(report: TopologyReport) -> Mapping[str, Any] | None:
    live = report.capture.get("live")
    return live if isinstance(live, Mapping) else None


def _n(live: Mapping[str, Any], key: str) -> int:
    return int(live.get(key) or 0)


def _at(live: Mapping[str, Any]) -> Location:
    stopped = live.get("stopped")
    return Location(time=float(stopped) if stopped is not None else None)


@rule("DD819", "capture.kernel-drops", Severity.WARNING, Subject.CAPTURE)
def kernel_drops(report: TopologyReport) -> Iterator[Hit]:
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
    live = _live(report)
    if live is None or not _n(live, "kernel_drops"):
        return
    drops, packets = _n(live, "kernel_drops"), _n(live, "kernel_packets")
    ratio = drops / packets if packets else 1.0
    yield Hit(
        f"the kernel dropped {drops} of {packets} frames ({100.0 * ratio:.2f} %) on "
        f"{live.get('iface')} because the capture fell behind: counts are low and discovery "
        "messages may be missing",
        location=_at(live),
        hint="narrow the capture with --filter, raise --buffer-size, or capture with tcpdump "
        "and use --pcap",
        evidence={"kernel_drops": drops, "kernel_packets": packets},
        severity=Severity.ERROR if ratio > DROP_ERROR_RATIO else None,
    )


@rule("DD818", "capture.unread-at-stop", Severity.WARNING, Subject.CAPTURE)
def unread_at_stop(report: TopologyReport) -> Iterator[Hit]:
    """Frames were captured but not analysed: the stop came while the buffer was still full.

    At a stop (Ctrl-C, SIGTERM, end of ``--duration``) ddsdoctor stops the kernel from
    queueing more and analyses what is already in its buffer, for up to a few seconds. When
    the capture was far behind, what is left after that is not analysed (nor written to the
    ``--write-pcap`` file). The report then misses the last moments before the stop.

    Fix: the same as for kernel drops: a narrower ``--filter`` or a less busy interface.
    """
    live = _live(report)
    if live is None or not _n(live, "unread_at_stop"):
        return
    yield Hit(
        f"{_n(live, 'unread_at_stop')} captured frames were still waiting when the capture "
        "stopped and were not analysed: the report misses the moments before the stop",
        location=_at(live),
        evidence={"unread_at_stop": _n(live, "unread_at_stop")},
    )


@rule("DD817", "capture.interrupted", Severity.INFO, Subject.CAPTURE)
def interrupted(report: TopologyReport) -> Iterator[Hit]:
    """The capture was stopped by a signal (Ctrl-C, SIGTERM) rather than by ``--duration``.

    The report covers everything seen until then; it is as complete as a capture of that
    length. Discovery that happens less often than the capture lasted (SPDP every few
    seconds, SEDP only when endpoints appear) may not have been seen.

    This is informational: an interrupted capture exits 0 or 1 by its findings, like a
    completed one (docs/exit-codes.md).
    """
    live = _live(report)
    reason = live.get("stop_reason") if live is not None else None
    if live is None or reason not in ("sigint", "sigterm"):
        return
    asked = live.get("requested_duration")
    of = f" of the {float(asked):g} s asked for" if asked is not None else ""
    took = float(live.get("duration") or 0.0)
    yield Hit(
        f"capture stopped by {str(reason).upper()} after {took:.1f} s{of}: the report covers "
        "only that time",
        location=_at(live),
        evidence={"stop_reason": reason, "duration": took},
    )


@rule("DD816", "capture.interface-down", Severity.ERROR, Subject.CAPTURE)
def interface_down(report: TopologyReport) -> Iterator[Hit]:
    """The capture interface was down, or went down while capturing.

    A down interface carries no traffic: the capture sees nothing (or stops when the link goes
    away, ``ENETDOWN``), and an empty topology says nothing about the DDS system.

    Fix: bring the interface up (``ip link set IF up``) or pick the one the DDS traffic
    uses (``ip -br addr``; ``--iface any`` captures on all of them).
    """
    live = _live(report)
    if live is None:
        return
    iface = live.get("iface")
    if live.get("interface_up") is False:
        yield Hit(
            f"interface {iface} is down: no traffic can be captured on it",
            location=_at(live),
            hint="bring it up (ip link set IF up) or choose another --iface",
        )
    elif live.get("stop_reason") == "error":
        error = live.get("error") or "the socket failed"
        yield Hit(
            f"the capture on {iface} ended early: {error}; the report covers the traffic "
            "until then",
            location=_at(live),
            evidence={"error": error},
        )


@rule("DD815", "capture.not-promiscuous", Severity.WARNING, Subject.CAPTURE)
def not_promiscuous(report: TopologyReport) -> Iterator[Hit]:
    """Promiscuous mode could not be enabled: unicast between other hosts is not seen.

    On a bridge or a mirror port the unicast between other machines reaches this host only
    when the interface is promiscuous; without it a Linux bridge shows only multicast (on the
    test rig 16 frames instead of 112k). Participants discovered over multicast are shown,
    but their unicast data and the edges between them are missing.

    Fix: run with CAP_NET_ADMIN or as root, or enable promiscuous mode on the interface
    beforehand (``ip link set IF promisc on``). Reference: packet(7), PACKET_MR_PROMISC.
    """
    live = _live(report)
    if live is None or live.get("promiscuous", True) or live.get("iface") == "any":
        return
    yield Hit(
        f"interface {live.get('iface')} is not in promiscuous mode: unicast traffic between "
        "other hosts is not captured and their data edges are missing",
        location=_at(live),
        hint="ip link set IF promisc on, or run as root",
    )


@rule("DD814", "capture.small-buffer", Severity.INFO, Subject.CAPTURE)
def small_buffer(report: TopologyReport) -> Iterator[Hit]:
    """The capture buffer is smaller than asked for, so bursts are more likely to be dropped.

    When the kernel refuses a shared-memory ring, frames are read one by one from the
    socket's receive buffer; without CAP_NET_ADMIN its size is capped by
    ``net.core.rmem_max`` (often 208 KiB), which holds only a few hundred frames: a
    discovery storm at start-up can overflow it.

    Fix: run as root or with CAP_NET_ADMIN, or raise ``sysctl net.core.rmem_max``.
    """
    live = _live(report)
    if live is None or live.get("mode") != "recv" or live.get("buffer_forced", True):
        return
    size = _n(live, "buffer_bytes")
    yield Hit(
        f"capture buffer limited to {size // 1024} KiB (net.core.rmem_max): bursts above that "
        "are dropped by the kernel",
        location=_at(live),
        hint="run with CAP_NET_ADMIN, or raise sysctl net.core.rmem_max",
        evidence={"buffer_bytes": size},
    )


@rule("DD813", "capture.pcap-write-failed", Severity.ERROR, Subject.CAPTURE)
def pcap_write_failed(report: TopologyReport) -> Iterator[Hit]:
    """The ``--write-pcap`` file could not be written completely.

    Writing failed (disk full, file system gone); the capture and the analysis went on, so
    the report is complete, but the pcap holds only the frames before the failure and cannot
    be used to reproduce the report.

    Fix: free space or choose another path for ``--write-pcap``.
    """
    live = _live(report)
    if live is None or not live.get("pcap_error"):
        return
    records = _n(live, "pcap_records")
    yield Hit(
        f"{live['pcap_error']}; the file holds only the first {records} frames while the "
        "report covers all of them",
        location=_at(live),
        evidence={"pcap": live.get("pcap"), "pcap_records": records},
    )

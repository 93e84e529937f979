"""Problems with a capture itself (DD80x): cut, corrupt, unreadable or partly decodable input.

These rules read how the packet source ended (``CaptureStats``) and the parser's malformed
counters, from the ``TopologyReport`` that ``topology`` builds for a pcap or a live capture.
A capture that cannot be fully read still gives a partial topology: these findings say what
is missing from it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.topology.model import TopologyReport

# CaptureStats.as_dict()["skipped"] keys (capture/stats.py SkipReason, lower case).
_UNSUPPORTED, _CUT = "unsupported_link", "cut"
# Link-layer header types (tcpdump.org/linktypes.html) named in messages.
_LINK_NAMES = {0: "BSD loopback", 1: "Ethernet", 101: "raw IP", 113: "Linux SLL", 276: "SLL2"}


def _cap(report: TopologyReport) -> Mapping[str, Any]:
    return report.capture


def _frames(report: TopologyReport) -> int:
    return int(_cap(report).get("frames") or 0)


def _skipped(report: TopologyReport, reason: str) -> int:
    skipped = _cap(report).get("skipped") or {}
    return int(skipped.get(reason, 0)) if isinstance(skipped, Mapping) else 0


def _end(report: TopologyReport) -> Location:
    return Location(frame=_frames(report) or None, time=report.end)


@rule("DD800", "capture.truncated", Severity.ERROR, Subject.CAPTURE)
def truncated(report: TopologyReport) -> Iterator[Hit]:
    """The capture file ends in the middle of a packet: the topology covers only its start.

    This happens when a file is copied while tcpdump is still writing it, when tcpdump is
    killed (SIGKILL) instead of stopped, when a disk fills up, or when a download is cut.
    Every packet before the cut was read, so the report is real but partial: traffic,
    topics and participants from after the cut are missing, and rates are computed over the
    shorter span.

    Fix: stop tcpdump with Ctrl-C (SIGINT) or ``-c``/``-G`` limits and copy the file after
    it exits; ``tcpdump -r file -w fixed.pcap`` or ``editcap`` rewrite the readable part.

    Reference: pcap-savefile(5), pcapng draft-ietf-opsawg-pcapng §3.1 (block total length).
    """
    cap = _cap(report)
    if not cap.get("truncated"):
        return
    yield Hit(
        f"the capture ends in the middle of a packet (byte {cap.get('truncated_at')}): the "
        f"topology covers only the first {_frames(report)} frames "
        f"({report.duration:.1f} s); later traffic and participants are missing",
        location=_end(report),
        hint="stop tcpdump with Ctrl-C and copy the file only after it exits",
        evidence={"truncated_at": cap.get("truncated_at"), "frames_read": _frames(report)},
    )


@rule("DD801", "capture.not-a-capture", Severity.ERROR, Subject.CAPTURE)
def not_a_capture(report: TopologyReport) -> Iterator[Hit]:
    """The file is not a pcap or pcapng capture (or is empty): nothing was read.

    ``topology --pcap`` reads libpcap files (both byte orders, micro- and nanosecond
    timestamps) and pcapng, plain or gzip-compressed. Other formats (snoop, Microsoft
    Network Monitor, a text export from Wireshark, an ``.etl``) and empty files give no
    packets at all.

    Fix: convert the file with ``editcap -F pcapng in out.pcapng`` or capture again with
    ``tcpdump -w``.

    Reference: pcap-savefile(5); draft-ietf-opsawg-pcapng.
    """
    cap = _cap(report)
    error = cap.get("format_error")
    if error and not _frames(report):
        yield Hit(
            f"the file is not a readable capture ({error}): no packet was read",
            location=Location(frame=None),
            hint="convert it with `editcap -F pcapng IN OUT.pcapng` or capture with tcpdump -w",
            evidence={"format_error": error, "format": cap.get("format")},
        )


@rule("DD802", "capture.corrupt", Severity.ERROR, Subject.CAPTURE)
def corrupt(report: TopologyReport) -> Iterator[Hit]:
    """The capture is corrupt part-way through: reading stopped at the damage.

    A record or block length that cannot be right (larger than 16 MiB, or shorter than its
    own header), or a damaged gzip stream, means the rest of the file cannot be framed. The
    packets before the damage were read; the topology is partial.

    Fix: recover what is readable with ``editcap`` or ``pcapfix`` and capture again if the
    missing part matters.

    Reference: pcap-savefile(5); draft-ietf-opsawg-pcapng §3.1; RFC 1952 (gzip).
    """
    error = _cap(report).get("format_error")
    if error and _frames(report):
        yield Hit(
            f"the capture is corrupt after frame {_frames(report)} ({error}): reading stopped "
            "there, so the topology is partial",
            location=_end(report),
            hint="recover the readable part with editcap or pcapfix",
            evidence={"format_error": error, "frames_read": _frames(report)},
        )


@rule("DD803", "capture.unsupported-link-type", Severity.WARNING, Subject.CAPTURE)
def unsupported_link(report: TopologyReport) -> Iterator[Hit]:
    """Frames of a link type ddsdoctor does not decode were skipped.

    Supported: Ethernet, Linux cooked capture (SLL and SLL2, ``tcpdump -i any``), BSD
    loopback/NULL and LOOP, raw IP and Wireshark exported PDUs. Frames of other link types
    (802.11 radiotap, USB, Bluetooth, ...) are counted and skipped, so their traffic is
    missing from the topology.

    Fix: capture on an Ethernet or ``any`` interface, or export the RTPS packets from
    Wireshark (File > Export PDUs to File).

    Reference: https://www.tcpdump.org/linktypes.html
    """
    n = _skipped(report, _UNSUPPORTED)
    if not n:
        return
    links = sorted(int(x) for x in _cap(report).get("link_types") or [])
    names = ", ".join(f"{x} ({_LINK_NAMES[x]})" if x in _LINK_NAMES else str(x) for x in links)
    yield Hit(
        f"{n} of {_frames(report)} frames use a link type that is not decoded "
        f"(link types in the file: {names}); their traffic is missing from the topology",
        location=Location(frame=None),
        hint="capture on an Ethernet interface or with `tcpdump -i any`",
        evidence={"frames_skipped": n, "link_types": links},
        severity=Severity.ERROR if n == _frames(report) else None,
    )


@rule("DD804", "capture.malformed-rtps", Severity.WARNING, Subject.CAPTURE)
def malformed(report: TopologyReport) -> Iterator[Hit]:
    """Some RTPS messages are malformed: what they carried is missing from the topology.

    A submessage whose length runs past the end of its datagram, a message too short for
    its header, or a discovery parameter list that does not decode. The parser keeps
    everything before the damage and counts the rest. A few such messages come from packet
    corruption or a snap length that cut datagrams; many of them point at a vendor
    extension or a protocol version ddsdoctor does not know, or at non-RTPS traffic that
    starts with the RTPS magic.

    Fix: look at the first malformed frame in Wireshark; report a parser gap with the
    frame if Wireshark decodes it.

    Reference: DDSI-RTPS 2.5 §8.3.4 (message validity), §9.4.5.
    """
    cap = _cap(report)
    n = int(cap.get("malformed") or 0)
    if not n:
        return
    frame = cap.get("first_malformed_frame")
    yield Hit(
        f"{n} RTPS message(s) or discovery sample(s) are malformed, the first in frame "
        f"{frame} ({cap.get('first_malformed_reason')}); what they carried is missing",
        location=Location(frame=frame, time=cap.get("first_malformed_time")),
        hint="open the first one in Wireshark (frame number above)",
        evidence={"count": n, "first_frame": frame, "reason": cap.get("first_malformed_reason")},
    )


@rule("DD805", "capture.no-rtps", Severity.WARNING, Subject.CAPTURE)
def no_rtps(report: TopologyReport) -> Iterator[Hit]:
    """The capture holds no RTPS traffic: there is no DDS topology to show.

    Either the capture filter or interface missed the DDS traffic (wrong interface, a
    filter on the wrong port, traffic that stays on loopback or in shared memory), or the
    system does not speak RTPS on the wire (OpenDDS with its TCP transport, Fast DDS or
    Cyclone DDS between processes of one host over shared memory, OpenSplice RTNetworking).

    Fix: capture with ``tcpdump -i any udp`` on a host that runs a DDS process, while the
    system starts.

    Reference: DDSI-RTPS 2.5 §9.4.1 (the RTPS magic); rtps-facts.md §10.12 (shared memory).
    """
    cap = _cap(report)
    if not _frames(report) or int(cap.get("rtps_datagrams") or 0) or cap.get("format_error"):
        return
    if _skipped(report, _UNSUPPORTED) == _frames(report):
        return  # nothing was decodable: DD803 says why
    yield Hit(
        f"none of the {_frames(report)} frames carries RTPS "
        f"({cap.get('udp_datagrams', 0)} UDP datagrams, none starting with the RTPS magic)",
        location=Location(frame=None),
        hint="capture with `tcpdump -i any udp` on a DDS host while the system starts",
        evidence={k: cap.get(k) for k in ("frames", "udp_datagrams", "non_rtps_udp", "skipped")},
    )


@rule("DD806", "capture.snaplen-cut", Severity.WARNING, Subject.CAPTURE)
def snaplen_cut(report: TopologyReport) -> Iterator[Hit]:
    """Datagrams were cut by the capture's snap length and could not be decoded.

    ``tcpdump -s 96`` (or an old default of 68 or 262 bytes) keeps only the first bytes of
    every frame. RTPS needs the whole datagram: a cut one is counted and dropped, so
    traffic, topics and discovery are undercounted.

    Fix: capture with ``-s 0`` (the whole frame; the default of modern tcpdump).

    Reference: tcpdump(1) ``--snapshot-length``.
    """
    n = _skipped(report, _CUT)
    if n:
        yield Hit(
            f"{n} datagram(s) were cut by the capture's snap length and dropped: traffic and "
            "discovery are undercounted",
            location=Location(frame=None),
            hint="capture with tcpdump -s 0",
            evidence={"datagrams_cut": n},
        )


@rule("DD807", "capture.ip-fragments-lost", Severity.INFO, Subject.CAPTURE)
def fragments_lost(report: TopologyReport) -> Iterator[Hit]:
    """Some IP-fragmented datagrams could not be reassembled and are missing.

    Large RTPS messages (SEDP of OpenSplice, Fast DDS samples, Cyclone bursts at high rates)
    travel as IP fragments. A datagram is lost when a fragment is missing from the capture
    (dropped by the kernel while capturing, or before the capture started or after it
    ended), when fragments arrive more than 30 s apart, or when too many are pending at
    once. A few at the edges of a capture are normal; many mean the capture dropped packets
    (see tcpdump's "dropped by kernel"), which also hides real DDS retransmissions.

    Fix: capture with a bigger buffer (``tcpdump -B 32768``) and write to a fast disk.

    Reference: RFC 791 §3.2 (reassembly); Linux ``ipfrag_time``.
    """
    cap = _cap(report)
    lost = sum(int(cap.get(k) or 0) for k in ("frag_incomplete", "frag_expired", "frag_evicted"))
    if lost:
        yield Hit(
            f"{lost} IP-fragmented datagram(s) could not be reassembled and are missing "
            f"({cap.get('frag_incomplete', 0)} incomplete at the end, "
            f"{cap.get('frag_expired', 0)} expired, {cap.get('frag_evicted', 0)} evicted)",
            location=Location(frame=None),
            hint="if many, capture with a bigger buffer (tcpdump -B 32768)",
            evidence={k: cap.get(k) for k in ("frag_incomplete", "frag_expired", "frag_evicted")},
        )

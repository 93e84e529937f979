"""The one streaming pass over a packet source: flow counters, per-writer accounts, discovery.

Per datagram the cost is one dict lookup for its flow (source IP, destination IP,
destination port, source GUID prefix), a few counter updates, and the allocation-free
``WriterAccounts.account`` walk of that flow. Nothing is kept per packet: memory grows
with the number of flows and writers (and the seconds of the time series), never with the
number of packets. SPDP/SEDP submessages go through the caching ``DiscoveryDecoder`` into
the ``FactsBuilder``; ACKNACKs and HEARTBEATs of SEDP writers are read to see whether
endpoint discovery between two participants completes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from struct import Struct

from ddsdoctor.capture.datagram import Datagram
from ddsdoctor.topology.hosts import is_group
from ddsdoctor.topology.wirefacts import FactsBuilder
from ddsdoctor.wire.account import (
    DISCOVERY,
    MALFORMED,
    SEDP_ACKNACK,
    SEDP_HEARTBEAT,
    WriterAccounts,
)
from ddsdoctor.wire.decoder import DiscoveryDecoder
from ddsdoctor.wire.errors import WireError

log = logging.getLogger(__name__)

Progress = Callable[[int, float], None]
"""Called with (datagrams so far, capture time of the last one) every PROGRESS_EVERY."""
PROGRESS_EVERY = 1 << 16
FINE_S = 60
"""The last minute of every time series stays at 1 s resolution."""
MAX_COARSE = 600
"""Older seconds are merged into at most ~this many buckets per series (power-of-two widths),
so a long capture costs no more memory than a ten-minute one. Compaction runs every
PROGRESS_EVERY datagrams and at the end, so between two runs at most PROGRESS_EVERY
datagrams add one-second bins."""

# SEDP writers (publications, subscriptions, and their secure variants): entity ids are
# octet arrays, so their wire bytes do not depend on the submessage's endianness.
SEDP_WRITERS = frozenset((0x000003C2, 0x000004C2, 0xFF0003C2, 0xFF0004C2))
_SN_LE, _SN_BE = Struct("<iI"), Struct(">iI")
_HB_ALONE = SEDP_HEARTBEAT | DISCOVERY
_UNKNOWN_PREFIX = bytes(12)

NO_PREFIX = "0" * 24


def prefix_text(prefix: bytes) -> str:
    """A flow's source prefix as 24 hex digits; RTI's 16-byte NDDSPING has none."""
    return prefix.hex() if len(prefix) == 12 else NO_PREFIX


AckKey = tuple[bytes, bytes, int]
"""(reader GUID prefix, writer GUID prefix, writer entity id)."""


class Flow:
    """Counters for one (src IP, dst IP, dst port, source GUID prefix)."""

    __slots__ = ("acc", "bins", "bytes", "first", "frames", "group", "last", "packets", "vendor")

    def __init__(self, time: float, vendor: int, group: bool = False) -> None:
        self.packets = 0
        self.bytes = 0
        self.frames = 0
        self.first = time
        self.last = time
        self.vendor = vendor
        self.group = group
        """The destination is a multicast group."""
        self.bins: dict[int, int] = {}
        """Whole epoch second -> wire bytes."""
        self.acc = WriterAccounts()


HbKey = tuple[bytes, bytes, int, str, int]
"""(writer prefix, reader prefix from INFO_DST or b"", writer id, dst IP, dst port)."""


def sedp_control(
    msg: bytes,
    dst_ip: str,
    dst_port: int,
    time: float,
    acks: dict[AckKey, int],
    heartbeats: dict[HbKey, list[float]],
) -> None:
    """Record the ACKNACKs readers send to SEDP writers and the HEARTBEATs SEDP writers send.

    ``acks`` keeps the highest ACKNACK bitmap base per (reader prefix, writer prefix, writer
    id): base - 1 is the last SN acknowledged; the writer's prefix is the INFO_DST before the
    ACKNACK (DDSI-RTPS 2.5 §8.3.7.1), without which it cannot be attributed. ``heartbeats``
    keeps [highest lastSN, first time it was >= 1, time the highest was first announced] per
    writer and destination: a writer
    advertises its SEDP samples with HEARTBEATs and (Cyclone) sends them only when the
    reader answers, so a silent reader never sees a single SEDP DATA.
    """
    n = len(msg)
    src = msg[8:20]
    dst = b""
    p = 20
    while p + 4 <= n:
        sid = msg[p]
        fl = msg[p + 1]
        ln = msg[p + 2] | msg[p + 3] << 8 if fl & 1 else msg[p + 2] << 8 | msg[p + 3]
        end = p + 4 + ln if ln or sid in (0x01, 0x09) else n
        if end > n:
            return
        if sid == 0x0E and end - p >= 16:
            dst = msg[p + 4 : p + 16]
            if dst == _UNKNOWN_PREFIX:
                dst = b""
        elif sid == 0x0C and end - p >= 24:
            src = msg[p + 12 : p + 24]
        elif sid == 0x06 and end - p >= 24 and dst:
            wid = int.from_bytes(msg[p + 8 : p + 12], "big")
            if wid in SEDP_WRITERS:
                hi, lo = (_SN_LE if fl & 1 else _SN_BE).unpack_from(msg, p + 12)
                base = (hi << 32) | lo
                key = (src, dst, wid)
                if base > acks.get(key, -1):
                    acks[key] = base
        elif sid == 0x07 and end - p >= 32:
            wid = int.from_bytes(msg[p + 8 : p + 12], "big")
            if wid in SEDP_WRITERS:
                hi, lo = (_SN_LE if fl & 1 else _SN_BE).unpack_from(msg, p + 20)
                last = (hi << 32) | lo
                if last >= 1:
                    hkey = (src, dst, wid, dst_ip, dst_port)
                    seen = heartbeats.get(hkey)
                    if seen is None:
                        heartbeats[hkey] = [last, time, time]
                    elif last > seen[0]:
                        seen[0] = last
                        seen[2] = time
        p = end


def coarsen(bins: dict[int, int], cutoff: int, width: int) -> dict[int, int]:
    """``bins`` with the seconds before ``cutoff`` merged into ``width``-second buckets
    (keyed by the bucket's first second, a multiple of ``width``)."""
    out: dict[int, int] = {}
    for sec, n in bins.items():
        key = sec if sec >= cutoff else sec - sec % width
        out[key] = out.get(key, 0) + n
    return out


class Collector:
    """State of one pass; ``consume`` may be called again with more datagrams (live)."""

    def __init__(self, source_name: str = "pcap") -> None:
        self.flows: dict[tuple[str, str, int, bytes], Flow] = {}
        self.decoder = DiscoveryDecoder()
        self.builder = FactsBuilder(source_name)
        self.acks: dict[AckKey, int] = {}
        self.heartbeats: dict[HbKey, list[float]] = {}
        self.datagrams = 0
        self.malformed = 0
        """RTPS messages whose walk stopped early, or discovery samples that did not decode."""
        self.first_malformed: tuple[int, float, str] | None = None
        """(frame, time, reason) of the first malformed message."""
        self.first_time: float | None = None
        self.last_time: float | None = None
        self.coarse_width = 1
        """Width (s) of the time-series buckets before ``fine_from``; 1 until compacted."""
        self.fine_from: int | None = None
        """Epoch second from which the bins are 1 s wide (None: all of them)."""

    def _bad(self, frame: int, time: float, reason: str) -> None:
        self.malformed += 1
        if self.first_malformed is None:
            self.first_malformed = (frame, time, reason)
            log.debug("frame %d: malformed RTPS: %s", frame, reason)

    def compact(self, now: float) -> None:
        """Merge time-series seconds older than FINE_S into coarser buckets once the capture
        is long enough that MAX_COARSE one-second buckets no longer cover it."""
        if self.first_time is None:
            return
        cutoff = int(now) - FINE_S
        span = cutoff - int(self.first_time)
        width = self.coarse_width
        while span > width * MAX_COARSE:
            width *= 2
        if width == self.coarse_width and (self.fine_from is None or width == 1):
            return
        for f in self.flows.values():
            f.bins = coarsen(f.bins, cutoff, width)
            for w in f.acc.writers.values():
                w.bins = coarsen(w.bins, cutoff, width)
        self.coarse_width, self.fine_from = width, cutoff

    def consume(self, source: Iterable[Datagram], progress: Progress | None = None) -> None:
        """Account every datagram of ``source`` (one pass, nothing kept per packet)."""
        flows = self.flows
        get = flows.get
        decode = self.decoder.decode
        add = self.builder.add
        acks = self.acks
        heartbeats = self.heartbeats
        n = self.datagrams
        t = 0.0
        for dg in source:
            t, src, dst, _sp, dport, payload, frame, wire_len, nframes, _v, _vlan = dg
            key = (src, dst, dport, payload[8:20])
            f = get(key)
            if f is None:
                vendor = (payload[6] << 8) | payload[7] if len(payload) > 7 else 0
                f = flows[key] = Flow(t, vendor, is_group(dst))
                if self.first_time is None:
                    self.first_time = t
            f.packets += 1
            f.bytes += wire_len
            f.frames += nframes
            f.last = t
            bins = f.bins
            sec = int(t)
            bins[sec] = bins.get(sec, 0) + wire_len
            acc = f.acc
            n += 1
            try:
                flags = acc.account(payload, t)
            except WireError as exc:
                self._bad(frame, t, str(exc))
                continue
            if flags:
                if flags & DISCOVERY:
                    decoded = decode(payload, acc.discovery, time=t, dst_port=dport)
                    if decoded.records:
                        add(decoded.records, t, src, f.group)
                    for err in decoded.errors:
                        self._bad(frame, t, str(err))
                # SEDP DATA with a piggy-backed HEARTBEAT is counted from the data already;
                # big discovery messages are walked again only when they carry an ACKNACK
                if flags & SEDP_ACKNACK or flags & _HB_ALONE == SEDP_HEARTBEAT:
                    sedp_control(payload, dst, dport, t, acks, heartbeats)
                if flags & MALFORMED:
                    self._bad(frame, t, "a submessage overruns the message")
            if not n & (PROGRESS_EVERY - 1):
                self.compact(t)
                if progress is not None:
                    progress(n, t)
        self.datagrams = n
        if n:
            self.last_time = t if self.last_time is None else max(self.last_time, t)
            self.compact(t)

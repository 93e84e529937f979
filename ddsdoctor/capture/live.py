"""Live capture on a network interface: an AF_PACKET PacketSource yielding Datagrams.

``LiveSource(LiveOptions(iface="br0", duration=30))`` opens a raw packet socket with a
TPACKET_V3 ring (a ``recv_into`` loop when the kernel refuses one), promiscuous mode, an
optional BPF filter, and optionally writes every frame to a pcap. Iterating yields the same
``Datagram`` as the pcap reader, from ``frames.decode_frame`` with IP reassembly. It stops on
``stop()`` (signal handlers call it), at the end of ``duration``, or when the socket fails;
it then stops the kernel from queueing more, drains what was already captured, and ends.
Nothing seen is lost: the report and the pcap cover every frame the kernel handed over.
"""

from __future__ import annotations

import logging
import os
import select
import socket
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

from ddsdoctor.capture import afpacket as af
from ddsdoctor.capture.bpf import compile_bpf
from ddsdoctor.capture.datagram import Datagram
from ddsdoctor.capture.frameloop import recv_datagrams, ring_datagrams
from ddsdoctor.capture.frames import LinkType
from ddsdoctor.capture.ipfrag import IpReassembler
from ddsdoctor.capture.livestats import CaptureMode, LiveCaptureStats, LiveStats, StopReason
from ddsdoctor.capture.pcapwrite import PcapWriter
from ddsdoctor.capture.ring import RETIRE_MS, Ring, RingGeometry

log = logging.getLogger(__name__)

DEFAULT_BUFFER = 64 << 20
HOUSEKEEPING = 0.25
"""Seconds between reads of the kernel counters and pcap flushes."""
IDLE_WAIT_MS = 100
"""Longest sleep while no frame arrives: bounds how late a stop or the duration is seen."""
DRAIN_LIMIT = 3.0
"""Seconds spent at stop reading what the kernel already captured, before giving up."""
_DROP_ALL = bytes((6, 0, 0, 0, 0, 0, 0, 0))  # BPF "ret #0": the kernel queues nothing more


@dataclass(frozen=True, slots=True)
class LiveOptions:
    iface: str
    duration: float | None = None
    """Seconds to capture; None = until stop() (SIGINT/SIGTERM)."""
    bpf: str | None = None
    """pcap-filter(7) expression applied in the kernel (compiled through scapy)."""
    write_pcap: Path | None = None
    buffer_size: int = DEFAULT_BUFFER
    promiscuous: bool = True
    rtps_only: bool = True
    mode: CaptureMode = CaptureMode.RING


class LiveSource:
    """A live PacketSource. Opening raises ``LiveCaptureError`` (privilege, interface, filter)."""

    def __init__(self, options: LiveOptions) -> None:
        self.options = options
        self.live = LiveStats(
            iface=options.iface, filter=options.bpf, requested_duration=options.duration
        )
        self.stats = LiveCaptureStats(format="live", live=self.live)
        self.rtps_only = options.rtps_only
        self.reassembler: IpReassembler | None = IpReassembler(self.stats)
        self.ring: Ring | None = None
        self.pcap: PcapWriter | None = None
        self._stop_reason: StopReason | None = None
        self._draining = False
        self._finished = False
        self._iterated = False
        self._loop: Generator[Datagram, None, None] | None = None
        self._drain_deadline = self._retire_deadline = 0.0
        self._next_house = 0.0
        self._deadline: float | None = None
        ifindex = af.resolve(options.iface)
        self.live.interface_up = af.is_up(options.iface)
        self.cooked = af.is_cooked(options.iface)
        self.link_type = int(LinkType.LINUX_SLL2 if self.cooked else LinkType.ETHERNET)
        self.live.link_type = self.link_type
        self.stats.link_types.add(self.link_type)
        program = compile_bpf(options.bpf, cooked=self.cooked) if options.bpf else None
        # 'any' cannot be named in bind(), so that socket listens from creation; it is read
        # only through the ring (or drained below), which exists after the filter.
        self.sock = af.open_socket(self.cooked, af.ETH_P_ALL if ifindex == 0 else 0)
        try:
            self._setup(ifindex, program)
        except BaseException:
            self.close()
            raise

    def _setup(self, ifindex: int, program: bytes | None) -> None:
        opts, live, sock = self.options, self.live, self.sock
        if opts.promiscuous and ifindex:
            live.promiscuous = af.set_promiscuous(sock, ifindex)
        if program is not None:
            af.attach_filter(sock, program)
        if opts.mode is CaptureMode.RING:
            try:
                self.ring = Ring(sock, RingGeometry.for_size(opts.buffer_size))
                live.buffer_bytes = self.ring.geometry.size
            except OSError as exc:
                log.warning("no TPACKET_V3 ring (%s); reading frame by frame", exc)
        if self.ring is None:
            live.mode = CaptureMode.RECV
            live.buffer_bytes = af.set_receive_buffer(sock, opts.buffer_size)
            live.buffer_forced = live.buffer_bytes >= opts.buffer_size
            sock.setblocking(False)
        if opts.write_pcap is not None:
            self.pcap = PcapWriter(opts.write_pcap, self.link_type, af.SNAPLEN)
            live.pcap_path = os.fspath(opts.write_pcap)
        if ifindex:
            sock.bind((opts.iface, af.ETH_P_ALL))
        elif self.ring is None:
            _discard_queued(sock)  # frames queued before the filter was attached
        live.started = time.time()
        af.kernel_stats(sock, self.ring is not None)  # reset: count from the start only
        now = time.monotonic()
        self._next_house = now + HOUSEKEEPING
        if opts.duration is not None:
            self._deadline = now + opts.duration

    # PacketSource ---------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Datagram]:
        if self._iterated:
            raise RuntimeError("a live source can be iterated once")
        self._iterated = True
        # The loop itself is the iterator (no extra generator layer per datagram); it calls
        # finish() when it ends, is closed or fails.
        loop = ring_datagrams(self) if self.ring is not None else recv_datagrams(self)
        self._loop = loop
        return loop

    def close(self) -> None:
        """Release the socket, the ring and the pcap file (idempotent)."""
        if self._loop is not None:
            self._loop.close()  # a loop left mid-way finishes now, while the socket is open
            self._loop = None
        if self.pcap is not None:
            self.pcap.close()
        if self.ring is not None:
            self.ring.close()
            self.ring = None
        self.sock.close()

    def __enter__(self) -> LiveSource:
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # control ----------------------------------------------------------------------------------
    def stop(self, reason: StopReason = StopReason.REQUESTED) -> None:
        """Ask the capture to end. Async-signal-safe: it only records the reason."""
        if self._stop_reason is None:
            self._stop_reason = reason

    @property
    def stopping(self) -> bool:
        return self._stop_reason is not None

    def fail(self, exc: OSError) -> None:
        """The socket failed (interface removed or down): stop and keep what was read."""
        if self.live.error is None:
            self.live.error = f"capture failed: {exc.strerror or exc}"
            log.error("%s", self.live.error)
        self.stop(StopReason.ERROR)
        self._begin_drain()

    # called by the hot loops ------------------------------------------------------------------
    def between_blocks(self) -> bool:
        """After each block (every 256 frames in recv mode); False ends the iteration."""
        now = time.monotonic()
        if self._draining:
            if now > self._drain_deadline:
                self.live.unread_at_stop = self.ring.pending_frames() if self.ring else 0
                return False
            return True
        if now >= self._next_house:
            self._housekeeping(now)
        if self._deadline is not None and now >= self._deadline:
            self.stop(StopReason.DURATION)
        if self._stop_reason is not None:
            self._begin_drain()
        return True

    def idle(self) -> bool:
        """Nothing to read: sleep briefly; False once stopped and drained."""
        if self._draining:
            if time.monotonic() >= self._retire_deadline:
                return False
            self._wait(10)
            return True
        if not self.between_blocks():
            return False
        if not self._draining:
            self._wait(IDLE_WAIT_MS)
        return True

    def _wait(self, timeout_ms: int) -> None:
        if self.ring is not None:
            ok = self.ring.wait(timeout_ms)
        else:
            events = select.select([self.sock], [], [self.sock], timeout_ms / 1000)
            ok = not events[2]
        if not ok:
            err = self.sock.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            self.fail(OSError(err, os.strerror(err) if err else "socket error"))

    def _begin_drain(self) -> None:
        if self._draining:
            return
        self._draining = True
        try:
            af.attach_filter(self.sock, _DROP_ALL)
        except af.LiveCaptureError:
            log.debug("could not detach the socket; frames after the stop may be read")
        now = time.monotonic()
        self._drain_deadline = now + DRAIN_LIMIT
        # A partly filled block is handed over within RETIRE_MS: wait for it to see its frames.
        self._retire_deadline = now + (2 * RETIRE_MS + 50) / 1000 if self.ring else now

    def _housekeeping(self, now: float) -> None:
        self._next_house = now + HOUSEKEEPING
        packets, drops = af.kernel_stats(self.sock, self.ring is not None)
        self.live.kernel_packets += packets
        self.live.kernel_drops += drops
        if self.pcap is not None:
            self.pcap.flush()
            self.live.pcap_records = self.pcap.records
            self.live.pcap_error = self.pcap.error

    def finish(self) -> None:
        """End of iteration: final kernel counters, stop reason, pcap closed (idempotent)."""
        if self._finished:
            return
        self._finished = True
        self.stop(StopReason.REQUESTED)
        self._housekeeping(time.monotonic())
        live = self.live
        live.stopped = time.time()
        live.stop_reason = self._stop_reason
        if self.reassembler is not None:
            self.reassembler.finish()
        if self.pcap is not None:
            self.pcap.close()
            live.pcap_records = self.pcap.records
            live.pcap_error = self.pcap.error


def _discard_queued(sock: socket.socket) -> None:
    sock.setblocking(False)
    try:
        while True:
            sock.recv(1)
    except OSError:
        pass

"""PACKET_RX_RING (TPACKET_V3): frames arrive in shared-memory blocks, no syscall per frame.

Layouts are from <linux/if_packet.h> and Documentation/networking/packet_mmap.rst. The kernel
fills a block, marks it TP_STATUS_USER (or retires a partly filled one after
``tp_retire_blk_tov`` ms); we walk its frames in place and hand it back (TP_STATUS_KERNEL).
Compared with one ``recv_into`` per frame this saves the syscall, gives kernel timestamps
for free, and packs small frames tightly, so the same memory absorbs far longer bursts than a
socket receive buffer (which is charged each frame's whole skb, test-rig.md §5).
"""

from __future__ import annotations

import logging
import mmap
import select
import socket
import struct
from dataclasses import dataclass

from ddsdoctor.capture.afpacket import PACKET_RX_RING, PACKET_VERSION, SOL_PACKET, TPACKET_V3

log = logging.getLogger(__name__)

TP_STATUS_KERNEL = 0
TP_STATUS_USER = 1
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40
TPACKET3_HDRLEN = 48  # TPACKET_ALIGN(sizeof(struct tpacket3_hdr)); sockaddr_ll follows it
FRAME_SIZE = 1 << 11
RETIRE_MS = 50
"""A partly filled block is handed over after this long: bounds latency at low rates."""

# struct tpacket_block_desc: version, offset_to_priv, then tpacket_hdr_v1 from +8.
BLOCK = struct.Struct("=III")  # block_status, num_pkts, offset_to_first_pkt (at +8)
# struct tpacket3_hdr: next_offset, sec, nsec, snaplen, len, status, mac, net.
FRAME = struct.Struct("=IIIIIIHH")
VLAN = struct.Struct("=IH")  # tp_vlan_tci, tp_vlan_tpid (at +32)
SOCKADDR_LL = struct.Struct("=HHiHBB8s")  # family, protocol (BE), ifindex, hatype, pkttype..
SLL2 = struct.Struct("!HHIHBB8s")  # LINKTYPE_LINUX_SLL2 header, 20 bytes


@dataclass(frozen=True, slots=True)
class RingGeometry:
    """Block size and count for a ring of about ``size`` bytes."""

    block_size: int
    blocks: int

    @property
    def size(self) -> int:
        return self.block_size * self.blocks

    @classmethod
    def for_size(cls, size: int) -> RingGeometry:
        # 1 MiB blocks (libpcap's default scale); smaller for small rings, but never below
        # 128 KiB so a 64 KiB datagram or GRO'd frame always fits in one block.
        block = 1 << 20
        while block > 128 << 10 and size // block < 8:
            block >>= 1
        return cls(block, max(2, size // block))


class Ring:
    """A TPACKET_V3 receive ring mapped into this process."""

    def __init__(self, sock: socket.socket, geometry: RingGeometry) -> None:
        self.geometry = geometry
        bs, nb = geometry.block_size, geometry.blocks
        sock.setsockopt(SOL_PACKET, PACKET_VERSION, struct.pack("=i", TPACKET_V3))
        req = struct.pack("=IIIIIII", bs, nb, FRAME_SIZE, (bs // FRAME_SIZE) * nb, RETIRE_MS, 0, 0)
        sock.setsockopt(SOL_PACKET, PACKET_RX_RING, req)
        prot = mmap.PROT_READ | mmap.PROT_WRITE
        self.mm = mmap.mmap(sock.fileno(), bs * nb, mmap.MAP_SHARED, prot)
        self.view = memoryview(self.mm)
        self._poll = select.poll()
        self._poll.register(sock, select.POLLIN | select.POLLERR)
        self.index = 0  # next block to read: the kernel fills blocks in order

    def ready(self) -> tuple[int, int, int] | None:
        """(offset of the block, frame count, offset of its first frame) when it is ours."""
        off = self.index * self.geometry.block_size
        status, count, first = BLOCK.unpack_from(self.mm, off + 8)
        if not status & TP_STATUS_USER:
            return None
        return off, count, off + first

    def release(self, off: int) -> None:
        """Give the current block back to the kernel and move to the next one."""
        struct.pack_into("=I", self.mm, off + 8, TP_STATUS_KERNEL)
        self.index = (self.index + 1) % self.geometry.blocks

    def wait(self, timeout_ms: int) -> bool:
        """Sleep until the kernel hands over a block (or the timeout); False on socket error."""
        events = self._poll.poll(timeout_ms)
        return not any(ev & select.POLLERR for _fd, ev in events)

    def pending_frames(self) -> int:
        """Frames in blocks handed over but not read (counted as unread when we give up)."""
        n = 0
        bs = self.geometry.block_size
        for i in range(self.geometry.blocks):
            status, count, _first = BLOCK.unpack_from(self.mm, i * bs + 8)
            if status & TP_STATUS_USER:
                n += count
        return n

    def close(self) -> None:
        self.view.release()
        self.mm.close()

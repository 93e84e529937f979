"""Linux AF_PACKET sockets for live capture: open, promiscuous mode, buffers, BPF, kernel stats.

Constants are from <linux/if_packet.h>, <asm-generic/socket.h> and <linux/sockios.h>; the
Python ``socket`` module does not export most of them.
"""

from __future__ import annotations

import enum
import errno
import fcntl
import logging
import socket
import struct

log = logging.getLogger(__name__)

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_PROMISC = 1
PACKET_RX_RING = 5
PACKET_STATISTICS = 6
PACKET_VERSION = 10
TPACKET_V3 = 2
SO_ATTACH_FILTER = 26
SO_RCVBUFFORCE = 33
SIOCGIFFLAGS = 0x8913
SIOCGIFHWADDR = 0x8927
IFF_UP = 0x1
ANY = "any"
SNAPLEN = 262144
"""Largest frame a live capture keeps whole (tcpdump's default snaplen)."""

# ARPHRD_* (<linux/if_arp.h>) whose frames start with an Ethernet header. Everything else
# (tun = NONE 65534, GRE 778, SIT 776, raw IP 519, ...) is read "cooked" (SOCK_DGRAM) and
# written with a LINKTYPE_LINUX_SLL2 header, as libpcap does for such devices and for "any".
_ETHERNET_LIKE = frozenset((1, 6, 772))  # ETHER, IEEE802, LOOPBACK


class ErrorKind(enum.Enum):
    """What went wrong opening a capture; the CLI maps it to an exit code."""

    PRIVILEGE = "privilege"  # no CAP_NET_RAW: exit 3
    NO_INTERFACE = "no-interface"  # unknown interface: exit 2
    FILTER = "filter"  # the BPF expression does not compile: exit 2
    ENVIRONMENT = "environment"  # scapy/libpcap missing, kernel refused: exit 3


class LiveCaptureError(Exception):
    """A live capture cannot start. ``kind`` says why; the message says what to do."""

    def __init__(self, kind: ErrorKind, message: str, interfaces: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.kind = kind
        self.interfaces = interfaces


PRIVILEGE_HINT = (
    "capturing needs root or the CAP_NET_RAW capability (CAP_NET_ADMIN too for a large "
    "buffer). Run as root (sudo), or grant the interpreter the capabilities: "
    "sudo setcap cap_net_raw,cap_net_admin=eip $(readlink -f $(which python3))"
)


def interfaces() -> tuple[str, ...]:
    """Interface names of this network namespace, plus the pseudo-interface 'any'."""
    return (ANY, *sorted(name for _idx, name in socket.if_nameindex()))


def resolve(iface: str) -> int:
    """Interface index (0 for 'any'); LiveCaptureError listing the interfaces otherwise."""
    if iface == ANY:
        return 0
    try:
        return socket.if_nametoindex(iface)
    except OSError:
        names = interfaces()
        raise LiveCaptureError(
            ErrorKind.NO_INTERFACE,
            f"no interface {iface!r} here; available: {', '.join(names)}",
            names,
        ) from None


def _ifreq(iface: str, request: int) -> bytes | None:
    """One SIOCGIF* ioctl (any socket will do, no privilege needed); None on failure."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            return fcntl.ioctl(s.fileno(), request, struct.pack("16s16x", iface.encode()))
        except OSError:
            return None


def is_cooked(iface: str) -> bool:
    """True when frames of ``iface`` have no Ethernet header (read with SOCK_DGRAM)."""
    if iface == ANY:
        return True
    res = _ifreq(iface, SIOCGIFHWADDR)
    # ifr_hwaddr.sa_family holds the ARPHRD type.
    return res is not None and struct.unpack_from("=H", res, 16)[0] not in _ETHERNET_LIKE


def is_up(iface: str) -> bool:
    """True when ``iface`` is administratively up ('any' always is)."""
    if iface == ANY:
        return True
    res = _ifreq(iface, SIOCGIFFLAGS)
    return res is not None and bool(struct.unpack_from("=H", res, 16)[0] & IFF_UP)


def open_socket(cooked: bool, protocol: int = 0) -> socket.socket:
    """A packet socket; with protocol 0 it receives nothing until ``bind(iface, ETH_P_ALL)``.

    Protocol 0 at creation means no frame is queued before the options (buffer, ring, BPF)
    are in place, so the filter applies from the first frame (packet(7)).
    """
    kind = socket.SOCK_DGRAM if cooked else socket.SOCK_RAW
    try:
        return socket.socket(socket.AF_PACKET, kind, socket.htons(protocol))
    except PermissionError:
        raise LiveCaptureError(ErrorKind.PRIVILEGE, PRIVILEGE_HINT) from None
    except OSError as exc:
        if exc.errno in (errno.EPERM, errno.EACCES):
            raise LiveCaptureError(ErrorKind.PRIVILEGE, PRIVILEGE_HINT) from None
        raise LiveCaptureError(
            ErrorKind.ENVIRONMENT, f"cannot open a packet socket: {exc.strerror}"
        ) from None


def set_receive_buffer(sock: socket.socket, size: int) -> int:
    """SO_RCVBUFFORCE (CAP_NET_ADMIN, beyond rmem_max), else SO_RCVBUF; the size obtained."""
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_RCVBUFFORCE, size)
    except OSError:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, size)
    # The kernel doubles the value for bookkeeping overhead (socket(7)); report what it holds.
    return int(sock.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF)) // 2


def set_promiscuous(sock: socket.socket, ifindex: int) -> bool:
    """Ask for promiscuous mode while the socket lives (dropped on close, packet(7)).

    A bridge hands its own packet sockets only multicast and frames for itself unless it is
    promiscuous: without this, br0 shows 16 frames instead of 112k (test-rig.md §5).
    """
    mreq = struct.pack("iHH8s", ifindex, PACKET_MR_PROMISC, 0, b"")
    try:
        sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
    except OSError as exc:
        log.warning("cannot set promiscuous mode on ifindex %d: %s", ifindex, exc)
        return False
    return True


def attach_filter(sock: socket.socket, program: bytes) -> None:
    """Attach classic BPF instructions (8 bytes each) with SO_ATTACH_FILTER."""
    import ctypes

    count = len(program) // 8
    insns = ctypes.create_string_buffer(program, len(program))
    # struct sock_fprog { unsigned short len; struct sock_filter *filter; } (native layout)
    fprog = struct.pack("HL", count, ctypes.addressof(insns))
    try:
        sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)
    except OSError as exc:
        raise LiveCaptureError(
            ErrorKind.FILTER, f"the kernel refused the BPF program: {exc.strerror}"
        ) from None


def kernel_stats(sock: socket.socket, ring: bool) -> tuple[int, int]:
    """(packets, drops) since the last call: PACKET_STATISTICS resets on every read.

    ``packets`` includes the drops (net/packet/af_packet.c, packet_getsockopt).
    """
    try:
        raw = sock.getsockopt(SOL_PACKET, PACKET_STATISTICS, 12 if ring else 8)
    except OSError:
        return 0, 0
    packets, drops = struct.unpack_from("=II", raw)
    return packets, drops

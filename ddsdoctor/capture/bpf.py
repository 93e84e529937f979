"""BPF filter expressions compiled by scapy (libpcap's compiler) into kernel socket filters.

scapy is imported here only, and only when a filter is asked for: it is in the ``capture``
extra, and hand-writing a pcap-filter(7) compiler would be worse than libpcap's own.
"""

from __future__ import annotations

import logging
import struct

from ddsdoctor.capture.afpacket import SNAPLEN, ErrorKind, LiveCaptureError

log = logging.getLogger(__name__)

_BPF_RET_K = 0x06  # BPF_RET | BPF_K (<linux/filter.h>)
_INSN = struct.Struct("=HBBI")  # struct sock_filter { u16 code; u8 jt; u8 jf; u32 k; }


def compile_bpf(expression: str, *, cooked: bool) -> bytes:
    """Compile a pcap-filter(7) expression into classic BPF instructions (8 bytes each).

    ``cooked``: the socket is SOCK_DGRAM ('any', tun, ...), where the kernel runs the filter
    on the network header (net/packet/af_packet.c, packet_rcv), so the expression is compiled
    for raw IP; link-layer terms such as ``ether host`` are then refused with libpcap's message.
    """
    try:
        from scapy.arch.common import compile_filter, free_filter
        from scapy.data import DLT_EN10MB, DLT_RAW
        from scapy.error import Scapy_Exception
    except ImportError:
        raise LiveCaptureError(
            ErrorKind.ENVIRONMENT,
            "--filter needs scapy (BPF is compiled by libpcap through scapy): "
            "pip install 'ddsdoctor[capture]'",
        ) from None
    import ctypes

    try:
        prog = compile_filter(expression, linktype=DLT_RAW if cooked else DLT_EN10MB)
    except ImportError as exc:  # scapy could not load libpcap
        raise LiveCaptureError(
            ErrorKind.ENVIRONMENT,
            f"cannot compile the filter: {exc} (install libpcap, e.g. apt-get install libpcap0.8)",
        ) from None
    except (Scapy_Exception, OSError) as exc:
        raise LiveCaptureError(ErrorKind.FILTER, f"bad --filter: {exc}") from None
    try:
        raw = bytearray(ctypes.string_at(prog.bf_insns, prog.bf_len * _INSN.size))
    finally:
        free_filter(prog)
    return bytes(widen_snaplen(raw))


def widen_snaplen(program: bytearray) -> bytearray:
    """Make accepting returns keep ``SNAPLEN`` bytes instead of scapy's 65535.

    scapy opens the dead pcap handle with a 65535-byte snaplen, which the compiler writes
    into every accepting ``ret``: a frame above that (a GRO'd or jumbo frame) would be cut.
    """
    for off in range(0, len(program) - _INSN.size + 1, _INSN.size):
        code, jt, jf, k = _INSN.unpack_from(program, off)
        if code == _BPF_RET_K and k == 0xFFFF:
            _INSN.pack_into(program, off, code, jt, jf, SNAPLEN)
    return program

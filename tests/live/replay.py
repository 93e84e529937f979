"""Replaying real OpenSplice traffic (the shared opensplice-lab capture) to a Cyclone DDS reader
in a rig host: OpenSplice itself cannot run here, its bytes can.

Discovery and data in the capture were addressed to the lab's own participants (unicast, with
INFO_DST and reader entity ids). To let another participant hear them, each RTPS message is
re-addressed: to the SPDP multicast group, INFO_DST cleared (meaning "every participant",
RTPS 2.2 §8.3.7.7) and reader ids set to ENTITYID_UNKNOWN ("every matched reader", §9.3.1.2).
Everything else, including the OpenSplice GUIDs, QoS, USER_DATA and serialized samples, is the
capture's. UDP checksums are recomputed: the lab captured on veths with checksum offload.
"""

from __future__ import annotations

import struct
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

from tests.conftest import CORPUS

OSPL_LAB = CORPUS / "opensplice-lab" / "s1-sp-3hosts-domain0" / "capture.pcap"
SPDP = 0x000100C2
SEDP = (0x000003C2, 0x000004C2)
_INFO_DST, _DATA, _HEARTBEAT, _GAP = 0x0E, 0x15, 0x07, 0x08
Submessage = tuple[int, int]  # (id, writer entity id or 0)


def _walk(payload: bytearray) -> list[tuple[int, int, bool, int]]:
    """(offset, id, little-endian, writer entity id) of each submessage of an RTPS message."""
    out = []
    off = 20
    while off + 4 <= len(payload):
        sid, flags = payload[off], payload[off + 1]
        le = bool(flags & 1)
        length = struct.unpack_from("<H" if le else ">H", payload, off + 2)[0]
        writer = 0
        if sid == _DATA and off + 16 <= len(payload):
            writer = struct.unpack_from(">I", payload, off + 12)[0]
        elif sid in (_HEARTBEAT, _GAP) and off + 12 <= len(payload):
            writer = struct.unpack_from(">I", payload, off + 8)[0]
        out.append((off, sid, le, writer))
        if length == 0:
            break
        off += 4 + length
    return out


def _readdress(payload: bytearray) -> bytes:
    for off, sid, _le, _w in _walk(payload):
        if sid == _INFO_DST:
            payload[off + 4 : off + 16] = bytes(12)
        elif sid == _DATA:
            payload[off + 8 : off + 12] = bytes(4)  # after extraFlags and octetsToInlineQos
        elif sid in (_HEARTBEAT, _GAP):
            payload[off + 4 : off + 8] = bytes(4)
    return bytes(payload)


def extract(
    out: Path,
    keep: Callable[[float, bytes, set[int]], bool],
    *,
    dport: int = 7400,
    source: Path = OSPL_LAB,
) -> int:
    """Write the re-addressed RTPS messages of ``source`` that ``keep(t, guid_prefix,
    writer_ids)`` selects; returns how many."""
    from scapy.layers.inet import IP, UDP
    from scapy.layers.l2 import Ether
    from scapy.packet import Raw
    from scapy.utils import rdpcap, wrpcap

    packets: Any = rdpcap(str(source))
    t0 = float(packets[0].time)
    chosen = []
    for p in packets:
        if UDP not in p or IP not in p or p[IP].frag:
            continue
        payload = bytearray(bytes(p[UDP].payload))
        if payload[:4] != b"RTPS":
            continue
        writers = {w for _o, _s, _le, w in _walk(payload) if w}
        if not keep(float(p.time) - t0, bytes(payload[8:20]), writers):
            continue
        q = (
            Ether(src=p[Ether].src, dst="01:00:5e:7f:00:01")
            / IP(src=p[IP].src, dst="239.255.0.1", ttl=32)
            / UDP(sport=p[UDP].sport, dport=dport)
            / Raw(_readdress(payload))
        )
        q.time = p.time
        chosen.append(q)
    wrpcap(str(out), chosen)
    return len(chosen)


def replay(bridge_ns: str, pcap: Path) -> None:
    """Send the frames onto the rig's bridge, as fast as possible, in capture order."""
    subprocess.run(
        ["ip", "netns", "exec", bridge_ns, "tcpreplay", "-q", "-i", "br0", "--topspeed", str(pcap)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )

"""Write the capture rule cases (DD80x, DD854) from the project's own sample capture.

Every case is real RTPS bytes from ``docs/examples/rig-sample.pcap`` (recorded by the
project's test rig), cut, cropped or re-encapsulated the way broken captures look in the
field. Run from the repository root and commit the result:

    /work/venv/bin/python -m tests.rules.make_capture_cases
"""

from __future__ import annotations

import struct
from pathlib import Path

from tests.capture.synth import ethernet, ipv4, ipv4_fragments, udp, write_pcap

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "docs" / "examples" / "rig-sample.pcap"
CASES = ROOT / "tests" / "rules" / "cases"

Record = tuple[int, int, bytes, int]  # sec, usec, captured bytes, original length


def records(path: Path = SAMPLE) -> tuple[bytes, list[Record]]:
    data = path.read_bytes()
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, usec, caplen, origlen = struct.unpack_from("<IIII", data, pos)
        out.append((sec, usec, data[pos + 16 : pos + 16 + caplen], origlen))
        pos += 16 + caplen
    return data[:24], out


def pack(header: bytes, recs: list[Record]) -> bytes:
    body = b"".join(struct.pack("<IIII", s, u, len(f), o) + f for s, u, f, o in recs)
    return header + body


def write(code: str, name: str, data: bytes) -> None:
    path = CASES / code / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    print(f"{path.relative_to(ROOT)}: {len(data)} bytes")


def _udp_payload(frame: bytes) -> bytes:
    return frame[14 + 20 + 8 :]  # Ethernet + IPv4 without options + UDP (the rig's frames)


def main() -> None:
    header, recs = records()
    base = recs[:60]
    complete = pack(header, base)
    for code in ("DD800", "DD801", "DD802", "DD803", "DD804", "DD805", "DD806", "DD807"):
        write(code, "pass_complete.pcap", complete)
    # DD800: cut in the middle of the last record (tcpdump killed, file copied too early)
    write("DD800", "fail_cut_mid_record.pcap", complete[: len(complete) - len(base[-1][2]) // 2])
    # DD801: not a capture at all
    write("DD801", "fail_text_file.pcap", b"tcpdump: listening on eth0, link-type EN10MB\n")
    # DD802: a record length no capture can have, after 30 good records
    bad = struct.pack("<IIII", base[30][0], base[30][1], 0x7FFFFFF0, 0x7FFFFFF0) + b"\0" * 64
    write("DD802", "fail_bad_record_length.pcap", pack(header, base[:30]) + bad)
    # DD803: the same frames declared as 802.11 radiotap (link type 127)
    write("DD803", "fail_radiotap.pcap", header[:20] + struct.pack("<I", 127) + complete[24:])
    # DD804: a real message whose first submessage claims to run past the datagram's end
    sec, usec, frame, _orig = base[10]
    msg = bytearray(_udp_payload(frame))
    le = msg[21] & 1
    msg[22:24] = struct.pack("<H" if le else ">H", 0xFFF0)
    src, dst = frame[26:30], frame[30:34]
    ip = ipv4(".".join(map(str, src)), ".".join(map(str, dst)), 17, udp(7410, 7410, bytes(msg)))
    bad_frame = ethernet(ip)
    write(
        "DD804",
        "fail_overrun_submessage.pcap",
        pack(header, [*base[:20], (sec, usec, bad_frame, len(bad_frame))]),
    )
    # DD805: UDP that is not RTPS (mDNS-like queries) only
    dns = (
        bytes.fromhex("000001000001000000000000")
        + b"\x05_ddsd\x04_udp\x05local\x00\x00\x0c\x00\x01"
    )
    frames = [
        (1_795_311_411.0 + i, ethernet(ipv4("10.77.0.11", "224.0.0.251", 17, udp(5353, 5353, dns))))
        for i in range(5)
    ]
    write_pcap(CASES / "DD805" / "fail_only_mdns.pcap", 1, frames)
    # DD806: the same frames captured with a 96-byte snap length
    cut = [(s, u, f[:96], o) for s, u, f, o in base]
    snap = bytearray(pack(header, cut))
    snap[16:20] = struct.pack("<I", 96)
    write("DD806", "fail_snaplen_96.pcap", bytes(snap))
    # DD807: the biggest datagram of the sample sent as IPv4 fragments, one of them lost
    sec, usec, frame, _orig = max(base, key=lambda r: len(r[2]))
    body = frame[34:]  # the UDP datagram
    frags = ipv4_fragments("10.77.0.13", "10.77.0.12", body, 256, ident=4242)
    t = sec + usec / 1e6
    write_pcap(
        CASES / "DD807" / "fail_missing_fragment.pcap",
        1,
        [(t, ethernet(f)) for i, f in enumerate(frags) if i != 1],
    )
    write_pcap(CASES / "DD807" / "pass_all_fragments.pcap", 1, [(t, ethernet(f)) for f in frags])
    # DD854: a capture started 9 s in, after discovery (data from writers whose SEDP it lacks)
    t0 = recs[0][0] + recs[0][1] / 1e6
    late = [r for r in recs if 9.0 <= r[0] + r[1] / 1e6 - t0 < 11.0][:80]
    write("DD854", "fail_started_late.pcap", pack(header, late))
    write("DD854", "pass_from_the_start.pcap", pack(header, recs[:150]))


if __name__ == "__main__":
    main()

"""The live AF_PACKET source on a veth pair, checked against the pcap reader and tshark.

Real rig traffic (docs/examples/rig-sample.pcap: Cyclone, Fast DDS and Dust DDS on 4 hosts)
is replayed with tcpreplay into a namespace the test owns and captured on the other end.
"""

from __future__ import annotations

import shutil
import subprocess
import time
from pathlib import Path

import pytest

from ddsdoctor.capture.frames import LinkType
from ddsdoctor.capture.live import LiveOptions, LiveSource
from ddsdoctor.capture.livestats import CaptureMode, StopReason
from tests.capture import synth
from tests.live_capture.helpers import capture_while, file_datagrams, key
from tests.live_capture.netns import VethNs
from tests.tshark import tshark_argv

pytestmark = [pytest.mark.live, pytest.mark.root]


def _frames(path: Path) -> list[bytes]:
    """Raw frames of a little-endian µs pcap, in order."""
    import struct

    data = path.read_bytes()
    out, pos = [], 24
    while pos + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, pos + 8)[0]
        out.append(data[pos + 16 : pos + 16 + caplen])
        pos += 16 + caplen
    return out


@pytest.mark.parametrize("mode", [CaptureMode.RING, CaptureMode.RECV])
def test_same_datagrams_as_the_pcap_reader(
    vethns: VethNs, sample: Path, tmp_path: Path, mode: CaptureMode
) -> None:
    out = tmp_path / "live.pcap"
    opts = LiveOptions(iface="rpb", write_pcap=out, mode=mode)
    src, got, stopped_in = capture_while(vethns, opts, lambda: vethns.replay(sample))
    want = file_datagrams(sample)
    assert [key(d) for d in got] == [key(d) for d in want]
    assert src.live.mode is mode and src.live.promiscuous
    assert src.live.kernel_drops == 0 and src.live.kernel_packets == src.stats.frames == 2013
    assert src.live.stop_reason is StopReason.REQUESTED
    assert stopped_in < 1.0
    # every frame is written, byte for byte, and the file reads back the same datagrams
    assert _frames(out) == _frames(sample)
    assert src.live.pcap_records == 2013
    assert [key(d) for d in file_datagrams(out)] == [key(d) for d in want]
    # kernel timestamps are monotonic and inside the capture
    times = [d.time for d in got]
    assert times == sorted(times)
    assert src.live.started is not None and src.live.started <= times[0] <= time.time()


def test_tshark_reads_the_written_pcap(vethns: VethNs, sample: Path, tmp_path: Path) -> None:
    if shutil.which("tshark") is None:
        pytest.skip("needs tshark")
    out = tmp_path / "live.pcap"
    capture_while(vethns, LiveOptions(iface="rpb", write_pcap=out), lambda: vethns.replay(sample))
    ours = subprocess.run(
        [*tshark_argv(), "-n", "-r", str(out), "-T", "fields", "-e", "rtps.guidPrefix.src"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    theirs = subprocess.run(
        [*tshark_argv(), "-n", "-r", str(sample), "-T", "fields", "-e", "rtps.guidPrefix.src"],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert ours == theirs and ours.count("\n") == 2013


def test_any_is_cooked_sll2_and_sees_both_ends(
    vethns: VethNs, sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "any.pcap"
    src, got, _ = capture_while(
        vethns, LiveOptions(iface="any", write_pcap=out), lambda: 2 * vethns.replay(sample)
    )
    assert src.link_type == LinkType.LINUX_SLL2 and not src.live.promiscuous
    want = [key(d) for d in file_datagrams(sample)]
    # 'any' sees each frame leave rpa and enter rpb, like tcpdump -i any
    assert sorted(key(d) for d in got) == sorted(want * 2)
    back = file_datagrams(out)
    assert sorted(key(d) for d in back) == sorted(want * 2)
    if shutil.which("tshark"):
        rows = subprocess.run(
            [*tshark_argv(), "-n", "-r", str(out), "-T", "fields", "-e", "sll.pkttype",
             "-e", "sll.ifindex"],
            capture_output=True, text=True, check=True,
        ).stdout.split("\n")  # fmt: skip
        kinds = [tuple(r.split("\t")) for r in rows if r]
        rpa = vethns.exec("cat", "/sys/class/net/rpa/ifindex").strip()
        rpb = vethns.exec("cat", "/sys/class/net/rpb/ifindex").strip()
        # PACKET_OUTGOING (4) on rpa; multicast (2) or other-host unicast (3) arriving on rpb
        assert sum(1 for k in kinds if k == ("4", rpa)) == 2013
        assert {k for k in kinds if k[1] == rpb} <= {("2", rpb), ("3", rpb)}
        assert sum(1 for k in kinds if k[1] == rpb) == 2013


def test_bpf_filter_in_the_kernel(vethns: VethNs, sample: Path) -> None:
    want = [d for d in file_datagrams(sample) if d.dport == 7400]
    assert want and all(d.frames == 1 for d in want)

    def replay() -> int:
        vethns.replay(sample)
        return len(want)

    opts = LiveOptions(iface="rpb", bpf="udp dst port 7400")
    src, got, _ = capture_while(vethns, opts, replay)
    assert [key(d) for d in got] == [key(d) for d in want]
    assert src.live.kernel_packets == src.stats.frames == len(want)
    assert src.live.filter == "udp dst port 7400"


def test_vlan_tag_stripped_by_the_kernel_is_put_back(vethns: VethNs, tmp_path: Path) -> None:
    body = b"RTPS\x02\x03\x01\x10" + bytes(12) + b"\x09\x01\x08\x00" + bytes(8)
    packet = synth.ipv4("10.1.1.1", "239.255.0.1", 17, synth.udp(7410, 7400, body))
    frames = [(1_800_000_000.0 + i, synth.ethernet(packet, vlans=[42])) for i in range(20)]
    pcap = synth.write_pcap(tmp_path / "vlan.pcap", 1, frames)
    out = tmp_path / "live.pcap"
    _src, got, _ = capture_while(
        vethns, LiveOptions(iface="rpb", write_pcap=out), lambda: vethns.replay(pcap)
    )
    assert len(got) == 20 and {d.vlan for d in got} == {42}
    assert _frames(out) == [f for _t, f in frames]


def test_duration_ends_the_capture_when_idle(vethns: VethNs) -> None:
    with vethns.inside():
        src = LiveSource(LiveOptions(iface="rpb", duration=0.5))
    t0 = time.monotonic()
    with src:
        assert list(src) == []
    took = time.monotonic() - t0
    assert 0.5 <= took < 1.0
    assert src.live.stop_reason is StopReason.DURATION


def test_interface_down_is_reported(vethns: VethNs) -> None:
    vethns.ip("link", "add", "rpc", "type", "veth", "peer", "name", "rpd")
    with vethns.inside():
        src = LiveSource(LiveOptions(iface="rpc", duration=0.1))
    with src:
        list(src)
    assert not src.live.interface_up


def test_interface_going_down_ends_the_capture_with_what_was_read(
    vethns: VethNs, sample: Path
) -> None:
    with vethns.inside():
        src = LiveSource(LiveOptions(iface="rpb"))
    got: list[object] = []
    with src:
        it = iter(src)
        vethns.replay(sample)
        deadline = time.monotonic() + 5
        while len(got) < 2013 and time.monotonic() < deadline:
            got.append(next(it))
        vethns.ip("link", "set", "rpb", "down")
        t0 = time.monotonic()
        rest = list(it)  # ends by itself: the kernel reports ENETDOWN on the socket
        assert time.monotonic() - t0 < 2.0
    assert len(got) + len(rest) == 2013
    assert src.live.stop_reason is StopReason.ERROR
    assert src.live.error is not None and "down" in src.live.error.lower()

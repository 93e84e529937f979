"""Tests of the test rig itself: real namespaces, real peers, tshark as the oracle."""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.rig import Proc, Rig, peers, rtps_summary
from tests.rig.capture import Capture
from tests.rig.fixtures import require_tools
from tests.rig.netns import (
    RIG_NAME,
    forget_owner,
    list_netns,
    pidns_tag,
    reap_stale,
    rig_lock,
    run,
    unsupported_reason,
)
from tests.rig.peers import PEERS
from tests.rig.vendors import PeerUnavailable

pytestmark = [pytest.mark.live, pytest.mark.root]


def _root_links() -> set[str]:
    return {ln.split()[0] for ln in run(["ip", "-br", "link"]).stdout.splitlines() if ln.strip()}


def _uplink() -> str:
    """The root namespace's real interface (default route); lo is left out on purpose:
    colleagues' tests legitimately run lo-confined Cyclone on 239.255.0.1:7400 there."""
    for line in run(["ip", "-4", "route", "show", "default"]).stdout.splitlines():
        words = line.split()
        if "dev" in words:
            return words[words.index("dev") + 1]
    return "eth0"


def _alive(pid: int) -> bool:
    """Running, or stopped; a zombie waiting for its reaper is dead."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1][0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def test_three_hosts_discover_each_other_and_nothing_leaks(rig: Rig, tmp_path: Path) -> None:
    require_tools("tshark")
    links_before = _root_links()
    h1, h2, h3 = rig.hosts
    # Watch the root namespace's uplink for anything of the rig's: must stay at 0 packets.
    watch = Capture.start(None, _uplink(), tmp_path / "root.pcap", log_dir=tmp_path,
                          bpf=f"net {rig.subnet}.0/24 or host 239.255.0.1 or udp port 7400",
                          name="root-watch")
    rig.captures.append(watch)  # stopped by the rig's teardown if the test fails early
    cap = rig.capture(tmp_path / "br0.pcap")
    subs = [peers.cyclone_sub(h, "rig_check", partitions=["p1"], expect=10) for h in (h2, h3)]
    peers.cyclone_pub(h1, "rig_check", partitions=["p1"], count=10, rate=0, wait_match=2)
    for sub in subs:
        sub.wait_for(r"^COMPLETE 10")
    stats = cap.stop()
    leaked = watch.stop()

    assert stats.dropped == 0 and stats.captured > 0
    s = rtps_summary(cap.path)
    assert s.src_ips == {h1.ip, h2.ip, h3.ip}
    assert "239.255.0.1:7400" in s.spdp_dsts
    assert "rig_check" in s.topics and "rig::Reading" in s.type_names
    assert "p1" in s.partitions
    assert s.hostnames == {"h1", "h2", "h3"}  # each host has its own UTS namespace
    assert s.vendors == {"0x0110"}
    assert leaked.captured == 0, f"rig traffic seen in the root namespace: {leaked}"
    assert _root_links() == links_before


def test_teardown_leaves_no_namespace_and_no_process(tmp_path: Path) -> None:
    reason = unsupported_reason()
    if reason:
        pytest.skip(reason)
    rig = Rig(2, second_net=True, workdir=tmp_path).up()
    names = [h.ns for h in rig.hosts] + [rig.bridge_ns]
    assert set(names) <= set(list_netns())
    assert rig["h1"].exec(["ip", "-4", "-o", "addr", "show", "eth1"]).count(rig.subnet1 or "?") == 1
    pub = peers.cyclone_pub(rig["h1"], count=0, rate=5)
    stopped = peers.cyclone_sub(rig["h2"])
    stopped.pause()  # a SIGSTOPped peer must die too
    orphan = rig["h2"].spawn(["sh", "-c", "sleep 60 & sleep 60"])  # leaves a child behind
    time.sleep(0.2)
    child_pids = [int(p) for p in run(["ip", "netns", "pids", rig["h2"].ns]).stdout.split()]
    rig.down()

    assert not set(names) & set(list_netns())
    for pid in [pub.pid, stopped.pid, orphan.pid, *child_pids]:
        assert not _alive(pid), f"pid {pid} survived teardown"


def test_reaper_removes_namespaces_of_a_crashed_run() -> None:
    reason = unsupported_reason()
    if reason:
        pytest.skip(reason)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)
    prefix = f"ddr-{pidns_tag()}-{int(dead.stdout)}-1"
    ns = f"{prefix}-h1"
    assert RIG_NAME.match(ns)
    run(["ip", "netns", "add", ns])
    try:
        with rig_lock():
            reaped = reap_stale()
        assert ns in reaped
        assert ns not in list_netns()
    finally:
        run(["ip", "netns", "del", ns], check=False)
        forget_owner(prefix)


def test_mixed_vendors_on_one_wire(rig: Rig, tmp_path: Path) -> None:
    require_tools("tshark")
    h1, h2, h3 = rig.hosts
    cap = rig.capture(tmp_path / "mixed.pcap")
    expected = {"0x0110"}
    skipped: list[str] = []
    peers.cyclone_pub(h1, "cyc", partitions=["plantC"], count=0, rate=5)
    try:
        peers.fastdds(h2, "publisher", "fastTopic", partitions=["plantF"], transient_local=True)
        expected.add("0x010f")
    except PeerUnavailable as exc:
        skipped.append(f"Fast DDS: {exc}")
    try:
        dust = peers.dust_pub(h3, "dustTopic", partitions=["plantD"], count=5, rate=20)
        dust.wait_for(r"^DONE 5")
        expected.add("0x0114")
    except PeerUnavailable as exc:
        skipped.append(f"Dust DDS: {exc}")
    if len(expected) == 1:
        pytest.skip("; ".join(skipped))
    # A Cyclone reader of the Fast DDS topic makes discovery and data flow between vendors.
    if "0x010f" in expected:
        peers.cyclone_sub(h3, "fastTopic", type="hello", partitions=["plantF"],
                          durability="transient_local", expect=2).wait_for(r"^COMPLETE")
    cap.stop()
    s = rtps_summary(cap.path)
    assert expected <= s.vendors, f"vendors on the wire {s.vendors}, skipped: {skipped}"
    assert "cyc" in s.topics
    if "0x010f" in expected:
        assert {"fastTopic", "plantF"} <= s.topics | s.partitions
    if "0x0114" in expected:
        assert {"dustTopic", "DustReading", "plantD"} <= s.topics | s.type_names | s.partitions


@pytest.mark.parametrize("fault", ["cut", "drop_udp", "drop_big", "pause"])
def test_fault_stops_delivery_and_heals(rig: Rig, fault: str) -> None:
    h1, h2, _ = rig.hosts
    sub = peers.cyclone_sub(h2, "faulty", every=0.05)
    # 1200-byte samples: drop_big(900) stops the data while small discovery packets pass.
    pub = peers.cyclone_pub(h1, "faulty", count=0, rate=50, payload=1200)
    sub.wait_for(r"^RECV [1-9]")
    {"cut": h1.cut, "drop_udp": h1.drop_udp, "drop_big": h1.drop_big, "pause": pub.pause}[fault]()
    time.sleep(0.3)  # let in-flight samples land
    frozen = _received(sub)
    time.sleep(1.0)
    assert _received(sub) == frozen, f"samples still arrive after {fault}"
    if fault == "drop_big":
        matched = sub.last(r"^MATCHED (\d+)")
        assert matched and matched[1] == "1", "discovery must survive drop_big"
    h1.clear_faults()
    pub.resume()
    deadline = time.monotonic() + 10
    while _received(sub) <= frozen:
        assert time.monotonic() < deadline, f"delivery did not resume after healing {fault}"
        time.sleep(0.1)


def test_rate_limit_and_random_loss_apply_and_clear(rig: Rig) -> None:
    h1 = rig.hosts[0]
    h1.rate_limit("8mbit")
    assert "tbf" in h1.exec(["tc", "qdisc", "show", "dev", "eth0"])
    h1.random_loss(30)
    assert "numgen random mod 100 < 30" in h1.exec(["nft", "list", "table", "inet", "ddrig"])
    h1.clear_faults()
    assert "tbf" not in h1.exec(["tc", "qdisc", "show", "dev", "eth0"])
    assert h1.exec(["nft", "list", "tables"]).strip() == ""


def test_ddsperf_between_hosts(rig: Rig) -> None:
    require_tools("ddsperf")
    h1, h2, _ = rig.hosts
    sub = peers.ddsperf(h2, "sub", duration=2)
    peers.ddsperf(h1, "pub", "100Hz", duration=2)
    assert sub.wait(10) == 0
    assert "participant h1:" in sub.stdout
    totals = [int(m) for m in re.findall(r" total (\d+) lost 0", sub.stdout)]
    assert totals and totals[-1] > 0, sub.stdout


def _received(sub: Proc) -> int:
    m = sub.last(r"^RECV (\d+)")
    return int(m[1]) if m else 0


def test_peers_refuse_or_confine_in_root_namespace(tmp_path: Path) -> None:
    # Cyclone in the root namespace: confined to lo (and says so); runs and exits normally.
    res = subprocess.run([sys.executable, str(PEERS / "cyclone_pub.py"), "--count", "1",
                          "--linger", "0", "--domain", "231"],
                         capture_output=True, text=True, timeout=30, check=False)
    assert res.returncode == 0, res.stderr
    assert "confined to lo" in res.stderr
    # Dust cannot be confined: it refuses before importing dust_dds at all.
    res = subprocess.run([sys.executable, str(PEERS / "dust_pub.py")],
                         capture_output=True, text=True, timeout=30, check=False)
    assert res.returncode == 3 and "refusing" in res.stderr

"""``ddsdoctor topology --iface`` as a user runs it: stops, errors and exit codes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from tests.conftest import ROOT
from tests.live_capture.helpers import file_datagrams, key
from tests.live_capture.netns import VethNs
from tests.rig.proc import Proc

CLI = [sys.executable, "-m", "ddsdoctor", "topology"]


def _cli(*args: str, user: bool = False) -> subprocess.CompletedProcess[str]:
    drop = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if user else []
    return subprocess.run(
        [*drop, *CLI, *args], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False
    )


def _start(ns: VethNs, tmp: Path, *args: str) -> Proc:
    proc = Proc(
        ["ip", "netns", "exec", ns.ns, *CLI, "--iface", "rpb", *args],
        name="ddsdoctor-live",
        log_dir=tmp / "logs",
        cwd=ROOT,
    )
    proc.wait_for(r"capturing on rpb", 30, stream="stderr")
    return proc


def _frames_in(pcap: Path) -> int:
    with read_capture(pcap, rtps_only=False) as r:
        for _ in r:
            pass
        return r.stats.frames


@pytest.mark.live
@pytest.mark.root
def test_sigint_stops_writes_pcap_and_report(vethns: VethNs, sample: Path, tmp_path: Path) -> None:
    pcap, out = tmp_path / "live.pcap", tmp_path / "report.json"
    proc = _start(
        vethns, tmp_path, "--duration", "120", "--write-pcap", str(pcap), "-f", "json",
        "-o", str(out),
    )  # fmt: skip
    try:
        vethns.replay(sample)
        deadline = time.monotonic() + 10  # the pcap is flushed every 0.25 s: wait for it
        while _frames_in(pcap) < 2013 and time.monotonic() < deadline:
            time.sleep(0.1)
        t0 = time.monotonic()
        os.kill(proc.pid, signal.SIGINT)
        rc = proc.popen.wait(timeout=10)
        took = time.monotonic() - t0
    finally:
        proc.stop()
    assert took < 3.0, f"stopping took {took:.1f} s"
    doc = json.loads(out.read_text())
    live = doc["capture"]["live"]
    assert live["stop_reason"] == "sigint" and live["interrupted"] is True
    assert live["requested_duration"] == 120 and live["kernel_drops"] == 0
    assert doc["capture"]["frames"] == live["pcap_records"] == 2013
    codes = {f["code"] for f in doc["findings"]}
    assert "DD817" in codes  # capture.interrupted, information only
    # documented exit code: as for a completed capture, 1 only for findings >= error
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert rc == (1 if errors else 0), proc.describe(20)
    # the pcap is complete and holds exactly what was replayed
    with read_capture(pcap) as r:
        got = [key(d) for d in r]
        assert not r.stats.truncated
    assert got == [key(d) for d in file_datagrams(sample)]


@pytest.mark.live
@pytest.mark.root
def test_second_signal_aborts_with_130_and_a_valid_pcap(vethns: VethNs, tmp_path: Path) -> None:
    pcap = tmp_path / "live.pcap"
    proc = _start(vethns, tmp_path, "--write-pcap", str(pcap), "-f", "json")
    try:
        os.kill(proc.pid, signal.SIGINT)
        time.sleep(0.02)  # the stop waits ~150 ms for the kernel's last block
        os.kill(proc.pid, signal.SIGINT)
        rc = proc.popen.wait(timeout=10)
    finally:
        proc.stop()
    assert rc == 130, proc.describe(20)
    assert "aborted" in proc.stderr and proc.stdout == ""
    with read_capture(pcap) as r:
        list(r)
        assert r.stats.format == "pcap" and not r.stats.truncated


@pytest.mark.live
@pytest.mark.root
def test_sigterm_and_duration_stop_cleanly(vethns: VethNs, tmp_path: Path) -> None:
    proc = _start(vethns, tmp_path, "-f", "json")
    try:
        os.kill(proc.pid, signal.SIGTERM)
        rc = proc.popen.wait(timeout=10)
    finally:
        proc.stop()
    doc = json.loads(proc.stdout)
    assert doc["capture"]["live"]["stop_reason"] == "sigterm"
    assert rc in (0, 1)
    t0 = time.monotonic()
    res = subprocess.run(
        ["ip", "netns", "exec", vethns.ns, *CLI, "--iface", "rpb", "--duration", "1", "-f",
         "json"], capture_output=True, text=True, cwd=ROOT, timeout=60, check=False,
    )  # fmt: skip
    assert time.monotonic() - t0 < 10
    doc = json.loads(res.stdout)
    assert doc["capture"]["live"]["stop_reason"] == "duration"
    assert 1.0 <= doc["capture"]["live"]["duration"] < 1.5
    assert "DD817" not in {f["code"] for f in doc["findings"]}


@pytest.mark.root
def test_no_privilege_exit_3_says_what_is_needed() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user")
    res = _cli("--iface", "lo", "--duration", "1", user=True)
    assert res.returncode == 3, res.stderr
    assert "root or the CAP_NET_RAW capability" in res.stderr
    assert "setcap cap_net_raw,cap_net_admin=eip" in res.stderr
    assert "Traceback" not in res.stderr and res.stdout == ""


def test_unknown_interface_exit_2_lists_the_available_ones() -> None:
    res = _cli("--iface", "nosuch0", "--duration", "1")
    assert res.returncode == 2, res.stderr
    assert "no interface 'nosuch0'" in res.stderr
    assert "available: any, " in res.stderr and "lo" in res.stderr


def test_pcap_and_iface_exclude_each_other(tmp_path: Path) -> None:
    assert _cli().returncode == 2
    res = _cli("--pcap", str(tmp_path / "x.pcap"), "--iface", "lo")
    assert res.returncode == 2 and "--iface" in res.stderr


def test_bad_filter_and_duration_are_usage_errors() -> None:
    res = _cli("--iface", "lo", "--filter", "udp port", "--duration", "1")
    assert res.returncode == 2 and "bad --filter" in res.stderr
    res = _cli("--iface", "lo", "--duration", "0")
    assert res.returncode == 2 and "--duration" in res.stderr


def test_filter_without_scapy_exit_3() -> None:
    code = (
        "import sys; sys.modules['scapy'] = None\n"
        "from ddsdoctor.cli import main\n"
        "sys.exit(main(['topology', '--iface', 'lo', '--filter', 'udp', '--duration', '1']))\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert res.returncode == 3, res.stderr
    assert "pip install 'ddsdoctor[capture]'" in res.stderr


@pytest.mark.root
def test_unwritable_pcap_is_a_usage_error(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to open a capture")
    res = _cli("--iface", "lo", "--duration", "1", "--write-pcap", str(tmp_path / "no" / "x.pcap"))
    assert res.returncode == 2, res.stderr
    assert "--write-pcap" in res.stderr and "cannot write" in res.stderr

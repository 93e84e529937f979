"""Live capture on the rig: the graph from ``--iface br0`` equals the graph from tcpdump's pcap.

Real Cyclone peers on three hosts; ddsdoctor captures live inside the bridge namespace while
tcpdump writes a pcap on the same bridge; ``topology --pcap`` on tcpdump's file must give the
same hosts, edges to 239.255.0.1, participants and topics (issue 5, "Done when").
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import ROOT
from tests.rig import Proc, Rig, peers

pytestmark = [pytest.mark.live, pytest.mark.root, pytest.mark.slow]

CLI = [sys.executable, "-m", "ddsdoctor", "topology"]


def _live(rig: Rig, ns: str, iface: str, tmp: Path, name: str) -> Proc:
    """ddsdoctor capturing in ``ns`` (JSON report on stdout); returns once it is capturing."""
    proc = Proc(
        ["ip", "netns", "exec", ns, *CLI, "--iface", iface, "--format", "json", "--no-live"],
        name=name, log_dir=tmp / "logs", cwd=ROOT, stop_signal=signal.SIGINT,
    )  # fmt: skip
    rig.procs.append(proc)  # torn down with the rig, by PID, whatever happens
    proc.wait_for(rf"capturing on {iface}", 30, stream="stderr")
    return proc


def _finish(proc: Proc) -> dict[str, Any]:
    proc.stop(grace=10.0, sig=signal.SIGINT)
    assert proc.returncode in (0, 1), proc.describe(30)
    doc: dict[str, Any] = json.loads(proc.stdout)
    return doc


def _graph(doc: dict[str, Any]) -> dict[str, object]:
    """What must match: hosts, edges to 239.255.0.1, participants, topics (with counts)."""
    return {
        "hosts": sorted((h["name"], tuple(h["addresses"])) for h in doc["hosts"]),
        "edges to 239.255.0.1": sorted(
            (e["src"], e["packets"], e["bytes"], e["samples"])
            for e in doc["edges"]
            if e["dst"] == "239.255.0.1"
        ),
        "participants": sorted(
            (p["guid_prefix"], p["host"], p["pid"], p["vendor"]) for p in doc["participants"]
        ),
        "topics": sorted(
            (t["topic"], tuple(t["types"]), tuple(t["partitions"]), t["writers"], t["readers"])
            for t in doc["topics"]
        ),
        "endpoints": sorted(e["guid"] for e in doc["endpoints"]),
    }


@pytest.mark.rig(hosts=3)
def test_live_graph_equals_the_tcpdump_pcap_graph(rig: Rig, tmp_path: Path) -> None:
    h1, h2, h3 = rig.hosts
    tcpdump = rig.capture(tmp_path / "br0.pcap")
    live = _live(rig, rig.bridge_ns, "br0", tmp_path, "ddsdoctor-br0")
    # a reliable publisher on h1, readers in two partitions on h2 and h3 (one never matches)
    sub = peers.cyclone_sub(h2, "telemetry", partitions=["ops"], expect=20)
    other = peers.cyclone_sub(h3, "telemetry", partitions=["eng"], duration=30)
    pub = peers.cyclone_pub(
        h1, "telemetry", partitions=["ops"], count=20, rate=50, wait_match=1, linger=0.5
    )
    sub.wait_for(r"^COMPLETE 20", 30)
    for proc in (pub, sub, other):  # all peers gone: nothing crosses the bridge any more
        proc.stop()
    doc = _finish(live)
    tcpdump.stop()
    res = subprocess.run(
        [*CLI, "--pcap", str(tcpdump.path), "--format", "json"],
        capture_output=True, text=True, cwd=ROOT, timeout=120, check=False,
    )  # fmt: skip
    assert res.returncode in (0, 1), res.stderr
    ref = json.loads(res.stdout)
    got, want = _graph(doc), _graph(ref)
    for part in want:
        assert got[part] == want[part], part
    assert len(want["hosts"]) == 3 and want["edges to 239.255.0.1"]
    assert "telemetry" in {t[0] for t in want["topics"]}  # type: ignore[attr-defined]
    # every frame that crossed the bridge, once, in both; nothing dropped
    assert doc["capture"]["rtps_datagrams"] == ref["capture"]["rtps_datagrams"]
    assert doc["capture"]["live"]["kernel_drops"] == 0
    assert doc["capture"]["live"]["promiscuous"] is True


@pytest.mark.rig(hosts=2)
def test_any_on_a_rig_host(rig: Rig, tmp_path: Path) -> None:
    h1, h2 = rig.hosts
    live = _live(rig, h1.ns, "any", tmp_path, "ddsdoctor-any")
    sub = peers.cyclone_sub(h2, "weather", expect=10)
    peers.cyclone_pub(h1, "weather", count=10, rate=50, wait_match=1)
    sub.wait_for(r"^COMPLETE 10", 30)
    doc = _finish(live)
    live_doc = doc["capture"]["live"]
    assert live_doc["iface"] == "any" and doc["capture"]["link_types"] == [276]
    assert {h["name"] for h in doc["hosts"]} >= {"h1", "h2"}
    weather = [t for t in doc["topics"] if t["topic"] == "weather"]
    assert weather and weather[0]["writers"] == 1 and weather[0]["readers"] == 1
    assert any(e["dst"] == "239.255.0.1" for e in doc["edges"])

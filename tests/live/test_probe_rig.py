"""The historical-read probe against real publishers in network namespaces, with the faults of
test-rig.md §6: healthy, an 8 Mbit/s writer host, large packets dropped, the writer host cut.

Every writer is TRANSIENT_LOCAL with 100 instances x DurabilityService depth 20 = 2000 samples
of ~1 KB, as in the measured table; the probe runs on its own host with ``--interface eth0``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.live.helpers import by_topic, ddsdoctor, finish_json, phases_in_order
from tests.rig import Host, Rig, peers

pytestmark = [pytest.mark.live, pytest.mark.root, pytest.mark.slow]

HISTORY = {
    "durability": "transient_local",
    "tl_depth": 20,
    "keys": 100,
    "count": 2000,
    "payload": 1000,
    "rate": 0,
}


def _writer(host: Host, topic: str) -> None:
    pub = peers.cyclone_pub(host, topic, partitions=["plant1"], **HISTORY)
    pub.wait_for(r"^DONE 2000", timeout=30)


def test_healthy_rig_completes_sub_second(rig: Rig) -> None:
    h1, h2, _ = rig.hosts
    _writer(h1, "hist")
    proc = ddsdoctor(
        h2,
        "probe",
        "-i",
        "eth0",
        "-t",
        "hist",
        "--timeout",
        "5",
        "-f",
        "json",
        name="probe-healthy",
    )
    rc, doc = finish_json(proc, 30)
    t = by_topic(doc)["hist"]
    assert rc == 0, proc.describe()
    assert t["verdict"] == "ok" and t["samples"] == 2000 and t["writers"] == 1
    assert t["partitions"] == ["plant1"] and t["type"] == "rig::Reading"
    assert t["complete_s"] < 1.0 and phases_in_order(t)
    # complete by count: 100 instances x the writer's announced depth 20, via XTypes
    assert (t["complete_by"], t["expected"], t["type_source"]) == ("count", 2000, "xtypes")
    assert t["writer_details"][0]["host"] == "h1" and t["writer_details"][0]["depth"] == 20
    assert doc["probe"]["participants"] and not doc["findings"]


@pytest.mark.rig(hosts=5)
def test_faults_slow_timeout_and_no_writer(rig: Rig) -> None:
    """One probe, four writers on four hosts, each with its own fault (exit 1: a timeout)."""
    h1, h2, h3, h4, h5 = rig.hosts
    for host, topic in ((h1, "hist_ok"), (h2, "hist_slow"), (h3, "hist_drop"), (h4, "hist_cut")):
        _writer(host, topic)
    h2.rate_limit("8mbit", burst="32kb", latency="500ms")  # the slow link of §6 S1
    # Discovery passes, data does not (S3). 1000 rather than §6's 900 bytes: Cyclone bundles
    # a new participant's first two SPDP messages into one ~880-byte datagram.
    h3.drop_big(1000)
    h4.cut()  # unreachable from the start (S5)
    args = ["probe", "-i", "eth0", "--timeout", "8", "--slow", "2", "-f", "json"]
    for topic in ("hist_ok", "hist_slow", "hist_drop", "hist_cut"):
        args += ["-t", topic]
    proc = ddsdoctor(h5, *args, name="probe-faults")
    rc, doc = finish_json(proc, 40)
    topics = by_topic(doc)
    report = {
        k: (
            v["verdict"],
            v["samples"],
            v["discovered_s"],
            v["matched_s"],
            v["first_sample_s"],
            v["complete_s"],
        )
        for k, v in topics.items()
    }
    print("measured:", report)  # shown with -s; the numbers docs/live.md quotes
    assert rc == 1, proc.describe()

    ok = topics["hist_ok"]
    assert ok["verdict"] == "ok" and ok["samples"] == 2000 and ok["complete_s"] < 1.0

    slow = topics["hist_slow"]
    assert slow["verdict"] == "slow" and slow["samples"] == 2000
    assert slow["complete_s"] > 1.0 and phases_in_order(slow)

    drop = topics["hist_drop"]
    assert drop["verdict"] == "timeout" and drop["samples"] == 0
    assert drop["matched_s"] is not None and drop["first_sample_s"] is None

    cut = topics["hist_cut"]
    assert cut["verdict"] == "no-writer" and cut["discovered_s"] is None

    codes = {(f["code"], f.get("topic")) for f in doc["findings"]}
    assert {("DD920", "hist_drop"), ("DD921", "hist_slow"), ("DD922", "hist_cut")} <= codes


def test_repeat_and_prometheus(rig: Rig, tmp_path: Path) -> None:
    h1, h2, _ = rig.hosts
    _writer(h1, "hist")
    prom = tmp_path / "textfile" / "ddsdoctor.prom"
    proc = ddsdoctor(
        h2,
        "probe",
        "-i",
        "eth0",
        "-t",
        "hist",
        "--timeout",
        "5",
        "--repeat",
        "3",
        "--prometheus",
        str(prom),
        "-f",
        "json",
        name="probe-repeat",
    )
    rc, doc = finish_json(proc, 40)
    t = by_topic(doc)["hist"]
    assert rc == 0 and len(t["runs"]) == 3 and len(set(doc["probe"]["participants"])) == 3
    stats = t["stats"]["complete_s"]
    assert stats["n"] == 3 and stats["p50"] <= stats["p95"] <= stats["max"] < 1.0
    text = prom.read_text()
    assert 'ddsdoctor_probe_verdict{domain="0",topic="hist",partitions="plant1",' in text
    assert 'verdict="ok"} 1' in text and "ddsdoctor_probe_timeouts" in text
    assert [p.name for p in prom.parent.iterdir()] == ["ddsdoctor.prom"]  # no temp left


def test_writer_hangs_mid_alignment(rig: Rig) -> None:
    """§6 S7: a 2 Mbit/s writer host whose process is stopped (SIGSTOP) after ~1 s."""
    h1, h2, _ = rig.hosts
    pub = peers.cyclone_pub(h1, "hist", partitions=["plant1"], **HISTORY)
    pub.wait_for(r"^DONE 2000", timeout=30)
    h1.rate_limit("2mbit", burst="32kb", latency="500ms")
    proc = ddsdoctor(
        h2,
        "probe",
        "-i",
        "eth0",
        "-t",
        "hist",
        "--expect",
        "2000",
        "--timeout",
        "4",
        "-f",
        "json",
        name="probe-hang",
    )
    proc.wait_for(r"participant [0-9a-f]{24}", stream="stderr", timeout=10)
    time.sleep(1.0)  # the fault's timing is the scenario itself
    pub.pause()
    rc, doc = finish_json(proc, 30)
    t = by_topic(doc)["hist"]
    print(
        "measured:",
        {
            k: t[k]
            for k in (
                "verdict",
                "samples",
                "discovered_s",
                "matched_s",
                "first_sample_s",
                "complete_s",
            )
        },
        t["reason"],
    )
    assert rc == 1 and t["verdict"] == "timeout"
    assert 0 < t["samples"] < 2000 and t["first_sample_s"] is not None
    assert "of 2000 expected" in t["reason"] and "none since" in t["reason"]

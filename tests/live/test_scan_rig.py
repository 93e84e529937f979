"""scan against real peers on three rig hosts: every host and process listed, a staged
partition mismatch and a staged durability/reliability incompatibility reported."""

from __future__ import annotations

import pytest

from tests.live.helpers import ddsdoctor, finish_json
from tests.rig import Rig, peers

pytestmark = [pytest.mark.live, pytest.mark.root, pytest.mark.slow]


def test_scan_lists_hosts_and_finds_staged_mismatches(rig: Rig) -> None:
    h1, h2, h3 = rig.hosts
    # The tech note's LSST_DDS_DOMAIN mismatch: same topic, partitions that never intersect.
    dome_w = peers.cyclone_pub(
        h1, "dome_position", partitions=["summit"], durability="transient_local", count=1
    )
    dome_r = peers.cyclone_sub(h2, "dome_position", partitions=["base"])
    # Incompatible SAL versions: a VOLATILE best-effort writer, a TRANSIENT_LOCAL reliable reader.
    ev_w = peers.cyclone_pub(
        h2, "events", durability="volatile", reliability="best_effort", count=1
    )
    ev_r = peers.cyclone_sub(h1, "events", durability="transient_local", reliability="reliable")
    ev_r.wait_for(r"^INCOMPATIBLE policy=", timeout=10)  # the peers see it too

    proc = ddsdoctor(h3, "scan", "-i", "eth0", "--duration", "1.5", "-f", "json", name="scan")
    rc, doc = finish_json(proc, 30)
    assert rc == 1, proc.describe()  # DD823 is an error

    hosts = {h["host"] for h in doc["hosts"]}
    assert hosts == {"h1", "h2"}  # h3 is the scan itself, left out
    pids = {(p["host"], p["pid"]) for p in doc["processes"]}
    expected = {("h1", dome_w.pid), ("h2", dome_r.pid), ("h2", ev_w.pid), ("h1", ev_r.pid)}
    assert pids == expected
    assert {p["process"] for p in doc["processes"]} == {"python"}
    assert {p["vendor"] for p in doc["participants"]} == {"Eclipse Cyclone DDS"}
    assert doc["self"]["guid_prefix"] not in {p["guid_prefix"] for p in doc["participants"]}

    by_code: dict[str, list[dict[str, object]]] = {}
    for f in doc["findings"]:
        by_code.setdefault(str(f["code"]), []).append(f)
    part = by_code["DD820"]
    assert {f["topic"] for f in part} == {"dome_position"}
    assert {p for f in part for p in f["evidence"]["partitions"]} == {"summit", "base"}
    (qos,) = by_code["DD823"]
    assert qos["topic"] == "events"
    assert set(qos["evidence"]["policies"]) == {"reliability", "durability"}
    # the topics view of the topology schema: writers and readers per partition with QoS
    topics = {t["topic"]: t for t in doc["topics"]}
    parts = {p["partition"]: p for p in topics["dome_position"]["partitions"]}
    assert [w["host"] for w in parts["summit"]["writers"]] == ["h1"]
    assert [r["host"] for r in parts["base"]["readers"]] == ["h2"]
    assert parts["summit"]["writers"][0]["qos"].startswith("R TL")


def test_watch_prints_joins_and_leaves(rig: Rig) -> None:
    h1, h2, _ = rig.hosts
    watch = ddsdoctor(h2, "scan", "-i", "eth0", "--watch", "--duration", "4", name="watch")
    pub = peers.cyclone_pub(h1, "blink", count=1, linger=-1)
    watch.wait_for(r"joined .* host=h1 process=python pid=\d+", timeout=10)
    pub.stop()
    watch.wait_for(r"left .* host=h1", timeout=10)
    rc = watch.wait(20)
    out = watch.stdout
    assert rc == 0, watch.describe()
    assert "endpoint-added" in out and "blink" in out
    assert "Domain scan" in out  # the report follows the event lines
    assert "DD901" in out  # the participant that left is a finding

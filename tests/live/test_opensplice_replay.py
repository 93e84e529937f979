"""scan and probe on real OpenSplice 6.9 discovery and data, replayed into a rig host.

The shared opensplice-lab scenario s1 (3 hosts, 5 single-process OpenSplice processes): its
SPDP and SEDP, then the 5 TRANSIENT_LOCAL samples DDSI2 served to its late joiner, re-addressed
so that ddsdoctor's participant hears them (tests/live/replay.py). Facts checked against the
scenario's README: systemIds, hosts, five participants per process, topics and durability.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from tests.conftest import need_shared
from tests.live.helpers import by_topic, ddsdoctor, finish_json
from tests.live.replay import SEDP, SPDP, extract, replay
from tests.rig import Proc, Rig
from tests.rig.fixtures import require_tools

pytestmark = [pytest.mark.live, pytest.mark.root, pytest.mark.slow]

# Every process had started by t = 11 s and none had left before t = 45 s.
UNTIL = 20.0
# The LabTL writer (os-h2, systemId 0x1e9428b3) and its history sent to h3's late joiner.
TL_WRITER = bytes.fromhex("1e9428b3000002de00000001")
TL_WRITER_ENTITY = 0x00000202
PROCESSES = {  # systemId -> host (README "What ran where")
    304092635: "os-h1",
    513026227: "os-h2",
    772205537: "os-h2",
    582175905: "os-h3",
    1735632865: "os-h3",
}


@pytest.fixture
def ospl_pcaps(tmp_path: Path) -> dict[str, Path]:
    need_shared()
    require_tools("tcpreplay")
    out = {name: tmp_path / f"{name}.pcap" for name in ("spdp", "sedp", "data")}
    assert extract(out["spdp"], lambda t, _p, w: t < UNTIL and SPDP in w) > 0
    assert extract(out["sedp"], lambda t, _p, w: t < UNTIL and bool(w & set(SEDP))) > 0
    assert (
        extract(
            out["data"],
            lambda t, p, w: t < UNTIL and p == TL_WRITER and TL_WRITER_ENTITY in w,
            dport=7401,
        )
        > 0
    )
    return out


def _wait_joined(proc: Proc) -> None:
    """Both commands name their participant on stderr once it exists."""
    proc.wait_for(r"participant [0-9a-f]{24}", stream="stderr", timeout=15)


def test_scan_groups_opensplice_processes(rig: Rig, ospl_pcaps: dict[str, Path]) -> None:
    h1 = rig.hosts[0]
    scan = ddsdoctor(h1, "scan", "-i", "eth0", "--duration", "3", "-f", "json", name="scan")
    _wait_joined(scan)
    replay(rig.bridge_ns, ospl_pcaps["spdp"])
    replay(rig.bridge_ns, ospl_pcaps["sedp"])
    _, doc = finish_json(scan, 30)

    procs = {p["key"]: p for p in doc["processes"]}
    assert {int(k.split(":")[1]): p["host"] for k, p in procs.items()} == PROCESSES
    assert all(
        len(p["participants"]) == 5 and p["vendor"] == "ADLINK OpenSplice DDS"
        for p in procs.values()
    )
    roles = sorted(p["role"] for p in doc["participants"] if p["system_id"] == 304092635)
    assert roles == ["application", "builtin", "ddsi2", "durability", "spliced"]
    assert {p["vendor_source"] for p in doc["participants"]} == {"opensplice-group"}
    writers = {
        (e["topic"], e["qos"]["durability"])
        for e in doc["endpoints"]
        if e["kind"] == "writer" and e["topic"].startswith("Lab")
    }
    assert writers == {("LabTransient", "transient"), ("LabTL", "transient_local")}
    # DDSI2's TRANSIENT readers serve the durability service: labelled, not applications
    proxies = [
        e
        for e in doc["endpoints"]
        if e["role"] == "durability-proxy" and e["topic"].startswith("Lab")
    ]
    assert proxies and {e["topic"] for e in proxies} == {"LabTransient"}


def test_probe_opensplice_transient_and_transient_local(
    rig: Rig, ospl_pcaps: dict[str, Path]
) -> None:
    h1 = rig.hosts[0]
    args = [
        "probe",
        "-i",
        "eth0",
        "-t",
        "LabTransient",
        "-t",
        "LabTL",
        "--timeout",
        "5",
        "--quiet",
        "0.5",
        "-f",
        "json",
    ]
    probe = ddsdoctor(h1, *args, name="probe")
    _wait_joined(probe)
    replay(rig.bridge_ns, ospl_pcaps["spdp"])
    replay(rig.bridge_ns, ospl_pcaps["sedp"])
    time.sleep(0.3)  # the late joiners exist once the writers were discovered
    replay(rig.bridge_ns, ospl_pcaps["data"])
    rc, doc = finish_json(probe, 30)
    topics = by_topic(doc)
    print(
        "measured:",
        {
            k: (v["verdict"], v["samples"], v["matched_s"], v["complete_s"])
            for k, v in topics.items()
        },
    )
    assert rc == 0, probe.describe()

    transient = topics["LabTransient"]  # OpenSplice TRANSIENT: never a timeout
    assert transient["verdict"] == "unmeasurable" and transient["matched_s"] is not None
    assert "OpenSplice durability services" in transient["reason"]
    tl = topics["LabTL"]  # OpenSplice TRANSIENT_LOCAL: served by DDSI2, measured
    assert (tl["verdict"], tl["samples"], tl["type_source"]) == ("ok", 5, "name-only")
    assert tl["writer_details"][0]["vendor"] == "ADLINK OpenSplice DDS"
    assert tl["writer_details"][0]["host"] == "os-h2"
    assert [f["code"] for f in doc["findings"]] == ["DD924"]

"""Read-only by construction: no writer-creating path in the code, no user DATA on the wire.

The wire test captures everything crossing a rig's bridge while ``probe`` and ``scan`` run, and
checks with tshark every submessage their participants sent: DATA, DATA_FRAG, HEARTBEAT(_FRAG)
and GAP come only from builtin writers (entity kind 0xc2/0xc3: SPDP, SEDP, participant
message, type lookup; RTPS 2.2 §9.3.1.2), never from a user writer (0x02/0x03).
"""

from __future__ import annotations

import ast
import json
import subprocess
from pathlib import Path

import pytest

from tests.live.helpers import ROOT, by_topic, ddsdoctor, finish_json
from tests.rig import Rig, peers
from tests.rig.fixtures import require_tools
from tests.tshark import tshark_argv

WRITER_SIDE = {
    "0x15": "DATA",
    "0x16": "DATA_FRAG",
    "0x07": "HEARTBEAT",
    "0x08": "GAP",
    "0x13": "HEARTBEAT_FRAG",
}
ACKNACK = "0x06"
SPDP_WRITER = "0x000100c2"


def test_no_module_can_create_a_writer() -> None:
    """Nothing under ddsdoctor/ imports cyclonedds.pub or names a DataWriter or Publisher."""
    offenders = []
    for path in (ROOT / "ddsdoctor").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names: list[str] = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module, *(a.name for a in node.names)]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.Attribute):
                names = [node.attr]
            elif isinstance(node, ast.Name):
                names = [node.id]
            bad = [n for n in names if n in ("cyclonedds.pub", "DataWriter", "Publisher")]
            if bad:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}: {bad}")
    assert not offenders


def _submessages(pcap: Path) -> list[tuple[str, str, str]]:
    """(sender GUID prefix, submessage id, writer entity id) for every RTPS submessage."""
    res = subprocess.run(
        [*tshark_argv(), "-n", "-r", str(pcap), "-Y", "rtps", "-T", "json", "--no-duplicate-keys"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    out = []
    for pkt in json.loads(res.stdout or "[]"):
        layer = pkt["_source"]["layers"].get("rtps", {})
        for rtps in layer if isinstance(layer, list) else [layer]:
            src = str(rtps.get("rtps.guidPrefix.src", "")).replace(":", "")
            ids, subs = rtps.get("rtps.sm.id", []), rtps.get("rtps.sm.id_tree", [])
            ids = ids if isinstance(ids, list) else [ids]
            subs = subs if isinstance(subs, list) else [subs]
            for sm_id, sm in zip(ids, subs, strict=False):
                wr = sm.get("rtps.sm.wrEntityId", "") if isinstance(sm, dict) else ""
                out.append((src, sm_id, wr))
    return out


def _builtin(entity_id: str) -> bool:
    return (int(entity_id, 16) & 0xC0) == 0xC0


@pytest.mark.live
@pytest.mark.root
@pytest.mark.slow
def test_probe_and_scan_send_no_user_data(rig: Rig, tmp_path: Path) -> None:
    require_tools("tshark")
    h1, h2, h3 = rig.hosts
    peers.cyclone_pub(
        h1,
        "ro_topic",
        partitions=["ro"],
        durability="transient_local",
        tl_depth=5,
        keys=10,
        count=50,
        rate=0,
    ).wait_for(r"^DONE 50")
    peers.cyclone_sub(h2, "ro_topic", partitions=["ro"])  # a user reader of someone else
    cap = rig.capture(tmp_path / "br0.pcap")
    probe = ddsdoctor(
        h3, "probe", "-i", "eth0", "-t", "ro_topic", "--timeout", "5", "-f", "json", name="probe"
    )
    rc, pdoc = finish_json(probe, 30)
    scan = ddsdoctor(h3, "scan", "-i", "eth0", "--duration", "1", "-f", "json", name="scan")
    _, sdoc = finish_json(scan, 30)
    stats = cap.stop()
    assert rc == 0 and by_topic(pdoc)["ro_topic"]["samples"] == 50, probe.describe()
    assert stats.dropped == 0

    (probe_me,) = pdoc["probe"]["participants"]
    scan_me = sdoc["self"]["guid_prefix"]
    subs = _submessages(cap.path)
    mine = [s for s in subs if s[0] in (probe_me, scan_me)]
    user_writes = [s for s in mine if s[1] in WRITER_SIDE and s[2] and not _builtin(s[2])]
    assert not user_writes, f"user-writer traffic from ddsdoctor: {user_writes[:5]}"
    # The capture did see them: both announced themselves, and the probe really read user
    # data (it acknowledged the publisher's user writer), while the scan read none.
    for me in (probe_me, scan_me):
        assert (me, "0x15", SPDP_WRITER) in mine
    acks = {(s[0], s[2]) for s in mine if s[1] == ACKNACK and s[2] and not _builtin(s[2])}
    assert {who for who, _ in acks} == {probe_me}
    # The same check flags the publisher: it would flag ddsdoctor if it ever wrote.
    (publisher,) = [p["guid_prefix"] for p in sdoc["participants"] if p["host"] == "h1"]
    flagged = [s for s in subs if s[0] == publisher and s[1] in WRITER_SIDE and not _builtin(s[2])]
    assert len([s for s in flagged if s[1] == "0x15"]) >= 50

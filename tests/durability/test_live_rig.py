"""Live mode end to end: real Cyclone peers replay the lab's real d_* samples in a netns rig.

Three peers stand in for the lab's five OpenSplice processes (h1: 304092635; h2: 513026227 and
772205537; h3: 582175905 and 1735632865): each writes the payloads captured from its fellows,
deserialized with ddsdoctor's IDL declarations, under OpenSplice's type names and QoS.
``ddsdoctor durability --domain 0`` runs on h4. The test asserts the view it builds and that
it put nothing but builtin discovery data on the wire.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.wire import (
    DiscoveryDecoder,
    EndpointData,
    EndpointKind,
    ParticipantData,
    scan,
)
from tests.conftest import ROOT
from tests.durability import lab
from tests.rig import Rig
from tests.rig.peers import PEERS, python_peer

pytestmark = [pytest.mark.live, pytest.mark.root, pytest.mark.slow]
SPEED = 10.0  # the 50 s lab run replayed in 5 s
HOSTS = {"h1": [304092635], "h2": [513026227, 772205537], "h3": [582175905, 1735632865]}


def _samples(path: Path) -> None:
    rows = [
        {
            "t": r.time,
            "sid": int.from_bytes(r.writer_prefix[:4], "big"),
            "topic": r.topic,
            "payload": r.payload.hex(),
        }
        for r in lab.raw_samples()
        if not r.key_only
    ]
    path.write_text(json.dumps(rows))


def _doctor_participant(pcap: Path) -> tuple[set[bytes], list[tuple[bytes, int]], list[str]]:
    """ddsdoctor's GUID prefixes, every (prefix, writer id) of DATA it sent, its SEDP writers."""
    mine: set[bytes] = set()
    sent: list[tuple[bytes, int]] = []
    published: list[str] = []
    decoder = DiscoveryDecoder()
    for dg in read_capture(pcap):
        walked = scan(dg.payload)
        if walked.discovery:
            for rec in decoder.decode(dg.payload, walked, time=dg.time).records:
                if isinstance(rec, ParticipantData) and rec.entity_name == "ddsdoctor durability":
                    mine.add(rec.guid.prefix)
                elif isinstance(rec, EndpointData) and rec.kind is EndpointKind.WRITER:
                    published.append(f"{rec.guid.prefix.hex()} {rec.topic}")
        sent += [(r.source, r.writer_id) for r in walked.data]
    return (
        mine,
        [s for s in sent if s[0] in mine],
        [p for p in published if bytes.fromhex(p.split()[0]) in mine],
    )


@pytest.mark.rig(hosts=4)
def test_live_view_of_replayed_lab_samples(rig: Rig, tmp_path: Path) -> None:
    pytest.importorskip("cyclonedds")
    lab.need_s1()
    samples = tmp_path / "samples.json"
    _samples(samples)
    cap = rig.capture(tmp_path / "br0.pcap")
    out = tmp_path / "view.json"
    h4 = rig["h4"]
    doctor = h4.spawn(
        [
            sys.executable,
            "-m",
            "ddsdoctor",
            "durability",
            "--domain",
            "0",
            "--interface",
            "eth0",
            "--duration",
            "14",
            "--format",
            "json",
            "--output",
            str(out),
        ],
        name="ddsdoctor",
        cwd=ROOT,
        env={"PYTHONPATH": str(ROOT)},
    )
    doctor.wait_for("listening on domain 0", stream="stderr", timeout=20)
    start_at = time.time() + 4.0
    peers = [
        python_peer(
            rig[h],
            PEERS / "durability_peer.py",
            "--samples",
            str(samples),
            *[x for sid in sids for x in ("--fellow", str(sid))],
            "--host",
            h,
            "--speed",
            str(SPEED),
            "--start-at",
            f"{start_at:.3f}",
            name=f"{h}-durability",
        )
        for h, sids in HOSTS.items()
    ]
    for p in peers:
        p.wait_for(r"^DONE", timeout=30)
        assert not p.last(r"^UNMATCHED"), p.stdout
    assert doctor.wait(timeout=30) == 0, doctor.stderr
    cap.stop()

    doc = json.loads(out.read_text())
    hosts = {f["system_id"]: f["host"] for f in doc["fellows"]}
    assert hosts == {sid: h for h, sids in HOSTS.items() for sid in sids}
    assert all(f["ip"] is None for f in doc["fellows"])  # not visible to a DDS reader
    states = {f["system_id"]: f["state"] for f in doc["fellows"]}
    assert states[1735632865] == "COMPLETE"  # its TERMINATING never reached the lab's wire
    assert {s for sid, s in states.items() if sid != 1735632865} == {"TERMINATING"}
    [ns] = doc["namespaces"]
    assert ns["name"] == "defaultNamespace"
    assert ns["views"] == {str(sid): lab.S1_MASTER for sid in hosts}
    assert len(doc["alignments"]) == 15 and all(a["complete"] for a in doc["alignments"])
    late = [a for a in doc["alignments"] if a["requester"] in (582175905, 1735632865)]
    assert len(late) == 6 and {a["aligner"] for a in late} == {lab.S1_MASTER}
    assert doc["observation"]["undecodable"] == 0
    assert any("event" in n for n in doc["observation"]["not_known"])

    # ddsdoctor itself: a participant that sent only builtin (discovery) data, no writer.
    mine, sent, published = _doctor_participant(cap.path)
    assert mine, "ddsdoctor's participant not in the capture"
    assert published == []
    assert sent and all(wid & 0xC0 == 0xC0 for _, wid in sent), sorted(
        {f"{wid:08x}" for _, wid in sent}
    )

"""The shipped sample capture gives the hosts, vendors, topics and mismatch its .md describes."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from ddsdoctor.cli import main

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PCAP = EXAMPLES / "rig-sample.pcap"


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    m = re.search(r"```json\n(.*?)\n```", (EXAMPLES / "rig-sample.md").read_text(), re.S)
    assert m, "rig-sample.md lost its facts block"
    return json.loads(m[1])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def doc(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("sample") / "sample.json"
    assert main(["topology", "--pcap", str(PCAP), "--format", "json", "-o", str(out)]) == 0
    return json.loads(out.read_text())  # type: ignore[no-any-return]


def test_hosts_are_named_and_addressed_as_described(
    doc: dict[str, Any], facts: dict[str, Any]
) -> None:
    hosts = {h["name"]: h["addresses"] for h in doc["hosts"]}
    assert hosts == {name: [ip] for name, ip in facts["hosts"].items()}


def test_vendors_topics_and_endpoints_are_the_described_ones(
    doc: dict[str, Any], facts: dict[str, Any]
) -> None:
    assert {f"0x{p['vendor_id']:04x}" for p in doc["participants"]} == set(facts["vendors"])
    app = {t["topic"] for t in doc["topics"] if not t["infrastructure"]}
    assert app == set(facts["topics"])
    host_of = {p["guid_prefix"]: p["host_node"] for p in doc["participants"]}
    vendor_of = {p["guid_prefix"]: f"0x{p['vendor_id']:04x}" for p in doc["participants"]}
    found = sorted(
        (
            host_of[e["participant"]],
            vendor_of[e["participant"]],
            e["kind"],
            e["topic"],
            e["type"],
            e["partitions"],
        )
        for e in doc["endpoints"]
    )
    want = sorted(
        (e["host"], e["vendor"], e["kind"], e["topic"], e["type"], e["partitions"])
        for e in facts["endpoints"]
    )
    assert found == want


def test_the_staged_partition_mismatch_is_diagnosed(
    doc: dict[str, Any], facts: dict[str, Any]
) -> None:
    staged = facts["partition_mismatch"]
    hits = [f for f in doc["findings"] if f["code"] == "DD820"]
    assert {f["topic"] for f in hits} == {staged["topic"]}
    assert any(
        staged["writer"][1] in f["message"] and staged["reader"][1] in f["message"] for f in hits
    )
    orphan = [f for f in doc["findings"] if f["code"] == "DD824"]
    assert [f["topic"] for f in orphan] == ["enclosure_temp"]  # Dust DDS writer, no reader


def test_traffic_shows_who_sends_which_topic(doc: dict[str, Any], facts: dict[str, Any]) -> None:
    edges = {(e["src"], e["dst"]): e for e in doc["edges"]}
    carried = {
        (s, d): {t["topic"] for t in e["topics"] if t["class"] == "user"}
        for (s, d), e in edges.items()
    }
    assert carried[("camera", "archive")] == {"camera_frames"}
    assert carried[("ctrl", "archive")] == {"telemetry_state"}
    assert carried[("ctrl", "dome")] == {"dome_command"}
    assert carried[("camera", "ctrl")] == {"weather"}  # Fast DDS writer -> Cyclone reader
    assert (
        sum(e["packets"] for e in doc["edges"])
        == doc["capture"]["rtps_datagrams"]
        == facts["frames"]
    )
    assert [g["address"] for g in doc["groups"]] == ["239.255.0.1"]
    assert doc["graph"]["pattern"] == "partial"
    tl = next(t for t in doc["topics"] if t["topic"] == "telemetry_state")
    assert tl["samples"] >= 15  # the late joiner's 5-deep history of 3 instances, then live data

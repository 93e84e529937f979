"""The shipped sample capture holds what its description says (tshark as the oracle)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from tests.rig.capture import rtps_summary, sedp_endpoints
from tests.rig.fixtures import require_tools

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
PCAP = EXAMPLES / "rig-sample.pcap"


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    text = (EXAMPLES / "rig-sample.md").read_text()
    m = re.search(r"```json\n(.*?)\n```", text, re.S)
    assert m, "rig-sample.md lost its facts block"
    return json.loads(m[1])  # type: ignore[no-any-return]


def test_sample_capture_matches_its_description(facts: dict[str, Any]) -> None:
    require_tools("tshark")
    s = rtps_summary(PCAP)
    assert s.frames == facts["frames"]
    assert s.src_ips == set(facts["hosts"].values())
    assert s.vendors == set(facts["vendors"])
    assert s.topics == set(facts["topics"])
    assert s.partitions == set(facts["partitions"])
    cyclone_hosts = {e["host"] for e in facts["endpoints"] if e["vendor"] == "0x0110"}
    assert cyclone_hosts <= s.hostnames  # Cyclone's __Hostname = the rig host's UTS name

    ip_to_host = {ip: name for name, ip in facts["hosts"].items()}
    found = sorted(
        ({"host": ip_to_host[e.src_ip], "vendor": e.vendor, "kind": e.kind, "topic": e.topic,
          "type": e.type_name, "partitions": list(e.partitions)} for e in sedp_endpoints(PCAP)),
        key=lambda d: (d["topic"], d["kind"], d["host"]))
    assert found == facts["endpoints"]


def test_staged_partition_mismatch_is_in_the_capture(facts: dict[str, Any]) -> None:
    require_tools("tshark")
    mm = facts["partition_mismatch"]
    eps = [e for e in facts["endpoints"] if e["topic"] == mm["topic"]]
    writers = [e for e in eps if e["kind"] == "writer"]
    readers = [e for e in eps if e["kind"] == "reader"]
    assert [[w["host"], *w["partitions"]] for w in writers] == [mm["writer"]]
    assert [[r["host"], *r["partitions"]] for r in readers] == [mm["reader"]]
    assert not set(writers[0]["partitions"]) & set(readers[0]["partitions"])
    tl = [e for e in facts["endpoints"] if e["topic"] == facts["transient_local"]]
    assert {e["kind"] for e in tl} == {"writer", "reader"}

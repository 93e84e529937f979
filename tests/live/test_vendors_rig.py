"""Other vendors' publishers: Fast DDS 2.9 (no type information: read by type name) and
Dust DDS 0.16 (XTypes type information: read over type lookup)."""

from __future__ import annotations

import pytest

from tests.live.helpers import by_topic, ddsdoctor, finish_json, phases_in_order
from tests.rig import Rig, peers

pytestmark = [pytest.mark.live, pytest.mark.root, pytest.mark.slow]


def test_fastdds_and_dust_publishers(rig: Rig) -> None:
    h1, h2, h3 = rig.hosts
    peers.fastdds(
        h1, "publisher", "fastTopic", partitions=["plantF"], transient_local=True, interval_ms=100
    )
    peers.dust_pub(
        h2, "dust_topic", partitions=["plantD"], transient_local=True, count=20, rate=50, linger=-1
    ).wait_for(r"^DONE 20", timeout=20)

    scan = ddsdoctor(h3, "scan", "-i", "eth0", "--duration", "1.5", "-f", "json", name="scan")
    _, doc = finish_json(scan, 30)
    vendors = {p["host"]: (p["vendor"], p["vendor_source"]) for p in doc["participants"]}
    assert vendors["h1"] == ("eProsima Fast DDS", "properties")
    # Dust sets no properties and builds its GUID prefix from its IPv4 address: unknown host
    # and vendor, by design of the heuristic (ddsdoctor/live/vendor.py).
    assert (None, ("unknown", None)) in vendors.items()
    writers = {e["topic"]: e for e in doc["endpoints"] if e["kind"] == "writer"}
    assert writers["fastTopic"]["type_info"] is False and writers["dust_topic"]["type_info"]

    args = [
        "probe",
        "-i",
        "eth0",
        "-t",
        "fastTopic",
        "-t",
        "dust_topic",
        "--timeout",
        "5",
        "--quiet",
        "0.5",
        "-f",
        "json",
    ]
    proc = ddsdoctor(h3, *args, name="probe")
    rc, doc = finish_json(proc, 30)
    topics = by_topic(doc)
    assert rc == 0, proc.describe()
    fast, dust = topics["fastTopic"], topics["dust_topic"]
    print(
        "measured:",
        {
            k: (
                v["verdict"],
                v["samples"],
                v["discovered_s"],
                v["matched_s"],
                v["first_sample_s"],
                v["complete_s"],
                v["type_source"],
            )
            for k, v in topics.items()
        },
    )
    assert (fast["verdict"], fast["type_source"], fast["type"]) == ("ok", "name-only", "HelloWorld")
    assert fast["samples"] >= 1 and fast["complete_by"] == "quiet" and phases_in_order(fast)
    assert (dust["verdict"], dust["type_source"]) == ("ok", "xtypes")
    assert dust["samples"] >= 1 and phases_in_order(dust)

    # Without the name-only stand-in a writer that sends no type information is unreadable,
    # but its discovery is still timed.
    proc = ddsdoctor(
        h3,
        "probe",
        "-i",
        "eth0",
        "-t",
        "fastTopic",
        "--timeout",
        "3",
        "--no-name-match",
        "-f",
        "json",
        name="probe-strict",
    )
    rc, doc = finish_json(proc, 30)
    fast = by_topic(doc)["fastTopic"]
    assert rc == 0 and fast["verdict"] == "unreadable" and fast["discovered_s"] is not None
    assert "DD923" in {f["code"] for f in doc["findings"]}

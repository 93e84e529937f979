"""scan and probe in the root namespace, confined to lo (no root needed): the rig's Cyclone
publisher confines itself to lo there, and ddsdoctor is given ``--interface lo`` and a domain
id of its own, so it never meets colleagues' lo-confined peers (domain 0)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ddsdoctor.cli import main
from tests.live.helpers import lo_domain, phases_in_order
from tests.rig import Proc
from tests.rig.peers import PEERS

pytestmark = [pytest.mark.live]

ISSUE_KEYS = {
    "topic",
    "partitions",
    "type",
    "writers",
    "verdict",
    "samples",
    "discovered_s",
    "matched_s",
    "first_sample_s",
    "complete_s",
}


@pytest.fixture
def publisher(tmp_path: Path) -> Iterator[Proc]:
    argv = [
        sys.executable,
        str(PEERS / "cyclone_pub.py"),
        "--topic",
        "lo_hist",
        "--partition",
        "lo1",
        "--durability",
        "transient_local",
        "--tl-depth",
        "5",
        "--keys",
        "20",
        "--count",
        "100",
        "--payload",
        "100",
        "--rate",
        "0",
        "--domain",
        str(lo_domain()),
    ]
    proc = Proc(argv, name="lo-pub", log_dir=tmp_path)
    try:
        proc.wait_for(r"^DONE 100", timeout=20)
        yield proc
    finally:
        proc.stop()


def test_probe_json_shape(publisher: Proc, capsys: pytest.CaptureFixture[str]) -> None:
    d = str(lo_domain())
    code = main(["probe", "-d", d, "-i", "lo", "--timeout", "5", "--discover", "0.5", "-f", "json"])
    out, err = capsys.readouterr()
    doc = json.loads(out)
    assert code == 0, err
    assert set(doc) >= {"topics", "findings", "probe", "tool", "summary"}
    (t,) = doc["topics"]  # every durable topic: just this one
    assert set(t) >= ISSUE_KEYS
    assert (t["topic"], t["partitions"], t["type"], t["writers"]) == (
        "lo_hist",
        ["lo1"],
        "rig::Reading",
        1,
    )
    assert t["verdict"] == "ok" and t["samples"] == 100 and t["expected"] == 100
    assert phases_in_order(t) and t["complete_s"] < 1.0
    me = doc["probe"]["participants"][0]
    assert f"participant {me}" in err  # the GUID prefix is announced for wire checks


def test_scan_text(publisher: Proc, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["scan", "-d", str(lo_domain()), "-i", "lo", "--duration", "1"])
    out, _ = capsys.readouterr()
    assert code == 0
    for text in ("Hosts and processes", str(publisher.pid), "lo_hist", "'lo1'", "R TL KA ds5"):
        assert text in out
    assert "DD902" in out  # KEEP_ALL history, DurabilityService depth 5: late joiners get 5


def test_opensplice_transient_is_unmeasurable_not_timeout(
    publisher: Proc, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """No OpenSplice here, so the vendor decision is forced (it is unit-tested on facts in
    test_targets.py); the rest is real: discovery, match and delivery are still measured and
    the verdict is never a timeout, whatever arrives."""
    import ddsdoctor.live.probe as probe_mod

    monkeypatch.setattr(probe_mod, "opensplice_transient", lambda facts, writers: list(writers))
    code = main(
        [
            "probe",
            "-d",
            str(lo_domain()),
            "-i",
            "lo",
            "-t",
            "lo_hist",
            "--timeout",
            "3",
            "--quiet",
            "0.5",
            "-f",
            "json",
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    t = doc["topics"][0]
    assert code == 0 and t["verdict"] == "unmeasurable"
    assert t["discovered_s"] is not None and t["matched_s"] is not None
    assert "OpenSplice durability services" in t["reason"]
    assert [f["code"] for f in doc["findings"]] == ["DD924"]


def test_settle_delays_the_readers(publisher: Proc, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "probe",
            "-d",
            str(lo_domain()),
            "-i",
            "lo",
            "-t",
            "lo_hist",
            "--settle",
            "0.4",
            "-p",
            "lo*",
            "--timeout",
            "5",
            "-f",
            "json",
        ]
    )
    t = json.loads(capsys.readouterr().out)["topics"][0]
    assert code == 0 and t["verdict"] == "ok" and t["partitions"] == ["lo*"]
    assert t["discovered_s"] < 0.4 <= t["reader_created_s"] <= t["matched_s"]

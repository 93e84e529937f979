"""The OpenSplice durability view inside ``ddsdoctor topology`` (issue 7: "the same view inside
ddsdoctor topology output"), on the real lab capture and on a capture without OpenSplice."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddsdoctor.cli import main
from tests.conftest import CORPUS, need_shared

LAB = CORPUS / "opensplice-lab" / "s1-sp-3hosts-domain0" / "capture.pcap"
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "examples" / "rig-sample.pcap"
MASTER = 772205537  # the h2 subscriber process (scenario README, every durability.log)


def _json(capsys: pytest.CaptureFixture[str], pcap: Path) -> dict:  # type: ignore[type-arg]
    main(["topology", "--pcap", str(pcap), "-f", "json"])
    return json.loads(capsys.readouterr().out)  # type: ignore[no-any-return]


def test_lab_capture_carries_the_durability_view(capsys: pytest.CaptureFixture[str]) -> None:
    need_shared()
    doc = _json(capsys, LAB)
    dur = doc["durability"]
    assert len(dur["fellows"]) == 5
    assert {f["host"] for f in dur["fellows"]} == {"os-h1", "os-h2", "os-h3"}
    [ns] = dur["namespaces"]
    assert set(ns["views"].values()) == {MASTER}
    late = [a for a in dur["alignments"] if a["requester"] in (582175905, 1735632865)]
    assert late and all(a["complete"] and a["latency_s"] < 1.0 for a in late)
    # the topology's own members are still there
    assert len(doc["participants"]) == 25


def test_text_shows_master_views(capsys: pytest.CaptureFixture[str]) -> None:
    need_shared()
    main(["topology", "--pcap", str(LAB)])
    out = capsys.readouterr().out
    assert "each fellow's master" in out and "Alignments" in out
    # the durability tables come before the findings and the summary line
    assert out.index("Alignments") < out.rindex("error(s)")


def test_no_durability_member_without_opensplice(capsys: pytest.CaptureFixture[str]) -> None:
    assert "durability" not in _json(capsys, SAMPLE)

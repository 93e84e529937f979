"""``ddsdoctor durability`` from the command line: formats, exit codes, timelines, fleet, corpus."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddsdoctor.cli import main
from tests.conftest import CORPUS
from tests.durability import lab

FLEETS = Path(__file__).resolve().parents[1] / "rules" / "cases" / "DD960"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["durability", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_lab_capture_text(capsys: pytest.CaptureFixture[str]) -> None:
    lab.need_s1()
    code, out, _ = run(capsys, "--pcap", str(lab.S1_PCAP))
    assert code == 0
    for host in ("os-h1", "os-h2", "os-h3"):
        assert host in out
    assert out.count("772205537 (os-h2)   ") >= 4 and "itself" in out
    assert "Alignments" in out and "0.125" in out  # the late joiner's latency


def test_lab_capture_json_and_timeline_roundtrip(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lab.need_s1()
    saved = tmp_path / "s1.jsonl"
    code, out, _ = run(
        capsys, "--pcap", str(lab.S1_PCAP), "-f", "json", "--save-timeline", str(saved)
    )
    assert code == 0
    doc = json.loads(out)
    assert {"fellows", "namespaces", "alignments", "findings", "tool", "summary"} <= set(doc)
    assert doc["findings"] == [] and doc["summary"]["errors"] == 0
    code, again, _ = run(capsys, "--timeline", str(saved), "-f", "json")
    redo = json.loads(again)
    assert code == 0
    for key in ("fellows", "namespaces", "alignments", "groups", "beliefs"):
        assert redo[key] == doc[key], key


def test_thresholds_change_findings_and_exit(capsys: pytest.CaptureFixture[str]) -> None:
    lab.need_s1()
    code, out, _ = run(
        capsys, "--pcap", str(lab.S1_PCAP), "-f", "json", "--slow", "2", "--fail-on", "warning"
    )
    doc = json.loads(out)
    assert code == 1
    assert {f["code"] for f in doc["findings"]} == {"DD957"}
    assert all(f["time"] and f["node"] for f in doc["findings"])
    code, _, _ = run(
        capsys, "--pcap", str(lab.S1_PCAP), "--slow", "2", "--fail-on", "warning", "--exit-zero"
    )
    assert code == 0


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_other_formats_render_findings(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    lab.need_s1()
    code, out, _ = run(capsys, "--pcap", str(lab.S1_PCAP), "-f", fmt, "--slow", "2")
    assert code == 0 and "DD957" in out


def test_fleet_prediction(capsys: pytest.CaptureFixture[str]) -> None:
    lab.need_s1()
    code, out, _ = run(
        capsys, "--pcap", str(lab.S1_PCAP), "-f", "json", "--fleet", str(FLEETS / "fleet-s1.toml")
    )
    assert code == 0 and json.loads(out)["findings"] == []
    code, out, _ = run(
        capsys,
        "--pcap",
        str(lab.S1_PCAP),
        "-f",
        "json",
        "--fleet",
        str(FLEETS / "fleet-h2-never-master.toml"),
    )
    found = json.loads(out)["findings"]
    assert {f["code"] for f in found} == {"DD960"} and len(found) == 5


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert (
        run(
            capsys,
        )[0]
        == 2
    )
    assert run(capsys, "--pcap", str(tmp_path / "missing.pcap"))[0] == 2
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"t": 1, "writer": 5, "topic": "d_nope"}\n')
    code, _, err = run(capsys, "--timeline", str(bad))
    assert code == 2 and "not a durability protocol topic" in err
    assert run(capsys, "--timeline", str(bad), "--slow", "-1")[0] == 2
    assert run(capsys, "--pcap", "x", "--domain", "0")[0] == 2
    fleet = tmp_path / "fleet.toml"
    fleet.write_text("[[node]]\nname = 1\n")
    lab.need_s1()
    assert run(capsys, "--pcap", str(lab.S1_PCAP), "--fleet", str(fleet))[0] == 2


def test_damaged_capture_is_a_finding(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    lab.need_s1()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(lab.S1_PCAP.read_bytes()[:400_000])
    code, out, _ = run(capsys, "--pcap", str(cut), "-f", "json")
    doc = json.loads(out)
    assert code == 1 and "DD980" in {f["code"] for f in doc["findings"]}
    assert len(doc["fellows"]) >= 3  # what came before the cut is still read
    junk = tmp_path / "junk.pcap"
    junk.write_bytes(b"not a capture at all")
    code, out, _ = run(capsys, "--pcap", str(junk), "-f", "json")
    assert code == 1 and {f["code"] for f in json.loads(out)["findings"]} == {"DD980"}


def test_every_corpus_capture_gives_a_result(capsys: pytest.CaptureFixture[str]) -> None:
    """Captures without OpenSplice durability traffic: a DD982 warning, never a crash."""
    pcaps = sorted((CORPUS / "pcap").glob("*.pcap*"))
    if not pcaps:
        pytest.skip("no corpus captures")
    for pcap in pcaps:
        code, out, _ = run(capsys, "--pcap", str(pcap), "-f", "json")
        doc = json.loads(out)
        assert code == 0, pcap
        assert doc["fellows"] == [] and "DD982" in {f["code"] for f in doc["findings"]}

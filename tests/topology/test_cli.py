"""``ddsdoctor topology``: formats, options and exit codes on the shipped sample capture."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from ddsdoctor.cli import main
from ddsdoctor.selection import RuleSelection
from ddsdoctor.topology.document import report_from_dict
from ddsdoctor.topology.run import diagnose

PCAP = Path(__file__).resolve().parents[2] / "docs" / "examples" / "rig-sample.pcap"


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["topology", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_text_summary_has_the_tables(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--pcap", str(PCAP)], capsys)
    assert code == 0
    for title in ("Hosts", "Processes", "Top topics by rate", "Edges", "DD820", "pattern: partial"):
        assert title in out
    assert "camera_frames" in out and "239.255.0.1" in out


def test_json_document_keeps_the_issue_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--pcap", str(PCAP), "-f", "json"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["tool"]["name"] == "ddsdoctor" and "summary" in doc
    p = doc["participants"][0]
    assert len(p["guid_prefix"]) == 24 and "vendor_id" in p and "host" in p
    e = doc["endpoints"][0]
    assert len(e["guid"]) == 32 and {"kind", "topic", "type", "partitions"} <= set(e)
    assert {"src", "dst", "packets", "bytes"} <= set(doc["edges"][0])
    assert doc["hosts"] and doc["topics"] and doc["findings"]
    # the document can be diagnosed again, with the same result
    again = diagnose(report_from_dict(doc), RuleSelection(), None)
    assert sorted(f.code for f in again) == sorted(f["code"] for f in doc["findings"])


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_ci_formats_carry_the_findings(fmt: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--pcap", str(PCAP), "-f", fmt], capsys)
    assert code == 0 and "DD820" in out


def test_graph_formats(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, dot, _ = run(["--pcap", str(PCAP), "-f", "dot"], capsys)
    assert code == 0 and dot.startswith("digraph topology {") and '"camera" -> "archive"' in dot
    code, gml, _ = run(["--pcap", str(PCAP), "-f", "graphml"], capsys)
    (tmp_path / "g.graphml").write_text(gml)
    g = nx.read_graphml(tmp_path / "g.graphml")
    assert g.has_edge("camera", "archive") and g.edges["camera", "archive"]["packets"] > 0
    assert g.nodes["239.255.0.1"]["kind"] == "multicast"
    code, mer, _ = run(["--pcap", str(PCAP), "-f", "mermaid"], capsys)
    assert mer.startswith("flowchart LR") and "-.->" in mer  # group deliveries dashed
    if shutil.which("dot"):
        done = subprocess.run(
            ["dot", "-Tsvg"], input=dot, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0 and "<svg" in done.stdout


def test_html_is_self_contained(capsys: pytest.CaptureFixture[str]) -> None:
    code, html, _ = run(["--pcap", str(PCAP), "-f", "html"], capsys)
    assert code == 0 and html.startswith("<!doctype html>") and "<svg" in html
    lowered = html.lower()
    for fetch in ("<link", " src=", "fetch(", "@import", "xmlhttprequest"):
        assert fetch not in lowered
    assert "https://" not in lowered and "http://" not in lowered.replace("http://www.w3.org", "")


def test_html_without_graphviz_uses_the_builtin_layout(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("ddsdoctor.topology.render.shutil.which", lambda _name: None)
    code, html, _ = run(["--pcap", str(PCAP), "-f", "html"], capsys)
    assert code == 0 and '<g class="node"><title>camera</title>' in html


def test_render_picture(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    if not shutil.which("dot"):
        pytest.skip("Graphviz dot is not installed")
    out = tmp_path / "t.svg"
    assert (
        run(["--pcap", str(PCAP), "--render", str(out), "-o", str(tmp_path / "x")], capsys)[0] == 0
    )
    assert out.read_text().lstrip().startswith("<?xml") and "camera" in out.read_text()
    png = tmp_path / "t.png"
    assert (
        run(["--pcap", str(PCAP), "--render", str(png), "-o", str(tmp_path / "x")], capsys)[0] == 0
    )
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_render_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["--pcap", str(PCAP), "--render", str(tmp_path / "t.txt")], capsys)
    assert code == 2 and ".svg, .png or .pdf" in err
    monkeypatch.setattr("ddsdoctor.topology.render.shutil.which", lambda _name: None)
    code, _, err = run(["--pcap", str(PCAP), "--render", str(tmp_path / "t.svg")], capsys)
    assert code == 3 and "Graphviz `dot` is not installed" in err and "Traceback" not in err


def test_input_errors_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["--pcap", str(tmp_path / "missing.pcap")], capsys)
    assert code == 2 and "cannot open" in err
    assert run([], capsys)[0] == 2
    assert run(["--pcap", str(tmp_path)], capsys)[0] == 2
    assert run(["--pcap", str(PCAP), "--select", "DD9999"], capsys)[0] == 2
    code, _, err = run(["--pcap", str(PCAP), "--focus", "nosuchhost"], capsys)
    assert code == 2 and "camera" in err
    bad = tmp_path / "hosts.csv"
    bad.write_text("10.77.0.11\n")
    assert run(["--pcap", str(PCAP), "--hosts", str(bad)], capsys)[0] == 2


def test_fail_on_and_exit_zero(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--pcap", str(PCAP), "-f", "json"], capsys)[0] == 0  # warnings, info only
    assert run(["--pcap", str(PCAP), "-f", "json", "--fail-on", "warning"], capsys)[0] == 1
    assert (
        run(["--pcap", str(PCAP), "-f", "json", "--fail-on", "info", "--exit-zero"], capsys)[0] == 0
    )
    _, out, _ = run(["--pcap", str(PCAP), "-f", "json", "--ignore", "DD820"], capsys)
    assert "DD820" not in {f["code"] for f in json.loads(out)["findings"]}


def test_truncated_capture_gives_a_partial_result_and_a_finding(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = PCAP.read_bytes()
    cut = tmp_path / "cut.pcap"
    cut.write_bytes(data[: len(data) // 2 + 7])
    code, out, _ = run(["--pcap", str(cut), "-f", "json"], capsys)
    doc = json.loads(out)
    assert code == 1  # DD800 is an error
    trunc = [f for f in doc["findings"] if f["code"] == "DD800"]
    assert len(trunc) == 1 and trunc[0]["path"] == str(cut) and trunc[0]["frame"] > 0
    assert doc["capture"]["truncated"] and 0 < doc["capture"]["frames"] < 2013
    assert {h["name"] for h in doc["hosts"]} == {"ctrl", "dome", "camera", "archive"}


def test_focus_keeps_one_host_and_its_edges(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--pcap", str(PCAP), "-f", "json", "--focus", "10.77.0.13"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["edges"]
    assert all("camera" in (e["src"], e["dst"]) for e in doc["edges"])
    code, dot, _ = run(["--pcap", str(PCAP), "-f", "dot", "--focus", "camera"], capsys)
    assert '"dome" -> "archive"' not in dot and '"camera" -> "dome"' in dot
    assert '"239.255.0.1" -> "camera"' in dot  # what camera receives from the group


@pytest.mark.parametrize("kind", ["csv", "toml"])
def test_hosts_file_names_and_roles(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    f = tmp_path / f"hosts.{kind}"
    if kind == "csv":
        f.write_text("ip,name,role\n# the control room\n10.77.0.11,control-room,operations\n")
    else:
        f.write_text(
            '[[host]]\nname = "control-room"\naddresses = ["10.77.0.11"]\nrole = "operations"\n'
        )
    code, out, _ = run(["--pcap", str(PCAP), "-f", "json", "--hosts", str(f)], capsys)
    hosts = {h["name"]: h for h in json.loads(out)["hosts"]}
    assert code == 0 and hosts["control-room"]["role"] == "operations"
    assert "ctrl" not in hosts and hosts["control-room"]["addresses"] == ["10.77.0.11"]


def test_by_participant(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--pcap", str(PCAP), "-f", "json", "--by", "participant"], capsys)
    doc = json.loads(out)
    prefixes = {p["guid_prefix"] for p in doc["participants"]}
    assert code == 0 and doc["graph"]["by"] == "participant"
    assert {e["src"] for e in doc["edges"]} <= prefixes
    assert {e["dst"] for e in doc["edges"] if not e["multicast"]} <= prefixes
    assert doc["host_edges"]  # the host view stays available


def test_text_run_does_not_import_networkx() -> None:
    probe = (
        "import sys\nfrom ddsdoctor.cli import main\n"
        f"main(['topology', '--pcap', {str(PCAP)!r}, '-o', '/dev/null'])\n"
        "print('NX', 'networkx' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "NX False" in out.stdout

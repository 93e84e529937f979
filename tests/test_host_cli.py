"""`ddsdoctor check --host-facts FILE` and `--host`: host-aware checks from the command line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddsdoctor.cli import main

ROOT = Path(__file__).resolve().parent.parent
CASES = ROOT / "tests" / "rules" / "cases"


def test_host_facts_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    facts = tmp_path / "host.json"
    facts.write_text(
        json.dumps(
            {
                "hostname": "pod-1",
                "interfaces": [
                    {"name": "lo", "flags": ["up", "loopback"], "addresses": ["127.0.0.1/8"]},
                    {"name": "eth0", "flags": ["up", "multicast"], "addresses": ["10.85.0.11/24"]},
                    {"name": "net1", "flags": ["up", "multicast"], "addresses": ["10.86.0.11/24"]},
                ],
            }
        )
    )
    code = main(
        [
            "check",
            "--isolated",
            "--format",
            "json",
            "--host-facts",
            str(facts),
            str(CASES / "DD115" / "fail_absent.xml"),
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code == 0  # a warning does not fail the default --fail-on error
    (f,) = [f for f in doc["findings"] if f["code"] == "DD115"]
    assert (
        "using network interface eth0 (10.85.0.11) selected arbitrarily from: eth0, net1"
        in f["message"]
    )


def test_bad_host_facts_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "host.json"
    bad.write_text("[1, 2]")
    assert main(["check", "--host-facts", str(bad), str(CASES / "DD115" / "fail_absent.xml")]) == 2
    assert "expected a JSON object" in capsys.readouterr().err
    bad.write_bytes(b'{"interfaces": [\xff]}')  # not UTF-8: an error message, not a traceback
    assert main(["check", "--host-facts", str(bad), str(CASES / "DD115" / "fail_absent.xml")]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_this_host(capsys: pytest.CaptureFixture[str]) -> None:
    # whatever this machine looks like, AUTO selection is reported and nothing crashes
    code = main(
        [
            "check",
            "--isolated",
            "--format",
            "json",
            "--host",
            str(CASES / "DD116" / "pass_explicit.xml"),
        ]
    )
    doc = json.loads(capsys.readouterr().out)
    assert code in (0, 1)
    assert not [f for f in doc["findings"] if f["code"] == "DD009"]


def test_check_does_not_import_psutil_without_host() -> None:
    import subprocess
    import sys

    out = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from ddsdoctor.cli import main; "
            f"main(['check', '--isolated', {str(CASES / 'DD101' / 'fail_cidr.xml')!r}]); "
            "print(sorted(m for m in ('psutil', 'scapy', 'cyclonedds', 'networkx') "
            "if m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr

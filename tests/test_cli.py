"""The command line: exit codes, outputs, environment options, lazy imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ddsdoctor import __version__
from ddsdoctor.cli import main

GOOD = "<OpenSplice><Domain><Name>${NAME:-ospl}</Name><Id>0</Id></Domain></OpenSplice>\n"
BAD = "<OpenSplice><Domain><Name>${NAME}</Name></Domain></OpenSplice>\n"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    (tmp_path / "good.xml").write_text(GOOD)
    (tmp_path / "bad.xml").write_text(BAD)
    (tmp_path / "broken.xml").write_text("<OpenSplice>")
    return {p.stem: p for p in tmp_path.glob("*.xml")}


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--version"], capsys)
    assert code == 0 and out.strip() == f"ddsdoctor {__version__}"


def test_exit_codes(files: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["check", "--no-env", str(files["good"])], capsys)[0] == 0
    assert run(["check", "--no-env", str(files["bad"])], capsys)[0] == 1
    assert run(["check", "--no-env", "--exit-zero", str(files["bad"])], capsys)[0] == 0
    assert run(["check", "--no-env", str(files["broken"])], capsys)[0] == 1
    # usage errors: unknown rule, unknown format, no inputs, bad --env
    assert run(["check", "--select", "DD9999", str(files["good"])], capsys)[0] == 2
    assert run(["check", "--format", "yaml", str(files["good"])], capsys)[0] == 2
    empty = files["good"].parent / "empty"
    empty.mkdir()
    code, _, err = run(["check", str(empty)], capsys)
    assert code == 2 and "no input files" in err
    assert run(["check", "--env", "NOEQUALS", str(files["good"])], capsys)[0] == 2


def test_fail_on_threshold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warn = tmp_path / "w.xml"
    warn.write_text("<OpenSplice><Domain><Name>$NAME</Name></Domain></OpenSplice>")
    assert run(["check", "--no-env", "--select", "DD305", str(warn)], capsys)[0] == 0
    assert (
        run(["check", "--no-env", "--select", "DD305", "--fail-on", "warning", str(warn)], capsys)[
            0
        ]
        == 1
    )


def test_env_sources(
    files: dict[str, Path],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bad = str(files["bad"])
    monkeypatch.setenv("NAME", "from-caller")
    assert run(["check", bad], capsys)[0] == 0  # the caller's environment by default
    assert run(["check", "--no-env", bad], capsys)[0] == 1
    assert run(["check", "--no-env", "--env", "NAME=x", bad], capsys)[0] == 0
    envfile = tmp_path / "node.env"
    envfile.write_text("# node env\nexport NAME='quoted'\n")
    assert run(["check", "--no-env", "--env-file", str(envfile), bad], capsys)[0] == 0
    envfile.write_bytes(b"NAME=\xff\n")  # not UTF-8: a usage error, not a traceback
    code, _, err = run(["check", "--no-env", "--env-file", str(envfile), bad], capsys)
    assert code == 2 and "not UTF-8" in err


def test_json_output_to_file(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "reports" / "r.json"
    code, stdout, _ = run(
        ["check", "--no-env", "-f", "json", "-o", str(out), str(files["bad"])], capsys
    )
    assert code == 1 and stdout == ""
    doc = json.loads(out.read_text())
    (f,) = doc["findings"]
    assert f["code"] == "DD304" and f["evidence"]["expansions"] == {"${NAME}": "'' (NAME unset)"}
    assert f["line"] == 1 and f["column"] == 27


def test_directory_recursion(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "deep.xml").write_text(BAD)
    (tmp_path / "a" / "notes.txt").write_text("not xml")
    code, out, _ = run(["check", "--no-env", "-f", "json", str(tmp_path)], capsys)
    doc = json.loads(out)
    assert code == 1 and doc["summary"]["files"] == 1


def test_rules_and_explain(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["rules", "--format", "json"], capsys)
    rules = json.loads(out)
    assert code == 0 and {"code", "name", "severity", "summary", "doc"} <= set(rules[0])
    code, out, _ = run(["explain", "DD304"], capsys)
    assert code == 0 and "expansion.unset-variable" in out and "Fix:" in out
    assert run(["explain", "expansion.bare-dollar"], capsys)[0] == 0
    assert run(["explain", "DD9999"], capsys)[0] == 2
    code, out, _ = run(["rules", "--subject", "fleet"], capsys)
    assert code == 0 and "DD601" in out and "DD304" not in out
    assert run(["rules", "--subject", "fleets"], capsys)[0] == 2  # not an empty list


def test_check_and_version_stay_light(files: dict[str, Path]) -> None:
    probe = (
        "import sys\n"
        "from ddsdoctor.cli import main\n"
        f"main(['check', '--no-env', '-f', 'sarif', {str(files['bad'])!r}])\n"
        "main(['--version'])\n"
        "heavy = [m for m in ('scapy', 'cyclonedds', 'networkx') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert "HEAVY []" in out.stdout


def test_python_dash_m(files: dict[str, Path]) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "ddsdoctor", "check", "--no-env", str(files["good"])],
        capture_output=True,
        text=True,
        check=False,
    )
    assert out.returncode == 0 and "No problems found" in out.stdout


def test_path_too_long_is_a_finding(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["check", "--isolated", "--no-cache", "-f", "json", "y" * 5000], capsys)
    assert code == 1 and [f["code"] for f in json.loads(out)["findings"]] == ["DD001"]

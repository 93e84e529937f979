"""`ddsdoctor fleet` and `ddsdoctor check --fleet` on the shipped example fleets."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ddsdoctor.cli import main

ROOT = Path(__file__).resolve().parent.parent
FLEETS = ROOT / "configs" / "fleets"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_recommended_fleet_is_clean(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(capsys, "fleet", "--isolated", str(FLEETS / "recommended" / "fleet.toml"))
    assert code == 0, out
    assert "Expected master: main-daemon; backups: none" in out
    assert "nublado" in out and "-> main-daemon" in out
    assert "No problems found" in out


def test_recommended_fleet_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys,
        "fleet",
        "--isolated",
        "--format",
        "json",
        str(FLEETS / "recommended" / "fleet.toml"),
    )
    doc = json.loads(out)
    assert code == 0 and doc["findings"] == []
    (ns,) = doc["namespaces"]
    assert ns["name"] == "defaultNamespace" and ns["master"] == "main-daemon"
    assert ns["views"] == {
        n: "main-daemon" for n in ("main-daemon", "daemon-auxtel", "daemon-maintel", "nublado")
    }
    assert [c["node"] for c in ns["candidates"]] == ["main-daemon"]
    assert ns["split"] is None


def test_recommended_fleet_check_has_no_warnings(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys,
        "check",
        "--isolated",
        "--format",
        "json",
        "--fleet",
        str(FLEETS / "recommended" / "fleet.toml"),
    )
    doc = json.loads(out)
    assert code == 0
    assert {f["severity"] for f in doc["findings"]} <= {"info"}


def test_lazy_master_fleet_names_the_node(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys,
        "fleet",
        "--isolated",
        "--format",
        "json",
        str(FLEETS / "lazy-master" / "fleet.toml"),
    )
    doc = json.loads(out)
    assert code == 1
    lazy = [f for f in doc["findings"] if f["code"] == "DD604"]
    main_daemon = [f for f in lazy if f["node"] == "main-daemon"]
    assert main_daemon and main_daemon[0]["severity"] == "error"
    assert "main-daemon can be durability master" in main_daemon[0]["message"]
    assert main_daemon[0]["path"].endswith("ospl-lazy.xml") and main_daemon[0]["line"]


def test_split_views_fleet(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = run(
        capsys,
        "fleet",
        "--isolated",
        "--format",
        "json",
        str(FLEETS / "split-views" / "fleet.toml"),
    )
    doc = json.loads(out)
    assert code == 1
    (ns,) = doc["namespaces"]
    assert ns["views"]["main"] == "main"
    assert ns["views"]["lazy-backup"] == "main"
    assert ns["views"]["client"] == ["main", "lazy-backup"]
    assert ns["depends_on_systemids"] is True
    codes = {f["code"] for f in doc["findings"] if f["severity"] == "error"}
    assert {"DD603", "DD604"} <= codes


@pytest.mark.parametrize("fmt", ["sarif", "github", "junit", "gitlab"])
def test_other_formats_render_findings(capsys: pytest.CaptureFixture[str], fmt: str) -> None:
    code, out = run(
        capsys, "fleet", "--isolated", "--format", fmt, str(FLEETS / "split-views" / "fleet.toml")
    )
    assert code == 1 and "DD603" in out


def test_bad_fleet_file_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    bad = tmp_path / "fleet.toml"
    bad.write_text('[[node]]\nname = "a"\nconfig = "nope.xml"\n')
    assert main(["fleet", str(bad)]) == 2
    assert "not found" in capsys.readouterr().err
    assert main(["check", "--fleet", str(bad)]) == 2


def test_node_env_is_the_only_environment(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # the caller's environment must not leak into a node's expansion
    monkeypatch.setenv("OSPL_MASTER_PRIORITY", "0")
    monkeypatch.setenv("LSST_DDS_ALIGNEE", "Lazy")
    _, out = run(
        capsys,
        "fleet",
        "--isolated",
        "--format",
        "json",
        str(FLEETS / "recommended" / "fleet.toml"),
    )
    assert json.loads(out)["namespaces"][0]["master"] == "main-daemon"


def test_check_requires_paths_or_fleet(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 2


def test_check_fleet_names_each_file_once(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a node's file reached through a symlink: its own lint and the cross-node rules must
    # report it under one name (they used to resolve the link for one and not the other)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "ospl.xml").write_bytes(
        (FLEETS / "lazy-master" / "ospl-lazy.xml").read_bytes()
    )
    (tmp_path / "link.xml").symlink_to(tmp_path / "real" / "ospl.xml")
    nodes = [("main", "201"), ("aux", "10"), ("tel", "10")]
    (tmp_path / "fleet.toml").write_text(
        "".join(
            f'[[node]]\nname = "{n}"\nconfig = "{tmp_path / "link.xml"}"\n'
            f'env = {{ OSPL_MASTER_PRIORITY = "{p}", LSST_DDS_PARTITION_PREFIX = "s" }}\n'
            for n, p in nodes
        )
    )
    monkeypatch.chdir(tmp_path)
    _, out = run(capsys, "check", "--isolated", "-f", "json", "--fleet", "fleet.toml")
    findings = json.loads(out)["findings"]
    assert {f["code"][:3] for f in findings} >= {"DD4", "DD6"}
    assert {f["path"] for f in findings} == {"link.xml"}

"""Joining options and errors: configuration building, exit codes 2 and 3, never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ddsdoctor.cli import main
from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.live.session import LiveError, SessionOptions, config_uri, interface_xml

LO_XML = '<NetworkInterface name="lo" multicast="true"/>'


def test_interface_xml() -> None:
    assert LO_XML in interface_xml("lo")  # loopback: multicast forced (test-rig.md §0)
    with pytest.raises(LiveError) as bad:
        interface_xml('lo"/><x y="')
    assert bad.value.code is ExitCode.USAGE
    with pytest.raises(LiveError) as missing:
        interface_xml("nosuch9")
    assert missing.value.code is ExitCode.ENVIRONMENT and "have:" in str(missing.value)


def test_config_sources(tmp_path: Path) -> None:
    env = {"CYCLONEDDS_URI": "<General/>"}
    assert config_uri(SessionOptions(), env) is None  # Cyclone reads its env itself
    # --interface keeps the environment's configuration and adds the interface after it
    both = config_uri(SessionOptions(interface="lo"), env)
    assert both is not None and both.startswith("<General/>,") and LO_XML in both
    cfg = tmp_path / "cyclone.xml"
    cfg.write_text("<CycloneDDS/>")
    uri = config_uri(SessionOptions(config=str(cfg), interface="lo"), env)
    assert uri is not None and uri.startswith(cfg.resolve().as_uri() + ",")
    assert config_uri(SessionOptions(config="<CycloneDDS/>"), env) == "<CycloneDDS/>"
    with pytest.raises(LiveError) as nofile:
        config_uri(SessionOptions(config=str(tmp_path / "nope.xml")), env)
    assert nofile.value.code is ExitCode.USAGE


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(args)
    return code, capsys.readouterr().err


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    for args in (
        ["scan", "--domain", "300", "-i", "lo"],
        ["scan", "--duration", "0", "-i", "lo"],
        ["probe", "--timeout", "-1", "-i", "lo"],
        ["probe", "--repeat", "0", "-i", "lo"],
        ["probe", "--expect", "0", "-i", "lo"],
        ["probe", "--select", "DD999", "-i", "lo"],
        ["scan", "--config", "/nonexistent/cyclone.xml"],
        ["scan", "--interface", "bad name!"],
    ):
        code, err = _run(args, capsys)
        assert code == ExitCode.USAGE, (args, err)
        assert "Traceback" not in err


def test_environment_errors(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = _run(["scan", "--interface", "nosuch9", "--duration", "0.1"], capsys)
    assert code == ExitCode.ENVIRONMENT and "no network interface 'nosuch9'" in err
    # Cyclone refuses the configuration: the participant cannot be created
    bad = (
        '<CycloneDDS><Domain id="any"><General><Interfaces><NetworkInterface name="nosuch9"/>'
        "</Interfaces></General></Domain></CycloneDDS>"
    )
    code, err = _run(["probe", "--config", bad, "--timeout", "1"], capsys)
    assert code == ExitCode.ENVIRONMENT and "cannot join DDS domain 0" in err


def test_cyclonedds_missing() -> None:
    script = (
        "import sys\n"
        "sys.modules['cyclonedds'] = None  # as if not installed\n"
        "from ddsdoctor.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    for cmd in (["scan", "-i", "lo", "--duration", "0.1"], ["probe", "-i", "lo"]):
        res = subprocess.run(
            [sys.executable, "-c", script, *cmd], capture_output=True, text=True, check=False
        )
        assert res.returncode == ExitCode.ENVIRONMENT, res.stderr
        assert "pip install 'ddsdoctor[live]'" in res.stderr and "Traceback" not in res.stderr

"""Settings discovery, precedence and validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.findings import Severity
from ddsdoctor.settings import (
    Overrides,
    SettingsError,
    SettingsResolver,
    find_settings_file,
    load_file,
)


def _write(p: Path, text: str) -> Path:
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_text(text)
    return p


def test_nearest_file_wins_and_pyproject_needs_table(tmp_path: Path) -> None:
    _write(tmp_path / "pyproject.toml", "[tool.ddsdoctor]\nignore = ['DD304']\n")
    _write(tmp_path / "a" / "pyproject.toml", "[project]\nname = 'x'\n")  # no table: skipped
    _write(tmp_path / "b" / "ddsdoctor.toml", "select = ['DD3']\n")
    _write(tmp_path / "b" / ".ddsdoctor.toml", "select = ['DD30']\n")
    assert find_settings_file(tmp_path / "a") == tmp_path / "pyproject.toml"
    assert find_settings_file(tmp_path / "b") == tmp_path / "b" / ".ddsdoctor.toml"
    resolver = SettingsResolver()
    assert resolver.for_path(tmp_path / "a" / "x.xml").ignore == ("DD304",)
    assert resolver.for_path(tmp_path / "b" / "x.xml").select == ("DD30",)


def test_cli_overrides_beat_files_and_config_applies_everywhere(tmp_path: Path) -> None:
    _write(tmp_path / "d" / ".ddsdoctor.toml", "fail-on = 'warning'\n[severity]\nDD304 = 'info'\n")
    other = _write(tmp_path / "other.toml", "fail-on = 'info'\n")
    plain = SettingsResolver().for_path(tmp_path / "d" / "f.xml")
    assert plain.fail_on is Severity.WARNING and plain.severity["DD304"] is Severity.INFO
    forced = SettingsResolver(Overrides(fail_on=Severity.ERROR)).for_path(tmp_path / "d" / "f.xml")
    assert forced.fail_on is Severity.ERROR
    fixed = SettingsResolver(config=other).for_path(tmp_path / "d" / "f.xml")
    assert fixed.fail_on is Severity.INFO and fixed.source == other
    isolated = SettingsResolver(isolated=True).for_path(tmp_path / "d" / "f.xml")
    assert isolated.source is None and isolated.fail_on is Severity.ERROR


def test_extend_inherits(tmp_path: Path) -> None:
    _write(tmp_path / "base.toml", "ignore = ['DD305']\nfail-on = 'warning'\n")
    child = _write(
        tmp_path / "sub" / ".ddsdoctor.toml", "extend = '../base.toml'\nignore = ['DD304']\n"
    )
    s = load_file(child)
    assert s.ignore == ("DD305", "DD304") and s.fail_on is Severity.WARNING


@pytest.mark.parametrize(
    "text",
    [
        "selct = ['DD3']\n",  # unknown key
        "select = ['DD9999']\n",  # unknown rule
        "fail-on = 'fatal'\n",
        "select = 3\n",
        "[severity]\nDD304 = 'loud'\n",
        "this is not toml",
        "disable-ignore-pragma = 'false'\n",  # a string would have read as true
        "extend = 3\n",
    ],
)
def test_bad_settings_are_errors(tmp_path: Path, text: str) -> None:
    with pytest.raises(SettingsError):
        load_file(_write(tmp_path / ".ddsdoctor.toml", text))


def test_env_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = _write(tmp_path / "ci.toml", "fail-on = 'info'\n")
    monkeypatch.setenv("DDSDOCTOR_CONFIG", str(cfg))
    assert SettingsResolver().for_path(tmp_path / "x.xml").fail_on is Severity.INFO
    assert SettingsResolver(isolated=True).for_path(tmp_path / "x.xml").fail_on is Severity.ERROR


@pytest.mark.parametrize("text", ["[tool]\nddsdoctor = 1\n", "tool = 1\n", "tool = 'x'\n"])
def test_odd_pyproject_is_an_error_or_skipped_never_a_crash(tmp_path: Path, text: str) -> None:
    pyproject = _write(tmp_path / "pyproject.toml", text)
    with pytest.raises(SettingsError):
        load_file(pyproject)
    found = find_settings_file(tmp_path)
    assert found is None or found == pyproject
    if found is not None:  # a [tool] table naming ddsdoctor: refused with a message
        with pytest.raises(SettingsError):
            SettingsResolver().for_path(tmp_path / "x.xml")

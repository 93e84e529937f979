"""``check`` without typer (cli/fastpath.py): it reads options exactly as the typer command does."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer

from ddsdoctor.cli import fastpath, main
from ddsdoctor.cli.check_run import CheckArgs
from tests.conftest import ROOT

ARGVS = [
    ["a.xml"],
    ["a.xml", "dir", "--no-env"],
    ["--no-env", "-f", "json", "a.xml", "-o", "out.json"],
    ["--format=sarif", "--output=x", "a.xml"],
    ["-e", "A=1", "--env", "B=2=3", "--env-file", "f.env", "--env-file=g.env", "a.xml"],
    ["--select", "DD1,DD2", "--select", "DD3", "--extend-select", "DD4", "--ignore", "DD5", "a"],
    ["--per-file-ignores", "*.xml:DD301", "--severity", "DD301=info", "--fail-on", "warning"],
    ["--exit-zero", "--isolated", "--disable-ignore-pragma", "--force-exclude", "a.xml"],
    ["--config", "c.toml", "--max-size", "1000", "--host-facts", "h.json", "a.xml"],
    ["--fleet", "fleet.toml", "--no-cache", "--cache-dir", "/tmp/c", "--host"],
    ["-f", "json", "-f", "text", "a.xml"],  # last one wins
    ["--", "--odd-name.xml", "b.xml"],
    [],
]
TYPER_ONLY = [
    ["--help"],
    ["-h"],
    ["--bogus", "a.xml"],
    ["-fjson", "a.xml"],
    ["--format"],
    ["--format", "yaml", "a.xml"],
    ["--max-size", "lots", "a.xml"],
    ["--select", "-x", "a.xml"],
    ["--no-env=yes", "a.xml"],
    ["-"],
]


def _check_command() -> Any:
    """The click command typer builds for ``check`` (typer vendors its own click)."""
    from ddsdoctor.cli import _register
    from ddsdoctor.cli.typerapp import app

    _register()
    return typer.main.get_command(app).commands["check"]  # type: ignore[attr-defined]


def _typer_args(argv: list[str], monkeypatch: pytest.MonkeyPatch) -> CheckArgs:
    import ddsdoctor.cli.check as typer_check

    seen: list[CheckArgs] = []

    def record(args: CheckArgs) -> int:
        seen.append(args)
        return 0

    monkeypatch.setattr(typer_check, "execute", record)
    with pytest.raises(SystemExit):
        _check_command().main(argv, prog_name="check", standalone_mode=True)
    assert len(seen) == 1
    return seen[0]


def test_fast_parser_knows_every_option_of_check() -> None:
    options = {o for p in _check_command().params for o in p.opts if o.startswith("-")}
    options.discard("--help")
    fast = set(fastpath.FLAGS) | set(fastpath.VALUES) | set(fastpath.LISTS)
    assert fast == options, "keep cli/fastpath.py's tables in step with cli/check.py"


@pytest.mark.parametrize("argv", ARGVS, ids=[" ".join(a) or "-" for a in ARGVS])
def test_fast_parser_reads_options_as_typer_does(
    argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = fastpath.parse_check(argv)
    assert fast is not None
    assert fast == _typer_args(argv, monkeypatch)


@pytest.mark.parametrize("argv", TYPER_ONLY, ids=[" ".join(a) for a in TYPER_ONLY])
def test_unusual_command_lines_go_to_typer(argv: list[str]) -> None:
    assert fastpath.parse_check(argv) is None


def test_help_and_errors_still_come_from_typer(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--help"]) == 0
    assert "--no-cache" in capsys.readouterr().out
    assert main(["check", "--format", "yaml", "x.xml"]) == 2
    assert "yaml" in capsys.readouterr().err


def test_plain_check_imports_no_typer_rich_or_pydantic(tmp_path: Path) -> None:
    good = tmp_path / "good.xml"
    good.write_text("<OpenSplice><Domain><Name>d</Name><Id>0</Id></Domain></OpenSplice>")
    script = (
        "import sys\n"
        "from ddsdoctor.cli import main\n"
        f"code = main(['check', '--no-env', '--isolated', {str(good)!r}])\n"
        "heavy = ('typer', 'click', 'rich', 'pydantic', 'scapy', 'cyclonedds', 'networkx')\n"
        "print(code, sorted(m for m in heavy if m in sys.modules))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert out.stdout.splitlines()[-1] == "0 []", out.stdout + out.stderr
    assert out.stdout.startswith("No problems found in 1 file.")

"""``ddsdoctor check``: lint OpenSplice (and Cyclone DDS) configuration files."""

from __future__ import annotations

from pathlib import Path

import typer

from ddsdoctor.cli import app
from ddsdoctor.cli.common import (
    FAIL_ON_HELP,
    FORMAT_HELP,
    default_format,
    exit_code_for,
    fail,
    parse_fail_on,
    render_to,
    split_codes,
    want_color,
)
from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.findings import Severity, Summary
from ddsdoctor.report import Format, ReportContext


def parse_env_pairs(pairs: list[str]) -> dict[str, str]:
    out = {}
    for pair in pairs:
        if "=" not in pair:
            fail(f"--env expects KEY=VALUE, got {pair!r}")
        key, value = pair.split("=", 1)
        if not key:
            fail(f"--env expects KEY=VALUE, got {pair!r}")
        out[key] = value
    return out


def parse_env_file(path: Path) -> dict[str, str]:
    """A dotenv-style file: KEY=VALUE lines, ``#`` comments, optional ``export`` and quotes."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        fail(f"cannot read --env-file {path}: {exc.strerror or exc}")
    out = {}
    for n, raw in enumerate(lines, 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        if "=" not in line:
            fail(f"{path}:{n}: expected KEY=VALUE")
        key, value = line.split("=", 1)
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
            value = value[1:-1]
        out[key.strip()] = value
    return out


def parse_severity_overrides(values: list[str]) -> dict[str, Severity]:
    out = {}
    for item in values:
        if "=" not in item:
            fail(f"--severity expects CODE=LEVEL, got {item!r}")
        code, level = item.split("=", 1)
        try:
            out[code.strip()] = Severity.parse(level)
        except ValueError as exc:
            fail(str(exc))
    return out


def parse_per_file_ignores(values: list[str]) -> dict[str, tuple[str, ...]]:
    out: dict[str, tuple[str, ...]] = {}
    for item in values:
        if ":" not in item:
            fail(f"--per-file-ignores expects GLOB:CODES, got {item!r}")
        glob, codes = item.rsplit(":", 1)
        out[glob] = split_codes([codes])
    return out


@app.command()
def check(
    paths: list[Path] = typer.Argument(
        ..., help="Config files or directories (searched for *.xml)."
    ),
    fmt: Format = typer.Option(None, "--format", "-f", help=FORMAT_HELP, show_default=False),
    output: Path | None = typer.Option(None, "--output", "-o", help="Write the report to FILE."),
    env: list[str] = typer.Option([], "--env", "-e", help="Set KEY=VALUE for ${VAR} expansion."),
    env_file: list[Path] = typer.Option(
        [], "--env-file", help="Read KEY=VALUE lines for expansion."
    ),
    no_env: bool = typer.Option(False, "--no-env", help="Ignore the caller's environment."),
    select: list[str] = typer.Option(
        None, "--select", help="Rules to run (codes, prefixes, names)."
    ),
    extend_select: list[str] = typer.Option([], "--extend-select", help="Rules to add."),
    ignore: list[str] = typer.Option([], "--ignore", help="Rules to skip."),
    per_file_ignores: list[str] = typer.Option(
        [], "--per-file-ignores", help="GLOB:CODES to skip."
    ),
    severity: list[str] = typer.Option(
        [], "--severity", help="Override a rule's severity: CODE=LEVEL."
    ),
    fail_on: str = typer.Option(None, "--fail-on", help=FAIL_ON_HELP, show_default=False),
    exit_zero: bool = typer.Option(False, "--exit-zero", help="Exit 0 even with findings."),
    config: Path | None = typer.Option(
        None, "--config", help="Use this settings file for all inputs."
    ),
    isolated: bool = typer.Option(False, "--isolated", help="Ignore settings files."),
    disable_ignore_pragma: bool = typer.Option(
        False, "--disable-ignore-pragma", help="Ignore inline ddsdoctor: ignore[...] comments."
    ),
    force_exclude: bool = typer.Option(
        False, "--force-exclude", help="Apply settings excludes to files named on the command line."
    ),
    max_size: int = typer.Option(
        8 * 1024 * 1024, "--max-size", help="Refuse files larger than this (bytes)."
    ),
) -> None:
    """Lint OpenSplice ospl.xml (and Cyclone DDS) configuration files."""
    from ddsdoctor.lint import CheckOptions, EnvSpec, NoInputError, run_check
    from ddsdoctor.selection import SelectorError
    from ddsdoctor.settings import Overrides, SettingsError, SettingsResolver

    fmt = fmt or default_format()
    values: dict[str, str] = {}
    for f in env_file:
        values.update(parse_env_file(f))
    values.update(parse_env_pairs(env))
    overrides = Overrides(
        select=split_codes(select) if select else None,
        extend_select=split_codes(extend_select),
        ignore=split_codes(ignore),
        per_file_ignores=parse_per_file_ignores(per_file_ignores),
        severity=parse_severity_overrides(severity),
        fail_on=parse_fail_on(fail_on),
        disable_ignore_pragma=True if disable_ignore_pragma else None,
    )
    try:
        resolver = SettingsResolver(overrides, config=config, isolated=isolated)
        options = CheckOptions(
            paths=list(paths),
            env=EnvSpec(inherit=not no_env, values=values),
            resolver=resolver,
            max_bytes=max_size,
            force_exclude=force_exclude,
        )
        report = run_check(options)
    except (SettingsError, SelectorError, NoInputError) as exc:
        fail(str(exc), ExitCode.USAGE)
    code = exit_code_for(report.findings, report.fail_on, exit_zero)
    docs = report.documents

    def source_line(path: str, line: int) -> str:
        doc = docs.get(path)
        return doc.line_text(line) if doc is not None else ""

    ctx = ReportContext(
        summary=Summary.of(report.findings, report.files, report.suppressed),
        command="check",
        source_line=source_line,
        exit_code=code,
        color=want_color(output) and fmt is Format.TEXT,
    )
    render_to(fmt, report.findings, ctx, output)
    raise typer.Exit(code)

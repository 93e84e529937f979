"""``ddsdoctor check``: lint OpenSplice (and Cyclone DDS) configuration files."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

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

if TYPE_CHECKING:
    from ddsdoctor.lint import CheckOptions, CheckReport


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


def _host_facts(host: bool, path: Path | None) -> object:
    """HostFacts for --host (this machine) or --host-facts FILE, else None."""
    if path is not None:
        from ddsdoctor.host.facts import HostFactsError, load_host_facts

        try:
            return load_host_facts(str(path))
        except HostFactsError as exc:
            fail(str(exc), ExitCode.USAGE)
    if host:
        from ddsdoctor.host.facts import read_host

        try:
            return read_host()
        except (OSError, RuntimeError) as exc:
            fail(f"cannot read this host's interfaces: {exc}", ExitCode.ENVIRONMENT)
    return None


def _run(options: CheckOptions, fleet: Path | None) -> CheckReport:
    """run_check on the paths, plus every node of --fleet with its env and cross-node rules."""
    from ddsdoctor.fleetcheck import FleetOptions, run_fleet
    from ddsdoctor.lint import CheckReport, run_check

    report = run_check(options) if options.paths else CheckReport([], 0, 0, {}, Severity.ERROR)
    if fleet is None:
        return report
    fr = run_fleet(FleetOptions(fleet, options.resolver, lint_nodes=True, host=options.host))
    report.documents.update(fr.documents)
    return CheckReport(
        sorted(report.findings + fr.findings, key=lambda f: f.sort_key()),
        report.files + fr.files,
        report.suppressed,
        report.documents,
        min(report.fail_on, fr.fail_on) if options.paths else fr.fail_on,
    )


@app.command()
def check(
    paths: list[Path] = typer.Argument(
        None, help="Config files or directories (searched for *.xml)."
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
    host: bool = typer.Option(
        False, "--host", help="Also check network settings against this machine's interfaces."
    ),
    host_facts: Path | None = typer.Option(
        None,
        "--host-facts",
        help="Check against host facts saved as JSON "
        "(python -m ddsdoctor.cli.hostfacts) instead of this machine.",
    ),
    fleet: Path | None = typer.Option(
        None, "--fleet", help="Lint every node of FLEET.toml with its env, plus cross-node rules."
    ),
) -> None:
    """Lint OpenSplice ospl.xml (and Cyclone DDS) configuration files."""
    from ddsdoctor.lint import CheckOptions, EnvSpec, NoInputError
    from ddsdoctor.ospl.fleetfile import FleetFileError
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
    host_value = _host_facts(host, host_facts)
    if not paths and fleet is None:
        fail("give config files or directories, or --fleet FLEET.toml", ExitCode.USAGE)
    try:
        resolver = SettingsResolver(overrides, config=config, isolated=isolated)
        options = CheckOptions(
            paths=list(paths or []),
            env=EnvSpec(inherit=not no_env, values=values),
            resolver=resolver,
            max_bytes=max_size,
            force_exclude=force_exclude,
            host=host_value,
        )
        report = _run(options, fleet)
    except (SettingsError, SelectorError, NoInputError, FleetFileError) as exc:
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

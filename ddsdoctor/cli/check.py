"""``ddsdoctor check``: lint OpenSplice (and Cyclone DDS) configuration files."""

from __future__ import annotations

from pathlib import Path

import typer

from ddsdoctor.cli import app
from ddsdoctor.cli.check_run import CheckArgs, execute
from ddsdoctor.cli.common import FAIL_ON_HELP, FORMAT_HELP
from ddsdoctor.report import Format


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
    no_cache: bool = typer.Option(
        False, "--no-cache", help="Do not read or write the result cache (docs/performance.md)."
    ),
    cache_dir: Path | None = typer.Option(
        None, "--cache-dir", help="Result cache directory (default ~/.cache/ddsdoctor/check)."
    ),
) -> None:
    """Lint OpenSplice ospl.xml (and Cyclone DDS) configuration files."""
    # Plain invocations take cli/fastpath.py and never get here; both end in execute().
    args = CheckArgs(
        paths=list(paths or []),
        fmt=fmt,
        output=output,
        env=list(env),
        env_file=list(env_file),
        no_env=no_env,
        select=select,
        extend_select=list(extend_select),
        ignore=list(ignore),
        per_file_ignores=list(per_file_ignores),
        severity=list(severity),
        fail_on=fail_on,
        exit_zero=exit_zero,
        config=config,
        isolated=isolated,
        disable_ignore_pragma=disable_ignore_pragma,
        force_exclude=force_exclude,
        max_size=max_size,
        host=host,
        host_facts=host_facts,
        fleet=fleet,
        no_cache=no_cache,
        cache_dir=cache_dir,
    )
    raise typer.Exit(execute(args))

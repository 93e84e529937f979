"""``ddsdoctor fleet FLEET.toml``: durability masters and cross-node problems of a deployment."""

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
    split_codes,
    want_color,
    write_output,
)
from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.findings import Summary
from ddsdoctor.report import Format, ReportContext, render

_FLEET = typer.Argument(..., help="FLEET.toml: [[node]] tables with name, config, env.")
_FORMAT = typer.Option(None, "--format", "-f", help=FORMAT_HELP, show_default=False)
_OUTPUT = typer.Option(None, "--output", "-o", help="Write the report to FILE.")
_SELECT = typer.Option(None, "--select", help="Rules to run (codes, prefixes, names).")
_IGNORE = typer.Option([], "--ignore", help="Rules to skip.")
_FAIL_ON = typer.Option(None, "--fail-on", help=FAIL_ON_HELP, show_default=False)
_EXIT_ZERO = typer.Option(False, "--exit-zero", help="Exit 0 even with findings.")
_CONFIG = typer.Option(None, "--config", help="Use this settings file.")
_ISOLATED = typer.Option(False, "--isolated", help="Ignore settings files.")


@app.command()
def fleet(
    fleet_file: Path = _FLEET,
    fmt: Format = _FORMAT,
    output: Path | None = _OUTPUT,
    select: list[str] = _SELECT,
    ignore: list[str] = _IGNORE,
    fail_on: str = _FAIL_ON,
    exit_zero: bool = _EXIT_ZERO,
    config: Path | None = _CONFIG,
    isolated: bool = _ISOLATED,
) -> None:
    """Elect durability masters per namespace across a fleet and check the nodes agree.

    Each node's config is expanded with that node's env only. Prints, per namespace, the
    ranked master candidates, the expected master and backups, and each node's own view of the
    master (OpenSplice 6.9 lets nodes follow different masters).
    """
    from ddsdoctor.fleetcheck import FleetOptions, run_fleet
    from ddsdoctor.ospl.fleetfile import FleetFileError
    from ddsdoctor.ospl.fleetsummary import fleet_dict, namespaces
    from ddsdoctor.selection import SelectorError
    from ddsdoctor.settings import Overrides, SettingsError, SettingsResolver

    fmt = fmt or default_format()
    overrides = Overrides(
        select=split_codes(select) if select else None,
        ignore=split_codes(ignore),
        fail_on=parse_fail_on(fail_on),
    )
    try:
        resolver = SettingsResolver(overrides, config=config, isolated=isolated)
        report = run_fleet(FleetOptions(fleet_file=fleet_file, resolver=resolver))
    except (SettingsError, SelectorError, FleetFileError) as exc:
        fail(str(exc), ExitCode.USAGE)
    code = exit_code_for(report.findings, report.fail_on, exit_zero)
    docs = report.documents

    def source_line(path: str, line: int) -> str:
        doc = docs.get(path)
        return doc.line_text(line) if doc is not None else ""

    ctx = ReportContext(
        summary=Summary.of(report.findings, report.files),
        command="fleet",
        source_line=source_line,
        exit_code=code,
        extra={"fleet": fleet_dict(report.fleet), "namespaces": namespaces(report.fleet)}
        if fmt in (Format.JSON, Format.TEXT)
        else {},
        color=want_color(output) and fmt is Format.TEXT,
    )
    if fmt is Format.TEXT:
        from ddsdoctor.report import fleet_text

        text = fleet_text.render(report.findings, ctx)
    else:
        text = render(fmt, report.findings, ctx)
    write_output(text, output)
    raise typer.Exit(code)

"""Helpers shared by the command modules: output, formats, exit codes, errors."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.findings import Finding, Severity
from ddsdoctor.report import Format, ReportContext, render

FORMAT_HELP = "Output format: text, json, sarif, github, junit or gitlab."
FAIL_ON_HELP = "Exit 1 when a finding is at or above this severity (error, warning, info)."


def default_format() -> Format:
    env = os.environ.get("DDSDOCTOR_FORMAT")
    try:
        return Format(env) if env else Format.TEXT
    except ValueError:
        return Format.TEXT


def want_color(output: Path | None) -> bool:
    if output is not None or os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return sys.stdout.isatty()


def fail(message: str, code: ExitCode = ExitCode.USAGE) -> NoReturn:
    """Print an error to stderr and exit with a documented code (never a traceback).

    SystemExit rather than typer.Exit: ``check`` may run without typer (cli/fastpath.py).
    """
    sys.stderr.write(f"ddsdoctor: error: {message}\n")
    sys.stderr.flush()
    raise SystemExit(int(code))


def write_output(text: str, output: Path | None) -> None:
    if output is None:
        sys.stdout.write(text)
        sys.stdout.flush()
        return
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")


def exit_code_for(findings: Sequence[Finding], fail_on: Severity, exit_zero: bool = False) -> int:
    if exit_zero:
        return int(ExitCode.OK)
    failing = any(f.severity >= fail_on for f in findings)
    return int(ExitCode.FINDINGS if failing else ExitCode.OK)


def render_to(
    fmt: Format, findings: Sequence[Finding], ctx: ReportContext, output: Path | None
) -> None:
    write_output(render(fmt, findings, ctx), output)


def parse_fail_on(value: str | None) -> Severity | None:
    if value is None:
        return None
    try:
        return Severity.parse(value)
    except ValueError as exc:
        fail(str(exc))


def split_codes(values: Sequence[str] | None) -> tuple[str, ...]:
    """``--select DD1,DD2 --select DD3`` -> ("DD1", "DD2", "DD3")."""
    out: list[str] = []
    for v in values or ():
        out += [c.strip() for c in v.split(",") if c.strip()]
    return tuple(out)

"""What ``ddsdoctor check`` does once its options are parsed; no typer here.

Both the typer command (``cli/check.py``) and the fast path for plain invocations
(``cli/fastpath.py``, which spares pre-commit runs typer's start-up) build a :class:`CheckArgs`
and call :func:`execute`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ddsdoctor.cli.common import (
    default_format,
    exit_code_for,
    fail,
    parse_fail_on,
    render_to,
    split_codes,
    want_color,
)
from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.findings import Severity, Summary, sort_findings
from ddsdoctor.report import Format, ReportContext

if TYPE_CHECKING:
    from ddsdoctor.cache import ResultCache
    from ddsdoctor.lint import CheckOptions, CheckReport


@dataclass(slots=True)
class CheckArgs:
    """The options of ``ddsdoctor check`` (see ``cli/check.py`` for their help)."""

    paths: list[Path] = field(default_factory=list)
    fmt: Format | None = None
    output: Path | None = None
    env: list[str] = field(default_factory=list)
    env_file: list[Path] = field(default_factory=list)
    no_env: bool = False
    select: list[str] | None = None
    extend_select: list[str] = field(default_factory=list)
    ignore: list[str] = field(default_factory=list)
    per_file_ignores: list[str] = field(default_factory=list)
    severity: list[str] = field(default_factory=list)
    fail_on: str | None = None
    exit_zero: bool = False
    config: Path | None = None
    isolated: bool = False
    disable_ignore_pragma: bool = False
    force_exclude: bool = False
    max_size: int = 8 * 1024 * 1024
    host: bool = False
    host_facts: Path | None = None
    fleet: Path | None = None
    no_cache: bool = False
    cache_dir: Path | None = None


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
    except UnicodeDecodeError:
        fail(f"--env-file {path} is not UTF-8 text")
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
    from ddsdoctor.lint import CheckReport, run_check

    report = run_check(options) if options.paths else CheckReport([], 0, 0, {}, Severity.ERROR)
    if fleet is None:
        return report
    from ddsdoctor.fleetcheck import FleetOptions, run_fleet

    fr = run_fleet(FleetOptions(fleet, options.resolver, lint_nodes=True, host=options.host))
    report.documents.update(fr.documents)
    return CheckReport(
        sort_findings(report.findings + fr.findings),
        report.files + fr.files,
        report.suppressed,
        report.documents,
        min(report.fail_on, fr.fail_on) if options.paths else fr.fail_on,
    )


def _cache(args: CheckArgs) -> ResultCache | None:
    """The result cache (ddsdoctor/cache.py) unless --no-cache or DDSDOCTOR_NO_CACHE."""
    if args.no_cache:
        return None
    from ddsdoctor import cache

    return None if cache.disabled_by_env() else cache.ResultCache(args.cache_dir)


def execute(args: CheckArgs) -> int:
    """Run the check and render it; returns the exit code (usage errors raise SystemExit)."""
    from ddsdoctor.lint import CheckOptions, EnvSpec, NoInputError
    from ddsdoctor.selection import SelectorError
    from ddsdoctor.settings import Overrides, SettingsError, SettingsResolver

    usage_errors: tuple[type[Exception], ...] = (SettingsError, SelectorError, NoInputError)
    if args.fleet is not None:
        from ddsdoctor.ospl.fleetfile import FleetFileError

        usage_errors += (FleetFileError,)

    fmt = args.fmt or default_format()
    values: dict[str, str] = {}
    for f in args.env_file:
        values.update(parse_env_file(f))
    values.update(parse_env_pairs(args.env))
    overrides = Overrides(
        select=split_codes(args.select) if args.select else None,
        extend_select=split_codes(args.extend_select),
        ignore=split_codes(args.ignore),
        per_file_ignores=parse_per_file_ignores(args.per_file_ignores),
        severity=parse_severity_overrides(args.severity),
        fail_on=parse_fail_on(args.fail_on),
        disable_ignore_pragma=True if args.disable_ignore_pragma else None,
    )
    host_value = _host_facts(args.host, args.host_facts)
    if not args.paths and args.fleet is None:
        fail("give config files or directories, or --fleet FLEET.toml", ExitCode.USAGE)
    try:
        resolver = SettingsResolver(overrides, config=args.config, isolated=args.isolated)
        options = CheckOptions(
            paths=list(args.paths),
            env=EnvSpec(inherit=not args.no_env, values=values),
            resolver=resolver,
            max_bytes=args.max_size,
            force_exclude=args.force_exclude,
            host=host_value,
            cache=_cache(args),
        )
        report = _run(options, args.fleet)
    except usage_errors as exc:
        fail(str(exc), ExitCode.USAGE)
    code = exit_code_for(report.findings, report.fail_on, args.exit_zero)
    docs = report.documents

    def source_line(path: str, line: int) -> str:
        doc = docs.get(path)
        return doc.line_text(line) if doc is not None else ""

    ctx = ReportContext(
        summary=Summary.of(report.findings, report.files, report.suppressed),
        command="check",
        source_line=source_line,
        exit_code=code,
        color=want_color(args.output) and fmt is Format.TEXT,
    )
    render_to(fmt, report.findings, ctx, args.output)
    return code

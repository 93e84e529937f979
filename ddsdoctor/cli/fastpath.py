"""A typer-free way in for plain ``ddsdoctor check`` invocations, the pre-commit case.

Importing typer (with click and pydantic) costs more than checking a small file, so
:func:`parse_check` reads ``check``'s options itself when the command line is plain: known
options, each value separate (``-f json``) or joined with ``=`` (``--format=json``), paths
anywhere, ``--`` before paths. Anything else (``--help``, an unknown or malformed option, a
value typer would refuse) returns None and the typer command (``cli/check.py``) handles it,
so help and error messages come from one place. ``tests/test_fastpath.py`` checks that both
read every option alike.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from ddsdoctor.cli.check_run import CheckArgs
from ddsdoctor.report import Format

# option -> CheckArgs field; every option of ``check`` must be in one of these three tables
FLAGS = {
    "--no-env": "no_env",
    "--exit-zero": "exit_zero",
    "--isolated": "isolated",
    "--disable-ignore-pragma": "disable_ignore_pragma",
    "--force-exclude": "force_exclude",
    "--host": "host",
    "--no-cache": "no_cache",
}
VALUES = {
    "--format": "fmt",
    "-f": "fmt",
    "--output": "output",
    "-o": "output",
    "--fail-on": "fail_on",
    "--config": "config",
    "--max-size": "max_size",
    "--host-facts": "host_facts",
    "--fleet": "fleet",
    "--cache-dir": "cache_dir",
}
LISTS = {
    "--env": "env",
    "-e": "env",
    "--env-file": "env_file",
    "--select": "select",
    "--extend-select": "extend_select",
    "--ignore": "ignore",
    "--per-file-ignores": "per_file_ignores",
    "--severity": "severity",
}
_CONVERT: dict[str, Callable[[str], Any]] = {
    "fmt": Format,
    "output": Path,
    "config": Path,
    "max_size": int,
    "host_facts": Path,
    "fleet": Path,
    "cache_dir": Path,
    "env_file": Path,
}


class _NotPlain(Exception):
    """The command line needs typer (help, an error message, an unusual form)."""


def _convert(name: str, text: str) -> Any:
    convert = _CONVERT.get(name)
    if convert is None:
        return text
    try:
        return convert(text)
    except ValueError:
        raise _NotPlain from None  # typer words the error


def parse_check(argv: Sequence[str]) -> CheckArgs | None:
    """``check``'s options as typer would read them, or None when typer must read them."""
    try:
        return _parse(list(argv))
    except _NotPlain:
        return None


def _parse(argv: list[str]) -> CheckArgs:
    args = CheckArgs()
    values: dict[str, Any] = {}
    lists: dict[str, list[Any]] = {}
    paths: list[Path] = []
    i = 0
    while i < len(argv):
        token = argv[i]
        i += 1
        if token == "--":
            paths += [Path(p) for p in argv[i:]]
            break
        if not token.startswith("-") or token == "-":
            if token == "-":
                raise _NotPlain
            paths.append(Path(token))
            continue
        name, eq, joined = token.partition("=") if token.startswith("--") else (token, "", "")
        if name in FLAGS and not eq:
            values[FLAGS[name]] = True
            continue
        field = VALUES.get(name) or LISTS.get(name)
        if field is None:
            raise _NotPlain  # --help, -h, unknown options, joined short values
        if eq:
            text = joined
        elif i < len(argv) and not argv[i].startswith("-"):
            text = argv[i]
            i += 1
        else:
            raise _NotPlain  # a missing value, or one that looks like an option
        value = _convert(field, text)
        if name in LISTS:
            lists.setdefault(field, []).append(value)
        else:
            values[field] = value  # given twice: the last one wins, as in click
    args.paths = paths
    for field, value in values.items():
        setattr(args, field, value)
    for field, items in lists.items():
        setattr(args, field, items)
    return args

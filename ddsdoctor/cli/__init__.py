"""The command-line interface: a thin typer app. Each command lives in its own module.

Commands parse options, call a ``run_*`` function, render and return an exit code. Heavy
libraries are imported inside the commands that need them, so ``--version`` and ``check`` start
fast.
"""

from __future__ import annotations

import importlib
import sys

import typer

from ddsdoctor import __version__

app = typer.Typer(
    name="ddsdoctor",
    help="Diagnose DDS deployments: lint configs, map RTPS traffic, probe live domains.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)

# Command modules, in the order `--help` lists them. Each registers itself on `app`.
COMMAND_MODULES = ("check", "fleet", "topology", "rules")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"ddsdoctor {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Show the version and exit.",
        callback=_version,
        is_eager=True,
    ),
) -> None:
    """ddsdoctor: diagnose DDS middleware deployments."""


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"ddsdoctor.cli.{name}")


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    _register()
    try:
        app(args=argv, prog_name="ddsdoctor", standalone_mode=True)
    except SystemExit as exc:
        code = exc.code
        return code if isinstance(code, int) else (0 if code is None else 2)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

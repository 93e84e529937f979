"""The typer application every command module registers on (``from ddsdoctor.cli import app``)."""

from __future__ import annotations

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

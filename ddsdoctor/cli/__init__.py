"""The command-line interface: a thin typer app. Each command lives in its own module.

Commands parse options, call a ``run_*`` function, render and return an exit code. Heavy
libraries are imported inside the commands that need them, so ``--version`` and ``check`` start
fast: ``--version`` and plain ``check`` command lines do not even import typer (the app lives
in ``cli/typerapp.py`` and is imported on first use of ``ddsdoctor.cli.app``; ``cli/fastpath.py``).
"""

from __future__ import annotations

import gc
import importlib
import sys
from typing import TYPE_CHECKING, Any

from ddsdoctor import __version__

if TYPE_CHECKING:
    from ddsdoctor.cli.typerapp import app as app

# Command modules, in the order `--help` lists them. Each registers itself on `app`.
COMMAND_MODULES = ("check", "fleet", "topology", "scan", "probe", "durability", "rules")


def __getattr__(name: str) -> Any:
    # PEP 562: `from ddsdoctor.cli import app` imports typer only when a command module needs it
    if name == "app":
        from ddsdoctor.cli.typerapp import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"ddsdoctor.cli.{name}")


def _exit_code(exc: SystemExit) -> int:
    code = exc.code
    return code if isinstance(code, int) else (0 if code is None else 2)


def _fast(args: list[str]) -> int | None:
    """``--version`` and plain ``check`` command lines, without typer; None: use typer."""
    if args in (["--version"], ["-V"]):
        sys.stdout.write(f"ddsdoctor {__version__}\n")
        return 0
    if args[:1] != ["check"]:
        return None
    from ddsdoctor.cli.fastpath import parse_check

    parsed = parse_check(args[1:])
    if parsed is None:
        return None
    # A check is short-lived and keeps every document it reads until it reports, so the cyclic
    # garbage collector has almost nothing to free; its passes over the objects that imports
    # and the metaconfig model create cost ~15% of a one-file run (bench/bench_check.py).
    collecting = gc.isenabled()
    gc.disable()
    from ddsdoctor.cli.check_run import execute

    try:
        return execute(parsed)
    except SystemExit as exc:
        return _exit_code(exc)
    except KeyboardInterrupt:  # as click does in standalone mode
        sys.stderr.write("\nAborted!\n")
        return 1
    finally:
        if collecting:  # main() called in-process (tests, scripts): leave the collector as found
            gc.enable()


def main(argv: list[str] | None = None) -> int:
    """Console-script entry point."""
    fast = _fast(list(sys.argv[1:] if argv is None else argv))
    if fast is not None:
        return fast
    _register()
    from ddsdoctor.cli.typerapp import app

    try:
        app(args=argv, prog_name="ddsdoctor", standalone_mode=True)
    except SystemExit as exc:
        return _exit_code(exc)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

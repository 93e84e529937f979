"""Options and helpers shared by the commands that read a domain or a capture."""

from __future__ import annotations

import math
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from ddsdoctor.cli.common import fail, split_codes
from ddsdoctor.exitcodes import ExitCode
from ddsdoctor.selection import RuleSelection, SelectorError, validate_selectors

DOMAIN_HELP = "DDS domain id (0..232)."
CONFIG_HELP = (
    "Cyclone DDS configuration: a file, a file:// URI or inline XML (default: $CYCLONEDDS_URI)."
)
INTERFACE_HELP = "Join on this network interface only (added on top of the configuration)."
SELECT_HELP = "Rules to run (codes, prefixes, names)."
IGNORE_HELP = "Rules to skip."


def selection(select: Sequence[str] | None, ignore: Sequence[str]) -> RuleSelection:
    sel = RuleSelection(select=split_codes(select) if select else None, ignore=split_codes(ignore))
    try:
        validate_selectors(sel.all_selectors())
    except SelectorError as exc:
        fail(str(exc), ExitCode.USAGE)
    return sel


def positive(name: str, value: float, *, zero_ok: bool = False) -> float:
    if math.isnan(value) or value < 0 or (value == 0 and not zero_ok):
        fail(f"{name} must be {'>= 0' if zero_ok else '> 0'}, got {value:g}")
    return value


def text_width(output: Path | None) -> int:
    """The terminal's width for a report shown on one, else 120 columns."""
    if output is None and sys.stdout.isatty():
        return max(80, shutil.get_terminal_size((120, 24)).columns)
    return 120


INTERRUPTED = 130  # the shell's convention for SIGINT; printed as "interrupted"

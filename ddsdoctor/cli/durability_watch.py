"""``ddsdoctor durability --domain N --watch``: the view redrawn as the protocol goes by.

A rich live display on a terminal. It goes to stderr whenever stdout carries a machine format
or ``--output`` is given, so the final report on stdout stays parseable.
"""

from __future__ import annotations

from pathlib import Path
from types import TracebackType

from rich.console import Console, Group
from rich.live import Live
from rich.text import Text

from ddsdoctor.durability.analyze import analyze
from ddsdoctor.durability.observe import Observation
from ddsdoctor.durability.report import view_dict
from ddsdoctor.durability.view import Limits
from ddsdoctor.report import Format
from ddsdoctor.report.durability_text import renderables
from ddsdoctor.selection import RuleSelection


class Watch:
    """The live display; it shows the findings of the rules the final report runs."""

    def __init__(
        self, limits: Limits, selection: RuleSelection, fmt: Format, output: Path | None
    ) -> None:
        self.limits = limits
        self.selection = selection
        self.console = Console(stderr=fmt is not Format.TEXT or output is not None)
        self.live = Live(console=self.console, refresh_per_second=2, transient=True)

    def __enter__(self) -> Watch:
        self.live.__enter__()
        return self

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.live.__exit__(et, ev, tb)

    def update(self, obs: Observation) -> None:
        report = analyze(obs, self.limits, self.selection)
        lines = [
            Text(f"{f.severity.label:<7} {f.code} {f.message}")
            for f in sorted(report.findings, key=lambda f: -int(f.severity))[:12]
        ]
        footer = Text("Ctrl-C ends the observation and prints the report", style="dim")
        self.live.update(Group(*renderables(view_dict(report.view)), *lines, footer))

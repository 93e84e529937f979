"""``durability --watch``: the live display runs the rules the final report runs."""

from __future__ import annotations

from typing import Any

from rich.console import Group
from rich.text import Text

from ddsdoctor.cli.durability_watch import Watch
from ddsdoctor.durability.observe import Observation
from ddsdoctor.durability.view import Limits
from ddsdoctor.report import Format
from ddsdoctor.selection import RuleSelection


def _finding_lines(selection: RuleSelection) -> list[str]:
    shown: list[Any] = []
    w = Watch(Limits(), selection, Format.JSON, None)
    w.live.update = lambda renderable, **_kw: shown.append(renderable)  # type: ignore[method-assign]
    w.update(Observation("live", start=0.0, end=20.0))  # nothing heard: DD982
    (group,) = shown
    assert isinstance(group, Group)
    return [r.plain for r in group.renderables if isinstance(r, Text) and " DD9" in r.plain]


def test_watch_honours_the_selection() -> None:
    assert any("DD982" in line for line in _finding_lines(RuleSelection()))
    assert _finding_lines(RuleSelection(ignore=("DD982",))) == []

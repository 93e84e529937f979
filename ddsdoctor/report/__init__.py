"""Renderers: pure functions from findings to text. Only the CLI writes their output."""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ddsdoctor import __version__
from ddsdoctor.findings import Finding, Summary

SourceLines = Callable[[str, int], str]


class Format(enum.StrEnum):
    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"
    GITHUB = "github"
    JUNIT = "junit"
    GITLAB = "gitlab"


@dataclass(frozen=True, slots=True)
class ReportContext:
    """What renderers need besides the findings."""

    summary: Summary
    command: str = "check"
    version: str = __version__
    source_line: SourceLines | None = None  # (path, line) -> source text, for carets
    exit_code: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)  # command-specific JSON members
    color: bool = False
    width: int | None = None


def render(fmt: Format | str, findings: Sequence[Finding], ctx: ReportContext) -> str:
    """Render findings in a format; returns the whole document."""
    fmt = Format(fmt)
    module = importlib.import_module(f"ddsdoctor.report.{_MODULES[fmt]}")
    out: str = module.render(findings, ctx)
    return out


_MODULES = {
    Format.TEXT: "text",
    Format.JSON: "json_",
    Format.SARIF: "sarif",
    Format.GITHUB: "github",
    Format.JUNIT: "junit",
    Format.GITLAB: "gitlab",
}

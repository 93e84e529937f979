"""The one result type every analysis produces: Severity, Location and Finding."""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any


class Severity(enum.IntEnum):
    """How bad a finding is. Ordered so that ``sev >= Severity.WARNING`` works."""

    INFO = 1
    WARNING = 2
    ERROR = 3

    @property
    def label(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        """Parse ``error``/``warning``/``info`` (any case); raises ValueError otherwise."""
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r} (use error, warning or info)") from None


@dataclass(frozen=True, slots=True)
class Location:
    """Where a finding applies. Every field is optional; each analysis fills what applies."""

    # configs
    path: str | None = None
    line: int | None = None
    column: int | None = None
    xpath: str | None = None
    # fleet
    node: str | None = None
    # captures
    frame: int | None = None
    time: float | None = None
    # live domains
    domain: int | None = None
    guid: str | None = None
    topic: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in LOCATION_FIELDS}


LOCATION_FIELDS: tuple[str, ...] = (
    "path",
    "line",
    "column",
    "xpath",
    "node",
    "frame",
    "time",
    "domain",
    "guid",
    "topic",
)


@dataclass(frozen=True, slots=True)
class Finding:
    """One diagnosis: a rule's code and name, a severity, a message and where it applies.

    The message never contains the code; renderers add it. ``evidence`` holds the facts
    that led to the finding (for configs: what each ``${VAR}`` expanded to).
    """

    code: str
    name: str
    severity: Severity
    message: str
    location: Location = field(default_factory=Location)
    hint: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)

    def with_severity(self, severity: Severity) -> Finding:
        return replace(self, severity=severity)

    def sort_key(self) -> tuple[Any, ...]:
        loc = self.location
        return (
            loc.path or "",
            loc.node or "",
            loc.line or 0,
            loc.column or 0,
            loc.frame or 0,
            loc.time or 0.0,
            self.code,
            loc.xpath or "",
            loc.topic or "",
            loc.guid or "",
            self.message,
        )


def sort_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Deterministic order (path, position, code, message) so golden files stay stable."""
    return sorted(findings, key=Finding.sort_key)


@dataclass(frozen=True, slots=True)
class Summary:
    """Counts that every output format reports."""

    files: int
    errors: int
    warnings: int
    infos: int
    suppressed: int = 0

    @classmethod
    def of(cls, findings: Iterable[Finding], files: int, suppressed: int = 0) -> Summary:
        counts = {sev: 0 for sev in Severity}
        for f in findings:
            counts[f.severity] += 1
        return cls(
            files=files,
            errors=counts[Severity.ERROR],
            warnings=counts[Severity.WARNING],
            infos=counts[Severity.INFO],
            suppressed=suppressed,
        )


def worst(findings: Iterable[Finding]) -> Severity | None:
    """The highest severity among the findings, or None when there are none."""
    return max((f.severity for f in findings), default=None)

"""Inline suppressions in XML comments: ``<!-- ddsdoctor: ignore[DD104] reason -->``.

``ignore[...]`` covers the element that follows the comment (its attributes and descendants)
and the comment's own line; ``file-ignore[...]`` covers the whole file. The brackets hold
selectors as ``--select`` reads them (codes, code prefixes, rule names, families), matched by
``selection.py``; a selector for every rule (``ALL``, ``DD``) is refused: there is no blanket
ignore.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from ddsdoctor.findings import Finding, Location
from ddsdoctor.registry import Known
from ddsdoctor.rules import suppression as codes
from ddsdoctor.selection import selects, unknown_selectors
from ddsdoctor.xmlsource import XmlDocument

_PRAGMA = re.compile(r"^\s*ddsdoctor\s*:\s*(?P<kind>[a-z-]+)\s*(?P<rest>.*?)\s*$", re.DOTALL)
_CODES = re.compile(r"^\[(?P<codes>[^\]]*)\]\s*(?P<reason>.*)$", re.DOTALL)
_BLANKET = frozenset({"ALL", "DD"})


@dataclass(slots=True)
class Suppression:
    codes: tuple[str, ...]
    reason: str
    line: int
    column: int
    file_wide: bool
    xpath: str | None  # element the comment precedes, if any
    used: set[str] = field(default_factory=set)

    def covers(self, f: Finding) -> str | None:
        """The selector that suppresses ``f`` here, or None."""
        rule = Known(f.code, f.name)
        selector = next((c for c in self.codes if selects(c, rule)), None)
        if selector is None:
            return None
        if self.file_wide:
            return selector
        loc = f.location
        if loc.line == self.line:
            return selector
        if self.xpath and loc.xpath and _within(loc.xpath, self.xpath):
            return selector
        return None


def _within(xpath: str, scope: str) -> bool:
    return xpath == scope or xpath.startswith((scope + "/", scope + "["))


def parse_suppressions(doc: XmlDocument) -> tuple[list[Suppression], list[Finding]]:
    """Find every pragma comment; malformed ones become findings."""
    found: list[Suppression] = []
    problems: list[Finding] = []
    if "ddsdoctor" not in doc.text:
        return found, problems  # no comment can be a pragma: skip locating every comment
    for text, offset, following in doc.comments():
        m = _PRAGMA.match(text)
        if not m:
            continue
        line, column = doc.line_col(offset)
        here = Location(path=doc.path, line=line, column=column)
        kind = m.group("kind")
        if kind not in ("ignore", "file-ignore"):
            problems.append(
                codes.MALFORMED.finding(
                    f"unknown pragma 'ddsdoctor: {kind}' (use ignore[...] or file-ignore[...])",
                    here,
                )
            )
            continue
        cm = _CODES.match(m.group("rest"))
        selectors = [c.strip() for c in cm.group("codes").split(",") if c.strip()] if cm else []
        if not cm or not selectors:
            problems.append(
                codes.MALFORMED.finding(
                    f"'ddsdoctor: {kind}' needs codes in brackets, e.g. {kind}[DD104]", here
                )
            )
            continue
        blanket = [c for c in selectors if c in _BLANKET]
        if blanket:
            problems.append(
                codes.MALFORMED.finding(
                    f"'{blanket[0]}' would suppress every rule: name codes, prefixes or rules",
                    here,
                )
            )
        unknown = unknown_selectors(c for c in selectors if c not in _BLANKET)
        if unknown:
            problems.append(
                codes.MALFORMED.finding(
                    f"suppression names unknown rule(s): {', '.join(unknown)}",
                    here,
                    evidence={"unknown": unknown},
                )
            )
        known = tuple(c for c in selectors if c not in unknown and c not in _BLANKET)
        reason = cm.group("reason").strip()
        if known and not reason:
            problems.append(
                codes.MISSING_REASON.finding(
                    f"suppression of {', '.join(known)} gives no reason", here
                )
            )
        if known:
            xpath = None
            # A comment that trails content on its own line covers that line only.
            trailing = doc.text[doc.line_start(line) : offset].strip() != ""
            if following is not None and not trailing and kind == "ignore":
                xpath = doc.xpath(following)
            found.append(Suppression(known, reason, line, column, kind == "file-ignore", xpath))
    return found, problems


def apply_suppressions(
    findings: Iterable[Finding], suppressions: list[Suppression], path: str
) -> tuple[list[Finding], int, list[Finding]]:
    """Drop suppressed findings. Returns (kept, number suppressed, unused-suppression findings)."""
    kept: list[Finding] = []
    suppressed = 0
    for f in findings:
        hit = None
        if f.location.path == path and f.code not in (codes.UNUSED.code, codes.MALFORMED.code):
            for s in suppressions:
                selector = s.covers(f)
                if selector is not None:
                    s.used.add(selector)
                    hit = s
        if hit is None:
            kept.append(f)
        else:
            suppressed += 1
    unused = []
    for s in suppressions:
        idle = [c for c in s.codes if c not in s.used]
        if idle:
            unused.append(
                codes.UNUSED.finding(
                    f"suppression of {', '.join(idle)} suppressed nothing",
                    Location(path=path, line=s.line, column=s.column),
                    evidence={"codes": idle},
                )
            )
    return kept, suppressed, unused

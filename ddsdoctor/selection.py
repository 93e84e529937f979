"""Which rules run and at what severity: select / extend-select / ignore / severity overrides.

Selectors follow ruff: a code (``DD104``), a code prefix (``DD1``, ``DD``), ``ALL``, a rule name
(``network.interface-missing``) or a name family (``network``). When several selectors match a
rule, the most specific one decides; at equal specificity ``ignore`` wins.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ddsdoctor.findings import Severity
from ddsdoctor.registry import REGISTRY, Known, Rule, Subject


class SelectorError(ValueError):
    """A selector matches no rule (a usage error: exit 2)."""


def _specificity(selector: str, r: Rule | Known) -> int:
    """How specifically ``selector`` matches ``r``; 0 means it does not match."""
    if selector == "ALL":
        return 1
    if selector in (r.code, r.name):
        return 100
    if r.code.startswith(selector) and selector[:2] == "DD":
        return 2 + len(selector)
    if r.name.startswith(selector + "."):
        return 2 + selector.count(".") + 1
    return 0


def selects(selector: str, r: Rule | Known) -> bool:
    """Does ``selector`` (a code, code prefix, name, name family or ``ALL``) select ``r``?"""
    return _specificity(selector, r) > 0


def unknown_selectors(selectors: Iterable[str]) -> list[str]:
    """The selectors that match no rule, in the order given."""
    selectors = list(selectors)
    if not selectors:
        return []
    known: list[Rule] | list[Known] = REGISTRY.known()
    unknown = [s for s in selectors if not any(_specificity(s, r) for r in known)]
    if unknown:
        known = list(REGISTRY)  # sure before refusing: import every rule module
        unknown = [s for s in unknown if not any(_specificity(s, r) for r in known)]
    return unknown


def validate_selectors(selectors: Iterable[str]) -> None:
    """Raise SelectorError for any selector that matches no registered rule."""
    unknown = unknown_selectors(selectors)
    if unknown:
        raise SelectorError(f"unknown rule selector {unknown[0]!r} (see `ddsdoctor rules`)")


@dataclass(frozen=True, slots=True)
class RuleSelection:
    """The effective rule set for one file (or one run)."""

    select: tuple[str, ...] | None = None  # None = the default set
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)
    per_file_ignores: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    # Memo of decisions: selection runs for every rule and every file.
    _memo: dict[tuple[str, str | None], bool] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )
    _lists: dict[tuple[Subject, str | None], list[Rule]] = field(
        default_factory=dict, compare=False, hash=False, repr=False
    )

    def all_selectors(self) -> list[str]:
        out = list(self.select or ()) + list(self.extend_select) + list(self.ignore)
        out += list(self.severity)
        for codes in self.per_file_ignores.values():
            out += list(codes)
        return out

    def enabled(self, r: Rule, path: str | None = None) -> bool:
        key = (r.code, path if self.per_file_ignores else None)
        hit = self._memo.get(key)
        if hit is None:
            hit = self._memo[key] = self._decide(r, path)
        return hit

    def rules_for(self, subject: Subject, path: str | None = None) -> list[Rule]:
        """The enabled, runnable rules for a subject (and file), in code order; computed once
        per selection unless per-file ignores make the list depend on the path."""
        key = (subject, path if self.per_file_ignores else None)
        rules = self._lists.get(key)
        if rules is None:
            rules = [r for r in REGISTRY.for_subject(subject) if self.enabled(r, path)]
            self._lists[key] = rules
        return rules

    def _decide(self, r: Rule, path: str | None) -> bool:
        best_pos = 0
        if self.select is None:
            best_pos = 1 if r.default_enabled else 0
        else:
            best_pos = max((_specificity(s, r) for s in self.select), default=0)
        best_pos = max([best_pos] + [_specificity(s, r) for s in self.extend_select])
        ignores = list(self.ignore)
        if path is not None and self.per_file_ignores:
            ignores += self.file_ignores(path)
        best_neg = max((_specificity(s, r) for s in ignores), default=0)
        return best_pos > 0 and best_pos > best_neg

    def file_ignores(self, path: str) -> list[str]:
        posix = PurePosixPath(path.replace("\\", "/"))
        out: list[str] = []
        for pattern, codes in self.per_file_ignores.items():
            if _glob_match(posix, pattern):
                out += list(codes)
        return out

    def severity_for(self, r: Rule, hit_severity: Severity | None = None) -> Severity:
        if not self.severity:
            return hit_severity or r.severity
        best, chosen = 0, None
        for selector, sev in self.severity.items():
            spec = _specificity(selector, r)
            if spec > best:
                best, chosen = spec, sev
        return chosen or hit_severity or r.severity


def _glob_match(path: PurePosixPath, pattern: str) -> bool:
    """Match a per-file-ignores glob against a path or any of its trailing parts."""
    text = str(path)
    if fnmatch.fnmatch(text, pattern) or path.match(pattern):
        return True
    if pattern.startswith("**/"):
        return _glob_match(path, pattern[3:])
    return fnmatch.fnmatch(path.name, pattern)

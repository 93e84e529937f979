"""The rule registry: codes, names, severities and docs, the single source for every output.

A rule is a small function decorated with :func:`rule`. It receives the subject it declares
(an OpenSplice document, a fleet, discovery facts, ...) and yields :class:`Hit`s; the engine
stamps each hit with the rule's identity and effective severity. Codes that loaders emit
directly (malformed XML, truncated pcap) are declared with :func:`declare`.

The docstring is the user documentation: its first line is the summary, and the rest says what
goes wrong in a real system, how to fix it and where the fact comes from.
"""

from __future__ import annotations

import enum
import importlib
import importlib.util
import inspect
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ddsdoctor.findings import Finding, Location, Severity

CODE_RE = re.compile(r"DD[0-9]{3}\Z")
NAME_RE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*(\.[a-z0-9]+(-[a-z0-9]+)*)+\Z")


class Subject(enum.Enum):
    """What a rule looks at. The engine runs a rule only on its own kind of subject."""

    INPUT = "input"  # emitted by loaders (unreadable or unrecognised input)
    OSPL = "ospl"  # one OpenSplice configuration document
    CYCLONE = "cyclone"  # one Cyclone DDS configuration document
    FLEET = "fleet"  # several OpenSplice nodes read together
    DISCOVERY = "discovery"  # discovery facts, from a capture or from builtin topics
    CAPTURE = "capture"  # a capture as a whole (drops, truncation, timing)
    PROBE = "probe"  # historical-read measurements on a live domain
    DURABILITY = "durability"  # OpenSplice durability protocol views


@dataclass(frozen=True, slots=True)
class Hit:
    """What a rule reports; the engine turns it into a Finding.

    ``at`` is a subject-specific anchor (for configs an lxml element, with ``attr`` naming an
    attribute or ``text=True`` for the element text); the subject's locator turns it into a
    Location. ``location`` may be given instead. ``severity`` overrides the rule default for
    this hit only; user settings still win over it.
    """

    message: str
    at: Any = None
    attr: str | None = None
    text: bool = False
    location: Location | None = None
    hint: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None


RuleFunc = Callable[[Any], Iterable[Hit]]


@dataclass(frozen=True, slots=True)
class Rule:
    code: str
    name: str
    severity: Severity
    subject: Subject
    doc: str
    func: RuleFunc | None = None
    default_enabled: bool = True
    tags: tuple[str, ...] = ()
    # Element tags the rule looks at: it can only report when the document holds one of them.
    # The engine skips it otherwise (a check runs ~100 rules per file; most sections are absent).
    # Empty: the rule always runs. A trigger must be a necessary condition, never a guess.
    needs: frozenset[str] = frozenset()

    @property
    def summary(self) -> str:
        return self.doc.strip().splitlines()[0].strip() if self.doc.strip() else self.name

    @property
    def body(self) -> str:
        lines = self.doc.strip().splitlines()
        return inspect.cleandoc("\n".join(lines[1:])) if len(lines) > 1 else ""

    @property
    def family(self) -> str:
        return self.name.split(".", 1)[0]

    def finding(
        self,
        message: str,
        location: Location | None = None,
        *,
        hint: str | None = None,
        evidence: Mapping[str, Any] | None = None,
        severity: Severity | None = None,
    ) -> Finding:
        return Finding(
            code=self.code,
            name=self.name,
            severity=severity or self.severity,
            message=message,
            location=location or Location(),
            hint=hint,
            evidence=dict(evidence or {}),
        )


class RegistryError(ValueError):
    """A rule was declared twice or with a malformed code or name."""


class Known(NamedTuple):
    """A rule's code and name, known without importing its module (for selector checks)."""

    code: str
    name: str


# How a rule module names its rules: `@rule("DD101", "network.x", ...)`, `declare("DD001", ...)`.
_DECLARED = re.compile(r'\b(?:rule|declare)\(\s*"(DD[0-9]{3})",\s*"([a-z0-9.-]+)"')


class Registry:
    """All rules, by code and by name.

    Rule modules are imported when first needed: ``check`` on OpenSplice files imports the
    modules whose source mentions ``Subject.OSPL`` and not the Cyclone, fleet or discovery
    ones (their imports cost more than linting a file). Reading the sources instead of keeping
    a generated index means a new rule can never be missed; iterating the registry, or asking
    for a code that the sources do not place, imports everything.
    """

    def __init__(self) -> None:
        self._by_code: dict[str, Rule] = {}
        self._by_name: dict[str, Rule] = {}
        self._loaded = False
        self._sorted: list[Rule] | None = None  # invalidated by add()
        self._subjects: dict[Subject, list[Rule]] = {}
        self._sources: dict[str, str] | None = None  # rule module -> its source text
        self._imported: set[str] = set()

    def add(self, r: Rule) -> Rule:
        if not CODE_RE.match(r.code):
            raise RegistryError(f"rule code {r.code!r} is not of the form DD123")
        if not NAME_RE.match(r.name):
            raise RegistryError(f"rule name {r.name!r} is not dotted kebab-case")
        if r.code in self._by_code or r.name in self._by_name:
            old = self._by_code.get(r.code) or self._by_name[r.name]
            if old.func is r.func and old.doc == r.doc:
                return old  # the same module imported twice
            raise RegistryError(f"rule {r.code} {r.name} declared twice")
        self._by_code[r.code] = r
        self._by_name[r.name] = r
        self._sorted = None
        self._subjects.clear()
        return r

    def __getitem__(self, code_or_name: str) -> Rule:
        found = self._lookup(code_or_name)
        if found is None and not self._loaded:
            self._load_where(f'"{code_or_name}"')  # the module that names it
            found = self._lookup(code_or_name)
        if found is None:
            self.load_all()
            found = self._lookup(code_or_name)
        if found is None:
            raise KeyError(code_or_name)
        return found

    def _lookup(self, code_or_name: str) -> Rule | None:
        return self._by_code.get(code_or_name) or self._by_name.get(code_or_name)

    def get(self, code_or_name: str) -> Rule | None:
        try:
            return self[code_or_name]
        except KeyError:
            return None

    def __iter__(self) -> Iterator[Rule]:
        self.load_all()
        if self._sorted is None:
            self._sorted = sorted(self._by_code.values(), key=lambda r: r.code)
        return iter(self._sorted)

    def __len__(self) -> int:
        self.load_all()
        return len(self._by_code)

    def for_subject(self, subject: Subject) -> list[Rule]:
        """The runnable rules for a subject, in code order (cached: asked once per file)."""
        rules = self._subjects.get(subject)
        if rules is None:
            self._load_where(f"Subject.{subject.name}")
            found = [r for r in self._by_code.values() if r.subject is subject and r.func]
            rules = sorted(found, key=lambda r: r.code)
            self._subjects[subject] = rules
        return rules

    def known(self) -> list[Known]:
        """Every rule's code and name, read off the rule modules' sources (nothing imported)."""
        found = {Known(r.code, r.name) for r in self._by_code.values()}
        sources = self._rule_sources()
        if sources is None:
            self.load_all()
            return [Known(r.code, r.name) for r in self]
        for text in sources.values():
            found.update(Known(code, name) for code, name in _DECLARED.findall(text))
        return sorted(found)

    def load_all(self) -> None:
        """Import every module of :mod:`ddsdoctor.rules` so their decorators run.

        Rule modules must stay import-light (no scapy, cyclonedds or networkx at import time):
        ``ddsdoctor check`` imports the ones for the subjects it sees.
        """
        if self._loaded:
            return
        self._loaded = True
        import ddsdoctor.rules as pkg

        for info in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + "."):
            importlib.import_module(info.name)

    def _load_where(self, needle: str) -> None:
        """Import every rule module whose source contains ``needle`` (all when unreadable)."""
        if self._loaded:
            return
        sources = self._rule_sources()
        if sources is None:
            self.load_all()
            return
        for name, text in sources.items():
            if name not in self._imported and needle in text:
                self._imported.add(name)
                importlib.import_module(name)

    def _rule_sources(self) -> dict[str, str] | None:
        """Source text of each rule module, or None when not installed as source files."""
        if self._sources is None:
            import ddsdoctor.rules as pkg

            sources: dict[str, str] = {}
            try:
                for info in pkgutil.iter_modules(pkg.__path__, pkg.__name__ + "."):
                    spec = importlib.util.find_spec(info.name)
                    origin = spec.origin if spec is not None else None
                    if not origin or not origin.endswith(".py"):
                        return None
                    with open(origin, encoding="utf-8") as fh:  # noqa: PTH123
                        sources[info.name] = fh.read()
            except (OSError, UnicodeDecodeError, ImportError):
                return None
            self._sources = sources
        return self._sources


REGISTRY = Registry()


def rule(
    code: str,
    name: str,
    severity: Severity,
    subject: Subject,
    *,
    default_enabled: bool = True,
    tags: tuple[str, ...] = (),
    needs: tuple[str, ...] = (),
) -> Callable[[RuleFunc], RuleFunc]:
    """Register a rule function. Its docstring is its documentation.

    ``needs``: element tags of which at least one must occur in the document for the rule to
    find anything (e.g. ``("DurabilityService",)``); the engine skips the rule otherwise.
    """

    def decorate(func: RuleFunc) -> RuleFunc:
        REGISTRY.add(
            Rule(
                code=code,
                name=name,
                severity=severity,
                subject=subject,
                doc=inspect.getdoc(func) or "",
                func=func,
                default_enabled=default_enabled,
                tags=tags,
                needs=frozenset(needs),
            )
        )
        return func

    return decorate


def declare(
    code: str,
    name: str,
    severity: Severity,
    subject: Subject,
    doc: str,
    *,
    default_enabled: bool = True,
    tags: tuple[str, ...] = (),
) -> Rule:
    """Register a code that is emitted directly (by a loader or an engine), not by a function."""
    return REGISTRY.add(
        Rule(
            code=code,
            name=name,
            severity=severity,
            subject=subject,
            doc=inspect.cleandoc(doc),
            default_enabled=default_enabled,
            tags=tags,
        )
    )

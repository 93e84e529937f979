"""OpenSplice configuration documents: the parsed file plus the environment it is read with.

Values are expanded lazily, the way OpenSplice's parser does (``ospl/expand.py``), and every
finding located on an expanded value carries what each ``${VAR}`` resolved to.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ddsdoctor.findings import Location
from ddsdoctor.ospl.expand import Expansion, expand
from ddsdoctor.registry import Hit
from ddsdoctor.xmlsource import XmlDocument

ROOT_TAG = "OpenSplice"
_T = TypeVar("_T")

# Commands that select a service section, from the metaconfig's <serviceMapping>.
SERVICE_COMMANDS: dict[str, tuple[str, ...]] = {
    "durability": ("DurabilityService",),
    "networking": ("NetworkService",),
    "snetworking": ("SNetworkService",),
    "ddsi2": ("DDSI2Service",),
    # DDSI2E reads a DDSI2EService section, or a DDSI2Service one (q_config.c aliases)
    "ddsi2e": ("DDSI2EService", "DDSI2Service"),
    "cmsoap": ("TunerService",),
    "dbmsconnect": ("DbmsConnectService",),
    "rnr": ("RnRService",),
    "nwbridge": ("NetworkingBridgeService",),
    "cmagent": ("Agent",),
}
SERVICE_SECTIONS: frozenset[str] = frozenset(s for v in SERVICE_COMMANDS.values() for s in v)


@dataclass(frozen=True, slots=True)
class ServiceEntry:
    """One ``Domain/Service`` element: a service OpenSplice starts."""

    element: Any
    name: str | None
    command: str | None
    enabled: bool
    # derived from command once: rules ask for them for every service, many times per file
    _key: str | None = field(init=False, repr=False, compare=False)
    _sections: tuple[str, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        key = None
        if self.command:
            base = self.command.replace("\\", "/").rsplit("/", 1)[-1]
            key = base.split(".", 1)[0] if "." in base else base
        object.__setattr__(self, "_key", key)
        object.__setattr__(self, "_sections", SERVICE_COMMANDS.get(key or "", ()))

    @property
    def command_key(self) -> str | None:
        """The command's basename without extension, as OpenSplice maps it."""
        return self._key

    @property
    def sections(self) -> tuple[str, ...]:
        """The service section element names this command reads."""
        return self._sections


_PLAIN_PATH = re.compile(r"[A-Za-z_][\w.-]*(?:/[A-Za-z_][\w.-]*)*\Z")


@functools.lru_cache(maxsize=512)
def _last_step(path: str) -> str | None:
    """The element name a plain child path ends with; None for anything fancier (``*``, ``[``)."""
    if not _PLAIN_PATH.match(path):
        return None
    return path.rsplit("/", 1)[-1]


class OsplDocument:
    """An ``<OpenSplice>`` configuration read with a given environment."""

    def __init__(
        self, xml: XmlDocument, env: Mapping[str, str], env_label: str = "checked with --env values"
    ):
        self.xml = xml
        self.env = env
        self.env_label = env_label
        self.root = xml.root
        self.path = xml.path
        self._cache: dict[tuple[Any, str | None], Expansion] = {}
        self._dollar: list[tuple[Any, str | None, str]] | None = None
        self.host: Any = None  # HostFacts when checking against this machine (--host)
        # Derived views that many rules ask for (services, running sections, partitions):
        # computed once per document, because check is benchmarked against a bare parse.
        self.memo: dict[Any, Any] = {}

    def cached(self, key: Any, compute: Callable[[], _T]) -> _T:
        """``compute()`` once per document for ``key``; later calls return the same value."""
        try:
            value: _T = self.memo[key]
        except KeyError:
            value = self.memo[key] = compute()
        return value

    # -- values ------------------------------------------------------------------------------
    def expansion(self, el: Any, attr: str | None = None) -> Expansion | None:
        """The expansion of an attribute (``attr``) or of the element text; None if absent."""
        key = (el, attr)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        if attr is None:
            raw = el.text
            if raw is None or len(el):
                # mixed content: OpenSplice concatenates the character data
                raw = "".join(el.itertext(with_tail=False)) if len(el) else raw
                if raw is None:
                    return None
        else:
            raw = el.get(attr)
            if raw is None:
                return None
        exp = expand(raw, self.env)
        self._cache[key] = exp
        return exp

    # value() and attr() are asked for thousands of times per file: values without "${" (the
    # vast majority) are answered from the tree without building an Expansion.
    def value(self, el: Any) -> str | None:
        """Element text after expansion, trimmed as OpenSplice trims it; None if absent/fatal."""
        raw: str | None = el.text
        if raw is not None and "${" not in raw and not len(el):
            return raw.strip()
        exp = self.expansion(el)
        if exp is None or exp.value is None:
            return None
        return exp.value.strip()

    def attr(self, el: Any, name: str) -> str | None:
        """Attribute value after expansion (not trimmed, as in OpenSplice); None if absent."""
        raw: str | None = el.get(name)
        if raw is None or "${" not in raw:
            return raw
        exp = self.expansion(el, name)
        return None if exp is None else exp.value

    def dollar_values(self) -> list[tuple[Any, str | None, str]]:
        """Every (element, attribute or None for text, raw value) that contains a '$'.

        Found once per document; the expansion rules share it.
        """
        if self._dollar is None:
            out: list[tuple[Any, str | None, str]] = []
            if "$" in self.xml.text:
                for el in self.xml.elements():
                    text = el.text
                    if text and "$" in text:
                        out.append((el, None, text))
                    if el.attrib:
                        for name, value in el.attrib.items():
                            if "$" in value:
                                out.append((el, name, value))
            self._dollar = out
        return self._dollar

    def expansions(self) -> list[tuple[Any, str | None, Expansion]]:
        """Every (element, attribute or None for text, expansion) whose raw value has a ``${``.

        Found once per document; the expansion rules and the fleet's variable check share it.
        """
        return self.cached("expansions", lambda: list(self._expansions()))

    def _expansions(self) -> Iterator[tuple[Any, str | None, Expansion]]:
        for el, attr, raw in self.dollar_values():
            if "${" in raw:
                exp = self.expansion(el, attr)
                if exp is not None:
                    yield el, attr, exp

    # Path lookups: lxml's find/iterfind cost a few microseconds each and rules make dozens per
    # file, mostly for optional settings that are absent. A path can only match elements named
    # like its last step, so when no element of the document has that name the answer is known.
    def select(self, base: Any, path: str) -> list[Any]:
        """``base.findall(path)`` for a plain child path such as ``Network/Heartbeat``."""
        last = _last_step(path)
        if last is not None and last not in self.xml.tags():
            return []
        return list(base.iterfind(path))

    def first(self, base: Any, path: str) -> Any:
        """``base.find(path)``: the first element at a plain child path, or None."""
        last = _last_step(path)
        if last is not None and last not in self.xml.tags():
            return None
        return base.find(path)

    def find(self, path: str) -> Any:
        """First element at a path relative to the root, e.g. ``Domain/Id``."""
        return self.first(self.root, path)

    def findall(self, path: str) -> list[Any]:
        return self.select(self.root, path)

    def text_at(self, path: str) -> str | None:
        el = self.first(self.root, path)
        return None if el is None else self.value(el)

    # -- structure ---------------------------------------------------------------------------
    def services(self) -> list[ServiceEntry]:
        return self.cached("services", self._services)

    def _services(self) -> list[ServiceEntry]:
        out = []
        for el in self.select(self.root, "Domain/Service"):
            command_el = el.find("Command")
            enabled_raw = self.attr(el, "enabled")
            enabled = enabled_raw is None or enabled_raw.strip().lower() != "false"
            out.append(
                ServiceEntry(
                    element=el,
                    name=self.attr(el, "name"),
                    command=None if command_el is None else self.value(command_el),
                    enabled=enabled,
                )
            )
        return out

    def sections(self, tag: str | None = None) -> Iterator[Any]:
        """Top-level service sections (``DDSI2Service``, ``DurabilityService``, ...)."""
        if tag:
            return iter(self._top().get(tag, ()))
        return (el for el in self.root if isinstance(el.tag, str) and el.tag in SERVICE_SECTIONS)

    def _top(self) -> dict[str, list[Any]]:
        """The root's child elements by tag, in document order (grouped once)."""
        return self.cached("top", self._group_top)

    def _group_top(self) -> dict[str, list[Any]]:
        top: dict[str, list[Any]] = {}
        for el in self.root:
            if isinstance(el.tag, str):
                top.setdefault(el.tag, []).append(el)
        return top

    def section_for(self, service: ServiceEntry) -> Any:
        """The section a Domain/Service runs with (matched by its ``name``), or None."""
        for tag in service.sections:
            for el in self.sections(tag):
                if self.attr(el, "name") == service.name:
                    return el
        return None

    def running_sections(self, tag: str) -> list[Any]:
        """Sections of kind ``tag`` that an enabled Domain/Service actually runs."""
        return self.cached(("running", tag), lambda: self._running_sections(tag))

    def _running_sections(self, tag: str) -> list[Any]:
        out = []
        for svc in self.services():
            if not svc.enabled or tag not in svc.sections:
                continue
            el = self.section_for(svc)
            if el is not None and el.tag == tag and el not in out:
                out.append(el)
        return out

    def single_process(self) -> bool:
        return self.cached("single_process", self._single_process)

    def _single_process(self) -> bool:
        value = self.text_at("Domain/SingleProcess")
        # u_domain.c: case-insensitive prefix compare with "TRUE"
        return value is not None and value.upper().startswith("TRUE")

    # -- locations ---------------------------------------------------------------------------
    def locate(self, hit: Hit) -> Location:
        if hit.at is None:
            return Location(path=self.path, line=1, column=1)
        return self.xml.locate(hit.at, hit.attr, hit.text)

    def expansion_evidence(self, hit: Hit) -> dict[str, str]:
        """What each ``${VAR}`` in the value a hit points at resolved to."""
        if hit.at is None or not isinstance(getattr(hit.at, "tag", None), str):
            return {}
        exp = self.expansion(hit.at, hit.attr) if (hit.attr or hit.text) else None
        return exp.evidence() if exp is not None and exp.refs else {}

"""The settings one domain actually gets, when a file has several ``<Domain>`` sections.

Cyclone applies every ``<Domain>`` section whose ``Id`` is ``any`` or the participant's domain
id, in file order; a later section overrides single settings of an earlier one and adds to its
lists (peers, interfaces). Checked with Cyclone 11.0.1: ``<Domain Id="0">`` then
``<Domain Id="any">`` both setting ``AllowMulticast`` gives domain 0 the second value.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ddsdoctor.cyclone.load import CycloneDocument, Section

D = "CycloneDDS/Domain"


@dataclass(frozen=True, slots=True)
class View:
    """The sections that apply to one domain id (None: a domain no section names)."""

    doc: CycloneDocument
    domain_id: int | None
    sections: tuple[Section, ...]

    def all(self, path: str) -> list[Any]:
        """Every element for ``path`` in the applicable sections (lists accumulate)."""
        if not path.startswith("CycloneDDS"):
            path = f"{D}/{path}"
        return [el for s in self.sections for el in self.doc.find(path, s.element)]

    def get(self, path: str) -> Any:
        """The element that decides a single setting: the last one (later sections win)."""
        found = self.all(path)
        return found[-1] if found else None

    def value(self, path: str, default: str | None = None) -> str | None:
        el = self.get(path)
        value = self.doc.value(el) if el is not None else None
        return default if value is None or value == "" else value

    def number(self, path: str, default: int) -> int:
        value = self.value(path)
        try:
            return int(value) if value is not None else default
        except ValueError:
            return default

    @property
    def label(self) -> str:
        return "any domain" if self.domain_id is None else f"domain {self.domain_id}"


def views(doc: CycloneDocument) -> Iterator[View]:
    """One view per distinct set of applicable sections (usually exactly one)."""
    sections = doc.sections()
    ids = [None, *sorted({s.domain_id for s in sections if s.domain_id is not None})]
    seen: set[tuple[int, ...]] = set()
    for domain in ids:
        chosen = tuple(s for s in sections if s.domain_id is None or s.domain_id == domain)
        key = tuple(id(s.element) for s in chosen)
        if chosen and key not in seen:
            seen.add(key)
            yield View(doc, domain, chosen)


def interface_label(doc: CycloneDocument, el: Any) -> str:
    name = doc.attr(el, "name")
    address = doc.attr(el, "address")
    if name:
        return f"'{name}'"
    if address:
        return f"address {address}"
    return "autodetermined interface"


def is_loopback(doc: CycloneDocument, el: Any) -> bool:
    name = (doc.attr(el, "name") or "").lower()
    address = doc.attr(el, "address") or ""
    return name in ("lo", "lo0") or address.startswith("127.") or address == "::1"


def spdp_multicast(words: str) -> bool:
    """Whether an AllowMulticast value lets Cyclone send SPDP (discovery) by multicast.

    ``default`` means spdp on WiFi and true on wired networks: both send SPDP by multicast.
    """
    return any(w.strip() in ("true", "spdp", "default") for w in words.lower().split(","))

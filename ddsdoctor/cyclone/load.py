"""Cyclone DDS configuration documents: recognition, resolved settings and ``${VAR}`` values.

A file is a Cyclone configuration when its root is ``<CycloneDDS>``: in any letter case, with
or without the ``https://cdds.io/config`` namespace (Cyclone ignores namespaces). A file whose
root is ``<Domain>``, ``<General>``, ... holding Cyclone settings is recognised as a bare
fragment: Cyclone accepts that form only inline in ``CYCLONEDDS_URI`` and rejects such a file,
which the fragment-root rule reports; the settings inside are still checked.

Cyclone expands ``${X}``, ``${X:-default}``, ``${X:+alt}`` and ``${X:?message}`` in every value
(``ddsrt_expand_envvars``, the same grammar as OpenSplice's, so ``ospl/expand.py`` is reused),
never a bare ``$X``; ``${CYCLONEDDS_PID}`` and ``${CYCLONEDDS_DOMAIN_ID}`` are provided by
Cyclone itself when the environment does not set them.
"""

from __future__ import annotations

import logging
from collections import ChainMap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from ddsdoctor.cyclone.schema import NAMESPACE, ElementSpec, load_schema
from ddsdoctor.cyclone.structure import Issue, Structure, Walker, local
from ddsdoctor.cyclone.validate import leaf_text, validate
from ddsdoctor.findings import Location
from ddsdoctor.ospl.expand import Expansion, expand
from ddsdoctor.registry import Hit
from ddsdoctor.xmlsource import XmlDocument

log = logging.getLogger(__name__)

ROOT = "CycloneDDS"
ROOT_TAGS = (ROOT, f"{{{NAMESPACE}}}{ROOT}")
# Cyclone's own variables (ddsrt environ.c: expand_env); values stand in for run-time ones.
PSEUDO_VARIABLES = {"CYCLONEDDS_PID": "4242", "$": "4242", "CYCLONEDDS_DOMAIN_ID": "0"}
_FRAGMENT_ROOTS = frozenset(
    {
        "domain",
        "general",
        "discovery",
        "tracing",
        "internal",
        "compatibility",
        "sizing",
        "sharedmemory",
        "partitioning",
        "threads",
        "security",
        "ssl",
        "tcp",
    }
)


def fragment_spec(root: Any) -> ElementSpec | None:
    """The setting a bare fragment root stands for, if the file holds Cyclone settings."""
    name = local(root).lower()
    if name not in _FRAGMENT_ROOTS:
        return None
    domain = load_schema().root.children["domain"]
    spec = domain if name == "domain" else domain.child(name)
    if spec is None:
        return None
    if (root.nsmap.get(root.prefix) or "") == NAMESPACE:
        return spec
    children = [local(c) for c in root if isinstance(c.tag, str)]
    # only when every child is a known setting: <Domain><Name>.. is OpenSplice, not Cyclone
    if children and all(spec.child(c) is not None for c in children):
        return spec
    return None


def is_cyclone(root: Any) -> bool:
    return local(root).lower() == ROOT.lower() or fragment_spec(root) is not None


@dataclass(frozen=True, slots=True)
class Section:
    """One ``<Domain>`` element and the domain id it applies to (None for "any")."""

    element: Any
    domain_id: int | None


class CycloneDocument:
    """A Cyclone DDS configuration read with a given environment."""

    def __init__(self, xml: XmlDocument, env: Mapping[str, str], env_label: str = "environment"):
        self.xml = xml
        self.root = xml.root
        self.path = xml.path
        self.env_label = env_label
        self.env: Mapping[str, str] = ChainMap(dict(env), PSEUDO_VARIABLES)
        self.real_env = env
        self.is_root_cyclone = local(self.root).lower() == ROOT.lower()
        self.fragment: ElementSpec | None = (
            None if self.is_root_cyclone else fragment_spec(self.root)
        )
        self._structure: Structure | None = None
        self._issues: list[Issue] | None = None
        self._cache: dict[tuple[Any, str | None], Expansion | None] = {}

    # -- structure ---------------------------------------------------------------------------
    @property
    def structure(self) -> Structure:
        if self._structure is None:
            schema = load_schema()
            start = self.fragment or schema.root
            self._structure = Walker(schema).run(self.root, start)
        return self._structure

    @property
    def issues(self) -> list[Issue]:
        """Every structural and value issue, computed once for all the schema rules."""
        if self._issues is None:
            self._issues = list(self.structure.issues) + validate(self.structure, self.expansion)
        return self._issues

    def spec(self, el: Any) -> ElementSpec | None:
        return self.structure.spec_of.get(el)

    def sections(self) -> list[Section]:
        out = []
        for el in self.structure.sections:
            raw = self.attr(el, "Id")
            if raw is None:
                idel = next(
                    (c for c in el if isinstance(c.tag, str) and local(c).lower() == "id"), None
                )
                raw = self.value(idel) if idel is not None else None
            raw = (raw or "any").strip()
            out.append(Section(el, int(raw) if raw.isdigit() else None))
        return out

    def find(self, path: str, within: Any = None) -> Iterator[Any]:
        """Elements resolved to setting ``path`` (case-insensitive), optionally under ``within``."""
        want = path.lower()
        for el, spec in self.structure.spec_of.items():
            if spec.path.lower() == want and (within is None or inside(el, within)):
                yield el

    def legacy(self, name: str) -> Iterator[Any]:
        """Deprecated elements kept by Cyclone (e.g. NetworkInterfaceAddress), by name."""
        for el, entry in self.structure.legacy_of.items():
            if entry.name.lower() == name.lower():
                yield el

    def setting(self, path: str, section: Any) -> Any:
        """The last element for ``path`` in a Domain section (later ones win in Cyclone)."""
        found = None
        for found in self.find(path, section):  # noqa: B007 - want the last one
            pass
        return found

    # -- values ------------------------------------------------------------------------------
    def expansion(self, el: Any, attr: str | None = None) -> Expansion | None:
        key = (el, attr)
        if key not in self._cache:
            raw = leaf_text(el) if attr is None else _get_attr(el, attr)
            self._cache[key] = None if raw is None else expand(raw, self.env)
        return self._cache[key]

    def value(self, el: Any) -> str | None:
        """Element text after expansion, trimmed; None if absent or the expansion fails."""
        exp = self.expansion(el)
        return None if exp is None or exp.value is None else exp.value.strip()

    def attr(self, el: Any, name: str) -> str | None:
        """Attribute value (name matched case-insensitively, as Cyclone does) after expansion."""
        exp = self.expansion(el, _attr_name(el, name))
        return None if exp is None or exp.value is None else exp.value.strip()

    def attr_name(self, el: Any, name: str) -> str | None:
        """The attribute's name as written in the file, if present."""
        real = _attr_name(el, name)
        return real if real in el.attrib else None

    # -- locations ---------------------------------------------------------------------------
    def locate(self, hit: Hit) -> Location:
        if hit.at is None:
            return Location(path=self.path, line=1, column=1)
        return self.xml.locate(hit.at, hit.attr, hit.text)

    def expansion_evidence(self, hit: Hit) -> dict[str, str]:
        """What each ``${VAR}`` in the value a hit points at resolved to."""
        if hit.at is None or not isinstance(getattr(hit.at, "tag", None), str):
            return {}
        if not (hit.attr or hit.text):
            return {}
        exp = self.expansion(hit.at, hit.attr)
        if exp is None or not exp.refs:
            return {}
        ev = exp.evidence()
        for ref in exp.refs:
            if ref.name in PSEUDO_VARIABLES and ref.name not in self.real_env:
                ev[ref.text] = "set by Cyclone at run time"
        return ev


def _attr_name(el: Any, name: str) -> str:
    return next((k for k in el.attrib if k.lower() == name.lower()), name)


def _get_attr(el: Any, name: str) -> str | None:
    value = el.get(name)
    return None if value is None else str(value)


def inside(el: Any, ancestor: Any) -> bool:
    while el is not None:
        if el is ancestor:
            return True
        el = el.getparent()
    return False

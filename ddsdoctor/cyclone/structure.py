"""Walk a Cyclone DDS configuration the way Cyclone's parser does, against the XSD model.

Cyclone matches element and attribute names case-insensitively, ignores XML namespaces (it
reads ``xmlns`` as an attribute it skips, on the root only) and stops at the first unknown
element of a subtree: "X: unknown element" makes the whole configuration fail, and nothing
below X is looked at (``ddsi_config.c``: ``proc_elem_open``, ``find_cfgelem_by_name``). Each
``<Domain>`` is a separate source, so a setting repeated in another Domain overrides, while the
same setting twice in one Domain is "only 1 instance allowed".
"""

from __future__ import annotations

import difflib
import enum
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from ddsdoctor.cyclone import history
from ddsdoctor.cyclone.history import Change, Legacy
from ddsdoctor.cyclone.schema import ElementSpec, Schema, ValueType
from ddsdoctor.findings import Severity


class IssueKind(enum.Enum):
    FRAGMENT_ROOT = "fragment-root"
    PREFIXED = "prefixed"
    UNKNOWN_ELEMENT = "unknown-element"
    MISPLACED = "misplaced"
    UNKNOWN_ATTRIBUTE = "unknown-attribute"
    DUPLICATE = "duplicate"
    MISSING = "missing"
    TEXT_IN_GROUP = "text-in-group"
    DEPRECATED = "deprecated"
    MOVED = "moved"
    REMOVED = "removed"
    INTRODUCED = "introduced"
    INVALID_VALUE = "invalid-value"
    MISSING_UNIT = "missing-unit"


@dataclass(frozen=True, slots=True)
class Issue:
    """A problem Cyclone's parser would report, anchored on an element (and attribute)."""

    kind: IssueKind
    element: Any
    message: str
    attr: str | None = None
    text: bool = False
    hint: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    severity: Severity | None = None


@dataclass(slots=True)
class Structure:
    issues: list[Issue] = field(default_factory=list)
    spec_of: dict[Any, ElementSpec] = field(default_factory=dict)  # element -> its setting
    attrs_of: dict[Any, dict[str, ValueType]] = field(default_factory=dict)  # el -> attr -> type
    legacy_of: dict[Any, Legacy] = field(default_factory=dict)  # deprecated elements kept
    moved: set[Any] = field(default_factory=set)  # elements read at another place
    sections: list[Any] = field(default_factory=list)  # <Domain> elements, in order


def local(el: Any) -> str:
    return str(etree.QName(el).localname)


def _qualified(el: Any, key: str) -> str:
    """An attribute name as Cyclone reads it: the prefix as written, not the namespace."""
    if not key.startswith("{"):
        return key
    q = etree.QName(key)
    prefix = next((p for p, uri in el.nsmap.items() if uri == q.namespace and p), None)
    return f"{prefix}:{q.localname}" if prefix else str(q.localname)


def _declared(el: Any) -> Iterator[str]:
    """Namespace declarations made on this element, as the attribute names Cyclone sees."""
    parent = el.getparent()
    inherited = dict(parent.nsmap) if parent is not None else {}
    for prefix, uri in el.nsmap.items():
        if inherited.get(prefix) != uri:
            yield "xmlns" if prefix is None else f"xmlns:{prefix}"


def _suggest(name: str, options: list[str]) -> str | None:
    lower = {o.lower(): o for o in options}
    best = difflib.get_close_matches(name.lower(), list(lower), n=1, cutoff=0.75)
    return lower[best[0]] if best else None


def _has_text(el: Any) -> bool:
    return bool((el.text or "").strip()) or any((c.tail or "").strip() for c in el)


class Walker:
    """Resolves every element to its setting and collects the structural issues."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.out = Structure()
        self._seen: dict[tuple[Any, str], Any] = {}

    def run(self, root: Any, root_spec: ElementSpec) -> Structure:
        if root_spec.path.lower() != "cyclonedds":
            self.out.sections.append(root)  # a fragment: one implicit Domain
        self._element(root, root_spec, root)
        return self.out

    # -- elements ----------------------------------------------------------------------------
    def _element(self, el: Any, spec: ElementSpec, scope: Any) -> None:
        self.out.spec_of[el] = spec
        self._attributes(el, spec, scope)
        if spec.is_group and _has_text(el):
            text = (el.text or "").strip() or next(
                (c.tail or "").strip() for c in el if (c.tail or "").strip()
            )
            self._issue(
                IssueKind.TEXT_IN_GROUP,
                el,
                f"<{local(el)}> holds only elements and attributes; Cyclone rejects the text "
                f"'{text[:40]}' ('no data expected')",
                text=True,
            )
        present: set[str] = set()
        for child in el:
            if isinstance(child.tag, str):
                self._child(el, spec, child, scope)
                cspec = self.out.spec_of.get(child)
                present.add(cspec.path if cspec is not None else "")
        for c in spec.children.values():
            if c.required and c.path not in present:
                self._issue(
                    IssueKind.MISSING,
                    el,
                    f"<{local(el)}> needs <{c.name}>, which has no default; Cyclone refuses "
                    f"the configuration ('{c.name}: element missing in configuration')",
                    hint=f"add <{c.name}>",
                    evidence={"missing": c.path},
                )

    def _child(self, parent: Any, pspec: ElementSpec, el: Any, scope: Any) -> None:
        name = local(el)
        if el.prefix:
            self._issue(
                IssueKind.PREFIXED,
                el,
                f"<{el.prefix}:{name}>: Cyclone does not process XML namespaces and reads "
                f"the name '{el.prefix}:{name}', an unknown element",
                hint=f"write <{name}> without a prefix (a default xmlns on the root is fine)",
            )
            return
        spec = pspec.child(name)
        if spec is not None:
            self._known(el, spec, scope)
            return
        entry = history.legacy(pspec.path, name)
        if entry is not None:
            self._legacy(el, entry, scope)
            return
        self._unknown(el, pspec, name)

    def _known(self, el: Any, spec: ElementSpec, scope: Any) -> None:
        self._introduced(el, spec.path, None)
        if spec.path.lower() == "cyclonedds/domain":
            self.out.sections.append(el)
            scope = el
        elif spec.repeatable:
            scope = el
        if not spec.is_group:
            self._once(el, spec.path, scope)
        self._element(el, spec, scope)

    def _introduced(self, el: Any, path: str, attr: str | None) -> None:
        new = history.INTRODUCED.get(path.lower())
        if new is not None:
            what = f"attribute {attr}" if attr else f"<{local(el)}>"
            self._issue(
                IssueKind.INTRODUCED,
                el,
                f"{what} needs Cyclone DDS {new.since} or later; Cyclone {new.rejected_by} "
                f"rejects the configuration ('{attr or local(el)}: unknown "
                f"{'attribute' if attr else 'element'}')",
                attr=attr,
                evidence={
                    "setting": path,
                    "since": new.since,
                    "rejected_by": new.rejected_by,
                    "source": new.source,
                },
            )

    def _once(self, el: Any, path: str, scope: Any, attr: str | None = None) -> None:
        key = (scope, path.lower())
        first = self._seen.setdefault(key, el)
        if first is not el:
            what = path.rsplit("/", 1)[-1]
            self._issue(
                IssueKind.DUPLICATE,
                el,
                f"{what} is set again in the same <Domain> (first at line "
                f"{first.sourceline}); Cyclone refuses it: 'only 1 instance allowed'",
                attr=attr,
                evidence={"setting": path, "first_line": first.sourceline},
            )

    def _legacy(self, el: Any, entry: Legacy, scope: Any) -> None:
        name = local(el)
        if entry.change in (Change.ALIAS, Change.MOVED):
            target, _, attr = entry.target.partition("[@")
            spec = self.schema.find(target)
            assert spec is not None, entry.target
            self._issue(
                IssueKind.MOVED,
                el,
                _moved_message(name, entry),
                evidence=_ev(entry),
                hint=f"use {entry.target.replace('CycloneDDS/', '')}",
            )
            self.out.moved.add(el)
            if attr:  # an element whose value moved into an attribute
                a = spec.attr(attr.rstrip("]"))
                assert a is not None
                moved = ElementSpec(name, entry.target, a.value, default=a.default)
                self._once(el, entry.target, scope)
                self.out.spec_of[el] = moved
            elif spec.path.lower() == "cyclonedds/domain":
                self.out.sections.append(el)
                self._element(el, spec, el)
            elif not spec.is_group:
                self._once(el, spec.path, scope)
                self._element(el, spec, scope)
            else:
                self._element(el, spec, scope)
            return
        self.out.legacy_of[el] = entry
        kind = IssueKind.DEPRECATED if entry.change is Change.DEPRECATED else IssueKind.REMOVED
        self._issue(
            kind, el, _legacy_message(f"<{name}>", entry), evidence=_ev(entry), hint=_instead(entry)
        )

    def _unknown(self, el: Any, pspec: ElementSpec, name: str) -> None:
        places = [s for s in self.schema.places(name) if s.path.lower() != "cyclonedds"]
        where = ", ".join(s.parent_path.replace("CycloneDDS/", "") for s in places[:3])
        if places:
            self._issue(
                IssueKind.MISPLACED,
                el,
                f"<{name}> does not belong in <{local(el.getparent())}>; it is a setting of "
                f"{where}. Cyclone rejects the configuration ('{name}: unknown element')",
                hint=f"move <{name}> into {where}",
                evidence={"belongs_in": [s.parent_path for s in places]},
            )
            return
        guess = _suggest(name, [c.name for c in pspec.children.values()])
        near = None if guess else _suggest(name, [s[0].name for s in self.schema.by_name.values()])
        hint = None
        if guess:
            hint = f"did you mean <{guess}>?"
        elif near:
            where = self.schema.places(near)[0].parent_path.replace("CycloneDDS/", "")
            hint = f"did you mean <{near}> (in {where})?"
        allowed = ", ".join(c.name for c in pspec.children.values()) or "no child elements"
        self._issue(
            IssueKind.UNKNOWN_ELEMENT,
            el,
            f"<{name}> is not a Cyclone DDS setting in <{pspec.name}>; Cyclone rejects the "
            f"configuration ('{name}: unknown element')",
            hint=hint,
            evidence={"parent": pspec.path, "allowed": allowed},
        )

    # -- attributes --------------------------------------------------------------------------
    def _attributes(self, el: Any, spec: ElementSpec, scope: Any) -> None:
        is_root = el.getparent() is None and spec.path == "CycloneDDS"
        types: dict[str, ValueType] = {}
        names = [(_qualified(el, k), True) for k in el.attrib] + [(d, False) for d in _declared(el)]
        for qual, real in names:
            if is_root and qual.lower() in history.ROOT_ATTRIBUTES:
                continue
            a = spec.attr(qual) if real else None
            if a is not None:
                types[qual] = a.value
                self._introduced(el, f"{spec.path}[@{a.name}]", qual)
                continue
            entry = history.legacy(spec.path, "@" + qual) if real else None
            if entry is not None and entry.change is Change.ALIAS:
                target = entry.target.partition("[@")[2].rstrip("]")
                types[qual] = spec.attributes[target.lower()].value
                self._issue(
                    IssueKind.MOVED,
                    el,
                    _moved_message("@" + qual, entry),
                    attr=qual,
                    evidence=_ev(entry),
                    hint=f'write {target}="..."',
                )
                continue
            if entry is not None:
                self._issue(
                    IssueKind.DEPRECATED,
                    el,
                    _legacy_message(f"attribute {qual}", entry),
                    attr=qual,
                    evidence=_ev(entry),
                    hint=_instead(entry),
                )
                continue
            guess = _suggest(qual, [x.name for x in spec.attributes.values()])
            known = ", ".join(x.name for x in spec.attributes.values()) or "none"
            self._issue(
                IssueKind.UNKNOWN_ATTRIBUTE,
                el,
                f"<{local(el)}> has no attribute '{qual}'; Cyclone rejects the configuration "
                f"('{qual}: unknown attribute')",
                attr=qual,
                hint=f"did you mean {guess}?" if guess else None,
                evidence={"allowed": known},
            )
        for a in spec.attributes.values():
            if a.required and not any(q.lower() == a.name.lower() for q in types):
                self._issue(
                    IssueKind.MISSING,
                    el,
                    f"<{local(el)}> needs the attribute {a.name}; Cyclone refuses the "
                    f"configuration ('{spec.name}[@{a.name}]: element missing in configuration')",
                    hint=f'add {a.name}="..."',
                )
        if types:
            self.out.attrs_of[el] = types

    def _issue(self, kind: IssueKind, el: Any, message: str, **kw: Any) -> None:
        self.out.issues.append(Issue(kind, el, message, **kw))


def _ev(entry: Legacy) -> dict[str, str]:
    ev = {"change": entry.change.value, "versions": entry.versions}
    if entry.target:
        ev["instead"] = entry.target
    if entry.note:
        ev["note"] = entry.note
    return ev


def _moved_message(name: str, entry: Legacy) -> str:
    target = entry.target.replace("CycloneDDS/", "")
    if entry.change is Change.ALIAS:
        return (
            f"'{name.lstrip('@')}' is a deprecated alias for {target}; Cyclone still reads it "
            f"but warns"
        )
    return (
        f"<{name}> moved to {target}; Cyclone still reads it there and logs 'setting moved to "
        f"//{entry.target}'"
    )


def _instead(entry: Legacy) -> str | None:
    return (
        f"use {entry.target.replace('CycloneDDS/', '')}"
        if entry.target.startswith("Cyclone")
        else (entry.target or None)
    )


def _legacy_message(what: str, entry: Legacy) -> str:
    bare = what.strip("<>").removeprefix("attribute ")
    if entry.change is Change.DEPRECATED:
        note = f"; {entry.note}" if entry.note else ""
        return (
            f"{what} is deprecated {entry.versions}; Cyclone still reads it and logs "
            f"\"'{bare}': deprecated element\"{note}"
        )
    if entry.change is Change.OPENSPLICE:
        return (
            f"{what} is an OpenSplice DDSI2 setting, not a Cyclone DDS one; Cyclone rejects "
            f"the configuration ('{bare}: unknown element')"
        )
    return (
        f"{what} is no longer a Cyclone DDS setting ({entry.versions}); Cyclone rejects the "
        f"configuration ('{bare}: unknown element')"
    )

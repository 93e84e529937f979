"""Value validation: Cyclone's unit grammar, then lxml's XMLSchema on a canonical copy.

Cyclone accepts what the XSD does not say (case-insensitive names and keywords, no namespace,
several ``<Domain>`` sections, a setting split over two ``<General>`` elements), so the file
itself is not fed to the XSD. For each Domain, a canonical copy is built: namespaced, names
spelled as in the XSD, keywords case-folded, ``${VAR}`` expanded. Each copied node gets a
small serial number as its line, so every XMLSchema error maps back to the exact element (and
attribute) of the source, whose line and column ``XmlDocument`` knows. Values whose expansion
depends on unset variables are left to the expansion rules.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from lxml import etree

from ddsdoctor.cyclone import values
from ddsdoctor.cyclone.schema import (
    NAMESPACE,
    ElementSpec,
    Kind,
    ValueType,
    load_schema,
    xml_schema,
)
from ddsdoctor.cyclone.structure import Issue, IssueKind, Structure, local
from ddsdoctor.ospl.expand import Expansion

_MAX_LINE = 65535  # libxml2 keeps node lines as unsigned short
_ATTR_RE = re.compile(r"attribute '([^']+)'")
_ELEMENT_RE = re.compile(r"^Element '[^']*'(?:, attribute '[^']*')?: ")

Expand = Callable[[Any, str | None], Expansion | None]


def leaf_text(el: Any) -> str | None:
    """Element text as Cyclone reads it (comments skipped); None when the element is empty."""
    parts = [el.text or ""] + [c.tail or "" for c in el if not isinstance(c.tag, str)]
    text = "".join(parts)
    return text if text.strip() else None


def _usable(exp: Expansion | None) -> str | None:
    """The expanded value, unless the expansion failed or used an unset variable."""
    if exp is None or exp.value is None:
        return None
    if any(not r.is_set and r.op in ("", "+") for r in exp.refs):
        return None
    return exp.value


class _Values:
    def __init__(self, st: Structure, expand: Expand) -> None:
        self.st = st
        self.expand = expand
        self.issues: list[Issue] = []
        self.ok: dict[tuple[Any, str | None], str] = {}  # values fit for the XSD copy

    def run(self) -> None:
        for el, spec in self.st.spec_of.items():
            if not spec.is_group and leaf_text(el) is not None:
                self._one(el, None, spec.value, spec.name)
            for attr, vt in self.st.attrs_of.get(el, {}).items():
                self._one(el, attr, vt, attr)

    def _one(self, el: Any, attr: str | None, vt: ValueType, name: str) -> None:
        value = _usable(self.expand(el, attr))
        if value is None:
            return
        problem = values.check(vt, value, name)
        where = f"<{local(el)}> attribute {attr}" if attr else f"<{local(el)}>"
        shown = value.strip()
        if problem is None:
            if vt.xsd_checked:
                self.ok[(el, attr)] = values.normalise(vt, value)
            return
        if problem.verdict is values.Verdict.NO_UNIT:
            self.issues.append(
                Issue(
                    IssueKind.MISSING_UNIT,
                    el,
                    f"{where} value '{shown}' has no unit; Cyclone still reads it but logs "
                    f"'{problem.reason}'",
                    attr=attr,
                    text=attr is None,
                    hint=f"write the unit explicitly: {_unit_hint(vt)}",
                )
            )
            return
        self.issues.append(
            Issue(
                IssueKind.INVALID_VALUE,
                el,
                f"{where} value '{shown}' is not valid (expected {vt.describe()}); Cyclone refuses "
                f"the configuration ('{problem.reason}')",
                attr=attr,
                text=attr is None,
                evidence={"expected": vt.describe()},
            )
        )


def _unit_hint(vt: ValueType) -> str:
    return {Kind.MEMSIZE: "e.g. 64 KiB", Kind.DURATION: "e.g. 100 ms"}.get(vt.kind, "")


class _Copy:
    """The canonical, namespaced copy of one Domain section, for lxml's XMLSchema."""

    def __init__(self, st: Structure, ok: dict[tuple[Any, str | None], str]) -> None:
        self.st = st
        self.ok = ok
        self.origin: list[Any] = [None]
        self._leaves: dict[int, set[str]] = {}  # copy node -> leaf names already copied

    def _node(self, parent: Any, spec: ElementSpec, orig: Any) -> Any:
        node = (
            etree.SubElement(parent, f"{{{NAMESPACE}}}{spec.name}")
            if parent is not None
            else etree.Element(f"{{{NAMESPACE}}}{spec.name}")
        )
        self.origin.append(orig)
        node.sourceline = len(self.origin) - 1 if len(self.origin) <= _MAX_LINE else 0
        return node

    def build(self, section: Any) -> Any:
        schema = load_schema()
        root = self._node(None, schema.root, section)
        spec = self.st.spec_of[section]
        chain = spec.path.split("/")[1:]  # a fragment root sits below CycloneDDS/Domain
        parent, pspec = root, schema.root
        for name in chain[:-1]:
            pspec = pspec.children[name.lower()]
            parent = self._node(parent, pspec, section)
        self._fill(self._node(parent, spec, section), section, spec)
        return root

    def _fill(self, node: Any, el: Any, spec: ElementSpec) -> None:
        for attr in self.st.attrs_of.get(el, {}):
            a = spec.attr(attr)
            if a is not None and (el, attr) in self.ok:
                node.set(a.name, self.ok[(el, attr)])
        for a in spec.attributes.values():  # keep required attributes, values checked elsewhere
            if a.required and node.get(a.name) is None:
                node.set(a.name, "x" if a.value.kind is Kind.STRING else (a.default or "x"))
        merged: dict[str, Any] = {}
        for child in el:
            cspec = self.st.spec_of.get(child)
            if cspec is None or child in self.st.moved or cspec.parent_path != spec.path:
                continue
            if cspec.is_group:
                key = cspec.name.lower()
                target = merged.get(key) if not cspec.repeatable else None
                if target is None:
                    target = self._node(node, cspec, child)
                    merged[key] = target
                self._fill(target, child, cspec)
            elif (child, None) in self.ok or (cspec.required and cspec.value.kind is Kind.STRING):
                done = self._leaves.setdefault(id(node), set())
                if cspec.name.lower() in done:  # a duplicate, reported by the walker
                    continue
                done.add(cspec.name.lower())
                leaf = self._node(node, cspec, child)
                leaf.text = self.ok.get((child, None), "x")
                self._fill(leaf, child, cspec)


def validate(st: Structure, expand: Expand) -> list[Issue]:
    """Value issues of every setting, from Cyclone's grammar and from the XSD."""
    v = _Values(st, expand)
    v.run()
    issues = v.issues
    seen = {(i.element, i.attr) for i in issues}
    schema = xml_schema()
    for section in st.sections:
        if section not in st.spec_of:
            continue
        copy = _Copy(st, v.ok)
        tree = copy.build(section)
        if schema.validate(tree):
            continue
        for err in schema.error_log:
            el = copy.origin[err.line] if 0 < err.line < len(copy.origin) else section
            m = _ATTR_RE.search(err.message)
            attr = _source_attr(el, m.group(1)) if m else None
            if (el, attr) in seen:
                continue
            seen.add((el, attr))
            issues.append(_xsd_issue(st, el, attr, err.message))
    return issues


def _source_attr(el: Any, canonical: str) -> str | None:
    return next((k for k in el.attrib if k.lower() == canonical.lower()), canonical)


def _xsd_issue(st: Structure, el: Any, attr: str | None, raw: str) -> Issue:
    reason = _ELEMENT_RE.sub("", raw).replace(f"{{{NAMESPACE}}}", "")
    spec = st.spec_of.get(el)
    vt = None
    if spec is not None:
        vt = st.attrs_of.get(el, {}).get(attr) if attr else spec.value
    where = f"<{local(el)}> attribute {attr}" if attr else f"<{local(el)}>"
    expected = f" (expected {vt.describe()})" if vt is not None else ""
    value = el.get(attr) if attr else (leaf_text(el) or "").strip()
    return Issue(
        IssueKind.INVALID_VALUE,
        el,
        f"{where} value '{value}' is not valid{expected}; Cyclone refuses the configuration",
        attr=attr,
        text=attr is None,
        evidence={"xsd": reason},
    )

"""One walk over an ospl.xml that finds every structural and value issue the rules report.

The walk follows ``cfg_validator.c`` (``checkElement``): a child is looked up by exact name in
its parent's metaconfig entry; an unknown child is reported and not descended into; attributes
are checked, then required attributes, then children, then occurrence counts. Values are the
expanded text (``OsplDocument.value``/``attr``). The result is cached per document, so each
``schema.*`` rule only filters it.
"""

from __future__ import annotations

import weakref
from typing import Any

from ddsdoctor.ospl import checks, runtime
from ddsdoctor.ospl.issues import SEMANTIC_ELEMENT_NAMES, SEMANTIC_VALUES, Found, Issue
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import Kind, Metaconfig, Spec, metaconfig

_CACHE: weakref.WeakKeyDictionary[OsplDocument, list[Found]] = weakref.WeakKeyDictionary()


def analyse(doc: OsplDocument) -> list[Found]:
    """Every issue in the document, computed once per document."""
    found = _CACHE.get(doc)
    if found is None:
        found = _Walk(doc, metaconfig()).run()
        _CACHE[doc] = found
    return found


def of(doc: OsplDocument, issue: Issue) -> list[Found]:
    return [f for f in analyse(doc) if f.issue is issue]


def section_schemas(doc: OsplDocument, model: Metaconfig) -> dict[Any, Spec]:
    """The schema each service section is read with, chosen by the command that runs it.

    ``ddsi2e`` reads a ``DDSI2EService`` section or, failing that, a ``DDSI2Service`` one
    (q_config.c); such a section is checked against the DDSI2E description.
    """
    out: dict[Any, Spec] = {}
    for svc in doc.services():
        el = doc.section_for(svc)
        if el is None or not svc.sections:
            continue
        spec = model.section(svc.sections[0])
        if spec is not None and el not in out:
            out[el] = spec
    return out


class _Walk:
    def __init__(self, doc: OsplDocument, model: Metaconfig) -> None:
        self.doc = doc
        self.model = model
        self.out: list[Found] = []
        self.mixed: set[Any] = set()
        self.hooks = checks.hooks()

    def run(self) -> list[Found]:
        root, spec = self.doc.root, self.model.root
        chosen = section_schemas(self.doc, self.model)
        self._attributes(root, spec, False)
        self._container_text(root, spec, self._children(root, spec, False, chosen))
        return self.out

    def _container_text(self, el: Any, spec: Spec, has_children: bool) -> None:
        """Text in a container: a parse error next to children, else a validator error."""
        text = el.text
        if has_children and (el in self.mixed or (text and not text.isspace())):
            # ut_xmlparser.c: after '>' it reads either child elements or text, never both
            self.out.append(Found(Issue.UNEXPECTED_TEXT, el, spec, text=True, detail="mixed"))
        elif not has_children and text and not text.isspace():
            # cfg_elementCheckValue: a container (element kind) accepts no value
            self.out.append(Found(Issue.UNEXPECTED_TEXT, el, spec, text=True, value=text.strip()))

    # -- elements ----------------------------------------------------------------------------
    def _element(self, el: Any, spec: Spec, commercial: bool) -> None:
        if spec.commercial and not commercial:
            self.out.append(Found(Issue.COMMERCIAL, el, spec))
            commercial = True
        rejected = runtime.ddsi2_relative(spec.path)
        if rejected in runtime.DDSI2_UNKNOWN:
            self.out.append(Found(Issue.DDSI2_REJECTS, el, spec, detail="unknown-element"))
        if el.attrib:
            self._attributes(el, spec, commercial)
        elif spec.required_attributes:
            self._required(el, spec, ())
        has_children = self._children(el, spec, commercial, None)
        if spec.kind is Kind.ELEMENT or spec.kind is Kind.EMPTY:
            self._container_text(el, spec, has_children)
        elif not has_children and (el.text is not None or len(el)):
            value = self.doc.value(el)
            if value is not None and spec.name not in SEMANTIC_ELEMENT_NAMES:
                self._value(el, spec, value, None)

    def _children(
        self, el: Any, spec: Spec, commercial: bool, chosen: dict[Any, Spec] | None
    ) -> bool:
        counts: dict[str, list[Any]] | None = {} if spec.bounded_children else None
        has_children = False
        mixed = False
        for child in el:
            tail = child.tail  # text after a child (or after a comment) is element text too
            if tail and not tail.isspace():
                mixed = True
            tag = child.tag
            if not isinstance(tag, str):
                continue
            has_children = True
            cspec = spec.children.get(tag)
            if cspec is None:
                self.out.append(checks.unknown_element(self.model, child, spec))
                continue
            if counts is not None:
                counts.setdefault(tag, []).append(child)
            self._element(child, chosen.get(child, cspec) if chosen else cspec, commercial)
        if mixed and has_children:
            self.mixed.add(el)
        if counts is not None:
            for c in spec.bounded_children:
                seen = counts.get(c.name, ())
                if len(seen) < c.min_occurs:
                    self.out.append(Found(Issue.MISSING_ELEMENT, el, c, count=len(seen)))
                elif c.max_occurs is not None and len(seen) > c.max_occurs:
                    extra = seen[c.max_occurs]
                    self.out.append(Found(Issue.TOO_MANY, extra, c, count=len(seen)))
        return has_children

    # -- attributes --------------------------------------------------------------------------
    def _attributes(self, el: Any, spec: Spec, commercial: bool) -> None:
        names = el.keys()
        for name in names:
            aspec = spec.attributes.get(name)
            if aspec is None:
                self.out.append(checks.unknown_attribute(el, name, spec))
                continue
            if aspec.commercial and not commercial:
                self.out.append(Found(Issue.COMMERCIAL, el, aspec, attr=name))
            if aspec.path in SEMANTIC_VALUES:
                continue
            value = self.doc.attr(el, name)
            if value is not None:
                self._value(el, aspec, value, name)
        if spec.required_attributes:
            self._required(el, spec, names)

    def _required(self, el: Any, spec: Spec, names: Any) -> None:
        for a in spec.required_attributes:
            if a.name not in names:
                # the same name in another case is reported once, as a wrong-case name
                if any(n.lower() == a.name.lower() for n in names):
                    continue
                self.out.append(Found(Issue.MISSING_ATTRIBUTE, el, a))

    # -- values ------------------------------------------------------------------------------
    def _value(self, el: Any, spec: Spec, value: str, attr: str | None) -> None:
        problem = checks.validator_problem(spec, value)
        if problem is not None:
            issue, detail = problem
            self.out.append(Found(issue, el, spec, attr, attr is None, value, detail))
            return
        hook = self.hooks.get(spec.path)
        if hook is not None:
            result = hook(self.doc, value)
            if result is not None:
                issue, detail, fatal = result
                self.out.append(Found(issue, el, spec, attr, attr is None, value, detail, fatal))

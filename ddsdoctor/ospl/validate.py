"""One walk over an ospl.xml that finds every structural and value issue the rules report.

The walk follows ``cfg_validator.c`` (``checkElement``): a child is looked up by exact name in
its parent's metaconfig entry; an unknown child is reported and not descended into; attributes
are checked, then required attributes, then children, then occurrence counts. Values are the
expanded text (``OsplDocument.value``/``attr``). The result is cached per document, so each
``schema.*`` rule only filters it.

Speed matters (a check must stay within a few times a bare XML parse), so the metaconfig is
compiled once into ``_Node``s holding only what the walk needs, and a value is read only when
something checks it.
"""

from __future__ import annotations

import functools
from typing import Any

from ddsdoctor.ospl import checks, runtime
from ddsdoctor.ospl.issues import SEMANTIC_ELEMENT_NAMES, SEMANTIC_VALUES, Found, Issue
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import Kind, Metaconfig, Spec, metaconfig

_MEMO_LIMIT = 4096  # values remembered per item: fleets repeat their values
_UNSEEN: checks.Problem = (Issue.INVALID_VALUE, "not checked yet")  # a memo miss


class _Item:
    """What the walk needs of one attribute or leaf: its checks, compiled once."""

    __slots__ = ("check", "commercial", "hook", "memo", "spec")

    def __init__(self, spec: Spec, skip: bool) -> None:
        self.spec = spec
        self.commercial = spec.commercial
        self.check = None if skip else checks.compiled(spec)
        self.hook = None if skip else checks.hooks().get(spec.path)
        # a value check is a pure function of the value: remember its verdicts
        self.memo: dict[str, checks.Problem | None] = {}

    def problem(self, check: checks.Checker, value: str) -> checks.Problem | None:
        """``check(value)``, remembered."""
        memo = self.memo
        try:
            return memo[value]
        except KeyError:
            found = check(value)
            if len(memo) < _MEMO_LIMIT:
                memo[value] = found
            return found


class _Node(_Item):
    """An element: its children and attributes by exact name, and what to count."""

    __slots__ = (
        "attrs",
        "children",
        "container",
        "counted",
        "ddsi2_unknown",
        "maxima",
        "minima",
        "plain",
        "required",
        "valued",
    )

    def __init__(self, spec: Spec) -> None:
        super().__init__(spec, spec.name in SEMANTIC_ELEMENT_NAMES)
        self.children = {name: _Node(c) for name, c in spec.children.items()}
        attributes = spec.attributes.items()
        self.attrs = {n: _Item(a, a.path in SEMANTIC_VALUES) for n, a in attributes}
        self.required = spec.required_attributes
        # only children with a minimum or a maximum count are worth counting
        self.minima = tuple(c for c in spec.bounded_children if c.min_occurs)
        self.maxima = {c.name: c for c in spec.bounded_children if c.max_occurs is not None}
        self.counted = frozenset(c.name for c in spec.bounded_children)
        self.container = spec.kind is Kind.ELEMENT or spec.kind is Kind.EMPTY
        self.valued = not self.container and (self.check is not None or self.hook is not None)
        self.ddsi2_unknown = runtime.ddsi2_relative(spec.path) in runtime.DDSI2_UNKNOWN
        # a leaf with nothing to report but its value: the walk handles it inline
        flagged = self.commercial or self.ddsi2_unknown or self.required
        self.plain = not (flagged or self.children or self.container)


@functools.cache
def _root() -> _Node:
    return _Node(metaconfig().root)


def analyse(doc: OsplDocument) -> list[Found]:
    """Every issue in the document, computed once per document."""
    return doc.cached("schema_walk", lambda: _Walk(doc, metaconfig()).run())


def of(doc: OsplDocument, issue: Issue) -> list[Found]:
    """The issues of one kind, in document order (a dozen rules each ask for one kind)."""
    return doc.cached("schema_walk_by_issue", lambda: _by_issue(analyse(doc))).get(issue, [])


def _by_issue(found: list[Found]) -> dict[Issue, list[Found]]:
    out: dict[Issue, list[Found]] = {}
    for f in found:
        out.setdefault(f.issue, []).append(f)
    return out


def section_schemas(doc: OsplDocument, model: Metaconfig) -> dict[Any, Spec]:
    """The schema each service section is read with, chosen by the command that runs it.

    ``ddsi2e`` reads a ``DDSI2EService`` section or, failing that, a ``DDSI2Service`` one
    (q_config.c); such a section is checked against the DDSI2E description.
    """
    out: dict[Any, Spec] = {}
    if not _may_cross(doc):
        return out
    for svc in doc.services():
        el = doc.section_for(svc)
        if el is None or not svc.sections:
            continue
        spec = model.section(svc.sections[0])
        if spec is not None and el not in out:
            out[el] = spec
    return out


def _may_cross(doc: OsplDocument) -> bool:
    """Cheap test: can a command read a section of another kind (only ddsi2e can)?"""
    source = doc.xml.text
    if "ddsi2e" not in source and "$" not in source:
        return False
    for command in doc.root.iterfind("Domain/Service/Command"):
        text = command.text or ""
        if "ddsi2e" in text or "$" in text or len(command):
            return True
    return False


class _Walk:
    def __init__(self, doc: OsplDocument, model: Metaconfig) -> None:
        self.doc = doc
        self.model = model
        self.out: list[Found] = []

    def run(self) -> list[Found]:
        root = _root()
        chosen = {
            el: root.children[spec.name]
            for el, spec in section_schemas(self.doc, self.model).items()
            if el.tag != spec.name
        }
        self._visit(self.doc.root, root, False, chosen)
        return self.out

    def _visit(
        self, el: Any, node: _Node, commercial: bool, chosen: dict[Any, _Node] | None
    ) -> None:
        out = self.out
        if node.commercial and not commercial:
            out.append(Found(Issue.COMMERCIAL, el, node.spec))
            commercial = True
        if node.ddsi2_unknown:
            out.append(Found(Issue.DDSI2_REJECTS, el, node.spec, detail="unknown-element"))
        items = el.items()
        if items:
            self._attributes(el, node, items, commercial)
        elif node.required:
            self._required(el, node, ())
        counts: dict[str, int] = {}
        counted = node.counted
        has_children = mixed = other = False
        children = node.children
        for child in el:
            tail = child.tail  # text after a child (or after a comment) is element text too
            if tail is not None and not tail.isspace():
                mixed = True
            tag = child.tag
            if tag.__class__ is not str:
                other = True  # a comment or processing instruction
                continue
            has_children = True
            cnode = children.get(tag)
            if cnode is None:
                out.append(checks.unknown_element(self.model, child, node.spec))
                continue
            if tag in counted:
                counts[tag] = counts.get(tag, 0) + 1
            if chosen:
                cnode = chosen.get(child, cnode)
            if cnode.plain and not len(child):
                # a leaf without children or comments: what _visit would do, without the call
                attributes = child.items()
                if attributes:
                    self._attributes(child, cnode, attributes, commercial)
                if cnode.valued:
                    text = child.text
                    if text is not None:
                        if "$" in text:
                            value = self.doc.value(child)
                            if not value and "${" in text:
                                continue  # emptied by unset variables: reported by DD304
                        else:
                            value = text.strip()
                        # a value this item's check already passed, and no runtime hook
                        if value is not None and (
                            cnode.hook is not None or cnode.memo.get(value, _UNSEEN) is not None
                        ):
                            self._value(child, cnode, value, None)
                continue
            self._visit(child, cnode, commercial, None)
        for tag, n in counts.items():
            limit = node.maxima.get(tag)
            if limit is not None and limit.max_occurs is not None and n > limit.max_occurs:
                extra = list(el.iterchildren(tag))[limit.max_occurs]
                out.append(Found(Issue.TOO_MANY, extra, limit, count=n))
        for c in node.minima:
            n = counts.get(c.name, 0)
            if n < c.min_occurs:
                out.append(Found(Issue.MISSING_ELEMENT, el, c, count=n))
        if node.container:
            text = el.text
            if mixed or (text is not None and not text.isspace()):
                self._container_text(el, node.spec, has_children, mixed)
        elif node.valued and not has_children:
            text = el.text
            if other or (text is not None and "$" in text):
                value = self.doc.value(el)  # expansion and comment-split text
                if not value and text and "${" in text:
                    value = None  # emptied by unset variables: reported once, by DD304
            else:
                value = None if text is None else text.strip()
            if value is not None:
                self._value(el, node, value, None)

    def _container_text(self, el: Any, spec: Spec, has_children: bool, mixed: bool) -> None:
        """Text in a container: a parse error next to children, else a validator error."""
        text = el.text
        blank = text is None or text.isspace()
        if has_children and (mixed or not blank):
            # ut_xmlparser.c: after '>' it reads either child elements or text, never both
            self.out.append(Found(Issue.UNEXPECTED_TEXT, el, spec, text=True, detail="mixed"))
        elif not has_children and not blank:
            # cfg_elementCheckValue: a container (element kind) accepts no value
            value = text.strip() if text else ""
            self.out.append(Found(Issue.UNEXPECTED_TEXT, el, spec, text=True, value=value))

    def _attributes(
        self, el: Any, node: _Node, items: list[tuple[str, str]], commercial: bool
    ) -> None:
        attrs = node.attrs
        for name, raw in items:
            item = attrs.get(name)
            if item is None:
                self.out.append(checks.unknown_attribute(el, name, node.spec))
                continue
            if item.commercial and not commercial:
                self.out.append(Found(Issue.COMMERCIAL, el, item.spec, attr=name))
            if item.check is None and item.hook is None:
                continue
            value: str | None = raw
            if "$" in raw:
                value = self.doc.attr(el, name)
                if not value and "${" in raw:
                    continue  # emptied by unset variables: reported once, by DD304
            if value is not None:
                self._value(el, item, value, name)
        if node.required:
            self._required(el, node, [name for name, _ in items])

    def _required(self, el: Any, node: _Node, names: Any) -> None:
        for a in node.required:
            if a.name not in names:
                # the same name in another case is reported once, as a wrong-case name
                if any(n.lower() == a.name.lower() for n in names):
                    continue
                self.out.append(Found(Issue.MISSING_ATTRIBUTE, el, a))

    def _value(self, el: Any, item: _Item, value: str, attr: str | None) -> None:
        if item.check is not None:
            problem = item.problem(item.check, value)
            if problem is not None:
                issue, detail = problem
                self.out.append(Found(issue, el, item.spec, attr, attr is None, value, detail))
                return
        if item.hook is not None:
            result = item.hook(self.doc, value)
            if result is not None:
                issue, detail, fatal = result
                found = Found(issue, el, item.spec, attr, attr is None, value, detail, fatal)
                self.out.append(found)

"""Per-item checks for the schema walk: validator value rules, unknown names, runtime hooks.

Value checks follow ``cfg_metaConfig.c`` (``cfg_elementCheckValue``/``cfg_attributeCheckValue``)
and are compiled once per metaconfig item. Runtime hooks apply to values the validator accepted
and say what the consuming service does with them (``ospl/runtime.py``).
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Callable
from typing import Any

from ddsdoctor.ospl import conversions as v
from ddsdoctor.ospl import runtime
from ddsdoctor.ospl.issues import Found, Issue
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import Kind, Metaconfig, Spec, metaconfig

Problem = tuple[Issue, str]
Checker = Callable[[str], "Problem | None"]
Hook = Callable[[OsplDocument, str], "tuple[Issue, str, bool] | None"]

_KIND_DEFAULTS: dict[Kind, tuple[float, float]] = {
    Kind.INT: v.INT32,
    Kind.LONG: v.INT64,
    Kind.SIZE: (0, v.UINT64_MAX),
    Kind.FLOAT: (v.FLT_MIN, v.FLT_MAX),  # cfg_metaConfig.c CFG_FLOAT_MIN is FLT_MIN, not 0
    Kind.DOUBLE: (v.DBL_MIN, v.DBL_MAX),
}


def _number(kind: Kind, text: str) -> float | None:
    if kind is Kind.INT:
        return v.full_int(text, 32)
    if kind is Kind.LONG:
        return v.full_int(text, 64)
    if kind is Kind.SIZE:
        return v.validator_size(text)
    return v.full_float(text, single=kind is Kind.FLOAT)


def _bounds(spec: Spec) -> tuple[float, float]:
    lo, hi = _KIND_DEFAULTS[spec.kind]
    # cfg_nodeSetMinimum/Maximum: an unparsable bound leaves the default in place
    if spec.minimum is not None:
        parsed = _number(spec.kind, spec.minimum)
        lo = lo if parsed is None else parsed
    if spec.maximum is not None:
        parsed = _number(spec.kind, spec.maximum)
        hi = hi if parsed is None else parsed
    return lo, hi


def _fmt(x: float) -> str:
    return str(int(x)) if isinstance(x, int) or (math.isfinite(x) and x == int(x)) else f"{x:g}"


def _numeric(spec: Spec) -> Checker:
    lo, hi = _bounds(spec)
    what = {
        Kind.INT: "a 32-bit integer (decimal, 0x hex or 0 octal)",
        Kind.LONG: "a 64-bit integer (decimal, 0x hex or 0 octal)",
        Kind.FLOAT: "a number (float)",
        Kind.DOUBLE: "a number (double)",
    }.get(spec.kind, "")

    def check(text: str) -> Problem | None:
        number = _number(spec.kind, text)
        if number is None:
            if spec.kind is Kind.SIZE:
                return Issue.SIZE_UNIT, ""
            return Issue.INVALID_VALUE, f"is not {what}"
        if number < lo or number > hi:  # NaN passes, as in C
            unit = f" {spec.dimension}" if spec.dimension else ""
            reads = _fmt(number)
            # show what C made of hex, octal or a wrapped-around integer
            plain = text.strip().lstrip("+")
            wrapped = spec.kind in (Kind.INT, Kind.LONG) and reads != plain
            shown = f"(reads as {reads}) " if wrapped else ""
            return Issue.OUT_OF_RANGE, f"{shown}is outside {_fmt(lo)}..{_fmt(hi)}{unit}"
        return None

    return check


def _enum(spec: Spec) -> Checker:
    folded = {label.lower() for label in spec.values}

    def check(text: str) -> Problem | None:
        if v.ascii_lower(text) in folded:
            return None
        return Issue.INVALID_ENUM, ", ".join(spec.values)

    return check


def _boolean(text: str) -> Problem | None:
    if v.validator_bool(text) is None:
        return Issue.INVALID_VALUE, "is not true or false"
    return None


def _string(spec: Spec) -> Checker | None:
    if not spec.max_length:
        return None
    limit = spec.max_length

    def check(text: str) -> Problem | None:
        size = len(text.encode("utf-8"))  # strlen: bytes, not characters
        if size > limit:
            return Issue.OUT_OF_RANGE, f"is {size} bytes long, over the maximum of {limit}"
        return None

    return check


def compiled(spec: Spec) -> Checker | None:
    """The validator's check of one item's value, or None when it checks nothing."""
    kind = spec.kind
    if kind is Kind.BOOLEAN:
        return _boolean
    if kind is Kind.ENUM:
        return _enum(spec)
    if kind is Kind.STRING:
        return _string(spec)
    if kind in _KIND_DEFAULTS:
        return _numeric(spec)
    return None


# -- unknown names ---------------------------------------------------------------------------
def suggestions(name: str, candidates: Any, n: int = 3) -> tuple[str, ...]:
    """Close names (difflib), comparing case-insensitively so 'networkinterface' finds one."""
    folded = {c.lower(): c for c in candidates}
    return tuple(folded[m] for m in difflib.get_close_matches(name.lower(), folded, n, 0.7))


def unknown_element(model: Metaconfig, el: Any, parent: Spec) -> Found:
    tag = el.tag
    right = parent.folded_children.get(tag.lower())
    if right is not None:
        return Found(Issue.WRONG_CASE, el, parent.children[right], candidates=(right,))
    rel = runtime.ddsi2_relative(parent.path)
    if rel is not None or parent.name in runtime.DDSI2_SECTIONS:
        where = f"{rel}/{tag}" if rel else tag
        if where in runtime.DDSI2_MOVED:
            return Found(
                Issue.MISPLACED,
                el,
                parent,
                detail="moved",
                candidates=(runtime.DDSI2_MOVED[where],),
            )
        if tag in runtime.DDSI2_ALIASES:
            return Found(
                Issue.UNKNOWN_ELEMENT,
                el,
                parent,
                detail="alias",
                candidates=(runtime.DDSI2_ALIASES[tag],),
            )
        if where in runtime.DDSI2_UNDESCRIBED:
            return Found(
                Issue.UNKNOWN_ELEMENT,
                el,
                parent,
                detail="undescribed",
                candidates=(runtime.DDSI2_UNDESCRIBED[where],),
            )
    elsewhere = model.by_name.get(tag)
    if elsewhere:
        ranked = sorted(
            elsewhere, key=lambda s: (s.section != parent.section, s.path.count("/"), s.path)
        )
        return Found(Issue.MISPLACED, el, parent, candidates=tuple(s.display for s in ranked))
    return Found(Issue.UNKNOWN_ELEMENT, el, parent, candidates=suggestions(tag, parent.children))


def unknown_attribute(el: Any, name: str, spec: Spec) -> Found:
    right = spec.folded_attributes.get(name.lower())
    if right is not None:
        return Found(Issue.WRONG_CASE, el, spec.attributes[right], attr=name, candidates=(right,))
    return Found(
        Issue.UNKNOWN_ATTRIBUTE, el, spec, attr=name, candidates=suggestions(name, spec.attributes)
    )


# -- runtime hooks ---------------------------------------------------------------------------
def _domain_id(doc: OsplDocument, value: str) -> tuple[Issue, str, bool] | None:
    problem = runtime.domain_id_problem(value)
    return None if problem is None else (Issue.DOMAIN_ID, problem, True)


def _failure_action(doc: OsplDocument, value: str) -> tuple[Issue, str, bool] | None:
    if value in runtime.FAILURE_ACTIONS:
        return None
    return Issue.FAILURE_ACTION, value.lower(), False


def _ddsi2_value(check: Callable[[str], str | None]) -> Hook:
    def hook(doc: OsplDocument, value: str) -> tuple[Issue, str, bool] | None:
        problem = check(value)
        return None if problem is None else (Issue.DDSI2_REJECTS, problem, True)

    return hook


def _ddsi2_unit(rule: runtime.UnitRule) -> Hook:
    def hook(doc: OsplDocument, value: str) -> tuple[Issue, str, bool] | None:
        problem = runtime.unit_problem(rule, value)
        return None if problem is None else (Issue.DDSI2_UNIT, problem[1], problem[0])

    return hook


@functools.cache
def hooks() -> dict[str, Hook]:
    """Spec path -> runtime check, built once from the shipped model."""
    model = metaconfig()
    out: dict[str, Hook] = {
        "OpenSplice/Domain/Id": _domain_id,
        "OpenSplice/Domain/Service/FailureAction": _failure_action,
    }
    for section in runtime.DDSI2_SECTIONS:
        spec = model.section(section)
        if spec is None:
            continue
        for item in _items(spec):
            rel = runtime.ddsi2_relative(item.path)
            if rel in runtime.DDSI2_VALUE_CHECKS:
                out[item.path] = _ddsi2_value(runtime.DDSI2_VALUE_CHECKS[rel])
            elif item.kind is Kind.STRING:
                rule = runtime.unit_rule(item.path, item.default)
                if rule is not None:
                    out[item.path] = _ddsi2_unit(rule)
    return out


def _items(spec: Spec) -> list[Spec]:
    out: list[Spec] = []
    stack = [spec]
    while stack:
        s = stack.pop()
        out.append(s)
        out.extend(s.attributes.values())
        stack.extend(s.children.values())
    return out

"""Structural checks against OpenSplice's own description of ospl.xml (DD201-DD204, DD209-DD213).

The description is the metaconfig that OpenSplice's configuration validator loads when a domain
is created (``cfg_validator.c``); any error it reports stops the domain from starting with
``Error in configuration file``. Value checks are in ``schema_values.py``, the service wiring
in ``schema_services.py`` and what the services themselves do in ``schema_runtime.py``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.issues import (
    Found,
    Issue,
    in_ddsi2,
    says_attribute_not_allowed,
    says_incorrect,
    says_not_allowed,
    what,
    xml_path,
)
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import Kind
from ddsdoctor.ospl.validate import of
from ddsdoctor.registry import Hit, Subject, rule

_REFUSED = "OpenSplice's configuration validator rejects the file and the domain does not start"


def _mean(names: tuple[str, ...]) -> str | None:
    return f"did you mean {' or '.join(names)}?" if names else None


def _parent(found: Found) -> str:
    parent = found.element.getparent()
    return "" if parent is None else str(parent.tag)


@rule("DD201", "schema.unknown-element", Severity.ERROR, Subject.OSPL)
def unknown_element(doc: OsplDocument) -> Iterator[Hit]:
    """An element OpenSplice's description of ospl.xml does not know at this place.

    OpenSplice checks every element against its metaconfig when a domain is created. An
    element that is not allowed under its parent makes the validator log ``For element
    'OpenSplice/Domain' the child element 'X' is not allowed`` and the domain (or, in
    single-process mode, the application) does not start. Services that read the file never
    look at the element, so even without the validator the setting has no effect. Inside a
    ``DDSI2Service`` section DDSI2's own parser, which has its own list of names, also exits
    (``config: ...: unknown element``) unless it knows the name: it knows a few the
    description lacks (``Sizing/ReceiveBufferSize``, ``Unsupported`` for ``Internal``),
    which are reported with that explanation.

    This is an error when the name is close to a known one (the finding suggests it).
    Otherwise it is a warning: the element is not in OpenSplice 6.9's description, but a
    newer commercial release may document it; check your release's Deployment Guide and
    suppress the finding if it does.

    Fix: correct the name (see the suggestion), or remove the element. Misplaced elements and
    names with the wrong case have their own codes (DD202, DD204).

    Reference: OpenSplice ``src/configuration/validator/code/cfg_validator.c``
    (``checkElement``); metaconfig ``splice_metaconfig_6.1.xml``.
    """
    for f in of(doc, Issue.UNKNOWN_ELEMENT):
        parent, tag = _parent(f), f.element.tag
        evidence = says_not_allowed(f.element)
        if f.detail == "alias":
            yield Hit(
                f"<{tag}> is DDSI2's old alias of <{f.candidates[0]}>: DDSI2 reads it, but "
                f"{_REFUSED}",
                at=f.element,
                hint=f"rename it to <{f.candidates[0]}>",
                evidence=evidence,
            )
            continue
        if f.detail == "undescribed":
            yield Hit(
                f"<{tag}> is read by DDSI2 (default {f.candidates[0]}) but missing from "
                f"OpenSplice's description of <{parent}>: {_REFUSED}",
                at=f.element,
                hint="remove it, or disable validation for this file knowingly",
                evidence=evidence,
            )
            continue
        fatal = bool(f.candidates)
        ddsi2 = (
            "; DDSI2, which has its own list of names, exits with 'unknown element' too unless "
            "it knows the name"
            if in_ddsi2(f)
            else ""
        )
        message = (
            f"<{tag}> is not a known child of <{parent}>: {_REFUSED}{ddsi2}"
            if fatal
            else f"<{tag}> is not in OpenSplice 6.9's description of <{parent}>: the 6.9 "
            f"validator rejects the file and no service reads it{ddsi2} (a newer commercial "
            f"release may know it)"
        )
        yield Hit(
            message,
            at=f.element,
            hint=_mean(f.candidates) or "remove it",
            evidence=evidence,
            severity=None if fatal else Severity.WARNING,
        )


@rule("DD202", "schema.misplaced-element", Severity.ERROR, Subject.OSPL)
def misplaced_element(doc: OsplDocument) -> Iterator[Hit]:
    """A known element in the wrong place: it belongs under another parent.

    OpenSplice looks elements up by their full path, so a setting one level too high or
    under the wrong section is ignored by the service that should read it, and the
    configuration validator rejects the whole file (``For element '...' the child element
    '...' is not allowed``); the domain does not start. A common case is
    ``<Peer>`` directly under ``Discovery`` instead of ``Discovery/Peers``.

    DDSI2 still reads ``Internal/MaxMessageSize`` and ``Internal/FragmentSize`` as deprecated
    aliases of the ``General/`` elements (with a "deprecated alias" warning), but the
    validator does not know the old places.

    Fix: move the element to the place the finding names.

    Reference: OpenSplice ``cfg_validator.c`` (``checkElement``),
    ``src/services/ddsi2e/core/q_config.c`` (``MOVED`` entries).
    """
    for f in of(doc, Issue.MISPLACED):
        tag, parent = f.element.tag, _parent(f)
        evidence = says_not_allowed(f.element)
        if f.detail == "moved":
            yield Hit(
                f"<{tag}> under <{parent}> is DDSI2's deprecated alias of {f.candidates[0]}: "
                f"DDSI2 reads it with a 'deprecated alias' warning, but {_REFUSED}",
                at=f.element,
                hint=f"move it to {f.candidates[0]}",
                evidence=evidence,
            )
            continue
        places = list(f.candidates[:3])
        if len(f.candidates) > 3:
            places.append(f"{len(f.candidates) - 3} more")
        yield Hit(
            f"<{tag}> does not belong under <{parent}> (it belongs at {', '.join(places)}): the "
            f"service never reads it here and {_REFUSED}",
            at=f.element,
            hint=f"move it to {f.candidates[0]}",
            evidence=evidence,
        )


@rule("DD203", "schema.unknown-attribute", Severity.ERROR, Subject.OSPL)
def unknown_attribute(doc: OsplDocument) -> Iterator[Hit]:
    """An attribute OpenSplice's description does not allow on this element.

    The configuration validator logs ``Element 'X': attribute 'Y' not allowed`` and the
    domain does not start; the services never read the attribute. Inside a DDSI2 section
    DDSI2 itself also exits unless its own list of names knows it.

    As for elements (DD201), this is an error when the name is close to a known attribute,
    and a warning otherwise, because a newer commercial release may know it. Rubin's
    configurations, for example, set ``enabled`` on the durability ``<Tracing>`` element,
    which OpenSplice 6.9 does not describe (only ``synchronous``).

    Fix: correct or remove the attribute.

    Reference: OpenSplice ``cfg_validator.c`` (``checkAttribute``).
    """
    for f in of(doc, Issue.UNKNOWN_ATTRIBUTE):
        tag = f.element.tag
        fatal = bool(f.candidates)
        known = ", ".join(f.spec.attributes) if f.spec and f.spec.attributes else "none"
        if fatal:
            message = f"<{tag}> has no attribute '{f.attr}' (known: {known}): {_REFUSED}"
        else:
            message = (
                f"<{tag}> has no attribute '{f.attr}' in OpenSplice 6.9's description (known: "
                f"{known}): the 6.9 validator rejects the file and no service reads it (a "
                f"newer commercial release may know it)"
            )
        yield Hit(
            message,
            at=f.element,
            attr=f.attr,
            hint=_mean(f.candidates) or "remove it",
            evidence=says_attribute_not_allowed(f.element, f.attr or ""),
            severity=None if fatal else Severity.WARNING,
        )


@rule("DD204", "schema.wrong-case", Severity.ERROR, Subject.OSPL)
def wrong_case(doc: OsplDocument) -> Iterator[Hit]:
    """An element or attribute name with the wrong upper/lower case, e.g. ``<id>`` for ``<Id>``.

    OpenSplice compares names with ``strcmp``: ``<id>`` is not ``<Id>``. The configuration
    validator rejects the file (``... child element 'id' is not allowed``) and the domain does
    not start; without the validator, spliced and the durability service would ignore the
    setting and silently use the default. DDSI2 is the exception: its own parser matches names
    case-insensitively, so the DDSI2 service would read the value, but the validator still
    refuses the file.

    Fix: write the name exactly as OpenSplice spells it (the finding names it).

    Reference: OpenSplice ``cfg_metaConfig.c`` (``cfg_nodeCompare``), ``v_cfElement.c``
    (``v_cfElementXPath``), ``q_config.c`` (``matching_name_index``).
    """
    for f in of(doc, Issue.WRONG_CASE):
        right = f.candidates[0]
        ddsi2 = (
            " (DDSI2 itself would accept it: it ignores case)"
            if in_ddsi2(f)
            else ("; services would ignore the setting and use the default")
        )
        if f.attr:
            message = (
                f"attribute '{f.attr}' of <{f.element.tag}> should be '{right}': OpenSplice "
                f"matches names case-sensitively, so {_REFUSED}{ddsi2}"
            )
            evidence = says_attribute_not_allowed(f.element, f.attr)
        else:
            message = (
                f"<{f.element.tag}> should be <{right}>: OpenSplice matches names "
                f"case-sensitively, so {_REFUSED}{ddsi2}"
            )
            evidence = says_not_allowed(f.element)
        yield Hit(message, at=f.element, attr=f.attr, hint=f"write {right}", evidence=evidence)


@rule("DD209", "schema.too-many", Severity.ERROR, Subject.OSPL)
def too_many(doc: OsplDocument) -> Iterator[Hit]:
    """An element appears more often than OpenSplice allows (e.g. two ``<Id>`` in ``Domain``).

    The configuration validator counts children and logs ``Element 'X' is specified more
    than 'N' times``; the domain does not start. Which copy a service would read is not
    defined, so a duplicated setting is a latent inconsistency even where validation is off.

    Fix: keep one of them (the finding points at the first one too many).

    Reference: OpenSplice ``cfg_validator.c`` (``checkOccurrences``).
    """
    for f in of(doc, Issue.TOO_MANY):
        assert f.spec is not None
        yield Hit(
            f"<{f.element.tag}> appears {f.count} times under <{_parent(f)}>, at most "
            f"{f.spec.max_occurs} allowed: {_REFUSED}",
            at=f.element,
            hint="remove the extra copies",
            evidence={
                "opensplice": f"Element '{xml_path(f.element)}' is specified more than "
                f"'{f.spec.max_occurs}' times"
            },
        )


@rule("DD210", "schema.missing-element", Severity.ERROR, Subject.OSPL)
def missing_element(doc: OsplDocument) -> Iterator[Hit]:
    """A required element is missing (e.g. ``Domain/Name``, or ``NameSpaces`` in durability).

    The validator checks the minimum count of every child of each element present and logs
    ``Required element 'X' is missing``; the domain does not start. Required children are only
    required when their parent is present.

    Fix: add the element; the finding shows OpenSplice's default value where it has one.

    Reference: OpenSplice ``cfg_validator.c`` (``checkOccurrences``), metaconfig
    ``minOccurrences``.
    """
    for f in of(doc, Issue.MISSING_ELEMENT):
        assert f.spec is not None
        child = f.spec.name
        default = f" (OpenSplice's default is '{f.spec.default}')" if f.spec.default else ""
        yield Hit(
            f"<{f.element.tag}> has no <{child}>, which is required{default}: {_REFUSED}",
            at=f.element,
            hint=f"add <{child}>{f.spec.default or ''}</{child}>"
            if f.spec.kind is not Kind.ELEMENT
            else f"add <{child}>",
            evidence={"opensplice": f"Required element '{xml_path(f.element)}/{child}' is missing"},
        )


@rule("DD211", "schema.missing-attribute", Severity.ERROR, Subject.OSPL)
def missing_attribute(doc: OsplDocument) -> Iterator[Hit]:
    """A required attribute is missing (e.g. ``name`` on a service section).

    The validator logs ``Element 'X' required attribute 'Y' is missing`` and the domain does
    not start. A service section without ``name`` also cannot be matched to the
    ``Domain/Service`` that should run it.

    Fix: add the attribute; the finding shows OpenSplice's default where it has one.

    Reference: OpenSplice ``cfg_validator.c`` (``checkRequiredAttributes``).
    """
    for f in of(doc, Issue.MISSING_ATTRIBUTE):
        assert f.spec is not None
        default = f" (OpenSplice's default is '{f.spec.default}')" if f.spec.default else ""
        yield Hit(
            f"<{f.element.tag}> has no '{f.spec.name}' attribute, which is required{default}: "
            f"{_REFUSED}",
            at=f.element,
            hint=f'add {f.spec.name}="{f.spec.default or "..."}"',
            evidence={
                "opensplice": f"Element '{xml_path(f.element)}' required attribute "
                f"'{f.spec.name}' is missing"
            },
        )


@rule("DD212", "schema.unexpected-text", Severity.ERROR, Subject.OSPL)
def unexpected_text(doc: OsplDocument) -> Iterator[Hit]:
    """Text inside an element that only holds other elements.

    OpenSplice's XML parser reads either text or child elements inside an element, never
    both: text next to child elements is a syntax error (``expecting closing tag``) and the
    configuration cannot be parsed. Text alone inside a container element (for example
    ``<Lease>10.0</Lease>`` instead of ``<Lease><ExpiryTime>10.0</ExpiryTime></Lease>``) makes
    the validator log ``Element 'X' incorrect value '...'``. Either way the domain does not
    start.

    Fix: move the value into the child element it belongs to, or remove the stray text.

    Reference: OpenSplice ``src/utilities/code/ut_xmlparser.c`` (``parse_element``),
    ``cfg_metaConfig.c`` (``cfg_elementCheckValue``).
    """
    for f in of(doc, Issue.UNEXPECTED_TEXT):
        tag = f.element.tag
        if f.detail == "mixed":
            yield Hit(
                f"<{tag}> mixes text with child elements: OpenSplice's XML parser stops with "
                f"'expecting closing tag' and the configuration cannot be read",
                at=f.element,
                text=True,
                hint="remove the text or move it into a child element",
            )
        else:
            children = ", ".join(f"<{c}>" for c in (f.spec.children if f.spec else ()))
            yield Hit(
                f"<{tag}> holds text but only contains elements ({children or 'none'}): {_REFUSED}",
                at=f.element,
                text=True,
                hint="move the value into the right child element",
                evidence=says_incorrect(f.element, None, f.value),
            )


@rule("DD213", "schema.commercial-only", Severity.WARNING, Subject.OSPL)
def commercial_only(doc: OsplDocument) -> Iterator[Hit]:
    """A setting that only commercial OpenSplice releases implement.

    OpenSplice's description tags some items ``version="COMMERCIAL"``: the shared-memory
    ``Domain/Database``, ``BuiltinTopics``, ``DDSI2EService``, ``NetworkService`` and others.
    The Community Edition (6.9) accepts them in the file but has no implementation: the
    community database is heap-only and the commercial services do not exist there. On a
    commercial release (Rubin runs 6.10) they are fine, which is why this is a warning.

    Fix: nothing on a commercial release (ignore DD213 in your settings); on the Community
    Edition remove the setting or use the community equivalent (``DDSI2Service`` for
    ``DDSI2EService``, single-process mode for shared memory).

    Reference: ``splice_metaconfig_6.1.xml`` (``version`` attributes);
    ``../shared/reference/opensplice-facts.md`` (caveats).
    """
    for f in of(doc, Issue.COMMERCIAL):
        assert f.spec is not None
        runs_as = ""
        if not f.attr and f.spec.name != f.element.tag:
            runs_as = f" (checked as {f.spec.display})"
        yield Hit(
            f"{what(f)}{runs_as} is a commercial-only setting: the OpenSplice Community Edition "
            f"has no implementation for it",
            at=f.element,
            attr=f.attr,
            hint="fine on commercial releases; ignore DD213 there",
        )

"""The kinds of problem the schema walk finds, and where each one is."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from ddsdoctor.ospl.schema import Spec


class Issue(enum.Enum):
    UNKNOWN_ELEMENT = "unknown-element"
    MISPLACED = "misplaced-element"
    UNKNOWN_ATTRIBUTE = "unknown-attribute"
    WRONG_CASE = "wrong-case"
    INVALID_VALUE = "invalid-value"
    INVALID_ENUM = "invalid-enum"
    OUT_OF_RANGE = "out-of-range"
    SIZE_UNIT = "size-unit"
    TOO_MANY = "too-many"
    MISSING_ELEMENT = "missing-element"
    MISSING_ATTRIBUTE = "missing-attribute"
    UNEXPECTED_TEXT = "unexpected-text"
    COMMERCIAL = "commercial-only"
    DDSI2_REJECTS = "ddsi2-rejects"
    DDSI2_UNIT = "ddsi2-unit"
    # values the validator accepts but a service reads otherwise
    DOMAIN_ID = "domain-id"
    FAILURE_ACTION = "failure-action"


@dataclass(frozen=True, slots=True)
class Found:
    """One issue at one place. ``spec`` is the item's spec, or the parent's for unknown names."""

    issue: Issue
    element: Any
    spec: Spec | None
    attr: str | None = None
    text: bool = False
    value: str | None = None
    detail: str = ""
    fatal: bool = True  # for runtime issues: does the consumer refuse (True) or only warn?
    count: int = 0  # occurrences, for TOO_MANY / MISSING_ELEMENT
    candidates: tuple[str, ...] = ()  # did-you-mean names or the places a name belongs


# Values owned by the semantic rules (ddsdoctor/rules/durability*, network*): the schema
# rules still check that these items exist where they are, but never their values, so one
# mistake is reported once. Keep in sync with the semantic rule modules.
SEMANTIC_VALUES = frozenset(
    f"OpenSplice/DurabilityService/NameSpaces/Policy/@{name}"
    for name in (
        "alignee",
        "aligner",
        "durability",
        "masterPriority",
        "delayedAlignment",
        "equalityCheck",
        "nameSpace",
    )
)
SEMANTIC_ELEMENT_NAMES = frozenset({"NetworkInterfaceAddress"})


def xml_path(el: Any) -> str:
    """``OpenSplice/Domain/Id``: the tag path the validator prints in its messages."""
    tags = []
    while el is not None:
        tags.append(el.tag)
        el = el.getparent()
    return "/".join(reversed(tags))


def what(found: Found) -> str:
    """How a message names the item: ``<Id>`` or ``attribute 'name' of <Service>``."""
    tag = found.element.tag
    return f"attribute '{found.attr}' of <{tag}>" if found.attr else f"<{tag}>"


def in_ddsi2(found: Found) -> bool:
    """Is the item inside a DDSI2Service/DDSI2EService section (read by DDSI2's own parser)?"""
    return found.spec is not None and found.spec.section in ("DDSI2Service", "DDSI2EService")


# The validator's own error texts (cfg_validator.c), as evidence users can grep their logs for.
def says_not_allowed(el: Any) -> dict[str, str]:
    parent = xml_path(el.getparent())
    return {"opensplice": f"For element '{parent}' the child element '{el.tag}' is not allowed"}


def says_attribute_not_allowed(el: Any, attr: str) -> dict[str, str]:
    return {"opensplice": f"Element '{xml_path(el)}': attribute '{attr}' not allowed"}


def says_incorrect(el: Any, attr: str | None, value: str | None) -> dict[str, str]:
    if attr:
        text = f"Element '{xml_path(el)}': attribute '{attr}' incorrect value '{value}'"
        return {"opensplice": text}
    return {"opensplice": f"Element '{xml_path(el)}' incorrect value '{value}'"}

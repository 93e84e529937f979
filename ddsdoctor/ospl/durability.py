"""The durability service's view of its configuration: namespaces, policies and filters.

Reproduces ``d_configuration.c`` (OpenSplice 6.9): how Policy attributes are parsed (leniently,
unknown values silently replaced), which Policy a NameSpace gets (the first whose ``nameSpace``
pattern matches), the implicit default policy when none is configured, the deprecated
NameSpace syntax, and Partition/PartitionTopic parsing. Single-file rules and the fleet analysis
both build on this model.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.patterns import matches, split_partition_topic
from ddsdoctor.ospl.policy import (
    IMPLICIT_POLICY,
    MAX_PRIORITY,
    Policy,
    parse_policy,
    private_policy,
)
from ddsdoctor.ospl.sections import active_sections
from ddsdoctor.ospl.values import attr_float

DEFAULT_ROLE = "DefaultRole"


@dataclass(frozen=True, slots=True)
class Scope:
    """One Partition or PartitionTopic entry of a namespace (or of a Domain Filter)."""

    partition: str
    topic: str
    element: Any
    source: str  # "Partition" or "PartitionTopic"
    text: str  # the expanded, trimmed element text

    @property
    def expression(self) -> str:
        return f"{self.partition}.{self.topic}"


@dataclass(frozen=True, slots=True)
class NameSpace:
    element: Any
    name: str
    named: bool  # False: no name attribute, OpenSplice calls it NoName<n>
    deprecated: tuple[str, ...]  # deprecated attributes present on this element
    private_policy: bool  # deprecated mode: Policy elements are ignored for it
    scopes: tuple[Scope, ...]
    policy: Policy | None
    matching: tuple[Policy, ...]  # every configured Policy whose pattern matches, in order

    def expressions(self) -> frozenset[str]:
        """The partition.topic expressions, the set OpenSplice compares between fellows."""
        return frozenset(s.expression for s in self.scopes)


@dataclass(frozen=True, slots=True)
class Filter:
    """A ``Domain/Filters/Filter``: a content filter on some partition-topics."""

    element: Any
    content: str | None
    scopes: tuple[Scope, ...]


@dataclass(frozen=True, slots=True)
class DurabilityConfig:
    """A running DurabilityService section, parsed the way the service parses it."""

    doc: OsplDocument
    section: Any
    name: str
    role: str
    policies: tuple[Policy, ...]  # configured Policies; the implicit one when there are none
    namespaces: tuple[NameSpace, ...]
    legacy: bool  # every Policy at 255: the legacy master selection algorithm
    fatal: str | None  # why the service will not start, or None
    blank_topic: Scope | None = None

    def namespace(self, name: str) -> NameSpace | None:
        return next((ns for ns in self.namespaces if ns.name == name), None)


def durability_configs(doc: OsplDocument) -> list[DurabilityConfig]:
    """Every DurabilityService section an enabled Domain/Service runs, parsed (once)."""
    return doc.cached(
        "durability_configs",
        lambda: [_parse(doc, el) for el in active_sections(doc, "DurabilityService")],
    )


def max_wait_count(doc: OsplDocument, wait: Any) -> float:
    """A ``WaitForAttachment`` element's maxWaitCount as the service uses it: 200 when absent,
    clamped to 1..1000 (steps of 100 ms; ``d_configurationSetNetworkWaitForAttachment``)."""
    count = attr_float(doc, wait, "maxWaitCount")
    return 200.0 if count is None else min(1000.0, max(1.0, count))


def role_of(doc: OsplDocument) -> str:
    return doc.text_at("Domain/Role") or DEFAULT_ROLE


def _scopes(doc: OsplDocument, el: Any) -> Iterator[Scope]:
    for child in el:
        if child.tag == "Partition":
            text = doc.value(child)
            # an empty <Partition/> is the default partition "" (d_configurationResolvePartition)
            yield Scope(text or "", "*", child, "Partition", text or "")
        elif child.tag == "PartitionTopic":
            text = doc.value(child)
            if not text:
                yield Scope("*", "*", child, "PartitionTopic", "")
                continue
            partition, topic = split_partition_topic(text)
            yield Scope(partition, topic, child, "PartitionTopic", text)


def _deprecated_attrs(el: Any) -> tuple[str, ...]:
    return tuple(a for a in ("durabilityKind", "alignmentKind", "mergePolicy") if a in el.attrib)


def _parse(doc: OsplDocument, section: Any) -> DurabilityConfig:
    policy_els = doc.select(section, "NameSpaces/Policy")
    policies = tuple(parse_policy(doc, el, i) for i, el in enumerate(policy_els))
    effective = policies or (IMPLICIT_POLICY,)
    namespaces: list[NameSpace] = []
    sticky = False  # resolveNameSpaceDeprecated: once deprecated, every later NameSpace is too
    fatal: str | None = None
    blank: Scope | None = None
    for i, el in enumerate(doc.select(section, "NameSpaces/NameSpace")):
        deprecated = _deprecated_attrs(el)
        name_raw = doc.attr(el, "name")
        sticky = sticky or bool(deprecated) or name_raw is None
        name = name_raw if name_raw is not None else f"NoName{i}"
        matching = tuple(p for p in effective if matches(name, p.pattern))
        if sticky:
            policy: Policy | None = private_policy(doc, el, name)
        else:
            policy = matching[0] if matching else None
        scopes = tuple(_scopes(doc, el))
        if blank is None:
            blank = next((s for s in scopes if s.source == "PartitionTopic" and not s.topic), None)
        namespaces.append(
            NameSpace(el, name, name_raw is not None, deprecated, sticky, scopes, policy, matching)
        )
    if not namespaces:
        fatal = "no NameSpace is configured"
    elif any(ns.policy is None for ns in namespaces):
        fatal = "a NameSpace is matched by no Policy"
    elif blank is not None:
        fatal = "a PartitionTopic has an empty topic"
    return DurabilityConfig(
        doc=doc,
        section=section,
        name=doc.attr(section, "name") or "",
        role=role_of(doc),
        policies=effective,
        namespaces=tuple(namespaces),
        legacy=all(p.master_priority == MAX_PRIORITY for p in effective),
        fatal=fatal,
        blank_topic=blank,
    )


def domain_filters(doc: OsplDocument) -> list[Filter]:
    out = []
    for el in doc.findall("Domain/Filters/Filter"):
        content = doc.attr(el, "content")
        scopes = tuple(s for s in _scopes(doc, el) if s.source == "PartitionTopic")
        out.append(Filter(el, content, scopes))
    return out

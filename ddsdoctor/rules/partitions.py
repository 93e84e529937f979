"""Partition and PartitionTopic hygiene (DD501-DD506).

OpenSplice partition expressions know only ``*`` and ``?``; every other character, quotes,
commas and brackets included, is part of the name. A partition expression that matches no
partition an application uses fails silently: nothing is aligned and nothing is logged.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.durability import durability_configs
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.partitions import SITE_TAGS, Kind, PartitionValue, partition_values
from ddsdoctor.ospl.patterns import has_wildcard, overlap
from ddsdoctor.registry import Hit, Subject, rule

BUILTIN_NAMES = ("__BUILT-IN PARTITION__", "durabilityPartition")
_LITERAL = re.compile(r"""["'`,;|\[\]{}]""")
_PREFIX_STAR = re.compile(r"(\$\{[^}]*\})\*")


def _hit(v: PartitionValue, message: str, hint: str | None = None) -> Hit:
    return Hit(message, at=v.element, attr=v.attr, text=v.attr is None, hint=hint)


@rule("DD501", "partition.literal-syntax", Severity.ERROR, Subject.OSPL, needs=SITE_TAGS)
def literal_syntax(doc: OsplDocument) -> Iterator[Hit]:
    """A partition expression contains quotes, commas or brackets, which OpenSplice takes literally.

    OpenSplice partition expressions have exactly two special characters, ``*`` and ``?``.
    Quotes (``"lsst*"``), lists (``a,b`` or ``a;b``), character classes (``[ab]*``) and braces
    (``{a,b}``) become part of the partition name, so the expression matches no partition any
    application uses: the namespace aligns nothing, and historical reads for those topics get no
    data, without any log message.

    Fix: write one bare expression per element (``<Partition>lsst.*</Partition>``) and repeat
    the element for more partitions.

    Reference: OpenSplice ``d_patternMatch`` / ``v_partitionStringMatchesExpr``; metaconfig
    ``NameSpace/Partition``.
    """
    for v in partition_values(doc):
        chars = sorted(set(_LITERAL.findall(v.value)))
        if not chars:
            continue
        what = " ".join(chars)
        yield _hit(
            v,
            f"{v.where} '{v.value}' contains {what}: OpenSplice takes these literally, so it "
            "matches no partition an application uses",
            hint="use one bare expression per element; only * and ? are wildcards",
        )


@rule("DD502", "partition.whitespace", Severity.WARNING, Subject.OSPL, needs=SITE_TAGS)
def whitespace(doc: OsplDocument) -> Iterator[Hit]:
    """A partition expression contains whitespace or a line break.

    Element text is trimmed by OpenSplice's parser, but whitespace inside it is not, and
    attribute values are not trimmed at all. ``lsst. *``, a value broken over two lines, or an
    attribute ``" lsst.*"`` names a partition with spaces in it, which no application uses.

    Fix: remove the whitespace; write each expression on one line.

    Reference: OpenSplice ``cf_data.c`` (``cf_dataInit`` trims element text only).
    """
    for v in partition_values(doc):
        inner = v.value.strip()
        problem = None
        if any(ch in inner for ch in "\n\r\t"):
            problem = "a line break or tab inside it"
        elif " " in inner and v.kind is not Kind.NAME and not _builtin_like(inner):
            problem = "a space inside it"
        elif v.attr is not None and v.value != inner:
            problem = "leading or trailing whitespace (attribute values are not trimmed)"
        if problem:
            yield _hit(
                v,
                f"{v.where} {v.value!r} has {problem}: the whitespace is part of the partition "
                "name, so it matches no partition an application uses",
                hint="remove the whitespace",
            )


@rule("DD503", "partition.empty", Severity.WARNING, Subject.OSPL, needs=SITE_TAGS)
def empty(doc: OsplDocument) -> Iterator[Hit]:
    """A partition expression is empty: only the default partition, or every partition-topic.

    An empty ``<Partition/>`` means the default partition ``""`` only, so a namespace written
    for named partitions (``${LSST_DDS_PARTITION_PREFIX}`` unset, for example) covers nothing
    an application uses. An empty ``<PartitionTopic/>`` means ``*.*``: every partition and
    topic, which is rarely what a namespace meant to list.

    Fix: write the expression out, and set the variables that build it on every node.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationResolvePartition``,
    ``d_configurationResolvePartitionTopic``).
    """
    for v in partition_values(doc):
        if v.value.strip() or v.kind is Kind.NAME:
            continue
        meaning = (
            "every partition and topic (*.*)"
            if v.kind is Kind.PARTITION_TOPIC
            else 'only the default partition ""'
        )
        source = " after expansion" if "$" in v.raw else ""
        yield _hit(
            v,
            f"{v.where} is empty{source}: it means {meaning}",
            hint="write the partition expression out",
        )


def _builtin_like(value: str) -> bool:
    """The built-in partition name, or a misspelling of it (DD504 reports those)."""
    return value in BUILTIN_NAMES or misspelled_builtin(value) is not None


def _normalise(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


@functools.lru_cache(maxsize=1024)  # a pure function of the name; fleets repeat their names
def misspelled_builtin(value: str) -> str | None:
    """The built-in partition name ``value`` resembles without being it, or None."""
    if not value or has_wildcard(value) or value in BUILTIN_NAMES:
        return None
    norm = _normalise(value)
    for name in BUILTIN_NAMES:
        target = _normalise(name)
        if norm == target or (len(norm) >= 8 and edit_distance(norm, target) <= 2):
            return name
    return None


@rule("DD504", "partition.builtin-misspelled", Severity.ERROR, Subject.OSPL, needs=SITE_TAGS)
def builtin_misspelled(doc: OsplDocument) -> Iterator[Hit]:
    """A partition name is a misspelling of a built-in partition (``__BUILT-IN PARTITION__``).

    OpenSplice keeps its builtin topics in ``__BUILT-IN PARTITION__`` and the durability
    protocol in ``durabilityPartition``. Names are matched exactly and case-sensitively, so
    ``__BUILT-IN PARTITON__`` or ``DurabilityPartition`` is simply another partition: a namespace
    meant for builtin topics covers none of them, and a durability service whose EntityNames
    partition differs from its fellows' never sees them.

    Fix: copy the name exactly: ``__BUILT-IN PARTITION__`` (with a space and a hyphen) or
    ``durabilityPartition``.

    Reference: OpenSplice ``v_builtin.h`` (``V_BUILTIN_PARTITION``), ``d__admin.h``; facts §6.
    """
    for v in partition_values(doc):
        for part in _names_in(v):
            meant = misspelled_builtin(part)
            if meant:
                yield _hit(
                    v,
                    f"{v.where} '{part}' is not the built-in partition '{meant}' (names are "
                    "exact and case-sensitive): it names an unrelated, empty partition",
                    hint=f"write '{meant}'",
                )


def _names_in(v: PartitionValue) -> list[str]:
    if v.kind is Kind.PARTITION_TOPIC and "." in v.value:
        return [v.value.rsplit(".", 1)[0]]
    return [v.value]


@rule(
    "DD505", "partition.prefix-without-separator", Severity.WARNING, Subject.OSPL, needs=SITE_TAGS
)
def prefix_without_separator(doc: OsplDocument) -> Iterator[Hit]:
    """``${PREFIX}*`` has no separator between the variable and ``*``: it matches too much.

    Rubin's configurations cover ``${LSST_DDS_PARTITION_PREFIX}*``. With the prefix ``ncsa`` that
    also matches ``ncsatest.*`` or ``ncsa2.*``: every deployment whose prefix starts with the
    same letters, on a shared network, is aligned into this namespace. With the variable unset
    the expression becomes ``*``, every partition. SalObj partitions are
    ``<prefix>.<component>...``, so the dot is the separator to anchor on.

    Fix: write ``${LSST_DDS_PARTITION_PREFIX}.*`` and give the variable no default that could
    be empty.

    Reference: OpenSplice ``d_patternMatch``; tech note "Implementing a new DDS data
    partitioning schema".
    """
    for v in partition_values(doc):
        if v.kind is Kind.NAME:
            continue
        m = _PREFIX_STAR.search(v.raw)
        if not m:
            continue
        var = m.group(1)
        yield _hit(
            v,
            f"{v.where} '{v.raw.strip()}' (here '{v.value}') has no separator after {var}: it "
            "also matches every prefix that starts with the same text, and '*' when the "
            "variable is unset",
            hint=f"write '{var}.*'",
        )


@rule("DD506", "partition.namespaces-overlap", Severity.WARNING, Subject.OSPL, needs=("NameSpace",))
def namespaces_overlap(doc: OsplDocument) -> Iterator[Hit]:
    """Two durability namespaces cover overlapping partition-topics.

    A group (partition + topic) must belong to one namespace: each namespace has its own
    master, policy and alignment. When two namespaces' expressions overlap, the group is
    aligned under whichever namespace the service finds first, with that namespace's policy
    and master, and the other namespace's settings silently do not apply to it (the OpenSplice
    source itself notes "Overlap between them is not a valid situation").

    Fix: make the namespaces' partition expressions disjoint.

    Reference: OpenSplice ``d_configuration.c`` (header TODO), ``d_nameSpace.c``.
    """
    for cfg in durability_configs(doc):
        spaces = cfg.namespaces
        for i, a in enumerate(spaces):
            for b in spaces[i + 1 :]:
                pair = next(
                    (
                        (sa, sb)
                        for sa in a.scopes
                        for sb in b.scopes
                        if overlap(sa.partition, sb.partition) and overlap(sa.topic, sb.topic)
                    ),
                    None,
                )
                if pair is None:
                    continue
                sa, sb = pair
                yield Hit(
                    f"namespace '{b.name}' ({sb.expression}) overlaps namespace '{a.name}' "
                    f"({sa.expression}): groups in both are aligned under one of them only",
                    at=sb.element,
                    text=True,
                    hint="make the namespaces' partition expressions disjoint",
                )

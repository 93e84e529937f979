"""Domain content Filters and their effect on durability (DD412, DD413)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.durability import domain_filters, durability_configs
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.patterns import overlap
from ddsdoctor.registry import Hit, Subject, rule

# A filter is the WHERE clause of an SQL expression: it compares a field with something.
_COMPARISON = re.compile(
    r"[A-Za-z_][\w.\[\]]*\s*(=|<>|!=|<=|>=|<|>)|\b(like|between|not|is)\b", re.IGNORECASE
)


@rule(
    "DD412",
    "durability.filter-on-master-namespace",
    Severity.ERROR,
    Subject.OSPL,
    needs=("Filter",),
)
def filter_on_master_namespace(doc: OsplDocument) -> Iterator[Hit]:
    """A Domain Filter covers part of a namespace for which this node can be master.

    A filtered node holds only part of the data of the filtered partition-topics, so its
    durability service can no longer be master of a namespace that contains them ("Unable to
    be a master of namespace ..."). If this node is the intended master (an aligner with
    masterPriority above 0, or any aligner under the legacy algorithm), the namespace is left
    without it and other nodes align from an incomplete or absent master.

    Fix: remove the Filter from master candidates (filter on application nodes only), or make
    this node ``aligner="false"`` / ``masterPriority="0"`` for that namespace.

    Reference: metaconfig ``Domain/Filters`` ("the Durability Service can no longer be master
    for the namespace"); OpenSplice ``d_configuration.c``; facts §1.6.
    """
    filters = [f for f in domain_filters(doc) if f.content]
    if not filters:
        return
    for cfg in durability_configs(doc):
        for ns in cfg.namespaces:
            pol = ns.policy
            if pol is None or not pol.aligner or pol.master_priority == 0:
                continue
            for flt in filters:
                hit = next(
                    (
                        (fs, s)
                        for fs in flt.scopes
                        for s in ns.scopes
                        if overlap(fs.partition, s.partition) and overlap(fs.topic, s.topic)
                    ),
                    None,
                )
                if hit is None:
                    continue
                fs, s = hit
                yield Hit(
                    f"Filter on '{fs.text}' overlaps namespace '{ns.name}' ({s.text}), for which "
                    f"this node is a master candidate (aligner, masterPriority "
                    f"{pol.master_priority}): OpenSplice refuses to be master of it ('Unable to "
                    "be a master of namespace')",
                    at=fs.element,
                    text=True,
                    hint="filter only on nodes that can never be master",
                )


@rule("DD413", "durability.invalid-filter", Severity.ERROR, Subject.OSPL, needs=("Filter",))
def invalid_filter(doc: OsplDocument) -> Iterator[Hit]:
    """A Domain Filter is empty, has no PartitionTopic, or is not a filter expression.

    The ``content`` attribute is the WHERE clause of an SQL expression (``x=1 or x=2``). An
    empty content is ignored with a warning (``The 'content' attribute of <Filter>-element in
    the configuration resolves to the empty string, ignoring this filter``), as is a Filter
    without PartitionTopic. An expression OpenSplice cannot parse, such as ``*``, makes it log
    ``Failed to create a filter for <Filter>-expression with content '...', remove all filters
    and terminate``: the durability service stops.

    Fix: write a comparison on a field of the filtered topic, and list the partition-topics it
    applies to in ``<PartitionTopic>`` children; remove the Filter if none is meant.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationResolveFilters``); metaconfig
    ``Domain/Filters/Filter``.
    """
    for flt in domain_filters(doc):
        content = flt.content
        if content is None or not content.strip():
            yield Hit(
                "Filter content is empty: OpenSplice ignores this filter with a warning",
                at=flt.element,
                attr="content",
                severity=Severity.WARNING,
                hint="write a filter expression such as 'id < 10', or remove the Filter",
            )
        elif not _COMPARISON.search(content):
            yield Hit(
                f"Filter content '{content}' is not a filter expression: OpenSplice logs "
                "'Failed to create a filter for <Filter>-expression with content ...' and the "
                "durability service terminates",
                at=flt.element,
                attr="content",
                hint="the content is an SQL WHERE clause, e.g. 'id < 10'",
            )
        elif not flt.scopes:
            yield Hit(
                "Filter has no PartitionTopic: OpenSplice ignores it with a warning",
                at=flt.element,
                severity=Severity.WARNING,
                hint="add <PartitionTopic>partition.topic</PartitionTopic>",
            )

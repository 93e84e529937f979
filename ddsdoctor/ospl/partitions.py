"""Every partition expression or partition name in an OpenSplice configuration, with its site.

Partition expressions appear in durability namespaces, Domain filters and durable policies,
partition access rules, and DDSI2E/networking partition mappings; partition names in the
durability EntityNames and DDSI2's local discovery partition. Element text is trimmed by the
parser, attribute values are not (``cf_data.c``).
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.sections import active_sections


class Kind(enum.Enum):
    PARTITION = "partition expression"  # a partition, '*' and '?' allowed
    PARTITION_TOPIC = "partition.topic expression"
    NAME = "partition name"  # a literal name, no wildcards


@dataclass(frozen=True, slots=True)
class PartitionValue:
    element: Any
    attr: str | None
    raw: str  # as written, before expansion
    value: str  # expanded; element text trimmed like OpenSplice, attributes as they are
    untrimmed: str  # expanded, before trimming
    kind: Kind
    where: str  # a short description of the setting

    @property
    def text(self) -> bool:
        return self.attr is None


# (section tag or None for Domain-level, path below it, attribute or None, kind, label)
_SITES: tuple[tuple[str | None, str, str | None, Kind, str], ...] = (
    (
        "DurabilityService",
        "NameSpaces/NameSpace/Partition",
        None,
        Kind.PARTITION,
        "durability NameSpace Partition",
    ),
    (
        "DurabilityService",
        "NameSpaces/NameSpace/PartitionTopic",
        None,
        Kind.PARTITION_TOPIC,
        "durability NameSpace PartitionTopic",
    ),
    (
        "DurabilityService",
        "EntityNames/Partition",
        None,
        Kind.NAME,
        "durability EntityNames/Partition",
    ),
    (
        "DurabilityService",
        "ClientDurability/EntityNames/Partition",
        None,
        Kind.NAME,
        "client durability partition",
    ),
    (
        "DurabilityService",
        "Network/Alignment/Partition",
        "Name",
        Kind.PARTITION,
        "durability alignment partition",
    ),
    (
        "DDSI2Service",
        "Discovery/LocalDiscoveryPartition",
        None,
        Kind.NAME,
        "DDSI2 LocalDiscoveryPartition",
    ),
    (
        "DDSI2EService",
        "Discovery/LocalDiscoveryPartition",
        None,
        Kind.NAME,
        "DDSI2E LocalDiscoveryPartition",
    ),
    (
        "DDSI2EService",
        "Partitioning/PartitionMappings/PartitionMapping",
        "DCPSPartitionTopic",
        Kind.PARTITION_TOPIC,
        "DDSI2E partition mapping",
    ),
    (
        "NetworkService",
        "Partitioning/PartitionMappings/PartitionMapping",
        "DCPSPartitionTopic",
        Kind.PARTITION_TOPIC,
        "networking partition mapping",
    ),
    (
        None,
        "Domain/Filters/Filter/PartitionTopic",
        None,
        Kind.PARTITION_TOPIC,
        "Domain Filter PartitionTopic",
    ),
    (
        None,
        "Domain/DurablePolicies/Policy",
        "obtain",
        Kind.PARTITION_TOPIC,
        "DurablePolicies obtain",
    ),
    (None, "Domain/PartitionAccess", "partition_expression", Kind.PARTITION, "PartitionAccess"),
)


# The element every site ends at: a document without any of them has no partition values.
SITE_TAGS: tuple[str, ...] = tuple(sorted({path.rsplit("/", 1)[-1] for _, path, *_ in _SITES}))


def partition_values(doc: OsplDocument) -> Iterator[PartitionValue]:
    """Every partition setting in the sections that run (and in Domain)."""
    return iter(doc.cached("partition_values", lambda: list(_partition_values(doc))))


def _partition_values(doc: OsplDocument) -> Iterator[PartitionValue]:
    for section_tag, path, attr, kind, label in _SITES:
        if section_tag is None:
            elements = doc.select(doc.root, path)
        else:
            elements = [
                el for sec in active_sections(doc, section_tag) for el in doc.select(sec, path)
            ]
        for el in elements:
            if attr is None:
                raw = el.text
                exp = doc.expansion(el)
            else:
                raw = el.get(attr)
                exp = doc.expansion(el, attr)
            if raw is None:
                raw = ""
            if exp is not None and exp.value is None:
                continue  # a failed expansion is reported by the expansion rules
            untrimmed = exp.value if exp is not None and exp.value is not None else ""
            value = untrimmed.strip() if attr is None else untrimmed
            yield PartitionValue(el, attr, raw, value, untrimmed, kind, label)

"""Which topics the probe joins late, and with what reader QoS (pure, from discovery facts)."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from ddsdoctor.discovery import (
    DiscoveryFacts,
    Durability,
    Endpoint,
    EndpointKind,
    HistoryKind,
    Ownership,
    Reliability,
    is_infrastructure,
)
from ddsdoctor.live.results import WriterInfo
from ddsdoctor.live.vendor import CYCLONE
from ddsdoctor.matching import partitions_match

TargetKey = tuple[str, str, tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ReaderPlan:
    """The late joiner's QoS: enough to match every writer of the group, and to keep all."""

    durability: Durability
    reliability: Reliability
    ownership: Ownership
    latency_budget_s: float
    partitions: tuple[str, ...]


@dataclass(slots=True)
class Target:
    """A topic, type and partition set whose writers one late-joining reader measures."""

    topic: str
    type_name: str
    partitions: tuple[str, ...]
    writers: list[Endpoint] = field(default_factory=list)
    discovered_s: float | None = None

    @property
    def key(self) -> TargetKey:
        return (self.topic, self.type_name, self.partitions)

    def add(self, ep: Endpoint) -> None:
        if all(w.guid != ep.guid for w in self.writers):
            self.writers.append(ep)
            seen = ep.first_seen
            if seen is not None and (self.discovered_s is None or seen < self.discovered_s):
                self.discovered_s = seen

    def plan(self) -> ReaderPlan:
        ws = self.writers
        durable = [w.qos.durability for w in ws if w.qos.durability >= Durability.TRANSIENT_LOCAL]
        reliable = all(w.qos.reliability is Reliability.RELIABLE for w in ws)
        owners = {w.qos.ownership for w in ws}
        return ReaderPlan(
            durability=min(durable, default=Durability.TRANSIENT_LOCAL),
            reliability=Reliability.RELIABLE if reliable else Reliability.BEST_EFFORT,
            ownership=owners.pop() if len(owners) == 1 else Ownership.SHARED,
            latency_budget_s=max((w.qos.latency_budget_s for w in ws), default=0.0),
            partitions=self.partitions,
        )


def durable_writers(facts: DiscoveryFacts) -> Iterator[Endpoint]:
    for ep in facts.live_endpoints():
        if (
            ep.kind is EndpointKind.WRITER
            and ep.qos.durability >= Durability.TRANSIENT_LOCAL
            and not is_infrastructure(ep)
        ):
            yield ep


def wanted(topic: str, patterns: Sequence[str]) -> bool:
    """``--topic`` values are names or shell patterns (``MTMount_logevent_*``)."""
    return not patterns or any(fnmatch.fnmatchcase(topic, p) for p in patterns)


def update_targets(
    facts: DiscoveryFacts,
    targets: dict[TargetKey, Target],
    topics: Sequence[str],
    partitions: Sequence[str],
    *,
    allow_new: bool = True,
) -> None:
    """Add newly discovered durable writers to their targets (new targets if ``allow_new``).

    Writers group by topic, type and partitions; ``--partition`` values replace the reader's
    partitions and keep only the writers they match.
    """
    for ep in durable_writers(facts):
        if not wanted(ep.topic, topics):
            continue
        if partitions:
            if not partitions_match(ep.partitions, tuple(partitions)):
                continue
            parts = tuple(partitions)
        else:
            parts = ep.partitions
        key = (ep.topic, ep.type_name, parts)
        target = targets.get(key)
        if target is None:
            if not allow_new:
                continue
            target = targets[key] = Target(ep.topic, ep.type_name, parts)
        target.add(ep)


def late_joiner_depth(facts: DiscoveryFacts, ep: Endpoint) -> int | None:
    """Samples per instance a late joiner gets from this writer, where that is known.

    Cyclone keeps TRANSIENT_LOCAL history for late joiners at the DurabilityService history
    depth, not the History depth (dds_whc.c, test-rig.md §4). Other vendors do not announce
    what they keep, so it is unknown for them.
    """
    owner = facts.owner(ep)
    if owner is None or owner.vendor_id != CYCLONE:
        return None
    if ep.qos.durability is not Durability.TRANSIENT_LOCAL:
        return None
    if ep.qos.durability_service_history is HistoryKind.KEEP_ALL:
        return None
    return ep.qos.durability_service_depth


def opensplice_transient(facts: DiscoveryFacts, writers: Sequence[Endpoint]) -> list[Endpoint]:
    """Writers whose history only OpenSplice durability services serve, to OpenSplice readers.

    A Cyclone late joiner gets no historical sample from them even on a healthy system
    (opensplice-facts §10): their history is unmeasurable here, never a timeout.
    """
    out = []
    for w in writers:
        owner = facts.owner(w)
        if owner is not None and owner.is_opensplice and w.qos.durability >= Durability.TRANSIENT:
            out.append(w)
    return out


def writer_info(facts: DiscoveryFacts, ep: Endpoint) -> WriterInfo:
    owner = facts.owner(ep)
    return WriterInfo(
        guid=ep.guid,
        host=owner.host if owner else None,
        process=owner.process if owner else None,
        pid=owner.pid if owner else None,
        vendor=owner.vendor if owner else "unknown",
        durability=ep.qos.durability.name.lower(),
        depth=late_joiner_depth(facts, ep),
    )

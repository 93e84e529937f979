"""Mismatches between writers and readers, from discovery facts (DD82x).

These rules run on the same facts whether they came from a capture (``topology``) or from
the builtin topics of a live domain (``scan``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from ddsdoctor.discovery import DiscoveryFacts, Endpoint, EndpointKind, Participant
from ddsdoctor.findings import Location, Severity
from ddsdoctor.matching import incompatible_policies, partitions_match
from ddsdoctor.registry import Hit, Subject, rule

# SAL/SalObj append a hash of the topic's definition to its name so that versions do not
# collide in the DDS cache (tech note, "Systems running incompatible versions of xml").
_HASH_SUFFIX = re.compile(r"^(?P<stem>.+?)[_-](?P<hash>[0-9a-fA-F]{6,40})$")


def _parts(ep: Endpoint) -> str:
    return ", ".join(repr(p) for p in ep.partition_list)


def where(p: Participant, unknown_host: str | None = None) -> str:
    """'h1 python 42 (Eclipse Cyclone DDS)': a participant's host, process and vendor.

    Without a host name or address, ``unknown_host`` (default: its GUID prefix) stands in.
    """
    bits = [p.host or (p.addresses[0] if p.addresses else unknown_host or p.guid_prefix)]
    if p.process or p.pid is not None:
        bits.append(f"{p.process or 'pid'} {p.pid if p.pid is not None else ''}".strip())
    return f"{' '.join(bits)} ({p.vendor})"


def who(facts: DiscoveryFacts, ep: Endpoint) -> str:
    """'writer on h1 python 42 (Eclipse Cyclone DDS)': an endpoint and its owner."""
    p = facts.owner(ep)
    if p is None:
        return f"{ep.kind.value} {ep.guid}"
    return f"{ep.kind.value} on {where(p)}"


def _loc(facts: DiscoveryFacts, ep: Endpoint) -> Location:
    p = facts.owner(ep)
    return Location(topic=ep.topic, guid=ep.guid, domain=p.domain_id if p else None)


def _split(eps: list[Endpoint]) -> tuple[list[Endpoint], list[Endpoint]]:
    ws = [e for e in eps if e.kind is EndpointKind.WRITER]
    rs = [e for e in eps if e.kind is EndpointKind.READER]
    return ws, rs


@rule("DD820", "discovery.partition-mismatch", Severity.WARNING, Subject.DISCOVERY)
def partition_mismatch(facts: DiscoveryFacts) -> Iterator[Hit]:
    """A reader's partitions never intersect any writer's of its topic: it receives nothing.

    Partitions are not a QoS mismatch, so no DDS implementation reports anything: the
    endpoints are discovered and simply never match. In the tech note this is the most common
    failure: one node set a different ``LSST_DDS_DOMAIN`` (which SAL turns into the
    partition), and its readers silently got no data. Writers whose partitions match no
    reader of a topic that does have readers are reported the same way.

    Fix: give both sides the same partition (check the environment variable that builds it
    on every node), or a wildcard expression on the reader side.

    Reference: DDS 1.4 §2.2.3.13 PARTITION; tech note "Incorrect DDS partition".
    """
    for topic, eps in facts.by_topic().items():
        writers, readers = _split(eps)
        if not writers or not readers:
            continue
        groups: dict[tuple[EndpointKind, tuple[str, ...]], list[Endpoint]] = defaultdict(list)
        for ep in readers:
            if not any(partitions_match(w.partitions, ep.partitions) for w in writers):
                groups[(ep.kind, ep.partition_list)].append(ep)
        for ep in writers:
            if not any(partitions_match(ep.partitions, r.partitions) for r in readers):
                groups[(ep.kind, ep.partition_list)].append(ep)
        for (kind, parts), members in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
            others = readers if kind is EndpointKind.WRITER else writers
            other_parts = sorted({p for o in others for p in o.partition_list})
            yield Hit(
                f"topic {topic!r}: {len(members)} {kind.value}(s) in partition(s) "
                f"{', '.join(repr(p) for p in parts)} never match the "
                f"{'readers' if kind is EndpointKind.WRITER else 'writers'} in "
                f"{', '.join(repr(p) for p in other_parts)}; "
                + (
                    "no data is delivered to them"
                    if kind is EndpointKind.READER
                    else "their data reaches no reader"
                ),
                location=_loc(facts, members[0]),
                hint="use the same partition (e.g. LSST_DDS_DOMAIN) on every node",
                evidence={
                    "endpoints": [who(facts, m) for m in members],
                    "partitions": list(parts),
                    "other_partitions": other_parts,
                },
            )


@rule("DD821", "discovery.type-mismatch", Severity.ERROR, Subject.DISCOVERY)
def type_mismatch(facts: DiscoveryFacts) -> Iterator[Hit]:
    """One topic is used with different type names: those endpoints never communicate.

    Endpoints only match when their type names agree (OpenSplice and most vendors compare
    names; Cyclone additionally checks XTypes assignability). Two builds of an application
    with different IDL, or a renamed module, split a topic into groups that silently ignore
    each other, and the first type registered in an OpenSplice domain wins, so the last node
    to join fails.

    Fix: deploy one version of the data model everywhere (rebuild the odd one out).

    Reference: DDS 1.4 §2.2.2.3.1 (topic type); tech note "incompatible versions of xml".
    """
    for topic, eps in facts.by_topic().items():
        by_type: dict[str, list[Endpoint]] = defaultdict(list)
        for ep in eps:
            by_type[ep.type_name].append(ep)
        if len(by_type) < 2:
            continue
        summary = {t: [who(facts, e) for e in members] for t, members in sorted(by_type.items())}
        yield Hit(
            f"topic {topic!r} is used with {len(by_type)} type names "
            f"({', '.join(sorted(by_type))}); endpoints of different types never match",
            location=_loc(facts, eps[0]),
            hint="deploy the same data-model version on every node",
            evidence={"types": summary},
        )


@rule("DD822", "discovery.version-mismatch", Severity.ERROR, Subject.DISCOVERY)
def version_mismatch(facts: DiscoveryFacts) -> Iterator[Hit]:
    """Topic names that differ only by a version hash: two interface versions are running.

    SAL and SalObj append a hash of each topic's definition to its name, so that a new
    interface version does not collide with cached old ones. The price is that writers of
    one version and readers of another are on different topics and never see each other,
    silently (tech note: "incompatible versions silently fail to communicate"). Type names
    with different hash suffixes on one topic are reported as well.

    Fix: deploy the same interface (XML/IDL) version on every component.

    Reference: tech note §"Systems running incompatible versions of xml interface".
    """
    stems: dict[str, dict[str, list[Endpoint]]] = defaultdict(lambda: defaultdict(list))
    for topic, eps in facts.by_topic().items():
        m = _HASH_SUFFIX.match(topic)
        if m:
            stems[m.group("stem")][topic].extend(eps)
    for stem, variants in sorted(stems.items()):
        if len(variants) < 2:
            continue
        kinds = {t: sorted({e.kind.value for e in eps}) for t, eps in variants.items()}
        first = next(iter(variants.values()))[0]
        yield Hit(
            f"topic {stem!r} exists in {len(variants)} versions ({', '.join(sorted(variants))}); "
            "endpoints of different versions never communicate",
            location=_loc(facts, first),
            hint="deploy the same interface version everywhere",
            evidence={
                "versions": {
                    t: [who(facts, e) for e in eps] for t, eps in sorted(variants.items())
                },
                "kinds": kinds,
            },
        )


@rule("DD823", "discovery.qos-incompatible", Severity.ERROR, Subject.DISCOVERY)
def qos_incompatible(facts: DiscoveryFacts) -> Iterator[Hit]:
    """A writer and a reader of one topic and partition have incompatible QoS: no data flows.

    Requested/offered QoS must be compatible: the writer must offer at least the reader's
    reliability, durability, deadline, latency budget and liveliness, the same ownership, and
    at least its destination order and presentation. Otherwise DDS refuses the match and
    reports it only to the application (an incompatible-QoS status that few applications
    read). In the tech note, components built with different SAL/SalObj versions had
    different QoS and some messages never arrived.

    Fix: align the QoS profiles (deploy one QoS file version); the evidence names the
    policies and both sides' values.

    Reference: DDS 1.4 §2.2.3 (RxO column of the QoS table).
    """
    for topic, eps in facts.by_topic().items():
        writers, readers = _split(eps)
        for r in readers:
            for w in writers:
                if not partitions_match(w.partitions, r.partitions):
                    continue
                bad = incompatible_policies(w.qos, r.qos)
                if not bad:
                    continue
                values = {
                    name: {
                        "offered": str(getattr(w.qos, _FIELD.get(name, name))),
                        "requested": str(getattr(r.qos, _FIELD.get(name, name))),
                    }
                    for name in bad
                }
                yield Hit(
                    f"topic {topic!r}: {who(facts, w)} offers less than {who(facts, r)} "
                    f"requests ({', '.join(bad)}); they never match",
                    location=_loc(facts, r),
                    hint="use the same QoS profile on both sides",
                    evidence={"writer": w.guid, "reader": r.guid, "policies": values},
                )


_FIELD = {
    "latency_budget": "latency_budget_s",
    "deadline": "deadline_s",
    "presentation": "presentation_scope",
}


@rule("DD824", "discovery.writer-without-reader", Severity.INFO, Subject.DISCOVERY)
def writer_without_reader(facts: DiscoveryFacts) -> Iterator[Hit]:
    """A topic has writers and no reader anywhere in the domain.

    Often harmless (telemetry that nobody is subscribed to right now), but when a consumer is
    expected it means the consumer is not running, is on another domain, or uses a different
    topic name (a version hash, a typo).

    Fix: start the consumer, or check its domain id and topic name.

    Reference: DDS 1.4 §2.2.2 (publication/subscription matching).
    """
    for topic, eps in facts.by_topic().items():
        writers, readers = _split(eps)
        if writers and not readers:
            yield Hit(
                f"topic {topic!r} has {len(writers)} writer(s) and no reader",
                location=_loc(facts, writers[0]),
                evidence={"writers": [who(facts, w) for w in writers]},
            )


@rule("DD825", "discovery.reader-without-writer", Severity.INFO, Subject.DISCOVERY)
def reader_without_writer(facts: DiscoveryFacts) -> Iterator[Hit]:
    """A topic has readers and no writer anywhere in the domain.

    The readers wait for data nobody publishes: the producer is down, on another domain, or
    publishes a different topic name. Late joiners of a durable topic then time out on
    historical data.

    Fix: start the producer, or check its domain id and topic name.

    Reference: DDS 1.4 §2.2.2 (publication/subscription matching).
    """
    for topic, eps in facts.by_topic().items():
        writers, readers = _split(eps)
        if readers and not writers:
            yield Hit(
                f"topic {topic!r} has {len(readers)} reader(s) and no writer",
                location=_loc(facts, readers[0]),
                evidence={"readers": [who(facts, r) for r in readers]},
            )

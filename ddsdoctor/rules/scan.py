"""What a live scan of the builtin topics adds to the discovery rules (DD90x).

They run on discovery facts like DD82x; DD900 only on facts read from builtin topics.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.discovery import (
    DiscoveryFacts,
    Durability,
    Endpoint,
    EndpointKind,
    HistoryKind,
    Participant,
)
from ddsdoctor.findings import Location, Severity
from ddsdoctor.live.targets import late_joiner_depth as served_depth
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.rules.discovery import where, who


@rule("DD900", "scan.no-peers", Severity.WARNING, Subject.DISCOVERY)
def no_peers(facts: DiscoveryFacts) -> Iterator[Hit]:
    """The scan found no other participant: the domain is empty or unreachable from here.

    A live scan joins the domain and waits for other participants' SPDP announcements. None
    arriving means nothing runs on this domain id, or the scan listened on the wrong network
    interface, or multicast does not reach this host (a firewall, IGMP snooping without a
    querier, a container network without multicast). Applications configured like this scan
    would be just as alone.

    Fix: check ``--domain`` against the applications' domain id (OpenSplice ``Domain/Id``,
    Cyclone ``Domain@id``, ``ROS_DOMAIN_ID``), pass ``--interface`` for the network the system
    uses, and make sure UDP multicast to 239.255.0.1 port 7400 + 250 x domain is allowed.

    Reference: DDSI-RTPS 2.2 §8.5.3 (SPDP) and §9.6.1.1 (port mapping).
    """
    if facts.source != "builtin-topics":
        return
    if not any(not p.gone for p in facts.participants.values()):
        yield Hit(
            "no other DDS participant answered on this domain: nothing here can exchange data "
            "with it",
            location=Location(),
            hint="check --domain and --interface, and that UDP multicast reaches this host",
        )


@rule("DD901", "scan.participant-left", Severity.INFO, Subject.DISCOVERY)
def participant_left(facts: DiscoveryFacts) -> Iterator[Hit]:
    """A participant left the domain while it was being watched.

    A clean exit disposes the participant at once; a crash, a hung process or a cut link is
    noticed only when its lease expires (Cyclone 10 s, OpenSplice 11 s by default), and its
    readers' and writers' peers stop exchanging data with it. Repeated joining and leaving of
    the same process is a restart loop.

    Fix: nothing if the exit was intended; otherwise look at that process's logs and at the
    network between it and here.

    Reference: DDSI-RTPS 2.2 §8.5.3.2 (participant lease); DDS 1.4 §2.2.5 builtin topics.
    """
    for p in sorted(facts.participants.values(), key=lambda p: p.guid_prefix):
        if p.gone and p.role in (None, "application"):
            when = f" at {p.last_seen:.1f} s" if p.last_seen is not None else ""
            yield Hit(
                f"participant {p.guid_prefix} on {where(p, 'unknown host')} left the domain{when}",
                location=Location(domain=p.domain_id, guid=p.guid_prefix),
                evidence={"first_seen": p.first_seen, "last_seen": p.last_seen},
            )


@rule("DD902", "scan.late-joiner-depth", Severity.WARNING, Subject.DISCOVERY)
def late_joiner_depth(facts: DiscoveryFacts) -> Iterator[Hit]:
    """A Cyclone TRANSIENT_LOCAL writer keeps fewer samples for late joiners than its History.

    Cyclone DDS serves late joiners from the writer's history only up to the
    DurabilityService history depth (default 1), not the History depth: a writer with
    ``History KEEP_LAST 10`` and the default DurabilityService gives a late-joining reader one
    sample per instance. Components that expect the last N events at startup silently get one.

    Fix: set the writer's DurabilityService history (KEEP_LAST N or KEEP_ALL) to what late
    joiners should receive, usually the same as its History.

    Reference: Cyclone DDS dds_whc.c (tldepth = durability_service.history.depth);
    test-rig.md §4 (measured: depth 5 delivers 5, not the History's 10).
    """
    for ep in sorted(facts.live_endpoints(), key=lambda e: e.guid):
        if ep.kind is not EndpointKind.WRITER:
            continue
        depth = served_depth(facts, ep)  # None unless a Cyclone TRANSIENT_LOCAL writer
        q = ep.qos
        if depth is None or (q.history is HistoryKind.KEEP_LAST and q.history_depth <= depth):
            continue
        owner = facts.owner(ep)
        history = "all" if q.history is HistoryKind.KEEP_ALL else str(q.history_depth)
        yield Hit(
            f"topic {ep.topic!r}: {who(facts, ep)} keeps {history} sample(s) per instance "
            f"but late joiners get only {depth}",
            location=Location(
                topic=ep.topic, guid=ep.guid, domain=owner.domain_id if owner else None
            ),
            hint="set DurabilityService history to the depth late joiners need",
            evidence={"history": history, "durability_service_depth": depth},
        )


def _serves(writer: Endpoint, reader_owner: Participant | None, facts: DiscoveryFacts) -> bool:
    """Whether TRANSIENT history of ``writer`` can reach a reader of that participant."""
    owner = facts.owner(writer)
    w_ospl = owner is not None and owner.is_opensplice
    r_ospl = reader_owner is not None and reader_owner.is_opensplice
    return w_ospl == r_ospl


@rule("DD903", "scan.transient-across-vendors", Severity.WARNING, Subject.DISCOVERY)
def transient_across_vendors(facts: DiscoveryFacts) -> Iterator[Hit]:
    """TRANSIENT history crosses between OpenSplice and another vendor: it is never delivered.

    OpenSplice serves TRANSIENT and PERSISTENT history only through its durability services,
    to OpenSplice readers. A Cyclone DDS (or other) late joiner gets live data from an
    OpenSplice TRANSIENT writer but no history, even on a healthy system; an OpenSplice
    TRANSIENT late joiner waits in vain for history of a Cyclone TRANSIENT writer and times
    out. TRANSIENT_LOCAL history crosses fine (DDSI2 serves it from the writer).

    Fix: use TRANSIENT_LOCAL for topics whose history must cross vendors, or keep their
    readers on OpenSplice.

    Reference: opensplice-facts §10 "Interop with Cyclone DDS 11" (verified).
    """
    for topic, eps in facts.by_topic().items():
        writers = [e for e in eps if e.kind is EndpointKind.WRITER]
        readers = [
            e
            for e in eps
            if e.kind is EndpointKind.READER and e.qos.durability >= Durability.TRANSIENT
        ]
        transient = [
            w
            for w in writers
            if w.qos.durability >= Durability.TRANSIENT
            and (o := facts.owner(w)) is not None
            and o.vendor_id is not None
        ]
        for r in readers:
            owner = facts.owner(r)
            if owner is None or owner.vendor_id is None or not transient:
                continue
            if any(_serves(w, owner, facts) for w in transient):
                continue
            yield Hit(
                f"topic {topic!r}: {who(facts, r)} requests TRANSIENT history but its writers "
                f"are on another vendor ({', '.join(sorted({who(facts, w) for w in transient}))}); "
                "no history is delivered across OpenSplice and other vendors",
                location=Location(topic=topic, guid=r.guid, domain=owner.domain_id),
                hint="use TRANSIENT_LOCAL for history that must cross vendors",
                evidence={"reader": r.guid, "writers": [w.guid for w in transient]},
            )

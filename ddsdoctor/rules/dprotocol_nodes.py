"""Durability services over time: stuck before COMPLETE, missed heartbeats, merges, unknown views.

Codes DD955, DD958, DD959 and DD983; the subject is a ``durability.view.DurabilityView``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.durability.sweep import intervals, segments
from ddsdoctor.durability.view import DurabilityView, Leave, Stance
from ddsdoctor.findings import Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.rules.dprotocol_views import describe, location, ns_label, when


@rule("DD955", "dprotocol.fellow-stuck", Severity.WARNING, Subject.DURABILITY)
def fellow_stuck(view: DurabilityView) -> Iterator[Hit]:
    """A durability service stays before COMPLETE: its applications' historical reads time out.

    A service publishes its state in ``d_status`` every second. After start-up it goes
    through DISCOVER_FELLOWS_GROUPS, DISCOVER_PERSISTENT_SOURCE, DISCOVER_LOCAL_GROUPS and
    FETCH_INITIAL; only when its initial alignment is done does it reach COMPLETE (and
    ospl-info.log says "The service 'durability' is now operational"). In single-process
    mode ``wait_for_historical_data`` returns at that very moment, so a service that stays in
    FETCH_INITIAL longer than the application's timeout is the historical read timeout of the
    tech note. A service that never sent a sample request while stuck is waiting for groups
    its master does not have (Lazy master); one whose requests go unanswered waits for an
    aligner (see DD956).

    Fix: check its master (DD952-DD954) and its unanswered requests; the healthy lab time
    to COMPLETE was 7-10 s in single-process mode, most of it configured delay
    (InitialDiscoveryPeriod, RequestCombinePeriod).

    Reference: opensplice-durability-protocol.md §6.1, §7; opensplice-facts.md §10.
    """
    for sid, f in view.fellows.items():
        if not f.states or f.completed_at() is not None:
            continue
        stop = f.left_at if f.left_at is not None else f.last_heard
        if view.end is not None and f.left_at is None:
            stop = max(stop, view.end)
        waited = stop - f.first_seen
        if waited < view.limits.stuck_s or (
            f.state is not None and f.state.leaving and f.states[0][1].leaving
        ):
            continue
        state = next((st for _, st in reversed(f.states) if not st.leaving), f.states[-1][1])
        asked = [a for a in view.alignments if a.requester == sid]
        why = (
            f"{sum(not a.complete for a in asked)} of its {len(asked)} sample request(s) are "
            "unanswered"
            if asked
            else "it never sent a sample request (its master may not hold the groups it needs)"
        )
        yield Hit(
            f"fellow {view.label(sid)} stayed in {state.name} for {waited:.1f} s without "
            f"reaching COMPLETE: {why}; historical reads of its applications time out",
            location=location(view, f.first_seen, [sid], topic="d_status"),
            evidence={
                "fellow": sid,
                "state": state.name,
                "waited_s": round(waited, 3),
                "requests": len(asked),
            },
        )


@rule("DD958", "dprotocol.missed-heartbeats", Severity.WARNING, Subject.DURABILITY)
def missed_heartbeats(view: DurabilityView) -> Iterator[Hit]:
    """A durability service stopped heartbeating without saying TERMINATING.

    ``d_status`` is the only periodic durability message (every second by default). A gap
    longer than the heartbeat expiry (``--heartbeat``, default 4 s, Network/Heartbeat/
    ExpiryTime) means the service, its process or its link stalled: peers drop a silent
    fellow when its DDSI lease expires (11 s; 10.3 s after a cable cut in the lab), and
    re-discover it when it comes back, which restarts namespace exchange and may raise master
    conflicts (DD959). A fellow that vanishes for good without TERMINATING crashed or lost its
    network; a clean exit sends TERMINATING (or disposes its process's participants).

    Fix: look for CPU starvation, a paused process, a flapping interface or a firewall on
    the silent node; compare with ``Missed heartbeat for node`` lines in ospl-info.log.

    Reference: opensplice-durability-protocol.md §6.1, §8.3; opensplice-facts.md §10.
    """
    for sid, f in view.fellows.items():
        for start, back in f.gaps:
            if back is not None:
                yield Hit(
                    f"fellow {view.label(sid)} sent no d_status for {back - start:.1f} s from "
                    f"{when(view, start)} and then came back"
                    + (
                        " (longer than its lease: peers dropped and re-discovered it)"
                        if back - start >= f.lease_s
                        else ""
                    ),
                    location=location(view, start, [sid], topic="d_status"),
                    evidence={
                        "fellow": sid,
                        "silent_from": start,
                        "back_at": back,
                        "silent_s": round(back - start, 3),
                    },
                )
            elif f.left_how is Leave.LEASE:
                yield Hit(
                    f"fellow {view.label(sid)} vanished at {when(view, start)} without "
                    "TERMINATING: peers drop it when its lease expires "
                    f"({f.lease_s:.0f} s later)",
                    location=location(view, start, [sid], topic="d_status"),
                    evidence={"fellow": sid, "silent_from": start},
                )
            elif view.end is not None:
                yield Hit(
                    f"fellow {view.label(sid)} sent no d_status for the last "
                    f"{view.end - start:.1f} s of the observation",
                    location=location(view, start, [sid], topic="d_status"),
                    evidence={"fellow": sid, "silent_from": start},
                )


@rule("DD959", "dprotocol.merge-drops-data", Severity.WARNING, Subject.DURABILITY)
def merge_drops_data(view: DurabilityView) -> Iterator[Hit]:
    """Split master views were merged without any sample request: data from one side is lost.

    When a network partition heals (or a node returns after its lease expired), each side
    has run with its own master. OpenSplice then raises master conflicts ("Master conflict in
    namespace ... (use_legacy: 1)") and applies the namespace's merge policy. With IGNORE,
    the default when no Merge rule matches the Role, the resolver requests no data: samples
    written on the losing side during the partition never reach the others, and the wire
    shows fellows switching master with no ``d_sampleRequest`` after it. This rule reports a
    split (DD950, or one caused by a fellow returning from a long silence) that resolved
    without any request from the fellows that switched master.

    Fix: configure ``NameSpaces/Policy/Merge`` with type MERGE (or REPLACE/DELETE as the data
    requires) for the scope of your Role, or republish the state after a partition.

    Reference: opensplice-facts.md §4, §10 (master conflicts); protocol §6.3 (merge states).
    """
    window = max(view.limits.timeout_s, 10.0)
    for ns in view.namespaces:
        segs = list(segments(view, ns))
        for iv in intervals(segs, lambda s: s.split):
            after = next((s for s in segs if s.start >= iv.end and s.beliefs), None)
            if after is None or after.split:
                continue
            returned = [
                sid
                for sid, f in view.fellows.items()
                if any(
                    b is not None and b - a >= f.lease_s and iv.start - 1 <= b <= iv.end
                    for a, b in f.gaps
                )
            ]
            if iv.duration < view.limits.grace_s and not returned:
                continue  # selection in progress, not a partition
            before = iv.segments[-1].beliefs
            switched = sorted(
                sid
                for sid, b in before.items()
                if sid in after.beliefs
                and b.confirmed_master != after.beliefs[sid].confirmed_master
                and b.stance is Stance.MASTER
            )
            if not switched:
                continue
            requested = [
                a
                for a in view.alignments
                if a.requester in switched
                and iv.end <= a.requested_at <= iv.end + window
                and _in(view, a.group, ns.key)
            ]
            if requested:
                continue
            yield Hit(
                f"{ns_label(ns)}: views split ({describe(view, iv.widest())}) and merged at "
                f"{when(view, iv.end)}; {', '.join(view.label(s) for s in switched)} switched "
                "master without requesting any sample: with the default IGNORE merge policy "
                "data written on their side during the split is not merged",
                location=location(view, iv.end, switched, topic="d_sampleRequest"),
                hint="configure a Merge policy (MERGE/REPLACE) for the namespace and Role",
                evidence={
                    "namespace": ns.name,
                    "split_from": iv.start,
                    "merged_at": iv.end,
                    "switched": switched,
                    "returned": returned,
                },
            )


@rule("DD983", "dprotocol.views-unknown", Severity.INFO, Subject.DURABILITY)
def views_unknown(view: DurabilityView) -> Iterator[Hit]:
    """Some fellows' master views are not known yet: their d_nameSpaces was never seen.

    ``d_nameSpaces`` is written only on events (a new fellow, a master selection, a merge),
    never periodically, and it is VOLATILE: an observer that starts after selection has
    finished learns a fellow's view only when the next event makes it re-announce (a node
    joining makes every node answer it). ``d_status`` is heard every second, so the fellow is
    known to be there. ddsdoctor reports such views as unknown instead of guessing.

    Fix: capture (or start ``--domain`` observation) before the nodes start, or wait for the
    next node to join; a restart of any one durability service makes every node announce.

    Reference: opensplice-durability-protocol.md §8.3-§8.4.
    """
    if not view.namespaces:
        if view.fellows:
            yield Hit(
                f"{len(view.fellows)} fellow(s) are heartbeating but none announced a "
                "namespace while observed: master views are not known",
                location=location(view, view.start, view.fellows, topic="d_nameSpaces"),
                evidence={"fellows": sorted(view.fellows)},
            )
        return
    announced = {sid for ns in view.namespaces for sid in ns.announcements}
    missing = sorted(set(view.fellows) - announced)
    if missing:
        names = ", ".join(view.label(s) for s in missing)
        yield Hit(
            f"the master views of {names} are not known: no d_nameSpaces from them while "
            "observed (it is sent only on events)",
            location=location(view, view.start, missing, topic="d_nameSpaces"),
            evidence={"fellows": missing},
        )


def _in(view: DurabilityView, group: str, key: tuple[str, str]) -> bool:
    """The group belongs to the namespace (or to no namespace the fellows announced)."""
    nss = view.namespace_of(group)
    return not nss or key in {n.key for n in nss}


@rule("DD960", "dprotocol.fleet-view-differs", Severity.WARNING, Subject.DURABILITY)
def fleet_view_differs(view: DurabilityView) -> Iterator[Hit]:
    """A node follows a master that the fleet's configs do not predict for it (``--fleet``).

    ``ddsdoctor fleet`` predicts, from every node's effective configuration, which nodes each
    node may follow (several when it depends on the random systemIds). The wire says which
    one it actually follows. A node outside the prediction runs with a configuration other
    than the one in FLEET.toml (a stale file, an environment variable set differently, a
    node missing from the fleet file), or the prediction is wrong: either way the intended
    master design is not what runs. Fellows are matched to fleet nodes by host name (or by
    systemId when a node is named after it).

    Fix: compare the node's running ospl.xml and environment with FLEET.toml; add missing
    nodes to the fleet file.

    Reference: ``ddsdoctor fleet`` (ospl/election.py); opensplice-facts.md §10.
    """
    pred = view.predicted
    if pred is None:
        return
    for ns in view.namespaces:
        nodes = pred.views.get(ns.key)
        if nodes is None:
            continue
        for sid in view.fellows:
            node = pred.node_of.get(sid)
            belief = view.final_belief(ns, sid)
            if node is None or node not in nodes or not belief.decided:
                continue
            master = belief.confirmed_master
            observed = None if master is None else pred.node_of.get(master, f"unknown:{master}")
            possible = nodes[node]
            if observed in possible:
                continue
            names = ", ".join(p or "nobody" for p in possible)
            yield Hit(
                f"{ns_label(ns)}: fellow {view.label(sid)} (fleet node {node}) follows "
                f"{view.label(master) if master else 'nobody'} (fleet node "
                f"{observed or 'none'}) but the fleet's configs predict {names}",
                location=location(view, view.view_time(sid), [sid], topic="d_nameSpaces"),
                evidence={
                    "namespace": ns.name,
                    "fellow": sid,
                    "node": node,
                    "observed": observed,
                    "predicted": list(possible),
                    "reason": pred.reasons.get(ns.key, {}).get(node, ""),
                    "fleet": pred.fleet,
                },
            )

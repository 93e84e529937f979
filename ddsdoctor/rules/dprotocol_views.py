"""Master views on the durability protocol wire: splits, no master, Lazy masters (DD950-4, DD961).

These rules judge a ``durability.view.DurabilityView`` rebuilt from a capture or a live reader
(``ddsdoctor durability``), so they see what every node *believes*, not what its config says
(compare the config-based DD40x and the fleet prediction DD60x).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ddsdoctor.durability.messages import AlignmentKind, Completeness, DurabilityKind
from ddsdoctor.durability.sweep import Segment, intervals, segments, without_master
from ddsdoctor.durability.view import DurabilityView, NamespaceView, Stance
from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import Hit, Subject, rule

_HELD = (DurabilityKind.TRANSIENT, DurabilityKind.PERSISTENT)


def when(view: DurabilityView, t: float | None) -> str:
    """A time as seconds into the observation: '+12.34 s'."""
    if t is None:
        return "the end"
    return f"+{t - view.start:.2f} s" if view.start is not None else f"{t:.3f}"


def location(
    view: DurabilityView,
    t: float | None,
    sids: Iterable[int] = (),
    *,
    topic: str | None = None,
    frame: int | None = None,
) -> Location:
    """Where a finding applies: the time, the fellows involved (as ``node``), the topic."""
    nodes = ", ".join(view.label(s) for s in sorted(set(sids)))
    return Location(time=t, frame=frame, node=nodes or None, topic=topic)


def ns_label(ns: NamespaceView) -> str:
    return f"namespace '{ns.name}'" + (f" (role {ns.role})" if ns.role != "DefaultRole" else "")


def describe(view: DurabilityView, seg: Segment) -> str:
    parts = []
    for master, who in seg.masters().items():
        names = ", ".join(view.label(s) for s in who)
        if master is None:
            parts.append(f"{names} no master")
        elif who == [master]:
            parts.append(f"{names} itself")
        else:
            parts.append(f"{names} {view.label(master)}")
    return "; ".join(parts)


def policies(view: DurabilityView, ns: NamespaceView, sids: Iterable[int]) -> dict[str, object]:
    out: dict[str, object] = {}
    for sid in sids:
        a = ns.latest(sid)
        if a is not None:
            out[str(sid)] = {
                "aligner": a.aligner,
                "alignee": a.alignee.name,
                "priority": a.priority,
            }
    return out


@rule("DD950", "dprotocol.split-master-views", Severity.ERROR, Subject.DURABILITY)
def split_master_views(view: DurabilityView) -> Iterator[Hit]:
    """Durability services that are alive together believe in different masters.

    Every node picks the master of a namespace on its own. OpenSplice 6.9 compares each
    candidate with the node's own priority (facts §10), so nodes with different priorities
    can follow different masters, and two nodes started at different times may both confirm
    themselves without any conflict being raised. Each node then aligns from its own master:
    late joiners get different historical data, or none, depending on where they start, and
    ``wait_for_historical_data`` times out on some nodes only (tech note, HRTO). The views are
    read from ``d_nameSpaces`` (master, masterConfirmed) and judged over time; a disagreement
    shorter than the grace period (``--grace``, selection in progress) is not reported.

    Fix: make one node the only master candidate of each namespace (masterPriority > 0 on it,
    0 on all others, aligner=false where a node must never serve), or pin systemIds so the
    intended master also has the highest one; then restart the nodes that follow the wrong
    master. ``ddsdoctor fleet`` predicts the views from the configs.

    Reference: opensplice-durability-protocol.md §8.1-§8.2; opensplice-facts.md §10.
    """
    for ns in view.namespaces:
        segs = list(segments(view, ns))
        for iv in intervals(segs, lambda s: s.split):
            if iv.duration < view.limits.grace_s:
                continue
            seg = iv.widest()
            ongoing = iv.end >= (view.end or iv.end)
            until = "until the end of the observation" if ongoing else f"until {when(view, iv.end)}"
            yield Hit(
                f"{ns_label(ns)}: master views split for {iv.duration:.1f} s from "
                f"{when(view, iv.start)} {until}, following: {describe(view, seg)}; late "
                "joiners align from different masters and may get different or no historical "
                "data",
                location=location(view, iv.start, seg.beliefs, topic="d_nameSpaces"),
                hint="give one node the only masterPriority > 0 (others 0), or pin systemIds",
                evidence={
                    "namespace": ns.name,
                    "role": ns.role,
                    "since": iv.start,
                    "until": None if ongoing else iv.end,
                    "views": {str(s): b.confirmed_master for s, b in seg.beliefs.items()},
                    "master_policy": policies(view, ns, seg.beliefs),
                },
            )


@rule("DD951", "dprotocol.no-master", Severity.WARNING, Subject.DURABILITY)
def no_master(view: DurabilityView) -> Iterator[Hit]:
    """A namespace has no master: the fellows say 'no master', or their master left.

    A namespace needs a master to align late joiners (the master answers the group lists and
    is the preferred aligner). The views say so when every fellow that has decided confirms
    master 0 (nobody eligible: every node has aligner=false or masterPriority 0), or when the
    confirmed master has left (TERMINATING, or silent past its lease) and nobody confirmed a
    new one: believers clear a departed master silently and only re-announce after a new
    selection (§8.3), so the wire shows nothing until then. While there is no master, a
    TRANSIENT late joiner cannot be aligned and ``wait_for_historical_data`` times out.

    Fix: make at least one always-running node a master candidate (aligner=true and
    masterPriority > 0), ideally with backups; check why the master left.

    Reference: opensplice-durability-protocol.md §8.1, §8.3; opensplice-facts.md §4.
    """
    for ns in view.namespaces:
        segs = list(segments(view, ns))
        for iv in intervals(segs, without_master):
            if iv.duration < view.limits.grace_s:
                continue
            who = sorted({sid for s in iv.segments for sid in s.beliefs})
            gone = {
                b.master
                for s in iv.segments
                for b in s.beliefs.values()
                if b.stance is Stance.CLEARED
            }
            why = (
                "their master "
                + ", ".join(view.label(m) for m in sorted(x for x in gone if x))
                + " left and nobody confirmed a new one"
                if gone
                else "they confirmed that nobody is eligible"
            )
            yield Hit(
                f"{ns_label(ns)} has no master for {iv.duration:.1f} s from "
                f"{when(view, iv.start)}: {why} "
                f"({', '.join(view.label(s) for s in who)}); late joiners cannot be "
                "aligned until a master is confirmed",
                location=location(view, iv.start, who, topic="d_nameSpaces"),
                evidence={
                    "namespace": ns.name,
                    "role": ns.role,
                    "since": iv.start,
                    "master_policy": policies(view, ns, who),
                },
            )


def masters(view: DurabilityView, ns: NamespaceView) -> dict[int, tuple[float, set[int]]]:
    """Every confirmed master of ``ns``: when it was first believed, and by whom (others)."""
    out: dict[int, tuple[float, set[int]]] = {}
    for seg in segments(view, ns):
        for sid, b in seg.beliefs.items():
            m = b.confirmed_master
            if m is None:
                continue
            first, who = out.get(m, (seg.start, set()))
            if sid != m:
                who.add(sid)
            out[m] = (min(first, seg.start), who)
    return out


@rule("DD952", "dprotocol.lazy-master", Severity.ERROR, Subject.DURABILITY)
def lazy_master(view: DurabilityView) -> Iterator[Hit]:
    """The confirmed master of a namespace announces alignee Lazy: a 'Lazy master'.

    Master selection does not look at the alignee policy: a node with aligner=true and
    alignee=Lazy can win. A Lazy node keeps only the groups it has local readers or writers
    for, so as master it cannot serve the rest: the other nodes log "No aligner yet for
    group", late joiners time out with 0 samples, and the master's own logs show nothing
    wrong. This is the tech note's "Lazy master". The alignee comes from the master's own
    ``d_nameSpaces`` (alignmentKind).

    Fix: the master (and every backup master candidate) must use alignee=Initial; keep Lazy
    only on nodes with masterPriority 0 or aligner=false.

    Reference: tech note "Lazy master"; opensplice-facts.md §4, §10; protocol §6.3.
    """
    for ns in view.namespaces:
        for m, (first, who) in sorted(masters(view, ns).items()):
            own = ns.latest(m)
            if own is None or own.alignee is not AlignmentKind.LAZY or not own.aligner:
                continue
            yield Hit(
                f"{ns_label(ns)}: master {view.label(m)} (confirmed by "
                f"{len(who)} other fellow(s) from {when(view, first)}) announces alignee=Lazy: "
                "it keeps only groups it has local interest in, so late joiners that depend "
                "on it get no historical data and time out",
                location=location(view, first, [m], topic="d_nameSpaces"),
                hint="set alignee=Initial on the master and every backup candidate",
                evidence={
                    "namespace": ns.name,
                    "master": m,
                    "believers": sorted(who),
                    "master_policy": policies(view, ns, [m]),
                },
            )


@rule("DD953", "dprotocol.master-incomplete", Severity.ERROR, Subject.DURABILITY)
def master_incomplete(view: DurabilityView) -> Iterator[Hit]:
    """A fellow is confirmed master but never reaches COMPLETE.

    A master that stays in FETCH_INITIAL (or earlier) has not finished its own alignment: its
    followers log "Group ... will not be aligned until the master fellow becomes complete"
    and wait, so late joiners time out although a master exists. It happens when the master
    waits for groups that nobody it trusts can deliver, or when it is overloaded (the tech
    note's busy master). The state comes from the master's periodic ``d_status``; the rule
    fires once the master has been believed for longer than ``--stuck``.

    Fix: look at the master's durability.log for the group it is waiting for; give the master
    a dedicated, lightly loaded node (tech note "DDS Master").

    Reference: opensplice-durability-protocol.md §6.1, §7; tech note "DDS Master".
    """
    end = view.end
    for ns in view.namespaces:
        for m, (first, who) in sorted(masters(view, ns).items()):
            f = view.fellow(m)
            if f is None or not who or not f.states or end is None:
                continue
            stop = f.left_at if f.left_at is not None else end
            if any(st.operational for _, st in f.states) or stop - first < view.limits.stuck_s:
                continue
            state = next((st.name for _, st in reversed(f.states) if not st.leaving), "unknown")
            yield Hit(
                f"{ns_label(ns)}: master {view.label(m)} never reached COMPLETE in "
                f"{stop - first:.1f} s as master (last state {state}); its "
                f"{len(who)} follower(s) cannot be aligned until it does",
                location=location(view, first, [m], topic="d_status"),
                evidence={
                    "namespace": ns.name,
                    "master": m,
                    "state": state,
                    "believers": sorted(who),
                },
            )


def _group_namespaces(view: DurabilityView, group: str) -> list[NamespaceView]:
    return view.namespace_of(group)


@rule("DD954", "dprotocol.master-lacks-groups", Severity.ERROR, Subject.DURABILITY)
def master_lacks_groups(view: DurabilityView) -> Iterator[Hit]:
    """The master does not hold a group its followers need.

    Followers align each group from the master when it has the group complete. A master that
    lacks a TRANSIENT/PERSISTENT group that other nodes hold complete, or that answers a
    sample request with a LINK whose completeness is not COMPLETE ("Sending no samples for
    group ... to fellow", completeness UNKNOWN), leaves its followers without that group's
    history: the Lazy-master failure seen from the groups, also possible with an Initial
    master that joined late or has no copy yet. Groups come from ``d_newGroup``; LINKs from
    ``d_sampleChain``.

    Fix: use alignee=Initial on the master so it keeps every group of the namespace; make
    sure the master is the longest-running node.

    Reference: opensplice-facts.md §4 (aligner choice), §10; protocol §6.5, §6.7, §9.3.
    """
    held: dict[tuple[int, str], Completeness] = {}
    kinds: dict[str, DurabilityKind] = {}
    for g in view.groups:
        held[(g.fellow, g.group)] = g.completeness
        kinds[g.group] = g.durability_kind
    reported: set[tuple[int, str]] = set()
    for a in view.alignments:
        for ln in a.links:
            if ln.completeness is Completeness.COMPLETE or ln.aligner != a.addressee:
                continue
            if not _is_master_for(view, ln.aligner, a.group, a.requested_at):
                continue
            reported.add((ln.aligner, a.group))
            yield Hit(
                f"master {view.label(ln.aligner)} answered {view.label(a.requester)}'s request "
                f"for group '{a.group}' with {ln.nr_samples} sample(s) and completeness "
                f"{ln.completeness.name}: it does not hold the group",
                location=location(view, ln.time, [ln.aligner, a.requester], frame=a.frame),
                evidence={
                    "group": a.group,
                    "master": ln.aligner,
                    "requester": a.requester,
                    "completeness": ln.completeness.name,
                },
            )
    by_ns: dict[tuple[str, str], dict[int, tuple[float, set[int]]]] = {}
    for group, kind in sorted(kinds.items()):
        if kind not in _HELD or group.startswith("__NODE"):
            continue  # node-local builtin partitions are never aligned
        holders = sorted(
            f for (f, g), c in held.items() if g == group and c is Completeness.COMPLETE
        )
        for ns in _group_namespaces(view, group):
            if ns.key not in by_ns:
                by_ns[ns.key] = masters(view, ns)
            for m, (first, who) in sorted(by_ns[ns.key].items()):
                if not who or (m, group) in reported:
                    continue
                if held.get((m, group)) is Completeness.COMPLETE or not [
                    h for h in holders if h != m
                ]:
                    continue
                yield Hit(
                    f"{ns_label(ns)}: master {view.label(m)} never reported group '{group}' "
                    f"complete while {', '.join(view.label(h) for h in holders)} hold it: "
                    f"its {len(who)} follower(s) cannot align it from the master",
                    location=location(view, first, [m], topic="d_newGroup"),
                    hint="alignee=Initial on the master",
                    evidence={
                        "namespace": ns.name,
                        "group": group,
                        "master": m,
                        "holders": holders,
                        "master_completeness": getattr(held.get((m, group)), "name", None),
                    },
                )


def _is_master_for(view: DurabilityView, sid: int, group: str, t: float) -> bool:
    for ns in _group_namespaces(view, group) or view.namespaces:
        for other in view.fellows:
            if view.belief(ns, other, t).confirmed_master == sid:
                return True
    return False


@rule("DD961", "dprotocol.legacy-mixed", Severity.ERROR, Subject.DURABILITY)
def legacy_mixed(view: DurabilityView) -> Iterator[Hit]:
    """Aligners of one namespace mix masterPriority 255 (legacy) with priorities.

    The masterPriority an aligner announces travels as an extension of ``d_nameSpaces``.
    255 selects the legacy master selection algorithm; any other value the priority one. Two
    aligners of one namespace that use different algorithms cannot agree: OpenSplice logs "I
    use priorities for namespace ... while fellow ... uses the legacy master selection
    algorithm, this is an incompatible and unsupported configuration", and the views usually
    split.

    Fix: give every aligner of the namespace a masterPriority from 0 to 254 (or all 255).

    Reference: opensplice-facts.md §4 (algorithm choice); protocol §6.3 (extensions).
    """
    for ns in view.namespaces:
        prio = {
            sid: a.priority
            for sid in ns.announcements
            if (a := ns.latest(sid)) and a.aligner and a.priority is not None
        }
        legacy = sorted(s for s, p in prio.items() if p == 255)
        modern = sorted(s for s, p in prio.items() if p != 255)
        if legacy and modern:
            yield Hit(
                f"{ns_label(ns)}: {', '.join(view.label(s) for s in legacy)} announce(s) the "
                "legacy master selection (masterPriority 255) while "
                f"{', '.join(view.label(s) for s in modern)} announce(s) priorities: an "
                "incompatible and unsupported mix",
                location=location(view, None, [*legacy, *modern], topic="d_nameSpaces"),
                evidence={"namespace": ns.name, "priorities": {str(k): v for k, v in prio.items()}},
            )

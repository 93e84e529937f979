"""The view as plain JSON-ready data: the members of ``ddsdoctor durability --format json``.

``fellows``, ``namespaces`` and ``alignments`` have exactly the members issue 7 fixes; what
else the view knows goes into separate top-level members (``groups``, ``beliefs``,
``timeline``, ``observation``) so that those three stay stable.
"""

from __future__ import annotations

from typing import Any

from ddsdoctor.durability.messages import AlignmentKind
from ddsdoctor.durability.view import DurabilityView, NamespaceView, Stance

# As the Policy attribute spells them (and ``ddsdoctor fleet`` prints them).
ALIGNEE_NAMES = {
    AlignmentKind.INITIAL: "Initial",
    AlignmentKind.LAZY: "Lazy",
    AlignmentKind.ON_REQUEST: "On_Request",
}


def _t(value: float | None) -> float | None:
    return None if value is None else round(value, 6)


def namespace_name(view: DurabilityView, ns: NamespaceView) -> str:
    """The name, suffixed with ``@role`` only when one name is used by several roles."""
    roles = {n.role for n in view.namespaces if n.name == ns.name}
    return ns.name if len(roles) == 1 else f"{ns.name}@{ns.role}"


def fellows(view: DurabilityView) -> list[dict[str, Any]]:
    return [
        {
            "system_id": f.system_id,
            "host": f.host,
            "ip": f.ip,
            "state": f.state.name if f.state is not None else None,
        }
        for f in view.fellows.values()
    ]


def namespaces(view: DurabilityView) -> list[dict[str, Any]]:
    out = []
    for ns in view.namespaces:
        views: dict[str, int | None] = {}
        policy: dict[str, dict[str, Any]] = {}
        for sid in view.fellows:
            belief = view.final_belief(ns, sid)
            if belief.stance is not Stance.UNKNOWN:
                views[str(sid)] = belief.confirmed_master
            a = ns.latest(sid)
            if a is not None:
                policy[str(sid)] = {
                    "aligner": a.aligner,
                    "alignee": ALIGNEE_NAMES[a.alignee],
                    "priority": a.priority,
                }
        out.append({"name": namespace_name(view, ns), "views": views, "master_policy": policy})
    return out


def beliefs(view: DurabilityView) -> list[dict[str, Any]]:
    """Why a view is null: undecided, a proposal, no master, cleared, or not yet known."""
    out = []
    for ns in view.namespaces:
        for sid in view.fellows:
            b = view.final_belief(ns, sid)
            out.append(
                {
                    "namespace": ns.name,
                    "role": ns.role,
                    "fellow": sid,
                    "stance": b.stance.value,
                    "master": b.master,
                    "since": _t(b.since),
                }
            )
    return out


def alignments(view: DurabilityView) -> list[dict[str, Any]]:
    return [
        {
            "requester": a.requester,
            "group": a.group,
            "aligner": a.aligner,
            "requested_at": _t(a.requested_at),
            "latency_s": _t(a.latency_s),
            "samples": a.samples,
            "complete": a.complete,
        }
        for a in view.alignments
    ]


def groups(view: DurabilityView) -> list[dict[str, Any]]:
    """Each fellow's last reported completeness per group."""
    last: dict[tuple[int, str], Any] = {}
    for g in view.groups:
        last[(g.fellow, g.group)] = g
    return [
        {
            "fellow": g.fellow,
            "group": g.group,
            "completeness": g.completeness.name,
            "durability": g.durability_kind.name,
            "at": _t(g.time),
        }
        for (_, _), g in sorted(last.items())
    ]


def timeline(view: DurabilityView) -> dict[str, Any]:
    return {
        str(f.system_id): {
            "first_seen": _t(f.first_seen),
            "last_heard": _t(f.last_heard),
            "left_at": _t(f.left_at),
            "left": f.left_how.value if f.left_how else None,
            "states": [[_t(t), s.name] for t, s in f.states],
            "heartbeat_gaps": [[_t(a), _t(b)] for a, b in f.gaps],
        }
        for f in view.fellows.values()
    }


def observation(view: DurabilityView) -> dict[str, Any]:
    return {
        "source": view.source,
        "partition": view.partition,
        "start": _t(view.start),
        "end": _t(view.end),
        "samples": view.samples,
        "undecodable": len(view.undecodable),
        "unmatched_links": view.unmatched_links,
        "not_known": list(view.notes),
    }


def view_dict(view: DurabilityView) -> dict[str, Any]:
    """Top-level members for the JSON report (the renderer adds tool, findings, summary)."""
    return {
        "fellows": fellows(view),
        "namespaces": namespaces(view),
        "alignments": alignments(view),
        "groups": groups(view),
        "beliefs": beliefs(view),
        "timeline": timeline(view),
        "observation": observation(view),
    }

"""Plain, JSON-ready summaries of a fleet and its durability elections.

``ddsdoctor fleet --format json`` prints ``{"namespaces": [...], "findings": [...]}``; each
namespace entry is built here. ``views`` maps every node to the node it follows (``null`` for
nobody) when that is certain, or to the list of nodes it may follow when it depends on the
random systemIds.
"""

from __future__ import annotations

from typing import Any

from ddsdoctor.ospl.election import Election
from ddsdoctor.ospl.fleet import Fleet


def election_dict(e: Election) -> dict[str, Any]:
    views: dict[str, Any] = {}
    for v in e.views:
        views[v.node] = v.possible[0] if v.certain else list(v.possible)
    split = e.split
    return {
        "name": e.namespace,
        "role": e.role,
        "algorithm": e.algorithm,
        "master": e.master,
        "backups": list(e.backups),
        "tie": sorted(set(e.tie)) if len(e.tie) > 1 else [],
        "candidates": [
            {
                "node": c.node,
                "priority": c.priority,
                "alignee": c.alignee.value,
                "legacy": c.legacy,
                "kind": c.kind.value,
                "count": c.count,
                "pinned_systemid": c.pinned,
            }
            for c in e.candidates
        ],
        "views": views,
        "reasons": {v.node: v.reason for v in e.views},
        "depends_on_systemids": any(not v.certain for v in e.views),
        "split": None
        if split is None
        else {
            "a": split.a,
            "a_master": split.a_master,
            "b": split.b,
            "b_master": split.b_master,
            "condition": split.condition,
        },
        "transient": e.transient,
    }


def fleet_dict(fleet: Fleet) -> dict[str, Any]:
    return {
        "file": fleet.path.as_posix(),
        "nodes": [
            {
                "name": n.name,
                "config": n.display,
                "kind": n.kind.value,
                "count": n.spec.count,
                "role": n.spec.role,
                "durability": n.durability is not None,
            }
            for n in fleet.nodes
        ],
    }


def namespaces(fleet: Fleet) -> list[dict[str, Any]]:
    return [election_dict(e) for e in fleet.elections]

"""Join the observed master views with the views ``ddsdoctor fleet`` predicts from the configs.

A fellow is matched to a FLEET.toml node whose name is the fellow's host name (the spliced
participant's USER_DATA) or its systemId; several fellows may match one node (single-process
nodes with ``count`` > 1). The prediction is per node: the set of nodes it may follow, which
depends on the random systemIds (opensplice-facts.md §10).
"""

from __future__ import annotations

from pathlib import Path

from ddsdoctor.durability.view import DurabilityView, PredictedViews


def predict(fleet_file: Path, view: DurabilityView) -> PredictedViews:
    """Elect masters from the fleet file; raises ``ospl.fleetfile.FleetFileError`` (exit 2)."""
    from ddsdoctor.ospl.fleet import build_fleet
    from ddsdoctor.ospl.fleetfile import load_fleet_file

    fleet = build_fleet(load_fleet_file(fleet_file))
    views: dict[tuple[str, str], dict[str, tuple[str | None, ...]]] = {}
    reasons: dict[tuple[str, str], dict[str, str]] = {}
    for e in fleet.elections:
        views[(e.namespace, e.role)] = {v.node: v.possible for v in e.views}
        reasons[(e.namespace, e.role)] = {v.node: v.reason for v in e.views}
    names = {n.name for n in fleet.nodes}
    node_of: dict[int, str] = {}
    for sid, f in view.fellows.items():
        if str(sid) in names:
            node_of[sid] = str(sid)
        elif f.host in names:
            node_of[sid] = f.host
    return PredictedViews(str(fleet_file), views, reasons, node_of)

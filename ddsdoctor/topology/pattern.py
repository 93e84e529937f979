"""The shape of the host graph: full community mesh, daemons only, or partial.

The tech note (``DDS at NCSA``) compares two pictures of the same system: in OpenSplice
single-process mode every component runs its own DDSI2 and durability services and
exchanges data with every other host (the "full community"); in shared-memory mode only
one daemon per node talks on the network. Only data (not discovery or builtin plumbing)
counts towards the picture, because every DDS participant exchanges discovery with every
other one.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from itertools import combinations

from ddsdoctor.topology.model import Pattern, TopologyReport


def data_pairs(report: TopologyReport) -> tuple[set[str], set[frozenset[str]]]:
    """Hosts that send topic data, and the host pairs that exchange it (directly or
    through a multicast group the other one joined)."""
    members = {g.address: g.members for g in report.groups}
    senders: set[str] = set()
    pairs: set[frozenset[str]] = set()
    for e in report.host_edges:
        if e.data_class_bytes <= 0:
            continue
        senders.add(e.src)
        if e.multicast:
            pairs.update(frozenset((e.src, m)) for m in members.get(e.dst, ()) if m != e.src)
        elif e.dst != e.src:
            pairs.add(frozenset((e.src, e.dst)))
    return senders, pairs


def missing_pairs(report: TopologyReport) -> list[tuple[str, str]]:
    senders, pairs = data_pairs(report)
    return [(a, b) for a, b in combinations(sorted(senders), 2) if frozenset((a, b)) not in pairs]


def daemons_only(report: TopologyReport, senders: set[str]) -> bool:
    """Every data-sending host runs one OpenSplice federation (one systemId) and at least
    one federation serves several application participants: shared-memory mode."""
    systems: dict[str, set[int]] = defaultdict(set)
    apps: dict[int, int] = defaultdict(int)
    for px, p in report.facts.participants.items():
        host = report.host_of.get(px)
        if host not in senders:
            continue
        if not p.is_opensplice or p.system_id is None:
            return False
        systems[host].add(p.system_id)
        if p.role == "application":
            apps[p.system_id] += 1
    return (
        bool(systems)
        and all(len(s) == 1 for s in systems.values())
        and max(apps.values(), default=0) >= 2
    )


def classify_pattern(report: TopologyReport) -> TopologyReport:
    senders, _pairs = data_pairs(report)
    if not senders:
        pattern = Pattern.NONE
    elif len(senders) < 2:
        pattern = Pattern.SINGLE_HOST
    elif daemons_only(report, senders):
        pattern = Pattern.DAEMONS_ONLY
    elif len(senders) >= 3 and not missing_pairs(report):
        pattern = Pattern.FULL_MESH
    else:
        pattern = Pattern.PARTIAL
    return replace(report, pattern=pattern)

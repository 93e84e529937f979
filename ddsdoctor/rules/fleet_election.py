"""Cross-node durability master election rules (DD601-DD605, DD610-DD612).

They judge the elections computed by ``ospl/election.py``, which follows what OpenSplice 6.9
really does (facts §10): each node compares candidates with its own priority, so nodes can
follow different masters. Findings name the node and point at the setting in its file.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ddsdoctor.findings import Location, Severity
from ddsdoctor.ospl.election import Election, Member
from ddsdoctor.ospl.fleet import Fleet, FleetNode
from ddsdoctor.ospl.fleetfile import NodeKind
from ddsdoctor.ospl.policy import Alignee
from ddsdoctor.registry import Hit, Subject, rule

LEGACY_MIX = (
    "I use priorities for namespace '{ns}' while fellow {fellow} uses the legacy master "
    "selection algorithm, this is an incompatible and unsupported configuration"
)


def policy_hit(
    fleet: Fleet,
    node: str,
    e: Election,
    attr: str | None,
    message: str,
    *,
    hint: str | None = None,
    severity: Severity | None = None,
    **evidence: Any,
) -> Hit:
    """A hit located on ``node``'s Policy for the election's namespace."""
    n = fleet.node(node)
    ns = n.namespace(e.namespace)
    el = ns.policy.element if ns is not None and ns.policy is not None else None
    if el is None and ns is not None:
        el = ns.element
    loc = n.where(el, attr if el is not None and attr in el.attrib else None)
    ev: dict[str, Any] = dict(evidence)
    exp = n.expansions(el, attr) if el is not None and attr else {}
    if exp:
        ev["expansions"] = exp
    return Hit(message, location=loc, hint=hint, severity=severity, evidence=ev)


def _scope(e: Election) -> str:
    role = "" if e.role == "DefaultRole" else f" (role {e.role})"
    return f"namespace '{e.namespace}'{role}"


def _member_desc(m: Member) -> str:
    pol = m.ns.policy
    assert pol is not None
    return f"{m.node} (aligner={'true' if pol.aligner else 'false'}, masterPriority {m.priority})"


@rule("DD601", "fleet.no-master", Severity.ERROR, Subject.FLEET)
def no_master(fleet: Fleet) -> Iterator[Hit]:
    """No node can become master of a namespace that holds TRANSIENT data.

    Under the priority algorithm only an aligner with masterPriority above 0 can be master (any
    aligner under the legacy one). With none in a namespace and role, no master is selected:
    TRANSIENT and PERSISTENT data of that namespace are never aligned, late joiners' historical
    reads return nothing or time out, and a node that loses its publisher loses the data.

    Fix: make one node (a dedicated daemon) ``aligner="true"``, ``alignee="Initial"`` with a
    high masterPriority (the tech note uses 201).

    Reference: OpenSplice ``d_groupLocalListener.c`` (``propose_master_for_namespace``:
    "nobody"); facts §4.
    """
    for e in fleet.elections:
        if e.candidates or not e.transient or not e.members:
            continue
        nodes = ", ".join(dict.fromkeys(_member_desc(m) for m in e.members))
        yield policy_hit(
            fleet,
            e.members[0].node,
            e,
            "aligner",
            f"no node can be durability master of {_scope(e)}: none is an aligner with "
            f"masterPriority above 0 ({nodes}), so its TRANSIENT data is never aligned and "
            "historical reads on late joiners get nothing",
            hint='make one daemon aligner="true" alignee="Initial" masterPriority="201"',
        )


@rule("DD602", "fleet.master-tie", Severity.WARNING, Subject.FLEET)
def master_tie(fleet: Fleet) -> Iterator[Hit]:
    """Several nodes share the top master priority, so the master is chosen at random.

    Equal priorities fall through to the namespace quality (only before persistent data is
    injected) and then to the highest systemId, a random number drawn at each start
    (``Domain/SystemId/Range``). The master is therefore a different node from one start to the
    next; under the legacy algorithm every aligner is such a candidate. This is reported when
    the nodes still agree on the master; if they can disagree, DD603 reports it instead.

    Fix: give the intended master a strictly higher masterPriority than every other candidate.

    Reference: OpenSplice ``d_groupLocalListener.c`` (``determineNewMasterPriorityCompare``);
    facts §4.
    """
    for e in fleet.elections:
        if len(e.tie) < 2 or e.split is not None:
            continue
        names = ", ".join(dict.fromkeys(e.tie))
        if e.algorithm == "legacy":
            msg = (
                f"legacy master selection for {_scope(e)}: any aligner ({names}) becomes "
                "master, whichever draws the highest random systemId"
            )
        elif len(set(e.tie)) == 1:
            msg = (
                f"the {fleet.node(e.tie[0]).spec.count} processes of {e.tie[0]} share the top "
                f"masterPriority for {_scope(e)}: which one is master is random"
            )
        else:
            msg = (
                f"{names} share the top masterPriority {e.candidates[0].priority} for "
                f"{_scope(e)}: the master is whichever has the highest random systemId"
            )
        yield policy_hit(
            fleet,
            e.tie[0],
            e,
            "masterPriority",
            msg,
            hint="give the intended master a strictly higher masterPriority",
        )


@rule("DD603", "fleet.split-master-views", Severity.ERROR, Subject.FLEET)
def split_master_views(fleet: Fleet) -> Iterator[Hit]:
    """Nodes can follow different masters for one namespace, depending on random systemIds.

    OpenSplice 6.9 compares each candidate with the node's OWN priority and ends on the highest
    systemId among the candidates that beat it (facts §10; the guide's "highest priority wins"
    is not what runs). With more than one master-eligible node (aligner, masterPriority > 0), a
    node below several of them follows whichever has the highest systemId, which is random at
    each start. Seen on a real system: priorities 201/5/0, the 0 node followed the Lazy 5 node
    while the others followed 201, and its late joiner got 0 samples. Each node decides alone
    and no conflict is raised, so the split persists.

    Fix: leave exactly one master-eligible node per namespace and role (others
    ``aligner="false"`` or ``masterPriority="0"``), or pin systemIds so the intended master
    always has the highest: ``<SystemId><Range min="2000000000" max="2147483647"/></SystemId>``
    on it and ``max`` below 2000000000 on every other node.

    Reference: OpenSplice ``d_groupLocalListener.c`` (``determineNewMasterPriorityCompare``,
    ``determineNewMasterPriorityNoreturn``); facts §10 (overrides §4).
    """
    for e in fleet.elections:
        s = e.split
        if s is None:
            continue
        cands = ", ".join(f"{c.node} ({c.priority})" for c in e.candidates)
        a_master = "itself" if s.a_master == s.a else s.a_master or "nobody"
        yield policy_hit(
            fleet,
            s.b_node,
            e,
            "masterPriority",
            f"master views of {_scope(e)} can split: {s.a} follows {a_master} while "
            f"{s.b} follows {s.b_master or 'nobody'}{_when(s.condition)} (candidates: {cands})",
            hint="keep one master-eligible node (others aligner=false or masterPriority=0), or "
            "pin Domain/SystemId/Range so the intended master has the highest systemId",
            views={v.node: [m or "nobody" for m in v.possible] for v in e.views},
        )


def _when(condition: str) -> str:
    if condition == "always":
        return ", whatever the systemIds"
    return (
        f" when {condition}; systemIds are random, so which master each node follows "
        "changes between starts"
    )


@rule("DD604", "fleet.lazy-master", Severity.ERROR, Subject.FLEET)
def lazy_master(fleet: Fleet) -> Iterator[Hit]:
    """A node that other nodes can take as durability master aligns lazily.

    A master with ``alignee=Lazy`` (or On_Request) only keeps the groups its own applications
    use. Nodes that follow it request the rest and get zero samples, so their historical reads
    time out; the master's own logs show nothing wrong. This is the Rubin tech note's "Lazy
    master": the dedicated master daemon had nothing attached and ignored every topic. Verified
    on OpenSplice 6.9: every node agreed on the Lazy master and late joiners timed out with 0
    samples.

    Fix: configure the master (and any backup master) with ``alignee="Initial"``; give Lazy
    nodes ``masterPriority="0"`` or ``aligner="false"``.

    Reference: OpenSplice ``d_groupLocalListener.c`` (``requestGroups``),
    ``d_sampleChainListener.c``; facts §4 and §10; tech note "Lazy master".
    """
    for e in fleet.elections:
        for c in e.candidates:
            if c.alignee is Alignee.INITIAL:
                continue
            followers = [v.node for v in e.views if v.node != c.node and c.node in v.possible]
            if not followers:
                continue
            always = [v.node for v in e.views if v.node != c.node and v.possible == (c.node,)]
            how = "follow it" if len(always) == len(followers) else "can follow it"
            yield policy_hit(
                fleet,
                c.node,
                e,
                "alignee",
                f"{c.node} can be durability master of {_scope(e)} but has alignee="
                f"{c.alignee.value}: it only keeps groups its own applications use, and "
                f"{', '.join(followers)} {how}, so their historical reads get no data",
                hint=f'give {c.node} alignee="Initial", or masterPriority="0" if it is not '
                "meant to be master",
                followers=followers,
            )


@rule("DD605", "fleet.legacy-mixed", Severity.ERROR, Subject.FLEET)
def legacy_mixed(fleet: Fleet) -> Iterator[Hit]:
    """Aligners of one namespace mix legacy (255) and priority master selection.

    A durability service uses the legacy algorithm only when all its Policies are at 255
    (the default). When aligners of one namespace disagree, OpenSplice logs ``I use priorities
    for namespace '...' while fellow ... uses the legacy master selection algorithm, this is an
    incompatible and unsupported configuration``; the two kinds of nodes elect masters by
    different rules.

    Fix: set an explicit masterPriority (0-254) in the Policies of every node.

    Reference: OpenSplice ``d_nameSpacesListener.c``; facts §4.
    """
    for e in fleet.elections:
        if e.algorithm != "mixed":
            continue
        legacy = list(dict.fromkeys(m.node for m in e.members if m.aligner and m.legacy))
        prio = list(dict.fromkeys(m.node for m in e.members if m.aligner and not m.legacy))
        log = LEGACY_MIX.format(ns=e.namespace, fellow="<systemId>")
        for node in legacy:
            yield policy_hit(
                fleet,
                node,
                e,
                "masterPriority",
                f"{node} uses legacy master selection (all Policies at 255) for {_scope(e)} "
                f"while {', '.join(prio)} use priorities: OpenSplice logs '{log}'",
                hint="set masterPriority explicitly (0-254) on every node",
            )


@rule("DD610", "fleet.single-process-master-priority", Severity.WARNING, Subject.FLEET)
def single_process_master_priority(fleet: Fleet) -> Iterator[Hit]:
    """A single-process node has masterPriority above 0.

    A single-process application runs its own durability service inside the application; as
    master it would serve alignment for the whole system from a busy process that stops when
    the application does. The tech note recommends ``OSPL_MASTER_PRIORITY=0`` for every
    single-process node. Reported as a warning when the node is an aligner (it can really be
    elected), as information when aligner=false makes the priority ineffective.

    Fix: give single-process nodes ``masterPriority="0"``.

    Reference: tech note "DDS Master"; facts §10.
    """
    for e in fleet.elections:
        seen: set[str] = set()
        for m in e.members:
            node = fleet.node(m.node)
            if m.node in seen or node.kind is not NodeKind.SINGLE_PROCESS or m.legacy:
                continue
            seen.add(m.node)
            if m.priority <= 0:
                continue
            eligible = m.aligner
            yield policy_hit(
                fleet,
                m.node,
                e,
                "masterPriority",
                f"single-process node {m.node} has masterPriority {m.priority} for {_scope(e)}"
                + (
                    ": it can be elected master and serve the whole system from an application "
                    "process"
                    if eligible
                    else " (no effect with aligner=false)"
                ),
                hint="set OSPL_MASTER_PRIORITY=0 on single-process nodes",
                severity=None if eligible else Severity.INFO,
            )


@rule("DD611", "fleet.unintended-master", Severity.ERROR, Subject.FLEET)
def unintended_master(fleet: Fleet) -> Iterator[Hit]:
    """The node marked ``role = "master"`` in the fleet file is not the expected master.

    The fleet file can mark the node meant to be durability master. This reports when that node
    cannot be master at all (not an aligner, masterPriority 0, or its durability service does
    not run) or another node ranks above it.

    Fix: give the intended master the highest masterPriority, ``aligner="true"`` and
    ``alignee="Initial"``.

    Reference: facts §4 and §10; tech note "DDS Master".
    """
    for node in fleet.nodes:
        if not node.spec.intended_master:
            continue
        found = [e for e in fleet.elections if any(m.node == node.name for m in e.members)]
        if not found:
            yield Hit(
                f'{node.name} is marked role = "master" but runs no durability service that '
                "can start, so it is master of nothing",
                location=node.where(),
                hint="check its Domain/Service entries and DurabilityService section",
            )
        for e in found:
            names = [c.node for c in e.candidates]
            if node.name not in names:
                yield policy_hit(
                    fleet,
                    node.name,
                    e,
                    "masterPriority",
                    f'{node.name} is marked role = "master" but cannot be master of {_scope(e)}'
                    " (it needs aligner=true and masterPriority above 0)",
                    hint='set aligner="true" and a high masterPriority on it',
                )
            elif e.master != node.name:
                yield policy_hit(
                    fleet,
                    node.name,
                    e,
                    "masterPriority",
                    f'{node.name} is marked role = "master" but {e.master} ranks above it for '
                    f"{_scope(e)}",
                    hint=f"give {node.name} the highest masterPriority",
                )


@rule("DD612", "fleet.systemid-collision", Severity.ERROR, Subject.FLEET)
def systemid_collision(fleet: Fleet) -> Iterator[Hit]:
    """Two durability services are pinned to the same systemId.

    ``Domain/SystemId/Range`` with ``min`` equal to ``max`` fixes a node's systemId. The
    systemId identifies a node (it is the first word of every GUID prefix and the durability
    fellow id), so two nodes, or two processes of a node with ``count`` above 1, pinned to one
    value are indistinguishable: they take each other for the same fellow.

    Fix: give every node its own value or a disjoint range.

    Reference: OpenSplice ``u_domain.c`` (systemId from ``Domain/SystemId/Range``); facts §6.
    """
    pinned: dict[int, list[FleetNode]] = {}
    for node in fleet.loaded():
        lo, hi, el = node.system_id_range()
        if el is None or lo != hi:
            continue
        pinned.setdefault(lo, []).append(node)
        if node.spec.count > 1:
            yield Hit(
                f"{node.name} runs {node.spec.count} processes but pins systemId {lo}: they all "
                "get the same systemId",
                location=node.where(el),
                hint="use a range, not a single value, for this node",
            )
    for value, nodes in pinned.items():
        for node in nodes[1:]:
            _, _, el = node.system_id_range()
            loc: Location = node.where(el)
            yield Hit(
                f"{node.name} and {nodes[0].name} are both pinned to systemId {value}",
                location=loc,
                hint="give each node its own systemId",
            )

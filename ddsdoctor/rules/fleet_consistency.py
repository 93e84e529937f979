"""Settings that must agree across the nodes of one deployment (DD606-DD609, DD613, DD109)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.ddsi import ddsi_configs
from ddsdoctor.ospl.fleet import Fleet, FleetNode
from ddsdoctor.ospl.fleetfile import NodeKind
from ddsdoctor.ospl.partitions import Kind, partition_values
from ddsdoctor.registry import Hit, Subject, rule

INCOMPATIBLE = (
    "NameSpace configuration of remote durability service '<systemId>' for NameSpace '{ns}' is "
    "incompatible with local NameSpace '{ns}'. Partition(-Topic) expressions are '{a}'(local) "
    "and '{b}'(remote)."
)


def _reference(fleet: Fleet, groups: dict[Any, list[FleetNode]]) -> Any:
    """The value most nodes (or the node marked master) have: the one others are compared to."""
    for value, nodes in groups.items():
        if any(n.spec.intended_master for n in nodes):
            return value
    return max(groups, key=lambda v: (len(groups[v]), -list(groups).index(v)))


def _drift(
    fleet: Fleet, value_of: Callable[[FleetNode], tuple[Any, Any] | None]
) -> Iterator[tuple[FleetNode, Any, Any, Any, list[FleetNode]]]:
    """(node, its value, its element, reference value, reference nodes) for each deviating node."""
    groups: dict[Any, list[FleetNode]] = {}
    elements: dict[str, Any] = {}
    for node in fleet.loaded():
        got = value_of(node)
        if got is None:
            continue
        value, el = got
        groups.setdefault(value, []).append(node)
        elements[node.name] = el
    if len(groups) < 2:
        return
    ref = _reference(fleet, groups)
    for value, nodes in groups.items():
        if value == ref:
            continue
        for node in nodes:
            yield node, value, elements[node.name], ref, groups[ref]


def _names(nodes: list[FleetNode]) -> str:
    return ", ".join(n.name for n in nodes)


@rule("DD606", "fleet.namespace-mismatch", Severity.ERROR, Subject.FLEET)
def namespace_mismatch(fleet: Fleet) -> Iterator[Hit]:
    """Namespaces with the same name cover different partitions on different nodes.

    Fellows compare each namespace's Partition/PartitionTopic expressions by name. When they
    differ, OpenSplice logs ``NameSpace configuration of remote durability service ... is
    incompatible with local NameSpace ...`` and does not align that namespace with that fellow:
    each side keeps its own data and its own master.

    Fix: give the namespace identical expressions on every node (usually a partition prefix
    variable set differently, or an older copy of the file).

    Reference: OpenSplice ``d_nameSpacesListener.c`` (``isNameSpaceCompatible``); facts §4.
    """
    for name in fleet.namespace_names():

        def value_of(node: FleetNode, name: str = name) -> tuple[Any, Any] | None:
            ns = node.namespace(name)
            return (ns.expressions(), ns.element) if ns is not None else None

        for node, value, el, ref, ref_nodes in _drift(fleet, value_of):
            mine, theirs = ", ".join(sorted(value)), ", ".join(sorted(ref))
            yield Hit(
                f"namespace '{name}' covers {mine} on {node.name} but {theirs} on "
                f"{_names(ref_nodes)}: OpenSplice logs '"
                + INCOMPATIBLE.format(ns=name, a=mine, b=theirs)
                + "' and does not align it between them",
                location=node.where(el),
                hint="use the same partition expressions on every node",
            )


def _text(node: FleetNode, path: str, default: str) -> tuple[Any, Any] | None:
    if node.doc is None:
        return None
    el = node.doc.find(path)
    value = node.doc.value(el) if el is not None else None
    return (value if value else default), el


@rule("DD607", "fleet.domain-id-drift", Severity.ERROR, Subject.FLEET)
def domain_id_drift(fleet: Fleet) -> Iterator[Hit]:
    """Nodes of one fleet run different DDS domain ids.

    The domain id sets DDSI2's ports (7400 + 250 x id) and no data crosses domains: nodes on a
    different id are a separate system, invisible to the rest, with their own masters.

    Fix: set the same ``Domain/Id`` (or the variable feeding it) on every node.

    Reference: OpenSplice ``q_init.c`` (port formula); facts §6.
    """
    for node, value, el, ref, ref_nodes in _drift(fleet, lambda n: _text(n, "Domain/Id", "0")):
        yield Hit(
            f"{node.name} runs domain {value} but {_names(ref_nodes)} run domain {ref}: they "
            "never see each other",
            location=node.where(el, text=el is not None),
            hint=f"set Domain/Id to {ref} on every node",
            evidence={"expansions": node.expansions(el)} if el is not None else {},
        )


@rule("DD608", "fleet.domain-name-drift", Severity.WARNING, Subject.FLEET)
def domain_name_drift(fleet: Fleet) -> Iterator[Hit]:
    """Nodes of the same kind use different ``Domain/Name`` values.

    Applications attach to a shared-memory daemon through its configuration, and ``ospl list``
    and the tools identify domains by name. Daemons (or single-process nodes) of one deployment
    that name the domain differently are running different, out-of-sync configuration files.
    Daemons and single-process clients are compared separately, since they normally use
    different files.

    Fix: use one configuration (one Domain/Name) for all nodes of a kind.

    Reference: metaconfig ``Domain/Name``; facts §1.4.
    """
    for kind in NodeKind:

        def name_of(n: FleetNode, kind: NodeKind = kind) -> tuple[Any, Any] | None:
            return _text(n, "Domain/Name", "OpenSpliceV6") if n.kind is kind else None

        yield from _name_drift(fleet, name_of)


def _name_drift(
    fleet: Fleet, value_of: Callable[[FleetNode], tuple[Any, Any] | None]
) -> Iterator[Hit]:
    for node, value, el, ref, ref_nodes in _drift(fleet, value_of):
        yield Hit(
            f"{node.name} names its domain '{value}' but {_names(ref_nodes)} use '{ref}'",
            location=node.where(el, text=el is not None),
            hint="keep the fleet on one configuration",
        )


def _partition_vars(node: FleetNode) -> dict[str, tuple[str, Any]]:
    """Variables used in partition expressions -> (value for this node, element)."""
    out: dict[str, tuple[str, Any]] = {}
    if node.doc is None:
        return out
    for v in partition_values(node.doc):
        if v.kind is Kind.NAME:
            continue
        exp = node.doc.expansion(v.element, v.attr)
        for ref in exp.refs if exp is not None else ():
            out.setdefault(ref.name, (ref.result if ref.result is not None else "", v.element))
    return out


@rule("DD609", "fleet.partition-prefix-drift", Severity.ERROR, Subject.FLEET)
def partition_prefix_drift(fleet: Fleet) -> Iterator[Hit]:
    """A variable that builds partition expressions has different values on different nodes.

    Rubin's SalObj puts every topic in partitions named after ``LSST_DDS_PARTITION_PREFIX`` and
    the durability namespaces cover ``${LSST_DDS_PARTITION_PREFIX}...``. A node with another
    prefix (or none) publishes and reads in other partitions: "DDS filters the messages and
    communication would not work" (tech note), and its durability namespace does not match the
    others'.

    Fix: set the variable to one value on every node of the deployment.

    Reference: tech note "Overview" (incorrect DDS partition); facts §2.
    """
    seen: dict[str, dict[str, list[FleetNode]]] = {}
    where: dict[tuple[str, str], Any] = {}
    for node in fleet.loaded():
        for var, (value, el) in _partition_vars(node).items():
            seen.setdefault(var, {}).setdefault(value, []).append(node)
            where[(var, node.name)] = el
    for var, groups in seen.items():
        if len(groups) < 2:
            continue
        ref = _reference(fleet, groups)
        for value, nodes in groups.items():
            if value == ref:
                continue
            for node in nodes:
                shown = f"'{value}'" if value else "unset/empty"
                yield Hit(
                    f"{var} is {shown} on {node.name} but '{ref}' on {_names(groups[ref])}: "
                    "its partitions differ, so its applications and durability do not exchange "
                    "data with the others",
                    location=node.where(where[(var, node.name)], text=True),
                    hint=f"set {var}={ref} on every node",
                    evidence={"values": {v: [n.name for n in ns] for v, ns in groups.items()}},
                )


@rule("DD613", "fleet.durability-partition-drift", Severity.ERROR, Subject.FLEET)
def durability_partition_drift(fleet: Fleet) -> Iterator[Hit]:
    """Durability services of one fleet use different durability partitions.

    Durability services find each other and exchange data over the ``d_*`` topics in the
    partition set by ``EntityNames/Partition`` (default ``durabilityPartition``). A node with
    another partition never sees its fellows: it elects itself or nobody and aligns nothing.

    Fix: use the same EntityNames/Partition (or none) on every node.

    Reference: OpenSplice ``d__admin.h``, ``d_configuration.c``; facts §1.6 and §6.
    """

    def value_of(node: FleetNode) -> tuple[Any, Any] | None:
        cfg = node.durability
        if cfg is None or node.doc is None:
            return None
        el = cfg.section.find("EntityNames/Partition")
        value = node.doc.value(el) if el is not None else None
        return (value or "durabilityPartition"), el

    for node, value, el, ref, ref_nodes in _drift(fleet, value_of):
        yield Hit(
            f"{node.name} exchanges durability data in partition '{value}' but "
            f"{_names(ref_nodes)} use '{ref}': they never see each other as fellows",
            location=node.where(el, text=el is not None),
            hint=f"use '{ref}' on every node",
        )


@rule("DD109", "network.participant-index-exhausted", Severity.ERROR, Subject.FLEET)
def participant_index_exhausted(fleet: Fleet) -> Iterator[Hit]:
    """More single-process OpenSplice processes on a node than participant indices.

    Each single-process application runs its own DDSI2 service with its own participant index
    (unicast ports 7410+2i/7411+2i). ``ParticipantIndex`` ``auto`` tries 0 up to
    ``MaxAutoParticipantIndex`` (default 9), so the eleventh process on a host fails to start;
    a fixed index allows a single process.

    Fix: use ``ParticipantIndex`` ``none``, raise ``MaxAutoParticipantIndex`` (staying below the
    next domain's ports), or run a shared-memory daemon on the node.

    Reference: OpenSplice ``q_init.c`` (``make_uc_sockets``); facts §6.
    """
    for node in fleet.loaded():
        if node.kind is not NodeKind.SINGLE_PROCESS or node.spec.count < 2 or node.doc is None:
            continue
        for cfg in ddsi_configs(node.doc):
            mode = cfg.index_mode()
            setting, n = cfg.max_auto_index()
            pi = cfg.participant_index()
            if mode == "auto" and node.spec.count > n + 1:
                el = setting.element if setting else (pi.element if pi else cfg.section)
                yield Hit(
                    f"{node.name} runs {node.spec.count} single-process applications but "
                    f"ParticipantIndex auto allows {n + 1} per host (MaxAutoParticipantIndex {n}): "
                    f"{node.spec.count - n - 1} of them fail to start",
                    location=node.where(el, text=setting is not None or pi is not None),
                    hint="use ParticipantIndex none or raise MaxAutoParticipantIndex",
                )
            elif mode.isdigit() and pi is not None:
                yield Hit(
                    f"{node.name} runs {node.spec.count} single-process applications with the "
                    f"fixed ParticipantIndex {mode}: only one of them can start",
                    location=node.where(pi.element, text=True),
                    hint="use ParticipantIndex auto or none",
                )

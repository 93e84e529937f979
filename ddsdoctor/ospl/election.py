"""Durability master election per namespace and role, the way OpenSplice 6.9 really does it.

Priority algorithm (``d_groupLocalListenerDetermineMastersImproved``, facts §10): a node starts
with itself as candidate if it is an aligner with masterPriority > 0, then walks its fellows in
ascending systemId order. A fellow is a candidate if it has the namespace, the same Role, is an
aligner and has masterPriority > 0. It replaces the current candidate when there is none, or
(unless the node has delayedAlignment) when the fellow's priority is above the node's OWN
priority, or equal to it with a higher systemId than the current candidate. So a node ends on
the highest-systemId candidate among those at or above its own priority, not on the globally
best candidate, and nodes can follow different masters. Each node decides alone: there is no
adoption of an existing master and no conflict when two masters were confirmed.

Legacy algorithm (every Policy at 255): the aligner with the highest systemId; nodes adopt an
existing master, so their views agree.

SystemIds are random in ``Domain/SystemId/Range``. Views are characterised by a few systemId
orders: each candidate once at the top and once at the bottom. That covers every outcome of a
"highest/lowest systemId of a set" view exactly when ranges are not pinned, and respects pinned
ranges.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ddsdoctor.ospl.durability import NameSpace
from ddsdoctor.ospl.fleet import Fleet, FleetNode
from ddsdoctor.ospl.fleetfile import NodeKind
from ddsdoctor.ospl.policy import MAX_PRIORITY, Alignee, DurabilityKind


@dataclass(frozen=True, slots=True)
class Member:
    """One durability service: a node, or one of a node's ``count`` identical processes."""

    index: int
    node: str
    copy: int
    ns: NameSpace
    legacy: bool
    lo: int
    hi: int

    @property
    def aligner(self) -> bool:
        return self.ns.policy is not None and self.ns.policy.aligner

    @property
    def priority(self) -> int:
        return self.ns.policy.master_priority if self.ns.policy is not None else 0

    def candidate(self) -> bool:
        """Can be master: aligner with priority > 0 (legacy: any aligner)."""
        return self.aligner and (self.legacy or self.priority > 0)


class Mode(enum.Enum):
    SELF = "self"
    MAX = "highest systemId"
    MIN = "lowest systemId"
    NOBODY = "nobody"


@dataclass(frozen=True, slots=True)
class View:
    """A member's decision: itself, nobody, or the highest/lowest systemId of a set."""

    mode: Mode
    among: tuple[int, ...] = ()  # member indices
    reason: str = ""

    def resolve(self, me: int, key: Callable[[int], tuple[int, int, int]]) -> int | None:
        if self.mode is Mode.SELF:
            return me
        if self.mode is Mode.NOBODY or not self.among:
            return None
        pick = max if self.mode is Mode.MAX else min
        return pick(self.among, key=key)


@dataclass(frozen=True, slots=True)
class Candidate:
    node: str
    priority: int
    alignee: Alignee
    legacy: bool
    kind: NodeKind
    count: int
    pinned: bool


@dataclass(frozen=True, slots=True)
class NodeView:
    node: str
    possible: tuple[str | None, ...]  # node names it may follow; None = nobody
    reason: str

    @property
    def certain(self) -> bool:
        return len(self.possible) == 1


@dataclass(frozen=True, slots=True)
class Split:
    """Two nodes that can follow different masters, and the systemIds that make them."""

    a: str
    a_master: str | None
    b: str
    b_master: str | None
    condition: str  # e.g. "lazy-backup has the highest systemId among main, lazy-backup"
    b_node: str = ""  # the node b is a process of


@dataclass(frozen=True, slots=True)
class Election:
    namespace: str
    role: str
    algorithm: str  # "priority", "legacy" or "mixed"
    transient: bool  # the namespace holds TRANSIENT/PERSISTENT data on some node
    candidates: tuple[Candidate, ...]  # ranked, best first
    tie: tuple[str, ...]  # candidate nodes sharing the top priority (more than one = random)
    views: tuple[NodeView, ...]
    split: Split | None
    members: tuple[Member, ...]

    @property
    def master(self) -> str | None:
        return self.candidates[0].node if self.candidates else None

    @property
    def backups(self) -> tuple[str, ...]:
        return tuple(c.node for c in self.candidates[1:])

    def view(self, node: str) -> NodeView | None:
        return next((v for v in self.views if v.node == node), None)


def _members(fleet: Fleet, name: str, role: str) -> list[Member]:
    out: list[Member] = []
    for node in fleet.nodes:
        cfg = node.durability
        ns = node.namespace(name)
        if cfg is None or ns is None or ns.policy is None or cfg.role != role:
            continue
        lo, hi, _ = node.system_id_range()
        for copy in range(node.spec.count):
            out.append(Member(len(out), node.name, copy, ns, cfg.legacy, lo, hi))
    return out


def _label(m: Member) -> str:
    return f"{m.node} ({'legacy' if m.legacy else m.priority})"


def _among(idx: Sequence[int], members: Sequence[Member]) -> str:
    """'the only candidate X (p)' or 'the highest systemId among X (p), Y (q)'."""
    if len({members[i].node for i in idx}) == 1 and len(idx) == 1:
        return f"the only candidate, {_label(members[idx[0]])}"
    return f"the highest systemId among {_names(idx, members)}"


def _names(idx: Sequence[int], members: Sequence[Member]) -> str:
    seen: list[str] = []
    for i in idx:
        label = _label(members[i])
        if label not in seen:
            seen.append(label)
    return ", ".join(seen)


def view_of(me: Member, members: Sequence[Member]) -> View:
    """The decision rule of one member, from OpenSplice's master selection code."""
    compatible = me.ns.expressions()
    fellows = [m for m in members if m.index != me.index and m.ns.expressions() == compatible]
    if me.legacy:
        among = [m.index for m in fellows if m.aligner] + ([me.index] if me.aligner else [])
        if not among:
            return View(Mode.NOBODY, reason="legacy selection: no aligner shares the namespace")
        return View(
            Mode.MAX,
            tuple(among),
            f"legacy selection (priorities ignored): {_among(among, members)}",
        )
    p = me.priority
    pol = me.ns.policy
    assert pol is not None
    cands = [m for m in fellows if m.aligner and m.priority > 0]
    eligible = me.aligner and p > 0
    if pol.delayed_alignment:
        if eligible:
            return View(Mode.SELF, reason=f"delayedAlignment keeps itself (masterPriority {p})")
        if cands:
            idx = tuple(m.index for m in cands)
            return View(
                Mode.MIN,
                idx,
                "delayedAlignment keeps the first candidate it meets, the "
                f"lowest systemId among {_names(idx, members)}",
            )
        return View(Mode.NOBODY, reason="no candidate (aligner, masterPriority > 0)")
    if eligible:
        higher = [m.index for m in cands if m.priority > p]
        equal = [m.index for m in cands if m.priority == p]
        if not higher and not equal:
            return View(
                Mode.SELF,
                reason=f"an aligner with masterPriority {p}; no fellow has a higher or equal one",
            )
        if not higher:
            idx = (me.index, *equal)
            return View(
                Mode.MAX,
                idx,
                f"ties at its own masterPriority {p}: the highest "
                f"systemId among {_names(idx, members)}",
            )
        idx = tuple(higher + equal)
        return View(
            Mode.MAX,
            idx,
            f"takes any candidate above its own masterPriority {p}: {_among(idx, members)}",
        )
    if not cands:
        return View(Mode.NOBODY, reason="no fellow is an aligner with masterPriority > 0")
    at_least = [m.index for m in cands if m.priority >= p]
    if at_least:
        own = "it is not an aligner" if not me.aligner else "masterPriority 0"
        return View(
            Mode.MAX,
            tuple(at_least),
            f"cannot be master ({own}) and compares "
            f"candidates with its own priority {p}: {_among(at_least, members)}",
        )
    idx = tuple(m.index for m in cands)
    return View(
        Mode.MIN,
        idx,
        f"every candidate is below its own priority {p}, so it keeps the "
        f"first it meets: the lowest systemId among {_names(idx, members)}",
    )


Key = Callable[[int], tuple[int, int, int]]


def _orders(members: Sequence[Member], relevant: Sequence[int]) -> list[tuple[int | None, Key]]:
    """SystemId orders to try: baseline, then each relevant member at the top and bottom."""

    def base(i: int) -> tuple[int, int, int]:
        return (members[i].lo, 0, i)

    out: list[tuple[int | None, Key]] = [(None, base)]
    for x in relevant:

        def top(i: int, x: int = x) -> tuple[int, int, int]:
            return (members[i].hi, 1, 0) if i == x else (members[i].lo, 0, i)

        def bottom(i: int, x: int = x) -> tuple[int, int, int]:
            return (members[i].lo, -1, 0) if i == x else (members[i].hi, 0, -i)

        out += [(x, top), (None, bottom)]
    return out


def _rank(members: Sequence[Member], fleet: Fleet) -> list[Candidate]:
    best: dict[str, Candidate] = {}
    for m in members:
        if not m.candidate() or m.node in best:
            continue
        node: FleetNode = fleet.node(m.node)
        pol = m.ns.policy
        assert pol is not None
        best[m.node] = Candidate(
            m.node,
            MAX_PRIORITY if m.legacy else m.priority,
            pol.alignee,
            m.legacy,
            node.kind,
            node.spec.count,
            m.lo == m.hi,
        )
    return sorted(
        best.values(), key=lambda c: (-c.priority, c.alignee is not Alignee.INITIAL, c.node)
    )


def elect(fleet: Fleet, name: str, role: str) -> Election:
    members = _members(fleet, name, role)
    views = [view_of(m, members) for m in members]
    relevant = sorted(
        {i for v in views for i in v.among}
        | {m.index for m in members if views[m.index].mode is Mode.SELF}
    )
    outcomes: dict[int, set[str | None]] = {m.index: set() for m in members}
    split: Split | None = None
    for _top, key in _orders(members, relevant):
        picked = {m.index: views[m.index].resolve(m.index, key) for m in members}
        for i, p in picked.items():
            outcomes[i].add(members[p].node if p is not None else None)
        pair = _differing(members, picked) if split is None else None
        if pair is not None:
            a, b = pair
            pa, pb = picked[a], picked[b]
            split = Split(
                _who(fleet, members[a]),
                _master(fleet, members, pa),
                _who(fleet, members[b]),
                _master(fleet, members, pb),
                _condition(fleet, members, views[b], pb),
                members[b].node,
            )
    candidates = _rank(members, fleet)
    order = {c.node: i for i, c in enumerate(candidates)}
    node_views = []
    for node in dict.fromkeys(m.node for m in members):
        mine = [m for m in members if m.node == node]
        possible: set[str | None] = set().union(*(outcomes[m.index] for m in mine))
        ranked = sorted(possible, key=lambda n: (n is None, order.get(n or "", 99), n or ""))
        node_views.append(NodeView(node, tuple(ranked), views[mine[0].index].reason))
    top_prio = candidates[0].priority if candidates else None
    tie = tuple(c.node for c in candidates if c.priority == top_prio)
    if candidates and len(tie) == 1 and candidates[0].count > 1:
        tie = (candidates[0].node,) * 2  # its identical processes tie with each other
    algos = {m.legacy for m in members if m.aligner}
    algorithm = "mixed" if len(algos) > 1 else "legacy" if algos == {True} else "priority"
    transient = any(
        m.ns.policy is not None and m.ns.policy.durability is not DurabilityKind.TRANSIENT_LOCAL
        for m in members
    )
    return Election(
        name,
        role,
        algorithm,
        transient,
        tuple(candidates),
        tie,
        tuple(node_views),
        split,
        tuple(members),
    )


def _condition(fleet: Fleet, members: Sequence[Member], view: View, pick: int | None) -> str:
    if pick is None or view.mode in (Mode.SELF, Mode.NOBODY) or len(set(view.among)) < 2:
        return "always"
    names = ", ".join(dict.fromkeys(_who(fleet, members[i]) for i in view.among))
    word = "highest" if view.mode is Mode.MAX else "lowest"
    return f"{_who(fleet, members[pick])} has the {word} systemId of {names}"


def _who(fleet: Fleet, m: Member) -> str:
    """A member's name: the node, with the process number when the node has several."""
    return m.node if fleet.node(m.node).spec.count == 1 else f"{m.node}#{m.copy + 1}"


def _master(fleet: Fleet, members: Sequence[Member], i: int | None) -> str | None:
    return _who(fleet, members[i]) if i is not None else None


def _differing(members: Sequence[Member], picked: dict[int, int | None]) -> tuple[int, int] | None:
    """Two members with compatible namespaces that pick different masters, or None.

    Members whose namespaces cover different partitions never align with each other (DD606
    reports that), so they are not compared.
    """
    first: dict[frozenset[str], int] = {}
    for i, p in sorted(picked.items()):
        key = members[i].ns.expressions()
        if key not in first:
            first[key] = i
        elif picked[first[key]] != p:
            return first[key], i
    return None


def elect_all(fleet: Fleet) -> list[Election]:
    out = []
    for name in fleet.namespace_names():
        roles: list[str] = []
        for node in fleet.nodes:
            cfg = node.durability
            if cfg is not None and cfg.namespace(name) is not None and cfg.role not in roles:
                roles.append(cfg.role)
        out += [elect(fleet, name, role) for role in roles]
    return out

"""The reconstructed durability view: fellows, namespace beliefs over time, groups, alignments.

Master views follow opensplice-durability-protocol.md §8: a node's view of namespace X is its
latest ``d_nameSpaces`` for X, and a belief in master M is void once M has left (TERMINATING, or
silent past its lease), because believers clear it silently (§8.3). Nothing here reads the
clock or the network: the view is built from an Observation and its limits.
"""

from __future__ import annotations

import bisect
import enum
from dataclasses import dataclass, field

from ddsdoctor.durability.messages import (
    AlignmentKind,
    Completeness,
    DurabilityKind,
    ServiceState,
)


@dataclass(frozen=True, slots=True)
class Limits:
    """Thresholds the findings use (CLI options); times in seconds."""

    timeout_s: float = 20.0
    """A sample request with no complete answer after this long is unanswered."""
    slow_s: float = 5.0
    """An alignment slower than this is slow."""
    stuck_s: float = 30.0
    """A fellow still before COMPLETE this long after it appeared is stuck."""
    grace_s: float = 3.0
    """Disagreements shorter than this are master selection in progress, not a split."""
    heartbeat_s: float = 4.0
    """Network/Heartbeat/ExpiryTime default: a d_status gap longer than this is missed."""


class Leave(enum.StrEnum):
    """How a fellow left."""

    TERMINATING = "terminating"  # d_status TERMINATING/TERMINATED
    EXITED = "exited"  # its process's participants were disposed right after its last status
    LEASE = "lease"  # silent past its participant lease (peers drop it then)


class Stance(enum.StrEnum):
    """What a fellow's view of a namespace's master is at one moment (§8.1)."""

    UNKNOWN = "unknown"  # no d_nameSpaces from it seen (event-driven topic, §8.4)
    UNDECIDED = "undecided"  # master 0, not confirmed: selection not done
    PROPOSAL = "proposal"  # master M, not confirmed
    MASTER = "master"  # confirmed: itself or fellow M
    NONE = "none"  # confirmed "no master" (nobody eligible)
    CLEARED = "cleared"  # its confirmed master has left since: belief void (§8.3)


@dataclass(frozen=True, slots=True)
class Belief:
    stance: Stance
    master: int | None = None
    since: float | None = None

    @property
    def decided(self) -> bool:
        return self.stance in (Stance.MASTER, Stance.NONE, Stance.CLEARED)

    @property
    def confirmed_master(self) -> int | None:
        return self.master if self.stance is Stance.MASTER else None


@dataclass(frozen=True, slots=True)
class Announcement:
    """One ``d_nameSpaces`` a fellow wrote: its policy and its master for that namespace."""

    time: float
    frame: int | None
    fellow: int
    name: str
    role: str
    master: int
    confirmed: bool
    aligner: bool
    alignee: AlignmentKind
    priority: int | None
    durability_kind: DurabilityKind
    partitions: str
    state_value: int


@dataclass(frozen=True, slots=True)
class Fellow:
    """A durability service, identified by its systemId (§1)."""

    system_id: int
    host: str | None
    ip: str | None
    writers: tuple[str, ...]
    """GUID prefixes of the participants whose writers carried its messages."""
    first_seen: float
    last_heard: float
    states: tuple[tuple[float, ServiceState], ...]
    """(time, state) at every change of its d_status state."""
    left_at: float | None
    left_how: Leave | None
    gaps: tuple[tuple[float, float | None], ...]
    """d_status gaps longer than the heartbeat expiry: (last status, next status or None)."""
    lease_s: float

    @property
    def state(self) -> ServiceState | None:
        return self.states[-1][1] if self.states else None

    def present(self, t: float) -> bool:
        if t < self.first_seen or (self.left_at is not None and t >= self.left_at):
            return False
        return not any(a + self.lease_s <= t < b for a, b in self._long_gaps())

    def absent_between(self, start: float, end: float) -> float | None:
        """The first time in [start, end] when it was not there (left, or lease expired)."""
        times = [a + self.lease_s for a, _ in self._long_gaps()]
        if self.left_at is not None:
            times.append(self.left_at)
        hits = [t for t in times if start <= t <= end]
        return min(hits) if hits else None

    def _long_gaps(self) -> list[tuple[float, float]]:
        return [(a, b) for a, b in self.gaps if b is not None and b - a >= self.lease_s]

    def state_at(self, t: float) -> ServiceState | None:
        out = None
        for when, st in self.states:
            if when > t:
                break
            out = st
        return out

    def completed_at(self) -> float | None:
        return next((t for t, st in self.states if st.operational), None)

    @property
    def label(self) -> str:
        return f"{self.system_id} ({self.host})" if self.host else str(self.system_id)


@dataclass(frozen=True, slots=True)
class GroupReport:
    """One ``d_newGroup`` a fellow wrote: its completeness for partition.topic."""

    time: float
    fellow: int
    group: str
    completeness: Completeness
    durability_kind: DurabilityKind


@dataclass(frozen=True, slots=True)
class LinkSeen:
    aligner: int
    time: float
    nr_samples: int
    completeness: Completeness
    beads: int


@dataclass(frozen=True, slots=True)
class Alignment:
    """One sample request and the chain(s) that answered it (§9.3)."""

    requester: int
    group: str
    durability_kind: DurabilityKind
    addressee: int
    """The aligner asked, or 0 for 'every candidate aligner' (§9.2)."""
    requested_at: float
    frame: int | None
    expected: tuple[int, ...]
    """Aligners whose LINK completes the chain."""
    links: tuple[LinkSeen, ...]
    first_bead_at: float | None
    done_at: float | None
    combined: bool

    @property
    def complete(self) -> bool:
        return self.done_at is not None

    @property
    def latency_s(self) -> float | None:
        return None if self.done_at is None else self.done_at - self.requested_at

    @property
    def samples(self) -> int | None:
        counted = [ln.nr_samples for ln in self.links if ln.aligner in self.expected]
        if not counted:
            return None
        return sum(0 if n == 0xFFFFFFFF else n for n in counted)

    @property
    def aligner(self) -> int | None:
        if self.addressee:
            return self.addressee
        served = [ln for ln in self.links if ln.aligner in self.expected]
        if not served:
            return None
        return max(
            served, key=lambda ln: (ln.nr_samples != 0xFFFFFFFF and ln.nr_samples, ln.time)
        ).aligner


@dataclass(frozen=True, slots=True)
class NamespaceView:
    name: str
    role: str
    announcements: dict[int, tuple[Announcement, ...]]
    """Per fellow, in time order."""
    _times: dict[int, list[float]] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        times = {sid: [a.time for a in anns] for sid, anns in self.announcements.items()}
        object.__setattr__(self, "_times", times)

    def latest(self, fellow: int, t: float | None = None) -> Announcement | None:
        """The fellow's last announcement at or before ``t`` (any time when None)."""
        anns = self.announcements.get(fellow, ())
        if not anns:
            return None
        if t is None:
            return anns[-1]
        i = bisect.bisect_right(self._times[fellow], t)
        return anns[i - 1] if i else None

    @property
    def key(self) -> tuple[str, str]:
        return (self.name, self.role)


@dataclass(frozen=True, slots=True)
class PredictedViews:
    """What ``ddsdoctor fleet`` predicts (``--fleet``), keyed for comparison with the wire."""

    fleet: str
    """The fleet file."""
    views: dict[tuple[str, str], dict[str, tuple[str | None, ...]]]
    """(namespace, role) -> fleet node -> the nodes it may follow (None = nobody)."""
    reasons: dict[tuple[str, str], dict[str, str]]
    node_of: dict[int, str]
    """Observed systemId -> fleet node (node name = host name, or = the systemId)."""


@dataclass(slots=True)
class DurabilityView:
    """The subject of the ``dprotocol.*`` rules and of every output format."""

    source: str
    start: float | None
    end: float | None
    fellows: dict[int, Fellow]
    namespaces: list[NamespaceView]
    groups: list[GroupReport]
    alignments: list[Alignment]
    limits: Limits = field(default_factory=Limits)
    partition: str = "durabilityPartition"
    samples: int = 0
    undecodable: list[tuple[float, str, str]] = field(default_factory=list)
    capture_problem: str | None = None
    notes: list[str] = field(default_factory=list)
    unmatched_links: int = 0
    predicted: PredictedViews | None = None
    """The fleet prediction when ``--fleet`` was given."""

    def fellow(self, sid: int) -> Fellow | None:
        return self.fellows.get(sid)

    def label(self, sid: int | None) -> str:
        if sid is None or sid == 0:
            return "nobody"
        f = self.fellows.get(sid)
        return f.label if f else str(sid)

    def belief(self, ns: NamespaceView, sid: int, t: float) -> Belief:
        """Fellow ``sid``'s view of ``ns``'s master at time ``t`` (§8.1, with §8.3 clearing)."""
        a = ns.latest(sid, t)
        if a is None:
            return Belief(Stance.UNKNOWN)
        if not a.confirmed:
            if a.master == 0:
                return Belief(Stance.UNDECIDED, None, a.time)
            return Belief(Stance.PROPOSAL, a.master, a.time)
        if a.master == 0:
            return Belief(Stance.NONE, None, a.time)
        master = self.fellows.get(a.master)
        if a.master != sid and master is not None:
            gone = master.absent_between(a.time, t)
            if gone is not None:
                return Belief(Stance.CLEARED, a.master, gone)
        return Belief(Stance.MASTER, a.master, a.time)

    def view_time(self, sid: int) -> float:
        """When a fellow's view is read for the summary: when it was last heard (§8.3)."""
        f = self.fellows[sid]
        last = f.last_heard if f.left_at is None else min(f.last_heard, f.left_at)
        return last if self.end is None else min(last, self.end)

    def final_belief(self, ns: NamespaceView, sid: int) -> Belief:
        return self.belief(ns, sid, self.view_time(sid))

    def namespace_of(self, group: str) -> list[NamespaceView]:
        """Namespaces whose partition.topic expressions cover ``group`` (wildcards as fnmatch)."""
        from fnmatch import fnmatchcase

        out = []
        for ns in self.namespaces:
            exprs = {
                e.strip()
                for anns in ns.announcements.values()
                for a in anns[-1:]
                for e in a.partitions.split(",")
                if e.strip()
            }
            if any(fnmatchcase(group, e) for e in exprs):
                out.append(ns)
        return out

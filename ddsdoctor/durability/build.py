"""Observation -> DurabilityView: fellows and their presence, namespace beliefs, groups, alignments.

A message's origin is the participant of its RTPS writer (§3). That participant's systemId is
the first word of its GUID prefix for OpenSplice (facts §10); for a participant whose vendor is
not known to be OpenSplice (a live reader cannot see vendors) it is learned from the sender
field of its first message on a topic other than ``d_nameSpacesRequest``, the only topic whose
sender may differ from the writer (§3, verified on every lab sample).
"""

from __future__ import annotations

import itertools
import logging
from collections import defaultdict
from dataclasses import dataclass, field

from ddsdoctor.durability.alignment import match_alignments
from ddsdoctor.durability.messages import KeyOnly, NameSpaces, NewGroup, ServiceState, Status
from ddsdoctor.durability.observe import DEFAULT_LEASE_S, Observation, Observed
from ddsdoctor.durability.view import (
    Announcement,
    DurabilityView,
    Fellow,
    GroupReport,
    Leave,
    Limits,
    NamespaceView,
)

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Acc:
    sid: int
    writers: set[str] = field(default_factory=set)
    first: float = 0.0
    last: float = 0.0
    status_times: list[float] = field(default_factory=list)
    states: list[tuple[float, ServiceState]] = field(default_factory=list)
    leaving: float | None = None


def system_ids(obs: Observation) -> dict[str, int]:
    """Participant prefix -> systemId for every participant that wrote a d_* sample."""
    learned: dict[str, int] = {}
    for s in obs.samples:
        p = s.participant
        if p in learned or s.topic == "d_nameSpacesRequest":
            continue
        msg = s.message
        sid = msg.system_id if isinstance(msg, KeyOnly) else msg.header.sender.system_id
        if sid:
            learned[p] = sid
    out: dict[str, int] = {}
    for p in {s.participant for s in obs.samples}:
        info = obs.participants.get(p)
        if info is not None and info.system_id is not None:
            out[p] = info.system_id
        elif p in learned:
            out[p] = learned[p]
    return out


def _same_node(system_id: int | None, prefix: str, sid: int) -> bool:
    """A participant of the same OpenSplice process or node: same systemId (GUID word 0).

    Live, the vendor is unknown, so the prefix's first word stands in for the systemId.
    """
    return system_id == sid or (system_id is None and prefix[:8] == f"{sid:08x}")


def _host_ip(obs: Observation, sid: int, writers: set[str]) -> tuple[str | None, str | None]:
    mine = [obs.participants[w] for w in sorted(writers) if w in obs.participants]
    same = [p for p in obs.participants.values() if _same_node(p.system_id, p.prefix, sid)]
    host = next((p.host for p in [*mine, *same] if p.host), None)
    ip = next((p.ip for p in [*mine, *same] if p.ip), None)
    return host, ip


def _lease(obs: Observation, writers: set[str]) -> float:
    leases = [obs.participants[w].lease_s for w in writers if w in obs.participants]
    return max((x for x in leases if x), default=DEFAULT_LEASE_S)


def _fellow(obs: Observation, acc: _Acc, limits: Limits) -> Fellow:
    host, ip = _host_ip(obs, acc.sid, acc.writers)
    lease = _lease(obs, acc.writers)
    beats = acc.status_times or [acc.last]
    gaps: list[tuple[float, float | None]] = [
        (a, b) for a, b in itertools.pairwise(beats) if b - a > limits.heartbeat_s
    ]
    last = beats[-1]
    end = obs.end if obs.end is not None else acc.last
    left_at: float | None = None
    how: Leave | None = None
    if acc.leaving is not None:
        left_at, how = acc.leaving, Leave.TERMINATING
    else:
        # A single-process application that exits disposes its participants (SPDP) right
        # after its last d_status and may never get a TERMINATING onto the wire (lab s1).
        gone = [
            p.gone_at
            for p in obs.participants.values()
            if p.gone_at is not None
            and (p.prefix in acc.writers or _same_node(p.system_id, p.prefix, acc.sid))
            and last <= p.gone_at <= last + limits.heartbeat_s
        ]
        if gone:
            left_at, how = min(gone), Leave.EXITED
        elif end - last > lease:
            left_at, how = last + lease, Leave.LEASE
    if how is Leave.LEASE or (how is None and end - last > limits.heartbeat_s):
        gaps.append((last, None))  # silent at the end of the observation
    return Fellow(
        acc.sid,
        host,
        ip,
        tuple(sorted(acc.writers)),
        acc.first,
        acc.last,
        tuple(acc.states),
        left_at,
        how,
        tuple(gaps),
        lease,
    )


def build_view(obs: Observation, limits: Limits | None = None) -> DurabilityView:
    """Reconstruct fellows, beliefs, groups and alignments from decoded samples."""
    limits = limits or Limits()
    sids = system_ids(obs)
    accs: dict[int, _Acc] = {}
    anns: dict[tuple[str, str], dict[int, list[Announcement]]] = defaultdict(
        lambda: defaultdict(list)
    )
    groups: list[GroupReport] = []
    ordered: list[tuple[int, Observed]] = []
    for s in obs.samples:
        sid = sids.get(s.participant)
        if sid is None:
            continue
        ordered.append((sid, s))
        acc = accs.get(sid)
        if acc is None:
            acc = accs[sid] = _Acc(sid, first=s.time, last=s.time)
        acc.writers.add(s.participant)
        msg = s.message
        if isinstance(msg, KeyOnly):
            # Dispose/unregister of the writer's own instance: sent when readers or the writer
            # go away (lab: at every fellow's exit), so it says nothing about the writer's view.
            continue
        acc.last = s.time
        if acc.leaving is not None:
            continue  # peers discard a leaving fellow's messages (TerminateRemovalPeriod, §8.3)
        if isinstance(msg, Status):
            state = msg.header.sender_state
            acc.status_times.append(s.time)
            if not acc.states or acc.states[-1][1] is not state:
                acc.states.append((s.time, state))
            if state.leaving:
                acc.leaving = s.time
        elif isinstance(msg, NameSpaces) and msg.name is not None:
            role = msg.state.role or ""
            anns[(msg.name, role)][sid].append(
                Announcement(
                    s.time,
                    s.frame,
                    sid,
                    msg.name,
                    role,
                    msg.master.system_id,
                    msg.master_confirmed,
                    msg.aligner,
                    msg.alignment_kind,
                    msg.master_priority,
                    msg.durability_kind,
                    msg.partitions or "",
                    msg.state.value,
                )
            )
        elif isinstance(msg, NewGroup) and not msg.empty:
            group = f"{msg.partition}.{msg.topic}"
            groups.append(GroupReport(s.time, sid, group, msg.completeness, msg.durability_kind))
    fellows = {sid: _fellow(obs, acc, limits) for sid, acc in sorted(accs.items())}
    namespaces = [
        NamespaceView(name, role, {sid: tuple(v) for sid, v in sorted(per.items())})
        for (name, role), per in sorted(anns.items())
    ]
    view = DurabilityView(
        source=obs.source,
        start=obs.start,
        end=obs.end,
        fellows=fellows,
        namespaces=namespaces,
        groups=groups,
        alignments=[],
        limits=limits,
        partition=obs.partition,
        samples=len(obs.samples),
        undecodable=list(obs.undecodable),
        capture_problem=obs.capture_problem,
        notes=list(obs.notes),
    )
    view.alignments, view.unmatched_links = match_alignments(ordered, view)
    return view

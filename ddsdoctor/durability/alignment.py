"""Pair sample requests with the chains that answer them, as a passive observer (§9.3).

There is no request id on the wire (§9.1): a requester matches a chain by (partition, topic,
durabilityKind, source) and keeps at most one outstanding chain per key, so requests and
chains pair in FIFO order per requester and key. A chain from aligner X answers requester q's
oldest open entry with the same key that X may answer (addressee X, or 0) and that X has not
closed with its LINK yet. With addressee 0 the chain is complete once every candidate aligner
alive at request time has sent its LINK; LINKs from non-aligners are ignored (§9.2).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ddsdoctor.durability.messages import (
    DurabilityKind,
    Link,
    NetworkAddress,
    SampleChain,
    SampleRequest,
)
from ddsdoctor.durability.observe import Observed
from ddsdoctor.durability.view import Alignment, LinkSeen

if TYPE_CHECKING:
    from ddsdoctor.durability.view import DurabilityView

_Key = tuple[str | None, str | None, int, NetworkAddress]


@dataclass(slots=True)
class _Entry:
    requester: int
    key: _Key
    addressee: int
    time: float
    frame: int | None
    expected: tuple[int, ...]
    beads: dict[int, int] = field(default_factory=dict)
    links: dict[int, LinkSeen] = field(default_factory=dict)
    first_bead: float | None = None
    done: float | None = None
    combined: bool = False

    def can_take(self, aligner: int) -> bool:
        if self.done is not None or aligner in self.links:
            return False
        return self.addressee in (aligner, 0)

    def close_if_complete(self, t: float) -> None:
        need = self.expected if self.addressee == 0 else (self.addressee,)
        if need and all(a in self.links for a in need):
            self.done = t


def _candidates(view: DurabilityView, requester: int, group: str, t: float) -> tuple[int, ...]:
    """Aligners alive at ``t`` for the group's namespace: the responders of a request to 0."""
    namespaces = view.namespace_of(group) or view.namespaces
    out: set[int] = set()
    for ns in namespaces:
        for sid in ns.announcements:
            a = ns.latest(sid, t) or ns.announcements[sid][0]
            fellow = view.fellows.get(sid)
            if sid != requester and a.aligner and fellow is not None and fellow.present(t):
                out.add(sid)
    return tuple(sorted(out))


def _finish(e: _Entry) -> Alignment:
    partition, topic, kind, _ = e.key
    return Alignment(
        requester=e.requester,
        group=f"{partition}.{topic}",
        durability_kind=DurabilityKind(kind),
        addressee=e.addressee,
        requested_at=e.time,
        frame=e.frame,
        expected=e.expected if e.addressee == 0 else (e.addressee,),
        links=tuple(sorted(e.links.values(), key=lambda ln: ln.time)),
        first_bead_at=e.first_bead,
        done_at=e.done,
        combined=e.combined,
    )


def match_alignments(
    ordered: Sequence[tuple[int, Observed]], view: DurabilityView
) -> tuple[list[Alignment], int]:
    """Alignments in request order, and the number of LINKs that matched no request."""
    entries: list[_Entry] = []
    open_by: dict[tuple[int, _Key], list[_Entry]] = defaultdict(list)
    unmatched = 0
    for sid, s in ordered:
        msg = s.message
        if isinstance(msg, SampleRequest):
            key: _Key = (msg.partition, msg.topic, int(msg.durability_kind), msg.source)
            addressee = msg.header.addressee.system_id
            group = f"{msg.partition}.{msg.topic}"
            expected = _candidates(view, sid, group, s.time) if addressee == 0 else ()
            new = _Entry(sid, key, addressee, s.time, s.frame, expected)
            entries.append(new)
            open_by[(sid, key)].append(new)
        elif isinstance(msg, SampleChain):
            key = (msg.partition, msg.topic, int(msg.durability_kind), msg.source)
            matched = False
            for requester in {a.system_id for a in msg.addressees}:
                queue = open_by.get((requester, key), [])
                e = next((x for x in queue if x.can_take(sid)), None)
                if e is None:
                    continue
                matched = True
                e.combined = e.combined or len(msg.addressees) > 1
                if isinstance(msg.body, Link):
                    e.links[sid] = LinkSeen(
                        sid, s.time, msg.body.nr_samples, msg.body.completeness, e.beads.get(sid, 0)
                    )
                    e.close_if_complete(s.time)
                    if e.done is not None:
                        queue.remove(e)
                else:
                    e.beads[sid] = e.beads.get(sid, 0) + 1
                    if e.first_bead is None:
                        e.first_bead = s.time
            if not matched and isinstance(msg.body, Link):
                unmatched += 1
    return [_finish(e) for e in entries], unmatched

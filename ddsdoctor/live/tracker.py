"""Follows the builtin topics of a live domain and keeps discovery facts current.

Both commands use it: ``scan`` reads for a while (or forever, ``--watch``), ``probe`` learns
when a writer was discovered and what its QoS and type are. Samples are taken from a waitset
in the caller's thread and stamped on the session's monotonic clock when taken.
"""

from __future__ import annotations

import enum
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ddsdoctor.discovery import DiscoveryFacts, Endpoint, EndpointKind, Participant
from ddsdoctor.live.convert import (
    endpoint_from_sample,
    guid_hex,
    is_alive,
    participant_from_sample,
)
from ddsdoctor.live.session import Session

log = logging.getLogger(__name__)

_BATCH = 256


class EventKind(enum.StrEnum):
    JOINED = "joined"
    LEFT = "left"
    ENDPOINT_ADDED = "endpoint-added"
    ENDPOINT_REMOVED = "endpoint-removed"


@dataclass(frozen=True, slots=True)
class Event:
    """A change seen on the builtin topics, ``t`` seconds after the participant was created."""

    kind: EventKind
    t: float
    guid: str
    participant: Participant | None = None
    endpoint: Endpoint | None = None


Listener = Callable[[Event], None]


class DiscoveryTracker:
    """Builtin readers on a session, and the facts they have shown so far.

    The session's own participant and endpoints are left out. ``samples`` keeps the latest
    DCPSPublication/DCPSSubscription sample per endpoint GUID: the probe needs its type_id and
    its cyclonedds QoS to build a matching reader.
    """

    def __init__(self, session: Session, on_event: Listener | None = None) -> None:
        self.session = session
        self.on_event = on_event
        self.facts = DiscoveryFacts(source="builtin-topics", started_at=session.wall0)
        self.samples: dict[str, Any] = {}
        self.events: list[Event] = []
        m = session.dds
        mask = m.SampleState.NotRead | m.ViewState.Any | m.InstanceState.Any
        self._readers: list[tuple[Any, Any, EndpointKind | None]] = []
        for topic, kind in (
            (m.BuiltinTopicDcpsParticipant, None),
            (m.BuiltinTopicDcpsPublication, EndpointKind.WRITER),
            (m.BuiltinTopicDcpsSubscription, EndpointKind.READER),
        ):
            reader = session.own(m.BuiltinDataReader(session.participant, topic))
            cond = session.own(m.ReadCondition(reader, mask))
            session.waitset.attach(cond)
            self._readers.append((reader, cond, kind))

    def drain(self) -> list[Event]:
        """Take everything pending; returns the events it caused (also kept in ``events``)."""
        out: list[Event] = []
        for reader, cond, kind in self._readers:
            while True:
                try:
                    batch = reader.take(N=_BATCH, condition=cond)
                except Exception as exc:  # cyclonedds could not build a sample (exotic QoS)
                    log.warning("reading builtin topic samples failed: %s", exc)
                    break
                now = self.session.elapsed()
                for sample in batch:
                    try:
                        ev = (
                            self._participant(sample, now)
                            if kind is None
                            else self._endpoint(sample, kind, now)
                        )
                    except (AttributeError, TypeError, ValueError):  # one odd peer, not the scan
                        log.warning("skipped a builtin-topic sample", exc_info=True)
                        continue
                    if ev is not None:
                        out.append(ev)
                if len(batch) < _BATCH:
                    break
        for ev in out:
            self.events.append(ev)
            if self.on_event is not None:
                self.on_event(ev)
        return out

    def run_for(self, seconds: float, *, step: float = 0.2) -> None:
        """Drain for ``seconds`` (wake on arrivals; short steps keep Ctrl-C responsive)."""
        end = self.session.elapsed() + seconds
        self.drain()
        while (left := end - self.session.elapsed()) > 0:
            self.session.wait(min(step, left))
            self.drain()

    def _participant(self, sample: Any, now: float) -> Event | None:
        prefix = guid_hex(sample.key)[:24]
        if prefix == self.session.guid_prefix:
            return None
        facts = self.facts
        known = facts.participants.get(prefix)
        if not is_alive(sample):
            if known is None or known.gone:
                return None
            known.gone, known.last_seen = True, now
            for ep in facts.endpoints.values():
                if ep.participant == prefix and not ep.gone:
                    ep.gone, ep.last_seen = True, now
            return Event(EventKind.LEFT, now, prefix, participant=known)
        fresh = participant_from_sample(sample, self.session.options.domain, now)
        # A placeholder made for an endpoint that arrived first has no first_seen: still news.
        if known is not None and not known.gone and known.first_seen is not None:
            fresh.first_seen = known.first_seen
            facts.participants[prefix] = fresh
            return None
        facts.participants[prefix] = fresh
        return Event(EventKind.JOINED, now, prefix, participant=fresh)

    def _endpoint(self, sample: Any, kind: EndpointKind, now: float) -> Event | None:
        guid = guid_hex(sample.key)
        if guid.startswith(self.session.guid_prefix):
            return None
        facts = self.facts
        known = facts.endpoints.get(guid)
        if not is_alive(sample):
            if known is None or known.gone:
                return None
            known.gone, known.last_seen = True, now
            return Event(EventKind.ENDPOINT_REMOVED, now, guid, endpoint=known)
        fresh = endpoint_from_sample(sample, kind, now)
        self.samples[guid] = sample
        if known is not None and not known.gone:
            fresh.first_seen = known.first_seen
            facts.endpoints[guid] = fresh
            return None
        facts.endpoints[guid] = fresh
        # An endpoint may arrive before its participant; the participant fills in later.
        facts.participant(fresh.participant)
        return Event(EventKind.ENDPOINT_ADDED, now, guid, endpoint=fresh)

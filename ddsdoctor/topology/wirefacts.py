"""Discovery facts from the wire: SPDP/SEDP records folded into ``discovery.DiscoveryFacts``.

The same facts the live ``scan`` command fills from builtin topics, so the DD82x mismatch
rules run unchanged on a capture. Records arrive repeated (SPDP every few seconds, SEDP on
every NACK) and the decoder's cache hands back the very same object for a repeat, so a
repeat costs one identity test and a time update.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import replace

from ddsdoctor.discovery import (
    DestinationOrder,
    DiscoveryFacts,
    Durability,
    Endpoint,
    EndpointKind,
    HistoryKind,
    Liveliness,
    Ownership,
    Participant,
    PresentationScope,
    Qos,
    Reliability,
)
from ddsdoctor.wire.guid import Locator
from ddsdoctor.wire.qos import EndpointQos
from ddsdoctor.wire.records import (
    CmParticipantData,
    DiscoveryKind,
    DiscoveryRecord,
    Disposal,
    DomainSource,
    EndpointData,
    ParticipantData,
    TopicData,
)
from ddsdoctor.wire.records import EndpointKind as WireKind

log = logging.getLogger(__name__)

_MAX_APPLIED = 16384  # twice the DiscoveryDecoder cache: older records are not handed out again
# PID_DOMAIN_ID beats RTI's vendor PID beats the port mapping; a port is trusted more on
# multicast, because Cyclone's unicast ports are ephemeral (rtps-facts.md §7).
_DOMAIN_RANK = {DomainSource.PID: 4, DomainSource.VENDOR_PID: 3, DomainSource.PORT: 1}


def locator_text(loc: Locator) -> str:
    """``udp/10.0.0.1:7410``, ``udp6/[ff02::1]:7400`` (Cyclone's own spelling), else the kind."""
    ip = loc.ip
    if loc.kind == 1:
        return f"udp/{ip}:{loc.port}"
    if loc.kind == 2:
        return f"udp6/[{ip}]:{loc.port}"
    return str(loc)


def _enum(cls: type, value: object, default: object) -> object:
    try:
        return cls(int(value))  # type: ignore[call-overload]
    except (ValueError, TypeError):
        return default  # an unknown wire value: keep the DDS default


def qos_from_wire(kind: EndpointKind, q: EndpointQos) -> Qos:
    """Resolve wire QoS into the facts model: an absent policy takes its DDS default."""
    kw: dict[str, object] = {}
    explicit: set[str] = set()
    if q.durability is not None:
        kw["durability"] = _enum(Durability, q.durability, Durability.VOLATILE)
        explicit.add("durability")
    if q.reliability is not None:
        default = Reliability.RELIABLE if kind is EndpointKind.WRITER else Reliability.BEST_EFFORT
        kw["reliability"] = _enum(Reliability, q.reliability.kind, default)
        if q.reliability.max_blocking_time is not None:
            kw["max_blocking_s"] = q.reliability.max_blocking_time
        explicit.add("reliability")
    if q.deadline is not None:
        kw["deadline_s"] = q.deadline
        explicit.add("deadline")
    if q.latency_budget is not None:
        kw["latency_budget_s"] = q.latency_budget
        explicit.add("latency_budget")
    if q.liveliness is not None:
        kw["liveliness"] = _enum(Liveliness, q.liveliness.kind, Liveliness.AUTOMATIC)
        if q.liveliness.lease_duration is not None:
            kw["liveliness_lease_s"] = q.liveliness.lease_duration
        explicit.add("liveliness")
    if q.ownership is not None:
        kw["ownership"] = _enum(Ownership, q.ownership, Ownership.SHARED)
        explicit.add("ownership")
    if q.ownership_strength is not None:
        kw["ownership_strength"] = q.ownership_strength
        explicit.add("ownership_strength")
    if q.destination_order is not None:
        kw["destination_order"] = _enum(
            DestinationOrder, q.destination_order, DestinationOrder.BY_RECEPTION_TIMESTAMP
        )
        explicit.add("destination_order")
    if q.history is not None:
        kw["history"] = _enum(HistoryKind, q.history.kind, HistoryKind.KEEP_LAST)
        kw["history_depth"] = q.history.depth
        explicit.add("history")
    if q.durability_service is not None:
        ds = q.durability_service.history
        kw["durability_service_history"] = _enum(HistoryKind, ds.kind, HistoryKind.KEEP_LAST)
        kw["durability_service_depth"] = ds.depth
        explicit.add("durability_service")
    if q.lifespan is not None:
        kw["lifespan_s"] = q.lifespan
        explicit.add("lifespan")
    if q.presentation is not None:
        p = q.presentation
        kw["presentation_scope"] = _enum(
            PresentationScope, p.access_scope, PresentationScope.INSTANCE
        )
        kw["coherent_access"] = p.coherent_access
        kw["ordered_access"] = p.ordered_access
        explicit.add("presentation")
    if q.time_based_filter is not None:
        kw["time_based_filter_s"] = q.time_based_filter
        explicit.add("time_based_filter")
    kw["explicit"] = frozenset(explicit)
    return Qos.default_for(kind, **kw)


class FactsBuilder:
    """Accumulates discovery records (in capture order) into DiscoveryFacts."""

    def __init__(self, source: str = "pcap") -> None:
        self.facts = DiscoveryFacts(source=source)
        self._applied: dict[int, tuple[object, Participant | Endpoint, bool]] = {}
        """id(record) -> (record, the facts object it updated, carries its own address)."""
        self._domain_rank: dict[str, int] = {}
        self.ddsi2: set[str] = set()
        """OpenSplice DDSI2 service participants (version-info flag 0x10)."""
        self.cm: dict[str, CmParticipantData] = {}
        self.topic_types: dict[str, set[str]] = {}
        """From SEDP topic samples (DCPSTopic; OpenSplice sends them)."""

    def add(
        self, records: Iterable[DiscoveryRecord], time: float, src: str, multicast: bool = False
    ) -> None:
        applied = self._applied
        for rec in records:
            seen = applied.get(id(rec))
            if seen is not None and seen[0] is rec:  # a repeat (the decoder's cache hit)
                target = seen[1]
                target.last_seen = time
                target.gone = False
                if (
                    seen[2]
                    and src
                    and isinstance(target, Participant)
                    and src not in target.addresses
                ):
                    target.addresses.append(src)
                continue
            if isinstance(rec, ParticipantData):
                p = self._participant(rec, time, src, multicast)
                self._remember(rec, p, rec.sender == rec.guid.prefix)
            elif isinstance(rec, EndpointData):
                self._remember(rec, self._endpoint(rec, time), False)
            elif isinstance(rec, Disposal):
                self._disposal(rec, time)
            elif isinstance(rec, CmParticipantData):
                self.cm[rec.guid.prefix.hex()] = rec
            elif isinstance(rec, TopicData) and rec.topic:
                self.topic_types.setdefault(rec.topic, set()).add(rec.type_name or "")

    def _remember(self, rec: object, target: Participant | Endpoint, own: bool) -> None:
        # Holding the record keeps its id() from being reused while the entry exists.
        if len(self._applied) >= _MAX_APPLIED:
            self._applied.clear()
        self._applied[id(rec)] = (rec, target, own)

    def _participant(
        self, rec: ParticipantData, time: float, src: str, multicast: bool
    ) -> Participant:
        prefix = rec.guid.prefix.hex()
        p = self.facts.participant(prefix)
        if p.first_seen is None:
            p.first_seen = time
        p.last_seen = time
        p.gone = False
        if src and rec.sender == rec.guid.prefix and src not in p.addresses:
            p.addresses.append(src)
        p.vendor_id = rec.vendor_id
        rank = _DOMAIN_RANK.get(rec.domain_source, 0) if rec.domain_source else 0
        if rec.domain_source is DomainSource.PORT and multicast:
            rank = 2
        if rec.domain_id is not None and rank > self._domain_rank.get(prefix, 0):
            p.domain_id = rec.domain_id
            self._domain_rank[prefix] = rank
        p.host = rec.host or p.host
        p.pid = rec.pid if rec.pid is not None else p.pid
        p.process = rec.process or p.process
        locs = (
            *rec.metatraffic_unicast,
            *rec.metatraffic_multicast,
            *rec.default_unicast,
            *rec.default_multicast,
        )
        p.locators = list(dict.fromkeys(locator_text(loc) for loc in locs))
        p.lease_s = rec.lease_duration
        info = rec.vendor.version_info
        p.product = rec.vendor.product_version or (info.product_version if info else None)
        p.entity_name = rec.entity_name or p.entity_name
        p.user_data = rec.user_data
        p.properties = dict(rec.properties)
        p.system_id = rec.system_id
        if rec.is_ddsi2:
            self.ddsi2.add(prefix)
        return p

    def _endpoint(self, rec: EndpointData, time: float) -> Endpoint:
        guid = str(rec.guid)
        kind = EndpointKind.WRITER if rec.kind is WireKind.WRITER else EndpointKind.READER
        ep = self.facts.endpoints.get(guid)
        if ep is None:
            ep = self.facts.endpoints[guid] = Endpoint(guid, kind, "", "", "", first_seen=time)
        # updated in place: the repeat memo points at this object
        ep.kind = kind
        ep.participant = rec.participant_guid.prefix.hex()
        ep.topic = rec.topic or ""
        ep.type_name = rec.type_name or ""
        ep.partitions = rec.partitions
        ep.qos = qos_from_wire(kind, rec.qos)
        ep.type_info = rec.type_information
        ep.entity_name = rec.entity_name
        ep.unicast_locators = [locator_text(loc) for loc in rec.unicast_locators]
        ep.multicast_locators = [locator_text(loc) for loc in rec.multicast_locators]
        ep.last_seen = time
        ep.gone = False
        self.facts.participant(ep.participant)
        return ep

    def _disposal(self, rec: Disposal, time: float) -> None:
        if rec.key is None:
            return
        if rec.kind is DiscoveryKind.PARTICIPANT:
            p = self.facts.participants.get(rec.key.prefix.hex())
            if p is not None:
                p.gone = True
                p.last_seen = time
        elif rec.kind in (DiscoveryKind.PUBLICATION, DiscoveryKind.SUBSCRIPTION):
            ep = self.facts.endpoints.get(str(rec.key))
            if ep is not None:
                ep.gone = True
                ep.last_seen = time

    def finish(self) -> DiscoveryFacts:
        """Name OpenSplice roles and hosts, label infrastructure endpoints; returns the facts."""
        from ddsdoctor.topology.roles import label_endpoints, name_opensplice

        name_opensplice(self.facts, self.ddsi2, self.cm)
        label_endpoints(self.facts)
        return self.facts


def historical(facts: DiscoveryFacts) -> DiscoveryFacts:
    """Everything seen during the capture, alive or gone at its end.

    A capture is a time window: endpoints disposed when their process exited at the end
    still existed while the capture ran, so the mismatch rules must see them.
    """
    return DiscoveryFacts(
        participants={k: replace(p, gone=False) for k, p in facts.participants.items()},
        endpoints={k: replace(e, gone=False) for k, e in facts.endpoints.items()},
        source=facts.source,
        started_at=facts.started_at,
        ended_at=facts.ended_at,
    )

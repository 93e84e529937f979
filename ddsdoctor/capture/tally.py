"""Running counters for the live view: top talkers, and participants and topics as they appear.

``LiveTally.tap(source)`` passes every Datagram through unchanged and updates plain counters
on the way (a dict lookup and two additions per datagram). Messages that may carry SPDP or
SEDP (their builtin writer ids appear in the bytes) go through a caching DiscoveryDecoder;
they are rare in steady state. The view thread only copies these containers (one C-level
operation each, atomic under the GIL) and renders on its own timer.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from ddsdoctor.capture.datagram import Datagram
from ddsdoctor.wire import DiscoveryDecoder, EndpointData, ParticipantData, WireError
from ddsdoctor.wire.ids import vendor_name
from ddsdoctor.wire.walk import scan

log = logging.getLogger(__name__)

# Writer entity ids of SPDP (0x000100c2) and SEDP publications/subscriptions (0x000003c2,
# 0x000004c2): octet arrays on the wire, so the bytes are the same in either endianness.
_MARKERS = (b"\x00\x01\x00\xc2", b"\x00\x00\x03\xc2", b"\x00\x00\x04\xc2")


@dataclass(frozen=True, slots=True)
class SeenParticipant:
    first: float
    prefix: str
    address: str
    vendor: str
    host: str | None
    process: str | None
    pid: int | None


@dataclass(slots=True)
class SeenTopic:
    first: float
    name: str
    type_name: str | None
    writers: int = 0
    readers: int = 0


class LiveTally:
    """Counters the live view reads while the capture runs."""

    def __init__(self) -> None:
        self.talkers: dict[str, list[int]] = {}
        """Source IP -> [datagrams, wire bytes]."""
        self.participants: dict[bytes, SeenParticipant] = {}
        self.topics: dict[str, SeenTopic] = {}
        self._endpoints: set[bytes] = set()
        self._decoder = DiscoveryDecoder()

    def tap(self, source: Iterable[Datagram]) -> Iterator[Datagram]:
        """Yield ``source`` unchanged, counting on the way."""
        talkers = self.talkers
        get = talkers.get
        m1, m2, m3 = _MARKERS
        for dg in source:
            row = get(dg.src)
            if row is None:
                talkers[dg.src] = [1, dg.wire_len]
            else:
                row[0] += 1
                row[1] += dg.wire_len
            p = dg.payload
            # One memchr first: most messages lack 0xc2, and the 4-byte searches cost ~4x more.
            if b"\xc2" in p and (m1 in p or m2 in p or m3 in p):
                self._discovery(dg)
            yield dg

    def totals(self) -> tuple[int, int]:
        """(datagrams, wire bytes) so far: summed here so the tap does less per datagram."""
        rows = list(self.talkers.values())
        return sum(r[0] for r in rows), sum(r[1] for r in rows)

    def _discovery(self, dg: Datagram) -> None:
        try:
            walked = scan(dg.payload)
        except WireError:
            return
        if not walked.discovery:
            return
        decoded = self._decoder.decode(dg.payload, walked, time=dg.time, dst_port=dg.dport)
        for rec in decoded.records:
            if isinstance(rec, ParticipantData):
                self._participant(rec, dg)
            elif isinstance(rec, EndpointData) and rec.topic:
                self._endpoint(rec, dg.time)

    def _participant(self, rec: ParticipantData, dg: Datagram) -> None:
        prefix = rec.guid.prefix
        if prefix in self.participants:
            return
        self.participants[prefix] = SeenParticipant(
            dg.time,
            prefix.hex(),
            dg.src,
            vendor_name(rec.vendor_id),
            rec.host,
            rec.process,
            rec.pid,
        )

    def _endpoint(self, rec: EndpointData, time: float) -> None:
        key = rec.guid.prefix + rec.guid.entity_id.to_bytes(4, "big")
        if key in self._endpoints or rec.topic is None:
            return
        self._endpoints.add(key)
        topic = self.topics.get(rec.topic)
        if topic is None:
            topic = self.topics[rec.topic] = SeenTopic(time, rec.topic, rec.type_name)
        if rec.kind.value == "writer":
            topic.writers += 1
        else:
            topic.readers += 1

"""Read the durability protocol out of a capture: SEDP names the writers, DATA carries the samples.

The writer -> topic mapping comes from SEDP only (never from entity ids, which shift with the
configuration: opensplice-durability-protocol.md §1), and samples that arrive before their
writer's SEDP are kept and resolved when it arrives (§10). Samples are deduplicated by
(writer GUID, sequence number): captures hold retransmits and the same sample sent to several
unicast addresses (§9.3 step 1). IP fragments are reassembled by the capture reader and
DATA_FRAG by ``wire.SampleReassembler``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable

from ddsdoctor.capture import read_capture
from ddsdoctor.discovery import host_from_user_data
from ddsdoctor.durability.cdr import DecodeError
from ddsdoctor.durability.decode import PARTITION, TOPICS, decode, decode_key
from ddsdoctor.durability.messages import KeyOnly, Message
from ddsdoctor.durability.observe import Observation, Observed, ParticipantInfo
from ddsdoctor.wire import (
    DataRef,
    DiscoveryDecoder,
    DiscoveryKind,
    Disposal,
    EndpointData,
    EndpointKind,
    ParticipantData,
    Sample,
    SampleReassembler,
    WireError,
    data_sample,
    decode_at,
    scan,
)
from ddsdoctor.wire.submessages import Data, DataFrag

log = logging.getLogger(__name__)

MAX_PENDING = 100_000  # samples of not-yet-named writers kept in memory
_USER_ENTITY = 0xC0  # entity-kind bits 0xc0 == 0: user-defined, not builtin (RTPS §9.3.1.2)
Progress = Callable[[int], None]


class _Collector:
    def __init__(self, partition: str) -> None:
        self.obs = Observation("pcap", partition=partition)
        self.topics: dict[tuple[bytes, int], str | None] = {}  # None: a non-d_* writer
        self.pending: dict[tuple[bytes, int], list[tuple[float, int, Sample]]] = {}
        self.npending = 0
        self.seen: set[tuple[bytes, int, int]] = set()
        self.reassembler = SampleReassembler()

    def participant(self, prefix: bytes) -> ParticipantInfo:
        key = prefix.hex()
        info = self.obs.participants.get(key)
        if info is None:
            info = self.obs.participants[key] = ParticipantInfo(key)
        return info

    def on_participant(self, rec: ParticipantData, src: str) -> None:
        info = self.participant(rec.guid.prefix)
        info.system_id = rec.system_id
        info.vendor_id = rec.vendor_id
        info.host = host_from_user_data(rec.user_data) or info.host or rec.host
        info.lease_s = rec.lease_duration
        ips = [loc.ip for loc in rec.default_unicast if loc.ip]
        info.ip = info.ip or (ips[0] if ips else src or None)

    def on_writer(self, rec: EndpointData) -> None:
        key = (rec.guid.prefix, rec.guid.entity_id)
        info = TOPICS.get(rec.topic or "")
        ours = (
            info is not None
            and rec.type_name == info.type_name
            and self.obs.partition in rec.partitions
        )
        self.topics[key] = rec.topic if ours else None
        for time, frame, sample in self.pending.pop(key, []):
            self.npending -= 1
            if ours and rec.topic is not None:
                self.add(rec.topic, time, frame, sample)

    def on_data(self, time: float, frame: int, src: str, payload: bytes, ref: DataRef) -> None:
        key = (ref.source, ref.writer_id)
        topic = self.topics.get(key, "")
        if topic is None:
            return  # named by SEDP, and not a durability protocol writer
        ident = (ref.source, ref.writer_id, ref.sn)
        if ident in self.seen:
            return
        try:
            sub = decode_at(payload, ref.offset, ref.source, ref.vendor_id)
        except WireError:
            return
        if isinstance(sub, DataFrag):
            sample = self.reassembler.add(sub, time)
            if sample is None:
                return
        elif isinstance(sub, Data):
            sample = data_sample(sub)
        else:
            return
        self.seen.add(ident)
        info = self.participant(ref.source)
        info.ip = info.ip or src or None
        if topic:
            self.add(topic, time, frame, sample)
        elif self.npending < MAX_PENDING:
            self.pending.setdefault(key, []).append((time, frame, sample))
            self.npending += 1
        else:
            self.obs.unmapped += 1

    def add(self, topic: str, time: float, frame: int, sample: Sample) -> None:
        writer = str(sample.writer)
        message: Message | KeyOnly
        try:
            if sample.has_key and not sample.has_data:
                message = decode_key(sample.payload)
            else:
                message = decode(topic, sample.payload)
        except DecodeError as exc:
            self.obs.undecodable.append((time, writer, f"{topic}: {exc}"))
            return
        self.obs.samples.append(Observed(time, writer, topic, message, frame, sample.status_info))


def observe_capture(
    path: str | os.PathLike[str], *, partition: str = PARTITION, progress: Progress | None = None
) -> Observation:
    """Every durability protocol sample in a pcap/pcapng file, in capture order.

    Raises ``capture.CaptureError`` only when the file cannot be opened; a truncated or
    corrupt file yields what came before and sets ``capture_problem``.
    """
    c = _Collector(partition)
    decoder = DiscoveryDecoder()
    reader = read_capture(path)
    for n, dg in enumerate(reader):
        if progress is not None and n % 4096 == 0:
            progress(n)
        try:
            walked = scan(dg.payload)
        except WireError:
            continue
        if walked.discovery:
            for rec in decoder.decode(dg.payload, walked, time=dg.time, dst_port=dg.dport).records:
                if isinstance(rec, ParticipantData):
                    c.on_participant(rec, dg.src)
                elif isinstance(rec, EndpointData) and rec.kind is EndpointKind.WRITER:
                    c.on_writer(rec)
                elif (
                    isinstance(rec, Disposal)
                    and rec.kind is DiscoveryKind.PARTICIPANT
                    and rec.key is not None
                ):
                    c.participant(rec.key.prefix).gone_at = dg.time
        for ref in walked.data:
            if ref.kind in (0x15, 0x16) and not ref.writer_id & _USER_ENTITY:
                c.on_data(dg.time, dg.frame, dg.src, dg.payload, ref)
    stats = reader.stats
    obs = c.obs
    obs.unmapped += c.npending
    obs.start, obs.end = stats.first_time, stats.last_time
    if stats.format_error:
        obs.capture_problem = f"capture unreadable after frame {stats.frames}: {stats.format_error}"
    elif stats.truncated:
        obs.capture_problem = f"capture truncated after frame {stats.frames}"
    obs.samples.sort(key=lambda s: (s.time, s.frame or 0))
    if obs.unmapped:
        obs.notes.append(
            f"{obs.unmapped} sample(s) from writers whose SEDP announcement is not in the "
            "capture could not be named (capture started after discovery)"
        )
    return obs

"""Observe the durability protocol live: read-only Cyclone DDS readers on the ``d_*`` topics.

What it creates: one participant, one subscriber in the durability partition, one
BEST_EFFORT reader per ``d_*`` topic and the builtin DCPSParticipant reader. Never a publisher
or a writer. BEST_EFFORT because a reliable reader that acknowledges slowly can make the
durability writers (KEEP_ALL, max_samples 1) block for up to a second per write (protocol
§2, §11). Samples are taken as serialized bytes and decoded by ``durability.decode``, the
decoder the capture path uses; each is attributed to its writer's GUID through the
publication handle (DCPSPublication key), never to the sender field inside it (§3).

Every sample is stamped with its reception time: the loop sleeps on a waitset that wakes as
soon as any reader holds data, and takes it at once. Cyclone's SampleInfo has no reception
timestamp, and stamping with the time of a periodic poll would give events up to a poll
period apart the same time: the view then cannot tell whether a fellow appeared before or
after a sample request, and counts it among the aligners the request waits for.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

from ddsdoctor.discovery import host_from_user_data
from ddsdoctor.durability.cdr import DecodeError
from ddsdoctor.durability.decode import PARTITION, TOPICS, decode, decode_key
from ddsdoctor.durability.messages import KeyOnly, Message
from ddsdoctor.durability.observe import Observation, Observed, ParticipantInfo
from ddsdoctor.live.convert import policies
from ddsdoctor.live.session import INSTALL_HINT, LiveError, Session, SessionOptions

log = logging.getLogger(__name__)

Update = Callable[[Observation], None]
Progress = Callable[[str], None]
NOTES = (
    "d_nameSpaces is sent only on events (a fellow joining, a master selection, a merge): a "
    "view formed before the observation started is known only once it is announced again",
    "d_status (every second) says who is there and in which state",
    "IP addresses are not visible to a DDS reader (use --pcap for them)",
)
_BATCH = 256
_WAKE_S = 0.2
"""Longest wait on the waitset: keeps --watch updates and the deadline on time."""
_SPIN_PAUSE_S = 0.01


@dataclass(frozen=True, slots=True)
class LiveOptions:
    domain: int = 0
    config: str | None = None
    interface: str | None = None
    partition: str = PARTITION
    duration_s: float = 15.0


def _reader_api() -> Any:
    """The cyclonedds names for readers, on top of the session's (which has no writer either)."""
    try:
        from cyclonedds._clayer import ddspy_take
        from cyclonedds.sub import DataReader, Subscriber
        from cyclonedds.topic import Topic
    except ImportError as exc:
        raise LiveError(f"cyclonedds is not complete ({exc}): {INSTALL_HINT}") from None
    return SimpleNamespace(
        ddspy_take=ddspy_take, DataReader=DataReader, Subscriber=Subscriber, Topic=Topic
    )


class _Observer:
    def __init__(self, session: Session, options: LiveOptions) -> None:
        self.s = session
        self.m = session.dds
        self.r = _reader_api()
        self.obs = Observation("live", partition=options.partition)
        self.obs.notes = list(NOTES)
        self.readers: list[tuple[str, Any]] = []
        self.mask = self.m.SampleState.Any | self.m.ViewState.Any | self.m.InstanceState.Any
        self.writers: dict[int, str] = {}  # publication handle -> writer GUID hex
        self.decode_errors = 0

    def create(self) -> None:
        from ddsdoctor.durability.idl import TYPES

        m, r, s = self.m, self.r, self.s
        qos = m.Qos(
            m.Policy.Reliability.BestEffort,
            m.Policy.Durability.Volatile,
            m.Policy.History.KeepLast(_BATCH),
            m.Policy.DestinationOrder.ByReceptionTimestamp,
        )
        sub = s.own(
            r.Subscriber(s.participant, qos=m.Qos(m.Policy.Partition([self.obs.partition])))
        )
        for name in TOPICS:
            topic = s.own(r.Topic(s.participant, name, TYPES[name]))
            self.readers.append((name, self._watched(r.DataReader(sub, topic, qos=qos))))
        self.builtin = self._watched(
            m.BuiltinDataReader(s.participant, m.BuiltinTopicDcpsParticipant)
        )

    def _watched(self, reader: Any) -> Any:
        """Own ``reader`` and wake the session's waitset whenever it holds any sample."""
        self.s.own(reader)
        self.s.waitset.attach(self.s.own(self.m.ReadCondition(reader, self.mask)))
        return reader

    def writer_guid(self, reader: Any, handle: int, sid: int) -> str:
        guid = self.writers.get(handle)
        if guid is None:
            try:
                ep = reader.get_matched_publication_data(handle)
                guid = ep.key.bytes.hex()
            except Exception:  # the writer left before we asked: keep the node, not the writer
                guid = f"{sid:08x}" + "0" * 24
            self.writers[handle] = guid
        return guid

    def take(self, now: float) -> int:
        got = 0
        for name, reader in self.readers:
            ret = self.r.ddspy_take(reader._ref, self.mask, _BATCH)
            if isinstance(ret, int):
                continue
            for data, info in ret:
                got += 1
                message: Message | KeyOnly
                try:
                    message = decode(name, data) if info.valid_data else decode_key(data)
                except DecodeError as exc:
                    if info.valid_data:
                        self.obs.undecodable.append(
                            (now, f"handle {info.publication_handle}", f"{name}: {exc}")
                        )
                    continue
                sid = (
                    message.system_id
                    if isinstance(message, KeyOnly)
                    else message.header.sender.system_id
                )
                writer = self.writer_guid(reader, info.publication_handle, sid)
                status = 0 if info.valid_data else (1 if info.instance_state == 2 else 2)
                self.obs.samples.append(Observed(now, writer, name, message, None, status))
        return got

    def participants(self, now: float) -> int:
        samples = self.builtin.take(N=_BATCH)
        for sample in samples:
            info = getattr(sample, "sample_info", None)
            key = getattr(sample, "key", None)
            if key is None:
                continue
            prefix = key.bytes[:12].hex()
            p = self.obs.participants.setdefault(prefix, ParticipantInfo(prefix))
            user_data = policies(getattr(sample, "qos", None)).get("Userdata")
            host = host_from_user_data(bytes(user_data.data) if user_data is not None else None)
            p.host = host or p.host
            if info is not None and info.instance_state != int(self.m.InstanceState.Alive):
                p.gone_at = p.gone_at or now
        return len(samples)

    def drain(self) -> int:
        """Take everything that arrived, stamped now; how many samples that was."""
        now = time.time()
        return self.take(now) + self.participants(now)


def observe_live(
    options: LiveOptions, update: Update | None = None, *, progress: Progress | None = None
) -> Observation:
    """Listen for ``duration_s`` (inf = until Ctrl-C) and return what was observed.

    ``update`` is called about once a second with the observation so far (``--watch``). With
    an infinite duration, Ctrl-C ends the observation normally.
    """
    opts = SessionOptions(options.domain, options.config, options.interface, "durability")
    session = Session(opts).open()
    ob = _Observer(session, options)
    try:
        ob.create()
        start = time.time()
        ob.obs.start = start
        if progress is not None:
            shown = (
                "until Ctrl-C" if math.isinf(options.duration_s) else f"{options.duration_s:g} s"
            )
            progress(
                f"listening on domain {options.domain}, partition "
                f"'{options.partition}', {shown} (readers only)"
            )
        deadline = time.monotonic() + options.duration_s
        next_update = 0.0
        try:
            ob.drain()
            while (left := deadline - time.monotonic()) > 0:
                fired = session.wait(min(_WAKE_S, left))
                if not ob.drain() and fired:
                    time.sleep(_SPIN_PAUSE_S)  # a condition that take cannot clear: no spin
                mono = time.monotonic()
                if update is not None and mono >= next_update:
                    ob.obs.end = time.time()
                    update(ob.obs)
                    next_update = mono + 1.0
        except KeyboardInterrupt:
            if not math.isinf(options.duration_s):
                raise
        ob.drain()
        ob.obs.end = time.time()
        return ob.obs
    finally:
        session.close()

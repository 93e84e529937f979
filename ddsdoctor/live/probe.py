"""``probe``: how long a late joiner waits for each durable topic's history, on a live domain.

Each run joins the domain with a fresh participant (t = 0), waits ``--settle``, and creates one
late-joining reader per target (a durable topic, type and partition set) as soon as its first
writer is discovered, with matching partitions and QoS. It then times four phases: writer
discovered, matched, first historical sample, complete. The runs' measurements become
:class:`ProbeReport`, the subject of the probe rules (DD92x).
"""

from __future__ import annotations

import concurrent.futures
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ddsdoctor.discovery import EndpointKind
from ddsdoctor.live.lateread import LateReader, Limits
from ddsdoctor.live.results import ProbeReport, Run, TopicResult, Verdict, WriterInfo
from ddsdoctor.live.session import Session, SessionOptions, load_dds
from ddsdoctor.live.targets import (
    Target,
    TargetKey,
    late_joiner_depth,
    opensplice_transient,
    update_targets,
    wanted,
    writer_info,
)
from ddsdoctor.live.tracker import DiscoveryTracker
from ddsdoctor.live.types import (
    TYPE_SOURCE_NAME,
    TYPE_SOURCE_XTYPES,
    TypeUnavailable,
    fetch_xtypes,
    keyed_writer,
    stand_in,
)
from ddsdoctor.live.vendor import infer_vendors

log = logging.getLogger(__name__)

_GLOB = frozenset("*?[")
Progress = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class ProbeOptions:
    session: SessionOptions = field(default_factory=lambda: SessionOptions(purpose="probe"))
    topics: tuple[str, ...] = ()  # names or patterns; () = every durable topic
    partitions: tuple[str, ...] = ()  # the readers' partitions instead of the writers'
    timeout: float = 60.0
    quiet: float = 2.0
    slow: float = 10.0
    settle: float = 0.0
    repeat: int = 1
    discover: float = 1.0  # without exact --topic names: how long new topics are taken on
    expect: int | None = None
    allow_empty: bool = False
    name_match: bool = True


def _probe_dds() -> Any:
    """The reading half of cyclonedds, imported before the clock starts (imports take ~50 ms)."""
    from cyclonedds._clayer import ddspy_take
    from cyclonedds.core import GuardCondition
    from cyclonedds.dynamic import get_types_for_typeid
    from cyclonedds.idl import make_idl_struct
    from cyclonedds.sub import DataReader, Subscriber
    from cyclonedds.topic import Topic

    return SimpleNamespace(
        ddspy_take=ddspy_take,
        GuardCondition=GuardCondition,
        DataReader=DataReader,
        Subscriber=Subscriber,
        Topic=Topic,
        # used by ddsdoctor.live.types (from a worker thread): imported before the clock starts
        get_types_for_typeid=get_types_for_typeid,
        make_idl_struct=make_idl_struct,
    )


def _probe_dds_or_error() -> Any:
    load_dds()  # the clear "not installed" error first
    return _probe_dds()


@dataclass(slots=True)
class _Outcome:
    target: Target
    writers: tuple[WriterInfo, ...]
    run: Run


class _OneRun:
    """One participant, its targets and their late readers, until done or timed out."""

    def __init__(self, options: ProbeOptions, session: Session, probe_dds: Any) -> None:
        self.o = options
        self.s = session
        self.x = probe_dds
        self.tracker = DiscoveryTracker(session)
        self.targets: dict[TargetKey, Target] = {}
        self.readers: dict[TargetKey, LateReader] = {}
        self.lookups: dict[TargetKey, concurrent.futures.Future[Any]] = {}
        self.pool = concurrent.futures.ThreadPoolExecutor(max_workers=2)
        self.guard = session.own(self.x.GuardCondition(session.participant))
        session.waitset.attach(self.guard)
        self.exact = bool(options.topics) and not any(_GLOB & set(t) for t in options.topics)
        self.limits = Limits(
            options.timeout, options.quiet, options.slow, options.expect, options.allow_empty
        )

    def run(self) -> list[_Outcome]:
        o, s = self.o, self.s
        try:
            while True:
                now = s.elapsed()
                if self.tracker.drain():
                    infer_vendors(self.tracker.facts)
                    allow_new = self.exact or now <= max(o.settle, o.discover)
                    update_targets(
                        self.tracker.facts,
                        self.targets,
                        o.topics,
                        o.partitions,
                        allow_new=allow_new,
                    )
                self.guard.take()
                self._step(now)
                if self._finished(now) or now >= o.timeout:
                    break
                s.wait(min(0.2, max(0.001, o.timeout - now), self._next_wake(now)))
            end = s.elapsed()
            for reader in self.readers.values():
                reader.end(end)
        finally:
            self.pool.shutdown(wait=True, cancel_futures=True)
        return self._outcomes()

    def _next_wake(self, now: float) -> float:
        """Wake for timers the waitset cannot see: settle, quiet periods, grace."""
        if now < self.o.settle and self.targets:
            return self.o.settle - now
        return 0.05 if any(not r.done for r in self.readers.values()) else 0.2

    def _step(self, now: float) -> None:
        for key, target in self.targets.items():
            reader = self.readers.get(key)
            if reader is None and target.writers and now >= self.o.settle:
                reader = self.readers[key] = self._start(key, target)
            if reader is None or reader.done:
                continue
            future = self.lookups.get(key)
            if future is not None and future.done() and reader.reader is None:
                try:
                    self._create(reader, future.result(), TYPE_SOURCE_XTYPES)
                except TypeUnavailable as exc:
                    reader.give_up(str(exc), Verdict.UNREADABLE)
            reader.poll(self.s, self.x.ddspy_take, self.s.elapsed())

    def _create(self, reader: LateReader, cls: Any, source: str) -> None:
        """Create the late joiner; a type or QoS Cyclone refuses makes the topic unreadable."""
        try:
            reader.create(self.s, self.x, cls, source)
        except Exception as exc:  # cyclonedds raises DDSException, TypeError, ValueError...
            log.debug("reader creation failed", exc_info=True)
            reader.give_up(
                f"cannot create a late joiner ({source} type): {type(exc).__name__}: {exc}",
                Verdict.UNREADABLE,
            )

    def _start(self, key: TargetKey, target: Target) -> LateReader:
        facts = self.tracker.facts
        depths: dict[int, int] | None = {}
        for w in target.writers:
            depth = late_joiner_depth(facts, w)
            sample = self.tracker.samples.get(w.guid)
            if depth is None or sample is None or depths is None:
                depths = None
                continue
            depths[int(sample.sample_info.instance_handle)] = depth
        reader = LateReader(target, self.limits, depths)
        ospl = opensplice_transient(facts, target.writers)
        if ospl:
            reader.unmeasurable = (
                f"{len(ospl)} OpenSplice TRANSIENT/PERSISTENT writer(s): their history is served "
                "only by OpenSplice durability services, to OpenSplice readers; a Cyclone late "
                "joiner gets none even on a healthy system (discovery, match and live delivery "
                "are still reported)"
            )
        type_id = next(
            (
                t
                for w in target.writers
                if (t := getattr(self.tracker.samples.get(w.guid), "type_id", None)) is not None
            ),
            None,
        )
        if type_id is not None:
            left = max(0.5, self.o.timeout - self.s.elapsed())
            fut = self.pool.submit(fetch_xtypes, self.s.participant, type_id, left)
            fut.add_done_callback(lambda _f: self._wake())
            self.lookups[key] = fut
        elif self.o.name_match:
            try:
                cls = stand_in(target.type_name, keyed_writer(target.writers[0].guid))
            except Exception as exc:  # cyclonedds' IDL builder refused the name
                reader.give_up(
                    f"no stand-in type for {target.type_name!r}: {exc}", Verdict.UNREADABLE
                )
            else:
                self._create(reader, cls, TYPE_SOURCE_NAME)
        else:
            reader.give_up(
                "the writer sends no XTypes type information (--no-name-match)",
                Verdict.UNREADABLE,
            )
        return reader

    def _wake(self) -> None:
        try:
            self.guard.set(True)
        except Exception:  # the session may be closing
            log.debug("guard set failed", exc_info=True)

    def _finished(self, now: float) -> bool:
        """Every target measured, and no new one can still come."""
        if self.exact:
            named = {t.topic for t in self.targets.values()}
            if any(name not in named for name in self.o.topics):
                return False
        elif now <= max(self.o.settle, self.o.discover):
            return False
        return len(self.readers) == len(self.targets) and all(r.done for r in self.readers.values())

    def _outcomes(self) -> list[_Outcome]:
        facts = self.tracker.facts
        me = self.s.guid_prefix
        out = []
        for key, target in sorted(self.targets.items()):
            reader = self.readers.get(key)
            writers = tuple(writer_info(facts, w) for w in target.writers)
            if reader is None:  # found too late (after --timeout or before --settle ended)
                ospl = bool(opensplice_transient(facts, target.writers))
                run = Run(
                    Verdict.UNMEASURABLE if ospl else Verdict.TIMEOUT,
                    discovered_s=target.discovered_s,
                    reason="discovered, but the probe ended before its reader was created",
                    participant=me,
                )
            else:
                run = reader.run(target.discovered_s, me)
            out.append(_Outcome(target, writers, run))
        if self.exact:
            for name in self.o.topics:
                if not any(t.topic == name for t in self.targets.values()):
                    out.append(self._no_writer(name))
        return out

    def _no_writer(self, name: str) -> _Outcome:
        facts = self.tracker.facts
        readers = [
            e
            for e in facts.live_endpoints()
            if e.kind is EndpointKind.READER and e.topic == name and wanted(e.topic, [name])
        ]
        writers_elsewhere = [
            e for e in facts.live_endpoints() if e.kind is EndpointKind.WRITER and e.topic == name
        ]
        type_name = readers[0].type_name if readers else "?"
        reason = f"no writer of {name!r} discovered within {self.o.timeout:g} s"
        if writers_elsewhere:
            reason = (
                f"{len(writers_elsewhere)} writer(s) of {name!r} found, but none durable or in the "
                "wanted partitions"
            )
        elif readers:
            reason += f" ({len(readers)} reader(s) of it are waiting)"
        target = Target(name, type_name, tuple(self.o.partitions))
        run = Run(Verdict.NO_WRITER, reason=reason, participant=self.s.guid_prefix)
        return _Outcome(target, (), run)


def run_probe(options: ProbeOptions, progress: Progress | None = None) -> ProbeReport:
    """Run the probe ``options.repeat`` times, each with a fresh participant."""
    started = time.time()
    t0 = time.monotonic()
    merged: dict[TargetKey, list[_Outcome]] = {}
    me: list[str] = []
    probe_dds = _probe_dds_or_error()
    for i in range(max(1, options.repeat)):
        with Session(options.session) as session:
            me.append(session.guid_prefix)
            if progress is not None:
                progress(
                    f"run {i + 1}/{options.repeat}: participant {session.guid_prefix} "
                    f"on domain {options.session.domain}"
                )
            for outcome in _OneRun(options, session, probe_dds).run():
                merged.setdefault(outcome.target.key, []).append(outcome)
    topics = []
    for key, outs in sorted(merged.items()):
        writers: dict[str, WriterInfo] = {}
        for oc in outs:
            for w in oc.writers:
                writers.setdefault(w.guid, w)
        topics.append(
            TopicResult(
                topic=key[0],
                partitions=key[2],
                type_name=key[1],
                writers=tuple(writers.values()),
                runs=tuple(oc.run for oc in outs),
            )
        )
    return ProbeReport(
        domain=options.session.domain,
        topics=tuple(topics),
        participants=tuple(me),
        timeout_s=options.timeout,
        slow_s=options.slow,
        quiet_s=options.quiet,
        settle_s=options.settle,
        repeat=max(1, options.repeat),
        selected=options.topics,
        started_at=started,
        duration_s=time.monotonic() - t0,
    )

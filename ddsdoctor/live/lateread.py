"""One late-joining reader on one target: creation, phases, sample counting and its verdict.

Arrivals are counted from the serialized samples (never decoded) and stamped on the session's
monotonic clock when taken from the waitset, never inferred from ``wait_for_historical_data``,
which returns at once in Cyclone 11 (test-rig.md §4). A sample is historical when its source
timestamp predates the reader: later ones are live traffic, counted apart.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from ddsdoctor.discovery import Durability, Ownership, Reliability
from ddsdoctor.live.results import Run, Verdict
from ddsdoctor.live.session import Session
from ddsdoctor.live.targets import ReaderPlan, Target

log = logging.getLogger(__name__)

_BATCH = 1000
_GRACE = 0.25  # a count-based completion stands once no sample followed for this long


@dataclass(frozen=True, slots=True)
class Limits:
    timeout: float
    quiet: float
    slow: float
    expect: int | None = None
    allow_empty: bool = False


def reader_qos(m: Any, plan: ReaderPlan) -> Any:
    """KEEP_ALL with no resource limits: nothing the writer sends is ever pushed out."""
    p = m.Policy
    dur = {
        Durability.TRANSIENT_LOCAL: p.Durability.TransientLocal,
        Durability.TRANSIENT: p.Durability.Transient,
        Durability.PERSISTENT: p.Durability.Persistent,
    }[plan.durability]
    rel = (
        p.Reliability.Reliable(max_blocking_time=m.duration(milliseconds=100))
        if plan.reliability is Reliability.RELIABLE
        else p.Reliability.BestEffort
    )
    own = p.Ownership.Exclusive if plan.ownership is Ownership.EXCLUSIVE else p.Ownership.Shared
    budget = m.duration(seconds=min(plan.latency_budget_s, 1e9))
    return m.Qos(
        dur,
        rel,
        own,
        p.History.KeepAll,
        p.ResourceLimits(max_samples=-1, max_instances=-1, max_samples_per_instance=-1),
        p.LatencyBudget(budget=budget),
        p.EntityName("ddsdoctor probe"),
    )


class LateReader:
    """The measurement for one target in one run."""

    def __init__(self, target: Target, limits: Limits, depths: dict[int, int] | None) -> None:
        self.target = target
        self.limits = limits
        # publication handle -> late-joiner depth, when every writer's depth is known
        self.depths = depths
        self.reader: Any = None
        self.type_source: str | None = None
        self.created_s: float | None = None
        self.created_wall_ns = 0
        self.matched_s: float | None = None
        self.matched_writers = 0
        self.first_s: float | None = None
        self.last_s: float | None = None
        self.hist = 0
        self.live = 0
        self.per_instance: dict[tuple[int, int], int] = defaultdict(int)
        self.candidate: float | None = None  # count criterion met at this time
        self.complete_s: float | None = None
        self.complete_by: str | None = None
        self.verdict: Verdict | None = None
        self.reason = ""
        self.unmeasurable = ""  # why a Cyclone reader cannot observe this history
        self.incompatible: tuple[int, int] = (0, 0)  # (times, last QoS policy id) refused

    @property
    def done(self) -> bool:
        return self.verdict is not None

    def create(self, session: Session, probe_dds: Any, cls: Any, source: str) -> None:
        m, x = session.dds, probe_dds
        plan = self.target.plan()
        dp = session.participant
        topic = session.own(x.Topic(dp, self.target.topic, cls))
        sub_qos = m.Qos(m.Policy.Partition(list(plan.partitions))) if plan.partitions else None
        sub = session.own(x.Subscriber(dp, qos=sub_qos))
        self.created_wall_ns = time.time_ns()
        self.reader = session.own(x.DataReader(sub, topic, qos=reader_qos(m, plan)))
        self.created_s = session.elapsed()
        self.type_source = source
        st = m.DDSStatus
        self.reader.set_status_mask(
            st.SubscriptionMatched | st.DataAvailable | st.RequestedIncompatibleQos
        )
        session.waitset.attach(self.reader)

    def poll(self, session: Session, take: Any, now: float) -> None:
        """Read statuses and take what arrived; advance the completion state."""
        if self.reader is None or self.done:
            return
        m = session.dds
        matched = self.reader.get_subscription_matched_status()
        self.matched_writers = max(self.matched_writers, int(matched.current_count))
        inc = self.reader.get_requested_incompatible_qos_status()
        if inc.total_count:
            self.incompatible = (int(inc.total_count), int(inc.last_policy_id))
        if self.matched_s is None and matched.current_count > 0:
            self.matched_s = now
        mask = m.SampleState.Any | m.ViewState.Any | m.InstanceState.Any
        got = 0
        while True:
            batch = take(self.reader._ref, mask, _BATCH)
            if isinstance(batch, int):  # a DDS return code
                log.debug("take failed on %s: %d", self.target.topic, batch)
                break
            for _data, info in batch:
                if not info.valid_data:
                    continue
                if info.source_timestamp < self.created_wall_ns:
                    self.hist += 1
                    got += 1
                    self.per_instance[(info.publication_handle, info.instance_handle)] += 1
                else:
                    self.live += 1
            if len(batch) < _BATCH:
                break
        if got:
            if self.matched_s is None:  # data implies a match the status had not shown yet
                self.matched_s = now
            self.first_s = self.first_s if self.first_s is not None else now
            self.last_s = now
        self._advance(now, got)

    def _advance(self, now: float, got: int) -> None:
        lim = self.limits
        if self.unmeasurable:
            # Watch live delivery for one quiet period after the match, then stop.
            if self.matched_s is not None and now - self.matched_s >= lim.quiet:
                self._finish(Verdict.UNMEASURABLE, None, None, self.unmeasurable)
            return
        if lim.expect is not None and self.hist >= lim.expect:
            self._complete(self.last_s, "expect")
            return
        if self.depths is not None and got:
            self.candidate = self.last_s if self._count_met() else None
        if self.candidate is not None and now - self.candidate >= min(_GRACE, lim.quiet):
            self._complete(self.candidate, "count")
            return
        if lim.expect is None and self.last_s is not None and now - self.last_s >= lim.quiet:
            self._complete(self.last_s, "quiet")
            return
        empty_for = now - self.matched_s if self.matched_s is not None else 0.0
        if lim.allow_empty and self.hist == 0 and empty_for >= lim.quiet:
            self._complete(self.matched_s, "empty")

    def _count_met(self) -> bool:
        assert self.depths is not None
        if self.matched_writers and len({h for h, _ in self.per_instance}) < self.matched_writers:
            return False
        return all(n >= self.depths.get(h, 1) for (h, _), n in self.per_instance.items())

    def expected(self) -> int | None:
        if self.limits.expect is not None:
            return self.limits.expect
        if self.depths is None or not self.per_instance:
            return None
        return sum(self.depths.get(h, 1) for h, _ in self.per_instance)

    def short_instances(self) -> int:
        if self.depths is None:
            return 0
        return sum(1 for (h, _), n in self.per_instance.items() if n < self.depths.get(h, 1))

    def _complete(self, at: float | None, how: str) -> None:
        self.complete_s, self.complete_by = at, how
        slow = at is not None and at > self.limits.slow
        self._finish(
            Verdict.SLOW if slow else Verdict.OK,
            at,
            how,
            f"complete after {at:.3f} s, later than --slow {self.limits.slow:g} s" if slow else "",
        )

    def _finish(self, verdict: Verdict, at: float | None, how: str | None, reason: str) -> None:
        self.verdict, self.reason = verdict, reason
        self.complete_s, self.complete_by = at, how

    def give_up(self, reason: str, verdict: Verdict) -> None:
        if not self.done:
            self._finish(verdict, None, None, reason)

    def end(self, now: float) -> None:
        """The timeout passed: settle the verdict of an unfinished measurement."""
        if self.done:
            return
        if self.unmeasurable:
            self._finish(Verdict.UNMEASURABLE, None, None, self.unmeasurable)
        elif self.matched_s is None and self.type_source == "name-only":
            refused = (
                f"; Cyclone refused the QoS, policy id {self.incompatible[1]}"
                if self.incompatible[0]
                else ""
            )
            self._finish(
                Verdict.UNREADABLE,
                None,
                None,
                "the writer sends no type information and did not match a reader that knows only "
                f"its type name (it may also compare keys or type objects{refused})",
            )
        elif self.matched_s is None:
            why = "the writer never matched the late joiner"
            if self.incompatible[0]:
                why += f" (Cyclone refused the QoS, policy id {self.incompatible[1]})"
            self._finish(Verdict.TIMEOUT, None, None, why)
        elif self.hist == 0:
            self._finish(
                Verdict.TIMEOUT,
                None,
                None,
                f"matched at {self.matched_s:.3f} s but no historical sample arrived: the "
                "writer's data cannot reach this host, or its history is empty (the DDS API "
                "cannot tell these apart; see --allow-empty)",
            )
        else:
            exp = self.expected()
            of = f" of {exp} expected" if exp is not None else ""
            last = self.last_s if self.last_s is not None else now
            flow = (
                "still arriving"
                if now - last < max(1.0, self.limits.quiet)
                else f"none since {last:.3f} s (a stalled writer or a lost link)"
            )
            self._finish(
                Verdict.TIMEOUT,
                None,
                None,
                f"{self.hist}{of} historical samples after {now:.1f} s, {flow}",
            )

    def run(self, discovered_s: float | None, participant: str) -> Run:
        assert self.verdict is not None
        return Run(
            verdict=self.verdict,
            samples=self.hist,
            live_samples=self.live,
            discovered_s=discovered_s,
            matched_s=self.matched_s,
            first_sample_s=self.first_s,
            complete_s=self.complete_s,
            reader_created_s=self.created_s,
            expected=self.expected(),
            complete_by=self.complete_by,
            instances=len(self.per_instance),
            short_instances=self.short_instances(),
            matched_writers=self.matched_writers,
            type_source=self.type_source,
            reason=self.reason,
            participant=participant,
        )

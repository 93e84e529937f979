"""Live mode stamps each d_* sample with its reception time, not the time of a periodic poll.

A writer in the test process (ddsdoctor never writes) and ddsdoctor's readers share one
Cyclone domain confined to lo, so samples are delivered locally, with no discovery race and no
loss. The writer alternates d_sampleRequest and d_status 100 ms apart: the order in which the
live reader takes its topics (d_status first) is the opposite of the order of the writes, so a
time shared by two samples would also swap them. A periodic poll (200 ms) cannot give ten
samples written over 0.9 s ten different times.
"""

from __future__ import annotations

import itertools
import threading
import time

import pytest

from ddsdoctor.durability.messages import KeyOnly
from ddsdoctor.durability.observe import Observation
from tests.durability import lab
from tests.live.helpers import lo_domain

pytestmark = [pytest.mark.live]

GAP_S = 0.1
ORDER = ["d_sampleRequest", "d_status"] * 5


def _payloads() -> dict[str, bytes]:
    out: dict[str, bytes] = {}
    for r in lab.raw_samples():
        if r.topic in ORDER and not r.key_only:
            out.setdefault(r.topic, r.payload)
    return out


def _write(domain: int, payloads: dict[str, bytes], done: threading.Event) -> None:
    """Stand in for a durability service: one RELIABLE writer per topic, as OpenSplice's."""
    from cyclonedds.core import Policy, Qos
    from cyclonedds.domain import DomainParticipant
    from cyclonedds.pub import DataWriter, Publisher
    from cyclonedds.topic import Topic

    from ddsdoctor.durability.idl import TYPES

    dp = DomainParticipant(domain)
    try:
        pub = Publisher(dp, qos=Qos(Policy.Partition(["durabilityPartition"])))
        qos = Qos(Policy.Reliability.Reliable(max_blocking_time=10**9), Policy.History.KeepAll)
        writers = {n: DataWriter(pub, Topic(dp, n, TYPES[n]), qos=qos) for n in set(ORDER)}
        next_at = time.monotonic()
        for name in ORDER:
            time.sleep(max(0.0, next_at - time.monotonic()))
            writers[name].write(TYPES[name].deserialize(payloads[name]))
            next_at += GAP_S
    finally:
        done.set()


def test_samples_are_stamped_when_they_arrive() -> None:
    pytest.importorskip("cyclonedds")
    from ddsdoctor.durability.live import LiveOptions, observe_live

    payloads = _payloads()
    domain = lo_domain()
    done = threading.Event()
    writer = threading.Thread(target=_write, args=(domain, payloads, done), daemon=True)

    def stop_when_all_seen(obs: Observation) -> None:
        # Ctrl-C ends an endless observation normally: stop once the writer is done and every
        # sample is in (or a few seconds later, for the assertion to say what is missing).
        seen = [s for s in obs.samples if not isinstance(s.message, KeyOnly)]
        if done.is_set() and (len(seen) >= len(ORDER) or time.monotonic() > give_up[0]):
            raise KeyboardInterrupt
        if done.is_set() and give_up[0] == float("inf"):
            give_up[0] = time.monotonic() + 5.0

    give_up = [float("inf")]
    opts = LiveOptions(domain=domain, interface="lo", duration_s=float("inf"))
    obs = observe_live(opts, stop_when_all_seen, progress=lambda _msg: writer.start())
    writer.join(5)
    seen = [s for s in obs.samples if not isinstance(s.message, KeyOnly)]
    assert [s.topic for s in seen] == ORDER
    gaps = [b.time - a.time for a, b in itertools.pairwise(seen)]
    assert all(g > 0 for g in gaps), gaps

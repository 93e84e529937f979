"""Cyclone DDS subscriber for the rig. Prints READY, MATCHED n, FIRST, RECV n, COMPLETE n,
INCOMPATIBLE policy=P total=T and END received=N; exit 0 when --expect was met (or not set)."""

from __future__ import annotations

import argparse
import time

from _cyclone import TYPES, add_common_args, endpoint_qos, exit_on_sigterm, group_qos, say
from cyclonedds.domain import DomainParticipant
from cyclonedds.sub import DataReader, Subscriber
from cyclonedds.topic import Topic


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    add_common_args(ap)
    ap.add_argument("--expect", type=int, default=0, help="exit 0 once this many samples arrived")
    ap.add_argument("--duration", type=float, default=-1, help="seconds; -1 = until stopped")
    ap.add_argument("--every", type=float, default=0.2, help="RECV progress interval in s")
    a = ap.parse_args()
    exit_on_sigterm()

    data_type = TYPES[a.type]
    dp = DomainParticipant(a.domain)
    tp = Topic(dp, a.topic, data_type)
    sub = Subscriber(dp, qos=group_qos(a))
    rd = DataReader(sub, tp, qos=endpoint_qos(a, writer=False))
    say(f"READY reader topic={a.topic} partitions={','.join(a.partition)} "
        f"durability={a.durability}")

    matched, incompatible, received = -1, 0, 0
    last_report, reported = time.monotonic(), 0
    end = time.monotonic() + a.duration if a.duration >= 0 else float("inf")
    try:
        while time.monotonic() < end:
            st = rd.get_subscription_matched_status()
            if st.current_count != matched:
                matched = st.current_count
                say(f"MATCHED {matched}")
            inc = rd.get_requested_incompatible_qos_status()
            if inc.total_count != incompatible:
                incompatible = inc.total_count
                say(f"INCOMPATIBLE policy={inc.last_policy_id} total={inc.total_count}")
            got = [s for s in rd.take(N=1000) if isinstance(s, data_type)]
            if got:
                if received == 0:
                    say(f"FIRST {got[0]!r}")
                received += len(got)
            now = time.monotonic()
            if received != reported and now - last_report >= a.every:
                say(f"RECV {received}")
                last_report, reported = now, received
            if a.expect and received >= a.expect:
                say(f"RECV {received}")
                say(f"COMPLETE {received}")
                return 0
            if not got:
                time.sleep(0.01)
    finally:
        say(f"END received={received}")
    return 0 if not a.expect else 1


if __name__ == "__main__":
    raise SystemExit(main())

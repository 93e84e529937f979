"""Cyclone DDS publisher for the rig. Prints READY, MATCHED n, SENT n, DONE n, INCOMPATIBLE."""

from __future__ import annotations

import argparse
import time

from _cyclone import (
    TYPES,
    HelloWorld,
    Reading,
    add_common_args,
    endpoint_qos,
    exit_on_sigterm,
    group_qos,
    say,
)
from cyclonedds.core import Policy, Qos
from cyclonedds.domain import DomainParticipant
from cyclonedds.pub import DataWriter, Publisher
from cyclonedds.topic import Topic


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    add_common_args(ap)
    ap.add_argument("--count", type=int, default=10, help="samples to write; 0 = until stopped")
    ap.add_argument("--rate", type=float, default=10.0, help="samples/s; 0 = back to back")
    ap.add_argument("--keys", type=int, default=1, help="instances (sensor_id 0..keys-1)")
    ap.add_argument("--payload", type=int, default=0, help="payload string length in bytes")
    ap.add_argument("--linger", type=float, default=-1,
                    help="seconds to stay after the last write; -1 = until stopped")
    ap.add_argument("--wait-match", type=int, default=0,
                    help="wait for this many matched readers before writing")
    ap.add_argument("--wait-timeout", type=float, default=30.0)
    ap.add_argument("--user-data", default=None, help="participant USER_DATA (text)")
    a = ap.parse_args()
    exit_on_sigterm()

    dp_qos = Qos(Policy.Userdata(a.user_data.encode())) if a.user_data else None
    dp = DomainParticipant(a.domain, qos=dp_qos)
    tp = Topic(dp, a.topic, TYPES[a.type])
    pub = Publisher(dp, qos=group_qos(a))
    wr = DataWriter(pub, tp, qos=endpoint_qos(a, writer=True))
    say(f"READY writer topic={a.topic} partitions={','.join(a.partition)} "
        f"durability={a.durability}")

    state = {"matched": -1, "incompatible": 0}

    def poll() -> None:
        matched = wr.get_publication_matched_status().current_count
        if matched != state["matched"]:
            state["matched"] = matched
            say(f"MATCHED {matched}")
        inc = wr.get_offered_incompatible_qos_status()
        if inc.total_count != state["incompatible"]:
            state["incompatible"] = inc.total_count
            say(f"INCOMPATIBLE policy={inc.last_policy_id} total={inc.total_count}")

    deadline = time.monotonic() + a.wait_timeout
    while a.wait_match and wr.get_publication_matched_status().current_count < a.wait_match:
        poll()
        if time.monotonic() > deadline:
            say(f"TIMEOUT waiting for {a.wait_match} readers")
            return 2
        time.sleep(0.01)

    pad = "x" * a.payload
    period = 1.0 / a.rate if a.rate > 0 else 0.0
    next_at = time.monotonic()
    i = 0
    while a.count == 0 or i < a.count:
        if a.type == "hello":
            wr.write(HelloWorld(index=i, message=list(f"rig {i}"[:19].ljust(20, "\0"))))
        else:
            wr.write(Reading(sensor_id=i % a.keys, seq=i, value=float(i), payload=pad))
        i += 1
        if i == 1:
            say("SENT 1")
        if period:
            poll()
            next_at += period
            time.sleep(max(0.0, next_at - time.monotonic()))
    say(f"DONE {i}")
    end = time.monotonic() + a.linger if a.linger >= 0 else float("inf")
    while time.monotonic() < end:
        poll()
        time.sleep(0.05)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

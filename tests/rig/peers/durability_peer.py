"""A stand-in for OpenSplice durability services: replays real d_* samples as a Cyclone writer.

Reads a JSON file of samples taken from a real capture ({"t", "sid", "topic", "payload"} with
the serialized payload in hex) and, for each systemId given with --fellow, creates one
participant (USER_DATA = --host, as OpenSplice's spliced participant announces it) with
writers for the d_* topics in the durability partition, under OpenSplice's type names and QoS
(RELIABLE, VOLATILE, KEEP_ALL; KEEP_LAST 1 for d_status and d_capability; protocol §2). Each
payload is deserialized with ddsdoctor's IDL declarations and written, so the wire carries the
same layout and values as the capture. Samples are sent at their capture offsets divided by
--speed, from --start-at (epoch s). Key-only dispose/unregister samples are not replayed.

Prints READY, MATCHED <fellow> <n> once every writer of a fellow matched a reader, SENT n, DONE.
"""

# No `from __future__ import annotations`: cyclonedds resolves IDL annotations as objects.
import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))  # the repository, for ddsdoctor

from _cyclone import exit_on_sigterm, say  # first: applies the lo guard
from cyclonedds.core import Policy, Qos
from cyclonedds.domain import DomainParticipant
from cyclonedds.pub import DataWriter, Publisher
from cyclonedds.topic import Topic

from ddsdoctor.durability.idl import TYPES

KEEP_LAST_1 = {"d_status", "d_capability"}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--samples", required=True, help="JSON list of real samples")
    ap.add_argument("--fellow", type=int, action="append", required=True)
    ap.add_argument("--host", required=True, help="USER_DATA of the participants")
    ap.add_argument("--domain", type=int, default=0)
    ap.add_argument("--partition", default="durabilityPartition")
    ap.add_argument("--speed", type=float, default=1.0)
    ap.add_argument("--start-at", type=float, required=True)
    ap.add_argument("--linger", type=float, default=2.0)
    a = ap.parse_args()
    exit_on_sigterm()

    rows = [r for r in json.loads(Path(a.samples).read_text()) if r["sid"] in a.fellow]
    t0 = min(r["t"] for r in json.loads(Path(a.samples).read_text()))
    writers: dict[tuple[int, str], DataWriter] = {}
    keep = []
    for sid in a.fellow:
        dp = DomainParticipant(a.domain, qos=Qos(Policy.Userdata(a.host.encode())))
        pub = Publisher(dp, qos=Qos(Policy.Partition([a.partition])))
        keep += [dp, pub]
        for name, cls in TYPES.items():
            history = Policy.History.KeepLast(1) if name in KEEP_LAST_1 else Policy.History.KeepAll
            qos = Qos(
                Policy.Reliability.Reliable(max_blocking_time=1_000_000_000),
                Policy.Durability.Volatile,
                history,
                Policy.DestinationOrder.ByReceptionTimestamp,
            )
            topic = Topic(dp, name, cls)
            keep.append(topic)
            writers[(sid, name)] = DataWriter(pub, topic, qos=qos)
    say(f"READY fellows={','.join(map(str, a.fellow))} samples={len(rows)}")
    pending = set(a.fellow)
    while pending and time.time() < a.start_at:
        for sid in sorted(pending):
            counts = [
                writers[(sid, n)].get_publication_matched_status().current_count for n in TYPES
            ]
            if min(counts) > 0:
                say(f"MATCHED {sid} {min(counts)}")
                pending.discard(sid)
        time.sleep(0.05)
    for sid in sorted(pending):
        say(f"UNMATCHED {sid}")
    sent = 0
    for r in sorted(rows, key=lambda r: r["t"]):
        due = a.start_at + (r["t"] - t0) / a.speed
        delay = due - time.time()
        if delay > 0:
            time.sleep(delay)
        sample = TYPES[r["topic"]].deserialize(bytes.fromhex(r["payload"]))
        writers[(r["sid"], r["topic"])].write(sample)
        sent += 1
    say(f"SENT {sent}")
    time.sleep(a.linger)
    say("DONE")
    return 0


if __name__ == "__main__":
    sys.exit(main())

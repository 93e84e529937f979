"""Dust DDS publisher for the rig (vendor 0x0114). Prints READY, MATCHED n, SENT 1, DONE n.

Runs under the Dust venv's interpreter (tests/rig/vendors.py). Dust DDS has no interface
setting and would use every interface, so this script refuses to run outside a named network
namespace (test-rig.md section 0). Only int32/uint32/uint8/bool/str fields serialise in 0.16;
int64, floats and bytes panic in write(), so the type sticks to those.
"""

# No `from __future__ import annotations`: dust_dds reads the field types from real annotation
# objects (a string annotation panics in create_topic).
import argparse
import signal
import sys
import time
from dataclasses import dataclass

from _netcheck import in_named_netns

if not in_named_netns():
    print("dust_pub: refusing to start outside a named network namespace "
          "(Dust DDS cannot be confined to lo)", file=sys.stderr)
    raise SystemExit(3)

import dust_dds as dds


@dataclass
class DustReading:
    """Type name on the wire is the class name, ``DustReading``."""

    sensor_id: dds.TypeKind.uint32
    seq: dds.TypeKind.uint32
    value_milli: dds.TypeKind.int32
    unit: str


def _raise(signum: int, frame: object) -> None:
    raise SystemExit(0)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--topic", default="dust_topic")
    ap.add_argument("--partition", action="append", default=[])
    ap.add_argument("--transient-local", action="store_true")
    ap.add_argument("--best-effort", action="store_true")
    ap.add_argument("--count", type=int, default=20, help="0 = until stopped")
    ap.add_argument("--rate", type=float, default=10.0)
    ap.add_argument("--keys", type=int, default=1)
    ap.add_argument("--domain", type=int, default=0)
    ap.add_argument("--linger", type=float, default=-1, help="-1 = until stopped")
    a = ap.parse_args()
    signal.signal(signal.SIGTERM, _raise)

    factory = dds.DomainParticipantFactory.get_instance()
    dp = factory.create_participant(a.domain)
    topic = dp.create_topic(a.topic, DustReading)
    pub_qos = dds.PublisherQos(partition=dds.PartitionQosPolicy(a.partition)) \
        if a.partition else None
    pub = dp.create_publisher(pub_qos)
    kind = dds.DurabilityQosPolicyKind.TransientLocal if a.transient_local \
        else dds.DurabilityQosPolicyKind.Volatile
    rel = dds.ReliabilityQosPolicy(
        dds.ReliabilityQosPolicyKind.BestEffort if a.best_effort
        else dds.ReliabilityQosPolicyKind.Reliable,
        dds.DurationKind.Finite(dds.Duration(1, 0)))
    wq = dds.DataWriterQos(durability=dds.DurabilityQosPolicy(kind), reliability=rel)
    wr = pub.create_datawriter(topic, wq)
    print(f"READY writer topic={a.topic} partitions={','.join(a.partition)}", flush=True)

    matched = -1

    def poll() -> None:
        nonlocal matched
        now = wr.get_publication_matched_status().get_current_count()
        if now != matched:
            matched = now
            print(f"MATCHED {matched}", flush=True)

    period = 1.0 / a.rate if a.rate > 0 else 0.0
    i = 0
    while a.count == 0 or i < a.count:
        wr.write(DustReading(sensor_id=i % a.keys, seq=i, value_milli=i * 10, unit="C"))
        i += 1
        if i == 1:
            print("SENT 1", flush=True)
        poll()
        time.sleep(period)
    print(f"DONE {i}", flush=True)
    end = time.monotonic() + a.linger if a.linger >= 0 else float("inf")
    while time.monotonic() < end:
        poll()
        time.sleep(0.05)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""What the Cyclone peer scripts share: the safety guard, types, QoS options and the ready protocol.

Importing this module applies the guard: a peer outside a named network namespace is confined
to ``lo`` (helper brief, hard rules), before cyclonedds reads CYCLONEDDS_URI.
"""

# No `from __future__ import annotations` here: cyclonedds resolves the IDL field types from
# real annotation objects and cannot resolve them as strings.
import argparse
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any

from _netcheck import LO_ONLY_CYCLONE_URI, in_named_netns

if not in_named_netns():
    os.environ["CYCLONEDDS_URI"] = LO_ONLY_CYCLONE_URI
    print("peer: root network namespace, confined to lo", file=sys.stderr, flush=True)

from cyclonedds.core import Policy, Qos
from cyclonedds.idl import IdlStruct
from cyclonedds.idl import types as t
from cyclonedds.idl.annotations import key
from cyclonedds.util import duration


@dataclass
class Reading(IdlStruct, typename="rig::Reading"):
    """Keyed sensor reading; ``payload`` pads samples to the wanted size."""

    sensor_id: t.int32
    key("sensor_id")
    seq: t.int64
    value: t.float64
    payload: str


@dataclass
class HelloWorld(IdlStruct, typename="HelloWorld"):
    """Fast DDS AdvancedConfigurationExample's type (HelloWorld.idl), readable from Cyclone."""

    index: t.uint32
    message: t.array[t.char, 20]


TYPES: dict[str, Any] = {"reading": Reading, "hello": HelloWorld}

DURABILITY = {
    "volatile": Policy.Durability.Volatile,
    "transient_local": Policy.Durability.TransientLocal,
    "transient": Policy.Durability.Transient,
    "persistent": Policy.Durability.Persistent,
}


def say(line: str) -> None:
    """One fact per line on stdout, flushed: the rig waits on these, never on sleeps."""
    print(line, flush=True)


def exit_on_sigterm() -> None:
    """Turn SIGTERM into SystemExit so Cyclone deletes its entities and says goodbye on the wire."""

    def _raise(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _raise)
    signal.signal(signal.SIGINT, _raise)


def add_common_args(ap: argparse.ArgumentParser) -> None:
    ap.add_argument("--topic", default="rig_topic")
    ap.add_argument("--type", choices=sorted(TYPES), default="reading")
    ap.add_argument("--partition", action="append", default=[],
                    help="partition name (repeat for several; none = default partition)")
    ap.add_argument("--durability", choices=sorted(DURABILITY), default="volatile")
    ap.add_argument("--reliability", choices=["reliable", "best_effort"], default="reliable")
    ap.add_argument("--depth", type=int, default=0,
                    help="History KeepLast depth; 0 = KeepAll (default: no sample is lost)")
    ap.add_argument("--tl-depth", type=int, default=0,
                    help="DurabilityService history depth: the late-joiner history of a "
                         "TRANSIENT_LOCAL writer (Cyclone default 1; test-rig.md section 4)")
    ap.add_argument("--domain", type=int, default=0)
    ap.add_argument("--deadline", type=float, default=0.0, help="Deadline period in s (0 = off)")
    ap.add_argument("--liveliness", choices=["automatic", "participant", "topic"], default=None)
    ap.add_argument("--lease", type=float, default=10.0, help="liveliness lease in s")
    ap.add_argument("--ownership", choices=["shared", "exclusive"], default=None)
    ap.add_argument("--strength", type=int, default=0, help="OwnershipStrength (writers)")
    ap.add_argument("--name", default=None, help="EntityName of the endpoint")


def _ns(seconds: float) -> int:
    return duration(seconds=seconds)  # type: ignore[no-any-return]


def endpoint_qos(a: argparse.Namespace, *, writer: bool) -> Qos:
    """Reader or writer QoS from the common options."""
    policies: list[Any] = [DURABILITY[a.durability]]
    if a.reliability == "reliable":
        policies.append(Policy.Reliability.Reliable(max_blocking_time=_ns(1)))
    else:
        policies.append(Policy.Reliability.BestEffort)
    policies.append(Policy.History.KeepAll if a.depth == 0 else Policy.History.KeepLast(a.depth))
    if a.tl_depth and writer:
        policies.append(Policy.DurabilityService(
            cleanup_delay=0, history=Policy.History.KeepLast(a.tl_depth),
            max_samples=-1, max_instances=-1, max_samples_per_instance=-1))
    if a.deadline:
        policies.append(Policy.Deadline(_ns(a.deadline)))
    if a.liveliness:
        kind = {"automatic": Policy.Liveliness.Automatic,
                "participant": Policy.Liveliness.ManualByParticipant,
                "topic": Policy.Liveliness.ManualByTopic}[a.liveliness]
        policies.append(kind(lease_duration=_ns(a.lease)))
    if a.ownership:
        policies.append(Policy.Ownership.Exclusive if a.ownership == "exclusive"
                        else Policy.Ownership.Shared)
        if writer and a.ownership == "exclusive":
            policies.append(Policy.OwnershipStrength(a.strength))
    if a.name:
        policies.append(Policy.EntityName(a.name))
    return Qos(*policies)


def group_qos(a: argparse.Namespace) -> Qos | None:
    return Qos(Policy.Partition(partitions=list(a.partition))) if a.partition else None

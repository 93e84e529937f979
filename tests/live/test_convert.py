"""Builtin-topic samples to discovery facts, on real cyclonedds QoS objects (no network)."""

from __future__ import annotations

import math
import uuid
from types import SimpleNamespace
from typing import Any

import pytest

from ddsdoctor.discovery import (
    DestinationOrder,
    Durability,
    EndpointKind,
    HistoryKind,
    Liveliness,
    Ownership,
    PresentationScope,
    Reliability,
)
from ddsdoctor.live.convert import (
    endpoint_from_sample,
    is_alive,
    participant_from_sample,
    qos_from_cyclone,
)
from ddsdoctor.matching import incompatible_policies

cd = pytest.importorskip("cyclonedds.core")
P, Qos = cd.Policy, cd.Qos
MS = 1_000_000


def _info(state: int = 16, valid: bool = True) -> SimpleNamespace:
    return SimpleNamespace(instance_state=state, valid_data=valid)


def test_endpoint_qos_read_out() -> None:
    q = Qos(
        P.Durability.TransientLocal,
        P.Reliability.Reliable(max_blocking_time=100 * MS),
        P.History.KeepLast(20),
        P.DurabilityService(0, P.History.KeepLast(5), -1, -1, -1),
        P.Deadline(500 * MS),
        P.Liveliness.ManualByTopic(2000 * MS),
        P.Ownership.Exclusive,
        P.OwnershipStrength(7),
        P.DestinationOrder.BySourceTimestamp,
        P.PresentationAccessScope.Topic(coherent_access=True, ordered_access=False),
        P.Partition(["plant1", "plant*"]),
        P.EntityName("temps writer"),
    )
    sample: Any = SimpleNamespace(
        key=uuid.UUID(bytes=bytes(range(16))),
        participant_key=uuid.UUID(bytes=bytes(range(12)) + b"\x00\x00\x01\xc1"),
        topic_name="temps",
        type_name="lab::Reading",
        qos=q,
        type_id=object(),
        sample_info=_info(),
    )
    ep = endpoint_from_sample(sample, EndpointKind.WRITER, 0.5)
    assert ep.guid == bytes(range(16)).hex() and ep.participant == bytes(range(12)).hex()
    assert ep.partitions == ("plant1", "plant*") and ep.entity_name == "temps writer"
    assert ep.type_info and ep.first_seen == 0.5
    r = ep.qos
    assert r.durability is Durability.TRANSIENT_LOCAL and r.reliability is Reliability.RELIABLE
    assert r.max_blocking_s == pytest.approx(0.1)
    assert (r.history, r.history_depth) == (HistoryKind.KEEP_LAST, 20)
    assert (r.durability_service_history, r.durability_service_depth) == (HistoryKind.KEEP_LAST, 5)
    assert r.deadline_s == pytest.approx(0.5)
    assert (r.liveliness, r.liveliness_lease_s) == (Liveliness.MANUAL_BY_TOPIC, 2.0)
    assert (r.ownership, r.ownership_strength) == (Ownership.EXCLUSIVE, 7)
    assert r.destination_order is DestinationOrder.BY_SOURCE_TIMESTAMP
    assert r.presentation_scope is PresentationScope.TOPIC and r.coherent_access
    assert {"durability", "reliability", "deadline"} <= r.explicit


def test_explicit_policies_named_as_the_capture_path_names_them() -> None:
    # Two sources, one model: scan and topology JSON must list the same policy names.
    from ddsdoctor.topology.wirefacts import qos_from_wire
    from ddsdoctor.wire import qos as w

    q = Qos(
        P.Durability.TransientLocal,
        P.DurabilityService(0, P.History.KeepLast(5), -1, -1, -1),
        P.Reliability.Reliable(max_blocking_time=100 * MS),
        P.Deadline(500 * MS),
        P.LatencyBudget(0),
        P.Liveliness.Automatic(2000 * MS),
        P.Ownership.Exclusive,
        P.OwnershipStrength(7),
        P.DestinationOrder.BySourceTimestamp,
        P.History.KeepLast(20),
        P.Lifespan(1000 * MS),
        P.PresentationAccessScope.Topic(coherent_access=True, ordered_access=False),
        P.TimeBasedFilter(0),
    )
    history = w.History(w.HistoryKind.KEEP_LAST, 20)
    wire = w.EndpointQos(
        durability=w.DurabilityKind.TRANSIENT_LOCAL,
        durability_service=w.DurabilityService(0.0, history, w.ResourceLimits(-1, -1, -1)),
        reliability=w.Reliability(w.ReliabilityKind.RELIABLE, 0.1),
        deadline=0.5,
        latency_budget=0.0,
        liveliness=w.Liveliness(w.LivelinessKind.AUTOMATIC, 2.0),
        ownership=w.OwnershipKind.EXCLUSIVE,
        ownership_strength=7,
        destination_order=w.DestinationOrderKind.BY_SOURCE_TIMESTAMP,
        history=history,
        lifespan=1.0,
        presentation=w.Presentation(w.PresentationScope.TOPIC, True, False),
        time_based_filter=0.0,
    )
    live = qos_from_cyclone(q, EndpointKind.WRITER).explicit
    assert live == qos_from_wire(EndpointKind.WRITER, wire).explicit and len(live) == 13


def test_defaults_and_infinity() -> None:
    inf = 0x7FFFFFFFFFFFFFFF
    q = qos_from_cyclone(Qos(P.Deadline(inf), P.History.KeepAll), EndpointKind.READER)
    assert math.isinf(q.deadline_s) and q.history is HistoryKind.KEEP_ALL
    assert q.reliability is Reliability.BEST_EFFORT  # reader default
    w = qos_from_cyclone(Qos(), EndpointKind.WRITER)
    assert w.reliability is Reliability.RELIABLE  # writer default
    # what the probe relies on: a VOLATILE writer never satisfies a TRANSIENT_LOCAL reader
    volatile = qos_from_cyclone(Qos(P.Durability.Volatile), EndpointKind.WRITER)
    tl = qos_from_cyclone(Qos(P.Durability.TransientLocal), EndpointKind.READER)
    assert incompatible_policies(volatile, tl) == ["durability"]


def test_participant_properties() -> None:
    q = Qos(
        P.Property("__Hostname", "dd-h1", True),
        P.Property("__ProcessName", "python3", True),
        P.Property("__Pid", "4242", True),
        P.Property("__NetworkAddresses", "udp/239.255.0.1:7400@2,udp/10.77.0.11:52357@2", True),
        P.Userdata(b"DDSPerf:0:4242:dd-h1"),
        P.Liveliness.Automatic(10_000 * MS),
    )
    key = uuid.UUID("0110b216-c453-7b53-fe40-526f000001c1")
    p = participant_from_sample(SimpleNamespace(key=key, qos=q, sample_info=_info()), 3, 0.02)
    assert p.guid_prefix == "0110b216c4537b53fe40526f" and p.domain_id == 3
    assert (p.host, p.process, p.pid) == ("dd-h1", "python3", 4242)
    assert p.addresses == ["10.77.0.11"] and "udp/239.255.0.1:7400" in p.locators
    assert p.user_data == b"DDSPerf:0:4242:dd-h1" and p.lease_s == 10.0


def test_multicast_locators_are_not_addresses() -> None:
    nets = "udp6/[ff02::1]:7400@2,udp6/[fd00::11]:52357@2,udp/239.255.0.1:7400@2,localprocess"
    q = Qos(P.Property("__NetworkAddresses", nets, True))
    key = uuid.UUID("0110b216-c453-7b53-fe40-526f000001c1")
    p = participant_from_sample(SimpleNamespace(key=key, qos=q, sample_info=_info()), 0, 0.0)
    assert p.addresses == ["fd00::11"] and len(p.locators) == 3


def test_fastdds_properties() -> None:
    q = Qos(
        P.Property("fastdds.physical_data.host", "dd-h2:1234", True),
        P.Property("fastdds.physical_data.process", "11383", True),
        P.EntityName("Participant_pub"),
    )
    key = uuid.UUID(bytes=bytes.fromhex("010f10e9772c504f00000000000001c1"))
    p = participant_from_sample(SimpleNamespace(key=key, qos=q, sample_info=_info()), 0, 0.0)
    assert (p.host, p.pid, p.entity_name) == ("dd-h2", 11383, "Participant_pub")


def test_rti_properties() -> None:
    # The same property names the capture path reads (wire.vendor.identity): RTI sends the
    # executable's path, of which the file name is the process.
    q = Qos(
        P.Property("dds.sys_info.hostname", "rti-h1", True),
        P.Property("dds.sys_info.process_id", "777", True),
        P.Property("dds.sys_info.executable_filepath", "/opt/app/bin/telemetry", True),
    )
    key = uuid.UUID(bytes=bytes.fromhex("0101ac1e0002000000000000000001c1"))
    p = participant_from_sample(SimpleNamespace(key=key, qos=q, sample_info=_info()), 0, 0.0)
    assert (p.host, p.pid, p.process) == ("rti-h1", 777, "telemetry")


def test_disposed_samples_are_gone() -> None:
    assert is_alive(SimpleNamespace(sample_info=_info()))
    assert not is_alive(SimpleNamespace(sample_info=_info(32, False)))
    assert not is_alive(SimpleNamespace(sample_info=_info(64, True)))

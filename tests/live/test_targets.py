"""Probe targets from discovery facts: grouping, filters, reader QoS, depths, OpenSplice."""

from __future__ import annotations

from ddsdoctor.discovery import (
    DiscoveryFacts,
    Durability,
    Endpoint,
    EndpointKind,
    HistoryKind,
    Ownership,
    Participant,
    Qos,
    Reliability,
)
from ddsdoctor.live.targets import (
    Target,
    TargetKey,
    late_joiner_depth,
    opensplice_transient,
    update_targets,
)
from ddsdoctor.matching import incompatible_policies

CYC = "0110b216c4537b53fe40526f"
OSPL = "122015db000002de00000001"


def _facts() -> DiscoveryFacts:
    facts = DiscoveryFacts(source="builtin-topics")
    facts.participants[CYC] = Participant(CYC, vendor_id=0x0110)
    facts.participants[OSPL] = Participant(OSPL, vendor_id=0x0102, system_id=0x122015DB)

    def w(n: int, owner: str, topic: str, parts: tuple[str, ...], **qos: object) -> None:
        guid = f"{owner}{n:06x}02"
        facts.endpoints[guid] = Endpoint(
            guid,
            EndpointKind.WRITER,
            owner,
            topic,
            "T",
            parts,
            Qos.default_for(EndpointKind.WRITER, **qos),
            first_seen=0.01 * n,
        )

    tl = Durability.TRANSIENT_LOCAL
    w(1, CYC, "ev", ("a",), durability=tl, durability_service_depth=20, latency_budget_s=0.5)
    w(2, CYC, "ev", ("a",), durability=Durability.TRANSIENT, reliability=Reliability.BEST_EFFORT)
    w(3, CYC, "ev", ("b",), durability=tl)
    w(4, CYC, "telemetry", ("a",))  # VOLATILE: nothing for late joiners
    w(5, OSPL, "LabTransient", ("lab",), durability=Durability.TRANSIENT)
    w(6, CYC, "DCPSHeartbeat", ("__BUILT-IN PARTITION__",), durability=tl)
    return facts


def test_grouping_and_filters() -> None:
    facts = _facts()
    targets: dict[TargetKey, Target] = {}
    update_targets(facts, targets, (), ())
    assert sorted(targets) == [
        ("LabTransient", "T", ("lab",)),
        ("ev", "T", ("a",)),
        ("ev", "T", ("b",)),
    ]
    ev_a = targets[("ev", "T", ("a",))]
    assert len(ev_a.writers) == 2 and ev_a.discovered_s == 0.01
    picked: dict[TargetKey, Target] = {}
    update_targets(facts, picked, ("e?",), ("b*",))  # patterns; partitions replace writers'
    assert list(picked) == [("ev", "T", ("b*",))]
    none: dict[TargetKey, Target] = {}
    update_targets(facts, none, (), (), allow_new=False)
    assert not none


def test_reader_plan_matches_every_writer() -> None:
    facts = _facts()
    targets: dict[TargetKey, Target] = {}
    update_targets(facts, targets, ("ev",), ())
    target = targets[("ev", "T", ("a",))]
    plan = target.plan()
    assert plan.durability is Durability.TRANSIENT_LOCAL  # the least any writer offers
    assert plan.reliability is Reliability.BEST_EFFORT  # one writer is best effort
    assert plan.latency_budget_s == 0.5 and plan.ownership is Ownership.SHARED
    reader = Qos.default_for(
        EndpointKind.READER,
        durability=plan.durability,
        reliability=plan.reliability,
        latency_budget_s=plan.latency_budget_s,
        history=HistoryKind.KEEP_ALL,
    )
    for w in target.writers:
        assert incompatible_policies(w.qos, reader) == []


def test_depths_and_opensplice() -> None:
    facts = _facts()
    eps = {e.guid[-8:-2]: e for e in facts.endpoints.values()}
    assert late_joiner_depth(facts, eps["000001"]) == 20  # Cyclone TL: DurabilityService
    assert late_joiner_depth(facts, eps["000002"]) is None  # TRANSIENT: not served
    assert late_joiner_depth(facts, eps["000005"]) is None  # OpenSplice: not announced
    assert opensplice_transient(facts, list(facts.endpoints.values())) == [eps["000005"]]

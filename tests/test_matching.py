"""Partition and requested/offered QoS matching."""

from __future__ import annotations

import pytest

from ddsdoctor.discovery import Durability, EndpointKind, Liveliness, Qos, Reliability
from ddsdoctor.matching import incompatible_policies, partitions_match


@pytest.mark.parametrize(
    ("writer", "reader", "match"),
    [
        ((), (), True),
        ((), ("",), True),
        (("a",), (), False),
        (("a", "b"), ("b",), True),
        (("lsst.MTMount",), ("lsst.*",), True),
        (("lsst.*",), ("lsst.MTMount",), True),
        (("lsst.*",), ("lsst.?",), False),  # two expressions never match each other
        (("summit.MTMount",), ("base.*",), False),
        (("a.b",), ("a?b",), True),
        (("a[1]",), ("a[1]",), True),  # brackets are not wildcards here
        (("a1",), ("a[1]",), False),
    ],
)
def test_partitions(writer: tuple[str, ...], reader: tuple[str, ...], match: bool) -> None:
    assert partitions_match(writer, reader) is match


def w(**kw: object) -> Qos:
    return Qos.default_for(EndpointKind.WRITER, **kw)


def r(**kw: object) -> Qos:
    return Qos.default_for(EndpointKind.READER, **kw)


def test_defaults_are_compatible() -> None:
    assert w().reliability is Reliability.RELIABLE and r().reliability is Reliability.BEST_EFFORT
    assert incompatible_policies(w(), r()) == []


@pytest.mark.parametrize(
    ("offered", "requested", "bad"),
    [
        (
            w(reliability=Reliability.BEST_EFFORT),
            r(reliability=Reliability.RELIABLE),
            ["reliability"],
        ),
        (
            w(durability=Durability.TRANSIENT_LOCAL),
            r(durability=Durability.TRANSIENT),
            ["durability"],
        ),
        (w(durability=Durability.PERSISTENT), r(durability=Durability.TRANSIENT), []),
        (w(deadline_s=2.0), r(deadline_s=1.0), ["deadline"]),
        (w(deadline_s=1.0), r(deadline_s=2.0), []),
        (
            w(liveliness=Liveliness.AUTOMATIC),
            r(liveliness=Liveliness.MANUAL_BY_TOPIC),
            ["liveliness"],
        ),
        (w(liveliness_lease_s=10.0), r(liveliness_lease_s=5.0), ["liveliness"]),
        (w(latency_budget_s=0.5), r(latency_budget_s=0.1), ["latency_budget"]),
    ],
)
def test_rxo(offered: Qos, requested: Qos, bad: list[str]) -> None:
    assert incompatible_policies(offered, requested) == bad

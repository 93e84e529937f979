"""DDSI2 interface selection (facts §3, confirmed in §10) on injected host facts."""

from __future__ import annotations

import pytest

from ddsdoctor.host.facts import HostFacts, HostFactsError
from ddsdoctor.host.select import MatchKind, choose_auto, choose_explicit, entries


def host(*ifaces: tuple[str, list[str], list[str]]) -> HostFacts:
    return HostFacts.from_dict(
        {
            "hostname": "h",
            "interfaces": [{"name": n, "flags": f, "addresses": a} for n, f, a in ifaces],
        }
    )


LO = ("lo", ["up", "loopback"], ["127.0.0.1/8"])
ETH0 = ("eth0", ["up", "multicast", "broadcast"], ["10.85.0.11/24"])
NET1 = ("net1", ["up", "multicast", "broadcast"], ["10.86.0.11/24"])


def test_scores() -> None:
    h = host(
        LO,
        ETH0,
        ("bcast", ["up", "broadcast"], ["10.1.0.1/24"]),
        ("tun0", ["up", "pointopoint"], ["10.8.0.2/24"]),
        ("down0", ["multicast"], ["10.9.0.1/24"]),
    )
    assert [(e.interface.name, e.score) for e in entries(h)] == [
        ("lo", 1),
        ("eth0", 9),
        ("bcast", 8),
        ("tun0", 7),
    ]


def test_arbitrary_pick_follows_enumeration_order_and_quotes_the_warning() -> None:
    choice = choose_auto(host(LO, ETH0, NET1))
    assert choice.arbitrary and choice.chosen is not None
    assert choice.chosen.interface.name == "eth0"
    # the exact text OpenSplice 6.9 logged (facts §10)
    assert choice.warning() == (
        "using network interface eth0 (10.85.0.11) selected arbitrarily from: eth0, net1"
    )
    # routes and names do not matter: with net1 enumerated first, net1 is picked
    assert choose_auto(host(LO, NET1, ETH0)).chosen.interface.name == "net1"  # type: ignore[union-attr]


def test_single_candidate_and_loopback_only() -> None:
    one = choose_auto(host(LO, ETH0))
    assert not one.arbitrary and one.chosen is not None and one.chosen.interface.name == "eth0"
    lo = choose_auto(host(LO))
    assert lo.chosen is not None and lo.chosen.interface.loopback
    assert choose_auto(host()).chosen is None


def test_assume_multicast_capable_promotes_a_tunnel() -> None:
    h = host(
        LO,
        ("bcast", ["up", "broadcast"], ["10.1.0.1/24"]),
        ("tun0", ["up", "pointopoint"], ["10.8.0.2/24"]),
    )
    assert choose_auto(h).chosen.interface.name == "bcast"  # type: ignore[union-attr]
    assert choose_auto(h, ["tun*"]).chosen.interface.name == "tun0"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("value", "kind", "iface"),
    [
        ("net1", MatchKind.NAME, "net1"),
        ("Net1", MatchKind.NONE, None),  # names are case-sensitive
        ("10.86.0.11", MatchKind.ADDRESS, "net1"),
        ("10.86.0.0", MatchKind.NETWORK, "net1"),
        ("10.86.0.0/24", MatchKind.NONE, None),  # CIDR does not parse
        ("192.168.1.1", MatchKind.NONE, None),
    ],
)
def test_explicit(value: str, kind: MatchKind, iface: str | None) -> None:
    choice = choose_explicit(host(LO, ETH0, NET1), value)
    assert choice.kind is kind
    assert (choice.entry.interface.name if choice.entry else None) == iface
    if kind is MatchKind.NONE:
        assert choice.error() == f"{value}: does not match an available interface"


def test_down_interface_does_not_match() -> None:
    choice = choose_explicit(host(LO, ETH0, ("net1", ["multicast"], ["10.86.0.11/24"])), "net1")
    assert choice.kind is MatchKind.NONE and choice.down is not None


def test_bad_facts() -> None:
    with pytest.raises(HostFactsError):
        HostFacts.from_dict({"interfaces": [{"name": "x", "flags": ["sideways"]}]})
    with pytest.raises(HostFactsError):
        HostFacts.from_dict({"interfaces": [{"name": "x", "addresses": ["not-an-ip"]}]})


def test_round_trip() -> None:
    h = host(LO, ETH0)
    assert HostFacts.from_dict(h.to_dict()).interfaces == h.interfaces

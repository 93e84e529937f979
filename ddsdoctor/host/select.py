"""DDSI2's network interface selection (``find_own_ip`` in ``q_nwif.c``), run on host facts.

Every IPv4 address is one entry, in kernel enumeration order. Down interfaces are skipped.
Scores: loopback 1; otherwise 5 plus 4 when multicast capable (or named in
``Internal/AssumeMulticastCapable``), else 3 when not point-to-point, else 2: multicast
Ethernet 9, broadcast-only 8, point-to-point 7. AUTO takes the first entry with the highest
score; routes are not considered. An explicit value is tried as an exact interface name, then
as an address (``inet_addr``), then as the network part of an interface's address.
"""

from __future__ import annotations

import enum
import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass

from ddsdoctor.host.facts import Address, HostFacts, Interface
from ddsdoctor.ospl.conversions import inet_addr
from ddsdoctor.ospl.patterns import matches


@dataclass(frozen=True, slots=True)
class Entry:
    interface: Interface
    address: Address
    score: int

    @property
    def label(self) -> str:
        return f"{self.interface.name} ({self.address.ip})"


def _multicast(iface: Interface, assume: Sequence[str]) -> bool:
    return iface.multicast or any(matches(iface.name, p) for p in assume)


def score(iface: Interface, assume: Sequence[str] = ()) -> int:
    if iface.loopback:
        return 1
    if _multicast(iface, assume):
        return 9
    return 8 if not iface.point_to_point else 7


def entries(host: HostFacts, assume: Sequence[str] = ()) -> list[Entry]:
    """The IPv4 entries DDSI2 considers (up interfaces only), in enumeration order."""
    return [Entry(i, a, score(i, assume)) for i in host.interfaces if i.up for a in i.addresses]


@dataclass(frozen=True, slots=True)
class AutoChoice:
    chosen: Entry | None
    tied: tuple[Entry, ...]  # every entry with the top score, in enumeration order

    @property
    def arbitrary(self) -> bool:
        return len(self.tied) > 1

    def warning(self) -> str:
        """The WARNING DDSI2 logs in ospl-info.log when the pick is arbitrary."""
        assert self.chosen is not None
        names = ", ".join(e.interface.name for e in self.tied)
        return (
            f"using network interface {self.chosen.interface.name} ({self.chosen.address.ip}) "
            f"selected arbitrarily from: {names}"
        )


def choose_auto(host: HostFacts, assume: Sequence[str] = ()) -> AutoChoice:
    found = entries(host, assume)
    if not found:
        return AutoChoice(None, ())
    best = max(e.score for e in found)
    tied = tuple(e for e in found if e.score == best)
    return AutoChoice(tied[0], tied)


class MatchKind(enum.Enum):
    NAME = "interface name"
    ADDRESS = "address"
    NETWORK = "network part"
    NONE = "no match"


@dataclass(frozen=True, slots=True)
class ExplicitChoice:
    kind: MatchKind
    value: str
    entry: Entry | None = None
    down: Interface | None = None  # the interface the value names or holds, when it is down
    parsed: str | None = None  # the address inet_addr made of the value

    def error(self) -> str:
        """The ERROR DDSI2 logs when nothing matches."""
        return f"{self.value}: does not match an available interface"


def choose_explicit(host: HostFacts, value: str, assume: Sequence[str] = ()) -> ExplicitChoice:
    """What DDSI2 selects for a NetworkInterfaceAddress that is not AUTO."""
    found = entries(host, assume)
    for e in found:
        if e.interface.name == value:
            return ExplicitChoice(MatchKind.NAME, value, e)
    named_down = next((i for i in host.interfaces if i.name == value and not i.up), None)
    parsed = inet_addr(value)
    if parsed is None:
        return ExplicitChoice(MatchKind.NONE, value, down=named_down)
    for e in found:
        if e.address.ip == parsed:
            return ExplicitChoice(MatchKind.ADDRESS, value, e, parsed=parsed)
    want = int(ipaddress.IPv4Address(parsed))
    for e in found:
        mask = int(ipaddress.IPv4Address(e.address.netmask))
        own = int(ipaddress.IPv4Address(e.address.ip))
        if want & ~mask & 0xFFFFFFFF == 0 and want & mask == own & mask:
            return ExplicitChoice(MatchKind.NETWORK, value, e, parsed=parsed)
    holder = next(
        (i for i in host.interfaces if not i.up and any(a.ip == parsed for a in i.addresses)), None
    )
    return ExplicitChoice(MatchKind.NONE, value, down=holder, parsed=parsed)

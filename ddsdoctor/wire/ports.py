"""RTPS well-known port mapping and its inverse (DDSI-RTPS 2.5 §9.6.1.1, rtps-facts.md §7)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

PB, DG, PG, D0, D1, D2, D3 = 7400, 250, 2, 0, 10, 1, 11
"""Spec defaults, shared by Cyclone, OpenSplice, Fast DDS and RTI."""


class PortKind(enum.Enum):
    DISCOVERY_MULTICAST = "discovery-multicast"
    USER_MULTICAST = "user-multicast"
    DISCOVERY_UNICAST = "discovery-unicast"
    USER_UNICAST = "user-unicast"

    @property
    def is_discovery(self) -> bool:
        return self in (PortKind.DISCOVERY_MULTICAST, PortKind.DISCOVERY_UNICAST)


@dataclass(frozen=True, slots=True)
class PortMapping:
    """Domain (and participant index for unicast ports) a default port stands for."""

    domain_id: int
    kind: PortKind
    participant_index: int | None = None


def domain_from_port(
    port: int,
    *,
    base: int = PB,
    domain_gain: int = DG,
    participant_gain: int = PG,
    d0: int = D0,
    d1: int = D1,
    d2: int = D2,
    d3: int = D3,
) -> PortMapping | None:
    """Invert the port mapping; None when ``port`` is not a default RTPS port.

    Only meaningful for vendors that use the default mapping: Cyclone's unicast ports are
    ephemeral by default, so rely on multicast ports or on PID_DOMAIN_ID for Cyclone.
    """
    off = port - base
    if off < 0 or port > 0xFFFF or domain_gain <= 0 or participant_gain <= 0:
        return None
    domain, r = divmod(off, domain_gain)
    if r == d0:
        return PortMapping(domain, PortKind.DISCOVERY_MULTICAST)
    if r == d2:
        return PortMapping(domain, PortKind.USER_MULTICAST)
    if r >= d1 and (r - d1) % participant_gain == 0:
        return PortMapping(domain, PortKind.DISCOVERY_UNICAST, (r - d1) // participant_gain)
    if r >= d3 and (r - d3) % participant_gain == 0:
        return PortMapping(domain, PortKind.USER_UNICAST, (r - d3) // participant_gain)
    return None


def ports_for(domain_id: int, participant_index: int = 0) -> dict[PortKind, int]:
    """The four default ports of a domain and participant index."""
    b = PB + DG * domain_id
    return {
        PortKind.DISCOVERY_MULTICAST: b + D0,
        PortKind.USER_MULTICAST: b + D2,
        PortKind.DISCOVERY_UNICAST: b + D1 + PG * participant_index,
        PortKind.USER_UNICAST: b + D3 + PG * participant_index,
    }

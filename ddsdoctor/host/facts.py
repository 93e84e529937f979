"""Host facts: this machine's network interfaces, as plain values rules can be handed.

Interfaces are kept in kernel enumeration order: the order of ``getifaddrs()``, which is the
order DDSI2 enumerates addresses in and which ``psutil.net_if_addrs()`` preserves (it sorts by
address family with a stable sort). psutil is imported only when the live host is read.

``python -m ddsdoctor.cli.hostfacts`` prints a host's facts as JSON; ``ddsdoctor check
--host-facts FILE`` reads such a file back, so a host can be checked from another machine.
"""

from __future__ import annotations

import ipaddress
import json
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any


class HostFactsError(ValueError):
    """A host facts file or table that cannot be used (exit 2)."""


@dataclass(frozen=True, slots=True)
class Address:
    """One IPv4 address of an interface."""

    ip: str
    netmask: str

    @property
    def network(self) -> ipaddress.IPv4Network:
        return ipaddress.IPv4Network(f"{self.ip}/{self.netmask}", strict=False)

    @property
    def prefix(self) -> int:
        return self.network.prefixlen


@dataclass(frozen=True, slots=True)
class Interface:
    name: str
    up: bool
    multicast: bool
    loopback: bool = False
    point_to_point: bool = False
    addresses: tuple[Address, ...] = ()
    index: int | None = None


@dataclass(frozen=True, slots=True)
class HostFacts:
    """The interfaces of one host, in kernel enumeration order."""

    hostname: str
    interfaces: tuple[Interface, ...]
    source: str = "this host"

    def interface(self, name: str) -> Interface | None:
        """The interface with exactly this name (names are case-sensitive)."""
        return next((i for i in self.interfaces if i.name == name), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "hostname": self.hostname,
            "interfaces": [
                {
                    "name": i.name,
                    "index": i.index,
                    "flags": _flags_of(i),
                    "addresses": [f"{a.ip}/{a.prefix}" for a in i.addresses],
                }
                for i in self.interfaces
            ],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], source: str = "host facts") -> HostFacts:
        """Build facts from ``{"hostname": .., "interfaces": [{name, flags, addresses}]}``."""
        try:
            items = data.get("interfaces", [])
            if not isinstance(items, list):
                raise HostFactsError("'interfaces' must be a list")
            return cls(
                hostname=str(data.get("hostname", "host")),
                interfaces=tuple(_interface(item) for item in items),
                source=source,
            )
        except (TypeError, ValueError, AttributeError, KeyError) as exc:
            raise HostFactsError(f"{source}: {exc}") from None


def _flags_of(i: Interface) -> list[str]:
    pairs = (
        ("up", i.up),
        ("multicast", i.multicast),
        ("loopback", i.loopback),
        ("pointopoint", i.point_to_point),
    )
    return [name for name, on in pairs if on]


def _interface(item: Mapping[str, Any]) -> Interface:
    if not isinstance(item, Mapping) or not item.get("name"):
        raise HostFactsError(f"an interface needs a name: {item!r}")
    flags = {str(f).lower() for f in item.get("flags", [])}
    unknown = flags - {
        "up",
        "multicast",
        "loopback",
        "pointopoint",
        "point-to-point",
        "broadcast",
        "running",
        "lower_up",
    }
    if unknown:
        raise HostFactsError(f"interface {item['name']}: unknown flags {sorted(unknown)}")
    addresses = []
    for text in item.get("addresses", []):
        iface = ipaddress.IPv4Interface(str(text))
        addresses.append(Address(str(iface.ip), str(iface.netmask)))
    index = item.get("index")
    return Interface(
        name=str(item["name"]),
        up="up" in flags,
        multicast="multicast" in flags,
        loopback="loopback" in flags,
        point_to_point=bool(flags & {"pointopoint", "point-to-point"}),
        addresses=tuple(addresses),
        index=int(index) if index is not None else None,
    )


def read_host() -> HostFacts:
    """This machine's interfaces, read with psutil (the calling process's network namespace)."""
    import psutil

    stats = psutil.net_if_stats()
    interfaces = []
    for name, addrs in psutil.net_if_addrs().items():
        st = stats.get(name)
        flags = set(st.flags.split(",")) if st is not None and st.flags else set()
        # DDSI2 tests IFF_UP; psutil's isup is IFF_RUNNING (carrier), which it does not check
        up = "up" in flags
        v4 = tuple(
            Address(a.address, a.netmask or "255.255.255.255")
            for a in addrs
            if a.family == socket.AF_INET
        )
        try:
            index: int | None = socket.if_nametoindex(name)
        except OSError:
            index = None
        interfaces.append(
            Interface(
                name=name,
                up=up,
                multicast="multicast" in flags,
                loopback="loopback" in flags,
                point_to_point="pointopoint" in flags,
                addresses=v4,
                index=index,
            )
        )
    return HostFacts(socket.gethostname(), tuple(interfaces))


def load_host_facts(path: str) -> HostFacts:
    """Read facts written by ``python -m ddsdoctor.cli.hostfacts``."""
    try:
        with open(path, encoding="utf-8") as fh:  # noqa: PTH123 - str path from the CLI
            data = json.load(fh)
    except OSError as exc:
        raise HostFactsError(f"cannot read {path}: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise HostFactsError(f"{path}: not JSON: {exc}") from None
    if not isinstance(data, Mapping):
        raise HostFactsError(f"{path}: expected a JSON object")
    return HostFacts.from_dict(data, source=path)

"""GUIDs, GUID prefixes and locators as they appear on the wire (DDSI-RTPS 2.5 §9.3.1-2)."""

from __future__ import annotations

import enum
import ipaddress
from dataclasses import dataclass

from ddsdoctor.wire.errors import WireError

GUIDPREFIX_UNKNOWN = bytes(12)


def prefix_hex(prefix: bytes) -> str:
    """24 hex digits, the form reports use (``participants[].guid_prefix``)."""
    return prefix.hex()


@dataclass(frozen=True, slots=True)
class Guid:
    """A 16-byte GUID: 12-byte prefix + entity id (read big-endian, as Wireshark prints it)."""

    prefix: bytes
    entity_id: int

    @classmethod
    def from_bytes(cls, raw: bytes) -> Guid:
        if len(raw) != 16:
            raise WireError(f"GUID needs 16 bytes, got {len(raw)}")
        return cls(raw[:12], int.from_bytes(raw[12:], "big"))

    def __bytes__(self) -> bytes:
        return self.prefix + self.entity_id.to_bytes(4, "big")

    def __str__(self) -> str:
        return f"{self.prefix.hex()}{self.entity_id:08x}"

    @property
    def hex(self) -> str:
        """32 hex digits (``endpoints[].guid``)."""
        return str(self)

    @property
    def participant(self) -> Guid:
        """The GUID of the participant this entity belongs to (same prefix, 0x000001c1)."""
        return Guid(self.prefix, 0x000001C1)


class LocatorKind(enum.IntEnum):
    """Locator kinds (spec + vendors, rtps-facts.md §5); unknown values stay plain ints."""

    INVALID = -1
    RESERVED = 0
    UDPV4 = 1
    UDPV6 = 2
    TCPV4 = 4
    RTI_DTLS = 6
    TCPV6 = 8  # Cyclone/Fast DDS; RTI uses 8 for TCPv4 LAN
    RTI_TCPV4_WAN = 9
    RTI_TLSV4_LAN = 10
    RTI_TLSV4_WAN = 11
    SHM = 16  # Cyclone PSMX; Fast DDS SHM is 16 + major version
    RTI_SHMEM = 0x01000000
    RTI_UDPV4_WAN = 0x01000001
    RTI_TUDPV4 = 0x01001001
    RAWETH = 0x02000000
    UDPV4_MCGEN = 0x4FFF0000  # Cyclone multicast generator


_V4_KINDS = frozenset((1, 4, 9, 10, 11, 0x01000001, 0x01001001))


@dataclass(frozen=True, slots=True)
class Locator:
    """Locator_t: kind, port, 16-byte address."""

    kind: int
    port: int
    address: bytes

    @property
    def ip(self) -> str | None:
        """The IP address as text for IP-based kinds, else None."""
        if self.kind in _V4_KINDS or (self.kind == 0x4FFF0000):
            return str(ipaddress.IPv4Address(self.address[12:16]))
        if self.kind in (2, 8):
            if self.kind == 8 and self.address[:12] == bytes(12):
                return str(ipaddress.IPv4Address(self.address[12:16]))  # RTI TCPv4 LAN
            return str(ipaddress.IPv6Address(self.address))
        return None

    @property
    def is_multicast(self) -> bool:
        ip = self.ip
        return ip is not None and ipaddress.ip_address(ip).is_multicast

    @property
    def kind_name(self) -> str:
        try:
            return LocatorKind(self.kind).name.lower()
        except ValueError:
            if 17 <= self.kind <= 31:
                return "fastdds-shm"
            return f"kind-{self.kind}"

    def __str__(self) -> str:
        ip = self.ip
        where = ip if ip is not None else self.address.hex()
        if ip is not None and ":" in ip:
            where = f"[{ip}]"
        return f"{self.kind_name}/{where}:{self.port}"

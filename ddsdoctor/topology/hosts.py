"""Host names for IP addresses: a --hosts file, what participants announce, else the IP.

The file (``--hosts FILE``) is either CSV, one ``ip,name[,role]`` per line (``#`` comments,
an optional ``ip,name,role`` header), or TOML with ``[[host]]`` tables (``name``,
``addresses`` or ``address``, ``role``). A name in the file wins over announced names.
"""

from __future__ import annotations

import csv
import ipaddress
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ddsdoctor.discovery import Participant

NO_ADDRESS = "(no address)"
"""Node for datagrams without IP addresses (Wireshark exported PDUs)."""


class HostsFileError(ValueError):
    """The --hosts file cannot be read or parsed (a usage error: exit 2)."""


@dataclass(frozen=True, slots=True)
class HostEntry:
    address: str
    name: str
    role: str | None = None


def _address(text: str, where: str) -> str:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        raise HostsFileError(f"{where}: {text.strip()!r} is not an IP address") from None


def load_hosts_file(path: Path) -> dict[str, HostEntry]:
    """IP -> entry, from CSV (``ip,name,role``) or TOML (``[[host]]``)."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise HostsFileError(f"cannot read --hosts file {path}: {exc}") from None
    if path.suffix == ".toml":
        return _toml(text, path)
    out: dict[str, HostEntry] = {}
    for n, row in enumerate(csv.reader(text.splitlines()), 1):
        cells = [c.strip() for c in row]
        if not cells or not cells[0] or cells[0].startswith("#"):
            continue
        if n == 1 and cells[0].lower() in ("ip", "address"):
            continue  # header
        if len(cells) < 2 or not cells[1]:
            raise HostsFileError(f"{path}:{n}: expected ip,name[,role]")
        ip = _address(cells[0], f"{path}:{n}")
        out[ip] = HostEntry(ip, cells[1], cells[2] if len(cells) > 2 and cells[2] else None)
    return out


def _toml(text: str, path: Path) -> dict[str, HostEntry]:
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise HostsFileError(f"{path}: {exc}") from None
    out: dict[str, HostEntry] = {}
    for i, table in enumerate(doc.get("host", []), 1):
        where = f"{path}: [[host]] #{i}"
        if not isinstance(table, dict) or not isinstance(table.get("name"), str):
            raise HostsFileError(f"{where}: needs a name")
        addrs = table.get("addresses", [table["address"]] if "address" in table else [])
        if not isinstance(addrs, list) or not addrs:
            raise HostsFileError(f"{where}: needs address or addresses")
        role = table.get("role")
        for a in addrs:
            ip = _address(str(a), where)
            out[ip] = HostEntry(ip, table["name"], str(role) if role is not None else None)
    return out


def is_group(ip: str) -> bool:
    """Multicast or limited broadcast: a group node, not a host."""
    if ip.startswith("ff") or ip == "255.255.255.255":
        return True
    head = ip.split(".", 1)[0]
    return head.isdigit() and 224 <= int(head) <= 239


@dataclass(frozen=True, slots=True)
class HostMap:
    """IP -> host name and role, decided once per report."""

    names: Mapping[str, str]
    roles: Mapping[str, str]

    def name(self, ip: str) -> str:
        if not ip:
            return NO_ADDRESS
        return self.names.get(ip, ip)

    def role(self, name: str) -> str | None:
        return self.roles.get(name)


def resolve(participants: Iterable[Participant], entries: Mapping[str, HostEntry]) -> HostMap:
    """Name each source IP: the --hosts file, else the host name most participants sending
    from that IP announce, else the IP itself."""
    votes: dict[str, Counter[str]] = defaultdict(Counter)
    for p in participants:
        if p.host:
            for ip in p.addresses:
                if not is_group(ip):
                    votes[ip][p.host] += 1
    names = {ip: c.most_common(1)[0][0] for ip, c in votes.items()}
    roles: dict[str, str] = {}
    for ip, e in entries.items():
        names[ip] = e.name
        if e.role:
            roles[e.name] = e.role
    return HostMap(names, roles)


def host_of(p: Participant, hosts: HostMap) -> str:
    """The host node of a participant: where it sends from, else what it announces."""
    for ip in p.addresses:
        if not is_group(ip):
            return hosts.name(ip)
    return p.host or NO_ADDRESS

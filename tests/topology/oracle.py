"""tshark as the oracle for topology: traffic per (source, destination) and discovery facts."""

from __future__ import annotations

import functools
import subprocess
from collections import defaultdict
from pathlib import Path

from ddsdoctor.capture import read_capture
from ddsdoctor.topology.hosts import HostEntry
from ddsdoctor.topology.model import TopologyReport
from ddsdoctor.topology.run import TopologyOptions, run_topology
from tests.tshark import tshark_argv

Pair = tuple[str, str]


def _fields(
    path: Path, display_filter: str, *fields: str, two_pass: bool = False
) -> list[list[str]]:
    cmd = [*tshark_argv(), *(["-2"] if two_pass else []), "-n", "-r", str(path)]
    cmd += ["-Y", display_filter, "-T", "fields"]
    cmd += ["-E", "occurrence=f"]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    return [line.split("\t") for line in out.splitlines()]


@functools.cache
def tshark_traffic(path: Path) -> dict[Pair, tuple[int, int]]:
    """(src IP, dst IP) -> (RTPS datagrams, frame bytes incl. every IP fragment).

    RTPS quoted inside ICMP errors is not traffic (docs/wire.md), so it is left out.
    """
    rtps: dict[str, Pair] = {}
    out: dict[Pair, list[int]] = defaultdict(lambda: [0, 0])
    rows = _fields(
        path,
        "rtps && !icmp && !icmpv6",
        "frame.number",
        "ip.src",
        "ip.dst",
        "ipv6.src",
        "ipv6.dst",
        "frame.len",
    )
    for number, s4, d4, s6, d6, length in rows:
        pair = (s4 or s6, d4 or d6)
        rtps[number] = pair
        out[pair][0] += 1
        out[pair][1] += int(length)
    for number, length, into in _fields(
        path, "ip.reassembled_in", "frame.number", "frame.len", "ip.reassembled_in", two_pass=True
    ):  # two passes: only then does tshark tag the earlier fragments with their datagram
        if into in rtps and into != number:
            out[rtps[into]][1] += int(length)
    return {k: (v[0], v[1]) for k, v in out.items()}


@functools.cache
def by_address(path: Path) -> TopologyReport:
    """The topology with every address as its own host, so edges are IP pairs."""
    ips = {ip for pair in tshark_traffic(path) for ip in pair}
    hosts = {ip: HostEntry(ip, ip) for ip in ips if ip}
    with read_capture(path) as reader:
        return run_topology(reader, TopologyOptions(hosts=hosts, label=path.name))


@functools.cache
def default(path: Path) -> TopologyReport:
    with read_capture(path) as reader:
        return run_topology(reader, TopologyOptions(label=path.name))

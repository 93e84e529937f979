"""How far discovery got: SEDP delivered vs acknowledged per process pair, late captures.

Endpoint discovery (SEDP) is a reliable exchange between the builtin writers of one
participant and the builtin readers of another (DDSI-RTPS 2.5 §8.5.4). When it completes,
the reader side's ACKNACK base passes the highest SEDP sequence number the writer sent.
A receiver that keeps NACKing, or never answers, has not learnt the announcer's endpoints.
OpenSplice answers for all five participants of a process from its DDSI2 participant
(rtps-facts.md §9), so the pairs are processes, not participants.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from ddsdoctor.discovery import DiscoveryFacts, Participant
from ddsdoctor.topology.collect import SEDP_WRITERS, Collector, prefix_text
from ddsdoctor.topology.hosts import HostMap, host_of, is_group
from ddsdoctor.topology.model import DiscoveryStatus, SedpLink, WriterTraffic


def parse_locator(text: str) -> tuple[str, int] | None:
    """``udp/10.0.0.1:7410`` or ``udp6/[ff02::1]:7400`` -> (ip, port); None for others."""
    kind, _, rest = text.partition("/")
    if kind not in ("udp", "udp6") or ":" not in rest:
        return None
    ip, _, port = rest.rpartition(":")
    return (ip.strip("[]"), int(port)) if port.isdigit() else None


class LocatorIndex:
    """Which participants a datagram to (ip, port) reaches."""

    def __init__(self, facts: DiscoveryFacts) -> None:
        self.unicast: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.groups: dict[str, set[str]] = defaultdict(set)
        self.group_ports: dict[tuple[str, int], set[str]] = defaultdict(set)
        self.by_ip: dict[str, set[str]] = defaultdict(set)
        for p in facts.participants.values():
            self._add(p.guid_prefix, p.locators)
            for ip in p.addresses:
                self.by_ip[ip].add(p.guid_prefix)
        for ep in facts.endpoints.values():
            self._add(ep.participant, ep.unicast_locators + ep.multicast_locators)

    def _add(self, prefix: str, locators: Iterable[str]) -> None:
        for text in locators:
            loc = parse_locator(text)
            if loc is None:
                continue
            if is_group(loc[0]):
                self.groups[loc[0]].add(prefix)
                self.group_ports[loc].add(prefix)
            else:
                self.unicast[loc].add(prefix)

    def reached(self, ip: str, port: int) -> set[str]:
        """Participants listening on (ip, port): exact locator, else every one at that IP
        (or, for a group, every one that joined it on any port)."""
        if is_group(ip):
            return self.group_ports.get((ip, port)) or self.groups.get(ip, set())
        return self.unicast.get((ip, port)) or self.by_ip.get(ip, set())


def process_of(facts: DiscoveryFacts, prefix: str) -> str:
    p = facts.participants.get(prefix)
    return p.process_key if p is not None else prefix


Offer = tuple[int, float, float]
"""(highest SN offered, first time anything was offered, time the highest SN was offered)."""


def _offer(old: Offer | None, sn: int, first: float, at: float) -> Offer:
    if old is None:
        return (sn, first, at)
    if sn > old[0]:
        return (sn, min(old[1], first), at)
    return (old[0], min(old[1], first), old[2] if sn < old[0] else min(old[2], at))


def first_packets(collector: Collector) -> dict[str, float]:
    """GUID prefix (24 hex digits) -> time of the first RTPS message it sent."""
    out: dict[str, float] = {}
    for (_src, _dst, _port, prefix), flow in collector.flows.items():
        px = prefix_text(prefix)
        if px not in out or flow.first < out[px]:
            out[px] = flow.first
    return out


def _born(facts: DiscoveryFacts, first_packet: dict[str, float]) -> dict[str, float]:
    """Process key -> when the capture first saw any of its participants (SPDP or packet)."""
    out: dict[str, float] = {}
    for px, p in facts.participants.items():
        times = [t for t in (p.first_seen, first_packet.get(px)) if t is not None]
        if times:
            key = p.process_key
            out[key] = min(out.get(key, times[0]), *times)
    return out


def sedp_links(collector: Collector, facts: DiscoveryFacts, index: LocatorIndex) -> list[SedpLink]:
    """Per SEDP writer and receiving process: the highest SN offered (sent as DATA or
    announced by HEARTBEAT towards the receiver) vs the highest one it acknowledged.

    Nothing counts as offered to a receiver before it existed: SEDP multicast (or a
    HEARTBEAT) sent before a process joined reaches the locators it announces later, but
    it could not answer then, so offer times are clamped to its first appearance.
    """
    offered: dict[tuple[str, str, str], Offer] = {}
    born = _born(facts, first_packets(collector))

    def offer(wprefix: bytes, wid: int, receivers: set[str], sn: int, t0: float, at: float) -> None:
        announcer = process_of(facts, wprefix.hex())
        writer = f"{wprefix.hex()}{wid:08x}"
        for r in receivers:
            receiver = process_of(facts, r)
            if receiver != announcer:
                key = (announcer, receiver, writer)
                since = born.get(receiver, t0)
                offered[key] = _offer(offered.get(key), sn, max(t0, since), max(at, since))

    for (_src, dst, dport, _pfx), flow in collector.flows.items():
        for (wprefix, wid), w in flow.acc.writers.items():
            if wid in SEDP_WRITERS and w.samples:
                # last_time: the last data of this writer, an upper bound for its highest SN
                offer(wprefix, wid, index.reached(dst, dport), w.last_sn, w.first_time, w.last_time)
    for (wprefix, rprefix, wid, dst, dport), (last, first, at) in collector.heartbeats.items():
        targets = {rprefix.hex()} if rprefix else index.reached(dst, int(dport))
        offer(wprefix, wid, targets, int(last), first, at)
    acked: dict[tuple[str, str, str], int] = {}
    for (rprefix, wprefix, wid), base in collector.acks.items():
        key = (
            process_of(facts, wprefix.hex()),
            process_of(facts, rprefix.hex()),
            f"{wprefix.hex()}{wid:08x}",
        )
        if key[0] != key[1]:
            acked[key] = max(acked.get(key, -1), base - 1)
    out = []
    for key in sorted(set(offered) | set(acked)):
        o = offered.get(key)
        out.append(
            SedpLink(
                key[0],
                key[1],
                o[0] if o else 0,
                o[1] if o else None,
                acked.get(key, -1),
                key[2],
                o[2] if o else None,
            )
        )
    return out


def statuses(
    collector: Collector, facts: DiscoveryFacts, announced: set[str]
) -> list[DiscoveryStatus]:
    first_packet = first_packets(collector)
    sedp: dict[str, list[int]] = {}
    for flow in collector.flows.values():
        for (wprefix, wid), w in flow.acc.writers.items():
            if wid in SEDP_WRITERS and w.samples:
                acc = sedp.setdefault(wprefix.hex(), [0, w.first_sn])
                acc[0] += w.samples
                acc[1] = min(acc[1], w.first_sn)
    out = []
    for guid_prefix, p in sorted(facts.participants.items()):
        s = sedp.get(guid_prefix)
        out.append(
            DiscoveryStatus(
                guid_prefix=guid_prefix,
                process=p.process_key,
                spdp_first=p.first_seen if guid_prefix in announced else None,
                first_packet=first_packet.get(guid_prefix),
                sedp_samples=s[0] if s else 0,
                sedp_first_sn=s[1] if s else None,
            )
        )
    return out


def unannounced_writers(
    collector: Collector, facts: DiscoveryFacts, hosts: HostMap
) -> list[WriterTraffic]:
    """User writers with data on the wire that no SEDP in the capture announced."""
    acc: dict[str, list[float]] = {}
    for (_src, _dst, _port, _pfx), flow in collector.flows.items():
        for (wprefix, wid), w in flow.acc.writers.items():
            if wid & 0xC0 or not w.samples:
                continue
            guid = f"{wprefix.hex()}{wid:08x}"
            if guid in facts.endpoints:
                continue
            a = acc.setdefault(guid, [0, 0, w.first_time])
            a[0] += w.samples
            a[1] += w.bytes
            a[2] = min(a[2], w.first_time)
    out = []
    for guid, (samples, nbytes, first) in sorted(acc.items()):
        owner: Participant | None = facts.participants.get(guid[:24])
        host = host_of(owner, hosts) if owner is not None else "?"
        out.append(WriterTraffic(guid, int(samples), int(nbytes), first, host))
    return out

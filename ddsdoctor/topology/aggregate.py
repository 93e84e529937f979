"""From the collected flows and facts to the report: hosts, groups, edges, topics, processes.

Runs once, at the end of the pass, so the join of writers to topics sees every SEDP sample
of the capture (data often precedes the SEDP that names its writer). Multicast is drawn as
an edge from the sending host to a group node whose members are the hosts that announce
the group in a locator; unicast as an edge from the sending host to the receiving host.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from typing import Any

from ddsdoctor.discovery import DiscoveryFacts, Endpoint, EndpointKind, is_infrastructure
from ddsdoctor.topology.collect import NO_PREFIX, Collector, prefix_text
from ddsdoctor.topology.hosts import HostEntry, HostMap, host_of, is_group, resolve
from ddsdoctor.topology.model import (
    By,
    Edge,
    Group,
    Host,
    ProcessInfo,
    TopicTraffic,
    TopologyReport,
    Traffic,
    TrafficClass,
)
from ddsdoctor.topology.pattern import classify_pattern
from ddsdoctor.topology.sedp import LocatorIndex, sedp_links, statuses, unannounced_writers
from ddsdoctor.topology.sums import Classifier, Sum, Window


def _adopt_traffic_participants(collector: Collector, facts: DiscoveryFacts) -> set[str]:
    """Source addresses from the traffic; participants that sent without SPDP are added.

    Returns the prefixes that announced themselves with SPDP.
    """
    announced = set(facts.participants)
    ips: dict[str, set[str]] = defaultdict(set)
    vendors: dict[str, int] = {}
    for (src, _dst, _port, prefix), flow in collector.flows.items():
        px = prefix_text(prefix)
        if src:
            ips[px].add(src)
        vendors.setdefault(px, flow.vendor)
    for px, vendor in vendors.items():
        if px == NO_PREFIX:
            continue
        p = facts.participant(px)
        if p.vendor_id is None:
            p.vendor_id = vendor
        for ip in sorted(ips.get(px, ())):
            if ip not in p.addresses and not is_group(ip):
                p.addresses.append(ip)
    return announced


def _participant_node(index: LocatorIndex, facts: DiscoveryFacts, ip: str, port: int) -> str:
    """The participant a unicast datagram goes to; an OpenSplice process answers on its
    DDSI2 participant's ports for all of its participants."""
    found = index.unicast.get((ip, port))
    if not found:
        return f"{ip}:{port}"
    ddsi2 = sorted(p for p in found if facts.participants[p].role == "ddsi2")
    return ddsi2[0] if ddsi2 else min(found)


def _edges(sums: Mapping[tuple[str, str], Sum], window: Window) -> tuple[Edge, ...]:
    out = [
        Edge(
            src=src,
            dst=dst,
            multicast=is_group(dst),
            traffic=s.traffic(window),
            frames=s.frames,
            ports=tuple(sorted(s.ports)),
            topics=s.shares(),
            classes=dict(sorted(s.classes.items())),
            participants=tuple(sorted(s.senders)),
        )
        for (src, dst), s in sums.items()
    ]
    return tuple(sorted(out, key=lambda e: (-e.traffic.bytes, e.src, e.dst)))


def _topics(
    facts: DiscoveryFacts,
    sums: Mapping[str, Sum],
    topic_types: Mapping[str, set[str]],
    host_of_p: Mapping[str, str],
    window: Window,
) -> tuple[TopicTraffic, ...]:
    eps: dict[str, list[Endpoint]] = defaultdict(list)
    for ep in facts.endpoints.values():
        eps[ep.topic].append(ep)
    out = []
    for topic in sorted(set(eps) | set(sums)):
        mine = eps.get(topic, [])
        s = sums.get(topic) or Sum()
        classes = {c for (_t, c) in s.topics}
        infra = (all(is_infrastructure(e) for e in mine) and bool(mine)) or bool(
            classes and not classes & {TrafficClass.USER, TrafficClass.UNANNOUNCED}
        )
        writers = [e for e in mine if e.kind is EndpointKind.WRITER]
        readers = [e for e in mine if e.kind is EndpointKind.READER]
        types = {e.type_name for e in mine} | topic_types.get(topic, set())
        out.append(
            TopicTraffic(
                topic=topic,
                types=tuple(sorted(t for t in types if t)),
                partitions=tuple(sorted({p for e in mine for p in e.partition_list})),
                writers=len(writers),
                readers=len(readers),
                infrastructure=infra,
                traffic=s.traffic(window),
                writer_hosts=tuple(sorted({host_of_p.get(e.participant, "?") for e in writers})),
                # durability proxies are not readers anyone asked for (opensplice-facts §10)
                reader_hosts=tuple(
                    sorted(
                        {
                            host_of_p.get(e.participant, "?")
                            for e in readers
                            if e.role != "durability-proxy"
                        }
                    )
                ),
            )
        )
    return tuple(sorted(out, key=lambda t: (-t.traffic.bytes, t.topic)))


def _processes(facts: DiscoveryFacts, host_of_p: Mapping[str, str]) -> tuple[ProcessInfo, ...]:
    groups: dict[str, list[str]] = defaultdict(list)
    for px, p in facts.participants.items():
        groups[p.process_key].append(px)
    out = []
    for key, members in sorted(groups.items()):
        ps = [facts.participants[m] for m in sorted(members)]
        app = next((p for p in ps if p.role in (None, "application")), ps[0])
        out.append(
            ProcessInfo(
                key=key,
                host=host_of_p[ps[0].guid_prefix],
                name=app.process or next((p.process for p in ps if p.process), None),
                pid=next((p.pid for p in ps if p.pid is not None), None),
                vendor_id=ps[0].vendor_id,
                participants={p.guid_prefix: p.role for p in ps},
            )
        )
    return tuple(out)


def build_report(
    collector: Collector,
    capture: Mapping[str, Any],
    *,
    source: str,
    by: By = By.HOST,
    host_entries: Mapping[str, HostEntry] | None = None,
) -> TopologyReport:
    """Fold the pass's flows into a report (no findings yet: the rules add them)."""
    facts = collector.builder.finish()
    first, last = capture.get("first_time"), capture.get("last_time")
    if first is None:
        first, last = collector.first_time, collector.last_time
    window = Window(first, last, collector.coarse_width, collector.fine_from)
    facts.started_at, facts.ended_at = first, last
    announced = _adopt_traffic_participants(collector, facts)
    hosts: HostMap = resolve(facts.participants.values(), host_entries or {})
    host_of_p = {px: host_of(p, hosts) for px, p in facts.participants.items()}
    index = LocatorIndex(facts)
    classify = Classifier(facts)
    host_sums: dict[tuple[str, str], Sum] = defaultdict(Sum)
    part_sums: dict[tuple[str, str], Sum] = defaultdict(Sum)
    senders: dict[str, Sum] = defaultdict(Sum)
    topic_sums: dict[str, Sum] = defaultdict(Sum)
    group_sums: dict[str, Sum] = defaultdict(Sum)
    total = Sum()
    addresses: dict[str, set[str]] = defaultdict(set)
    for (src, dst, dport, prefix), flow in collector.flows.items():
        px = prefix_text(prefix)
        group = is_group(dst)
        sh = hosts.name(src)
        dh = dst if group else hosts.name(dst)
        addresses[sh].add(src)
        if not group:
            addresses[dh].add(dst)
        pdst = dst if group else _participant_node(index, facts, dst, dport)
        targets = [host_sums[(sh, dh)], senders[px], total]
        if by is By.PARTICIPANT:
            targets.append(part_sums[(px, pdst)])
        if group:
            targets.append(group_sums[dst])
        for s in targets:
            s.add_flow(flow, dport, px)
        for (wp, wid), w in flow.acc.writers.items():
            topic, cls = classify(wp, wid)
            for s in targets:
                s.add_writer(topic, cls, w, wire=False)
            topic_sums[topic].add_writer(topic, cls, w, wire=True)
    host_edges = _edges(host_sums, window)
    members = {
        g: tuple(
            sorted(
                {host_of_p[p] for p in index.groups.get(g, ())}
                or {sh for sh, d in host_sums if d == g}
            )
        )
        for g in group_sums
    }
    groups = tuple(
        Group(g, tuple(sorted(s.ports)), members[g], s.traffic(window))
        for g, s in sorted(group_sums.items())
    )
    sent: dict[str, Sum] = defaultdict(Sum)
    received: dict[str, Sum] = defaultdict(Sum)
    for (sh, dh), s in host_sums.items():
        sent[sh].add(s)
        for m in members.get(dh, (dh,)):
            if m != sh or not is_group(dh):
                received[m].add(s)
    names = {h for h in addresses if not is_group(h)} | set(host_of_p.values())
    host_list = []
    for name in sorted(names):
        mine = sorted(px for px, h in host_of_p.items() if h == name)
        ps = [facts.participants[px] for px in mine]
        host_list.append(
            Host(
                name=name,
                addresses=tuple(sorted(a for a in addresses.get(name, ()) if a)),
                role=hosts.role(name),
                participants=tuple(mine),
                processes=tuple(sorted({p.process_key for p in ps})),
                vendors=tuple(sorted({p.vendor_id for p in ps if p.vendor_id is not None})),
                sent=sent[name].traffic(window) if name in sent else Traffic(),
                received=received[name].traffic(window) if name in received else Traffic(),
            )
        )
    report = TopologyReport(
        source=source,
        facts=facts,
        capture=dict(capture),
        hosts=tuple(host_list),
        groups=groups,
        host_edges=host_edges,
        edges=host_edges if by is By.HOST else _edges(part_sums, window),
        by=by,
        topics=_topics(facts, topic_sums, collector.builder.topic_types, host_of_p, window),
        participants={px: s.traffic(window) for px, s in sorted(senders.items())},
        processes=_processes(facts, host_of_p),
        total=total.traffic(window),
        by_class=dict(sorted(total.classes.items())),
        discovery=tuple(statuses(collector, facts, announced)),
        sedp_links=tuple(sedp_links(collector, facts, index)),
        unannounced=tuple(unannounced_writers(collector, facts, hosts)),
        host_of=host_of_p,
    )
    return classify_pattern(report)

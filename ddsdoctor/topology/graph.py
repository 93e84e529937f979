"""The report as a networkx DiGraph: hosts (or participants) and multicast groups as nodes,
traffic as directed edges. networkx is imported here only, when a graph is asked for.

Edges carry the traffic attributes (packets, bytes, samples, rates, top topics). Multicast
goes from the sending host to the group node (``kind="traffic"``); dashed ``delivery``
edges from a group to its member hosts show what each member receives from the others.
``focus`` keeps one node and the edges that touch it, like the tech note's insets.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ddsdoctor.discovery import vendor_name
from ddsdoctor.topology.model import (
    By,
    Edge,
    ProcessInfo,
    TopologyReport,
    Traffic,
    TrafficClass,
)
from ddsdoctor.topology.units import rate_text


class FocusError(ValueError):
    """--focus names no node of the graph (a usage error: exit 2)."""


def _traffic_attrs(t: Traffic) -> dict[str, Any]:
    return {
        "packets": t.packets,
        "bytes": t.bytes,
        "samples": t.samples,
        "data_bytes": t.data_bytes,
        "rate_bps": round(t.rate_bps, 1),
        "peak_bps": round(t.peak_bps, 1),
        "first": t.first,
        "last": t.last,
    }


def _edge_attrs(e: Edge) -> dict[str, Any]:
    attrs = _traffic_attrs(e.traffic)
    # application topics first, then middleware ones (d_*, DCPS*), each by bytes
    data = sorted(
        (s for s in e.topics if s.traffic_class.is_data),
        key=lambda s: (s.traffic_class is not TrafficClass.USER, -s.data_bytes),
    )
    attrs.update(
        kind="traffic",
        multicast=e.multicast,
        frames=e.frames,
        ports=",".join(str(p) for p in e.ports),
        topics=", ".join(s.topic for s in data[:3]) + (" ..." if len(data) > 3 else ""),
        label=rate_text(e.traffic.rate_bps),
    )
    return attrs


def _participant_label(report: TopologyReport, px: str) -> str:
    p = report.facts.participants.get(px)
    if p is None:
        return px
    who = p.process or p.entity_name or vendor_name(p.vendor_id)
    role = f" [{p.role}]" if p.role else ""
    pid = f" {p.pid}" if p.pid is not None else ""
    return f"{report.host_of.get(px, '?')}\n{who}{pid}{role}"


def _process_label(proc: ProcessInfo) -> str:
    name = proc.name or vendor_name(proc.vendor_id)
    pid = f" pid {proc.pid}" if proc.pid is not None else ""
    system = f" (systemId {proc.key[5:]})" if proc.key.startswith("ospl:") else ""
    return f"{proc.host}: {name}{pid}{system}"


def build_graph(report: TopologyReport, *, focus: str | None = None) -> Any:
    """The DiGraph of ``report.edges`` (granularity ``report.by``), optionally focused."""
    import networkx as nx

    g = nx.DiGraph(
        source=report.source, by=report.by.value, pattern=report.pattern.value, focus=focus or ""
    )
    if report.by is By.HOST:
        for h in report.hosts:
            g.add_node(
                h.name,
                kind="host",
                label=h.name,
                addresses=",".join(h.addresses),
                role=h.role or "",
                processes=len(h.processes),
                participants=len(h.participants),
                vendors=", ".join(vendor_name(v) for v in h.vendors),
                sent_bytes=h.sent.bytes,
                received_bytes=h.received.bytes,
            )
    else:
        procs = {proc.key: proc for proc in report.processes}
        for px, p in report.facts.participants.items():
            proc = procs.get(p.process_key)
            g.add_node(
                px,
                kind="participant",
                label=_participant_label(report, px),
                process=p.process_key,
                process_label=_process_label(proc) if proc else p.process_key,
                host=report.host_of.get(px, "?"),
                role=p.role or "",
                vendor=vendor_name(p.vendor_id),
            )
    for grp in report.groups:
        g.add_node(
            grp.address,
            kind="multicast",
            label=grp.address,
            ports=",".join(str(p) for p in grp.ports),
            members=",".join(grp.members),
            bytes=grp.traffic.bytes,
        )
    for e in report.edges:
        for node in (e.src, e.dst):
            if node not in g:
                g.add_node(node, kind="endpoint", label=node)
        g.add_edge(e.src, e.dst, **_edge_attrs(e))
    if report.by is By.HOST:
        _deliveries(g, report)
    if focus:
        nodes = resolve_focus(g, report, focus)
        g = focused(g, nodes)
        g.graph["focus"] = focus
        g.graph["focus_nodes"] = sorted(nodes)
    return g


def _deliveries(g: Any, report: TopologyReport) -> None:
    """Group -> member edges: what each member host receives from the other hosts."""
    for grp in report.groups:
        into = [e for e in report.edges if e.dst == grp.address]
        for m in grp.members:
            edges = [e for e in into if e.src != m]
            if not edges or m not in g:
                continue
            nbytes = sum(e.traffic.bytes for e in edges)
            rate = sum(e.traffic.rate_bps for e in edges)
            g.add_edge(
                grp.address,
                m,
                kind="delivery",
                multicast=True,
                packets=sum(e.traffic.packets for e in edges),
                bytes=nbytes,
                rate_bps=round(rate, 1),
                label=rate_text(rate),
                topics="",
            )


def resolve_focus(g: Any, report: TopologyReport, focus: str) -> set[str]:
    """Node ids for --focus: a node, a host name or address (with ``--by participant``: the
    participants on that host), or the start of a GUID prefix."""
    if focus in g:
        return {focus}
    host = next((h for h in report.hosts if focus in (h.name, *h.addresses)), None)
    if host is not None:
        nodes = {host.name} if host.name in g else {p for p in host.participants if p in g}
        if nodes:
            return nodes
    hits = {str(n) for n in g if isinstance(n, str) and n.startswith(focus)}
    if len(hits) == 1:
        return hits
    known = ", ".join(h.name for h in report.hosts)
    raise FocusError(f"--focus {focus!r} matches no host or node of the graph (hosts: {known})")


def focus_report(report: TopologyReport, nodes: set[str]) -> TopologyReport:
    """The report with only the edges (and hosts, groups) that touch ``nodes``."""
    from dataclasses import replace

    edges = tuple(e for e in report.edges if e.src in nodes or e.dst in nodes)
    near = set(nodes) | {e.src for e in edges} | {e.dst for e in edges}
    hosts = {report.host_of.get(n, n) for n in near}
    for grp in report.groups:
        if hosts & set(grp.members):
            near.add(grp.address)
    return replace(
        report,
        edges=edges,
        hosts=tuple(h for h in report.hosts if h.name in near or h.name in hosts),
        groups=tuple(grp for grp in report.groups if grp.address in near),
    )


def focused(g: Any, nodes: set[str]) -> Any:
    """``nodes``, their neighbours, and only the edges that touch them."""
    keep: Iterable[tuple[Any, Any]] = [(u, v) for u, v in g.edges if u in nodes or v in nodes]
    sub = g.edge_subgraph(keep).copy()
    for node in nodes:
        if node not in sub:
            sub.add_node(node, **g.nodes[node])
    sub.graph.update(g.graph)
    return sub

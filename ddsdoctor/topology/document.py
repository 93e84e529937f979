"""The topology JSON members (``participants``, ``endpoints``, ``hosts``, ``edges``, ...) and
the way back, so that a saved report (or a hand-written one) can be diagnosed again.

The members extend the ``check`` document (``tool``, ``findings``, ``summary``); the
schema is in docs/topology.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ddsdoctor.discovery_json import endpoint_to_dict, facts_from_dict, participant_to_dict
from ddsdoctor.topology.model import (
    By,
    DiscoveryStatus,
    Edge,
    Group,
    Host,
    ProcessInfo,
    SedpLink,
    Series,
    TopicShare,
    TopicTraffic,
    TopologyReport,
    Traffic,
    TrafficClass,
    WriterTraffic,
)
from ddsdoctor.topology.pattern import classify_pattern


def _r(v: float | None, n: int = 6) -> float | None:
    return None if v is None else round(v, n)


def traffic_dict(t: Traffic, *, series: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {
        "packets": t.packets,
        "bytes": t.bytes,
        "samples": t.samples,
        "data_bytes": t.data_bytes,
        "first": _r(t.first),
        "last": _r(t.last),
        "rate_bps": _r(t.rate_bps, 1),
        "peak_bps": _r(t.peak_bps, 1),
        "steady_bps": _r(t.series.steady_bps, 1) if t.series else None,
    }
    if series and t.series is not None:
        out["series"] = t.series.as_dict()
    return out


def edge_dict(e: Edge) -> dict[str, Any]:
    out = {"src": e.src, "dst": e.dst, "multicast": e.multicast}
    out.update(traffic_dict(e.traffic))
    out["frames"] = e.frames
    out["ports"] = list(e.ports)
    out["classes"] = dict(e.classes)
    out["topics"] = [
        {
            "topic": s.topic,
            "class": s.traffic_class.value,
            "samples": s.samples,
            "bytes": s.data_bytes,
        }
        for s in e.topics
    ]
    out["participants"] = list(e.participants)
    return out


def report_document(report: TopologyReport) -> dict[str, Any]:
    """The command-specific members of the JSON document, in output order."""
    facts = report.facts
    statuses = {s.guid_prefix: s for s in report.discovery}
    participants = []
    for _, p in sorted(facts.participants.items()):
        d = participant_to_dict(p)
        d["announced"] = statuses.get(p.guid_prefix, _NO_STATUS).spdp_first is not None
        d["process_key"] = p.process_key
        d["host_node"] = report.host_of.get(p.guid_prefix)
        t = report.participants.get(p.guid_prefix)
        d["traffic"] = traffic_dict(t, series=False) if t else None
        participants.append(d)
    return {
        "capture": {"source": report.source, **report.capture, "duration_s": report.duration},
        "graph": {"by": report.by.value, "pattern": report.pattern.value},
        "hosts": [
            {
                "name": h.name,
                "addresses": list(h.addresses),
                "role": h.role,
                "participants": list(h.participants),
                "processes": list(h.processes),
                "vendors": list(h.vendors),
                "sent": traffic_dict(h.sent, series=False),
                "received": traffic_dict(h.received, series=False),
            }
            for h in report.hosts
        ],
        "groups": [
            {"address": g.address, "ports": list(g.ports), "members": list(g.members)}
            | traffic_dict(g.traffic, series=False)
            for g in report.groups
        ],
        "processes": [
            {
                "key": p.key,
                "host": p.host,
                "name": p.name,
                "pid": p.pid,
                "vendor_id": p.vendor_id,
                "participants": dict(p.participants),
            }
            for p in report.processes
        ],
        "participants": participants,
        "endpoints": [endpoint_to_dict(e) for _, e in sorted(facts.endpoints.items())],
        "edges": [edge_dict(e) for e in report.edges],
        "host_edges": [edge_dict(e) for e in report.host_edges]
        if report.by is not By.HOST
        else None,
        "topics": [
            {
                "topic": t.topic,
                "types": list(t.types),
                "partitions": list(t.partitions),
                "writers": t.writers,
                "readers": t.readers,
                "infrastructure": t.infrastructure,
                "writer_hosts": list(t.writer_hosts),
                "reader_hosts": list(t.reader_hosts),
            }
            | traffic_dict(t.traffic)
            for t in report.topics
        ],
        "traffic": {
            "total": traffic_dict(report.total),
            "by_class": dict(report.by_class),
            "unannounced_writers": [
                {
                    "guid": w.guid,
                    "host": w.host,
                    "samples": w.samples,
                    "bytes": w.data_bytes,
                    "first": w.first,
                }
                for w in report.unannounced
            ],
        },
        "discovery": {
            "participants": [
                {
                    "guid_prefix": s.guid_prefix,
                    "process": s.process,
                    "spdp_first": s.spdp_first,
                    "first_packet": s.first_packet,
                    "sedp_samples": s.sedp_samples,
                    "sedp_first_sn": s.sedp_first_sn,
                }
                for s in report.discovery
            ],
            "sedp": [
                {
                    "announcer": link.announcer,
                    "receiver": link.receiver,
                    "writer": link.writer,
                    "delivered_sn": link.delivered_sn,
                    "delivered_first": link.delivered_first,
                    "delivered_last": link.delivered_last,
                    "acked_sn": link.acked_sn,
                }
                for link in report.sedp_links
            ],
        },
    }


_NO_STATUS = DiscoveryStatus("", "", None, None)


# ---- back from JSON (rule cases, saved reports) ------------------------------------------


def _series(d: Mapping[str, Any] | None) -> Series | None:
    if not d:
        return None
    return Series(int(d["start"]), int(d.get("bin_s", 1)), tuple(float(v) for v in d["bps"]))


def traffic_from(d: Mapping[str, Any] | None) -> Traffic:
    if not d:
        return Traffic()
    return Traffic(
        packets=int(d.get("packets", 0)),
        bytes=int(d.get("bytes", 0)),
        samples=int(d.get("samples", 0)),
        data_bytes=int(d.get("data_bytes", 0)),
        first=d.get("first"),
        last=d.get("last"),
        rate_bps=float(d.get("rate_bps") or 0.0),
        peak_bps=float(d.get("peak_bps") or 0.0),
        series=_series(d.get("series")),
    )


def _edge(d: Mapping[str, Any]) -> Edge:
    return Edge(
        src=d["src"],
        dst=d["dst"],
        multicast=bool(d.get("multicast", False)),
        traffic=traffic_from(d),
        frames=int(d.get("frames", 0)),
        ports=tuple(d.get("ports", ())),
        topics=tuple(
            TopicShare(
                t["topic"], TrafficClass(t.get("class", "user")), t.get("samples", 0), t["bytes"]
            )
            for t in d.get("topics", ())
        ),
        classes=dict(d.get("classes", {})),
        participants=tuple(d.get("participants", ())),
    )


def report_from_dict(doc: Mapping[str, Any]) -> TopologyReport:
    """A report from the JSON document (only ``participants``/``endpoints`` are required;
    ``edges`` are host edges unless ``graph.by`` says participant and ``host_edges`` exist)."""
    facts = facts_from_dict(dict(doc))
    for pd in doc.get("participants", []):
        p = facts.participants[pd["guid_prefix"]]
        if "user_data" in pd and isinstance(pd["user_data"], str):
            p.user_data = bytes.fromhex(pd["user_data"])
    by = By(doc.get("graph", {}).get("by", "host"))
    edges = tuple(_edge(e) for e in doc.get("edges", []))
    host_edges = tuple(_edge(e) for e in doc.get("host_edges") or []) or edges
    host_of = {
        pd["guid_prefix"]: pd.get("host_node") or pd.get("host") or "?"
        for pd in doc.get("participants", [])
    }
    disc = doc.get("discovery", {})
    report = TopologyReport(
        source=str(doc.get("capture", {}).get("source", "json")),
        facts=facts,
        capture=dict(doc.get("capture", {})),
        hosts=tuple(
            Host(
                name=h["name"],
                addresses=tuple(h.get("addresses", ())),
                role=h.get("role"),
                participants=tuple(h.get("participants", ())),
                processes=tuple(h.get("processes", ())),
                vendors=tuple(h.get("vendors", ())),
                sent=traffic_from(h.get("sent")),
                received=traffic_from(h.get("received")),
            )
            for h in doc.get("hosts", [])
        ),
        groups=tuple(
            Group(
                g["address"],
                tuple(g.get("ports", ())),
                tuple(g.get("members", ())),
                traffic_from(g),
            )
            for g in doc.get("groups", [])
        ),
        host_edges=host_edges,
        edges=edges,
        by=by,
        participants={
            pd["guid_prefix"]: traffic_from(pd["traffic"])
            for pd in doc.get("participants", [])
            if pd.get("traffic")
        },
        processes=tuple(
            ProcessInfo(
                p["key"],
                p["host"],
                p.get("name"),
                p.get("pid"),
                p.get("vendor_id"),
                dict(p.get("participants", {})),
            )
            for p in doc.get("processes", [])
        ),
        discovery=tuple(
            DiscoveryStatus(
                s["guid_prefix"],
                s["process"],
                s.get("spdp_first"),
                s.get("first_packet"),
                int(s.get("sedp_samples", 0)),
                s.get("sedp_first_sn"),
            )
            for s in disc.get("participants", [])
        ),
        sedp_links=tuple(
            SedpLink(
                s["announcer"],
                s["receiver"],
                int(s.get("delivered_sn", 0)),
                s.get("delivered_first"),
                int(s.get("acked_sn", -1)),
                s.get("writer", ""),
                s.get("delivered_last", s.get("delivered_first")),
            )
            for s in disc.get("sedp", [])
        ),
        unannounced=tuple(
            WriterTraffic(
                w["guid"],
                int(w.get("samples", 0)),
                int(w["bytes"]),
                float(w["first"]),
                w.get("host", "?"),
            )
            for w in doc.get("traffic", {}).get("unannounced_writers", [])
        ),
        host_of=host_of,
        topics=tuple(
            TopicTraffic(
                t["topic"],
                tuple(t.get("types", ())),
                tuple(t.get("partitions", ())),
                int(t.get("writers", 0)),
                int(t.get("readers", 0)),
                bool(t.get("infrastructure", False)),
                traffic_from(t),
            )
            for t in doc.get("topics", [])
        ),
    )
    return classify_pattern(report)  # derived, never trusted from the file

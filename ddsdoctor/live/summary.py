"""Views of discovery facts for people and JSON: hosts, processes and topics per partition."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from ddsdoctor.discovery import DiscoveryFacts, Endpoint, EndpointKind, Participant
from ddsdoctor.discovery import is_infrastructure as _infra


@dataclass(slots=True)
class Process:
    """The participants of one process (OpenSplice: the five sharing a systemId)."""

    key: str
    host: str | None
    name: str | None
    pid: int | None
    vendor: str
    participants: list[Participant] = field(default_factory=list)
    writers: int = 0
    readers: int = 0
    gone: bool = False


def processes(facts: DiscoveryFacts) -> list[Process]:
    out: dict[str, Process] = {}
    for p in sorted(facts.participants.values(), key=lambda p: (p.host or "", p.guid_prefix)):
        proc = out.get(p.process_key)
        if proc is None:
            proc = out[p.process_key] = Process(p.process_key, p.host, p.process, p.pid, p.vendor)
            proc.gone = True
        proc.participants.append(p)
        proc.gone = proc.gone and p.gone
        if p.role in (None, "application") and p.process:
            proc.name = proc.name or p.process
    for ep in facts.live_endpoints():
        owner = facts.owner(ep)
        if owner is None or _infra(ep):
            continue
        proc = out[owner.process_key]
        if ep.kind is EndpointKind.WRITER:
            proc.writers += 1
        else:
            proc.readers += 1
    return sorted(out.values(), key=lambda pr: (pr.host or "~", pr.name or "", pr.pid or 0))


def hosts(facts: DiscoveryFacts) -> dict[str, list[Process]]:
    """Processes by host name; hosts that announce no name are listed by address or '?'."""
    out: dict[str, list[Process]] = defaultdict(list)
    for proc in processes(facts):
        name = proc.host
        if name is None:
            addrs = [a for p in proc.participants for a in p.addresses]
            name = f"? ({addrs[0]})" if addrs else "?"
        out[name].append(proc)
    return dict(sorted(out.items()))


def qos_brief(ep: Endpoint) -> str:
    """``R TL KL5 ds1``: reliability, durability, history, durability-service depth."""
    q = ep.qos
    rel = "R" if q.reliability.name == "RELIABLE" else "BE"
    dur = {"VOLATILE": "V", "TRANSIENT_LOCAL": "TL", "TRANSIENT": "T", "PERSISTENT": "P"}[
        q.durability.name
    ]
    hist = "KA" if q.history.name == "KEEP_ALL" else f"KL{q.history_depth}"
    bits = [rel, dur, hist]
    if q.durability.name != "VOLATILE" and ep.kind is EndpointKind.WRITER:
        keep_all = q.durability_service_history.name == "KEEP_ALL"
        bits.append(f"ds{'all' if keep_all else q.durability_service_depth}")
    if q.ownership.name == "EXCLUSIVE":
        bits.append("EXCL")
    if q.deadline_s != float("inf"):
        bits.append(f"dl{q.deadline_s:g}s")
    return " ".join(bits)


def topics(facts: DiscoveryFacts, *, include_infrastructure: bool = False) -> list[dict[str, Any]]:
    """Per topic: types, and per partition the writers and readers with their QoS."""
    out = []
    for topic, eps in facts.by_topic(include_infrastructure=include_infrastructure).items():
        parts: dict[str, dict[str, list[dict[str, Any]]]] = defaultdict(
            lambda: {"writers": [], "readers": []}
        )
        for ep in sorted(eps, key=lambda e: e.guid):
            owner = facts.owner(ep)
            entry = {
                "guid": ep.guid,
                "host": owner.host if owner else None,
                "process": owner.process if owner else None,
                "pid": owner.pid if owner else None,
                "vendor": owner.vendor if owner else "unknown",
                "type": ep.type_name,
                "qos": qos_brief(ep),
            }
            side = "writers" if ep.kind is EndpointKind.WRITER else "readers"
            for part in ep.partition_list:
                parts[part][side].append(entry)
        out.append(
            {
                "topic": topic,
                "types": sorted({e.type_name for e in eps}),
                "partitions": [
                    {"partition": name, **sides} for name, sides in sorted(parts.items())
                ],
            }
        )
    return out

"""Endpoint discovery that never completes, seen in a capture (DD853).

SEDP is a reliable exchange between the builtin writers of one participant and the builtin
readers of another (DDSI-RTPS 2.5 §8.5.4): the report holds, per SEDP writer and receiving
process, the highest sequence number offered (DATA or HEARTBEAT) and the highest one the
receiver acknowledged (ACKNACK base - 1). A pair that stays unacknowledged is stuck; a
process stuck with every process it tries to talk to on other hosts is the likely culprit
and is reported once, by itself.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ddsdoctor.discovery import vendor_name
from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.topology.model import ProcessInfo, SedpLink, TopologyReport

GRACE_S = 3.0
"""Discovery answers within milliseconds; 3 s without one is not a race with the capture's end."""
_MAX_LISTED = 20

Item = dict[str, object]


@rule("DD853", "topology.discovery-incomplete", Severity.ERROR, Subject.CAPTURE)
def discovery_incomplete(report: TopologyReport) -> Iterator[Hit]:
    """Endpoint discovery between two processes never completes: they cannot communicate.

    Participants find each other with SPDP (multicast) and then exchange their endpoints
    with SEDP, reliably, over unicast. The capture shows a process receiving another
    one's SEDP announcements and never acknowledging them (no ACKNACK, or ACKNACKs that
    keep asking for the same samples), or a process that announced itself with SPDP and
    then exchanged no SEDP at all with the other hosts. Its readers and writers stay
    unknown to the others, silently: SPDP works, so every participant looks alive. When one
    process is stuck with every process on other hosts (in either direction), it is
    reported alone: the problem is on its side. Typical causes: a firewall that lets
    multicast through but drops unicast to the DDS ports, a host that announces an address
    the others cannot reach (OpenSplice picked the wrong network interface), an MTU or
    ``drop large UDP`` problem that loses the big SEDP messages (IP fragments), or a
    ``DomainTag``/security mismatch.

    Fix: check that unicast UDP on ports 7410+ (and Cyclone's ephemeral ports) passes both
    ways, the interface each participant announces (its locators in this report), and that
    big UDP datagrams and IP fragments are not dropped.

    Reference: DDSI-RTPS 2.5 §8.5.4 (SEDP), §8.4.15.5 (ACKNACK); opensplice-facts.md §3, §10.
    """
    procs = {p.key: p for p in report.processes}
    end = report.end or 0.0
    last_seen = _last_seen(report)
    sending = _last_seen(report, lease=False)  # an announcer that left sends nothing more
    domains = _domains(report)
    stuck: list[Item] = []
    peers: dict[str, set[str]] = defaultdict(set)
    working: set[str] = set()
    for link in report.sedp_links:
        a, r = procs.get(link.announcer), procs.get(link.receiver)
        if a is None or r is None or a.host == r.host or _other_domain(domains, a.key, r.key):
            continue
        peers[a.key].add(r.key)
        peers[r.key].add(a.key)
        if link.acked_sn >= 1:
            working.update((a.key, r.key))
        alive = min(last_seen.get(r.key, 0.0), sending.get(a.key, 0.0))
        item = _stuck(link, end, alive, report.start or 0.0)
        if item is not None:
            item.update(announcer=a.key, receiver=r.key, host=a.host)
            stuck.append(item)
    isolated = _isolated(stuck, peers)
    for key in sorted(isolated):
        yield _isolated_hit(procs[key], [i for i in stuck if key in _pair(i)], len(peers[key]))
    by_receiver: dict[str, list[Item]] = defaultdict(list)
    for i in stuck:
        if not isolated & _pair(i):
            by_receiver[str(i["receiver"])].append(i)
    for key, items in sorted(by_receiver.items()):
        yield _receiver_hit(procs[key], items)
    yield from _spdp_only(report, procs, set(peers), working, end, last_seen, domains)


def _pair(item: Item) -> set[str]:
    return {str(item["announcer"]), str(item["receiver"])}


def _isolated(stuck: list[Item], peers: dict[str, set[str]]) -> set[str]:
    """Processes stuck with every one of their (at least two) peers on other hosts."""
    partners: dict[str, set[str]] = defaultdict(set)
    for i in stuck:
        a, r = str(i["announcer"]), str(i["receiver"])
        partners[a].add(r)
        partners[r].add(a)
    return {k for k, p in partners.items() if len(peers[k]) >= 2 and p >= peers[k]}


def _how(items: list[Item]) -> str:
    nacks = sum(1 for i in items if i["answer"] == "nack")
    if nacks == len(items):
        return "keeps asking again for them (NACK)"
    return "never acknowledges them" if not nacks else "never acknowledges or keeps NACKing them"


def _verb(items: list[Item], plural: bool) -> str:
    """'keep(s) asking again (NACK) for', 'never acknowledge(s)', or both."""
    nacks = sum(1 for i in items if i["answer"] == "nack")
    s = "" if plural else "s"
    if nacks == len(items):
        return f"keep{s} asking again (NACK) for"
    return f"never acknowledge{s}" if not nacks else f"never acknowledge{s} or keep{s} NACKing"


def _isolated_hit(p: ProcessInfo, items: list[Item], npeers: int) -> Hit:
    mine = [i for i in items if i["receiver"] == p.key]
    theirs = [i for i in items if i["announcer"] == p.key]
    parts = []
    if mine:
        parts.append(f"it {_verb(mine, plural=False)} their announcements")
    if theirs:
        parts.append(f"they {_verb(theirs, plural=True)} its own")
    return Hit(
        f"process {_name(p)} on {p.host} completes endpoint discovery (SEDP) with none of the "
        f"{npeers} processes on other hosts it talks to: {' and '.join(parts)}; its readers "
        "and writers and theirs never match",
        location=Location(node=p.host, guid=next(iter(p.participants), None)),
        hint="check this host's path: unicast to its DDS ports, big UDP datagrams, IP fragments",
        evidence={"process": p.key, "stuck": items[:_MAX_LISTED]},
    )


def _receiver_hit(r: ProcessInfo, items: list[Item]) -> Hit:
    announcers = {i["announcer"] for i in items}
    return Hit(
        f"process {_name(r)} on {r.host} receives the endpoint announcements (SEDP) of "
        f"{len(announcers)} process(es) on other hosts and {_how(items)}: it does not learn "
        "their readers and writers, so no data flows between them",
        location=Location(node=r.host, guid=next(iter(r.participants), None)),
        hint="check that unicast UDP to this host's DDS ports and IP fragments get through",
        evidence={"process": r.key, "announcers": items[:_MAX_LISTED]},
    )


def _stuck(link: SedpLink, end: float, alive_until: float, start: float) -> Item | None:
    """Why this writer's announcements are stuck at the receiver, or None.

    Nothing acknowledged, GRACE_S after the first offer; or an acknowledgement that stays
    below the highest SN, GRACE_S after that one was offered (a big SEDP sample that never
    gets through); in both cases while both processes were still alive (``alive_until``:
    the highest SN is often the dispose a process sends as it exits, which nobody answers).
    """
    first, last = link.delivered_first, link.delivered_last or link.delivered_first
    if not link.delivered_sn or first is None or last is None:
        return None
    if link.acked_sn < 1:
        since = first
    elif link.acked_sn < link.delivered_sn:
        since = last
    else:
        return None
    if end - since < GRACE_S or alive_until - since < GRACE_S:
        return None
    return {
        "writer": link.writer,
        "since_s": round(since - start, 3),
        "sent_sn": link.delivered_sn,
        "acked_sn": max(link.acked_sn, 0),
        "answer": "none" if link.acked_sn < 0 else "nack",
    }


def _name(p: ProcessInfo) -> str:
    """'python (pid 42)', or the vendor for stacks that announce no process name."""
    name = p.name or f"{vendor_name(p.vendor_id)} process"
    return name + (f" (pid {p.pid})" if p.pid is not None else f" [{p.key}]")


def _last_seen(report: TopologyReport, *, lease: bool = True) -> dict[str, float]:
    """Until when each process was alive: its last packet, or (``lease``) while its SPDP
    lease ran (a participant that cannot answer sends little more than SPDP, every few
    seconds to 30 s)."""
    end = report.end or 0.0
    out: dict[str, float] = {}
    for p in report.processes:
        times = [t.last for px in p.participants if (t := report.participants.get(px)) and t.last]
        for px in p.participants if lease else ():
            q = report.facts.participants.get(px)
            if q is None or q.last_seen is None:
                continue
            times.append(q.last_seen if q.gone else min(end, q.last_seen + (q.lease_s or 10.0)))
        if times:
            out[p.key] = max(times)
    return out


def _domains(report: TopologyReport) -> dict[str, set[int]]:
    out: dict[str, set[int]] = defaultdict(set)
    for p in report.facts.participants.values():
        if p.domain_id is not None:
            out[p.process_key].add(p.domain_id)
    return out


def _other_domain(domains: dict[str, set[int]], a: str, b: str) -> bool:
    da, db = domains.get(a), domains.get(b)
    return bool(da and db and not da & db)


def _spdp_only(
    report: TopologyReport,
    procs: dict[str, ProcessInfo],
    linked: set[str],
    working: set[str],
    end: float,
    last_seen: dict[str, float],
    domains: dict[str, set[int]],
) -> Iterator[Hit]:
    """Processes that announced themselves with SPDP and exchanged no SEDP with any other
    host, while processes on other hosts did exchange SEDP (so the capture sees it)."""
    if not working:
        return
    first_spdp: dict[str, float] = {}
    for s in report.discovery:
        if s.spdp_first is not None:
            first_spdp[s.process] = min(first_spdp.get(s.process, s.spdp_first), s.spdp_first)
    for key, t0 in sorted(first_spdp.items()):
        p = procs.get(key)
        alive = last_seen.get(key, 0)
        if p is None or key in linked or end - t0 < GRACE_S or alive - t0 < GRACE_S:
            continue
        others = {
            q.host
            for k, q in procs.items()
            if k in working and q.host != p.host and not _other_domain(domains, key, k)
        }
        if not others:
            continue
        yield Hit(
            f"process {_name(p)} on {p.host} announced itself (SPDP) for {alive - t0:.0f} s "
            f"but exchanged no endpoint discovery (SEDP) with the {len(others)} other host(s) "
            "where discovery works: its endpoints are unknown to them",
            location=Location(node=p.host, guid=next(iter(p.participants), None)),
            hint="check the addresses it announces (locators) and that unicast reaches it",
            evidence={"process": key, "other_hosts": sorted(others)[:_MAX_LISTED]},
        )

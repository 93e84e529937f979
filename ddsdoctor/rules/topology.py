"""Diagnoses of the network topology seen in a capture (DD85x).

They read a ``TopologyReport``: hosts, multicast groups, edges with the topics they carry,
endpoint discovery progress between processes. The writer/reader mismatches of the same
capture (partitions, types, QoS) come from the DD82x discovery rules, run on its facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ddsdoctor.discovery import EndpointKind, vendor_name
from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.topology.model import Pattern, ProcessInfo, TopologyReport, TrafficClass
from ddsdoctor.topology.pattern import data_pairs

GRACE_S = 3.0
"""Discovery answers within milliseconds; 3 s without one is not a race with the capture's end."""
_MAX_LISTED = 20


def _kb(n: float) -> str:
    return f"{n / 1000:.1f} kB" if n < 1e6 else f"{n / 1e6:.1f} MB"


@rule("DD850", "topology.full-mesh", Severity.WARNING, Subject.CAPTURE)
def full_mesh(report: TopologyReport) -> Iterator[Hit]:
    """Every host exchanges topic data with every other host: the "full community" mesh.

    In OpenSplice single-process mode every application runs its own DDSI2 and durability
    services, which take part in the whole domain: each process receives the data of every
    topic its durability service keeps, whether the application reads it or not. The tech
    note measured it at NCSA: connections between all components, a constant 3.5 Mbit/s in
    standby, and newly started components that lagged behind trying to keep up. Traffic and
    CPU grow with the square of the number of hosts. Other vendors show the same picture
    when every host reads every topic, or when data goes to one multicast group that every
    host joined.

    Fix: OpenSplice: run one daemon per node in shared-memory mode (the deployment guide's
    advice for large systems; the picture becomes daemons only). Any vendor: subscribe only
    where needed, separate subsystems with partitions or domains, and use per-partition
    multicast groups. Reported as info below 5 hosts.

    Reference: tech note "DDS at NCSA", network topology figures (single process vs
    shared memory); OpenSplice Deployment Guide, "Shared memory or single process".
    """
    if report.pattern is not Pattern.FULL_MESH:
        return
    senders, pairs = data_pairs(report)
    n = len(senders)
    ospl = [p for p in report.processes if _is_ospl(report, p)]
    singles = [p.key for p in ospl if "ddsi2" in p.participants.values()]
    hint = (
        "run OpenSplice in shared-memory mode (one daemon per node)"
        if singles
        else "subscribe only where needed; split subsystems with partitions or domains"
    )
    yield Hit(
        f"all {n} hosts exchange topic data with each other ({len(pairs)} host pairs): "
        "every host carries the whole domain's traffic, which grows with the square of the "
        "number of hosts"
        + (
            f"; {len(singles)} OpenSplice processes each run their own DDSI2 and durability "
            "services (single-process mode)"
            if singles
            else ""
        ),
        location=Location(),
        hint=hint,
        evidence={
            "hosts": sorted(senders),
            "pairs": len(pairs),
            "single_process_opensplice": singles[:_MAX_LISTED],
            "data_bytes": sum(e.data_class_bytes for e in report.host_edges),
        },
        severity=Severity.INFO if n < 5 else None,
    )


def _is_ospl(report: TopologyReport, proc: ProcessInfo) -> bool:
    return any(
        (p := report.facts.participants.get(px)) is not None and p.is_opensplice
        for px in proc.participants
    )


@rule("DD851", "topology.daemons-only", Severity.INFO, Subject.CAPTURE)
def daemons_only(report: TopologyReport) -> Iterator[Hit]:
    """Only one OpenSplice daemon per host talks on the network (shared-memory mode).

    This is the layout the OpenSplice deployment guide recommends for large systems and
    the second picture of the tech note: applications attach to their node's daemon through
    shared memory, and only the daemons' DDSI2 services exchange data, so adding an
    application does not add a node to the mesh. Reported so that the mode a capture shows
    is explicit; nothing needs fixing.

    Keep in mind: an application must never be killed with SIGKILL in this mode (it may
    corrupt the shared memory of every application on the node), and the daemon's
    durability service holds TRANSIENT data for every application of the node.

    Reference: tech note "DDS at NCSA", shared memory test; OpenSplice Deployment Guide.
    """
    if report.pattern is not Pattern.DAEMONS_ONLY:
        return
    senders, _ = data_pairs(report)
    apps = {
        p.key: sum(1 for r in p.participants.values() if r == "application")
        for p in report.processes
        if report.host_of.get(next(iter(p.participants), "")) in senders
    }
    yield Hit(
        f"only the OpenSplice daemons of {len(senders)} hosts exchange data; they serve "
        f"{sum(apps.values())} application participants through shared memory",
        location=Location(),
        evidence={"hosts": sorted(senders), "applications_per_daemon": apps},
    )


@rule("DD852", "topology.unread-traffic", Severity.WARNING, Subject.CAPTURE)
def unread_traffic(report: TopologyReport) -> Iterator[Hit]:
    """A host receives data for topics that no application on it reads.

    The bandwidth and the CPU to receive, reassemble and discard the data are spent for
    nothing. Causes: data sent to a multicast group that every host joined (the default
    239.255.0.1), readers on the host that match in DDS terms but belong to a service
    rather than an application (OpenSplice single-process mode keeps TRANSIENT data for the
    whole domain in every process: its DDSI2 announces a durability proxy reader per topic),
    or a reader that was deleted without the writer noticing. The tech note's salkafka
    producer received traffic from every CSC without subscribing to any.

    Fix: use unicast or per-partition multicast (Cyclone ``General/AllowMulticast``,
    OpenSplice network partitions), shared-memory mode for OpenSplice, and durability
    namespaces that cover only what a node must keep.

    Reference: tech note "DDS at NCSA", inset figures; opensplice-facts.md §10 (durability
    proxy readers); DDSI-RTPS 2.5 §8.7.3 (multicast locators).
    """
    readers: dict[tuple[str, str], set[str | None]] = defaultdict(set)
    for ep in report.facts.endpoints.values():
        if ep.kind is EndpointKind.READER:
            readers[(report.host_of.get(ep.participant, "?"), ep.topic)].add(ep.role)
    members = {g.address: g.members for g in report.groups}
    unread: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    proxies: dict[str, set[str]] = defaultdict(set)
    received: dict[str, int] = defaultdict(int)
    for e in report.host_edges:
        targets = [m for m in members.get(e.dst, ()) if m != e.src] if e.multicast else [e.dst]
        for share in e.topics:
            if share.traffic_class is not TrafficClass.USER:
                continue
            for host in targets:
                received[host] += share.data_bytes
                roles = readers.get((host, share.topic), set())
                if None in roles:
                    continue  # an application reads it
                unread[host][share.topic] += share.data_bytes
                if "durability-proxy" in roles:
                    proxies[host].add(share.topic)
    for host, topics in sorted(unread.items()):
        total = sum(topics.values())
        if not total:
            continue
        names = sorted(topics, key=lambda t: (-topics[t], t))
        proxy = sorted(proxies.get(host, ()))
        yield Hit(
            f"host {host} receives {_kb(total)} of data "
            f"({100 * total / max(received[host], 1):.0f}% of the topic data it receives) "
            f"for {len(names)} topic(s) no application on it reads: "
            f"{', '.join(names[:5])}{' ...' if len(names) > 5 else ''}"
            + (
                f"; {', '.join(proxy[:5])} only by OpenSplice durability proxy readers"
                if proxy
                else ""
            ),
            location=Location(node=host, topic=names[0]),
            hint="send to per-partition multicast groups or unicast; OpenSplice: "
            "shared-memory mode or narrower durability namespaces",
            evidence={
                "topics": dict(sorted(topics.items())),
                "durability_proxy_only": proxy,
                "received_topic_bytes": received[host],
            },
        )


@rule("DD853", "topology.discovery-incomplete", Severity.ERROR, Subject.CAPTURE)
def discovery_incomplete(report: TopologyReport) -> Iterator[Hit]:
    """Endpoint discovery between two processes never completes: they cannot communicate.

    Participants find each other with SPDP (multicast) and then exchange their endpoints
    with SEDP, reliably, over unicast. The capture shows a process receiving another
    one's SEDP announcements and never acknowledging them (no ACKNACK, or ACKNACKs that
    keep asking for the same samples), or a process that announced itself with SPDP and
    then exchanged no SEDP at all with the other hosts. Its readers and writers stay
    unknown to the others, silently: SPDP works, so every participant looks alive. Typical
    causes: a firewall that lets multicast through but drops unicast to the DDS ports, a
    host that announces an address the others cannot reach (OpenSplice picked the wrong
    network interface), an MTU or ``drop large UDP`` problem that loses the big SEDP
    messages (IP fragments), or a ``DomainTag``/security mismatch.

    Fix: check that unicast UDP on ports 7410+ (and Cyclone's ephemeral ports) passes both
    ways, the interface each participant announces (its locators in this report), and that
    IP fragments are not dropped.

    Reference: DDSI-RTPS 2.5 §8.5.4 (SEDP), §8.4.15.5 (ACKNACK); opensplice-facts.md §3, §10.
    """
    procs = {p.key: p for p in report.processes}
    end = report.end or 0.0
    last_seen = _last_seen(report)
    domains = _domains(report)
    stuck: dict[str, list[dict[str, object]]] = defaultdict(list)
    linked: set[str] = set()
    working: set[str] = set()
    for link in report.sedp_links:
        a, r = procs.get(link.announcer), procs.get(link.receiver)
        if a is None or r is None or a.host == r.host or _other_domain(domains, a.key, r.key):
            continue
        linked.update((a.key, r.key))
        first = link.delivered_first
        if link.acked_sn >= 1:
            working.update((a.key, r.key))
            continue
        if not link.delivered_sn or first is None:
            continue
        if end - first < GRACE_S or last_seen.get(r.key, 0.0) - first < GRACE_S:
            continue
        stuck[r.key].append(
            {
                "announcer": a.key,
                "host": a.host,
                "since_s": round(first - (report.start or first), 3),
                "sent_sn": link.delivered_sn,
                "answer": "none" if link.acked_sn < 0 else "nack",
            }
        )
    for key, items in sorted(stuck.items()):
        r = procs[key]
        nacks = sum(1 for i in items if i["answer"] == "nack")
        how = (
            "keeps asking again for them (NACK)"
            if nacks == len(items)
            else "never acknowledges them"
            if not nacks
            else "never acknowledges or keeps NACKing them"
        )
        yield Hit(
            f"process {_name(r)} on {r.host} receives the endpoint announcements (SEDP) of "
            f"{len(items)} process(es) on other hosts and {how}: it does not learn their "
            "readers and writers, so no data flows between them",
            location=Location(node=r.host, guid=next(iter(r.participants), None)),
            hint="check that unicast UDP to this host's DDS ports and IP fragments get through",
            evidence={"process": key, "announcers": items[:_MAX_LISTED]},
        )
    yield from _spdp_only(report, procs, linked, working, end, last_seen, domains)


def _name(p: ProcessInfo) -> str:
    """'python (pid 42)', or the vendor for stacks that announce no process name."""
    name = p.name or f"{vendor_name(p.vendor_id)} process"
    return name + (f" (pid {p.pid})" if p.pid is not None else f" [{p.key}]")


def _last_seen(report: TopologyReport) -> dict[str, float]:
    """Until when each process was alive: its last packet, or while its SPDP lease ran (a
    participant that cannot answer sends little more than SPDP, every few seconds to 30 s)."""
    end = report.end or 0.0
    out: dict[str, float] = {}
    for p in report.processes:
        times = [t.last for px in p.participants if (t := report.participants.get(px)) and t.last]
        for px in p.participants:
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
        if p is None or key in linked or end - t0 < GRACE_S or last_seen.get(key, 0) - t0 < GRACE_S:
            continue
        others = {
            q.host
            for k, q in procs.items()
            if k in working and q.host != p.host and not _other_domain(domains, key, k)
        }
        if not others:
            continue
        yield Hit(
            f"process {_name(p)} on {p.host} announced itself (SPDP) for "
            f"{last_seen.get(key, t0) - t0:.0f} s but exchanged no endpoint discovery (SEDP) "
            f"with the {len(others)} other host(s) where discovery works: its endpoints are "
            "unknown to them",
            location=Location(node=p.host, guid=next(iter(p.participants), None)),
            hint="check the addresses it announces (locators) and that unicast reaches it",
            evidence={"process": key, "other_hosts": sorted(others)[:_MAX_LISTED]},
        )


@rule("DD854", "topology.capture-after-discovery", Severity.WARNING, Subject.CAPTURE)
def capture_after_discovery(report: TopologyReport) -> Iterator[Hit]:
    """The capture started after discovery: some writers and topics are unknown.

    Endpoints are announced (SEDP) once, when they are created or when a new participant
    appears; afterwards only data and heartbeats flow. A capture started later sees data
    from writers whose SEDP it never saw, so their topic, type, partitions and QoS are
    unknown, and the mismatch rules cannot check them. Participants that sent traffic
    before their first SPDP of the capture (SPDP repeats only every few seconds to 30 s)
    were running already.

    Fix: start the capture before the DDS applications, or restart one application (or
    start any new participant in the domain, e.g. ``ddsperf sub`` for Cyclone) during the
    capture: every participant then resends its SEDP to the newcomer.

    Reference: DDSI-RTPS 2.5 §8.5.3-8.5.4 (SPDP/SEDP); rtps-facts.md §6.2.
    """
    writers = report.unannounced
    early = [
        s
        for s in report.discovery
        if s.first_packet is not None
        and (s.spdp_first is None or s.first_packet < s.spdp_first - 1.0)
    ]
    if not writers and not early:
        return
    nbytes = sum(w.data_bytes for w in writers)
    bits = []
    if writers:
        bits.append(
            f"{len(writers)} writer(s) sent {_kb(nbytes)} of data that no SEDP in the capture "
            "announces, so their topics are unknown"
        )
    if early:
        bits.append(
            f"{len(early)} participant(s) sent traffic before their first SPDP of the capture "
            "(or never sent one)"
        )
    yield Hit(
        "the capture started after discovery: " + "; ".join(bits) + ": topics and endpoints "
        "may be missing from this report",
        location=Location(time=report.start),
        hint="start the capture before the applications, or start a new participant during it",
        evidence={
            "unannounced_writers": [
                {"guid": w.guid, "host": w.host, "samples": w.samples, "bytes": w.data_bytes}
                for w in writers[:_MAX_LISTED]
            ],
            "early_participants": [s.guid_prefix for s in early[:_MAX_LISTED]],
        },
    )

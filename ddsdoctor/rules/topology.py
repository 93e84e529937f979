"""Diagnoses of the network topology seen in a capture (DD85x).

They read a ``TopologyReport``: hosts, multicast groups, edges with the topics they carry,
endpoint discovery progress between processes. The writer/reader mismatches of the same
capture (partitions, types, QoS) come from the DD82x discovery rules, run on its facts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from ddsdoctor.discovery import EndpointKind
from ddsdoctor.findings import Location, Severity
from ddsdoctor.registry import Hit, Subject, rule
from ddsdoctor.topology.model import (
    Pattern,
    ProcessInfo,
    TopologyReport,
    TrafficClass,
)
from ddsdoctor.topology.pattern import data_pairs

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

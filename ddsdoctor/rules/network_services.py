"""Which network-facing services run, and how they are wired together (DD105-DD108)."""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.ddsi import (
    DDSI_TAGS,
    NATIVE_TAGS,
    NETWORK_TAGS,
    ddsi_configs,
    network_sections,
)
from ddsdoctor.ospl.durability import durability_configs, max_wait_count
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.sections import active_sections
from ddsdoctor.registry import Hit, Subject, rule


@rule(
    "DD105",
    "network.several-networking-services",
    Severity.WARNING,
    Subject.OSPL,
    needs=NETWORK_TAGS,
)
def several_networking_services(doc: OsplDocument) -> Iterator[Hit]:
    """More than one networking service runs, so OpenSplice nodes exchange data twice.

    Every networking service (DDSI2, DDSI2E, native networking, secure networking) forwards
    all local data to the network and delivers what it receives. Two DDSI2 services in one
    domain each take a participant index and both publish everything; DDSI2 next to native
    networking duplicates OpenSplice-to-OpenSplice traffic unless DDSI2 has
    ``CoexistWithNativeNetworking`` set, which limits it to non-OpenSplice peers.

    Fix: run one networking service, or set ``General/CoexistWithNativeNetworking`` to true on
    the DDSI2 service that runs beside native networking.

    Reference: metaconfig ``DDSI2Service/General/CoexistWithNativeNetworking``; OpenSplice
    ``etc/ospl_ddsi2_with_native.xml``; facts §1.5.
    """
    sections = network_sections(doc)
    if len(sections) < 2:
        return
    ddsi = [s for s in sections if s.tag in DDSI_TAGS]
    native = [s for s in sections if s.tag in NATIVE_TAGS]
    names = ", ".join(f"{s.tag} '{doc.attr(s, 'name')}'" for s in sections)
    if len(ddsi) == 1 and len(native) == 1 and ddsi_configs(doc)[0].coexists():
        return
    for s in sections[1:]:
        yield Hit(
            f"several networking services run ({names}): OpenSplice nodes receive every "
            "sample through each of them",
            at=s,
            hint="run one networking service, or set CoexistWithNativeNetworking on DDSI2",
        )


@rule(
    "DD106", "network.soap-service-enabled", Severity.WARNING, Subject.OSPL, needs=("TunerService",)
)
def soap_service_enabled(doc: OsplDocument) -> Iterator[Hit]:
    """The Tuner SOAP service (cmsoap) runs and accepts remote connections.

    ``cmsoap`` opens a TCP port (``Server/PortNr``; ``Auto`` picks a free one) through which
    any OpenSplice Tuner or tool on the network can browse the domain, read and write any
    topic and change QoS, without authentication. It also costs every node a thread and memory
    in the domain. Stock OpenSplice configurations ship it disabled.

    Fix: set ``enabled="false"`` on its Domain/Service in production, or restrict the port
    with a firewall.

    Reference: metaconfig ``TunerService``; tech note "DDS Communication Architecture".
    """
    for el in active_sections(doc, "TunerService"):
        port = doc.first(el, "Server/PortNr")
        value = doc.value(port) if port is not None else None
        where = f"port {value}" if value and value.lower() != "auto" else "a free port"
        svc = next((s for s in doc.services() if s.name == doc.attr(el, "name")), None)
        yield Hit(
            f"the Tuner SOAP service '{doc.attr(el, 'name')}' runs and listens on {where}: "
            "anyone who can reach it can read and write every topic of the domain",
            at=svc.element if svc is not None else el,
            hint='disable it with <Service name="cmsoap" enabled="false">',
        )


@rule(
    "DD107",
    "network.wait-for-unknown-service",
    Severity.WARNING,
    Subject.OSPL,
    needs=("WaitForAttachment",),
)
def wait_for_unknown_service(doc: OsplDocument) -> Iterator[Hit]:
    """``WaitForAttachment/ServiceName`` does not name the networking service that runs.

    The durability service waits, for every group it aligns, until the services named here
    have attached to the group, up to maxWaitCount x 100 ms (20 s by default). A name that no
    running service has (``networking`` when the service is called ``ddsi2``) is never
    attached, so each group waits the full time before alignment proceeds and the durability
    service logs that the service did not attach.

    Fix: write the ``name`` of the running DDSI2/networking Domain/Service (usually
    ``ddsi2``), or remove WaitForAttachment when no networking service runs.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationSetNetworkWaitForAttachment``);
    facts §1.6 and §9.
    """
    running = {doc.attr(s, "name") for s in network_sections(doc)}
    for cfg in durability_configs(doc):
        wait = doc.first(cfg.section, "Network/WaitForAttachment")
        if wait is None:
            continue
        count = max_wait_count(doc, wait)
        for el in wait.iterfind("ServiceName"):
            name = doc.value(el)
            if not name or name in running:
                continue
            have = ", ".join(sorted(n for n in running if n)) or "none"
            yield Hit(
                f"durability waits for networking service '{name}', which does not run "
                f"(running: {have}): every group waits up to {count * 0.1:g} s before "
                "alignment proceeds",
                at=el,
                text=True,
                hint=f"name a running service ({have})" if running else "remove WaitForAttachment",
            )


_LARGE_HINTS = (
    ("Domain/Database/Size", "a shared-memory Database/Size"),
    ("Domain/ResourceLimits", "ResourceLimits"),
)


@rule(
    "DD108",
    "network.single-process-large-system",
    Severity.INFO,
    Subject.OSPL,
    needs=("SingleProcess",),
)
def single_process_large_system(doc: OsplDocument) -> Iterator[Hit]:
    """Single-process mode in a configuration tuned for a large system.

    In single-process mode every application runs its own DDSI2 and durability services, and
    each durability service keeps a copy of all TRANSIENT data of its namespaces. Settings that
    only make sense for big deployments (squashed participants, raised delivery queues and
    watermarks, a database size, resource-limit warnings) show the system is large. Rubin found
    that such a system no longer runs reliably in single-process mode (historical-read
    timeouts); ADLINK recommends shared-memory daemons for large systems.

    Fix: run a shared-memory daemon per node and let applications attach to it; keep
    single-process mode for a few light clients, with ``alignee=Lazy`` and masterPriority 0.

    Reference: tech note "DDS Communication Architecture", "NCSA Shared Memory Test" and
    "Conclusions".
    """
    if not doc.single_process():
        return
    signs = [label for path, label in _LARGE_HINTS if doc.find(path) is not None]
    for cfg in ddsi_configs(doc):
        squash = cfg.get("Internal/SquashParticipants")
        if squash is not None and squash.value.lower() == "true":
            signs.append("SquashParticipants")
        dq = cfg.get("Internal/DeliveryQueueMaxSamples")
        if dq is not None and dq.value.isdigit() and int(dq.value) > 256:
            signs.append(f"DeliveryQueueMaxSamples {dq.value}")
        if cfg.find_all("Internal/Watermarks/WhcHigh"):
            signs.append("raised WhcHigh")
    if len(signs) >= 2:
        el = doc.find("Domain/SingleProcess")
        yield Hit(
            "single-process mode in a configuration tuned for a large system "
            f"({', '.join(signs)}): every application runs its own DDSI2 and durability and "
            "keeps a copy of all TRANSIENT data",
            at=el,
            text=el is not None,
            hint="use shared-memory daemons; keep single-process mode for light clients",
        )

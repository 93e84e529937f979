"""OpenSplice process grouping and infrastructure labels on wire-built discovery facts.

OpenSplice (opensplice-facts.md §10, checked on the lab capture): every single-process
OpenSplice process shows up as five participants that share the systemId (the first GUID
prefix word): spliced, DDSI2, durability, the kernel's builtin/CM publisher and the
application. Their roles come from the CMParticipant samples (entity names
``splicedaemon``, ``ddsi2``, ``durability``, ``Built-in participant``, the application's
own), else from what each one owns. The host name is the spliced participant's USER_DATA
(PID 0x8007 carries it too, after three uninitialised words). The DDSI2 participant owns
one TRANSIENT reader per transient topic/partition on behalf of the local durability
service: a durability proxy, not an application reader.
"""

from __future__ import annotations

from collections import defaultdict

from ddsdoctor.discovery import (
    DiscoveryFacts,
    Durability,
    Endpoint,
    EndpointKind,
    Participant,
    host_from_user_data,
)
from ddsdoctor.wire.records import CmParticipantData

BUILTIN_PARTITION = "__BUILT-IN PARTITION__"
DURABILITY_PARTITION = "durabilityPartition"
_KERNEL_TYPES = ("kernelModule::", "DDS::")


def _owned(facts: DiscoveryFacts) -> dict[str, list[Endpoint]]:
    out: dict[str, list[Endpoint]] = defaultdict(list)
    for ep in facts.endpoints.values():
        out[ep.participant].append(ep)
    return out


def _guess_role(p: Participant, ddsi2: set[str], owned: list[Endpoint]) -> str:
    """Role without a CMParticipant sample (a capture that missed them)."""
    if p.guid_prefix in ddsi2:
        return "ddsi2"
    if any(DURABILITY_PARTITION in e.partitions for e in owned):
        return "durability"
    if any(e.topic == "DCPSHeartbeat" and e.kind is EndpointKind.WRITER for e in owned):
        return "builtin"
    if host_from_user_data(p.user_data) and all(BUILTIN_PARTITION in e.partitions for e in owned):
        return "spliced"
    return "application"


def name_opensplice(
    facts: DiscoveryFacts, ddsi2: set[str], cm: dict[str, CmParticipantData]
) -> None:
    """Roles, host names and process identity for OpenSplice participants (in place)."""
    owned = _owned(facts)
    groups: dict[int, list[Participant]] = defaultdict(list)
    for p in facts.participants.values():
        if p.is_opensplice and p.system_id is not None:
            groups[p.system_id].append(p)
    for members in groups.values():
        for p in members:
            info = cm.get(p.guid_prefix)
            if info is not None:
                p.role = info.role.value
                p.process = info.exec_name or p.process
                p.pid = info.process_id if info.process_id is not None else p.pid
                p.entity_name = p.entity_name or info.entity_name
            elif p.role is None:
                p.role = _guess_role(p, ddsi2, owned.get(p.guid_prefix, []))
        spliced = [p for p in members if p.role == "spliced"]
        host = next((h for h in (host_from_user_data(p.user_data) for p in spliced) if h), None)
        if host is None:
            host = next((cm[p.guid_prefix].node_name for p in members if p.guid_prefix in cm), None)
        if host is None:
            host = next((p.host for p in members if p.host), None)
        pids = {p.pid for p in members if p.pid is not None}
        names = {p.process for p in members if p.process}
        for p in members:
            p.host = host or p.host
            # one pid for the whole group = single-process mode: share it with the members
            # whose CMParticipant sample the capture missed
            if p.pid is None and len(pids) == 1:
                p.pid = next(iter(pids))
            if p.process is None and len(names) == 1:
                p.process = next(iter(names))


def endpoint_role(ep: Endpoint, owner: Participant | None) -> str | None:
    """``builtin``, ``durability``, ``durability-proxy`` or None (an application endpoint)."""
    if BUILTIN_PARTITION in ep.partitions or (
        ep.topic.startswith(("DCPS", "CM")) and ep.type_name.startswith(_KERNEL_TYPES)
    ):
        return "builtin"
    if DURABILITY_PARTITION in ep.partitions or ep.type_name.startswith("durabilityModule2::"):
        return "durability"
    if (
        owner is not None
        and owner.is_opensplice
        and owner.role == "ddsi2"
        and ep.kind is EndpointKind.READER
        and ep.qos.durability >= Durability.TRANSIENT
    ):
        return "durability-proxy"
    return None


def label_endpoints(facts: DiscoveryFacts) -> None:
    for ep in facts.endpoints.values():
        if ep.role is None:
            ep.role = endpoint_role(ep, facts.owner(ep))

"""Discovery facts to and from JSON: the ``participants``/``endpoints`` members of the
topology and scan outputs, also used to write rule cases by hand."""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from ddsdoctor.discovery import (
    DestinationOrder,
    DiscoveryFacts,
    Durability,
    Endpoint,
    EndpointKind,
    HistoryKind,
    Liveliness,
    Ownership,
    Participant,
    PresentationScope,
    Qos,
    Reliability,
)

_ENUMS: dict[str, type[Any]] = {
    "durability": Durability,
    "reliability": Reliability,
    "liveliness": Liveliness,
    "ownership": Ownership,
    "destination_order": DestinationOrder,
    "history": HistoryKind,
    "durability_service_history": HistoryKind,
    "presentation_scope": PresentationScope,
}


def _num(v: float) -> float | str:
    return "inf" if math.isinf(v) else v


def qos_to_dict(q: Qos) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in dataclasses.fields(q):
        v = getattr(q, f.name)
        if f.name == "explicit":
            out[f.name] = sorted(v)
        elif f.name in _ENUMS:
            out[f.name] = v.name.lower()
        elif isinstance(v, float):
            out[f.name] = _num(v)
        else:
            out[f.name] = v
    return out


def qos_from_dict(kind: EndpointKind, d: dict[str, Any]) -> Qos:
    kw: dict[str, Any] = {}
    for key, value in d.items():
        if key in _ENUMS:
            kw[key] = _ENUMS[key][str(value).upper()]
        elif key == "explicit":
            kw[key] = frozenset(value)
        elif value == "inf":
            kw[key] = math.inf
        else:
            kw[key] = value
    return Qos.default_for(kind, **kw)


def participant_to_dict(p: Participant) -> dict[str, Any]:
    return {
        "guid_prefix": p.guid_prefix,
        "vendor_id": p.vendor_id,
        "vendor": p.vendor,
        "vendor_source": p.vendor_source,
        "domain": p.domain_id,
        "host": p.host,
        "process": p.process,
        "pid": p.pid,
        "addresses": list(p.addresses),
        "locators": list(p.locators),
        "lease_s": p.lease_s,
        "product": p.product,
        "entity_name": p.entity_name,
        "system_id": p.system_id,
        "role": p.role,
        "properties": dict(p.properties),
        "first_seen": p.first_seen,
        "last_seen": p.last_seen,
        "gone": p.gone,
    }


def endpoint_to_dict(e: Endpoint) -> dict[str, Any]:
    return {
        "guid": e.guid,
        "kind": e.kind.value,
        "participant": e.participant,
        "topic": e.topic,
        "type": e.type_name,
        "partitions": list(e.partitions),
        "qos": qos_to_dict(e.qos),
        "type_info": e.type_info,
        "entity_name": e.entity_name,
        "role": e.role,
        "unicast_locators": list(e.unicast_locators),
        "multicast_locators": list(e.multicast_locators),
        "first_seen": e.first_seen,
        "last_seen": e.last_seen,
        "gone": e.gone,
    }


def facts_to_dict(facts: DiscoveryFacts) -> dict[str, Any]:
    return {
        "source": facts.source,
        "participants": [participant_to_dict(p) for _, p in sorted(facts.participants.items())],
        "endpoints": [endpoint_to_dict(e) for _, e in sorted(facts.endpoints.items())],
    }


def facts_from_dict(d: dict[str, Any]) -> DiscoveryFacts:
    """Build facts from the JSON shape; only ``guid_prefix``/``guid``/``kind``/``topic``/``type``
    are required, everything else defaults."""
    facts = DiscoveryFacts(source=str(d.get("source", "json")))
    for pd in d.get("participants", []):
        p = Participant(guid_prefix=pd["guid_prefix"])
        for key in (
            "vendor_id",
            "vendor_source",
            "host",
            "process",
            "pid",
            "lease_s",
            "product",
            "entity_name",
            "system_id",
            "role",
            "first_seen",
            "last_seen",
            "gone",
        ):
            if key in pd:
                setattr(p, key, pd[key])
        p.domain_id = pd.get("domain")
        p.addresses = list(pd.get("addresses", []))
        p.locators = list(pd.get("locators", []))
        p.properties = dict(pd.get("properties", {}))
        facts.participants[p.guid_prefix] = p
    for ed in d.get("endpoints", []):
        kind = EndpointKind(ed["kind"])
        e = Endpoint(
            guid=ed["guid"],
            kind=kind,
            participant=ed.get("participant", ed["guid"][:24]),
            topic=ed["topic"],
            type_name=ed["type"],
            partitions=tuple(ed.get("partitions", ())),
            qos=qos_from_dict(kind, ed.get("qos", {})),
            type_info=bool(ed.get("type_info", False)),
            entity_name=ed.get("entity_name"),
            role=ed.get("role"),
            unicast_locators=list(ed.get("unicast_locators", [])),
            multicast_locators=list(ed.get("multicast_locators", [])),
            first_seen=ed.get("first_seen"),
            last_seen=ed.get("last_seen"),
            gone=bool(ed.get("gone", False)),
        )
        facts.endpoints[e.guid] = e
        facts.participant(e.participant)
    return facts

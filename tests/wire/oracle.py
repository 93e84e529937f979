"""tshark as the oracle: per-frame SPDP/SEDP records from ``tshark -T json`` (test-rig.md §3).

Each record is a dict of the values tshark decoded, normalised so that the same fields can
be computed from ddsdoctor's records (``ours_*`` helpers below) and compared key by key.
"""

from __future__ import annotations

import functools
import json
import subprocess
from collections import defaultdict
from pathlib import Path
from typing import Any

from ddsdoctor.capture import read_capture
from ddsdoctor.wire import ids
from ddsdoctor.wire.discovery import decode_discovery
from ddsdoctor.wire.fragments import SampleReassembler
from ddsdoctor.wire.message import parse_message
from ddsdoctor.wire.records import DomainSource, EndpointData, ParticipantData
from ddsdoctor.wire.submessages import Data, DataFrag, data_sample
from tests.tshark import tshark_argv

WRITERS = {
    0x000100C2: "participant",
    0xFF0101C2: "participant",
    0x000003C2: "writer",
    0xFF0003C2: "writer",
    0x000004C2: "reader",
    0xFF0004C2: "reader",
}
_FILTER = " || ".join(f"rtps.sm.wrEntityId == 0x{w:08x}" for w in WRITERS)
Record = dict[str, Any]


def _guid(text: str) -> str:
    return text.replace(":", "").lower()


def _items(tree: dict[str, Any]) -> list[tuple[int, dict[str, Any]]]:
    """(pid, parameter dict) in order; duplicate keys became lists (--no-duplicate-keys)."""
    out: list[tuple[int, dict[str, Any]]] = []
    for value in tree.values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "rtps.param.id" in item:
                out.append((int(item["rtps.param.id"], 16), item))
    return out


def _find(node: Any, key: str) -> list[Any]:
    """Every value of ``key`` anywhere below ``node``."""
    found: list[Any] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found.extend(v if isinstance(v, list) else [v])
            else:
                found.extend(_find(v, key))
    elif isinstance(node, list):
        for v in node:
            found.extend(_find(v, key))
    return found


def _record(kind: str, sm: dict[str, Any]) -> Record | None:
    data = sm.get("serializedData", {}).get("serializedData:")
    if not isinstance(data, dict):
        return None
    rec: Record = {"kind": kind, "locators": []}
    little = sm["serializedData"].get("rtps.param.serialize.encap_kind") in ("0x0003", "0x000b")
    for pid, p in _items(data):
        if pid == 0x0050:
            rec["participant_guid"] = _guid(p["rtps.param.participant_guid"])
        elif pid == 0x005A:
            rec["guid"] = _guid(p["rtps.param.endpoint_guid"])
        elif pid == 0x0016:
            rec["vendor_id"] = int(p["rtps.vendorId"], 16)
        elif pid == 0x0005:
            rec["topic"] = p["rtps.param.topicName"]
        elif pid == 0x0007:
            rec["type"] = p["rtps.param.typeName"]
        elif pid == 0x0029:
            rec["partitions"] = tuple(_find(p, "rtps.param.partition"))
        elif pid == 0x0062:
            rec["entity_name"] = p["rtps.param.entityName"]
        elif pid == 0x001D:
            rec["durability"] = int(p["rtps.durability"], 16)
        elif pid == 0x001A:
            rec["reliability"] = int(p["rtps.reliability_kind"], 16)
        elif pid == 0x0040:
            rec["history"] = (int(p["rtps.history.kind"], 16), int(p["rtps.history_depth"]))
        elif pid == 0x001B:
            rec["liveliness"] = int(_find(p, "rtps.liveliness.kind")[0], 16)
        elif pid == 0x001F:
            rec["ownership"] = int(p["rtps.ownership"], 16)
        elif pid == 0x0006:
            rec["strength"] = int(p["rtps.param.strength"])
        elif pid == 0x0025:
            rec["destination_order"] = int(p["rtps.destination_order"], 16)
        elif pid == 0x0021:
            rec["presentation"] = (
                int(p["rtps.presentation.access_scope"], 16),
                int(p["rtps.presentation.coherent_access"]) != 0,
                int(p["rtps.presentation.ordered_access"]) != 0,
            )
        elif pid == 0x0035:
            rec["filter"] = p["rtps.param.filter_expression"]
        elif pid == 0x0059:
            names = _find(p, "rtps.property_name")
            values = _find(p, "rtps.property_value")
            rec["properties"] = tuple(zip(names, values, strict=False))
        elif pid == 0x002C:
            found = _find(p, "rtps.param.userData")  # absent when the sequence is empty
            rec["user_data"] = found[0].replace(":", "") if found else ""
        elif pid == 0x0002:
            rec["lease_sec"] = int(_find(p, "rtps.param.ntpTime.sec")[0])
        elif pid == 0x000F:
            raw = bytes.fromhex(p["rtps.parameter_data"].replace(":", ""))
            rec["domain_id"] = int.from_bytes(raw[:4], "little" if little else "big")
        elif pid == 0x0058:
            rec["builtin_endpoints"] = int(p["rtps.param.builtin_endpoint_set"], 16)
        elif pid == 0x8007:
            rec["version_info_raw"] = bytes.fromhex(p["rtps.parameter_data"].replace(":", ""))
        elif pid in (0x002F, 0x0030, 0x0031, 0x0032, 0x0033, 0x0048):
            loc = p.get("locator", {})
            if loc.get("rtps.locator.kind") == "0x00000001":
                rec["locators"].append(
                    (pid, int(loc["rtps.locator.port"]), loc["rtps.locator.ipv4"])
                )
    rec["locators"] = sorted(rec["locators"])
    return rec


@functools.cache
def tshark_records(path: Path) -> dict[int, list[Record]]:
    """frame number -> SPDP/SEDP records tshark decodes in that frame."""
    out = subprocess.run(
        [
            *tshark_argv(),
            "-n",
            "-r",
            str(path),
            "-o",
            "rtps.enable_topic_info:FALSE",
            "-Y",
            _FILTER,
            "-T",
            "json",
            "--no-duplicate-keys",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    frames: dict[int, list[Record]] = defaultdict(list)
    for pkt in json.loads(out or "[]"):
        layers = pkt["_source"]["layers"]
        number = int(layers["frame"]["frame.number"])
        for rtps in layers["rtps"] if isinstance(layers["rtps"], list) else [layers["rtps"]]:
            subs = rtps.get("rtps.sm.id_tree", [])
            for sm in subs if isinstance(subs, list) else [subs]:
                if not isinstance(sm, dict) or "rtps.sm.wrEntityId" not in sm:
                    continue
                kind = WRITERS.get(int(sm["rtps.sm.wrEntityId"], 16))
                rec = _record(kind, sm) if kind else None
                if rec is not None:
                    frames[number].append(rec)
    return dict(frames)


def ours_participant(p: ParticipantData) -> Record:
    locs = [
        (pid, loc.port, loc.ip)
        for pid, group in (
            (0x0031, p.default_unicast),
            (0x0048, p.default_multicast),
            (0x0032, p.metatraffic_unicast),
            (0x0033, p.metatraffic_multicast),
        )
        for loc in group
        if loc.kind == 1
    ]
    rec: Record = {
        "kind": "participant",
        "participant_guid": str(p.guid),
        "vendor_id": p.vendor_id,
        "entity_name": p.entity_name,
        "properties": p.properties,
        "user_data": p.user_data.hex() if p.user_data is not None else None,
        "lease_sec": int(p.lease_duration) if p.lease_duration is not None else None,
        "domain_id": p.domain_id if p.domain_source is DomainSource.PID else None,
        "builtin_endpoints": p.builtin_endpoints,
        "locators": sorted(locs),
    }
    return rec


def ours_endpoint(e: EndpointData) -> Record:
    q = e.qos
    locs = [(0x002F, loc.port, loc.ip) for loc in e.unicast_locators if loc.kind == 1]
    locs += [(0x0030, loc.port, loc.ip) for loc in e.multicast_locators if loc.kind == 1]
    return {
        "kind": e.kind.value,
        "guid": str(e.guid),
        "participant_guid": str(e.participant_guid),
        "vendor_id": e.vendor_id,
        "topic": e.topic,
        "type": e.type_name,
        "partitions": e.partitions,
        "entity_name": e.entity_name,
        "durability": q.durability,
        "reliability": q.reliability.kind if q.reliability else None,
        "history": (q.history.kind, q.history.depth) if q.history else None,
        "liveliness": q.liveliness.kind if q.liveliness else None,
        "ownership": q.ownership,
        "strength": q.ownership_strength,
        "destination_order": q.destination_order,
        "presentation": (
            q.presentation.access_scope,
            q.presentation.coherent_access,
            q.presentation.ordered_access,
        )
        if q.presentation
        else None,
        "filter": e.content_filter,
        "locators": sorted(locs),
    }


def matches(theirs: Record, ours: Record) -> list[str]:
    """Fields where ours differs from tshark's (absent in tshark = must be absent in ours)."""
    diffs = []
    for key, mine in ours.items():
        want = theirs.get(key, () if key in ("partitions", "properties") else None)
        if key == "locators":
            want = theirs["locators"]
        if key == "participant_guid" and key not in theirs and ours["kind"] != "participant":
            continue  # tshark has no value; ours falls back to the endpoint's prefix
        if mine != want:
            diffs.append(f"{key}: ours={mine!r} tshark={want!r}")
    return diffs


def our_records(path: Path) -> dict[int, list[Any]]:
    """frame number -> records decoded by the full path (parse_message + decode_discovery)."""
    frames: dict[int, list[Any]] = defaultdict(list)
    reasm = SampleReassembler()
    for dg in read_capture(path):
        for sub in parse_message(dg.payload).submessages:
            if not isinstance(sub, (Data, DataFrag)) or sub.writer_id not in ids.DISCOVERY_WRITERS:
                continue
            sample = data_sample(sub) if isinstance(sub, Data) else reasm.add(sub, dg.time)
            if sample is None:
                continue
            record = decode_discovery(sample, dst_port=dg.dport)
            if isinstance(record, (ParticipantData, EndpointData)):
                frames[dg.frame].append(record)
    return dict(frames)


@functools.cache
def tshark_fields(
    path: Path,
    fields: tuple[str, ...],
    display_filter: str = "rtps",
) -> dict[int, list[list[str]]]:
    """frame number -> one list per field (all occurrences) for frames matching the filter."""
    cmd = [
        *tshark_argv(),
        "-n",
        "-r",
        str(path),
        "-o",
        "rtps.enable_topic_info:FALSE",
        "-Y",
        display_filter,
        "-T",
        "fields",
        "-E",
        "occurrence=a",
        "-E",
        "aggregator=;",
        "-e",
        "frame.number",
    ]
    for f in fields:
        cmd += ["-e", f]
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    rows: dict[int, list[list[str]]] = {}
    for line in out.splitlines():
        cols = line.split("\t")
        rows[int(cols[0])] = [c.split(";") if c else [] for c in cols[1:]]
    return rows

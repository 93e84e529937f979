"""tcpdump on the rig's bridge, and tshark as the oracle for what a capture holds."""

from __future__ import annotations

import csv
import io
import json
import re
import signal
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from tests.rig.proc import Proc, RigTimeout
from tests.tshark import tshark_argv

# tcpdump's last words: "N packets captured", "... received by filter", "... dropped by kernel"
_STATS = re.compile(r"^(\d+) packets? (captured|received by filter|dropped by kernel)")


@dataclass(frozen=True, slots=True)
class CaptureStats:
    captured: int
    received: int
    dropped: int


class Capture:
    """A running ``tcpdump -w`` inside a namespace.

    ``start`` returns only once tcpdump printed "listening on", i.e. its pcap handle is active,
    so a test never starts peers before the capture sees them.
    """

    def __init__(self, proc: Proc, path: Path) -> None:
        self.proc = proc
        self.path = path
        self.stats: CaptureStats | None = None

    @classmethod
    def start(
        cls,
        ns: str | None,
        iface: str,
        path: Path,
        *,
        bpf: str = "",
        log_dir: Path,
        name: str = "tcpdump",
        timeout: float = 10.0,
        immediate: bool = True,
    ) -> Capture:
        # --immediate-mode: without it TPACKET_V3 hands packets over in blocks retired every
        # 1 s, and the last block is lost at SIGINT (measured: 0 of 68 packets in a 0.8 s run).
        # -U: write each packet at once, so a killed tcpdump still leaves a readable file;
        # -Z root: keep root, so any directory (tmp_path, docs/) is writable (it drops to the
        # "tcpdump" user by default; test-rig.md gotchas).
        argv = ["ip", "netns", "exec", ns] if ns else []  # None: the root namespace (watching)
        argv += ["tcpdump", "-i", iface, "-n", "-s", "0", "-U", "-Z", "root", "-w", str(path)]
        argv += ["--immediate-mode"] if immediate else []
        argv += bpf.split() if bpf else []
        proc = Proc(argv, name=name, log_dir=log_dir)
        try:
            proc.wait_for(r"listening on", timeout, stream="stderr")
        except RigTimeout:
            proc.stop()
            raise
        return cls(proc, path)

    def stop(self) -> CaptureStats:
        """SIGINT tcpdump (it flushes and prints its counters) and return those counters."""
        if self.stats is not None:
            return self.stats
        self.proc.stop(grace=5.0, sig=signal.SIGINT)
        found = {m[2]: int(m[1]) for m in map(_STATS.match, self.proc.stderr.splitlines()) if m}
        self.stats = CaptureStats(
            captured=found.get("captured", -1),
            received=found.get("received by filter", -1),
            dropped=found.get("dropped by kernel", -1),
        )
        return self.stats


def tshark_fields(
    pcap: Path,
    fields: Sequence[str],
    *,
    display_filter: str = "rtps",
    occurrence: str = "a",
    prefs: Sequence[str] = (),
) -> list[dict[str, str]]:
    """One dict per frame matching ``display_filter``; repeated values are joined with ``|``."""
    argv = [
        *tshark_argv(),
        "-n",
        "-r",
        str(pcap),
        "-Y",
        display_filter,
        "-T",
        "fields",
        "-E",
        "header=y",
        "-E",
        "separator=,",
        "-E",
        "quote=d",
        "-E",
        f"occurrence={occurrence}",
        "-E",
        "aggregator=|",
    ]
    for pref in prefs:
        argv += ["-o", pref]
    for f in fields:
        argv += ["-e", f]
    res = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    return list(csv.DictReader(io.StringIO(res.stdout)))


def _split(value: str) -> list[str]:
    return [v for v in value.split("|") if v]


@dataclass(slots=True)
class RtpsSummary:
    """The facts rig tests assert on, read from a capture by tshark."""

    frames: int = 0
    src_ips: set[str] = field(default_factory=set)
    vendors: set[str] = field(default_factory=set)  # header vendor ids: "0x0110", ...
    guid_prefixes: set[str] = field(default_factory=set)
    spdp_dsts: set[str] = field(default_factory=set)  # "ip:port" of SPDP DATA
    topics: set[str] = field(default_factory=set)  # from SEDP only
    type_names: set[str] = field(default_factory=set)
    partitions: set[str] = field(default_factory=set)
    hostnames: set[str] = field(default_factory=set)  # Cyclone __Hostname, Fast DDS host


def rtps_summary(pcap: Path) -> RtpsSummary:
    """Summarise a capture with tshark (topic names from SEDP only, not guessed per frame)."""
    rows = tshark_fields(
        pcap,
        [
            "ip.src",
            "ip.dst",
            "udp.dstport",
            "rtps.vendorId",
            "rtps.guidPrefix.src",
            "rtps.sm.wrEntityId",
            "rtps.param.topicName",
            "rtps.param.typeName",
            "rtps.param.partition",
            "rtps.property_name",
            "rtps.property_value",
        ],
        prefs=["rtps.enable_topic_info:FALSE"],
    )
    s = RtpsSummary(frames=len(rows))
    for r in rows:
        s.src_ips.add(r["ip.src"])
        vendors = _split(r["rtps.vendorId"])
        if vendors:
            s.vendors.add(vendors[0])  # the first occurrence is the RTPS header's
        s.guid_prefixes.update(_split(r["rtps.guidPrefix.src"]))
        if "0x000100c2" in _split(r["rtps.sm.wrEntityId"]):
            s.spdp_dsts.add(f"{r['ip.dst']}:{r['udp.dstport']}")
        s.topics.update(_split(r["rtps.param.topicName"]))
        s.type_names.update(_split(r["rtps.param.typeName"]))
        s.partitions.update(_split(r["rtps.param.partition"]))
        names, values = r["rtps.property_name"].split("|"), r["rtps.property_value"].split("|")
        for k, v in zip(names, values, strict=False):
            if k == "__Hostname":
                s.hostnames.add(v)
            elif k == "fastdds.physical_data.host":
                s.hostnames.add(v.split(":", 1)[0])
    return s


@dataclass(frozen=True, slots=True)
class SedpEndpoint:
    """One endpoint announced in SEDP, as tshark decodes it (per submessage, so fields align)."""

    src_ip: str
    vendor: str
    kind: str  # "writer" (DCPSPublication) or "reader" (DCPSSubscription)
    topic: str
    type_name: str
    partitions: tuple[str, ...]
    durability: str | None  # tshark's rtps.durability, e.g. "0x00000001"; None = default
    guid: str | None


_SEDP_WRITERS = {"0x000003c2": "writer", "0x000004c2": "reader"}


def _find(node: object, key: str) -> list[str]:
    """Every value of ``key`` anywhere under ``node`` (tshark JSON nests parameters deeply)."""
    found: list[str] = []
    if isinstance(node, dict):
        for k, v in node.items():
            if k == key:
                found += v if isinstance(v, list) else [v]
            else:
                found += _find(v, key)
    elif isinstance(node, list):
        for item in node:
            found += _find(item, key)
    return [f for f in found if isinstance(f, str)]


def sedp_endpoints(pcap: Path) -> list[SedpEndpoint]:
    """Distinct SEDP endpoints of a capture (test-rig.md section 3, per-endpoint records)."""
    flt = " || ".join(f"rtps.sm.wrEntityId == {w}" for w in _SEDP_WRITERS)
    argv = [
        *tshark_argv(),
        "-n",
        "-r",
        str(pcap),
        "-o",
        "rtps.enable_topic_info:FALSE",
        "-Y",
        flt,
        "-T",
        "json",
        "--no-duplicate-keys",
    ]
    res = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True)
    seen: dict[tuple[object, ...], SedpEndpoint] = {}
    for pkt in json.loads(res.stdout or "[]"):
        layers = pkt["_source"]["layers"]
        rtps = layers.get("rtps", {})
        subs = rtps.get("rtps.sm.id_tree", [])
        for sm in subs if isinstance(subs, list) else [subs]:
            if not isinstance(sm, dict) or sm.get("rtps.sm.wrEntityId") not in _SEDP_WRITERS:
                continue
            topics = _find(sm, "rtps.param.topicName")
            if not topics:
                continue  # a dispose/unregister carries only the key
            types = _find(sm, "rtps.param.typeName")
            dur = _find(sm, "rtps.durability")
            guid = _find(sm, "rtps.param.endpoint_guid")
            vendor = rtps.get("rtps.vendorId", "")
            ep = SedpEndpoint(
                src_ip=layers.get("ip", {}).get("ip.src", ""),
                vendor=vendor[0] if isinstance(vendor, list) else vendor,
                kind=_SEDP_WRITERS[sm["rtps.sm.wrEntityId"]],
                topic=topics[0],
                type_name=types[0] if types else "",
                partitions=tuple(_find(sm, "rtps.param.partition")),
                durability=dur[0] if dur else None,
                guid=guid[0] if guid else None,
            )
            seen.setdefault((ep.guid or id(ep), ep.kind, ep.topic), ep)
    return list(seen.values())

"""Record the sample capture the project ships (docs/examples/rig-sample.pcap and its .md).

A small observatory-like deployment on 4 rig hosts, captured on the bridge for ~12 s:
Cyclone DDS publishers and subscribers on several topics and partitions, one staged partition
mismatch, one TRANSIENT_LOCAL topic with a late joiner, plus Fast DDS and Dust DDS peers when
they can be prepared. Run as root from the repository root:

    python -m tests.rig.make_sample_capture [--out docs/examples/rig-sample.pcap] [--seconds 12]

The .md is generated from what tshark reads back out of the pcap, so it never drifts from it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.rig import Rig, peers, rtps_summary
from tests.rig.capture import sedp_endpoints
from tests.rig.netns import unsupported_reason
from tests.rig.proc import Proc
from tests.rig.rig import Host
from tests.rig.vendors import PeerUnavailable

HOSTS = ["ctrl", "dome", "camera", "archive"]
SUBNET = "10.77.0"  # fixed, so the description can name the addresses
VENDORS = {"0x0110": "Eclipse Cyclone DDS", "0x010f": "eProsima Fast DDS",
           "0x0114": "Dust DDS (S2E Software Systems)"}


@dataclass(frozen=True, slots=True)
class Staged:
    """One peer of the scenario, for the description."""

    host: str
    vendor: str
    kind: str
    topic: str
    partitions: tuple[str, ...]
    qos: str
    note: str = ""


def _scenario(rig: Rig, late: bool) -> list[tuple[Staged, Callable[[], Proc]]]:
    """What runs where. ``late`` selects the peers that join after the others (late joiners)."""
    ctrl, dome, camera, archive = (rig[n] for n in HOSTS)
    c = "0x0110"

    def cy_pub(h: Host, topic: str, parts: list[str], note: str = "", **kw: Any) -> Any:
        qos = kw.get("durability", "volatile") + "/" + kw.get("reliability", "reliable")
        return (Staged(h.name, c, "writer", topic, tuple(parts), qos, note),
                lambda: peers.cyclone_pub(h, topic, partitions=parts, count=0, **kw))

    def cy_sub(h: Host, topic: str, parts: list[str], note: str = "", **kw: Any) -> Any:
        qos = kw.get("durability", "volatile") + "/" + kw.get("reliability", "reliable")
        return (Staged(h.name, c, "reader", topic, tuple(parts), qos, note),
                lambda: peers.cyclone_sub(h, topic, partitions=parts, **kw))

    if late:
        return [
            cy_sub(archive, "telemetry_state", ["ops"], "late joiner: receives the 5-deep "
                   "history of each of the 3 instances", durability="transient_local"),
            cy_sub(archive, "dome_position", ["engineering"],
                   "STAGED MISMATCH: the writer is in partition ops, so they never match"),
            cy_sub(archive, "camera_frames", ["science"], reliability="best_effort"),
        ]
    out = [
        cy_sub(dome, "dome_command", ["ops"]),
        cy_pub(ctrl, "dome_command", ["ops"], rate=2),
        cy_pub(ctrl, "telemetry_state", ["ops"], "TRANSIENT_LOCAL, DurabilityService depth 5",
               durability="transient_local", tl_depth=5, keys=3, rate=3),
        cy_pub(dome, "dome_position", ["ops"], rate=5, payload=64),
        cy_pub(camera, "camera_frames", ["science"], rate=5, payload=256,
               reliability="best_effort"),
    ]
    out.append((Staged("camera", "0x010f", "writer", "weather", ("site",), "transient_local/"
                       "reliable", "Fast DDS AdvancedConfigurationExample, type HelloWorld"),
                lambda: peers.fastdds(camera, "publisher", "weather", partitions=["site"],
                                      transient_local=True, interval_ms=500)))
    out.append((Staged("ctrl", c, "reader", "weather", ("site",), "transient_local/reliable",
                       "Cyclone reading the Fast DDS topic"),
                lambda: peers.cyclone_sub(ctrl, "weather", type="hello", partitions=["site"],
                                          durability="transient_local")))
    out.append((Staged("dome", "0x0114", "writer", "enclosure_temp", ("site",),
                       "transient_local/reliable", "Dust DDS, type DustReading; no reader"),
                lambda: peers.dust_pub(dome, "enclosure_temp", partitions=["site"],
                                       transient_local=True, count=0, rate=2)))
    return out


def record(out: Path, seconds: float) -> tuple[list[Staged], list[str], Rig]:
    rig = Rig(HOSTS, subnet=SUBNET)
    staged: list[Staged] = []
    skipped: list[str] = []
    with rig:
        cap = rig.capture(out)
        for phase in (False, True):
            if phase:
                time.sleep(seconds / 3)
            for desc, start in _scenario(rig, late=phase):
                try:
                    start()
                except PeerUnavailable as exc:
                    skipped.append(f"{desc.topic} on {desc.host}: {exc}")
                    continue
                staged.append(desc)
        time.sleep(seconds * 2 / 3)
        for proc in reversed(rig.procs):  # goodbyes (disposes) go on the wire too
            proc.stop()
        time.sleep(0.3)
        cap.stop()
    return staged, skipped, rig


def describe(pcap: Path, staged: list[Staged], skipped: list[str], rig: Rig,
             late_s: float) -> str:
    s = rtps_summary(pcap)
    eps = sedp_endpoints(pcap)
    ip_of = {h.name: h.ip for h in rig.hosts}
    facts = {
        "hosts": ip_of,
        "vendors": sorted(s.vendors),
        "topics": sorted(s.topics),
        "partitions": sorted(s.partitions),
        "endpoints": sorted(
            ({"host": next((n for n, ip in ip_of.items() if ip == e.src_ip), e.src_ip),
              "vendor": e.vendor, "kind": e.kind, "topic": e.topic, "type": e.type_name,
              "partitions": list(e.partitions)} for e in eps),
            key=lambda d: (d["topic"], d["kind"], d["host"])),
        "partition_mismatch": {"topic": "dome_position", "writer": ["dome", "ops"],
                               "reader": ["archive", "engineering"]},
        "transient_local": "telemetry_state",
        "frames": s.frames,
    }
    lines = [
        "# rig-sample.pcap: a small mixed-vendor DDS deployment",
        "",
        "Recorded by `tests/rig/make_sample_capture.py` on the project's test rig: four hosts in",
        "network namespaces joined by one bridge, captured with tcpdump on the bridge (each frame",
        f"once). {s.frames} RTPS frames, {pcap.stat().st_size // 1024} KiB, domain 0. "
        "Try it: `ddsdoctor topology --pcap docs/examples/rig-sample.pcap`.",
        "",
        "## Hosts",
        "",
        "| host | IP | runs |",
        "|---|---|---|",
    ]
    for h in rig.hosts:
        what = sorted({f"{VENDORS.get(p.vendor, p.vendor)} {p.kind} `{p.topic}`"
                       for p in staged if p.host == h.name})
        lines.append(f"| {h.name} | {h.ip} | {'; '.join(what)} |")
    lines += ["", "Every peer is its own process and participant. Cyclone peers announce the "
              "hostname (`__Hostname`); Fast DDS announces `fastdds.physical_data.host`; Dust "
              "DDS announces no host.", "", "## Vendors", ""]
    lines += [f"- `{v}` {VENDORS.get(v, '?')}" for v in sorted(s.vendors)]
    lines += ["", "## Endpoints", "", "| host | vendor | kind | topic | partitions | QoS | note |",
              "|---|---|---|---|---|---|---|"]
    for p in sorted(staged, key=lambda p: (p.topic, p.kind, p.host)):
        lines.append(f"| {p.host} | {p.vendor} | {p.kind} | `{p.topic}` | "
                     f"{', '.join(p.partitions) or '(default)'} | {p.qos} | {p.note} |")
    lines += [
        "", "## What a diagnosis should find", "",
        "- **Partition mismatch (staged):** `dome_position` is written by `dome` in partition",
        "  `ops`; its only reader, on `archive`, is in partition `engineering`. Both are",
        "  discovered on both sides and never match: the writer has no reader and the reader",
        "  no writer.",
        "- **TRANSIENT_LOCAL history:** `telemetry_state` (3 instances, DurabilityService depth",
        f"  5) is joined by `archive` about {late_s:.0f} s after the start; the late joiner gets",
        "  the 15 historical samples in one burst right after matching.",
        "- **Writer without reader:** Dust DDS `enclosure_temp` on `dome` has no reader.",
        "- **Best effort data:** `camera_frames` (5 Hz, 256 B payload) from `camera`.",
        "- **Interop noise:** the Fast DDS participant keeps sending ACKNACKs to the Dust DDS",
        "  participant (for its P2P-message and SEDP-subscription writers), a few per second",
        "  for the whole capture: real behaviour of the two stacks together, left in on purpose.",
        "- SPDP multicast on 239.255.0.1:7400. With one reader per topic, Cyclone sends user",
        "  data unicast to the reader's ephemeral port; Fast DDS listens on 7410/7411.",
    ]
    if skipped:
        lines += ["", "Peers left out when this capture was made:", ""]
        lines += [f"- {x}" for x in skipped]
    lines += ["", "## Facts (machine-readable, checked by tests/rig/test_sample_capture.py)", "",
              "```json", json.dumps(facts, indent=1), "```", ""]
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=Path("docs/examples/rig-sample.pcap"))
    ap.add_argument("--seconds", type=float, default=10.0)
    a = ap.parse_args()
    reason = unsupported_reason(("ip", "unshare", "tcpdump", "tshark"))
    if reason:
        print(reason, file=sys.stderr)
        return 3
    a.out.parent.mkdir(parents=True, exist_ok=True)
    staged, skipped, rig = record(a.out.resolve(), a.seconds)
    md = a.out.with_suffix(".md")
    md.write_text(describe(a.out, staged, skipped, rig, a.seconds / 3))
    print(f"wrote {a.out} ({a.out.stat().st_size} bytes) and {md}")
    for x in skipped:
        print(f"skipped {x}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

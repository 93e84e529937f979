"""Parse speed of ddsdoctor's capture readers + RTPS walk against tshark, in the same run.

Builds (or takes) a capture of >= 150k packets and times, best of N:

* ours: ``read_capture`` -> ``walk.scan`` (or ``WriterAccounts.account``, which also adds
  every data submessage to per-writer counters) on every datagram -> ``DiscoveryDecoder`` on
  the messages that carry SPDP/SEDP (full decode into records, DATA_FRAG reassembly);
* tshark: ``tshark -T fields`` extracting comparable fields (addresses, ports, GUID prefix,
  submessage ids, writer ids, SNs, topic/type/partition/GUIDs of discovery) to /dev/null.

and prints packets/s for both and the ratio. Sources of the capture:

* ``--source ddsperf`` (root): a real one made on the spot, ddsperf ping/pong + pub/sub
  between network namespaces, captured with tcpdump on the bridge (test-rig.md §1-2);
* ``--source corpus``: the Ethernet corpus captures replayed end to end (time-shifted)
  until the packet count is reached; discovery repeats, so the decoder cache hits a lot;
* ``--pcap FILE``: any capture.

Generated captures go to a temporary directory (``--keep DIR`` keeps them) and never into
git. Run: ``/work/venv/bin/python bench/bench_parse.py --source both``.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ddsdoctor.capture import read_capture  # noqa: E402
from ddsdoctor.wire.account import DISCOVERY, WriterAccounts  # noqa: E402
from ddsdoctor.wire.decoder import DiscoveryDecoder  # noqa: E402
from ddsdoctor.wire.walk import scan  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus"
CORPUS_ETHERNET = [
    CORPUS / "pcap" / "yifanfish233__CS_204_rtps__sample_rtps_5000.pcap",
    CORPUS / "opensplice-lab" / "s1-sp-3hosts-domain0" / "capture.pcap",
    CORPUS / "pcap" / "rticommunity__rticonnextdds-examples__examples__connext_dds__multichannel"
    "__c++11__singlechannel.pcap",
    CORPUS / "pcap" / "ntop__nDPI__tests__cfgs__default__pcap__rtps.pcap",
]
TSHARK_FIELDS = [
    "frame.time_epoch",
    "frame.len",
    "ip.src",
    "ip.dst",
    "udp.srcport",
    "udp.dstport",
    "rtps.vendorId",
    "rtps.guidPrefix.src",
    "rtps.sm.id",
    "rtps.sm.wrEntityId",
    "rtps.sm.seqNumber",
    "rtps.param.topicName",
    "rtps.param.typeName",
    "rtps.param.partition",
    "rtps.param.participant_guid",
    "rtps.param.endpoint_guid",
    "rtps.property_value",
]


def _records(path: Path) -> tuple[bytes, list[tuple[int, int, bytes, int]]]:
    data = path.read_bytes()
    if data[:4] != b"\xd4\xc3\xb2\xa1":
        raise SystemExit(f"{path}: only little-endian µs pcap files can be replayed")
    out, pos = [], 24
    while pos + 16 <= len(data):
        sec, usec, caplen, origlen = struct.unpack_from("<IIII", data, pos)
        out.append((sec, usec, data[pos + 16 : pos + 16 + caplen], origlen))
        pos += 16 + caplen
    return data[:24], out


def build_corpus_capture(path: Path, packets: int) -> Path:
    """Replay the Ethernet corpus captures one after another until ``packets`` frames."""
    header = b""
    sources = []
    for src in CORPUS_ETHERNET:
        if src.is_file():
            header, recs = _records(src)
            sources.append(recs)
    if not sources:
        raise SystemExit(f"corpus not found under {CORPUS}")
    written, t0 = 0, 1_800_000_000
    with path.open("wb") as fh:
        fh.write(header)
        while written < packets:
            for recs in sources:
                base = recs[0][0]
                for sec, usec, frame, origlen in recs:
                    fh.write(struct.pack("<IIII", t0 + sec - base, usec, len(frame), origlen))
                    fh.write(frame)
                t0 += recs[-1][0] - base + 1
                written += len(recs)
    return path


def _ip(*args: str, check: bool = True) -> None:
    subprocess.run(["ip", *args], check=check, capture_output=True)


def build_ddsperf_capture(path: Path, packets: int, seconds: float) -> Path:
    """Real Cyclone traffic between namespaces: h1 ping <-> h2 pong, h3 pub -> h4 sub."""
    if os.geteuid() != 0 or not shutil.which("ddsperf") or not shutil.which("tcpdump"):
        raise SystemExit("--source ddsperf needs root, ddsperf and tcpdump")
    pfx = f"bp{os.getpid()}"
    spaces = [f"{pfx}-br"] + [f"{pfx}-h{i}" for i in range(1, 5)]
    procs: list[subprocess.Popen[bytes]] = []
    try:
        _ip("netns", "add", spaces[0])
        _ip("-n", spaces[0], "link", "set", "lo", "up")
        _ip(
            "-n",
            spaces[0],
            "link",
            "add",
            "br0",
            "type",
            "bridge",
            "mcast_snooping",
            "0",
            "stp_state",
            "0",
            "forward_delay",
            "0",
        )
        _ip("-n", spaces[0], "link", "set", "br0", "up")
        for i, ns in enumerate(spaces[1:], 1):
            _ip("netns", "add", ns)
            _ip("-n", ns, "link", "set", "lo", "up")
            _ip(
                "-n",
                spaces[0],
                "link",
                "add",
                f"vh{i}",
                "type",
                "veth",
                "peer",
                "name",
                "eth0",
                "netns",
                ns,
            )
            _ip("-n", spaces[0], "link", "set", f"vh{i}", "master", "br0", "up")
            _ip("-n", ns, "addr", "add", f"10.97.0.1{i}/24", "dev", "eth0")
            _ip("-n", ns, "link", "set", "eth0", "up")
            _ip("-n", ns, "route", "add", "224.0.0.0/4", "dev", "eth0")
            subprocess.run(
                ["ip", "netns", "exec", ns, "sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"],
                check=False,
            )
        tcpdump = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                spaces[0],
                "tcpdump",
                "-i",
                "br0",
                "-n",
                "-s",
                "0",
                "-U",
                "-c",
                str(packets),
                "-w",
                str(path),
                "udp",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(tcpdump)
        time.sleep(1.0)
        for ns, mode in zip(
            spaces[1:], (["ping"], ["pong"], ["pub", "5kHz"], ["sub"]), strict=True
        ):
            procs.append(
                subprocess.Popen(
                    ["ip", "netns", "exec", ns, "ddsperf", "-D", str(int(seconds) + 5), *mode],
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
            )
        try:
            tcpdump.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            tcpdump.send_signal(signal.SIGINT)
            tcpdump.wait(timeout=10)
    finally:
        for p in procs:
            if p.poll() is None:
                p.terminate()
        for p in procs:
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        for ns in spaces:
            _ip("netns", "del", ns, check=False)
    return path


def ours(path: Path, *, cache: bool = True, stage: str = "full") -> tuple[int, dict[str, int]]:
    """One pass; returns (frames, counters)."""
    reader = read_capture(path)
    if stage == "read":
        n = sum(1 for _ in reader)
        return reader.stats.frames, {"datagrams": n}
    dec = DiscoveryDecoder(cache_size=8192 if cache else 0)
    samples = records = 0
    if stage == "account":  # per-writer counters in place, then discovery records
        acc = WriterAccounts()
        for dg in reader:
            if acc.account(dg.payload, dg.time) & DISCOVERY:
                records += len(
                    dec.decode(dg.payload, acc.discovery, time=dg.time, dst_port=dg.dport).records
                )
        samples = sum(w.samples for w in acc.writers.values())
        return reader.stats.frames, {
            "samples": samples,
            "writers": len(acc.writers),
            "records": records,
            "cache_hits": dec.cache_hits,
        }
    for dg in reader:
        walked = scan(dg.payload)
        samples += len(walked.data)
        if stage == "full" and walked.discovery:
            records += len(dec.decode(dg.payload, walked, time=dg.time, dst_port=dg.dport).records)
    return reader.stats.frames, {
        "data_submessages": samples,
        "records": records,
        "discovery_samples": dec.samples,
        "cache_hits": dec.cache_hits,
        "malformed": dec.malformed,
    }


def tshark(path: Path) -> int:
    cmd = ["tshark", "-o", "udp.try_heuristic_first:TRUE", "-n", "-r", str(path)]  # tests/tshark.py
    cmd += ["-o", "rtps.enable_topic_info:FALSE", "-T", "fields"]
    for f in TSHARK_FIELDS:
        cmd += ["-e", f]
    subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return 0


def best(fn: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def bench(path: Path, repeat: int) -> None:
    frames, counters = ours(path)
    size = path.stat().st_size
    print(f"\n== {path.name}: {frames} packets, {size / 1e6:.1f} MB")
    print("   ours: " + ", ".join(f"{k}={v}" for k, v in counters.items()))
    t_tshark = best(lambda: tshark(path), repeat)
    rows = [
        ("tshark -T fields (17 fields)", t_tshark),
        ("ours: read only", best(lambda: ours(path, stage="read"), repeat)),
        ("ours: read + scan", best(lambda: ours(path, stage="scan"), repeat)),
        ("ours: read + scan + discovery (cache)", best(lambda: ours(path), repeat)),
        ("ours: read + scan + discovery (no cache)", best(lambda: ours(path, cache=False), repeat)),
        ("ours: read + account + discovery", best(lambda: ours(path, stage="account"), repeat)),
    ]
    for name, t in rows:
        rate = frames / t
        ratio = t_tshark / t
        print(f"   {name:42s} {t:7.2f} s {rate:11,.0f} pkts/s  {ratio:5.1f}x tshark")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"   peak RSS of this process: {rss:.0f} MB (capture is streamed, not held)")


def run_benchmark(doc: str, bench_one: Callable[[Path, int, Path], None]) -> None:
    """The command line both benches share: build (or take) the captures, bench each one.

    ``bench_one(capture, repeat, workdir)``; the workdir holds generated captures (kept with
    ``--keep``) and anything the bench writes next to them.
    """
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--pcap", type=Path, help="benchmark this capture instead of building one")
    ap.add_argument("--source", choices=["corpus", "ddsperf", "both"], default="corpus")
    ap.add_argument("--packets", type=int, default=200_000)
    ap.add_argument("--seconds", type=float, default=30.0, help="ddsperf capture time limit")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--keep", type=Path, help="write generated captures here and keep them")
    args = ap.parse_args()
    if not shutil.which("tshark"):
        raise SystemExit("tshark is needed as the peer")
    with tempfile.TemporaryDirectory(prefix="ddsdoctor-bench-") as tmp:
        out = args.keep or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        if args.pcap:
            bench_one(args.pcap, args.repeat, out)
            return
        if args.source in ("ddsperf", "both"):
            cap = build_ddsperf_capture(out / "ddsperf.pcap", args.packets, args.seconds)
            bench_one(cap, args.repeat, out)
        if args.source in ("corpus", "both"):
            cap = build_corpus_capture(out / "corpus-replay.pcap", args.packets)
            bench_one(cap, args.repeat, out)


def main() -> None:
    run_benchmark(__doc__, lambda path, repeat, _out: bench(path, repeat))


if __name__ == "__main__":
    main()

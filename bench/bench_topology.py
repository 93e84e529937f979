"""Speed and memory of the whole ``run_topology`` against tshark, in the same run.

Times, best of N, on a capture of >= 150k packets:

* ours: ``read_capture`` -> ``run_topology`` (flows, per-writer accounts, SPDP/SEDP facts,
  the join of writers to topics, hosts, edges, series, every capture/topology/discovery
  rule) -> the report;
* tshark: ``tshark -T fields`` extracting the same fields as bench_parse.py (addresses,
  ports, lengths, times, vendor, GUID prefix, submessage ids, writer ids, SNs, topic/type/
  partition/GUIDs of discovery, properties) to /dev/null, i.e. what a script would need
  to build the same picture from tshark.

Then memory: the capture and the same capture replayed twice end to end (2x the packets,
2x the duration), each read by a fresh process that reports its peak RSS, and by a second
one under tracemalloc (peak of Python allocations). Flat means the 2x numbers stay close
to the 1x ones: nothing is kept per packet.

    /work/venv/bin/python bench/bench_topology.py --source ddsperf   # root: real capture now
    /work/venv/bin/python bench/bench_topology.py --source corpus    # corpus replayed to 200k
    /work/venv/bin/python bench/bench_topology.py --pcap FILE
"""

from __future__ import annotations

import json
import struct
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from bench_parse import ours as parse_only  # noqa: E402
from bench_parse import (  # noqa: E402
    run_benchmark,
    tshark,
)

from ddsdoctor.capture import read_capture  # noqa: E402
from ddsdoctor.topology.run import TopologyOptions, run_topology  # noqa: E402

_MEASURE = """
import json, sys, time, tracemalloc
sys.path.insert(0, {root!r})
from ddsdoctor.capture import read_capture
from ddsdoctor.topology.run import run_topology
trace = {trace!r}


def hwm_kb():
    # VmHWM, not ru_maxrss: Linux keeps ru_maxrss across fork+exec, so a child would report
    # its parent's peak (this bench's parent holds whole captures in memory)
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


if trace:
    tracemalloc.start()
t = time.perf_counter()
with read_capture({path!r}) as r:
    rep = run_topology(r)
dt = time.perf_counter() - t
peak = tracemalloc.get_traced_memory()[1] if trace else None
print(json.dumps({{"seconds": dt, "packets": rep.total.packets, "flows": rep.capture["flows"],
    "rss_mb": hwm_kb() / 1024,
    "traced_mb": peak / 2**20 if peak is not None else None}}))
"""


def ours(path: Path) -> int:
    with read_capture(path) as reader:
        report = run_topology(reader, TopologyOptions(label=path.name))
    return int(report.capture.get("frames") or 0)


def best(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t)
    return min(times)


def doubled(path: Path, out: Path) -> Path:
    """The capture followed by itself, shifted in time (a 2x longer capture)."""
    data = path.read_bytes()
    magic = data[:4]
    if magic not in (b"\xd4\xc3\xb2\xa1", b"\x4d\x3c\xb2\xa1"):
        raise SystemExit(f"{path}: only little-endian pcap files can be doubled")
    recs, pos = [], 24
    while pos + 16 <= len(data):
        sec, frac, caplen, origlen = struct.unpack_from("<IIII", data, pos)
        recs.append((sec, frac, data[pos + 16 : pos + 16 + caplen], origlen))
        pos += 16 + caplen
    shift = recs[-1][0] - recs[0][0] + 1
    with out.open("wb") as fh:
        fh.write(data[:24])
        for offset in (0, shift):
            for sec, frac, frame, origlen in recs:
                fh.write(struct.pack("<IIII", sec + offset, frac, len(frame), origlen) + frame)
    return out


def measure(path: Path, trace: bool) -> dict[str, float]:
    code = _MEASURE.format(root=str(ROOT), path=str(path), trace=trace)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def bench(path: Path, repeat: int, workdir: Path) -> None:
    frames = ours(path)
    size = path.stat().st_size
    print(f"\n== {path.name}: {frames} packets, {size / 1e6:.1f} MB")
    t_tshark = best(lambda: tshark(path), repeat)
    t_parse = best(lambda: parse_only(path, stage="account"), repeat)
    t_ours = best(lambda: ours(path), repeat)
    print(f"   tshark -T fields (17 fields)   {t_tshark:7.2f} s {frames / t_tshark:11,.0f} pkts/s")
    for name, t in (
        ("parser only (read+account+disc)", t_parse),
        ("ddsdoctor run_topology", t_ours),
    ):
        print(f"   {name:31s}{t:7.2f} s {frames / t:11,.0f} pkts/s  {t_tshark / t:5.1f}x tshark")
    print(f"   topology on top of the parser: {(t_ours - t_parse) / frames * 1e6:.2f} us/packet")
    twice = doubled(path, workdir / f"{path.stem}-2x.pcap")
    print("   memory (fresh process each)    packets    flows   peak RSS   traced peak")
    for label, p in (("1x", path), ("2x", twice)):
        rss = measure(p, trace=False)
        traced = measure(p, trace=True)
        print(
            f"   {label} {p.name:28s} {int(rss['packets']):9d} {int(rss['flows']):8d} "
            f"{rss['rss_mb']:7.1f} MB {traced['traced_mb']:9.1f} MB"
        )


def main() -> None:
    run_benchmark(__doc__, bench)


if __name__ == "__main__":
    main()

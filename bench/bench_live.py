"""Highest loss-free live capture rate: ddsdoctor vs scapy ``sniff()`` vs tcpdump, same run.

The bench creates its own network namespace ``bl<pid>`` holding a veth pair ``rpa`` <->
``rpb`` (no real interface is touched, nothing leaves the namespace), replays a capture onto
``rpa`` with tcpreplay at increasing packet rates (``--pps``, ``--loop``) while one sniffer
reads ``rpb``, and counts what each sniffer captured against what tcpreplay sent. A rate is
loss-free when every frame was captured (no kernel drop, nothing left unread at stop); each
rate gets a second try before it counts as lossy (the machine is shared). Sniffers:

* ``ddsdoctor``: ``python -m ddsdoctor topology --iface rpb --format json`` (live source +
  the whole topology pipeline), stopped with SIGINT; counts from its JSON report. Before the
  topology command exists (or with ``--ours source``) a stand-in runs the live source with the
  RTPS accounting walk and discovery decoding.
* ``scapy``: ``sniff(iface=..., prn=count, store=False)`` (per-packet dissection).
* ``tcpdump``: ``tcpdump -i rpb -w /dev/null -B 65536`` (libpcap, TPACKET_V3 with the same
  64 MiB ring as ddsdoctor's default; not ``--immediate-mode``, which wakes it per packet and
  halves its rate; the settle time after the replay lets its last block retire).

A trial replays ``--seconds`` worth of packets (default 10 s): a ring absorbs a burst for
about ``ring size / (rate - throughput)`` seconds, so short trials would overstate the
sustained rate. tcpreplay itself tops out at some rate (about 580k packets/s on a 2-core
machine with a sniffer on the other core); a sniffer that never lost a frame is reported as
"at least" that rate.

The replayed capture is real ddsperf traffic made on the spot (``bench_parse.py``, root,
ddsperf) or the corpus replayed (``--source corpus``) or ``--pcap FILE``. Run as root:
``/work/venv/bin/python bench/bench_live.py``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

# sniff() ends on KeyboardInterrupt (SIGINT) and returns: then the count is printed.
SCAPY_SNIFFER = r"""
import sys
from scapy.all import sniff
n = 0
def count(_pkt):
    global n
    n += 1
sniff(iface=sys.argv[1], prn=count, store=False,
      started_callback=lambda: print("READY", flush=True))
print("COUNT", n, flush=True)
"""


@dataclass(frozen=True, slots=True)
class Trial:
    rate: int  # requested packets/s
    sent: int
    achieved: float  # packets/s tcpreplay reports
    captured: int
    drops: int
    unread: int = 0

    @property
    def lossless(self) -> bool:
        return self.captured >= self.sent and self.drops == 0 and self.unread == 0


class Bench:
    """The namespace, the replay and one sniffer at a time."""

    def __init__(self, pcap: Path, seconds: float, settle: float, ours: str) -> None:
        self.ns = f"bl{os.getpid()}"
        self.pcap = pcap
        self.seconds = seconds
        self.settle = settle
        self.ours = ours

    def __enter__(self) -> Bench:
        ip = ["ip", "-n", self.ns]
        _run(["ip", "netns", "add", self.ns])
        self.exec(["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1"])
        self.exec(["sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1"])
        _run([*ip, "link", "set", "lo", "up"])
        _run([*ip, "link", "add", "rpa", "type", "veth", "peer", "name", "rpb"])
        _run([*ip, "link", "set", "rpa", "up"])
        _run([*ip, "link", "set", "rpb", "up"])
        return self

    def __exit__(self, *exc: object) -> None:
        pids = _run(["ip", "netns", "pids", self.ns], check=False).stdout.split()
        for pid in pids:  # anything of ours still running in the namespace, by PID
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid), signal.SIGKILL)
        _run(["ip", "netns", "del", self.ns], check=False)

    def exec(self, argv: list[str]) -> str:
        return _run(["ip", "netns", "exec", self.ns, *argv]).stdout

    def sniffer(self, method: str) -> list[str]:
        if method == "ddsdoctor":
            if self.ours == "cli":
                return [sys.executable, "-m", "ddsdoctor", "topology", "--iface", "rpb",
                        "--format", "json", "--no-live"]  # fmt: skip
            return [sys.executable, str(Path(__file__)), "--sniff", "rpb"]
        if method == "scapy":
            return [sys.executable, "-c", SCAPY_SNIFFER, "rpb"]
        return ["tcpdump", "-i", "rpb", "-n", "-w", "/dev/null",
                "-B", "65536"]  # fmt: skip

    def trial(self, method: str, rate: int) -> Trial:
        packets = max(10_000, int(rate * self.seconds))
        proc = subprocess.Popen(
            ["ip", "netns", "exec", self.ns, *self.sniffer(method)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
        )  # fmt: skip
        try:
            _wait_ready(proc, method)
            out = self.exec(["tcpreplay", "-i", "rpa", "--preload-pcap", f"--pps={rate}",
                             f"--limit={packets}", "--loop=0", str(self.pcap)])  # fmt: skip
            time.sleep(self.settle)
            proc.send_signal(signal.SIGINT)
            stdout, stderr = proc.communicate(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        sent = int(_grab(r"Actual: (\d+) packets", out))
        achieved = float(_grab(r"Rated: [\d.]+ Bps, [\d.]+ Mbps, ([\d.]+) pps", out))
        captured, drops, unread = _counts(method, stdout, stderr)
        return Trial(rate, sent, achieved, captured, drops, unread)


def _wait_ready(proc: subprocess.Popen[str], method: str, timeout: float = 30) -> None:
    """tcpdump says 'listening on'; the Python sniffers print a ready line."""
    stream = proc.stderr if method != "scapy" else proc.stdout
    assert stream is not None
    deadline = time.monotonic() + timeout
    want = {"tcpdump": "listening on", "scapy": "READY", "ddsdoctor": "capturing on"}[method]
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            raise SystemExit(f"{method} sniffer exited before it was ready")
        if want in line:
            return
    raise SystemExit(f"{method} sniffer not ready after {timeout} s")


def _counts(method: str, stdout: str, stderr: str) -> tuple[int, int, int]:
    """(frames captured, kernel drops, frames unread at stop) from a sniffer's output."""
    if method == "tcpdump":
        return (int(_grab(r"(\d+) packets? captured", stderr)),
                int(_grab(r"(\d+) packets? dropped by kernel", stderr)), 0)  # fmt: skip
    if method == "scapy":
        return int(_grab(r"COUNT (\d+)", stdout)), 0, 0
    doc = json.loads(stdout)
    cap = doc.get("capture", doc)
    live = cap.get("live", {})
    return int(cap["frames"]), int(live.get("kernel_drops", 0)), int(live.get("unread_at_stop", 0))


def _grab(pattern: str, text: str) -> str:
    m = re.search(pattern, text)
    if not m:
        raise SystemExit(f"expected {pattern!r} in:\n{text[-2000:]}")
    return m.group(1)


def _run(argv: list[str], check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, check=check, timeout=600)


def ladder(
    bench: Bench, method: str, rates: list[int], retries: int
) -> tuple[Trial | None, Trial | None]:
    """Climb ``rates`` until a rate loses frames twice; (best lossless, first lossy)."""
    best: Trial | None = None
    for rate in rates:
        attempts = []
        for _ in range(1 + retries):
            t = bench.trial(method, rate)
            attempts.append(t)
            print(f"   {method:9s} {rate:>9,} pkts/s asked, {t.achieved:>11,.0f} sent/s: "
                  f"{t.captured:>9,}/{t.sent:,} captured, {t.drops:,} kernel drops"
                  f"{f', {t.unread:,} unread' if t.unread else ''}"
                  f"{'  ok' if t.lossless else '  LOSS'}", flush=True)  # fmt: skip
            if t.lossless:
                break
        ok = [t for t in attempts if t.lossless]
        if not ok:
            return best, attempts[-1]
        best = ok[0]
        if best.achieved < 0.9 * rate:  # tcpreplay cannot go faster here
            print(f"   {method}: tcpreplay tops out at {best.achieved:,.0f} pkts/s", flush=True)
            return best, None
    return best, None


def sniff_main(iface: str) -> None:
    """Stand-in for the topology command: live source + accounting walk + discovery decode."""
    from ddsdoctor.capture.live import LiveOptions, LiveSource
    from ddsdoctor.capture.livestats import StopReason
    from ddsdoctor.wire import DISCOVERY, DiscoveryDecoder, WriterAccounts

    src = LiveSource(LiveOptions(iface=iface))
    signal.signal(signal.SIGINT, lambda *a: src.stop(StopReason.SIGINT))
    print(f"capturing on {iface}", file=sys.stderr, flush=True)
    acc, dec = WriterAccounts(), DiscoveryDecoder()
    with src:
        for dg in src:
            if acc.account(dg.payload, dg.time) & DISCOVERY:
                dec.decode(dg.payload, acc.discovery, time=dg.time, dst_port=dg.dport)
    print(json.dumps({"capture": {**src.stats.as_dict(), "live": src.live.as_dict()}}))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pcap", type=Path, help="replay this capture (Ethernet pcap)")
    ap.add_argument("--source", choices=["ddsperf", "corpus"], default="ddsperf")
    ap.add_argument("--seconds", type=float, default=10.0, help="replay time per trial")
    ap.add_argument("--settle", type=float, default=1.5, help="wait after replay before stop")
    ap.add_argument("--retries", type=int, default=1, help="extra tries of a lossy rate")
    ap.add_argument("--ours", choices=["cli", "source"], default=None)
    ap.add_argument("--methods", default="ddsdoctor,scapy,tcpdump")
    ap.add_argument("--sniff", metavar="IFACE", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.sniff:
        sniff_main(args.sniff)
        return
    if os.geteuid() != 0:
        raise SystemExit("bench_live.py needs root (network namespace, raw sockets)")
    for tool in ("ip", "tcpreplay", "tcpdump"):
        if shutil.which(tool) is None:
            raise SystemExit(f"needs {tool}")
    ours = args.ours or ("cli" if _has_topology_iface() else "source")
    rates = {
        "ddsdoctor": [25_000, 50_000, 75_000, 100_000, 125_000, 150_000, 175_000, 200_000,
                      250_000, 300_000],
        "scapy": [500, 1_000, 2_000, 3_000, 4_000, 6_000, 8_000, 12_000],
        "tcpdump": [100_000, 200_000, 400_000, 600_000, 800_000],
    }  # fmt: skip
    with tempfile.TemporaryDirectory(prefix="ddsdoctor-bench-live-") as tmp:
        pcap = args.pcap or _make_capture(Path(tmp), args.source)
        what = "topology --iface" if ours == "cli" else "live source + RTPS walk"
        print(f"replaying {pcap} ({pcap.stat().st_size / 1e6:.1f} MB) for {args.seconds:g} s "
              f"per trial; ddsdoctor = {what}", flush=True)  # fmt: skip
        results: dict[str, tuple[Trial | None, Trial | None]] = {}
        cushion = ring_frames(pcap)
        with Bench(pcap, args.seconds, args.settle, ours) as bench:
            for method in args.methods.split(","):
                print(f"== {method}", flush=True)
                results[method] = ladder(bench, method, rates[method], args.retries)
    report(results, cushion, args.seconds)


def ring_frames(pcap: Path, ring: int = 64 << 20) -> int:
    """About how many frames of ``pcap`` ddsdoctor's default ring holds: each takes its
    TPACKET_V3 header and MAC offset (~80 bytes) plus the frame, 16-byte aligned."""
    import struct

    data = pcap.read_bytes()
    n, pos, total = 0, 24, 0
    while pos + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, pos + 8)[0]
        total += (80 + caplen + 15) & ~15
        n += 1
        pos += 16 + caplen
    return int(ring / (total / max(n, 1)))


def report(
    results: dict[str, tuple[Trial | None, Trial | None]], cushion: int, seconds: float
) -> None:
    print(
        f"\nddsdoctor's 64 MiB ring holds ~{cushion:,} frames of this capture: a {seconds:g} s "
        f"trial at rate R is loss-free once it processes R - {cushion / seconds:,.0f}/s"
    )
    print("highest loss-free rate (packets/s, as sent by tcpreplay):")
    best = {}
    for method, (ok, lossy) in results.items():
        rate = ok.achieved if ok else 0.0
        best[method] = rate
        limit = "" if lossy else "  (>=: no loss seen up to here, tcpreplay's limit)"
        sustained = ""
        if lossy is not None:
            got = lossy.captured / max(lossy.sent, 1) * lossy.achieved
            sustained = f"; at {lossy.achieved:,.0f} it kept {got:,.0f}/s"
        print(f"   {method:9s} {rate:>11,.0f}{limit}{sustained}")
    ours = best.get("ddsdoctor", 0.0)
    for peer in ("scapy", "tcpdump"):
        if peer in best and best[peer] and ours:
            bound = "<= " if results[peer][1] is None else ""
            print(f"   ddsdoctor / {peer}: {bound}{ours / best[peer]:.2f}x")


def _has_topology_iface() -> bool:
    res = subprocess.run([sys.executable, "-m", "ddsdoctor", "topology", "--help"],
                         capture_output=True, text=True, cwd=ROOT, check=False)  # fmt: skip
    return res.returncode == 0 and "--iface" in res.stdout


def _make_capture(tmp: Path, source: str) -> Path:
    from bench_parse import build_corpus_capture, build_ddsperf_capture

    if source == "ddsperf" and shutil.which("ddsperf"):
        return build_ddsperf_capture(tmp / "ddsperf.pcap", 200_000, 30.0)
    return build_corpus_capture(tmp / "corpus.pcap", 200_000)


if __name__ == "__main__":
    main()

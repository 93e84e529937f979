"""Benchmark: ``ddsdoctor check`` over the ospl corpus against a bare lxml parse of the same files.

Run from the repository root::

    /work/venv/bin/python bench/bench_check.py [--repeat 15] [--runs 10] [--corpus DIR] [--quick]

Everything is measured in this run, against a peer measured in the same run (docs/performance.md
explains the numbers and the target, a ratio of at most 4):

* warm, in process: ``run_check`` on every file once the metaconfig model and the rule registry
  are loaded (a long run, an editor, a server), best of N, against ``lxml.etree.parse`` of the
  same files, for ``--no-env``, for the caller's environment and with a filled result cache;
  then where a warm ``--no-env`` run spends its time, stage by stage;
* cold, in process: a fresh interpreter importing ddsdoctor and checking the files once, with
  no result cache, with an empty one (filling it) and with one filled by an earlier run;
* command line: wall and CPU time of ``python -m ddsdoctor check`` on one small file and on the
  corpus, without a cache, with an empty one and with a filled one, against ``python -c``
  parsing the same files with lxml (bytecode compiled, as after an install).

``--profile`` prints the top of a cProfile of the warm check. The bench also runs on a tree
from before the speed work (no result cache, no rule triggers) for before/after numbers.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import importlib.util
import os
import pstats
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ddsdoctor.lint import CheckOptions, EnvSpec, run_check  # noqa: E402
from ddsdoctor.settings import SettingsResolver  # noqa: E402

# The result cache (ddsdoctor/cache.py); absent before it was added, so the bench runs on both.
HAVE_CACHE = importlib.util.find_spec("ddsdoctor.cache") is not None

TARGET = 4.0
SMALL = ROOT / "configs" / "good" / "ospl-single-process.xml"
PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)


def parse_all(files: Sequence[Path]) -> None:
    for path in files:
        with contextlib.suppress(etree.XMLSyntaxError):
            etree.parse(str(path), PARSER)


def options_for(paths: list[Path], env: EnvSpec) -> CheckOptions:
    return CheckOptions(paths=paths, env=env, resolver=SettingsResolver(isolated=True))


def interleaved(repeat: int, *funcs: Callable[[], object]) -> list[float]:
    """Best time of each function, run in turn so that load on the machine hits all alike."""
    best = [float("inf")] * len(funcs)
    for _ in range(repeat):
        for i, func in enumerate(funcs):
            start = time.perf_counter()
            func()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.2f} ms"


def verdict(ratio: float) -> str:
    return f"{ratio:6.2f}x (target <= {TARGET:g}x) {'OK' if ratio <= TARGET else 'OVER'}"


# -- warm, in process ------------------------------------------------------------------------
def warm(files: list[Path], corpus: Path, repeat: int) -> None:
    print(f"== warm, in process: {len(files)} files of {corpus}, best of {repeat}")
    runs = {
        "--no-env": options_for([corpus], EnvSpec(inherit=False)),
        "caller env": options_for([corpus], EnvSpec(inherit=True)),
    }
    for options in runs.values():
        run_check(options)  # imports, rule registry, metaconfig model
    parse_all(files)
    with tempfile.TemporaryDirectory(prefix="ddsdoctor-bench-cache-") as directory:
        if HAVE_CACHE:
            from ddsdoctor.cache import ResultCache

            cached = options_for([corpus], EnvSpec(inherit=False))
            cached.cache = ResultCache(Path(directory))
            runs["--no-env, cache warm"] = cached
            run_check(cached)  # fills the cache
        checks = [lambda o=o: run_check(o) for o in runs.values()]
        times = interleaved(repeat, lambda: parse_all(files), *checks)
        print(f"  lxml parse                 : {ms(times[0])}")
        for (label, options), t in zip(runs.items(), times[1:], strict=True):
            n = len(run_check(options).findings)
            print(f"  check {label:<20} : {ms(t)}  {verdict(t / times[0])}  ({n} findings)")


def phases(corpus: Path, repeat: int) -> None:
    """Where a warm --no-env run spends its time: cumulative stages, each from scratch."""
    from ddsdoctor.engine import run_rules
    from ddsdoctor.lint import check_file, collect_files, display_path
    from ddsdoctor.ospl import validate
    from ddsdoctor.ospl.load import ROOT_TAG, OsplDocument
    from ddsdoctor.registry import REGISTRY, Subject
    from ddsdoctor.xmlsource import load_xml

    options = options_for([corpus], EnvSpec(inherit=False))
    selection = options.resolver.for_path(corpus).selection()
    rules = [r for r in REGISTRY.for_subject(Subject.OSPL) if selection.enabled(r)]
    # rule triggers (``needs``) and the element set exist since the speed work; the bench also
    # runs on the tree before it, for comparison
    triggers = hasattr(rules[0], "needs")

    def documents() -> list[OsplDocument]:
        out = []
        for p in collect_files(options):
            xml = load_xml(p, display_path(p)).document
            if xml is not None and xml.root.tag == ROOT_TAG:
                out.append(OsplDocument(xml, {}))
        return out

    def walk() -> None:
        for doc in documents():
            validate.analyse(doc)

    def hits() -> None:
        for doc in documents():
            present = doc.xml.tags() if triggers else set()
            for r in rules:
                if not triggers or not r.needs or not r.needs.isdisjoint(present):
                    for _ in r.func(doc):  # type: ignore[misc]
                        pass

    def findings() -> None:
        for doc in documents():
            extra: dict[str, Any] = {"present": doc.xml.tags()} if triggers else {}
            run_rules(
                Subject.OSPL,
                doc,
                selection,
                locate=doc.locate,
                enrich=doc.expansion_evidence,
                path=doc.path,
                **extra,
            )

    def files() -> None:
        for p in collect_files(options):
            check_file(p, options, {})

    stages: list[tuple[str, Callable[[], object]]] = [
        ("discover files", lambda: collect_files(options)),
        ("read + parse", documents),
        ("schema walk", walk),
        ("other rules (hits)", hits),
        ("findings (locate, evidence)", findings),
        ("suppressions, selection", files),
        ("report (sort, summary)", lambda: run_check(options)),
    ]
    times = interleaved(repeat, *(f for _, f in stages))
    print(f"== phases (--no-env, warm, best of {repeat}; each stage adds to the one above)")
    previous = 0.0
    for (label, _), t in zip(stages, times, strict=True):
        print(f"  {label:<28}: {ms(t - previous)}")
        previous = t
    print(f"  {'whole check':<28}: {ms(times[-1])}")


# -- cold ------------------------------------------------------------------------------------
_CHILD = """
import sys, time
t0 = time.perf_counter()
sys.path.insert(0, {root!r})
from pathlib import Path
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import SettingsResolver
t1 = time.perf_counter()
o = CheckOptions(paths=[Path({corpus!r})], env=EnvSpec(inherit=False),
                 resolver=SettingsResolver(isolated=True))
if sys.argv[1] != "-":
    from ddsdoctor.cache import ResultCache
    o.cache = ResultCache(Path(sys.argv[1]))
run_check(o)
t2 = time.perf_counter()
from lxml import etree
p = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
t3 = time.perf_counter()
for f in sorted(Path({corpus!r}).glob("*.xml")):
    try:
        etree.parse(str(f), p)
    except etree.XMLSyntaxError:
        pass
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t4 - t3)
"""


def cold(corpus: Path, runs: int, env: dict[str, str]) -> None:
    """A fresh interpreter checks the corpus once: imports, model and registry load included."""
    code = _CHILD.format(root=str(ROOT), corpus=str(corpus))

    def best(cache: str, fresh_cache: bool = False) -> list[float]:
        out = [float("inf")] * 3
        for _ in range(runs):
            if fresh_cache:
                subprocess.run(["rm", "-rf", cache], check=True)
            done = subprocess.run(
                [sys.executable, "-c", code, cache],
                env=env,
                capture_output=True,
                text=True,
                check=True,
            )
            out = [min(b, float(x)) for b, x in zip(out, done.stdout.split(), strict=True)]
        return out

    print(f"== cold, in process (fresh interpreter, --no-env, best of {runs})")
    imp, first, parse = best("-")
    print(f"  import ddsdoctor.lint        : {ms(imp)}")
    print(f"  first run_check, no cache    : {ms(first)}  {verdict(first / parse)}")
    if HAVE_CACHE:
        with tempfile.TemporaryDirectory(prefix="ddsdoctor-bench-cache-") as directory:
            cache = str(Path(directory) / "c")
            _, filling, _ = best(cache, fresh_cache=True)
            print(f"  ... empty cache, filling it  : {ms(filling)}  {verdict(filling / parse)}")
            _, cached, _ = best(cache)
            print(f"  ... cache filled before      : {ms(cached)}  {verdict(cached / parse)}")
    print(f"  lxml parse (peer, same run)  : {ms(parse)}")


# -- command line ----------------------------------------------------------------------------
def timed(argv: list[str], runs: int, env: dict[str, str], before: str = "") -> tuple[float, float]:
    """Best wall time and best CPU time (user + system) of a command, over ``runs`` runs."""
    wall = cpu = float("inf")
    for _ in range(runs):
        if before:
            subprocess.run(["rm", "-rf", before], check=True)
        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, check=False)
        wall = min(wall, time.perf_counter() - start)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        used = after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
        cpu = min(cpu, used)
    return wall, cpu


def cli(files: list[Path], runs: int, env: dict[str, str]) -> None:
    py = sys.executable
    print(f"== command line (best of {runs}, bytecode compiled): wall / CPU (user+system)")
    for label, argv in (
        ("python -c pass", [py, "-c", "pass"]),
        ("ddsdoctor --version", [py, "-m", "ddsdoctor", "--version"]),
    ):
        wall, cpu = timed(argv, runs, env)
        print(f"  {label:<30}: {ms(wall)} / {ms(cpu)}")
    with tempfile.TemporaryDirectory(prefix="ddsdoctor-bench-cache-") as directory:
        cache = str(Path(directory) / "c")
        for label, paths in (("1 small file", [SMALL]), (f"{len(files)} corpus files", files)):
            names = [str(p) for p in paths]
            peer, peer_cpu = timed([py, "-c", _PEER, *names], runs, env)
            print(f"  {label}: python + lxml parse       : {ms(peer)} / {ms(peer_cpu)}")
            base = [py, "-m", "ddsdoctor", "check", "--isolated", "--no-env", "-f", "json"]
            cases = [("check", base + (["--no-cache"] if HAVE_CACHE else []), "")]
            if HAVE_CACHE:
                cases.append(("check, empty cache", [*base, "--cache-dir", cache], cache))
                cases.append(("check, cache filled", [*base, "--cache-dir", cache], ""))
            for what, argv, before in cases:
                wall, cpu = timed(argv + names, runs, env, before)
                print(
                    f"  {label}: {what:<24} : {ms(wall)} / {ms(cpu)}   ratio {wall / peer:5.2f}x"
                    f" wall, {cpu / peer_cpu:5.2f}x CPU"
                )


_PEER = """
import sys
from lxml import etree
p = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
for f in sys.argv[1:]:
    try:
        etree.parse(f, p)
    except etree.XMLSyntaxError:
        pass
"""


def child_env(pycache: str) -> dict[str, str]:
    """Children read and write bytecode under a private prefix, like an installed package."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = pycache
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", str(ROOT / "ddsdoctor")],
        env=env,
        stdout=subprocess.DEVNULL,
        check=True,
    )
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "ospl")
    parser.add_argument("--repeat", type=int, default=15, help="in-process repetitions")
    parser.add_argument("--runs", type=int, default=10, help="subprocess repetitions")
    parser.add_argument("--profile", action="store_true", help="print the top of a profile")
    parser.add_argument("--quick", action="store_true", help="warm numbers only")
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.xml"))
    if not files:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    warm(files, args.corpus, args.repeat)
    if args.profile:
        options = options_for([args.corpus], EnvSpec(inherit=False))
        scope: dict[str, Any] = {"run_check": run_check, "options": options}
        cProfile.runctx("for _ in range(5): run_check(options)", scope, scope, "/tmp/bench.prof")
        pstats.Stats("/tmp/bench.prof").sort_stats("tottime").print_stats(25)
    if args.quick:
        return 0
    phases(args.corpus, args.repeat)
    with tempfile.TemporaryDirectory(prefix="ddsdoctor-bench-") as pycache:
        env = child_env(pycache)
        cold(args.corpus, args.runs, env)
        cli(files, args.runs, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())

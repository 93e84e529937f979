"""Benchmark: ``ddsdoctor check`` over the ospl corpus against a bare lxml parse of the same files.

Run from the repository root::

    /work/venv/bin/python bench/bench_check.py [--repeat 7] [--corpus ../shared/corpus/ospl]

Both sides run in this process, on the same files, warm (the metaconfig model and the rule
registry are loaded once before timing, as in any long run). The peer is ``lxml.etree.parse``
of every file; the target is a ratio of at most 4. Prints the best-of-N times and the ratio.
"""

from __future__ import annotations

import argparse
import contextlib
import cProfile
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

from lxml import etree

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ddsdoctor.lint import CheckOptions, EnvSpec, run_check  # noqa: E402
from ddsdoctor.settings import SettingsResolver  # noqa: E402

TARGET = 4.0


def best_of(repeat: int, func: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=ROOT.parent / "shared" / "corpus" / "ospl")
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--profile", action="store_true", help="print the top of a profile")
    args = parser.parse_args()
    files = sorted(args.corpus.glob("*.xml"))
    if not files:
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2
    lxml_parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)

    def parse() -> None:
        for path in files:
            with contextlib.suppress(etree.XMLSyntaxError):
                etree.parse(str(path), lxml_parser)

    options = CheckOptions(
        paths=[args.corpus], env=EnvSpec(inherit=False), resolver=SettingsResolver(isolated=True)
    )

    def check() -> None:
        run_check(options)

    check()  # warm: imports, rule registry, metaconfig model
    parse()
    if args.profile:
        cProfile.runctx("for _ in range(5): check()", globals(), locals(), "/tmp/bench_check.prof")
        pstats.Stats("/tmp/bench_check.prof").sort_stats("tottime").print_stats(20)
    t_parse = best_of(args.repeat, parse)
    t_check = best_of(args.repeat, check)
    ratio = t_check / t_parse
    print(f"files: {len(files)}")
    print(f"lxml parse : {t_parse * 1000:8.2f} ms")
    print(f"check      : {t_check * 1000:8.2f} ms")
    verdict = "OK" if ratio <= TARGET else "OVER"
    print(f"ratio      : {ratio:8.2f}x (target <= {TARGET:g}x) {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

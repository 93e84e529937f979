"""Prepare the rig's vendor peers before a test run: build Fast DDS, install Dust DDS, check tools.

Run from the repository root (CI calls it from .ci/run before pytest):

    python -m tests.rig.setup_peers            # prepare what can be prepared, report the rest
    python -m tests.rig.setup_peers --strict   # exit 1 when a peer or tool is missing

Needs, from Debian: tcpdump tshark cyclonedds-tools fastdds-tools libfastrtps-dev
libfastrtps-doc cmake g++ nftables iproute2 bridge-utils tcpreplay graphviz; and PyPI for
``dust-dds`` (installed into its own venv under the rig cache, never into the project's venv).
Everything lands in the cache (``DDSDOCTOR_RIG_CACHE``, else ``$XDG_CACHE_HOME/ddsdoctor/rig``,
else ``~/.cache/ddsdoctor/rig``) and is reused by later runs.
"""

from __future__ import annotations

import argparse
import time

from tests.rig.netns import missing_tools, unsupported_reason
from tests.rig.vendors import PeerUnavailable, cache_dir, dust_python, fastdds_example

DEBIAN_PACKAGES = ("tcpdump tshark cyclonedds-tools fastdds-tools libfastrtps-dev libfastrtps-doc "
                   "cmake g++ nftables iproute2 bridge-utils tcpreplay graphviz")
TOOLS = ("ip", "unshare", "nft", "tc", "tcpdump", "tshark", "ddsperf", "tcpreplay", "dot")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--strict", action="store_true", help="exit 1 if anything is missing")
    a = ap.parse_args()
    problems: list[str] = []

    lacking = missing_tools(TOOLS)
    if lacking:
        problems.append(f"tools missing: {', '.join(lacking)} "
                        f"(apt-get install -y {DEBIAN_PACKAGES})")
    reason = unsupported_reason()
    if reason:
        problems.append(f"rig unavailable: {reason}")

    for label, prepare in (("Fast DDS AdvancedConfigurationExample", fastdds_example),
                           ("Dust DDS venv", dust_python)):
        t0 = time.monotonic()
        try:
            path = prepare()
        except PeerUnavailable as exc:
            problems.append(f"{label}: {exc}")
            continue
        print(f"ok  {label}: {path} ({time.monotonic() - t0:.1f} s)")

    print(f"rig cache: {cache_dir()}")
    for p in problems:
        print(f"missing  {p}")
    return 1 if problems and a.strict else 0


if __name__ == "__main__":
    raise SystemExit(main())

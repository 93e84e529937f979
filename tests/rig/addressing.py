"""Rig subnets: a free 10.A.B.0/24 each, never one used by another rig or routed in root."""

from __future__ import annotations

import contextlib
import hashlib
import ipaddress
import itertools
import os

from tests.rig.netns import RIG_NAME, list_netns, run

_SEED_COUNTER = itertools.count(1)


def _used_subnets() -> set[str]:
    """/24s in use by other rigs or routed in the root namespace (never reuse either)."""
    used: set[str] = set()
    for ns in list_netns():
        if RIG_NAME.match(ns):
            out = run(["ip", "-n", ns, "-4", "-o", "addr", "show"], check=False).stdout
            used.update(w.rsplit(".", 1)[0] for w in out.split() if w.count(".") == 3)
    for line in run(["ip", "-4", "route", "show", "table", "all"], check=False).stdout.splitlines():
        dst = line.split()[0] if line.split() else ""
        with contextlib.suppress(ValueError):
            net = ipaddress.ip_network(dst if "/" in dst else f"{dst}/32", strict=False)
            if net.prefixlen >= 16 and str(net.network_address).startswith("10."):
                for sub in net.subnets(new_prefix=24) if net.prefixlen < 24 else [net]:
                    used.add(str(sub.network_address).rsplit(".", 1)[0])
    return used


def choose_subnets(
    want0: str | None, want1: str | None, second: bool
) -> tuple[str, str | None]:
    """Pick free 10.A.B /24s, seeded by pid and counter so parallel rigs start far apart."""
    used = _used_subnets()
    seed = int(hashlib.sha1(f"{os.getpid()}-{next(_SEED_COUNTER)}".encode()).hexdigest(), 16)
    chosen: list[str] = []
    for want in (want0, want1 if second else None):
        if want is not None:
            chosen.append(want)
            continue
        for step in range(100 * 250):
            k = (seed + step) % (100 * 250)
            cand = f"10.{100 + k // 250}.{k % 250}"
            if cand not in used and cand not in chosen:
                chosen.append(cand)
                break
    return chosen[0], (chosen[1] if second else None)

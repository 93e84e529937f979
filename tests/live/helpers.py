"""Running ddsdoctor's live commands on rig hosts (or in the root namespace, on lo only)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.rig import Host, Proc

ROOT = Path(__file__).resolve().parents[2]


def ddsdoctor(host: Host, *args: str, name: str) -> Proc:
    """Start ``python -m ddsdoctor ARGS`` on a rig host (hostname = host name)."""
    return host.spawn([sys.executable, "-m", "ddsdoctor", *args], name=name, cwd=ROOT)


def finish_json(proc: Proc, timeout: float) -> tuple[int, dict[str, Any]]:
    """Wait for a ``--format json`` run; its exit code and document."""
    rc = proc.wait(timeout)
    try:
        return rc, json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(f"not JSON ({exc}):\n{proc.describe(40)}") from None


def by_topic(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {t["topic"]: t for t in doc["topics"]}


def lo_domain() -> int:
    """A domain id of our own for root-namespace runs on lo: colleagues' lo-confined peers
    use domain 0 there, and the probe must not meet them."""
    return 100 + os.getpid() % 120


def phases_in_order(t: dict[str, Any]) -> bool:
    seq = [t[k] for k in ("discovered_s", "matched_s", "first_sample_s", "complete_s")]
    known = [v for v in seq if v is not None]
    return known == sorted(known)

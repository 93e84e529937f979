"""A real two-interface host in a network namespace: read its facts, predict DDSI2's pick.

The namespace gets ``net1`` before ``eth0``, so net1 has the lower ifindex and comes first in
getifaddrs order: the case facts §10 saw on a real host, where DDSI2 picked net1. Both
interfaces are veth ends with MULTICAST; their peers stay in the namespace without IPv4
addresses, so nothing leaves it. The namespace is removed by name afterwards.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ddsdoctor.host.facts import HostFacts
from ddsdoctor.host.select import choose_auto
from tests.conftest import requires_root

ROOT = Path(__file__).resolve().parents[2]
CONFIG = ROOT / "tests" / "rules" / "cases" / "DD115" / "fail_eth0_and_net1.xml"

pytestmark = [pytest.mark.root, requires_root]


def ip(*args: str) -> None:
    subprocess.run(["ip", *args], check=True, capture_output=True, timeout=20)


@pytest.fixture
def netns() -> Iterator[str]:
    name = f"ddsdoc-sem-{os.getpid()}"
    try:
        ip("netns", "add", name)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        pytest.skip(f"cannot create a network namespace: {exc}")
    try:
        ip("-n", name, "link", "set", "lo", "up")
        for iface, addr in (("net1", "10.86.0.11/24"), ("eth0", "10.85.0.11/24")):
            ip("-n", name, "link", "add", iface, "type", "veth", "peer", "name", f"{iface}p")
            ip("-n", name, "link", "set", iface, "multicast", "on", "up")
            ip("-n", name, "addr", "add", addr, "dev", iface)
        yield name
    finally:
        subprocess.run(["ip", "netns", "del", name], capture_output=True, timeout=20, check=False)


def in_ns(ns: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["ip", "netns", "exec", ns, sys.executable, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_facts_follow_kernel_order(netns: str) -> None:
    out = in_ns(netns, "-m", "ddsdoctor.cli.hostfacts")
    assert out.returncode == 0, out.stderr
    facts = HostFacts.from_dict(json.loads(out.stdout))
    v4 = [(i.name, a.ip) for i in facts.interfaces for a in i.addresses]
    # oracle: the kernel's own address dump order, which getifaddrs returns
    kernel = subprocess.run(
        ["ip", "-n", netns, "-o", "-4", "addr"], capture_output=True, text=True, check=True
    ).stdout.splitlines()
    assert [line.split()[1] for line in kernel] == [name for name, _ in v4]
    choice = choose_auto(facts)
    assert choice.chosen is not None and choice.chosen.interface.name == "net1"
    assert choice.warning() == (
        "using network interface net1 (10.86.0.11) selected arbitrarily from: net1, eth0"
    )


def test_check_host_inside_namespace(netns: str) -> None:
    out = in_ns(
        netns, "-m", "ddsdoctor", "check", "--host", "--isolated", "--format", "json", str(CONFIG)
    )
    assert out.returncode in (0, 1), out.stderr
    found = [f for f in json.loads(out.stdout)["findings"] if f["code"] == "DD115"]
    assert len(found) == 1
    assert (
        "using network interface net1 (10.86.0.11) selected arbitrarily from: net1, eth0"
        in found[0]["message"]
    )

"""A fresh capture of Cyclone DDS and Fast DDS (not in the corpus) against tshark.

Both peers run in a network namespace of their own that has only ``lo``, each under its own
UTS namespace so the host names they announce are known; tcpdump captures ``lo`` there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ddsdoctor.wire.records import EndpointData, ParticipantData
from tests.conftest import requires_root
from tests.tshark import TSHARK
from tests.wire.oracle import matches, our_records, tshark_records
from tests.wire.test_oracle import _ours

pytestmark = [
    pytest.mark.live,
    pytest.mark.root,
    pytest.mark.slow,
    requires_root,
    pytest.mark.skipif(
        TSHARK is None or shutil.which("tcpdump") is None, reason="needs tshark and tcpdump"
    ),
]

CYCLONE_PEER = """
import time
from dataclasses import dataclass
from cyclonedds.core import Policy, Qos
from cyclonedds.domain import DomainParticipant
from cyclonedds.idl import IdlStruct
from cyclonedds.pub import DataWriter, Publisher
from cyclonedds.topic import Topic

@dataclass
class Msg(IdlStruct, typename="lab::Msg"):
    seq: int

dp = DomainParticipant(0)
w = DataWriter(Publisher(dp, qos=Qos(Policy.Partition(["plantC"]))), Topic(dp, "cyTopic", Msg),
               qos=Qos(Policy.Durability.TransientLocal, Policy.History.KeepLast(5)))
for i in range(40):
    w.write(Msg(i))
    time.sleep(0.1)
"""


def _fastdds() -> str | None:
    env = os.environ.get("DDSDOCTOR_FASTDDS_EXAMPLE")
    if env:
        return env
    cache = Path("~/.cache/ddsdoctor/rig").expanduser()
    found = sorted(cache.glob("fastdds-*/build/AdvancedConfigurationExample"))
    return str(found[0]) if found else None


def _in_ns(ns: str, host: str, *argv: str) -> subprocess.Popen[bytes]:
    # exec all the way down so the Popen pid is the peer's pid (test-rig.md §1, gotchas)
    return subprocess.Popen(
        [
            "ip",
            "netns",
            "exec",
            ns,
            "unshare",
            "-u",
            "sh",
            "-c",
            'hostname "$0"; shift; exec "$@"',
            host,
            "sh",
            *argv,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


@pytest.fixture(scope="module")
def live_capture(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict]]:
    ns = f"ddw{os.getpid()}"
    path = tmp_path_factory.mktemp("live") / "vendors.pcap"
    procs: list[subprocess.Popen[bytes]] = []
    pids: dict[str, int] = {}
    try:
        subprocess.run(["ip", "netns", "add", ns], check=True)
        subprocess.run(["ip", "-n", ns, "link", "set", "lo", "up"], check=True)
        subprocess.run(["ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", "lo"], check=True)
        tcpdump = subprocess.Popen(
            [
                "ip",
                "netns",
                "exec",
                ns,
                "tcpdump",
                "-i",
                "lo",
                "-n",
                "-s0",
                "-U",
                "-w",
                str(path),
                "udp",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(tcpdump)
        time.sleep(1.0)
        fastdds = _fastdds()
        if fastdds:
            p = _in_ns(
                ns,
                "fd-host",
                fastdds,
                "publisher",
                "-t",
                "fastTopic",
                "-r",
                "--transient",
                "-p",
                "plantF",
                "-i",
                "100",
                "-s",
                "0",
                "--transport=udp",
            )
            procs.append(p)
            pids["fd-host"] = p.pid
        cyclone = _in_ns(ns, "cy-host", sys.executable, "-c", CYCLONE_PEER)
        procs.append(cyclone)
        pids["cy-host"] = cyclone.pid
        cyclone.wait(timeout=30)
        time.sleep(0.5)
    finally:
        for p in reversed(procs):
            if p.poll() is None:
                p.terminate()
            try:
                p.wait(timeout=5)
            except subprocess.TimeoutExpired:
                p.kill()
        subprocess.run(["ip", "netns", "del", ns], check=False)
    yield path, pids


def test_live_capture_matches_tshark(live_capture: tuple[Path, dict]) -> None:
    path, _ = live_capture
    theirs = tshark_records(path)
    ours = our_records(path)
    checked = 0
    for frame, records in theirs.items():
        mine = [_ours(r) for r in ours.get(frame, [])]
        for rec in records:
            diffs = [matches(rec, m) for m in mine if m["kind"] == rec["kind"]]
            assert diffs and not min(diffs, key=len), f"frame {frame}: {rec}"
            checked += 1
    assert checked >= 4


def test_live_hosts_pids_topics(live_capture: tuple[Path, dict]) -> None:
    path, pids = live_capture
    records = [r for recs in our_records(path).values() for r in recs]
    parts = {p.host: p for p in records if isinstance(p, ParticipantData)}
    cy = parts["cy-host"]
    assert (cy.vendor_id, cy.pid, cy.domain_id) == (0x0110, pids["cy-host"], 0)
    assert cy.version_info is not None and cy.version_info.host == "cy-host"
    eps = {e.topic: e for e in records if isinstance(e, EndpointData)}
    assert eps["cyTopic"].partitions == ("plantC",) and eps["cyTopic"].type_information
    assert eps["cyTopic"].qos.history is not None and eps["cyTopic"].qos.history.depth == 5
    if "fd-host" in pids:
        fd = parts["fd-host"]
        assert (fd.vendor_id, fd.pid, fd.user, fd.domain_id) == (0x010F, pids["fd-host"], "root", 0)
        fast = eps["fastTopic"]
        assert (fast.type_name, fast.partitions) == ("HelloWorld", ("plantF",))
        assert fast.qos.durability is not None and fast.qos.durability.name == "TRANSIENT_LOCAL"

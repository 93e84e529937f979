"""RTPS is RTPS on any UDP port: found by its magic, not by a port table.

DDS participants send from random ephemeral ports, some of which Wireshark registers for
other protocols (tests/tshark.py). The rig's sample capture is rewritten so that every
datagram leaves from such a port: ddsdoctor must decode exactly what it decodes from the
original, and the tshark oracle must too (with the preference every oracle call sets).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from tests.capture import synth
from tests.tshark import TSHARK
from tests.wire.oracle import our_records, tshark_records

SAMPLE = Path(__file__).parents[2] / "docs" / "examples" / "rig-sample.pcap"
ETHERNET = 1
UDP = 17
# Ports Wireshark's port table gives to other dissectors (EtherNet/IP, TZSP).
REGISTERED = (44818, 37008)


def _rewrite(src: Path, dst: Path, sport: int) -> Path:
    frames = [
        (
            dg.time,
            synth.ethernet(synth.ipv4(dg.src, dg.dst, UDP, synth.udp(sport, dg.dport, dg.payload))),
        )
        for dg in read_capture(src)
    ]
    return synth.write_pcap(dst, ETHERNET, frames)


def _count(records: dict[int, list[object]]) -> int:
    return sum(len(v) for v in records.values())


@pytest.mark.parametrize("sport", REGISTERED)
def test_ddsdoctor_decodes_rtps_from_any_port(sport: int, tmp_path: Path) -> None:
    moved = _rewrite(SAMPLE, tmp_path / f"from-{sport}.pcap", sport)
    original = _count(our_records(SAMPLE))
    assert original > 100
    assert _count(our_records(moved)) == original


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed (the oracle)")
@pytest.mark.parametrize("sport", REGISTERED)
def test_the_oracle_sees_rtps_from_any_port(sport: int, tmp_path: Path) -> None:
    moved = _rewrite(SAMPLE, tmp_path / f"from-{sport}.pcap", sport)
    assert _count(tshark_records(moved)) == _count(tshark_records(SAMPLE)) > 100
    # Why tshark_argv sets udp.try_heuristic_first: without it the port table wins.
    plain = subprocess.run(
        [str(TSHARK), "-n", "-r", str(moved), "-Y", "rtps"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert plain.stdout.count("RTPS") == 0

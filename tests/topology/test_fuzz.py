"""Hypothesis: no stream of datagrams makes ``run_topology`` raise, whatever they carry."""

from __future__ import annotations

from functools import cache

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddsdoctor.capture import Datagram, read_capture
from ddsdoctor.selection import RuleSelection
from ddsdoctor.topology.run import TopologyOptions, run_topology
from tests.topology.test_sample import PCAP

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
IPS = ["10.0.0.1", "10.0.0.2", "239.255.0.1", "", "ff02::1"]


@cache
def real() -> tuple[bytes, ...]:
    return tuple(d.payload for d in read_capture(PCAP))


@st.composite
def payloads(draw: st.DrawFn) -> bytes:
    base = draw(st.sampled_from(real()))
    if draw(st.booleans()):
        return b"RTPS" + draw(st.binary(max_size=120))
    data = bytearray(base)
    for _ in range(draw(st.integers(0, 6))):
        if data:
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    return bytes(data[: draw(st.integers(4, max(4, len(data))))])


@st.composite
def datagrams(draw: st.DrawFn) -> list[Datagram]:
    out = []
    t = 1.0e9
    for i in range(draw(st.integers(1, 25))):
        t += draw(st.floats(0, 5))
        out.append(
            Datagram(
                t,
                draw(st.sampled_from(IPS)),
                draw(st.sampled_from(IPS)),
                draw(st.integers(0, 65535)),
                draw(st.sampled_from([7400, 7401, 7410, 7411, 40000])),
                draw(payloads()),
                i + 1,
                100,
                1,
                4,
                None,
            )
        )
    return out


@FUZZ
@given(datagrams())
def test_run_topology_never_raises(stream: list[Datagram]) -> None:
    report = run_topology(stream, TopologyOptions(selection=RuleSelection(select=("ALL",))))
    assert report.total.packets == len(stream)
    assert "DD009" not in {f.code for f in report.findings}  # no rule crashed

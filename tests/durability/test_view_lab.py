"""The view of the real lab capture against the scenario README and every node's own log."""

from __future__ import annotations

import functools
import re

from ddsdoctor.durability.build import build_view
from ddsdoctor.durability.pcap import observe_capture
from ddsdoctor.durability.report import view_dict
from ddsdoctor.durability.view import DurabilityView, Leave, Stance
from tests.durability import lab


@functools.cache
def s1_view() -> DurabilityView:
    lab.need_s1()
    return build_view(observe_capture(lab.S1_PCAP))


def test_every_fellow_with_its_host_and_ip() -> None:
    view = s1_view()
    assert {sid: f.host for sid, f in view.fellows.items()} == lab.S1_HOSTS
    ips = {"os-h1": "10.85.0.11", "os-h2": "10.85.0.12", "os-h3": "10.85.0.13"}
    assert all(f.ip == ips[f.host or ""] for f in view.fellows.values())
    for folder, sid in lab.S1_NODES.items():
        assert lab.node_of(folder) == sid


def test_all_fellows_confirmed_the_h2_subscriber_as_master() -> None:
    view = s1_view()
    [ns] = view.namespaces
    assert (ns.name, ns.role) == ("defaultNamespace", "DefaultRole")
    for sid in view.fellows:
        belief = view.final_belief(ns, sid)
        assert (belief.stance, belief.master) == (Stance.MASTER, lab.S1_MASTER)


def test_wire_master_equals_each_nodes_last_confirming_master_line() -> None:
    """§8.1 check: the last confirmed master on the wire = the last 'Confirming master' line."""
    view = s1_view()
    [ns] = view.namespaces
    for folder, sid in lab.S1_NODES.items():
        lines = [ln for ln in lab.log_lines(folder) if ln.text.startswith("Confirming master")]
        last = lines[-1].text
        logged = sid if "I am the master" in last else int(re.search(r"'(\d+)'", last)[1])  # type: ignore[index]
        assert view.final_belief(ns, sid).master == logged
        # The confirmation reached the wire within about a millisecond (§8.1).
        first_confirmed = next(a for a in ns.announcements[sid] if a.confirmed)
        assert abs(first_confirmed.time - lines[-1].time) < 0.05


def test_states_and_departures() -> None:
    view = s1_view()
    for sid, f in view.fellows.items():
        assert f.completed_at() is not None, sid
        assert f.gaps == ()  # heartbeats every second, nobody missed
    h3 = view.fellows[1735632865]  # exited 47.06 s in: TERMINATING never reached the wire
    assert h3.left_how is Leave.EXITED and h3.state is not None and h3.state.name == "COMPLETE"
    others = [f for sid, f in view.fellows.items() if sid != 1735632865]
    assert all(f.left_how is Leave.TERMINATING for f in others)


_WRITE = re.compile(r"Write samplerequest for group (?P<g>.+) to fellow (?P<f>\d+) using")
_LINK = re.compile(
    r"Received link from fellow (?P<f>\d+) for group (?P<g>.+?) containing (?P<n>\d+)"
)


def _logged_alignments(folder: str) -> list[tuple[str, float, float, int]]:
    """(group, t_write, t_last_link, samples) from a requester's own log."""
    out: list[list[object]] = []
    for ln in lab.log_lines(folder):
        if m := _WRITE.search(ln.text):
            out.append([m["g"], ln.time, None, 0])
        elif m := _LINK.search(ln.text):
            entry = next(e for e in reversed(out) if e[0] == m["g"])
            entry[2] = ln.time
            entry[3] = int(entry[3]) + int(m["n"])  # type: ignore[call-overload]
    return [tuple(e) for e in out]  # type: ignore[misc]


def test_alignment_latency_equals_the_requesters_logs() -> None:
    """§9.3: wire latency (request -> last required LINK) within 20 ms of the requester's log."""
    view = s1_view()
    compared = 0
    for folder, sid in lab.S1_NODES.items():
        logged = _logged_alignments(folder)
        wire = [a for a in view.alignments if a.requester == sid]
        assert len(wire) == len(logged), folder
        for a, (group, t_write, t_link, samples) in zip(wire, logged, strict=True):
            assert a.group == group and a.complete
            assert abs(a.requested_at - t_write) < 0.02
            assert abs((a.latency_s or 0) - (t_link - t_write)) < 0.02
            assert a.samples == samples
            compared += 1
    assert compared == 15


def test_late_joiners_are_timed() -> None:
    view = s1_view()
    for joiner in (582175905, 1735632865):  # the two h3 processes started at t=11
        mine = [a for a in view.alignments if a.requester == joiner]
        assert {a.group for a in mine} == {
            "__BUILT-IN PARTITION__.DCPSCandMCommand",
            "__BUILT-IN PARTITION__.DCPSType",
            "lab.LabTransient",
        }
        for a in mine:
            assert a.aligner == lab.S1_MASTER and a.complete and a.combined
            assert 0.1 < (a.latency_s or 0) < 0.2  # RequestCombinePeriod/Operational 0.1 s
        assert next(a for a in mine if a.group == "lab.LabTransient").samples == 10


def test_json_members_are_exactly_the_issue_names() -> None:
    doc = view_dict(s1_view())
    assert [set(f) for f in doc["fellows"]] == [{"system_id", "host", "ip", "state"}] * 5
    [ns] = doc["namespaces"]
    assert set(ns) == {"name", "views", "master_policy"}
    assert ns["views"] == {str(sid): lab.S1_MASTER for sid in lab.S1_HOSTS}
    assert all(
        p == {"aligner": True, "alignee": "Initial", "priority": 255}
        for p in ns["master_policy"].values()
    )
    assert all(
        set(a)
        == {"requester", "group", "aligner", "requested_at", "latency_s", "samples", "complete"}
        for a in doc["alignments"]
    )

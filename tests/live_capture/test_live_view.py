"""The live view renders the counters of a real capture; the accounting rules' severities."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from rich.console import Console

from ddsdoctor.capture.live import LiveOptions, LiveSource
from ddsdoctor.capture.livestats import LiveStats, StopReason
from ddsdoctor.capture.tally import LiveTally
from ddsdoctor.cli.live_view import LiveView
from ddsdoctor.findings import Severity
from ddsdoctor.selection import RuleSelection
from ddsdoctor.topology.document import report_from_dict
from ddsdoctor.topology.run import diagnose
from tests.live_capture.netns import VethNs


@pytest.mark.live
@pytest.mark.root
def test_view_shows_talkers_participants_and_topics(vethns: VethNs, sample: Path) -> None:
    with vethns.inside():
        source = LiveSource(LiveOptions(iface="rpb"))
    tally = LiveTally()
    thread = threading.Thread(target=lambda: sum(1 for _ in tally.tap(source)), daemon=True)
    with source:
        thread.start()
        vethns.replay(sample)
        deadline = time.monotonic() + 5
        while source.stats.frames < 2013 and time.monotonic() < deadline:
            time.sleep(0.02)
        view = LiveView(source, tally, duration=30)
        console = Console(record=True, width=160, color_system=None)
        console.print(view)
        source.stop(StopReason.SIGINT)
        thread.join(5)
    text = console.export_text()
    assert "Capturing on rpb" in text and "/ 30 s" in text and "kernel drops 0" in text
    # every sending host of the sample, and what the hosts announced
    for ip in ("10.77.0.11", "10.77.0.12", "10.77.0.13"):
        assert ip in text
    assert "Eclipse Cyclone DDS" in text and "eProsima" in text
    assert {"dome_position", "telemetry_state"} <= set(tally.topics)
    assert len(tally.participants) >= 4


def _findings(**live: object) -> list[tuple[str, Severity, str]]:
    """The capture rules on a report whose capture.live holds these LiveStats fields."""
    stats = LiveStats(iface="br0", started=1.0, stopped=31.0, promiscuous=True)
    for k, v in live.items():
        setattr(stats, k, v)
    doc = {"capture": {"live": stats.as_dict()}, "hosts": [], "participants": []}
    found = diagnose(report_from_dict(doc), RuleSelection(select=("DD81",)), None)
    return [(f.code, f.severity, f.message) for f in found]


def test_kernel_drops_above_one_percent_are_an_error() -> None:
    few = _findings(kernel_packets=10000, kernel_drops=5)
    many = _findings(kernel_packets=10000, kernel_drops=500)
    assert [(c, s) for c, s, _m in few] == [("DD819", Severity.WARNING)]
    assert [(c, s) for c, s, _m in many] == [("DD819", Severity.ERROR)]
    assert "5 of 10000 frames (0.05 %)" in few[0][2]


def test_interrupted_capture_is_information_only() -> None:
    found = _findings(stop_reason=StopReason.SIGINT, requested_duration=30.0)
    assert [(c, s) for c, s, _m in found] == [("DD817", Severity.INFO)]
    assert "SIGINT after 30.0 s of the 30 s asked for" in found[0][2]

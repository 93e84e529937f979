"""Fixtures for live-capture tests: a veth namespace and the replay captures."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import ROOT
from tests.live_capture.netns import VethNs

SAMPLE = ROOT / "docs" / "examples" / "rig-sample.pcap"
"""Real traffic of the rig: 4 hosts, Cyclone, Fast DDS and Dust DDS, 2013 frames."""


@pytest.fixture
def vethns() -> Iterator[VethNs]:
    import os

    if os.geteuid() != 0:
        pytest.skip("needs root (network namespaces, raw sockets)")
    for tool in ("ip", "tcpreplay"):
        if shutil.which(tool) is None:
            pytest.skip(f"needs {tool} on PATH")
    ns = VethNs()
    try:
        yield ns
    finally:
        ns.delete()


@pytest.fixture
def sample() -> Path:
    if not SAMPLE.is_file():
        pytest.skip(f"{SAMPLE} missing")
    return SAMPLE

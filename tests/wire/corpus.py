"""The corpus captures the capture and wire tests run on (read-only, never copied)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import CORPUS

PCAPS = sorted(p for p in (CORPUS / "pcap").glob("*.pcap*")) if CORPUS.is_dir() else []
OSPL_CAPTURE = CORPUS / "opensplice-lab" / "s1-sp-3hosts-domain0" / "capture.pcap"
ALL_CAPTURES = [*PCAPS, OSPL_CAPTURE] if CORPUS.is_dir() else []


def capture_id(path: Path) -> str:
    return path.name.split("__")[-1] if "__" in path.name else path.parent.name


@pytest.fixture
def ospl_capture() -> Path:
    if not OSPL_CAPTURE.is_file():
        pytest.skip(f"OpenSplice lab capture not found at {OSPL_CAPTURE}")
    return OSPL_CAPTURE

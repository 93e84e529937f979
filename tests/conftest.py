"""Shared test fixtures: paths to the shared corpus and privilege checks."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# The multi-host test rig's fixtures (rig, rig_factory, fastdds_bin, dust_python_bin).
pytest_plugins = ["tests.rig.fixtures"]

# `ddsdoctor check` caches results by default (ddsdoctor/cache.py); tests that patch rules or
# modules must not see another run's results, nor write under ~/.cache. Cache tests opt in.
os.environ["DDSDOCTOR_NO_CACHE"] = "1"

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
REFERENCE = SHARED / "reference"


def need_shared() -> None:
    if not CORPUS.is_dir():
        pytest.skip(f"shared corpus not found at {CORPUS}")


@pytest.fixture
def corpus() -> Path:
    need_shared()
    return CORPUS


@pytest.fixture
def reference() -> Path:
    if not REFERENCE.is_dir():
        pytest.skip(f"shared reference not found at {REFERENCE}")
    return REFERENCE


def is_root() -> bool:
    return os.geteuid() == 0


requires_root = pytest.mark.skipif(
    not is_root(), reason="needs root (network namespaces, raw sockets)"
)

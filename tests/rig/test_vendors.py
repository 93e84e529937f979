"""Vendor peer preparation reports what is missing instead of failing obscurely."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.rig import vendors
from tests.rig.peers import _flags
from tests.rig.vendors import PeerUnavailable


def test_missing_fastdds_sources_say_which_packages(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path: Path) -> None:
    monkeypatch.setattr(vendors, "FASTDDS_EXAMPLES", tmp_path / "nowhere")
    with pytest.raises(PeerUnavailable, match="apt-get install libfastrtps-dev libfastrtps-doc"):
        vendors.fastdds_example()


def test_unprepared_dust_venv_is_reported_without_installing(monkeypatch: pytest.MonkeyPatch,
                                                             tmp_path: Path) -> None:
    monkeypatch.setenv("DDSDOCTOR_RIG_CACHE", str(tmp_path))
    assert vendors.cache_dir() == tmp_path
    with pytest.raises(PeerUnavailable, match="not prepared"):
        vendors.dust_python(install=False)


def test_cache_dir_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("DDSDOCTOR_RIG_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert vendors.cache_dir() == tmp_path / "ddsdoctor" / "rig"


def test_peer_options_become_flags() -> None:
    assert _flags({"partitions": ["a", "b"], "tl_depth": 5, "best_effort": True,
                   "linger": None, "transient_local": False}) == [
        "--partition", "a", "--partition", "b", "--tl-depth", "5", "--best-effort"]

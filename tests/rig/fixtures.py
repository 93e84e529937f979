"""pytest fixtures for the rig (registered from tests/conftest.py through ``pytest_plugins``).

- ``rig``: a rig that is up; 3 hosts unless the test says ``@pytest.mark.rig(hosts=4,
  second_net=True)`` (any ``Rig`` keyword).
- ``rig_factory``: call it to bring up more rigs, ``rig_factory(2, second_net=True)``.
- ``fastdds_bin`` / ``dust_python_bin``: the prepared vendor peers, or a skip with the reason.
- ``require_tools("tshark", ...)``: skip unless the tools are on PATH.

Teardown runs even when the test fails or is interrupted; on failure the logs of every peer
are written to stderr, so pytest shows them in the report.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.rig.netns import missing_tools, unsupported_reason
from tests.rig.rig import Rig
from tests.rig.vendors import PeerUnavailable, dust_python, fastdds_example


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "rig(**kwargs): keywords for the `rig` fixture's Rig (hosts=3, second_net=...)")


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    rep = yield
    setattr(item, f"_rig_rep_{rep.when}", rep)  # teardown reads it to dump logs on failure
    return rep


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item) -> Any:
    """A peer that cannot be prepared here (no Fast DDS sources, no PyPI) skips the test."""
    try:
        return (yield)
    except PeerUnavailable as exc:
        pytest.skip(f"DDS peer unavailable: {exc}")


def require_tools(*tools: str) -> None:
    lacking = missing_tools(tools)
    if lacking:
        pytest.skip(f"needs {', '.join(lacking)} on PATH")


def _failed(request: pytest.FixtureRequest) -> bool:
    rep = getattr(request.node, "_rig_rep_call", None)
    return rep is not None and rep.failed


@pytest.fixture
def rig_factory(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Callable[..., Rig]]:
    reason = unsupported_reason()
    if reason:
        pytest.skip(reason)
    rigs: list[Rig] = []

    def make(hosts: int | list[str] = 3, **kwargs: Any) -> Rig:
        rig = Rig(hosts, workdir=tmp_path / f"rig{len(rigs)}", **kwargs)
        rigs.append(rig)
        return rig.up()

    try:
        yield make
    finally:
        for rig in reversed(rigs):
            if _failed(request):
                for proc in rig.procs:
                    print(f"--- {proc.name} (pid {proc.pid}, rc {proc.returncode})\n"
                          f"{proc.describe(40)}", file=sys.stderr)
            rig.down()


@pytest.fixture
def rig(request: pytest.FixtureRequest, rig_factory: Callable[..., Rig]) -> Rig:
    marker = request.node.get_closest_marker("rig")
    kwargs = dict(marker.kwargs) if marker else {}
    return rig_factory(kwargs.pop("hosts", 3), **kwargs)


@pytest.fixture(scope="session")
def fastdds_bin() -> Path:
    try:
        return fastdds_example()
    except PeerUnavailable as exc:
        pytest.skip(f"Fast DDS peer unavailable: {exc}")


@pytest.fixture(scope="session")
def dust_python_bin() -> Path:
    try:
        return dust_python()
    except PeerUnavailable as exc:
        pytest.skip(f"Dust DDS peer unavailable: {exc}")

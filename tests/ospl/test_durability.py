"""The durability model: values the service clamps or defaults (d_configuration.c)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import Overrides, SettingsResolver

CASE = Path(__file__).parent.parent / "rules" / "cases" / "DD107" / "fail_networking_name.xml"


def _messages(tmp_path: Path, count: str, code: str) -> list[str]:
    f = tmp_path / "wait.xml"
    f.write_text(CASE.read_text().replace('maxWaitCount="100"', f'maxWaitCount="{count}"'))
    options = CheckOptions(
        paths=[f],
        env=EnvSpec(inherit=False),
        resolver=SettingsResolver(Overrides(select=(code,)), isolated=True),
    )
    return [x.message for x in run_check(options).findings]


@pytest.mark.parametrize(
    ("count", "wait"), [("100", "10 s"), ("0", "0.1 s"), ("5000", "100 s"), ("x", "20 s")]
)
def test_max_wait_count_is_clamped_like_the_service(tmp_path: Path, count: str, wait: str) -> None:
    # 1..1000 steps of 100 ms, 200 when absent or unreadable; 0 is not "absent"
    [message] = _messages(tmp_path, count, "DD107")
    assert f"waits up to {wait} before" in message


def test_short_wait_reports_the_clamped_wait(tmp_path: Path) -> None:
    [message] = _messages(tmp_path, "0", "DD421")
    assert message.startswith("maxWaitCount 0 (read as 1) waits at most 0.1 s")
    assert _messages(tmp_path, "10", "DD421") == []

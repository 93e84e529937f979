"""Safety plumbing that needs no privileges: skip reasons, root-netns detection, lo confinement."""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.rig import netns


def test_unprivileged_run_gets_a_clear_skip_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netns.os, "geteuid", lambda: 1000)
    reason = netns.unsupported_reason()
    assert reason and "needs root" in reason


def test_missing_tool_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(netns.os, "geteuid", lambda: 0)
    reason = netns.unsupported_reason(("ip", "no-such-tool-ddsdoctor"))
    assert reason and "no-such-tool-ddsdoctor" in reason


def test_named_netns_detection_agrees_with_ip_netns_identify() -> None:
    # /proc/1/ns/net may be unreadable here, so this is what guards the peers (test-rig.md 0).
    res = subprocess.run(["ip", "netns", "identify", str(os.getpid())],
                         capture_output=True, text=True, check=False)
    if res.returncode != 0:
        pytest.skip(f"ip netns identify unavailable: {res.stderr.strip()}")
    assert netns.in_named_netns() is bool(res.stdout.strip())


def test_lo_only_env_confines_cyclone_to_loopback() -> None:
    env = netns.lo_only_env({"CYCLONEDDS_URI": "<General/>", "PATH": "/bin"})
    assert env["PATH"] == "/bin"
    assert 'NetworkInterface name="lo"' in env["CYCLONEDDS_URI"]


def test_rig_names_carry_pid_namespace_and_pid() -> None:
    m = netns.RIG_NAME.match(f"ddr-{netns.pidns_tag()}-123-4-h2")
    assert m and m["pid"] == "123" and m["role"] == "h2"
    assert netns.RIG_NAME.match("dd-h1") is None  # other people's rigs are never reaped

"""Low-level network-namespace plumbing: commands, root-netns detection, stale-rig reaping."""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

# Peers run as plain scripts (even under another interpreter), so the check lives there.
from tests.rig.peers._netcheck import LO_ONLY_CYCLONE_URI, NETNS_DIR, in_named_netns

log = logging.getLogger(__name__)

__all__ = ["LO_ONLY_CYCLONE_URI", "NETNS_DIR", "in_named_netns"]

STATE_DIR = Path("/run/ddsdoctor-rig")
LOCK_FILE = STATE_DIR / "lock"

# Tools every rig needs; peers add their own (ddsperf, tshark, ...).
BASE_TOOLS = ("ip", "unshare", "nft", "tc", "tcpdump")


class RigError(RuntimeError):
    """A rig command failed; the message carries the command and its stderr."""


def run(
    argv: Sequence[str], *, input_text: str | None = None, check: bool = True, timeout: float = 20
) -> subprocess.CompletedProcess[str]:
    """Run a short command and return its result; raise RigError when it fails and check is set."""
    res = subprocess.run(
        list(argv), input=input_text, capture_output=True, text=True, timeout=timeout, check=False
    )
    if check and res.returncode != 0:
        raise RigError(f"{' '.join(argv)} -> rc {res.returncode}: {res.stderr.strip()}")
    return res


def ns_run(
    ns: str, argv: Sequence[str], *, input_text: str | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    """Run a short command inside namespace ``ns``."""
    return run(["ip", "netns", "exec", ns, *argv], input_text=input_text, check=check)


def pidns_tag() -> str:
    """Hex inode of our pid namespace: rig names carry it so the reaper trusts only its own pids."""
    return f"{Path('/proc/self/ns/pid').stat().st_ino:08x}"


def lo_only_env(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """An environment that confines a Cyclone process in the root namespace to ``lo``."""
    out = dict(os.environ if env is None else env)
    out["CYCLONEDDS_URI"] = LO_ONLY_CYCLONE_URI
    return out


def missing_tools(tools: Sequence[str]) -> list[str]:
    return [t for t in tools if shutil.which(t) is None]


def unsupported_reason(tools: Sequence[str] = BASE_TOOLS) -> str | None:
    """Why a rig cannot run here (for pytest.skip), or None when it can."""
    if os.geteuid() != 0:
        return "the test rig needs root (network namespaces, veths, nftables)"
    lacking = missing_tools(tools)
    if lacking:
        return f"the test rig needs these tools on PATH: {', '.join(lacking)}"
    probe = run(["ip", "netns", "list"], check=False)
    if probe.returncode != 0:
        return f"`ip netns` is unavailable: {probe.stderr.strip()}"
    return None


def list_netns() -> list[str]:
    out = run(["ip", "netns", "list"]).stdout
    return [line.split()[0] for line in out.splitlines() if line.strip()]


def ns_pids(ns: str) -> list[int]:
    res = run(["ip", "netns", "pids", ns], check=False)
    return [int(p) for p in res.stdout.split() if p.isdigit()]


def kill_pids(pids: Sequence[int], grace: float = 2.0) -> None:
    """SIGTERM each pid, wait up to ``grace`` seconds, then SIGKILL the survivors."""
    alive = [p for p in pids if _signal(p, signal.SIGTERM)]
    deadline = time.monotonic() + grace
    while alive and time.monotonic() < deadline:
        time.sleep(0.05)
        alive = [p for p in alive if _exists(p)]
    for p in alive:
        _signal(p, signal.SIGCONT)  # a SIGSTOPped process must be able to die
        _signal(p, signal.SIGKILL)


def delete_netns(ns: str) -> None:
    """Kill whatever still runs in ``ns`` (by pid) and delete it; quiet when already gone."""
    if not (NETNS_DIR / ns).exists():
        return
    kill_pids(ns_pids(ns))
    res = run(["ip", "netns", "del", ns], check=False)
    if res.returncode != 0 and (NETNS_DIR / ns).exists():
        log.warning("could not delete netns %s: %s", ns, res.stderr.strip())


def _signal(pid: int, sig: int) -> bool:
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        return False
    return True


def _exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie of ours still "exists"; treat it as gone.
    with contextlib.suppress(OSError):
        return Path(f"/proc/{pid}/stat").read_text().split(") ", 1)[1][0] != "Z"
    return False


def proc_starttime(pid: int) -> str | None:
    """Field 22 of /proc/PID/stat (start time in clock ticks): tells a reused pid apart."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


@contextlib.contextmanager
def rig_lock() -> Iterator[None]:
    """Serialise rig creation and reaping between processes (subnet choice, stale cleanup)."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    with LOCK_FILE.open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


RIG_NAME = re.compile(r"^ddr-(?P<tag>[0-9a-f]{8})-(?P<pid>\d+)-(?P<n>\d+)-(?P<role>br|h\d+)$")


def record_owner(prefix: str) -> None:
    """Remember which process (pid + start time) owns the rig ``prefix``."""
    STATE_DIR.mkdir(parents=True, exist_ok=True)
    (STATE_DIR / prefix).write_text(f"{os.getpid()} {proc_starttime(os.getpid())}\n")


def forget_owner(prefix: str) -> None:
    with contextlib.suppress(FileNotFoundError):
        (STATE_DIR / prefix).unlink()


def _owner_alive(prefix: str, pid: int) -> bool:
    if not _exists(pid):
        return False
    try:
        _, start = (STATE_DIR / prefix).read_text().split()
    except (OSError, ValueError):
        return True  # no record: only a dead pid proves staleness
    return proc_starttime(pid) == start


def reap_stale() -> list[str]:
    """Delete rig namespaces of our pid namespace whose creating process is gone.

    Call with ``rig_lock()`` held. Namespaces of other pid namespaces are never touched: their
    pids mean nothing here.
    """
    tag = pidns_tag()
    reaped: list[str] = []
    for ns in list_netns():
        m = RIG_NAME.match(ns)
        if not m or m["tag"] != tag:
            continue
        prefix = ns.rsplit("-", 1)[0]
        if _owner_alive(prefix, int(m["pid"])):
            continue
        delete_netns(ns)
        forget_owner(prefix)
        reaped.append(ns)
    if reaped:
        log.warning("reaped stale rig namespaces: %s", ", ".join(reaped))
    return reaped

"""A private namespace with a veth pair for live-capture tests, and a way to open sockets in it.

Frames are replayed with tcpreplay onto ``rpa`` and captured on its peer ``rpb``; both ends
live in a namespace the test created (``ddcap-<pid>-<n>``), so nothing reaches a real
interface. ``inside()`` switches the calling thread into the namespace with setns(2) just
long enough to create a socket: a packet socket stays bound to the namespace it was created
in, so the test can then read it from its own namespace.
"""

from __future__ import annotations

import contextlib
import ctypes
import itertools
import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

from tests.rig.netns import delete_netns, run

CLONE_NEWNET = 0x40000000
_COUNTER = itertools.count(1)
_libc = ctypes.CDLL(None, use_errno=True)


def _setns(fd: int) -> None:
    if _libc.setns(fd, CLONE_NEWNET) != 0:
        err = ctypes.get_errno()
        raise OSError(err, os.strerror(err))


class VethNs:
    """Namespace ``ns`` with veth ``rpa`` <-> ``rpb`` (up, IPv6 off: no MLD/RS noise)."""

    def __init__(self) -> None:
        self.ns = f"ddcap-{os.getpid()}-{next(_COUNTER)}"
        run(["ip", "netns", "add", self.ns])
        try:
            self.exec("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1")
            self.exec("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=1")
            self.ip("link", "set", "lo", "up")
            self.ip("link", "add", "rpa", "type", "veth", "peer", "name", "rpb")
            self.ip("link", "set", "rpa", "up")
            self.ip("link", "set", "rpb", "up")
        except BaseException:
            self.delete()
            raise

    def ip(self, *args: str) -> str:
        return run(["ip", "-n", self.ns, *args]).stdout

    def exec(self, *argv: str) -> str:
        return run(["ip", "netns", "exec", self.ns, *argv]).stdout

    @contextlib.contextmanager
    def inside(self) -> Iterator[None]:
        """Run the block with this thread in the namespace (to open sockets there)."""
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(f"/run/netns/{self.ns}", os.O_RDONLY)
        try:
            _setns(target)
            try:
                yield
            finally:
                _setns(own)
        finally:
            os.close(own)
            os.close(target)

    def replay(self, pcap: Path, *, pps: int = 20000, iface: str = "rpa", loops: int = 1) -> int:
        """Send every frame of ``pcap`` on ``iface`` (blocking); returns the frames sent."""
        res = subprocess.run(
            ["ip", "netns", "exec", self.ns, "tcpreplay", "-i", iface, f"--pps={pps}",
             f"--loop={loops}", str(pcap)],
            capture_output=True, text=True, timeout=120, check=True,
        )  # fmt: skip
        m = re.search(r"Actual: (\d+) packets", res.stdout)
        assert m, res.stdout + res.stderr
        return int(m.group(1))

    def delete(self) -> None:
        delete_netns(self.ns)

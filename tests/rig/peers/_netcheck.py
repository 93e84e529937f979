"""Stdlib-only safety check shared by every peer script: am I inside a named network namespace?"""

from __future__ import annotations

import contextlib
from pathlib import Path

NETNS_DIR = Path("/run/netns")

LO_ONLY_CYCLONE_URI = (
    '<CycloneDDS><Domain id="any"><General><Interfaces>'
    '<NetworkInterface name="lo" multicast="true"/>'
    "</Interfaces></General></Domain></CycloneDDS>"
)


def in_named_netns() -> bool:
    """Compare our netns inode with the named ones (/proc/1/ns/net may be unreadable).

    Same logic as tests/rig/netns.py; duplicated because peers run as plain scripts,
    possibly under another interpreter (the Dust DDS venv) that cannot import the tests package.
    """
    mine = Path("/proc/self/ns/net").stat().st_ino
    if not NETNS_DIR.is_dir():
        return False
    for entry in NETNS_DIR.iterdir():
        with contextlib.suppress(OSError):
            if entry.stat().st_ino == mine:
                return True
    return False

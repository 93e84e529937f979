"""Runs inside a fresh network namespace: does real Cyclone DDS accept each configuration file?

Usage: python oracle_runner.py JOBS.json, where JOBS.json is
[{"path": ..., "domain": N, "skip": ["0.10"]}, ...].
Prints {"path": {"11": "accepted"|"rejected"|"aborted", "0.10": ...}} as JSON on stdout.
Cyclone 11 is the ``cyclonedds`` Python wheel: each file is tried in a forked child (a bad peer
address makes Cyclone 11 abort), by creating a Domain from ``file://PATH``. Cyclone 0.10 is the
Debian ``ddsperf`` binary with ``CYCLONEDDS_URI=file://PATH``. Only ``lo`` exists here.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path


def _cyclone11(path: str, domain: int) -> str:
    from cyclonedds.core import DDSException
    from cyclonedds.domain import Domain

    pid = os.fork()
    if pid == 0:  # child: a configuration may trace to stdout, which carries the result
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        try:
            Domain(domain, "file://" + path)
        except DDSException:
            os._exit(3)
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return "aborted"
    return "accepted" if os.WEXITSTATUS(status) == 0 else "rejected"


def _cyclone010(path: str, domain: int) -> str:
    env = dict(os.environ, CYCLONEDDS_URI="file://" + path)
    cmd = ["ddsperf", "-i", str(domain), "-D", "0.01", "-Q", "minmatch:0", "sanity"]
    try:
        rc = subprocess.run(cmd, env=env, capture_output=True, timeout=10, check=False).returncode
    except subprocess.TimeoutExpired:
        return "timeout"
    return "accepted" if rc == 0 else "rejected" if rc == 2 else f"rc={rc}"


def main() -> None:
    jobs = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    import cyclonedds.domain  # noqa: F401 - load the library once, before forking

    has_010 = shutil.which("ddsperf") is not None
    out = {}
    for job in jobs:
        sys.stdout.flush()
        result = {"11": _cyclone11(job["path"], job["domain"])}
        if has_010 and "0.10" not in job.get("skip", ()):
            result["0.10"] = _cyclone010(job["path"], job["domain"])
        out[job["path"]] = result
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

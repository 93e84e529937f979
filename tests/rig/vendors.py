"""Other vendors' peers, prepared once into a cache outside the repo: Fast DDS and Dust DDS.

- Fast DDS: Debian's libfastrtps-doc ships the example sources; we build
  AdvancedConfigurationExample with cmake + make (about 6 s on 2 cores; test-rig.md section 2).
- Dust DDS: ``pip install dust-dds`` into its own venv (its wheel must stay out of /work/venv).

Both raise ``PeerUnavailable`` with the reason when they cannot be had, so tests skip cleanly.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

log = logging.getLogger(__name__)

FASTDDS_EXAMPLES = Path("/usr/share/doc/libfastrtps-dev/examples/dds")
FASTDDS_EXAMPLE = "AdvancedConfigurationExample"
DUST_REQUIREMENT = "dust-dds==0.16.0"  # the version test-rig.md measured
FASTDDS_PACKAGES = "libfastrtps-dev libfastrtps-doc cmake g++"


class PeerUnavailable(RuntimeError):
    """A vendor peer cannot be prepared here; the message says why (for pytest.skip)."""


def cache_dir() -> Path:
    """$DDSDOCTOR_RIG_CACHE, else $XDG_CACHE_HOME/ddsdoctor/rig, else ~/.cache/ddsdoctor/rig."""
    env = os.environ.get("DDSDOCTOR_RIG_CACHE")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "ddsdoctor" / "rig"


@contextlib.contextmanager
def _locked(name: str) -> Iterator[Path]:
    """Serialise preparation between parallel test processes (pytest-xdist, colleagues)."""
    root = cache_dir()
    root.mkdir(parents=True, exist_ok=True)
    with (root / f"{name}.lock").open("a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield root
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _fastdds_version() -> str:
    res = subprocess.run(["dpkg-query", "-W", "-f=${Version}", "libfastrtps-dev"],
                         capture_output=True, text=True, check=False)
    return res.stdout.strip().replace(":", "_").replace("+", "_") or "unknown"


def fastdds_example(*, build: bool = True) -> Path:
    """Path of the built AdvancedConfigurationExample binary (built on first use)."""
    src = FASTDDS_EXAMPLES / FASTDDS_EXAMPLE
    if not (src / "CMakeLists.txt").is_file():
        raise PeerUnavailable(f"Fast DDS example sources missing at {src} "
                              f"(apt-get install {FASTDDS_PACKAGES})")
    lacking = [t for t in ("cmake", "make", "g++") if shutil.which(t) is None]
    if lacking:
        raise PeerUnavailable(f"building the Fast DDS example needs {', '.join(lacking)}")
    with _locked("fastdds") as root:
        out = root / f"fastdds-{_fastdds_version()}"
        binary = out / "build" / FASTDDS_EXAMPLE
        if binary.is_file():
            return binary
        if not build:
            raise PeerUnavailable(f"Fast DDS example not built yet ({binary})")
        shutil.rmtree(out, ignore_errors=True)
        shutil.copytree(src, out / "src")
        for step in (["cmake", "-S", str(out / "src"), "-B", str(out / "build"),
                      "-DCMAKE_BUILD_TYPE=Release"],
                     ["cmake", "--build", str(out / "build"), "-j", "2"]):
            res = subprocess.run(step, capture_output=True, text=True, check=False, timeout=600)
            if res.returncode != 0:
                raise PeerUnavailable(f"building the Fast DDS example failed at {step[:2]}: "
                                      f"{(res.stderr or res.stdout)[-800:]}")
        if not binary.is_file():
            raise PeerUnavailable(f"Fast DDS build produced no {binary}")
        log.info("built %s", binary)
        return binary


def dust_python(*, install: bool = True) -> Path:
    """The interpreter of a venv holding ``dust_dds`` (created with pip on first use)."""
    with _locked("dust") as root:
        venv = root / "dust-venv"
        python = venv / "bin" / "python"
        if python.is_file() and _has_dust(python):
            return python
        if not install:
            raise PeerUnavailable(f"Dust DDS venv not prepared yet ({venv})")
        shutil.rmtree(venv, ignore_errors=True)
        steps = [[sys.executable, "-m", "venv", str(venv)],
                 [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                  DUST_REQUIREMENT]]
        for step in steps:
            try:
                res = subprocess.run(step, capture_output=True, text=True, check=False,
                                     timeout=300)
            except subprocess.TimeoutExpired:
                raise PeerUnavailable(f"{' '.join(step[:4])} timed out (no PyPI?)") from None
            if res.returncode != 0:
                shutil.rmtree(venv, ignore_errors=True)
                raise PeerUnavailable(f"preparing the Dust DDS venv failed: "
                                      f"{(res.stderr or res.stdout)[-800:]}")
        if not _has_dust(python):
            raise PeerUnavailable("dust_dds does not import in its venv")
        return python


def _has_dust(python: Path) -> bool:
    res = subprocess.run([str(python), "-c", "import dust_dds"], capture_output=True, check=False)
    return res.returncode == 0


def ddsperf() -> Path:
    """Debian's ddsperf (cyclonedds-tools)."""
    found = shutil.which("ddsperf")
    if not found:
        raise PeerUnavailable("ddsperf not found (apt-get install cyclonedds-tools)")
    return Path(found)

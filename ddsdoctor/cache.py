"""A result cache for ``ddsdoctor check``: one file's findings, keyed by all they depend on.

Like ruff's cache, a repeated run over unchanged files (pre-commit, CI, an editor) skips parsing
and the rules. An entry is found by a hash of:

* ddsdoctor's own code and data (every ``.py``, ``.json`` and ``.xsd`` file of the package, by
  path, size and modification time; rules are registered by the package's own modules only),
  the Python, lxml and libxml2 versions: any change to the tool starts a new cache generation
  and the old one is removed;
* the file's bytes and the path it is reported under;
* the settings that apply to it (selection, severities, per-file ignores, pragmas, size limit);
* the environment label and the value of every variable the file can reference: for a file
  whose ``${`` references can be read off its bytes, those variables only (so unrelated changes
  in the caller's environment do not miss); otherwise the whole environment.

Runs with host facts (``--host``) are never cached. Entries are pickles written atomically
under ``--cache-dir``, ``$DDSDOCTOR_CACHE_DIR`` or ``$XDG_CACHE_HOME/ddsdoctor/check`` (by
default ``~/.cache/ddsdoctor/check``); anything unreadable is a miss. ``check --no-cache`` (or
``DDSDOCTOR_NO_CACHE=1``) turns it off. See docs/performance.md.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import pickle
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ddsdoctor import __version__
from ddsdoctor.findings import LOCATION_FIELDS, Finding, Location, Severity

log = logging.getLogger(__name__)

CACHE_VERSION = 1
_TAG = "CACHEDIR.TAG"
_TAG_TEXT = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by ddsdoctor (docs/performance.md).\n"
)
_GENERATION = re.compile(r"v[0-9]+-[0-9a-f]{32}\Z")
# ``${NAME`` up to ':' or '}', exactly as ospl/expand.py reads a name (nested ones included)
_REFERENCE = re.compile(rb"\$\{([^:}]*)")
# an XML declaration's encoding: ASCII-compatible ones let us read references off the bytes
_DECLARED = re.compile(rb"""\A(?:\xef\xbb\xbf)?<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_ASCII_COMPATIBLE = re.compile(r"(utf-?8|us-ascii|ascii|iso-?8859-?[0-9]+|latin-?1|cp125[0-9])\Z")


def default_dir() -> Path:
    explicit = os.environ.get("DDSDOCTOR_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "ddsdoctor" / "check"


def disabled_by_env() -> bool:
    return os.environ.get("DDSDOCTOR_NO_CACHE", "").strip().lower() not in ("", "0", "false")


@functools.cache
def code_fingerprint() -> str:
    """Hash of ddsdoctor's code and data files and of the versions it runs on.

    Files are identified by path, size and modification time (nanoseconds), as make and ruff
    do: any edit, checkout or reinstall changes them, and stat is cheap enough for a run on
    one file.
    """
    from lxml import etree

    h = hashlib.blake2b(digest_size=16)
    h.update(f"{CACHE_VERSION} {__version__} {sys.version} ".encode())
    h.update(f"{etree.LXML_VERSION} {etree.LIBXML_VERSION}".encode())
    package = os.path.dirname(os.path.abspath(__file__))  # noqa: PTH100, PTH120 - str paths
    for dirpath, dirnames, filenames in os.walk(package):
        dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
        for name in sorted(filenames):
            if name.endswith((".py", ".json", ".xsd")):
                st = os.stat(os.path.join(dirpath, name))  # noqa: PTH116, PTH118
                h.update(
                    f"{dirpath[len(package) :]}/{name} {st.st_size} {st.st_mtime_ns}\n".encode()
                )
    return h.hexdigest()


def env_key(data: bytes, env: Mapping[str, str]) -> bytes:
    """The part of ``env`` that findings on ``data`` can depend on, as bytes."""
    # '&#36;{' spells '${' after parsing, and other encodings hide '$': whole environment
    if b"&#" not in data and _ascii_compatible(data):
        if b"$" not in data:
            return b""
        names = set(_REFERENCE.findall(data))
        if all(n.isascii() for n in names):
            items = sorted((n.decode(), env.get(n.decode())) for n in names)
            return repr(items).encode()
    return repr(sorted(env.items())).encode()


def _ascii_compatible(data: bytes) -> bool:
    """Can '$', '{' and variable names be read off the raw bytes?"""
    if b"\0" in data[:4096]:
        return False  # UTF-16/32
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return False  # EBCDIC and other encodings where '<' is another byte
    m = _DECLARED.match(data)
    return m is None or bool(_ASCII_COMPATIBLE.match(m.group(1).decode().lower()))


@dataclass(frozen=True, slots=True)
class Entry:
    """What ``check`` keeps of one file: its findings and the source lines they point at."""

    findings: list[Finding]
    suppressed: int
    lines: dict[int, str]  # line -> source text, for carets in text output


def _read_all(fd: int) -> bytes:
    chunk = os.read(fd, 1 << 16)  # entries are a few kB: usually one read
    if len(chunk) < 1 << 16:
        return chunk
    parts = [chunk]
    while chunk:
        chunk = os.read(fd, 1 << 20)
        parts.append(chunk)
    return b"".join(parts)


# Entries hold plain tuples: pickling slotted dataclasses goes through Python-level
# __getstate__/__setstate__, several times slower than rebuilding them from tuples.
def _dump(entry: Entry) -> bytes:
    rows = [
        (
            f.code,
            f.name,
            int(f.severity),
            f.message,
            tuple(getattr(f.location, n) for n in LOCATION_FIELDS),
            f.hint,
            dict(f.evidence),
        )
        for f in entry.findings
    ]
    return pickle.dumps((CACHE_VERSION, rows, entry.suppressed, entry.lines), protocol=5)


def _load(data: bytes) -> Entry | None:
    version, rows, suppressed, lines = pickle.loads(data)
    if version != CACHE_VERSION:
        return None
    findings = [
        Finding(code, name, Severity(sev), message, Location(*loc), hint, evidence)
        for code, name, sev, message, loc, hint, evidence in rows
    ]
    return Entry(findings, int(suppressed), dict(lines))


class CachedSource:
    """Stands in for a parsed document when a file's findings came from the cache."""

    def __init__(self, path: str, lines: Mapping[int, str]) -> None:
        self.path = path
        self._lines = lines

    def line_text(self, line: int) -> str:
        return self._lines.get(line, "")


class ResultCache:
    """Entries under ``directory/v<CACHE_VERSION>-<fingerprint>/<key>``; best effort throughout."""

    def __init__(self, directory: Path | None = None) -> None:
        self.root = directory or default_dir()
        fingerprint = code_fingerprint()
        self._seed = fingerprint.encode()
        self.dir = self.root / f"v{CACHE_VERSION}-{fingerprint}"
        self._dir = str(self.dir)
        self._ready = False
        self._written = 0
        self.hits = self.misses = 0

    def key(self, data: bytes, display: str, context: bytes, env: bytes) -> str:
        h = hashlib.blake2b(self._seed, digest_size=20)
        for part in (display.encode(), context, env):
            h.update(len(part).to_bytes(8, "little"))
            h.update(part)
        h.update(data)
        return h.hexdigest()

    def get(self, key: str) -> Entry | None:
        path = os.path.join(self._dir, key)  # noqa: PTH118 - one str join per file
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            self.misses += 1
            return None
        try:
            entry = _load(_read_all(fd))
        except Exception:  # a damaged or foreign entry is a miss, never an error
            log.debug("unreadable cache entry %s", key, exc_info=True)
            entry = None
        finally:
            os.close(fd)
        if entry is None:
            self.misses += 1
        else:
            self.hits += 1
        return entry

    def put(self, key: str, entry: Entry) -> None:
        try:
            self._prepare()
            # written aside, then renamed: a reader sees a whole entry or none
            self._written += 1
            tmp = self.dir / f".tmp-{os.getpid()}-{self._written}"
            tmp.write_bytes(_dump(entry))
            tmp.replace(self.dir / key)
        except OSError:
            log.debug("cannot write cache entry %s", key, exc_info=True)

    def _prepare(self) -> None:
        """Create this generation's directory; remove older generations of our own."""
        if self._ready:
            return
        self._ready = True
        if self.dir.is_dir():
            return
        self.root.mkdir(parents=True, exist_ok=True)
        tag = self.root / _TAG
        if not tag.exists():
            tag.write_text(_TAG_TEXT, encoding="utf-8")
        elif tag.read_text(encoding="utf-8").startswith(_TAG_TEXT):
            import shutil

            for old in self.root.iterdir():
                if old.is_dir() and _GENERATION.match(old.name) and old != self.dir:
                    shutil.rmtree(old, ignore_errors=True)
        self.dir.mkdir(exist_ok=True)


def settings_context(settings: Any, max_bytes: int, label: str) -> bytes:
    """What of the settings a file's findings depend on (not fail-on: run_check applies it)."""
    return repr(
        (
            settings.select,
            settings.extend_select,
            settings.ignore,
            sorted(settings.per_file_ignores.items()),
            sorted((k, int(v)) for k, v in settings.severity.items()),
            settings.disable_ignore_pragma,
            max_bytes,
            label,
        )
    ).encode()

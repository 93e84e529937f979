"""Safe XML loading with exact positions, shared by OpenSplice and Cyclone DDS configs.

Parsing uses lxml with entity resolution, DTD loading and network access off, after a byte-level
pre-check that refuses any DOCTYPE declaring entities or an external subset, so nothing is ever
expanded or fetched. lxml reports only a line per element, so columns come from a small
tokenizer over the source that is run only when a finding needs a position.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from lxml import etree

from ddsdoctor.findings import Finding, Location
from ddsdoctor.rules import input as codes

MAX_BYTES = 8 * 1024 * 1024

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_blank_text=False,
    collect_ids=False,
)
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_HOSTILE_DTD = re.compile(rb"<!ENTITY|\bSYSTEM\b|\bPUBLIC\b")
# Comments, CDATA, PIs and the doctype hold text that looks like tags; everything else that
# starts with '<' + a name character is a start tag (attribute values cannot contain '<').
_OPAQUE = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!DOCTYPE(?:[^\[>]*\[.*?\])?[^>]*>", re.DOTALL
)
_START = re.compile(r"<[^\s/>!?]")
_TOKEN = re.compile(_OPAQUE.pattern + "|" + _START.pattern, re.DOTALL)
# The rest of a start tag up to its '>' (quoted attribute values may hold '>').
_TAG_REST = re.compile(r"""(?:[^>"']++|"[^"]*+"|'[^']*+')*+>""")  # possessive: linear
_ATTR = re.compile(r"""([^\s=/>]+)\s*=\s*("[^"]*"|'[^']*')""")


class SourceLines(Protocol):
    """What renderers need of a checked file: its source lines, for carets."""

    path: str

    def line_text(self, line: int) -> str: ...


class XmlDocument:
    """A parsed XML file: its lxml tree, source text and lazy positions."""

    def __init__(self, path: str, data: bytes, text: str, root: Any) -> None:
        self.path = path
        self.data = data
        self.text = text
        self.root = root
        self.tree = root.getroottree()
        self._index: dict[Any, int] | None = None
        self._elements: list[Any] | None = None
        self._tags: frozenset[str] | None = None
        self._starts: list[int] = []

    def elements(self) -> list[Any]:
        """Every element in document order, computed once and shared by all rules.

        Holding the proxies also keeps lxml's element identities stable for dict lookups.
        """
        if self._elements is None:
            self._elements = list(self.root.iter(etree.Element))
        return self._elements

    def tags(self) -> frozenset[str]:
        """Every element name in the document: the engine skips rules whose elements are absent."""
        if self._tags is None:
            self._tags = frozenset([el.tag for el in self.elements()])
        return self._tags

    # -- positions -------------------------------------------------------------------------
    # Computed only when a finding needs one: most files produce few findings, and the check
    # must stay within a small factor of a bare parse.
    def _scan(self) -> None:
        # One pass: an opaque construct is consumed whole, so a '<' inside it never counts.
        # A start tag's match is exactly two characters; every opaque match is longer.
        self._starts = [m.start() for m in _TOKEN.finditer(self.text) if m.end() - m.start() == 2]
        self._index = {el: i for i, el in enumerate(self.elements())}

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column (in characters) of a text offset."""
        text = self.text
        line = text.count("\n", 0, offset) + 1
        return line, offset - (text.rfind("\n", 0, offset) + 1) + 1

    def offset_of(self, el: Any, attr: str | None = None, text: bool = False) -> int:
        """Source offset of an element's start tag, one of its attributes, or its text."""
        if self._index is None:
            self._scan()
        assert self._index is not None
        i = self._index.get(el)
        if i is None or i >= len(self._starts):
            return self.line_start(getattr(el, "sourceline", None) or 1)
        start = self._starts[i]
        if attr is None and not text:
            return start
        src = self.text
        end = _tag_end(src, start + 1)
        if attr is not None:
            for m in _ATTR.finditer(src, start + 1, end):
                if m.group(1) == attr:
                    return m.start(1)
            return start
        pos = end
        while pos < len(src) and src[pos] in " \t\r\n":
            pos += 1
        return pos if pos < len(src) and src[pos] != "<" else start

    def xpath(self, el: Any, attr: str | None = None) -> str:
        path = str(self.tree.getpath(el))
        return f"{path}/@{attr}" if attr else path

    def locate(self, el: Any, attr: str | None = None, text: bool = False) -> Location:
        line, col = self.line_col(self.offset_of(el, attr, text))
        return Location(path=self.path, line=line, column=col, xpath=self.xpath(el, attr))

    def line_text(self, line: int) -> str:
        """The source line (1-based), without its newline, for carets in text output."""
        if line < 1 or line > self.text.count("\n") + 1:
            return ""
        start = self.line_start(line)
        end = self.text.find("\n", start)
        return self.text[start : end if end >= 0 else len(self.text)].rstrip("\r")

    def comments(self) -> Iterator[tuple[str, int, Any]]:
        """Every comment in the file: (text, source offset, following sibling element or None).

        Comments before and after the root element count too: a ``file-ignore`` pragma is most
        often written above ``<OpenSplice>``.
        """
        root = self.root
        nodes = [
            *reversed(list(root.itersiblings(etree.Comment, preceding=True))),
            *root.iter(etree.Comment),
            *root.itersiblings(etree.Comment),
        ]
        seen: dict[str, int] = {}  # comments with the same text so far, to find each one's text
        for node in nodes:
            text = str(node.text or "")
            rank = seen.get(text, 0)
            seen[text] = rank + 1
            nxt = node.getnext()
            while nxt is not None and not isinstance(nxt.tag, str):
                nxt = nxt.getnext()
            yield text, self._comment_offset(node, text, rank), nxt

    def _comment_offset(self, node: Any, text: str, rank: int) -> int:
        # Comments are few: the offset of the rank-th occurrence of this comment in the source.
        needle = f"<!--{text}-->"
        pos = -1
        for _ in range(rank + 1):
            pos = self.text.find(needle, pos + 1)
            if pos < 0:
                return self.line_start(node.sourceline or 1)
        return pos

    def line_start(self, line: int) -> int:
        """Offset of the first character of a 1-based line (clamped to the text)."""
        pos = 0
        for _ in range(max(0, line - 1)):
            nxt = self.text.find("\n", pos)
            if nxt < 0:
                break
            pos = nxt + 1
        return pos


def _tag_end(text: str, pos: int) -> int:
    """Offset just past the '>' that closes a start tag, skipping quoted attribute values."""
    m = _TAG_REST.match(text, pos)
    return m.end() if m else len(text)


@dataclass(slots=True)
class LoadResult:
    """A parsed document, or the findings that explain why there is none."""

    document: XmlDocument | None
    findings: list[Finding] = field(default_factory=list)


def read_bytes(path: Path, display: str, max_bytes: int = MAX_BYTES) -> bytes | Finding:
    """Read a file, or return the input finding that explains why it cannot be read."""
    at_start = Location(path=display, line=1, column=1)
    try:
        # open + fstat + read + close and no file object: the check is benchmarked against a
        # bare parse. O_NONBLOCK so that a FIFO or device passed by mistake cannot hang the
        # run; regular files ignore it.
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
        try:
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return codes.UNREADABLE.finding(f"{display} is not a regular file", at_start)
            size = st.st_size
            if size <= max_bytes:
                return _read_to_end(fd, size, max_bytes + 1)
        finally:
            os.close(fd)
    except FileNotFoundError:
        return codes.UNREADABLE.finding(f"{display} does not exist", at_start)
    except IsADirectoryError:
        return codes.UNREADABLE.finding(f"{display} is not a regular file", at_start)
    except OSError as exc:
        return codes.UNREADABLE.finding(f"cannot read {display}: {exc.strerror or exc}", at_start)
    return codes.TOO_LARGE.finding(
        f"file is {size} bytes, over the {max_bytes}-byte limit; not parsed",
        at_start,
        evidence={"size": size, "limit": max_bytes},
    )


def _read_to_end(fd: int, size: int, limit: int) -> bytes:
    """Read until end of file or ``limit`` bytes; usually one read of the size fstat gave."""
    data = os.read(fd, min(size + 1, limit))
    if len(data) <= size:
        return data  # a short read of a regular file is the end of it
    parts = [data]
    total = len(data)
    while total < limit:  # the file grew since fstat
        chunk = os.read(fd, limit - total)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
    return b"".join(parts)


def parse_xml(data: bytes, display: str) -> LoadResult:
    """Parse bytes safely. Unusable input becomes a finding, never an exception."""
    at_start = Location(path=display, line=1, column=1)
    if not data.strip():
        return LoadResult(None, [codes.EMPTY.finding("file is empty", at_start)])
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return LoadResult(
            None, [codes.BINARY.finding("file holds NUL bytes: binary, not XML", at_start)]
        )
    doctype = _DOCTYPE.search(data)
    if doctype is not None and _HOSTILE_DTD.search(data, doctype.start()):
        line = data.count(b"\n", 0, doctype.start()) + 1
        return LoadResult(
            None,
            [
                codes.DTD_REFUSED.finding(
                    "DOCTYPE declares entities or an external DTD; refused, nothing expanded",
                    Location(path=display, line=line, column=1),
                )
            ],
        )
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        msg = str(exc.msg or exc).split(" (<string>", 1)[0]
        msg = re.sub(r", line \d+, column \d+$", "", msg)
        if _looks_binary(data):
            return LoadResult(None, [codes.BINARY.finding("file is not text: " + msg, at_start)])
        return LoadResult(
            None,
            [
                codes.MALFORMED_XML.finding(
                    f"not well-formed XML: {msg}",
                    Location(path=display, line=max(1, line or 1), column=max(1, col or 1)),
                )
            ],
        )
    except ValueError as exc:  # lxml refuses some inputs (e.g. unicode with encoding decl)
        return LoadResult(
            None, [codes.MALFORMED_XML.finding(f"not well-formed XML: {exc}", at_start)]
        )
    text = _decode(data, root)
    return LoadResult(XmlDocument(display, data, text, root))


def _looks_binary(data: bytes) -> bool:
    sample = data[:4096]
    if not sample:
        return False
    control = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return control > len(sample) // 20


def _decode(data: bytes, root: Any) -> str:
    encoding = root.getroottree().docinfo.encoding or "utf-8"
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")


def display_path(path: Path) -> str:
    """Paths are shown relative to the current directory when under it, with '/'."""
    absolute = os.path.abspath(path)  # noqa: PTH100 - no symlink syscalls per file
    cwd = os.getcwd()  # noqa: PTH109 - a str, compared as text
    if absolute == cwd or absolute.startswith(cwd.rstrip(os.sep) + os.sep):
        return Path(os.path.relpath(absolute, cwd)).as_posix()
    return path.as_posix()


def load_xml(
    path: Path, display: str | None = None, max_bytes: int = MAX_BYTES, data: bytes | None = None
) -> LoadResult:
    """Read (unless ``data`` holds the file's bytes already) and parse one file safely."""
    display = display or path.as_posix()
    if data is None:
        read = read_bytes(path, display, max_bytes)
        if isinstance(read, Finding):
            return LoadResult(None, [read])
        data = read
    if path.suffix.lower() != ".xml" and not _looks_like_xml(data):
        # A YAML manifest, a pcap or a README passed explicitly: not a configuration at all,
        # which is worth saying but is not an error in the file.
        return LoadResult(
            None,
            [
                codes.NOT_OPENSPLICE.finding(
                    "not an XML file: not an OpenSplice configuration",
                    Location(path=display, line=1, column=1),
                )
            ],
        )
    return parse_xml(data, display)


def _looks_like_xml(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n")
    return head.startswith(b"<") or head.startswith((b"\xff\xfe<", b"\xfe\xff\x00<"))

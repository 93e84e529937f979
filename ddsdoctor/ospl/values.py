"""Number, duration and size values as OpenSplice's services read them, and human-readable sizes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ddsdoctor.ospl.conversions import user_size
from ddsdoctor.ospl.load import OsplDocument

_FLOAT = re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*\Z")
MIB = 1024 * 1024


def parse_float(text: str | None) -> float | None:
    """A float the way the durability service reads one; None when absent or not a number."""
    if text is None or not _FLOAT.match(text):
        return None
    return float(text)


def parse_size(text: str | None) -> int | None:
    """A ``Database/Size``-style value in bytes, as the user layer reads it; None if unreadable."""
    return None if text is None else user_size(text)


def human_size(n: int) -> str:
    """``104857600`` -> ``100 MiB``; ``504857600`` -> ``481.5 MiB``."""
    for unit, power in (("GiB", 3), ("MiB", 2), ("KiB", 1)):
        scale = 1024**power
        if n >= scale:
            value = n / scale
            text = f"{value:.0f}" if value == int(value) else f"{value:.1f}"
            return f"{text} {unit}"
    return f"{n} B"


def element_floats(doc: OsplDocument, section: Any, path: str) -> Iterator[tuple[Any, float]]:
    """(element, value) for each element at ``path`` under ``section`` whose text is a number."""
    for el in doc.select(section, path):
        value = parse_float(doc.value(el))
        if value is not None:
            yield el, value


def first_float(doc: OsplDocument, section: Any, path: str) -> tuple[Any, float] | None:
    return next(element_floats(doc, section, path), None)


def attr_float(doc: OsplDocument, el: Any, name: str) -> float | None:
    return parse_float(doc.attr(el, name))

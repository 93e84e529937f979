"""Cyclone DDS value grammar: units, keywords and ranges, where the XSD and Cyclone differ.

Cyclone parses sizes and durations with a number, optional spaces and a case-sensitive unit
(``ddsi_config.c``: ``unittab_memsize``, ``unittab_duration``). A bare number is accepted with
"use of default unit is deprecated" (except 0). Keywords (booleans, enumerations, keyword
lists) are compared case-insensitively, but booleans are only ``true``/``false``: ``1`` is
"undefined value". Checked against Cyclone 0.10.2 and 11.0.1.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from ddsdoctor.cyclone.schema import Kind, ValueType

_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?)"
_QUANTITY = re.compile(rf"\s*({_NUMBER})\s*([A-Za-z/]*)\s*\Z")
_INTEGER = re.compile(r"\s*[-+]?\d+\s*\Z")

MEMSIZE_UNITS = {
    "B": 1,
    "KiB": 1024,
    "kB": 1024,
    "MiB": 1 << 20,
    "MB": 1 << 20,
    "GiB": 1 << 30,
    "GB": 1 << 30,
}
DURATION_UNITS = {
    "ns": 1e-9,
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "min": 60.0,
    "hr": 3600.0,
    "day": 86400.0,
}
_BW_PREFIX = {"": 1, "k": 1000, "Ki": 1024, "M": 10**6, "Mi": 1 << 20, "G": 10**9, "Gi": 1 << 30}
BANDWIDTH_UNITS = {
    f"{p}{b}{s}": m * (8 if b == "B" else 1)
    for p, m in _BW_PREFIX.items()
    for b in ("b", "B")
    for s in ("/s", "ps")
}
_HOUR = 3600.0
# Range-checked parsers of ddsi__cfgelems.h (uf_duration_ms_1hr, _us_1s, _ms_1s, uf_natint_255)
DURATION_MAX: dict[str, float] = {
    "spdpinterval": _HOUR,
    "leaseduration": _HOUR,
    "ackdelay": _HOUR,
    "nackdelay": _HOUR,
    "preemptiveackdelay": _HOUR,
    "writerlingerduration": _HOUR,
    "readtimeout": _HOUR,
    "writetimeout": _HOUR,
    "retransmitmergingperiod": 1.0,
    "spdpresponsemaxdelay": 1.0,
}
INTEGER_RANGE: dict[str, tuple[int, int]] = {
    "multicasttimetolive": (0, 255),
    "maxautoparticipantindex": (0, 2**31 - 1),
    "maxparticipants": (0, 2**31 - 1),
    **{
        n: (0, 2**32 - 1)
        for n in (
            "base",
            "domaingain",
            "participantgain",
            "multicastmetaoffset",
            "unicastmetaoffset",
            "multicastdataoffset",
            "unicastdataoffset",
        )
    },
}


class Verdict(enum.Enum):
    INVALID = "invalid"  # Cyclone refuses the configuration
    NO_UNIT = "no-unit"  # accepted with "use of default unit is deprecated"


@dataclass(frozen=True, slots=True)
class Problem:
    verdict: Verdict
    reason: str  # what Cyclone says or why


def quantity(text: str, units: dict[str, float] | dict[str, int]) -> float | None:
    """A size, duration or bandwidth in base units; None if it does not parse."""
    m = _QUANTITY.match(text)
    if m is None or (m.group(2) and m.group(2) not in units):
        return None
    return float(m.group(1)) * (units[m.group(2)] if m.group(2) else 1)


def normalise(vt: ValueType, text: str) -> str:
    """The value as the XSD spells it (keywords are case-insensitive in Cyclone)."""
    if vt.kind in (Kind.BOOLEAN, Kind.ENUM, Kind.KEYWORDS):
        return text.strip().lower()
    return text.strip()


def check(vt: ValueType, text: str, name: str) -> Problem | None:
    """What Cyclone would say about ``text`` as a value of type ``vt`` (element/attr ``name``)."""
    value = text.strip()
    low = value.lower()
    kind = vt.kind
    if kind is Kind.BOOLEAN:
        return (
            None
            if low in ("true", "false")
            else Problem(Verdict.INVALID, f"'{value}': undefined value")
        )
    if kind is Kind.ENUM and vt.override:
        return (
            None if low in vt.choices else Problem(Verdict.INVALID, f"'{value}': undefined value")
        )
    if kind is Kind.KEYWORDS:
        return _keywords(vt, low)
    if kind is Kind.INTEGER:
        return _integer(value, name.lower())
    if kind is Kind.MAYBE_INT:
        if low == "default" or _INTEGER.match(value):
            return None
        return Problem(Verdict.INVALID, f"'{value}': neither 'default' nor a decimal integer")
    if kind is Kind.PARTICIPANT_INDEX:
        if low in ("auto", "none", "default") or (_INTEGER.match(value) and int(value) >= 0):
            return None
        return Problem(
            Verdict.INVALID, f"'{value}': not 'auto', 'none', 'default' or an index >= 0"
        )
    if kind is Kind.DOMAIN_ID:
        if low == "any" or (_INTEGER.match(value) and 0 <= int(value) < 2**32 - 1):
            return None
        return Problem(Verdict.INVALID, f"'{value}': neither 'any' nor a domain id below 2**32-1")
    if kind in (Kind.MEMSIZE, Kind.DURATION, Kind.BANDWIDTH):
        return _quantity(vt, value, name.lower())
    return None


def _keywords(vt: ValueType, low: str) -> Problem | None:
    if not low:
        return None if vt.allow_empty else Problem(Verdict.INVALID, "empty list")
    words = [w.strip() for w in low.split(",")]
    if len(words) == 1 and words[0] in vt.solo:
        return None
    for w in words:
        if w not in vt.choices or (w in vt.solo and len(words) > 1):
            return Problem(Verdict.INVALID, f"'{w}' in '{low}' undefined")
    return None


def _integer(value: str, name: str) -> Problem | None:
    if not _INTEGER.match(value):
        return None  # the XSD check reports it (xs:integer)
    lo, hi = INTEGER_RANGE.get(name, (-(2**63), 2**63 - 1))
    return (
        None if lo <= int(value) <= hi else Problem(Verdict.INVALID, f"{value}: value out of range")
    )


def _quantity(vt: ValueType, value: str, name: str) -> Problem | None:
    low = value.lower()
    if (vt.allow_default and low == "default") or (vt.allow_inf and low == "inf"):
        return None
    units: dict[str, float] | dict[str, int] = (
        MEMSIZE_UNITS
        if vt.kind is Kind.MEMSIZE
        else DURATION_UNITS
        if vt.kind is Kind.DURATION
        else BANDWIDTH_UNITS
    )
    m = _QUANTITY.match(value)
    if m is None:
        return Problem(Verdict.INVALID, f"{value}: invalid value")
    unit = m.group(2)
    if unit and unit not in units:
        return Problem(Verdict.INVALID, f"{unit}: unrecognised unit")
    amount = float(m.group(1)) * (units[unit] if unit else 1)
    if amount < 0 or (vt.kind is Kind.DURATION and amount > DURATION_MAX.get(name, float("inf"))):
        return Problem(Verdict.INVALID, f"{value}: value out of range")
    if not unit and float(m.group(1)) != 0:
        return Problem(Verdict.NO_UNIT, f"{value}: use of default unit is deprecated")
    return None

"""Value parsing exactly as OpenSplice's C code does it: strtol, strtod, sizes, units.

Three different consumers read the same text, with different rules:

* the configuration validator (``src/configuration/validator/code/cfg_metaConfig.c``), which
  runs when a domain is created and refuses the whole file on any error;
* the user layer and spliced (``u_cfData.c``, ``u_domain.c``), which read ``Domain`` values;
* DDSI2 (``src/services/ddsi2e/core/q_config.c``), which reads its own section with units.

Each function here returns the parsed value or ``None``; no function raises on bad input.
"""

from __future__ import annotations

import math
import re
import struct
from dataclasses import dataclass

C_SPACE = " \t\n\v\f\r"  # isspace() in the C locale
INT32 = (-(2**31), 2**31 - 1)
INT64 = (-(2**63), 2**63 - 1)
UINT64_MAX = 2**64 - 1
FLT_MIN, FLT_MAX = 1.1754943508222875e-38, 3.4028234663852886e38  # cfg_metaConfig.c defaults
DBL_MIN, DBL_MAX = 2.2250738585072014e-308, 1.7976931348623157e308

_HEX = frozenset("0123456789abcdefABCDEF")
_PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")  # no octal, hex, sign '+' or spaces
_PLAIN_FLOAT = re.compile(r"-?[0-9]+(?:\.[0-9]+)?\Z")
# strtod's subject sequence (C99 7.20.1.3) in the C locale; the exponent is consumed only
# when digits follow it, and "0x" without hex digits parses as "0".
_FLOAT = re.compile(
    r"[ \t\n\v\f\r]*[+-]?(?:"
    r"0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]+)?"
    r"|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
    r"|(?i:infinity|inf|nan(?:\([0-9A-Za-z_]*\))?)"
    r")"
)


def strtol(text: str, bits: int = 64, signed: bool = True) -> tuple[int, int]:
    """C ``strtol``/``strtoul`` with base 0: ``(value, characters consumed)``.

    Leading whitespace and a sign are accepted, ``0x`` means hex and a leading ``0`` octal.
    With no digits nothing is consumed (endptr = start). Out-of-range values saturate as
    glibc does; ``strtoul`` negates a negative number modulo 2**bits.
    """
    n = len(text)
    i = 0
    while i < n and text[i] in C_SPACE:
        i += 1
    negative = False
    if i < n and text[i] in "+-":
        negative = text[i] == "-"
        i += 1
    base = 10
    if i + 1 < n and text[i] == "0" and text[i + 1] in "xX" and i + 2 < n and text[i + 2] in _HEX:
        base, i = 16, i + 2
    elif i < n and text[i] == "0":
        base = 8
    start = i
    while i < n and text[i] in _HEX and int(text[i], 16) < base:
        i += 1
    if i == start:
        return 0, 0
    magnitude = int(text[start:i], base)
    if signed:
        lo, hi = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
        value = -magnitude if negative else magnitude
        return max(lo, min(hi, value)), i
    top = 2**bits - 1
    if magnitude > top:
        return top, i
    return ((-magnitude) % 2**bits if negative else magnitude), i


def wrap(value: int, bits: int) -> int:
    """A C cast of an integer to a signed type of ``bits`` bits (two's complement)."""
    value &= (1 << bits) - 1
    return value - (1 << bits) if value >> (bits - 1) else value


def strtod(text: str) -> tuple[float, int]:
    """C ``strtod`` in the C locale: ``(value, characters consumed)``; 0 consumed if none."""
    m = _FLOAT.match(text)
    if m is None:
        return 0.0, 0
    body = m.group(0).lstrip(C_SPACE)
    sign = -1.0 if body.startswith("-") else 1.0
    body = body.lstrip("+-")
    low = body.lower()
    if low.startswith("inf"):
        return sign * math.inf, m.end()
    if low.startswith("nan"):
        return math.nan, m.end()
    if low.startswith("0x"):
        mantissa = body if "p" in low else body + "p0"
        try:
            return sign * float.fromhex(mantissa), m.end()
        except OverflowError:
            return sign * math.inf, m.end()
    return sign * float(body), m.end()


def to_float32(value: float) -> float:
    """Round a double to single precision as ``strtof`` does (overflow gives infinity)."""
    try:
        return float(struct.unpack("f", struct.pack("f", value))[0])
    except OverflowError:
        return math.copysign(math.inf, value)


def full_int(text: str, bits: int = 32) -> int | None:
    """``(os_int32) strtol(s, &end, 0)`` with ``*end == '\\0'`` (validator int); else None.

    The cast wraps: ``4294967296`` reads as 0. An empty string is 0, as in C.
    """
    if _PLAIN_INT.match(text) and len(text) < 19:  # fast path: a short plain decimal
        return wrap(int(text), bits) if bits < 64 else int(text)
    value, end = strtol(text, 64, True)
    if end != len(text) and text:
        return None
    return wrap(value, bits) if bits < 64 else value


def full_float(text: str, single: bool = True) -> float | None:
    """``strtof``/``strtod`` consuming the whole text (validator float); else None."""
    if _PLAIN_FLOAT.match(text):  # fast path: plain decimal notation reads the same in Python
        return to_float32(float(text)) if single else float(text)
    value, end = strtod(text)
    if end != len(text) and text:
        return None
    return to_float32(value) if single else value


def validator_size(text: str) -> int | None:
    """``stringToSizeValue``: strtoull then an optional suffix whose FIRST char is K, M or G.

    Anything after that first character is ignored (``10MB`` and ``10Mfoo`` are 10 MiB);
    a space, a lower-case ``k`` or a fraction (``1.5M``) is invalid. Multiplication wraps
    modulo 2**64 like the C code.
    """
    value, end = strtol(text, 64, False)
    rest = text[end:] if end or not text else text
    if not rest:
        return value
    factor = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(rest[0])
    if factor is None:
        return None
    return (value * factor) & UINT64_MAX


def validator_bool(text: str) -> bool | None:
    """``stringToBooleanValue``: exactly ``true`` or ``false`` in any case."""
    if text.isascii():
        low = text.lower()
        if low == "true":
            return True
        if low == "false":
            return False
    return None


def ascii_lower(text: str) -> str | None:
    """``os_strcasecmp`` folding: ASCII only; None for text no ASCII label can match."""
    return text.lower() if text.isascii() else None


def inet_addr(text: str) -> str | None:
    """What C's ``inet_addr`` makes of ``text`` (short, octal and hex forms), dotted; else None.

    DDSI2 reads addresses with it (``os_sockaddrStringToAddress`` in ``os_socket.c``), so
    ``10.1`` is 10.0.0.1 and ``10.85.0.011`` is 10.85.0.9.
    """
    import socket  # here: few files hold numeric addresses, every check would pay the import

    try:
        return socket.inet_ntoa(socket.inet_aton(text))
    except (OSError, ValueError):
        return None


# --- user layer: Database/Size, Threshold (parseUnitString in src/user/code/u_cfData.c) ---
USER_SIZE_UNITS: dict[str, int] = {
    **dict.fromkeys(("B", "b"), 1),
    **dict.fromkeys(("KiB", "kB", "K", "k"), 1024),
    **dict.fromkeys(("MiB", "MB", "M", "m"), 1024**2),
    **dict.fromkeys(("GiB", "GB", "G", "g"), 1024**3),
    **dict.fromkeys(("TiB", "TB", "T", "t"), 1024**4),
}
_USER_SIZE = re.compile(r"\s*([0-9]+(?:\.[0-9]*)?|\.[0-9]+)\s*([A-Za-z]*)\s*\Z")


def user_size(text: str) -> int | None:
    """A size as the domain service reads it: number, optional spaces, 1024-based unit."""
    m = _USER_SIZE.match(text)
    if m is None or (m.group(2) not in USER_SIZE_UNITS and m.group(2)):
        return None
    return int(float(m.group(1)) * USER_SIZE_UNITS.get(m.group(2), 1))


# --- DDSI2 (q_config.c): memory sizes and durations with units ---
DDSI2_MEMSIZE_UNITS: dict[str, int] = {
    "B": 1,
    "KiB": 1024,
    "kB": 1024,
    "MiB": 1024**2,
    "MB": 1024**2,
    "GiB": 1024**3,
    "GB": 1024**3,
}
DDSI2_DURATION_UNITS: dict[str, float] = {
    "ns": 1e-9,
    "us": 1e-6,
    "ms": 1e-3,
    "s": 1.0,
    "min": 60.0,
    "hr": 3600.0,
    "day": 86400.0,
}


@dataclass(frozen=True, slots=True)
class UnitValue:
    """A DDSI2 number-with-unit: what it means and how DDSI2 reacts to its form."""

    number: float
    unit: str  # "" when no unit was given
    known_unit: bool  # unit is in DDSI2's table (or absent)

    @property
    def default_unit_warning(self) -> bool:
        """DDSI2 warns "use of default unit is deprecated": a non-zero number without unit."""
        return not self.unit and self.number != 0


def ddsi2_unit_value(text: str, units: dict[str, int] | dict[str, float]) -> UnitValue | None:
    """Split a DDSI2 value into number and unit the way ``q_config.c`` does; None if no number.

    The number is read like scanf's ``%lld``/``%lf``, spaces (only ' ') may separate it from
    the unit, and the unit is compared case-sensitively with ``strcmp``.
    """
    if not text:
        return None
    number, end = strtod(text)
    if end == 0 or math.isnan(number) or math.isinf(number):
        return None
    unit = text[end:].lstrip(" ")
    return UnitValue(number, unit, not unit or unit in units)

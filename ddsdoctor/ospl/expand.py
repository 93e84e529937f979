"""OpenSplice's ``${VAR}`` expansion, reproduced exactly, with provenance for evidence.

Mirrors ``ut_expand_envvars`` in OpenSplice (``src/utilities/code/ut_expand_envvars.c``), which
the configuration parser applies to every attribute value and element text:

* ``${X}``: the value of X; unset or empty gives ``""`` without any warning.
* ``${X:-ALT}``: X if set and non-empty, else ALT (itself expanded).
* ``${X:+ALT}``: ALT (expanded) if X is set and non-empty, else ``""``.
* ``${X:?MSG}``: X if set and non-empty, else OpenSplice logs ``X: MSG`` and the whole value
  becomes NULL, which the parser does not survive.
* A bare ``$X`` stays literal. The name is everything up to the first ``:`` or ``}``, so
  ``${X-d}`` reads the variable ``X-d`` and ``${ X }`` the variable `` X ``.
* An unterminated ``${...`` or ``${X:`` followed by anything but ``-``, ``+`` or ``?`` is an
  "invalid expansion" and also yields NULL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

_VALID_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


@dataclass(frozen=True, slots=True)
class VarRef:
    """One ``${...}`` occurrence and what it resolved to."""

    text: str  # the source text, e.g. "${OSPL_MASTER_PRIORITY:-0}"
    name: str
    op: str  # "", "-", "+" or "?"
    alt: str | None
    is_set: bool  # set and non-empty, which is what every operator tests
    result: str | None  # None when this reference aborts the expansion (":?")
    offset: int  # character offset of "$" in the raw value

    @property
    def valid_name(self) -> bool:
        return bool(_VALID_NAME.match(self.name))


@dataclass(frozen=True, slots=True)
class Expansion:
    """The outcome of expanding one raw value."""

    raw: str
    value: str | None  # None = OpenSplice would fail (":?" unset or invalid expansion)
    refs: tuple[VarRef, ...] = ()
    error: str | None = None  # "invalid expansion" text as OpenSplice would log it
    abort_message: str | None = None  # the "NAME: MSG" logged for ":?"

    @property
    def expanded(self) -> bool:
        return bool(self.refs) or self.error is not None

    def evidence(self) -> dict[str, str]:
        """``{"${X:-1}": "'1' (X unset: default)", ...}`` for every reference involved."""
        out: dict[str, str] = {}
        for ref in self.refs:
            if ref.result is None:
                out[ref.text] = f"aborts: {ref.name or '<empty name>'} unset"
            elif ref.is_set:
                out[ref.text] = repr(ref.result)
            elif ref.op == "-":
                out[ref.text] = f"{ref.result!r} ({ref.name} unset: default)"
            else:
                out[ref.text] = f"{ref.result!r} ({ref.name} unset)"
        return out


class _Invalid(Exception):
    def __init__(self, text: str) -> None:
        super().__init__(text)
        self.text = text


class _Abort(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(slots=True)
class _State:
    env: Mapping[str, str]
    refs: list[VarRef] = field(default_factory=list)


def expand(raw: str, env: Mapping[str, str]) -> Expansion:
    """Expand ``raw`` the way OpenSplice's configuration parser does."""
    if "${" not in raw:
        return Expansion(raw=raw, value=raw)
    state = _State(env)
    try:
        value = _expand(raw, state, 0)
    except _Invalid as exc:
        return Expansion(raw, None, tuple(state.refs), error=f"{exc.text}: invalid expansion")
    except _Abort as exc:
        return Expansion(raw, None, tuple(state.refs), abort_message=exc.message)
    return Expansion(raw, value, tuple(state.refs))


def _expand(src: str, state: _State, base: int) -> str:
    out: list[str] = []
    i, n = 0, len(src)
    while i < n:
        if src[i] == "$" and i + 1 < n and src[i + 1] == "{":
            text, i = _brace(src, i, state, base)
            out.append(text)
        else:
            j = src.find("$", i + 1)
            j = n if j < 0 else j
            out.append(src[i:j])
            i = j
    return "".join(out)


def _brace(src: str, start: int, state: _State, base: int) -> tuple[str, int]:
    """Expand the ``${...}`` at ``src[start]``; return (text, index after it)."""
    n = len(src)
    i = start + 2
    while i < n and src[i] not in ":}":
        i += 1
    if i >= n:
        raise _Invalid(src[start + 2 : i])
    name = src[start + 2 : i]
    if src[i] == "}":
        value = state.env.get(name) or ""
        state.refs.append(
            VarRef(src[start : i + 1], name, "", None, bool(value), value, base + start)
        )
        return value, i + 1
    i += 1  # past ':'
    if i >= n or src[i] not in "-+?":
        raise _Invalid(src[start + 2 : i])
    op = src[i]
    i += 1
    alt_start, nest = i, 0
    while i < n and (src[i] != "}" or nest > 0):
        if src[i] == "{":
            nest += 1
        elif src[i] == "}":
            nest -= 1
        elif src[i] == "\\":
            # a backslash only protects the next character while scanning; it is kept
            i += 1
            if i >= n:
                raise _Invalid(src[start + 2 : i])
        i += 1
    if i >= n:
        raise _Invalid(src[start + 2 : i])
    alt = src[alt_start:i]
    env_value = state.env.get(name) or ""
    is_set = bool(env_value)
    text = src[start : i + 1]
    result: str | None
    if op == "-":
        result = env_value if is_set else _expand(alt, state, base + alt_start)
    elif op == "+":
        result = _expand(alt, state, base + alt_start) if is_set else ""
    elif is_set:  # "?"
        result = env_value
    else:
        message = _expand(alt, state, base + alt_start)
        state.refs.append(VarRef(text, name, op, alt, False, None, base + start))
        raise _Abort(f"{name}: {message}")
    state.refs.append(VarRef(text, name, op, alt, is_set, result, base + start))
    return result, i + 1

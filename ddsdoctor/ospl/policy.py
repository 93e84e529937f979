"""Durability Policy elements as the durability service parses them (``d_configuration.c``).

Values are read leniently: enum and boolean values are compared case-insensitively and
anything unknown is silently replaced (alignee -> Initial, durability -> all kinds, aligner ->
false, masterPriority -> 255). Every replacement is recorded so rules can report it.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass
from typing import Any

from ddsdoctor.ospl.load import OsplDocument

MIN_PRIORITY = 0
MAX_PRIORITY = 255  # also the legacy-algorithm marker and the default (D_DEFAULT_MASTER_PRIORITY)
# strtol(..., 0) as the validator reads integers: decimal, 0x hex (and 0-prefixed octal)
_INT = re.compile(r"\s*[+-]?(0[xX][0-9A-Fa-f]+|[0-9]+)\s*\Z")


def parse_int(text: str) -> int:
    body = text.strip()
    sign = -1 if body.startswith("-") else 1
    digits = body.lstrip("+-")
    if digits[:2].lower() == "0x":
        return sign * int(digits, 16)
    if len(digits) > 1 and digits.startswith("0"):
        return sign * int(digits, 8) if all(c in "01234567" for c in digits) else sign * int(digits)
    return sign * int(digits)


class Alignee(enum.Enum):
    INITIAL = "Initial"
    LAZY = "Lazy"
    ON_REQUEST = "On_Request"


class DurabilityKind(enum.Enum):
    ALL = "Durable"  # "Durable" and anything unknown: every non-volatile kind
    PERSISTENT = "Persistent"
    TRANSIENT = "Transient"
    TRANSIENT_LOCAL = "Transient_Local"


_ALIGNEE = {"initial": Alignee.INITIAL, "lazy": Alignee.LAZY, "on_request": Alignee.ON_REQUEST}
_KIND = {
    "transient": DurabilityKind.TRANSIENT,
    "transient_local": DurabilityKind.TRANSIENT_LOCAL,
    "persistent": DurabilityKind.PERSISTENT,
    "durable": DurabilityKind.ALL,
}


@dataclass(frozen=True, slots=True)
class Replaced:
    """An attribute value the durability service does not recognise and silently replaces."""

    attr: str
    raw: str
    used: str
    valid: str


@dataclass(frozen=True, slots=True)
class Policy:
    """One ``NameSpaces/Policy`` as the durability service reads it."""

    element: Any  # None for the implicit default policy
    pattern: str
    aligner: bool
    alignee: Alignee
    durability: DurabilityKind
    master_priority: int  # effective: clamped, 255 when absent or unparseable
    priority_raw: str | None  # the expanded attribute value, None when absent
    delayed_alignment: bool
    equality_check: bool
    replaced: tuple[Replaced, ...] = ()

    @property
    def implicit(self) -> bool:
        return self.element is None

    @property
    def priority_parsed(self) -> int | None:
        """The integer written in masterPriority, or None when absent or not an integer."""
        if self.priority_raw is None or not _INT.match(self.priority_raw):
            return None
        return parse_int(self.priority_raw)

    @property
    def priority_set(self) -> bool:
        """True when OpenSplice found a masterPriority (and so may log the 'no effect' warning)."""
        return self.priority_parsed is not None


def _bool_true(value: str | None, default: bool) -> bool:
    # d_configuration.c: only a case-insensitive "TRUE" is true; anything else is false
    return default if value is None else value.upper() == "TRUE"


def parse_policy(doc: OsplDocument, el: Any, index: int) -> Policy:
    replaced: list[Replaced] = []
    kind_raw = doc.attr(el, "durability")
    kind = DurabilityKind.ALL
    if kind_raw is not None:
        found = _KIND.get(kind_raw.lower())
        if found is None:
            replaced.append(
                Replaced(
                    "durability",
                    kind_raw,
                    "Durable (all kinds)",
                    "Durable, Persistent, Transient, Transient_Local",
                )
            )
        else:
            kind = found
    aligner_raw = doc.attr(el, "aligner")
    if aligner_raw is not None and aligner_raw.upper() not in ("TRUE", "FALSE"):
        replaced.append(Replaced("aligner", aligner_raw, "false", "true, false"))
    alignee_raw = doc.attr(el, "alignee")
    alignee = Alignee.INITIAL
    if alignee_raw is not None:
        found_alignee = _ALIGNEE.get(alignee_raw.lower())
        if found_alignee is None:
            replaced.append(
                Replaced("alignee", alignee_raw, "Initial", "Initial, Lazy, On_Request")
            )
        else:
            alignee = found_alignee
    delayed_raw = doc.attr(el, "delayedAlignment")
    if delayed_raw is not None and delayed_raw.upper() not in ("TRUE", "FALSE"):
        replaced.append(Replaced("delayedAlignment", delayed_raw, "false", "true, false"))
    equality_raw = doc.attr(el, "equalityCheck")
    if equality_raw is not None and equality_raw.upper() not in ("TRUE", "FALSE"):
        replaced.append(Replaced("equalityCheck", equality_raw, "false", "true, false"))
    prio_raw = doc.attr(el, "masterPriority")
    priority = MAX_PRIORITY
    if prio_raw is not None:
        if _INT.match(prio_raw):
            priority = min(MAX_PRIORITY, max(MIN_PRIORITY, parse_int(prio_raw)))
        else:
            replaced.append(Replaced("masterPriority", prio_raw, "255 (legacy selection)", "0-255"))
    pattern = doc.attr(el, "nameSpace")
    return Policy(
        element=el,
        pattern=pattern if pattern is not None else f"NoName{index}",
        aligner=_bool_true(aligner_raw, True),
        alignee=alignee,
        durability=kind,
        master_priority=priority,
        priority_raw=prio_raw,
        delayed_alignment=_bool_true(delayed_raw, False),
        equality_check=_bool_true(equality_raw, False),
        replaced=tuple(replaced),
    )


IMPLICIT_POLICY = Policy(
    element=None,
    pattern="*",
    aligner=True,
    alignee=Alignee.INITIAL,
    durability=DurabilityKind.ALL,
    master_priority=MAX_PRIORITY,
    priority_raw=None,
    delayed_alignment=False,
    equality_check=False,
)


def private_policy(doc: OsplDocument, el: Any, name: str) -> Policy:
    """The policy a deprecated-syntax NameSpace gets (``resolveNameSpaceDeprecated``)."""
    kind_raw = doc.attr(el, "durabilityKind")
    kind = _KIND.get((kind_raw or "").lower(), DurabilityKind.ALL)
    align_raw = (doc.attr(el, "alignmentKind") or "").lower()
    alignee = _ALIGNEE.get(align_raw, Alignee.INITIAL)
    # only alignmentKind="INITIAL_AND_ALIGNER" makes the node an aligner in this mode
    aligner = align_raw == "initial_and_aligner"
    return Policy(
        element=el,
        pattern=name,
        aligner=aligner,
        alignee=alignee,
        durability=kind,
        master_priority=MAX_PRIORITY,
        priority_raw=None,
        delayed_alignment=False,
        equality_check=False,
    )

"""Whether a writer and a reader can ever match: partitions and requested/offered QoS.

Partition names may hold the wildcards ``*`` and ``?`` (POSIX fnmatch, DDS 1.4 §2.2.3.13); a
wildcard expression is matched against plain names only, never against another expression.
QoS compatibility follows the RxO rules of DDS 1.4 §2.2.3 (table "QoS policies").
"""

from __future__ import annotations

import re
from functools import lru_cache

from ddsdoctor.discovery import Qos

_WILD = frozenset("*?")


def _is_wild(name: str) -> bool:
    return not _WILD.isdisjoint(name)


@lru_cache(maxsize=4096)
def _pattern(expr: str) -> re.Pattern[str]:
    out = []
    for ch in expr:
        out.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
    return re.compile("".join(out) + r"\Z", re.DOTALL)


def partition_names_match(a: str, b: str) -> bool:
    if a == b:
        return True
    wa, wb = _is_wild(a), _is_wild(b)
    if wa and wb:
        return False
    if wa:
        return bool(_pattern(a).match(b))
    if wb:
        return bool(_pattern(b).match(a))
    return False


def partitions_match(writer: tuple[str, ...], reader: tuple[str, ...]) -> bool:
    """True when any partition of one side matches any of the other (() = default "")."""
    ws = writer or ("",)
    rs = reader or ("",)
    return any(partition_names_match(w, r) for w in ws for r in rs)


def incompatible_policies(offered: Qos, requested: Qos) -> list[str]:
    """Names of the policies where the writer offers less than the reader requests."""
    bad = []
    if offered.reliability < requested.reliability:
        bad.append("reliability")
    if offered.durability < requested.durability:
        bad.append("durability")
    if offered.deadline_s > requested.deadline_s:
        bad.append("deadline")
    if offered.latency_budget_s > requested.latency_budget_s:
        bad.append("latency_budget")
    if offered.liveliness < requested.liveliness or (
        offered.liveliness_lease_s > requested.liveliness_lease_s
    ):
        bad.append("liveliness")
    if offered.ownership != requested.ownership:
        bad.append("ownership")
    if offered.destination_order < requested.destination_order:
        bad.append("destination_order")
    if (
        offered.presentation_scope < requested.presentation_scope
        or (requested.coherent_access and not offered.coherent_access)
        or (requested.ordered_access and not offered.ordered_access)
    ):
        bad.append("presentation")
    return bad

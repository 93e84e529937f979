"""OpenSplice ``*``/``?`` wildcard patterns: matching, overlap, and partition-topic splitting.

OpenSplice matches namespace and policy names, partition and topic expressions with its own
pattern matcher (``d_patternMatch`` in the durability service, ``v_partitionStringMatchesExpr``
in the kernel): ``*`` matches any run of characters (also none), ``?`` exactly one, and every
other character, ``[`` included, only itself. Matching is case-sensitive.
"""

from __future__ import annotations

import functools
import re

WILDCARDS = frozenset("*?")


@functools.lru_cache(maxsize=1024)
def _regex(pattern: str) -> re.Pattern[str]:
    parts = []
    for ch in pattern:
        if ch == "*":
            parts.append(".*")
        elif ch == "?":
            parts.append(".")
        else:
            parts.append(re.escape(ch))
    return re.compile("".join(parts), re.DOTALL)


def matches(name: str, pattern: str) -> bool:
    """True when ``name`` matches ``pattern`` as a whole (case-sensitive)."""
    return _regex(pattern).fullmatch(name) is not None


def has_wildcard(pattern: str) -> bool:
    return any(ch in WILDCARDS for ch in pattern)


def overlap(a: str, b: str) -> bool:
    """True when some string matches both patterns (e.g. ``ncsa*`` and ``ncsa.lsst.*``)."""

    @functools.cache
    def go(i: int, j: int) -> bool:
        if i == len(a) and j == len(b):
            return True
        if i < len(a) and a[i] == "*":
            # '*' in a matches nothing, or eats one character that b can produce
            if go(i + 1, j):
                return True
            return j < len(b) and (go(i, j + 1) if b[j] != "*" else go(i, j + 1) or go(i + 1, j))
        if j < len(b) and b[j] == "*":
            return go(i, j + 1) or (i < len(a) and go(i + 1, j))
        if i == len(a) or j == len(b):
            return False
        if a[i] == "?" or b[j] == "?" or a[i] == b[j]:
            return go(i + 1, j + 1)
        return False

    return go(0, 0)


def split_partition_topic(expr: str) -> tuple[str, str]:
    """Split a ``partition.topic`` expression at its LAST dot, as OpenSplice does.

    No dot means the whole text is the partition and the topic is ``*``. A trailing dot gives
    an empty topic ``""``, which OpenSplice refuses.
    """
    if "." not in expr:
        return expr, "*"
    partition, topic = expr.rsplit(".", 1)
    return partition, topic

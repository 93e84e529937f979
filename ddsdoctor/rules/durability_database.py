"""Domain/Database/Size: the shared-memory database holding every TRANSIENT sample (DD430, DD431).

In shared-memory mode the durability service keeps TRANSIENT and PERSISTENT data in the domain
database, a shared-memory segment of ``Database/Size`` bytes. When it is full, writes and
alignment fail. The user layer reads the size with case-sensitive units, all powers of 1024, and
a bare number in bytes (``u_cfData.c`` ``parseUnitString``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.values import MIB, human_size, parse_size
from ddsdoctor.registry import Hit, Subject, rule

MIN_SIZE = 5 * MIB  # 64-bit minimum; smaller sizes are raised with a warning


def _round(n: int) -> bool:
    """A size a person would write: whole MiB, or a decimal with at most 3 significant digits."""
    if n % MIB == 0:
        return True
    digits = str(n).rstrip("0")
    return len(digits) <= 3


def _edits(text: str) -> Iterator[tuple[str, str]]:
    """(kind of typo, candidate text) for every one-keystroke slip of ``text``, in order."""
    for i in range(len(text) - 1):
        yield "two digits swapped", text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    for i, ch in enumerate(text):
        yield "an extra digit", text[:i] + text[i + 1 :]
        for d in "0123456789":
            if d != ch:
                yield "one digit changed", text[:i] + d + text[i + 1 :]


@functools.lru_cache(maxsize=256)  # ~100 candidates per size; fleets repeat their sizes
def typo_source(n: int) -> tuple[int, str] | None:
    """A whole-MiB size that ``n`` is one slip away from, and what the slip was."""
    for kind, cand in _edits(str(n)):
        if cand and cand[0] != "0":
            value = int(cand)
            if value % MIB == 0 and value >= MIB:
                return value, kind
    return None


def _nearest_nice(n: int) -> int:
    step = 100 * MIB if n >= 100 * MIB else 10 * MIB if n >= 10 * MIB else MIB
    return max(step, round(n / step) * step)


def suspicious_size(n: int, single_process: bool) -> str | None:
    """Why a Database/Size value looks like a mistake, or None."""
    if n <= 0:
        return None
    if n < MIN_SIZE and not single_process:
        tenfold = n * 10 if (n * 10) % MIB == 0 and n * 10 >= MIN_SIZE else None
        why = (
            f"{n} bytes ({human_size(n)}) is below the 5 MiB minimum: OpenSplice logs "
            "'Incorrect database size, using minimal database size' and uses 5 MiB"
        )
        if tenfold:
            return why + f"; a digit may be missing ({human_size(tenfold)} is {tenfold})"
        if n < 100_000:
            return why + f"; if megabytes were meant, write {n}M"
        return why
    if not _round(n):
        found = typo_source(n)
        nice = _nearest_nice(n)
        why = f"{n} bytes = {human_size(n)} is not a round size"
        if found is not None:
            source, kind = found
            why += f": it is {source} ({human_size(source)}) with {kind}"
            if kind != "one digit changed":
                return why + f"; did you mean {source}?"
        return why + f"; did you mean {nice} ({human_size(nice)})?"
    if n >= 4 * 1024 * MIB and n % 10 == 0 and (n // 10) % MIB == 0:
        return (
            f"{n} bytes = {human_size(n)} is 10 times {n // 10} ({human_size(n // 10)}): check "
            "for an extra digit; the segment must fit in RAM and the shared-memory limits"
        )
    return None


@rule(
    "DD430",
    "durability.database-size-suspicious",
    Severity.WARNING,
    Subject.OSPL,
    needs=("Database",),
)
def database_size_suspicious(doc: OsplDocument) -> Iterator[Hit]:
    """``Domain/Database/Size`` looks like a typo: too small, not a round size, or 10x off.

    The database is the shared-memory segment that holds every TRANSIENT sample, reader
    queue and builtin topic of the node (the Rubin daemons needed 10 times the standard
    10 MiB). A size below 5 MiB is raised to the minimum with a warning, which usually means
    bytes were written where megabytes were meant. A size that is neither whole MiB nor a round
    decimal number (Rubin's ``504857600``, 481.5 MiB, is ``104857600`` with its first digit
    changed) or ten times a round size is most often a typing mistake. The message shows the
    value in human units.

    Fix: write the size with a unit (``500M``) or as an exact multiple of 1048576.

    Reference: OpenSplice ``u_cfData.c`` (``parseUnitString``), ``u_domain.c``; facts §1.4;
    tech note "Increasing OpenSplice daemon resources".
    """
    for el in doc.findall("Domain/Database/Size"):
        n = parse_size(doc.value(el))
        if n is None:
            continue
        why = suspicious_size(n, doc.single_process())
        if why:
            yield Hit(
                f"Database/Size {why}",
                at=el,
                text=True,
                hint="write the size with a unit, e.g. 500M, or as a multiple of 1048576",
                evidence={"bytes": n, "size": human_size(n)},
            )


@rule(
    "DD431",
    "durability.database-size",
    Severity.INFO,
    Subject.OSPL,
    default_enabled=False,
    needs=("Database",),
)
def database_size(doc: OsplDocument) -> Iterator[Hit]:
    """The shared-memory database size, in human units (off by default).

    Select this rule (``--extend-select DD431``) to list every node's ``Domain/Database/Size``
    as OpenSplice reads it, for example when comparing the daemons of a deployment. In
    single-process mode the database lives on the application's heap.

    Reference: OpenSplice ``u_cfData.c`` (``parseUnitString``); facts §1.4.
    """
    for el in doc.findall("Domain/Database/Size"):
        n = parse_size(doc.value(el))
        if n is None:
            continue
        mode = "heap (single-process)" if doc.single_process() else "shared memory"
        yield Hit(
            f"Database/Size is {human_size(n)} ({n} bytes) of {mode}",
            at=el,
            text=True,
            evidence={"bytes": n, "size": human_size(n)},
        )

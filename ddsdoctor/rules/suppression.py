"""Codes for inline suppression hygiene (``<!-- ddsdoctor: ignore[CODE] reason -->``)."""

from __future__ import annotations

from ddsdoctor.findings import Severity
from ddsdoctor.registry import Subject, declare

UNUSED = declare(
    "DD010",
    "suppression.unused",
    Severity.WARNING,
    Subject.INPUT,
    """An inline suppression suppressed nothing.

    The comment names codes that no longer fire where it applies: the problem was fixed, the
    comment moved away from its element, or the code is misspelled. A stale suppression hides
    the next real problem at that place. Delete the comment or fix its codes.

    A `<!-- ddsdoctor: ignore[...] -->` comment covers the element that follows it (with its
    attributes and descendants) and its own line; `file-ignore[...]` covers the whole file.
    """,
)
MALFORMED = declare(
    "DD011",
    "suppression.malformed",
    Severity.WARNING,
    Subject.INPUT,
    """An inline suppression comment cannot be used.

    It names no codes, names every rule (`ALL` or `DD`: blanket ignores are not supported),
    has unbalanced brackets, or names a code, prefix or rule that does not exist. The comment
    suppresses nothing. Write `<!-- ddsdoctor: ignore[DD104] reason -->` with existing codes,
    code prefixes (`DD1`), rule names or families (`network`), as `--select` takes them.
    """,
)
MISSING_REASON = declare(
    "DD012",
    "suppression.missing-reason",
    Severity.INFO,
    Subject.INPUT,
    """An inline suppression gives no reason (off by default).

    Teams that review suppressions can select this rule so that every
    `<!-- ddsdoctor: ignore[CODE] reason -->` says why the finding does not apply.
    """,
    default_enabled=False,
)

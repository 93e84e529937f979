"""Codes for input the tool cannot read or does not recognise, and for rule failures.

Loaders emit these directly; there is no rule function to run.
"""

from __future__ import annotations

from ddsdoctor.findings import Severity
from ddsdoctor.registry import Subject, declare

UNREADABLE = declare(
    "DD001",
    "input.unreadable",
    Severity.ERROR,
    Subject.INPUT,
    """The file could not be read.

    The path does not exist, is not a regular file, or cannot be opened (permissions). Nothing
    in it was checked. Fix the path or the permissions; in CI, check that the file is part of
    the checkout.
    """,
)
EMPTY = declare(
    "DD002",
    "input.empty",
    Severity.ERROR,
    Subject.INPUT,
    """The file is empty or holds only whitespace.

    OpenSplice refuses an empty configuration (`configuration parser` error) and the domain
    does not start. An empty file usually comes from a template that rendered nothing (an
    unset Helm value, a failed `envsubst`). Regenerate the file.
    """,
)
BINARY = declare(
    "DD003",
    "input.binary",
    Severity.ERROR,
    Subject.INPUT,
    """The file is binary or not valid text in its declared encoding.

    The file holds NUL bytes or bytes that do not decode, so it is not an XML configuration.
    It may be a compressed or corrupted copy. Nothing in it was checked.
    """,
)
TOO_LARGE = declare(
    "DD004",
    "input.too-large",
    Severity.ERROR,
    Subject.INPUT,
    """The file is larger than the size limit and was not parsed.

    Real configurations are a few kilobytes. The limit (8 MiB, `--max-size`) protects
    pre-commit and CI runs from huge or hostile files.
    """,
)
MALFORMED_XML = declare(
    "DD005",
    "input.malformed-xml",
    Severity.ERROR,
    Subject.INPUT,
    """The file is not well-formed XML.

    OpenSplice's configuration parser stops at the first syntax error and logs
    `configuration parser: line N, element E: ...` in `ospl-error.log`; the domain does not
    start. The finding points at the position the XML parser reported. Fix the syntax there
    (unclosed or mismatched tags, unescaped `&` or `<` in values, a stray character before
    the root element).
    """,
)
DTD_REFUSED = declare(
    "DD006",
    "input.dtd-refused",
    Severity.ERROR,
    Subject.INPUT,
    """The file declares entities or an external DTD, which are refused.

    A configuration has no use for a DTD. Entity declarations allow expansion bombs
    ("billion laughs") and external entities can read local files or reach the network, so
    ddsdoctor refuses the file without expanding or fetching anything. Remove the `<!DOCTYPE>`
    block.
    """,
)
NOT_OPENSPLICE = declare(
    "DD007",
    "input.not-opensplice",
    Severity.INFO,
    Subject.INPUT,
    """The XML file is not an OpenSplice configuration.

    Its root element is not `<OpenSplice>` (nor a configuration kind ddsdoctor knows), so no
    OpenSplice rule applies. This is reported so that a typo in the root element, or a file
    passed by mistake, does not pass silently. OpenSplice itself would log `Root element
    missing expected 'OpenSplice' but found ...`.
    """,
)
RULE_CRASHED = declare(
    "DD009",
    "tool.rule-crashed",
    Severity.ERROR,
    Subject.INPUT,
    """A rule failed with an internal error on this input.

    This is a bug in ddsdoctor, not in the input. The other rules still ran. Please report it
    with the input file (or a reduced copy) and the message, which names the rule.
    """,
)

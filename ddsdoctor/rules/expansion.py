"""``${VAR}`` expansion hazards in OpenSplice configurations (DD3xx).

OpenSplice expands variables in every attribute value and element text when the file is
parsed, in the process that parses it (spliced, or the application in single-process mode).
Nothing warns about an unset variable: it silently becomes an empty string.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.registry import Hit, Subject, rule

_BARE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")
# Free-text leaves where an empty value is harmless.
_FREE_TEXT = frozenset({"Description", "UserEntropy", "Arguments"})


def _hit(el: Any, attr: str | None, message: str, **kw: Any) -> Hit:
    return Hit(message, at=el, attr=attr, text=attr is None, **kw)


def _what(el: Any, attr: str | None) -> str:
    return f"<{el.tag}> attribute {attr}" if attr else f"<{el.tag}>"


@rule("DD301", "expansion.invalid", Severity.ERROR, Subject.OSPL)
def invalid_expansion(doc: OsplDocument) -> Iterator[Hit]:
    """A ``${...}`` reference OpenSplice cannot expand; the configuration parser fails.

    An unterminated ``${NAME`` or an operator other than ``:-``, ``:+`` and ``:?`` (for
    example the shell's ``${NAME:=default}``) makes OpenSplice log
    ``NAME: invalid expansion`` (context `configuration parser`) and the value becomes NULL,
    which the parser does not survive: the domain or application does not start.

    Fix: close the brace, or use one of the supported forms ``${X}``, ``${X:-default}``,
    ``${X:+alt}``, ``${X:?message}``.

    Reference: OpenSplice ``src/utilities/code/ut_expand_envvars.c`` (``expand_envbrace``).
    """
    for el, attr, exp in doc.expansions():
        if exp.error:
            yield _hit(
                el,
                attr,
                f"{_what(el, attr)}: '{exp.raw.strip()}' is not a valid expansion; OpenSplice "
                f"logs '{exp.error}' and fails to parse the configuration",
                hint="use ${X}, ${X:-default}, ${X:+alt} or ${X:?message}",
            )


@rule("DD302", "expansion.abort", Severity.ERROR, Subject.OSPL)
def aborting_expansion(doc: OsplDocument) -> Iterator[Hit]:
    """``${X:?message}`` with X unset: OpenSplice refuses the configuration.

    The ``:?`` form is meant to stop a deployment that forgot a variable. With the variable
    unset or empty, OpenSplice logs ``X: message`` as an error and the value becomes NULL;
    the parsing process (spliced, or the application in single-process mode) does not start.
    This is reported for the environment the check ran with (the caller's, ``--env``,
    ``--env-file`` or ``--no-env``).

    Fix: set the variable in every node's environment, or give it a default with ``:-``.

    Reference: OpenSplice ``ut_expand_envvars.c`` (``expand_env``, case ``'?'``).
    """
    for el, attr, exp in doc.expansions():
        if exp.abort_message:
            yield _hit(
                el,
                attr,
                f"{_what(el, attr)}: OpenSplice would abort with '{exp.abort_message}' "
                f"({doc.env_label})",
                hint="set the variable for this node, or use ${X:-default}",
            )


@rule("DD303", "expansion.malformed-name", Severity.WARNING, Subject.OSPL)
def malformed_name(doc: OsplDocument) -> Iterator[Hit]:
    """A ``${...}`` names a variable that cannot exist, so it always expands to empty.

    OpenSplice takes everything up to the first ``:`` or ``}`` as the name. ``${X-d}`` (the
    shell's form without a colon) reads a variable literally called ``X-d``, which is never
    set, so the value silently becomes empty instead of ``d``. Spaces or a newline inside the
    braces (``${ X }``) are part of the name too, and ``${}`` has no name at all.

    Fix: write ``${X:-d}`` for a default, and remove whitespace inside the braces.

    Reference: OpenSplice ``ut_expand_envvars.c`` (``expand_envbrace`` name scan).
    """
    for el, attr, exp in doc.expansions():
        for ref in exp.refs:
            if ref.valid_name:
                continue
            name = ref.name
            if "-" in name and not name.startswith("-"):
                var, default = name.split("-", 1)
                detail = (
                    f"'{ref.text}' reads a variable literally named '{name}', not {var} with "
                    f"default '{default}'; it expands to ''"
                )
                hint = f"write ${{{var.strip()}:-{default}}}"
            elif not name.strip():
                detail = f"'{ref.text}' has no variable name; it expands to ''"
                hint = "put a variable name inside the braces"
            else:
                detail = (
                    f"'{ref.text}': the name {name!r} contains characters a variable cannot "
                    "have; it expands to ''"
                )
                hint = f"write ${{{name.strip()}}} without whitespace"
            yield _hit(el, attr, f"{_what(el, attr)}: {detail}", hint=hint)


@rule("DD304", "expansion.unset-variable", Severity.WARNING, Subject.OSPL)
def unset_variable(doc: OsplDocument) -> Iterator[Hit]:
    """A variable without a default is unset, so OpenSplice silently uses an empty value.

    ``${X}`` with X unset expands to an empty string with no warning at all. When the whole
    value becomes empty, the service reads an empty setting: an empty ``<Id>`` or
    ``masterPriority`` is invalid, an empty ``<Partition>`` means the default partition, an
    empty ``NetworkInterfaceAddress`` is not AUTO. This is reported as an error when the value
    becomes empty and is not free text, and as a warning when only part of it is lost. It is
    checked against the environment the check ran with: pass the deployment's values with
    ``--env`` or ``--env-file``.

    Fix: set the variable on every node, or give it a default: ``${X:-value}``.

    Reference: OpenSplice ``ut_expand_envvars.c`` (``expand_env``: unset gives "").
    """
    for el, attr, exp in doc.expansions():
        if exp.value is None:
            continue
        unset = [r for r in exp.refs if r.op == "" and not r.is_set and r.valid_name]
        if not unset:
            continue
        names = ", ".join(sorted({r.name for r in unset}))
        whole = not exp.value.strip()
        free = attr is None and el.tag in _FREE_TEXT
        if whole:
            msg = (
                f"{_what(el, attr)} becomes empty: {names} unset and has no default "
                f"({doc.env_label})"
            )
        else:
            msg = (
                f"{_what(el, attr)} becomes {exp.value.strip()!r}: {names} unset and has no "
                f"default ({doc.env_label})"
            )
        yield _hit(
            el,
            attr,
            msg,
            hint="set it for every node or write ${X:-default}; check with --env-file",
            severity=Severity.ERROR if whole and not free else None,
        )


@rule("DD305", "expansion.bare-dollar", Severity.WARNING, Subject.OSPL)
def bare_dollar(doc: OsplDocument) -> Iterator[Hit]:
    """``$NAME`` without braces is not expanded: OpenSplice keeps the text literally.

    The configuration parser only expands ``${NAME}``. A shell habit such as
    ``<Partition>$LSST_DDS_PARTITION_PREFIX.*</Partition>`` leaves the dollar sign and name
    in the value, so the setting silently means something else (here a partition that no
    application uses).

    Fix: write ``${NAME}``.

    Reference: OpenSplice ``ut_expand_envvars.c`` (``ut_expand_envvars`` only handles ``${``).
    """
    for el, attr, raw in doc.dollar_values():
        for m in _BARE.finditer(raw):
            yield _hit(
                el,
                attr,
                f"{_what(el, attr)}: '${m.group(1)}' is not expanded by OpenSplice (only "
                f"${{...}} is); the value keeps the literal text",
                hint=f"write ${{{m.group(1)}}}",
            )

"""``${VAR}`` expansion hazards in Cyclone DDS configurations (DD730-DD732).

Cyclone expands environment variables in every value when it reads the configuration, in the
process that creates the first participant (``ddsrt_expand_envvars``): ``${X}``,
``${X:-default}``, ``${X:+alt}`` and ``${X:?message}``, never a bare ``$X``. It also provides
``${CYCLONEDDS_PID}`` and ``${CYCLONEDDS_DOMAIN_ID}``. The checks use the environment the check
ran with (the caller's, ``--env``, ``--env-file`` or ``--no-env``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ddsdoctor.cyclone.load import CycloneDocument
from ddsdoctor.cyclone.schema import Kind
from ddsdoctor.cyclone.structure import local
from ddsdoctor.findings import Severity
from ddsdoctor.ospl.expand import Expansion
from ddsdoctor.registry import Hit, Subject, rule

_BARE = re.compile(r"\$([A-Za-z_][A-Za-z0-9_]*)")


def _values(doc: CycloneDocument) -> Iterator[tuple[Any, str | None, Expansion]]:
    """Every element text and attribute value that contains a '$', with its expansion."""
    for el in doc.root.iter():
        if not isinstance(el.tag, str):
            continue
        if "$" in (el.text or "") or any(
            "$" in (c.tail or "") for c in el if not isinstance(c.tag, str)
        ):
            exp = doc.expansion(el)
            if exp is not None:
                yield el, None, exp
        for name, value in el.attrib.items():
            if "$" in value:
                exp = doc.expansion(el, name)
                if exp is not None:
                    yield el, name, exp


def _what(el: Any, attr: str | None) -> str:
    return f"<{local(el)}> attribute {attr}" if attr else f"<{local(el)}>"


@rule("DD730", "cyclone.invalid-expansion", Severity.ERROR, Subject.CYCLONE)
def invalid_expansion(doc: CycloneDocument) -> Iterator[Hit]:
    """A ``${...}`` Cyclone cannot expand, or ``${X:?message}`` with X unset: it refuses the file.

    An unterminated ``${X``, or an operator other than ``:-``, ``:+`` and ``:?`` (the shell's
    ``${X:=default}``), makes Cyclone log ``X:: invalid expansion``; ``${X:?message}`` with X
    unset or empty logs ``X: message``. Either way the value is lost and Cyclone reports
    ``parser error failed in data callback``: no participant can be created.

    Fix: close the brace, use ``${X:-default}``, or set the variable the ``:?`` asks for.

    Reference: ``ddsrt/src/expand_vars.c`` (``expand_varbrace``, ``expand_var``); checked with
    0.10.2 and 11.0.1.
    """
    for el, attr, exp in _values(doc):
        if exp.error:
            yield Hit(
                f"{_what(el, attr)}: '{exp.raw.strip()}' is not a valid expansion; Cyclone logs "
                f"'{exp.error}' and refuses the configuration",
                at=el,
                attr=attr,
                text=attr is None,
                hint="use ${X}, ${X:-default}, ${X:+alt} or ${X:?message}",
            )
        elif exp.abort_message:
            yield Hit(
                f"{_what(el, attr)}: Cyclone would log '{exp.abort_message}' and refuse the "
                f"configuration ({doc.env_label})",
                at=el,
                attr=attr,
                text=attr is None,
                hint="set the variable for this process, or use ${X:-default}",
            )


@rule("DD731", "cyclone.unset-variable", Severity.WARNING, Subject.CYCLONE)
def unset_variable(doc: CycloneDocument) -> Iterator[Hit]:
    """A ``${X}`` without default whose variable is unset: the value silently loses that part.

    Cyclone expands an unset variable to an empty string without a warning. When a typed
    setting becomes empty (an integer, a size, a keyword) Cyclone refuses the configuration
    with ``empty string is not a valid value``: reported as an error. ``${X-d}`` (the shell form
    without a colon) reads a variable literally named ``X-d``, which is never set, so the
    default is never used.

    Fix: set the variable for every process that reads the file, or give a default:
    ``${X:-value}``. Check with the deployment's values using ``--env`` or ``--env-file``.

    Reference: ``ddsrt/src/expand_vars.c`` (``expand_var``: unset gives ""); checked with
    0.10.2 and 11.0.1.
    """
    for el, attr, exp in _values(doc):
        if exp.value is None:
            continue
        unset = [r for r in exp.refs if r.op == "" and not r.is_set]
        if not unset:
            continue
        names = ", ".join(sorted({r.name for r in unset}))
        spec = doc.spec(el)
        vtype = (
            doc.structure.attrs_of.get(el, {}).get(attr) if attr else (spec.value if spec else None)
        )
        typed = vtype is not None and vtype.kind not in (Kind.STRING, Kind.GROUP)
        empty = not exp.value.strip()
        dash = next((r for r in unset if "-" in r.name), None)
        if dash is not None:
            var, _, default = dash.name.partition("-")
            hint = f"write ${{{var}:-{default}}}"
        else:
            hint = "set it for every process or write ${X:-default}; check with --env-file"
        result = "becomes empty" if empty else f"becomes '{exp.value.strip()}'"
        tail = (
            "; Cyclone refuses the configuration ('empty string is not a valid value')"
            if empty and typed
            else ""
        )
        yield Hit(
            f"{_what(el, attr)} {result}: {names} unset and without a default "
            f"({doc.env_label}){tail}",
            at=el,
            attr=attr,
            text=attr is None,
            hint=hint,
            severity=Severity.ERROR if empty and typed else None,
        )


@rule("DD732", "cyclone.bare-dollar", Severity.WARNING, Subject.CYCLONE)
def bare_dollar(doc: CycloneDocument) -> Iterator[Hit]:
    """``$NAME`` without braces: Cyclone does not expand it and keeps the text literally.

    Cyclone's configuration reader only expands the braced form. ``<OutputFile>$HOME/dds.log``
    writes to a directory literally named ``$HOME``; for a typed setting the literal text is an
    invalid value and the configuration is refused (``$X: invalid value``).

    Fix: write ``${NAME}``.

    Reference: ``ddsrt/src/expand_vars.c`` (``ddsrt_expand_vars`` handles ``${`` only; the
    ``$X`` form is for the shell-style variant Cyclone uses elsewhere); checked with 11.0.1.
    """
    for el in doc.root.iter():
        if not isinstance(el.tag, str):
            continue
        for attr, raw in [(None, el.text), *el.attrib.items()]:
            for m in _BARE.finditer(raw or ""):
                yield Hit(
                    f"{_what(el, attr)}: '${m.group(1)}' is not expanded by Cyclone (only "
                    f"${{...}} is); the value keeps the literal text",
                    at=el,
                    attr=attr,
                    text=attr is None,
                    hint=f"write ${{{m.group(1)}}}",
                )

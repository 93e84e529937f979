"""Value checks of OpenSplice's configuration validator (DD205-DD208).

Values are checked after ``${VAR}`` expansion, element text trimmed and attribute values as
written, exactly as ``cfg_metaConfig.c`` converts them. Values owned by the semantic rules
(durability ``Policy`` attributes, ``NetworkInterfaceAddress``) are not checked here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl import conversions
from ddsdoctor.ospl.checks import suggestions
from ddsdoctor.ospl.issues import Found, Issue, says_incorrect, what
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import Kind
from ddsdoctor.ospl.validate import of
from ddsdoctor.registry import Hit, Subject, rule

_REFUSED = "OpenSplice's configuration validator rejects the file and the domain does not start"


def _evidence(f: Found) -> dict[str, str]:
    return says_incorrect(f.element, f.attr, f.value)


def _untrimmed(f: Found) -> str:
    if f.attr and f.value is not None and f.value != f.value.strip():
        return " (attribute values are not trimmed: remove the spaces)"
    return ""


@rule("DD205", "schema.invalid-value", Severity.ERROR, Subject.OSPL)
def invalid_value(doc: OsplDocument) -> Iterator[Hit]:
    """A value that is not of the type OpenSplice expects (boolean, integer, number).

    The configuration validator converts each value the way OpenSplice's C code does:
    booleans must be exactly ``true`` or ``false`` (any case; ``yes``, ``1`` or ``TRUE `` with a
    space are wrong), integers go through ``strtol(..., 0)`` (decimal, ``0x`` hex, a leading
    ``0`` means octal, so ``08`` is invalid) with nothing after the number, numbers through
    ``strtof``. A value that does not convert makes it log ``Element 'X' incorrect value 'V'``
    and the domain does not start. Element text is trimmed first; attribute values are not.
    The check runs on the value after ``${VAR}`` expansion, so an unset variable can cause it.

    Fix: write the value in the expected form (the finding names the type).

    Reference: OpenSplice ``src/configuration/validator/code/cfg_metaConfig.c``
    (``stringToBooleanValue``, ``stringToIntValue``, ``stringToFloatValue``).
    """
    for f in of(doc, Issue.INVALID_VALUE):
        assert f.spec is not None
        yield Hit(
            f"{what(f)} value '{f.value}' {f.detail}{_untrimmed(f)}: {_REFUSED}",
            at=f.element,
            attr=f.attr,
            text=f.text,
            hint="write true or false" if f.spec.kind is Kind.BOOLEAN else None,
            evidence=_evidence(f),
        )


@rule("DD206", "schema.invalid-enum", Severity.ERROR, Subject.OSPL)
def invalid_enum(doc: OsplDocument) -> Iterator[Hit]:
    """A value that is not one of the words OpenSplice allows for this setting.

    Enumerations (``Scheduling/Class``, ``Report@verbosity``, ``FailureAction``, DDSI2
    ``Tracing/Verbosity``, ...) are compared case-insensitively with the allowed labels. Any
    other word makes the validator log ``Element 'X' incorrect value 'V'`` and the domain
    does not start.

    Fix: use one of the listed values.

    Reference: OpenSplice ``cfg_metaConfig.c`` (``cfg_enumLabelExist``).
    """
    for f in of(doc, Issue.INVALID_ENUM):
        assert f.spec is not None
        close = suggestions((f.value or "").strip(), f.spec.values)
        yield Hit(
            f"{what(f)} value '{f.value}' is not one of {f.detail}{_untrimmed(f)}: {_REFUSED}",
            at=f.element,
            attr=f.attr,
            text=f.text,
            hint=f"did you mean {' or '.join(close)}?" if close else f"use one of {f.detail}",
            evidence=_evidence(f),
        )


@rule("DD207", "schema.out-of-range", Severity.ERROR, Subject.OSPL)
def out_of_range(doc: OsplDocument) -> Iterator[Hit]:
    """A number outside the range OpenSplice allows, or a string that is too long.

    The validator compares numbers with the metaconfig's minimum and maximum (for example
    ``Lease/ExpiryTime@update_factor`` 0.01..1.0, ``MulticastTimeToLive`` 0..255) and string
    lengths with its ``maxLength``; it logs ``Element 'X' incorrect value 'V'`` and the domain
    does not start. Integers are converted like C does (``(int32) strtol``), so a huge number
    can wrap around. An empty value (for example from an unset ``${VAR}``) reads as 0.

    Fix: use a value inside the range the finding shows.

    Reference: OpenSplice ``cfg_metaConfig.c`` (``cfg_intElementCheckValue`` and friends).
    """
    for f in of(doc, Issue.OUT_OF_RANGE):
        yield Hit(
            f"{what(f)} value '{f.value}' {f.detail}: {_REFUSED}",
            at=f.element,
            attr=f.attr,
            text=f.text,
            evidence=_evidence(f),
        )


@rule("DD208", "schema.size-unit", Severity.ERROR, Subject.OSPL)
def size_unit(doc: OsplDocument) -> Iterator[Hit]:
    """A size written with a unit or format the configuration validator refuses.

    Size settings (``Database/Size``, ``Database/Threshold``, networking buffer sizes) are
    read by the validator as a whole number (``strtoull``, so ``0x`` hex works) optionally
    followed directly by a suffix whose first letter is ``K``, ``M`` or ``G`` (upper case,
    1024-based). ``10 MB`` (space), ``64kB`` (lower-case k), ``1.5G`` (fraction) and ``512B``
    are refused: ``Element 'X' incorrect value 'V'`` and the domain does not start. This is
    confusing because the domain service itself (``parseUnitString`` in the user layer) would
    accept ``10 MB``, ``64kB`` or ``1.5G`` for ``Database/Size`` and ``Threshold``, and DDSI2
    uses yet another syntax (``10 MiB``, see DD231).

    Fix: write a plain byte count or a number followed directly by K, M or G, e.g.
    ``<Size>500M</Size>``.

    Reference: OpenSplice ``cfg_metaConfig.c`` (``stringToSizeValue``); ``u_cfData.c``
    (``parseUnitString``); ``../shared/reference/opensplice-facts.md`` §1.2, §1.3.
    """
    for f in of(doc, Issue.SIZE_UNIT):
        assert f.spec is not None
        value = f.value or ""
        note = ""
        if f.spec.name in ("Size", "Threshold") and f.spec.section == "Domain":
            size = conversions.user_size(value)
            if size is not None:
                note = f" (the domain service itself would read it as {size} bytes)"
        yield Hit(
            f"{what(f)} value '{value}' is not a size the validator accepts: a whole number, "
            f"optionally followed directly by K, M or G{note}: {_REFUSED}",
            at=f.element,
            attr=f.attr,
            text=f.text,
            hint="write e.g. 500M or a plain number of bytes",
            evidence=_evidence(f),
        )

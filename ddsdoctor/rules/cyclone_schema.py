"""Cyclone DDS configuration schema rules (DD700-DD709): what makes Cyclone refuse a file.

Cyclone validates its configuration only when the first participant is created: a mistake
surfaces as ``config: ... unknown element`` in the application's log and
``dds_create_participant`` failing, on every node that reads the file. These rules report the
same problems at commit time, with the exact line and column. The checks follow Cyclone's
parser (names and keywords case-insensitive, namespaces ignored) over the model of the XSD
shipped with ddsdoctor; see ``ddsdoctor/cyclone/``.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.cyclone.load import CycloneDocument
from ddsdoctor.cyclone.structure import Issue, IssueKind, local
from ddsdoctor.findings import Severity
from ddsdoctor.registry import Hit, Subject, rule


def hits(doc: CycloneDocument, *kinds: IssueKind) -> Iterator[Hit]:
    """The document's issues of the given kinds, as hits."""
    for i in doc.issues:
        if i.kind in kinds:
            yield to_hit(i)


def to_hit(i: Issue) -> Hit:
    return Hit(
        i.message,
        at=i.element,
        attr=i.attr,
        text=i.text,
        hint=i.hint,
        evidence=dict(i.evidence),
        severity=i.severity,
    )


@rule("DD700", "cyclone.fragment-root", Severity.ERROR, Subject.CYCLONE)
def fragment_root(doc: CycloneDocument) -> Iterator[Hit]:
    """A file whose root is a bare Cyclone section such as ``<Domain>``: Cyclone rejects it.

    Cyclone accepts a configuration without the ``<CycloneDDS>`` (and ``<Domain>``) wrapper only
    when the XML is written inline in ``CYCLONEDDS_URI``. A *file* must have ``<CycloneDDS>`` as
    its root: otherwise Cyclone logs ``config: /: Domain: unknown element`` and no participant
    can be created. ddsdoctor still checks the settings inside as if they were wrapped.

    Fix: wrap the content in ``<CycloneDDS><Domain>...</Domain></CycloneDDS>``.

    Reference: ``ddsi_config.c`` (``implicit_toplevel`` is only allowed for inline XML); checked
    with Cyclone DDS 0.10.2 and 11.0.1.
    """
    if doc.fragment is not None:
        name = local(doc.root)
        wrap = "<CycloneDDS>" if doc.fragment.name == "Domain" else "<CycloneDDS><Domain>"
        yield Hit(
            f"the root element is <{name}>: Cyclone reads a file only when its root is "
            f"<CycloneDDS> and rejects this one ('config: /: {name}: unknown element'); the bare "
            f"form works only inline in CYCLONEDDS_URI",
            at=doc.root,
            hint=f"wrap the content in {wrap}...",
        )


@rule("DD701", "cyclone.unknown-element", Severity.ERROR, Subject.CYCLONE)
def unknown_element(doc: CycloneDocument) -> Iterator[Hit]:
    """An element that is not a Cyclone DDS setting: Cyclone refuses the whole configuration.

    Cyclone logs ``config: //CycloneDDS/Domain/General: Foo: unknown element`` and participant
    creation fails, so the application does not start. Usually a typo (names are matched
    case-insensitively, so case is not the problem) or a setting taken from another DDS
    implementation. The hint suggests the closest valid name.

    Fix: correct the name, or remove the element.

    Reference: ``ddsi_config.c`` (``find_cfgelem_by_name``); the Cyclone DDS configuration
    reference (``docs/manual/config/config_file_reference.rst``).
    """
    yield from hits(doc, IssueKind.UNKNOWN_ELEMENT)


@rule("DD702", "cyclone.misplaced-element", Severity.ERROR, Subject.CYCLONE)
def misplaced_element(doc: CycloneDocument) -> Iterator[Hit]:
    """A valid Cyclone setting in the wrong place: Cyclone rejects it as an unknown element.

    Cyclone looks names up only among the children of the enclosing element, so
    ``<AllowMulticast>`` inside ``<Interfaces>`` (instead of ``<General>``) is an "unknown
    element" and the configuration is refused, even though the setting exists. This is common
    when a snippet is pasted one level too deep. The message says where the setting belongs.

    Fix: move the element to the place named in the message.

    Reference: ``ddsi_config.c`` (``proc_elem_open``); seen in real configurations (corpus:
    husarion-ugv-autonomy).
    """
    yield from hits(doc, IssueKind.MISPLACED)


@rule("DD703", "cyclone.unknown-attribute", Severity.ERROR, Subject.CYCLONE)
def unknown_attribute(doc: CycloneDocument) -> Iterator[Hit]:
    """An attribute Cyclone does not know: it refuses the configuration.

    Cyclone logs ``config: ...: nam: unknown attribute`` and participant creation fails. On the
    root, only ``xmlns``, ``xmlns:xsi``, ``xsi:schemaLocation`` and
    ``xsi:noNamespaceSchemaLocation`` are accepted: Cyclone reads namespace declarations as
    ordinary attributes, so another ``xmlns:prefix`` (or an ``xmlns`` on an inner element) is
    rejected too.

    Fix: correct the attribute name (see the hint) or remove it.

    Reference: ``ddsi_config.c`` (``proc_attr``) and ``root_cfgattrs`` in ``ddsi__cfgelems.h``.
    """
    yield from hits(doc, IssueKind.UNKNOWN_ATTRIBUTE)


@rule("DD704", "cyclone.invalid-value", Severity.ERROR, Subject.CYCLONE)
def invalid_value(doc: CycloneDocument) -> Iterator[Hit]:
    """A value Cyclone cannot parse or that is out of range: it refuses the configuration.

    Booleans must be ``true`` or ``false`` (``1`` is "undefined value"); keywords must come from
    the documented set; sizes and durations need a number and a unit Cyclone knows, case
    included (``64 KiB``, ``10 MB``, ``100 ms``; not ``10 KB`` or ``5 sec``); some durations
    are bounded (``SPDPInterval`` at most 1 hr). Integer, boolean and keyword values are
    validated with lxml's XMLSchema against the shipped XSD; sizes, durations and the values the
    XSD leaves as free text are checked with Cyclone's own grammar. Values containing
    ``${VAR}`` are checked after expansion.

    Fix: use a value of the type named in the message.

    Reference: the XSD shipped in ``ddsdoctor/cyclone/data``; ``ddsi_config.c`` (``uf_*``
    parsers, ``unittab_memsize``, ``unittab_duration``).
    """
    yield from hits(doc, IssueKind.INVALID_VALUE)


@rule("DD705", "cyclone.duplicate-setting", Severity.ERROR, Subject.CYCLONE)
def duplicate_setting(doc: CycloneDocument) -> Iterator[Hit]:
    """The same setting twice in one ``<Domain>``: Cyclone refuses the configuration.

    Within one ``<Domain>`` section Cyclone allows each setting once, even when the two copies
    sit in two separate ``<General>`` elements: it logs ``only 1 instance allowed`` and
    participant creation fails. (Repeating a setting in a *later* ``<Domain>`` section is
    allowed and overrides; see DD764.)

    Fix: keep one of the two.

    Reference: ``ddsi_config.c`` (``do_update``: multiplicity check); checked with 0.10.2 and
    11.0.1.
    """
    yield from hits(doc, IssueKind.DUPLICATE)


@rule("DD706", "cyclone.missing-setting", Severity.ERROR, Subject.CYCLONE)
def missing_setting(doc: CycloneDocument) -> Iterator[Hit]:
    """A required attribute or element is missing: Cyclone refuses the configuration.

    Some settings have no default: ``Peer`` needs ``Address``, ``Thread`` needs ``Name``,
    DDS Security's ``Authentication`` needs ``IdentityCA``, ``IdentityCertificate`` and
    ``PrivateKey``. Without them Cyclone logs ``element missing in configuration``. A common
    form is ``<Peer>10.0.0.1</Peer>``, text instead of the ``Address`` attribute.

    Fix: add the missing attribute or element, e.g. ``<Peer Address="10.0.0.1"/>``.

    Reference: ``ddsi_config.c`` (``set_default``: no default value).
    """
    yield from hits(doc, IssueKind.MISSING)


@rule("DD707", "cyclone.text-in-group", Severity.ERROR, Subject.CYCLONE)
def text_in_group(doc: CycloneDocument) -> Iterator[Hit]:
    """Text inside an element that only holds other elements: Cyclone refuses it.

    Elements such as ``<Discovery>``, ``<General>`` or ``<Peer>`` take no text. Cyclone logs
    ``config: ...: X: no data expected`` and participant creation fails.

    Fix: remove the text or put it in the child element or attribute it was meant for.

    Reference: ``ddsi_config.c`` (``proc_elem_data``).
    """
    yield from hits(doc, IssueKind.TEXT_IN_GROUP)


@rule("DD708", "cyclone.missing-unit", Severity.WARNING, Subject.CYCLONE)
def missing_unit(doc: CycloneDocument) -> Iterator[Hit]:
    """A size or duration without a unit: Cyclone guesses the unit and warns.

    ``<MaxMessageSize>1400</MaxMessageSize>`` is read in the default unit with the warning
    ``use of default unit is deprecated``; a reader of the file cannot tell whether bytes,
    seconds or milliseconds were meant, and a future release may refuse it.

    Fix: write the unit (``1400 B``, ``100 ms``).

    Reference: ``ddsi_config.c`` (``uf_natint64_unit``); checked with 0.10.2 and 11.0.1.
    """
    yield from hits(doc, IssueKind.MISSING_UNIT)


@rule("DD709", "cyclone.namespace-prefix", Severity.ERROR, Subject.CYCLONE)
def namespace_prefix(doc: CycloneDocument) -> Iterator[Hit]:
    """A namespace prefix on an element: Cyclone does not process namespaces and rejects it.

    Cyclone's XML parser reads ``<c:Domain>`` as an element literally named ``c:Domain``, which
    is unknown, so the configuration is refused (``config: /: c:CycloneDDS: unknown element``
    for the root). A default namespace (``xmlns="https://cdds.io/config"`` on the root) is
    fine.

    Fix: drop the prefix and, if wanted, declare the namespace as the default on the root.

    Reference: ``ddsrt/xmlparser.c`` (no namespace handling); checked with 0.10.2 and 11.0.1.
    """
    if doc.root.prefix and doc.is_root_cyclone:
        yield Hit(
            f"the root is <{doc.root.prefix}:{local(doc.root)}>: Cyclone does not process XML "
            f"namespaces and rejects the file ('config: /: {doc.root.prefix}:{local(doc.root)}: "
            f"unknown element')",
            at=doc.root,
            hint='write <CycloneDDS xmlns="https://cdds.io/config"> without a prefix',
        )
    yield from hits(doc, IssueKind.PREFIXED)

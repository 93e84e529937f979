"""Which service sections the Domain/Service entries run (DD220-DD223).

Mirrors ``checkServices`` in OpenSplice's ``cfg_validator.c``: each ``Domain/Service`` is mapped
to a section kind through its ``Command`` and the metaconfig's ``<serviceMapping>``, each
top-level service section is listed with its ``name``, and the two lists must pair up exactly
(same kind, same name compared with ``strcmp``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.checks import suggestions
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import metaconfig
from ddsdoctor.registry import Hit, Subject, rule

_REFUSED = "OpenSplice's configuration validator rejects the file and the domain does not start"


@dataclass(frozen=True, slots=True)
class _Listed:
    element: Any  # the Domain/Service element
    name: str
    command: str | None  # None: no Command text at all
    section: str | None  # section kind the command maps to
    enabled: bool


@dataclass(frozen=True, slots=True)
class _Pairing:
    listed: list[_Listed]
    configured: list[tuple[str, str, Any]]  # (section kind, name, element)
    unmatched_listed: list[_Listed]
    unmatched_configured: list[tuple[str, str, Any]]


def command_key(command: str) -> str:
    """The validator's normalisation: cut at the LAST '.', then keep what follows the last '/'.

    ``findServiceMappingByCommand`` does it in this order, so ``/opt/ospl-6.9/bin/ddsi2`` reads
    as ``ospl-6`` and maps to nothing.
    """
    path = command.replace("\\", "/")
    if "." in path:
        path = path[: path.rindex(".")]
    return path.rsplit("/", 1)[-1]


def _pairing(doc: OsplDocument) -> _Pairing:
    """The validator's two service lists and what stays unpaired, once per document."""
    return doc.cached("service_pairing", lambda: _pair(doc))


def _pair(doc: OsplDocument) -> _Pairing:
    commands = metaconfig().commands
    kinds = frozenset(commands.values())
    configured = [
        (el.tag, doc.attr(el, "name") or "", el)
        for el in doc.root
        if el.tag in kinds and el.get("name") is not None
    ]
    listed: list[_Listed] = []
    domain = doc.root.find("Domain")
    for el in () if domain is None else domain.iterchildren("Service"):
        name = doc.attr(el, "name")
        if name is None:
            continue  # reported as a missing attribute
        enabled_raw = doc.attr(el, "enabled")
        command_el = el.find("Command")
        command = None
        if command_el is not None and (command_el.text is not None or len(command_el)):
            command = doc.value(command_el)
        section = commands.get(command_key(command)) if command is not None else None
        listed.append(
            _Listed(
                el, name, command, section, enabled_raw is None or enabled_raw.lower() == "true"
            )
        )
    left = list(listed)
    unmatched_configured = []
    for entry in configured:
        match = next((le for le in left if le.section == entry[0] and le.name == entry[1]), None)
        if match is None:
            unmatched_configured.append(entry)
        else:
            left.remove(match)
    # validateServiceCommand: a command that maps to nothing is still accepted when it is an
    # executable on PATH and a section has the service's name; that section is then paired.
    for le in [le for le in left if le.section is None and le.command]:
        same = [e for e in unmatched_configured if e[1] == le.name]
        if same:
            unmatched_configured.remove(same[0])
            left.remove(le)
    return _Pairing(listed, configured, left, unmatched_configured)


def _says(name: str, command: str, what: str) -> dict[str, str]:
    # cfg_validator.c getListedServices prints the element like this, unbalanced tags included
    element = f'<Service name="{name}"><Command>{command}<Command></Service>'
    return {"opensplice": f"Element {element} {what}"}


def _ddsi2e_pairs(p: _Pairing) -> list[tuple[_Listed, tuple[str, str, Any]]]:
    """ddsi2e services whose only section is a DDSI2Service of the same name."""
    out = []
    for le in p.unmatched_listed:
        if le.section != "DDSI2EService":
            continue
        for entry in p.unmatched_configured:
            if entry[0] == "DDSI2Service" and entry[1] == le.name:
                out.append((le, entry))
                break
    return out


@rule("DD220", "schema.service-without-section", Severity.ERROR, Subject.OSPL)
def service_without_section(doc: OsplDocument) -> Iterator[Hit]:
    """A ``Domain/Service`` whose configuration section is missing.

    Each enabled ``<Service name="N">`` must have a section of the kind its command reads
    (``durability`` -> ``<DurabilityService name="N">``, ``ddsi2`` -> ``<DDSI2Service
    name="N">``, ...) with exactly the same name (case-sensitive). Otherwise the validator logs
    ``No configuration found for the <Service name="N">`` and the domain does not start. Even
    without the validator, the durability service stops with ``No DurabilityService
    configurations found for serviceName 'N'`` and DDSI2 runs with all defaults.

    Fix: add the section, or make its ``name`` match the service's ``name`` exactly, or set
    ``enabled="false"`` on a service you do not want to run.

    Reference: OpenSplice ``cfg_validator.c`` (``checkServices``); ``d_configuration.c``.
    """
    p = _pairing(doc)
    special = {id(le) for le, _ in _ddsi2e_pairs(p)}
    for le in p.unmatched_listed:
        if not le.enabled or le.section is None or id(le) in special:
            continue
        near = [e for e in p.configured if e[1].lower() == le.name.lower() or e[0] == le.section]
        hint = None
        if near:
            kind, name, _ = near[0]
            hint = f'there is a <{kind} name="{name}">: kind and name (case-sensitive) must match'
        yield Hit(
            f"<Service name=\"{le.name}\"> runs '{le.command}', which reads a <{le.section} "
            f'name="{le.name}"> section, and there is none: {_REFUSED}',
            at=le.element,
            hint=hint or f'add <{le.section} name="{le.name}">',
            evidence={"opensplice": f'No configuration found for the <Service name="{le.name}">'},
        )


@rule("DD221", "schema.section-not-run", Severity.ERROR, Subject.OSPL)
def section_not_run(doc: OsplDocument) -> Iterator[Hit]:
    """A service section that no ``Domain/Service`` runs.

    A ``<DDSI2Service name="N">`` (or any other service section) is only used when a
    ``Domain/Service name="N"`` with a matching command exists. An orphan section usually means
    a renamed service or a copy-paste mistake, so the settings you edit there are not the ones
    the running service uses. The validator rejects the file with ``No matching service with
    name="N" found under Domain`` and the domain does not start. A section listed twice is
    reported too: each Domain/Service pairs with one section only.

    Fix: make the section's ``name`` equal to the ``name`` of the ``Domain/Service`` that should
    use it (case-sensitive), add the ``Domain/Service``, or delete the section.

    Reference: OpenSplice ``cfg_validator.c`` (``checkServices``).
    """
    p = _pairing(doc)
    special = {id(entry[2]) for _, entry in _ddsi2e_pairs(p)}
    for kind, name, el in p.unmatched_configured:
        if id(el) in special:
            continue
        if any(le.name == name and le.section is None for le in p.listed):
            continue  # its service's command maps to nothing: reported once, as DD222
        twins = [e for e in p.configured if e[0] == kind and e[1] == name]
        services = [le for le in p.listed if le.name.lower() == name.lower()]
        if len(twins) > 1:
            message = f'a second <{kind} name="{name}">: each Domain/Service pairs with one section'
            hint = "merge the two sections"
        elif services and services[0].name != name:
            le = services[0]
            message = (
                f'<{kind} name="{name}"> is not run: the service is named "{le.name}" and '
                f"OpenSplice compares the names case-sensitively"
            )
            hint = f'write name="{le.name}"'
        elif services:
            le = services[0]
            message = (
                f'<{kind} name="{name}"> is not run: <Service name="{le.name}"> runs '
                f"'{le.command}', which reads <{le.section}>, not <{kind}>"
            )
            hint = "make the service's command match this section"
        else:
            message = f'<{kind} name="{name}"> is not run by any Domain/Service'
            hint = f'add <Service name="{name}"> to Domain, or delete the section'
            for service in doc.root.iterfind("Domain/Service"):
                wrong = [a for a in service.attrib if a.lower() == "name" and a != "name"]
                if wrong and service.get(wrong[0]) == name:
                    hint = f"the <Service> that should run it spells the attribute '{wrong[0]}'"
        yield Hit(
            f"{message}: {_REFUSED}",
            at=el,
            attr="name",
            hint=hint,
            evidence={"opensplice": f'No matching service with name="{name}" found under Domain'},
        )


@rule("DD222", "schema.unknown-command", Severity.ERROR, Subject.OSPL)
def unknown_command(doc: OsplDocument) -> Iterator[Hit]:
    """A ``Domain/Service`` command that names no OpenSplice service.

    The validator maps the command's file name (without directory and extension) to a service
    kind: ``durability``, ``ddsi2``, ``ddsi2e``, ``networking``, ``snetworking``, ``cmsoap``,
    ``dbmsconnect``, ``rnr``, ``nwbridge``, ``cmagent``. Anything else is refused with
    ``Element <Service name="N"><Command>C<Command></Service> command 'C' is incorrect``,
    unless ``C`` is an executable on the node's PATH and a section with the service's name
    exists (then it logs an INFO and accepts it); that case is a warning here because the PATH
    of the node is not known. Beware: the validator cuts at the last ``.`` of the whole path,
    so ``/opt/ospl-6.9/bin/ddsi2`` reads as ``ospl-6``.

    Fix: use one of the service commands, or a plain path to it.

    Reference: OpenSplice ``cfg_validator.c`` (``findServiceMappingByCommand``,
    ``validateServiceCommand``).
    """
    p = _pairing(doc)
    names = {e[1] for e in p.configured}
    known = ", ".join(sorted(metaconfig().commands))
    for le in p.listed:
        if le.section is not None:
            continue
        command_el = le.element.find("Command")
        at = command_el if command_el is not None else le.element
        if not le.command:
            if le.command == "" and "${" in "".join(command_el.itertext()):
                continue  # emptied by unset variables: reported once, by DD304
            if command_el is not None:
                yield Hit(
                    f'<Service name="{le.name}"> has an empty <Command>'
                    f"{' (after ${VAR} expansion)' if le.command == '' else ''}: {_REFUSED}",
                    at=at,
                    text=True,
                    hint=f"write one of {known}",
                    evidence=_says(
                        le.name,
                        "",
                        "missing command value"
                        if le.command is None
                        else "command '' is incorrect",
                    ),
                )
            continue
        maybe = bool(le.command) and le.name in names  # os_locate("") always fails
        tail = (
            "the validator accepts it only if it is an executable on the node's PATH"
            if maybe
            else _REFUSED
        )
        key = command_key(le.command)
        read_as = f" (read as '{key}')" if key != le.command else ""
        close = suggestions(key, metaconfig().commands)
        directory, _, base = le.command.replace("\\", "/").rpartition("/")
        dotted_dir = "." in directory and "." not in base
        hint = (
            "the validator cuts the command at its last '.', here inside a directory name: "
            "use a path without dots or the plain command name"
            if dotted_dir
            else f"did you mean {' or '.join(close)}?"
            if close
            else f"use one of {known}"
        )
        yield Hit(
            f"<Service name=\"{le.name}\"> command '{le.command}'{read_as} maps to no "
            f"OpenSplice service: {tail}",
            at=at,
            text=True,
            hint=hint,
            evidence=_says(le.name, le.command, f"command '{le.command}' is incorrect"),
            severity=Severity.WARNING if maybe else None,
        )


@rule("DD223", "schema.ddsi2e-section-kind", Severity.ERROR, Subject.OSPL)
def ddsi2e_section_kind(doc: OsplDocument) -> Iterator[Hit]:
    """A ``ddsi2e`` service configured with a ``<DDSI2Service>`` section.

    DDSI2E itself reads a ``<DDSI2EService>`` section and, failing that, a ``<DDSI2Service>``
    one with its name, so the service would run. But OpenSplice's configuration validator
    pairs the ``ddsi2e`` command only with ``<DDSI2EService>``: it reports both ``No matching
    service with name="N" found under Domain`` and ``No configuration found for the <Service
    name="N">`` and the domain does not start. It also checks the section against the DDSI2
    description, which lacks the DDSI2E-only elements (``Partitioning``, ``Channels``,
    ``Security``). OpenSplice's own NetworkPartitions example is written this way. ddsdoctor
    checks the section's content against the DDSI2E description, as the service reads it.

    Fix: rename the section to ``<DDSI2EService name="N">``.

    Reference: OpenSplice ``cfg_validator.c`` (``checkServices``, ``serviceEntryCompare``),
    ``q_config.c`` (section lookup).
    """
    for le, (_, name, el) in _ddsi2e_pairs(_pairing(doc)):
        yield Hit(
            f'<Service name="{le.name}"> runs ddsi2e with this <DDSI2Service name="{name}">: '
            f"DDSI2E would read it, but {_REFUSED} (it pairs ddsi2e only with <DDSI2EService>)",
            at=el,
            hint=f'rename the section to <DDSI2EService name="{name}">',
            evidence={
                "opensplice": f'No matching service with name="{name}" found under Domain; '
                f'No configuration found for the <Service name="{le.name}">'
            },
        )

"""Values the validator accepts but the consuming service refuses or reads otherwise (DD230-DD235).

OpenSplice's metaconfig describes many DDSI2 settings as free strings and some enumerations
case-insensitively, while the services parse them with their own, different rules. These
findings say which service does what at start-up (``ospl/runtime.py`` holds the facts).
``TimeToWaitForAligner`` (DD422) and a too small ``Database/Size`` (DD430) belong to the
durability rules and are not repeated here.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl import runtime
from ddsdoctor.ospl.issues import Issue, what
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.validate import of
from ddsdoctor.registry import Hit, Subject, rule


@rule("DD230", "schema.ddsi2-rejects", Severity.ERROR, Subject.OSPL)
def ddsi2_rejects(doc: OsplDocument) -> Iterator[Hit]:
    """A DDSI2 setting the validator accepts but DDSI2 refuses at start-up.

    DDSI2 parses its section with its own table (``q_config.c``), which is stricter than the
    metaconfig. On any error it logs ``config: DDSI2EService/<path>: <problem>`` and exits with
    ``Could not initialise configuration``: the node has no networking. Checked here:

    * ``Sizing/Watermarks``: listed in the metaconfig, unknown to DDSI2 (``unknown element``);
      the watermarks live in ``Internal/Watermarks``;
    * ``Threads/Thread@Name``: only DDSI2's thread names (``recv``, ``tev``, ``gc``, ``lease``,
      ``dq.builtins``, ``xmit.user``, ``dq.user``, ``debmon``; DDSI2E adds per-channel threads);
      others give ``unknown thread``;
    * ``Discovery/ParticipantIndex``: ``auto``, ``none`` or 0..120;
    * ``Discovery/DomainId``: ``default`` or 0..230;
    * ``General/AllowMulticast``: a comma list of ``false``, ``spdp``, ``asm``, ``ssm``, ``true``.

    Fix: as the finding says (move the watermarks to ``Internal``, use a valid keyword).

    Reference: OpenSplice ``src/services/ddsi2e/core/q_config.c``;
    ``../shared/reference/opensplice-facts.md`` §1.3, §1.5.
    """
    for f in of(doc, Issue.DDSI2_REJECTS):
        if f.detail == "unknown-element":
            yield Hit(
                f"<{f.element.tag}> under <{f.element.getparent().tag}> is in OpenSplice's "
                f"description, but DDSI2 does not know it: DDSI2 logs 'unknown element' and "
                f"exits, so the node has no networking",
                at=f.element,
                hint=f"move it to {runtime.DDSI2_UNKNOWN['Sizing/Watermarks']}",
            )
            continue
        yield Hit(
            f"{what(f)} value '{f.value}' {f.detail}",
            at=f.element,
            attr=f.attr,
            text=f.text,
        )


@rule("DD231", "schema.ddsi2-unit", Severity.ERROR, Subject.OSPL)
def ddsi2_unit(doc: OsplDocument) -> Iterator[Hit]:
    """A DDSI2 duration or memory size with a unit DDSI2 does not know, or without a unit.

    DDSI2 reads durations as a number and a unit (``ns``, ``us``, ``ms``, ``s``, ``min``,
    ``hr``, ``day``) and memory sizes as a number and ``B``, ``KiB``, ``kB``, ``MiB``, ``MB``,
    ``GiB`` or ``GB`` (all 1024-based). Units are case-sensitive and may be separated by
    spaces. An unknown unit (``10 sec``, ``64 kb``) is an error: DDSI2 exits with ``Could not
    initialise configuration``. A bare number other than 0 is accepted with DDSI2's default
    unit and the warning ``use of default unit is deprecated`` (reported here as a warning),
    which easily means milliseconds where seconds were meant. The metaconfig describes these
    settings as plain strings, so the validator does not catch either case.

    Fix: always write the unit, e.g. ``<LeaseDuration>11 s</LeaseDuration>``,
    ``<WhcHigh>500 kB</WhcHigh>``.

    Reference: OpenSplice ``q_config.c`` (``uf_memsize``, ``uf_duration_*``,
    ``lookup_multiplier``).
    """
    for f in of(doc, Issue.DDSI2_UNIT):
        yield Hit(
            f"{what(f)} value '{f.value}' {f.detail}",
            at=f.element,
            attr=f.attr,
            text=f.text,
            hint="write the number with a unit, e.g. '10 s' or '64 KiB'",
            severity=None if f.fatal else Severity.WARNING,
        )


@rule("DD232", "schema.failure-action-case", Severity.WARNING, Subject.OSPL)
def failure_action_case(doc: OsplDocument) -> Iterator[Hit]:
    """A ``FailureAction`` not written in lower case: spliced ignores it and uses ``skip``.

    The validator accepts ``Kill`` or ``RESTART`` (enumerations are case-insensitive), but
    spliced compares the value case-sensitively with ``kill``, ``restart``, ``skip`` and
    ``systemhalt``. Anything else logs ``Incorrect <FailureAction> parameter for <service> ->
    default`` and the default ``skip`` applies: a crashed service is NOT restarted and the
    node silently runs without it (for example without durability).

    Fix: write the action in lower case: ``<FailureAction>restart</FailureAction>``.

    Reference: OpenSplice spliced ``serviceMonitor.c``/``s_configuration.c``;
    ``../shared/reference/opensplice-facts.md`` §1.4.
    """
    for f in of(doc, Issue.FAILURE_ACTION):
        service = f.element.getparent()
        name = doc.attr(service, "name") if service is not None else None
        consequence = {
            "restart": ", so the service is not restarted when it dies",
            "kill": ", so the domain is not stopped when the service dies",
            "systemhalt": ", so the node is not halted when the service dies",
        }.get(f.detail, "")
        yield Hit(
            f"<FailureAction> '{f.value}' is not lower case: spliced compares it "
            f"case-sensitively and uses 'skip' instead of '{f.detail}' for service "
            f"'{name}'{consequence}",
            at=f.element,
            text=True,
            hint=f"write {f.detail}",
        )


@rule("DD235", "schema.domain-id-range", Severity.ERROR, Subject.OSPL)
def domain_id_range(doc: OsplDocument) -> Iterator[Hit]:
    """A ``Domain/Id`` above 230: the metaconfig allows it, OpenSplice does not.

    The description allows ids up to 2147483646, but the domain refuses ids outside 0..230
    (``Invalid value for domainId in configuration ... Valid values are from 0 to 230``) and
    DDSI2 refuses them too, because the DDSI port numbers (7400 + 250 * id + ...) would not fit
    in 16 bits. Nothing starts.

    Fix: use a domain id from 0 to 230 (the RTPS specification recommends fewer than 230).

    Reference: OpenSplice ``src/user/code/u_domain.c`` (``u_domainNew``), ``q_config.c``
    (``uf_domainId``); ``../shared/reference/opensplice-facts.md`` §1.4, §6.
    """
    for f in of(doc, Issue.DOMAIN_ID):
        yield Hit(
            f"<{f.element.tag}> value '{f.value}' {f.detail}: the domain service and DDSI2 "
            f"refuse it and nothing starts",
            at=f.element,
            text=True,
            hint="use a domain id from 0 to 230",
        )

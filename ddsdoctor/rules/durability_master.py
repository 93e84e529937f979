"""Durability master selection settings in one file: masterPriority, aligner, Lazy masters (DD40x).

Every rule here reads the durability model of ``ospl/durability.py``, so it judges only the
DurabilityService sections that an enabled Domain/Service runs, with the values OpenSplice
really uses after ``${VAR}`` expansion and its silent replacements.
"""

from __future__ import annotations

from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.durability import DurabilityConfig, durability_configs
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.policy import MAX_PRIORITY, Alignee, Policy
from ddsdoctor.registry import Hit, Subject, rule

NO_EFFECT = (
    "Configuration set with no effect on //OpenSplice/DurabilityService/NameSpaces/Policy. "
    "When [@aligner] is set to 'false' [@masterPriority] has no effect."
)


def used_policies(cfg: DurabilityConfig) -> list[Policy]:
    """Configured Policies that some NameSpace actually uses, in document order."""
    used = {id(ns.policy) for ns in cfg.namespaces if ns.policy and not ns.private_policy}
    return [p for p in cfg.policies if not p.implicit and id(p) in used]


def _namespaces_of(cfg: DurabilityConfig, policy: Policy) -> str:
    names = [ns.name for ns in cfg.namespaces if ns.policy is policy]
    return ", ".join(f"'{n}'" for n in names)


@rule(
    "DD401",
    "durability.master-priority-invalid",
    Severity.ERROR,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def master_priority_invalid(doc: OsplDocument) -> Iterator[Hit]:
    """A Policy's ``masterPriority`` is not an integer from 0 to 255.

    OpenSplice's configuration validator rejects the value (``Element 'Policy': attribute
    'masterPriority' incorrect value ...``) and the domain does not start. Where validation
    does not run (no ``ospl_metaconfig.xml`` found, or ``OSPL_CONFIG_VALIDATION_DISABLED``),
    the durability service clamps numbers to 0..255 with a warning and silently treats anything
    that is not a number, an empty value from an unset variable included, as 255: the legacy
    master selection algorithm, which ignores priorities altogether.

    Fix: write a number from 0 (never master) to 254; check that the variable feeding it (such
    as ``OSPL_MASTER_PRIORITY``) is set on every node.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationResolvePolicies``); facts §1.6.
    """
    for cfg in durability_configs(doc):
        for p in cfg.policies:
            if p.implicit or p.priority_raw is None:
                continue
            n = p.priority_parsed
            if n is None:
                yield Hit(
                    f"masterPriority '{p.priority_raw}' is not an integer: the validator rejects "
                    "it, and without validation the durability service silently uses 255 (legacy "
                    "master selection)",
                    at=p.element,
                    attr="masterPriority",
                    hint="use a number from 0 to 254 (0 = never master)",
                )
            elif not 0 <= n <= MAX_PRIORITY:
                used = 0 if n < 0 else MAX_PRIORITY
                yield Hit(
                    f"masterPriority {n} is outside 0-255: the validator rejects it, and "
                    f"without validation the durability service clamps it to {used}",
                    at=p.element,
                    attr="masterPriority",
                    hint="use a number from 0 to 254 (0 = never master, 255 = legacy)",
                )


@rule(
    "DD402",
    "durability.legacy-master-selection",
    Severity.WARNING,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def legacy_master_selection(doc: OsplDocument) -> Iterator[Hit]:
    """Every Policy has masterPriority 255, so the legacy master selection algorithm is used.

    255 is the default. With every Policy at 255 the durability service ignores priorities and
    elects as master the aligner with the highest systemId, a random number drawn at start-up
    (``Domain/SystemId/Range``). Any aligner may become master, including a busy
    single-process application or a node with ``alignee=Lazy``. The Rubin tech note calls the
    legacy mode "not recommended". Reported as a warning when 255 is written (often through a
    variable), as information when masterPriority is simply absent.

    Fix: give each Policy an explicit masterPriority: a high one (e.g. 201) on the intended
    master, lower ones on backups, 0 on nodes that must never be master.

    Reference: OpenSplice ``d_configuration.c`` (``masterSelectionLegacy``),
    ``d_groupLocalListener.c`` (``d_groupLocalListenerDetermineMastersLegacy``); facts §4;
    tech note "DDS Master".
    """
    for cfg in durability_configs(doc):
        if not cfg.legacy:
            continue
        explicit = [p for p in used_policies(cfg) if p.priority_parsed == MAX_PRIORITY]
        # absent masterPriority only: a value that is not a number is DD401's
        aligners = [p for p in used_policies(cfg) if p.aligner and p.priority_raw is None]
        if explicit:
            for p in explicit:
                yield Hit(
                    f"masterPriority 255 selects the legacy master selection for namespace "
                    f"{_namespaces_of(cfg, p)}: priorities are ignored and the aligner with the "
                    "highest (random) systemId becomes master",
                    at=p.element,
                    attr="masterPriority",
                    hint="set 1-254 on master candidates and 0 elsewhere",
                )
        elif aligners:
            p = aligners[0]
            yield Hit(
                "no Policy sets masterPriority, so it defaults to 255: the durability service "
                "uses the legacy master selection, where the aligner with the highest (random) "
                "systemId becomes master",
                at=p.element,
                severity=Severity.INFO,
                hint="set masterPriority explicitly (e.g. 201 on the master, 0 on other nodes)",
            )


@rule(
    "DD403",
    "durability.master-priority-mixed",
    Severity.WARNING,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def master_priority_mixed(doc: OsplDocument) -> Iterator[Hit]:
    """Some Policies are at 255 (legacy) and others use priorities in one durability service.

    One Policy with a priority other than 255 switches the whole service to the priority
    algorithm. Namespaces whose Policy is at 255 (explicitly or by default) then simply have the
    highest priority, while fellows whose Policies are all at 255 still use the legacy
    algorithm. OpenSplice calls mixing the two "an incompatible and unsupported configuration"
    and logs ``I use priorities for namespace '...' while fellow ... uses the legacy master
    selection algorithm``.

    Fix: give every Policy an explicit priority below 255.

    Reference: OpenSplice ``d_configuration.c`` (``masterSelectionLegacy``),
    ``d_nameSpacesListener.c``; facts §4.
    """
    for cfg in durability_configs(doc):
        if cfg.legacy:
            continue
        for p in used_policies(cfg):
            if p.master_priority == MAX_PRIORITY and p.aligner:
                how = "is set to 255" if p.priority_set else "is absent (255)"
                yield Hit(
                    f"masterPriority {how} for namespace {_namespaces_of(cfg, p)} while other "
                    "Policies use priorities: this service uses the priority algorithm and ranks "
                    "these namespaces at 255, fellows with only 255 use the legacy algorithm, an "
                    "incompatible mix",
                    at=p.element,
                    attr="masterPriority" if p.priority_set else None,
                    hint="give every Policy an explicit masterPriority below 255",
                )


@rule(
    "DD404",
    "durability.priority-without-aligner",
    Severity.INFO,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def priority_without_aligner(doc: OsplDocument) -> Iterator[Hit]:
    """``masterPriority`` is set on a Policy with ``aligner=false``, where it has no effect.

    A non-aligner can never be master, whatever its priority, and OpenSplice logs a warning
    for it at start-up, even for ``masterPriority="0"``: ``Configuration set with no effect on
    //OpenSplice/DurabilityService/NameSpaces/Policy. When [@aligner] is set to 'false'
    [@masterPriority] has no effect.`` A priority above 0 here usually means the node was meant
    to be a backup master: it is not one. (The Rubin tech note's deployment sets 5 or 10 on
    non-master daemons with aligner=false; that is harmless, only the log line appears.)

    Fix: to make the node a backup master set ``aligner="true"`` (and ``alignee="Initial"``);
    otherwise drop masterPriority from this Policy.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationResolvePolicies``); facts §10.
    """
    for cfg in durability_configs(doc):
        for p in used_policies(cfg):
            if p.aligner or not p.priority_set:
                continue
            prio = p.master_priority
            detail = (
                f"this node can never be master, so priority {prio} makes it no backup"
                if prio > 0
                else "the node is already never master"
            )
            yield Hit(
                f"masterPriority {prio} with aligner=false has no effect ({detail}); OpenSplice "
                f"logs '{NO_EFFECT}'",
                at=p.element,
                attr="masterPriority",
                hint='set aligner="true" for a backup master, or remove masterPriority',
            )


@rule(
    "DD405", "durability.lazy-master", Severity.WARNING, Subject.OSPL, needs=("DurabilityService",)
)
def lazy_master(doc: OsplDocument) -> Iterator[Hit]:
    """A node can be elected durability master but only aligns lazily (``alignee=Lazy``).

    With ``aligner=true`` and ``masterPriority`` other than 0 the node is a master candidate
    (the alignee kind is not considered in the election). A Lazy or On_Request node only keeps
    the groups that its own applications use. Elected master, it answers alignment requests for
    everything else with zero samples, so historical reads time out on every node that follows
    it. This is the Rubin tech note's "Lazy master": the dedicated master daemon, with no
    application attached, ignored all topics. Fleet analysis reports it as an error naming the
    node when other nodes depend on it.

    Fix: configure the intended master with ``alignee="Initial"``; on Lazy nodes set
    ``masterPriority="0"`` or ``aligner="false"``.

    Reference: OpenSplice ``d_groupLocalListener.c``
    (``determineNewMasterPriorityIsFellowCandidate``, ``requestGroups``); facts §4 and §10
    ("Lazy master: confirmed by experiment"); tech note "Lazy master".
    """
    for cfg in durability_configs(doc):
        for p in used_policies(cfg):
            if not p.aligner or p.alignee is Alignee.INITIAL or p.master_priority == 0:
                continue
            how = (
                "legacy selection (255)"
                if p.master_priority == MAX_PRIORITY
                else (f"masterPriority {p.master_priority}")
            )
            yield Hit(
                f"aligner=true with alignee={p.alignee.value} and {how}: this node can be elected "
                f"master of namespace {_namespaces_of(cfg, p)} yet only stores groups its own "
                "applications use, so nodes aligning from it get no historical data",
                at=p.element,
                attr="alignee",
                hint='use alignee="Initial" on master candidates; set masterPriority="0" '
                "on Lazy nodes",
            )

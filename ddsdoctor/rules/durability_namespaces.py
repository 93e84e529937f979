"""NameSpace and Policy consistency in a DurabilityService section (DD406-DD411, DD414)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.durability import durability_configs
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.patterns import matches
from ddsdoctor.registry import Hit, Subject, rule

FATAL = "Unable to start with empty namespaces configuration"


@rule(
    "DD406",
    "durability.namespace-without-policy",
    Severity.ERROR,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def namespace_without_policy(doc: OsplDocument) -> Iterator[Hit]:
    """A NameSpace is matched by no Policy: the durability service refuses to start.

    When Policies are configured, each NameSpace takes the first Policy whose ``nameSpace``
    pattern matches its name. If one NameSpace matches none, the service discards every
    namespace and stops with FATAL ``Unable to start with empty namespaces configuration``. In
    single-process mode that is the application itself; in shared-memory mode the daemon's
    FailureAction applies. Often the cause is a one-letter difference (``defaultNameSpace``
    against ``defaultNamespace``): names and patterns are case-sensitive.

    Fix: make a Policy's ``nameSpace`` match the NameSpace ``name`` exactly, or use a pattern
    (``*``, ``?``).

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationResolveNameSpaces``,
    ``d_configurationFindPolicyForNameSpace``); facts §1.6.
    """
    for cfg in durability_configs(doc):
        patterns = [p.pattern for p in cfg.policies if not p.implicit]
        for ns in cfg.namespaces:
            if ns.private_policy or ns.policy is not None:
                continue
            close = [p for p in patterns if p.lower() == ns.name.lower()]
            extra = f" (a Policy names '{close[0]}': patterns are case-sensitive)" if close else ""
            yield Hit(
                f"NameSpace '{ns.name}' is matched by no Policy{extra}: the durability service "
                f"discards all namespaces and stops with FATAL '{FATAL}'",
                at=ns.element,
                attr="name" if ns.named else None,
                hint=f'add <Policy nameSpace="{ns.name}" .../> or fix the pattern',
            )


@rule(
    "DD407",
    "durability.duplicate-namespace",
    Severity.WARNING,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def duplicate_namespace(doc: OsplDocument) -> Iterator[Hit]:
    """Two NameSpace elements have the same name.

    Fellows exchange and compare namespaces by name, and master selection runs per name, so two
    namespaces called alike (each with its own partitions) are ambiguous: fellows that compare
    the partition sets of the name find them incompatible with one of the two, and alignment for
    the other set is not what the configuration suggests.

    Fix: give every NameSpace a unique name, or merge their Partition elements into one.

    Reference: OpenSplice ``d_configuration.c``, ``d_nameSpacesListener.c`` (namespace
    compatibility); facts §4.
    """
    for cfg in durability_configs(doc):
        counts = Counter(ns.name for ns in cfg.namespaces)
        seen: set[str] = set()
        for ns in cfg.namespaces:
            if counts[ns.name] > 1:
                if ns.name in seen:
                    yield Hit(
                        f"NameSpace '{ns.name}' is defined {counts[ns.name]} times: fellows "
                        "compare namespaces by name, so their partition sets conflict",
                        at=ns.element,
                        attr="name" if ns.named else None,
                        hint="rename one of them or merge their Partition elements",
                    )
                seen.add(ns.name)


@rule(
    "DD408",
    "durability.policy-value-replaced",
    Severity.ERROR,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def policy_value_replaced(doc: OsplDocument) -> Iterator[Hit]:
    """A Policy attribute has a value the durability service silently replaces.

    ``alignee``, ``durability``, ``aligner``, ``delayedAlignment`` and ``equalityCheck`` are
    compared case-insensitively with a fixed list. OpenSplice's configuration validator
    rejects any other value (``Element 'Policy': attribute '...' incorrect value ...``) and the
    domain does not start. Where validation does not run (no ``ospl_metaconfig.xml``, or
    ``OSPL_CONFIG_VALIDATION_DISABLED``) the durability service silently uses a default
    instead: an unknown alignee becomes Initial, an unknown durability covers every kind, and an
    aligner or delayedAlignment other than "true" means false.

    Fix: use one of the listed values (``On_Request`` has an underscore).

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationResolvePolicies``); facts §1.2
    and §1.6.
    """
    for cfg in durability_configs(doc):
        for p in cfg.policies:
            for r in p.replaced:
                if r.attr == "masterPriority":
                    continue  # DD401 reports masterPriority values
                yield Hit(
                    f"{r.attr}='{r.raw}' is not one of {r.valid}: the validator rejects it, and "
                    f"without validation the durability service silently uses {r.used}",
                    at=p.element,
                    attr=r.attr,
                    hint=f"use one of: {r.valid}",
                )


@rule(
    "DD409",
    "durability.deprecated-namespace-syntax",
    Severity.WARNING,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def deprecated_namespace_syntax(doc: OsplDocument) -> Iterator[Hit]:
    """A NameSpace uses the deprecated syntax, so it and every later NameSpace ignore Policies.

    A NameSpace with ``durabilityKind``, ``alignmentKind`` or ``mergePolicy`` attributes, or
    without a ``name``, switches the service into the old mode for that NameSpace and for every
    NameSpace after it. Each gets a private policy instead of the matching Policy: masterPriority
    255 (legacy selection), aligner only if ``alignmentKind="INITIAL_AND_ALIGNER"``, alignee
    from alignmentKind (Initial if absent). A later NameSpace that a Policy makes an aligner
    silently becomes a non-aligner. This is an error when that happens.

    Fix: give every NameSpace a ``name`` and move its settings to a ``Policy`` element.

    Reference: OpenSplice ``d_configuration.c`` (``resolveNameSpaceDeprecated``,
    ``d_configurationResolveNameSpaces``); facts §1.6.
    """
    for cfg in durability_configs(doc):
        for ns in cfg.namespaces:
            if not ns.private_policy or ns.policy is None:
                continue
            lost = next((p for p in ns.matching if not p.implicit), None)
            why = (
                f"it uses deprecated attributes ({', '.join(ns.deprecated)})"
                if ns.deprecated
                else "it has no name"
                if not ns.named
                else "an earlier NameSpace uses the deprecated syntax"
            )
            aligner = "an aligner" if ns.policy.aligner else "a non-aligner"
            msg = (
                f"NameSpace '{ns.name}' gets a private legacy policy because {why}: it is "
                f"{aligner} with alignee {ns.policy.alignee.value} and masterPriority 255"
            )
            sev = None
            if lost is not None:
                msg += f", and its Policy (nameSpace='{lost.pattern}') is ignored"
                if lost.aligner and not ns.policy.aligner:
                    msg += ": this node silently stops being an aligner for it"
                    sev = Severity.ERROR
            yield Hit(
                msg,
                at=ns.element,
                severity=sev,
                hint="give every NameSpace a name and put its settings in a Policy",
            )


@rule(
    "DD410",
    "durability.policy-matches-nothing",
    Severity.WARNING,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def policy_matches_nothing(doc: OsplDocument) -> Iterator[Hit]:
    """A Policy's ``nameSpace`` pattern matches no NameSpace, so its settings are ignored.

    Usually a misspelled namespace name. The NameSpace meant to use it then takes another
    Policy (often a catch-all with other settings), or none at all, which stops the durability
    service (see DD406).

    Fix: make the pattern match the NameSpace name (case-sensitive), or delete the Policy.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationFindPolicyForNameSpace``).
    """
    for cfg in durability_configs(doc):
        names = [ns.name for ns in cfg.namespaces]
        if not names:
            continue
        for p in cfg.policies:
            if p.implicit or any(matches(n, p.pattern) for n in names):
                continue
            close = [n for n in names if n.lower() == p.pattern.lower()]
            extra = f" (NameSpace '{close[0]}' differs only in case)" if close else ""
            yield Hit(
                f"Policy nameSpace='{p.pattern}' matches no NameSpace ({', '.join(names)}): "
                f"its settings apply to nothing{extra}",
                at=p.element,
                attr="nameSpace",
                hint="match the NameSpace name exactly or use a * pattern",
            )


@rule(
    "DD411",
    "durability.several-policies-match",
    Severity.WARNING,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def several_policies_match(doc: OsplDocument) -> Iterator[Hit]:
    """Several Policies match one NameSpace; only the first applies.

    The durability service takes the first matching Policy in the configuration and ignores
    the others for that NameSpace. Which one is "first" depends on the order in which the kernel
    returns configuration elements, which follows heap allocation, so a reordered or rebuilt
    configuration can change the policy silently.

    Fix: make the patterns disjoint, or put the specific Policy first and the catch-all last
    and make sure they agree on what matters.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationFindPolicyForNameSpace``);
    facts §1.3.
    """
    for cfg in durability_configs(doc):
        for ns in cfg.namespaces:
            if ns.private_policy or len(ns.matching) < 2:
                continue
            first, *rest = ns.matching
            others = ", ".join(f"'{p.pattern}'" for p in rest)
            for p in rest:
                yield Hit(
                    f"NameSpace '{ns.name}' is also matched by Policy '{p.pattern}', which is "
                    f"ignored for it: the first matching Policy ('{first.pattern}') applies "
                    f"(ignored: {others})",
                    at=p.element,
                    attr="nameSpace",
                    hint="make the nameSpace patterns disjoint",
                )


@rule(
    "DD414",
    "durability.blank-partition-topic",
    Severity.ERROR,
    Subject.OSPL,
    needs=("DurabilityService",),
)
def blank_partition_topic(doc: OsplDocument) -> Iterator[Hit]:
    """A PartitionTopic ends with a dot, so its topic is blank: the durability service stops.

    ``PartitionTopic`` is split at its last dot into partition and topic. ``lsst.`` leaves an
    empty topic: OpenSplice logs ``Topic in //OpenSplice/DurabilityService/NameSpaces/NameSpace/
    PartitionTopic of config file cannot be blank. The notation is 'partition.topic'``, drops
    every namespace and stops with FATAL ``Unable to start with empty namespaces
    configuration``. A variable that expands to nothing at the end has the same effect.

    Fix: write ``partition.*`` for every topic of a partition, or use ``<Partition>``.

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationResolveNameSpaces``).
    """
    for cfg in durability_configs(doc):
        for ns in cfg.namespaces:
            for s in ns.scopes:
                if s.source == "PartitionTopic" and s.topic == "":
                    yield Hit(
                        f"PartitionTopic '{s.text}' has a blank topic: OpenSplice logs 'Topic in "
                        ".../PartitionTopic of config file cannot be blank' and the durability "
                        f"service stops with FATAL '{FATAL}'",
                        at=s.element,
                        text=True,
                        hint=f"write '{s.text}*' (every topic) or use <Partition>",
                    )

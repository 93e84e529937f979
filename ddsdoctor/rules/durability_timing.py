"""Durability timing: discovery, attachment wait, aligner wait, heartbeats (DD420-DD424).

Runtime defaults come from ``d__configuration.h`` (they differ from the metaconfig defaults
in places: the durability heartbeat ExpiryTime is 4.0 s at run time, 10.0 in the metaconfig).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.durability import DurabilityConfig, durability_configs, max_wait_count
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.values import attr_float, first_float
from ddsdoctor.registry import Hit, Subject, rule

HB_EXPIRY = 4.0
HB_FACTOR = 0.25
DISCOVERY = 3.0
COMBINE_INITIAL = 0.5


def heartbeat_interval(doc: OsplDocument, cfg: DurabilityConfig) -> tuple[float, float]:
    """(expiry, renew interval) of the durability heartbeat, with runtime defaults and clamps."""
    expiry = HB_EXPIRY
    factor = HB_FACTOR
    el = doc.first(cfg.section, "Network/Heartbeat/ExpiryTime")
    if el is not None:
        found = first_float(doc, cfg.section, "Network/Heartbeat/ExpiryTime")
        if found is not None:
            expiry = max(0.2, found[1])
        f = attr_float(doc, el, "update_factor")
        if f is not None:
            factor = min(0.9, max(0.1, f))
    return expiry, expiry * factor


def _discovery(doc: OsplDocument, cfg: DurabilityConfig) -> tuple[Any, float]:
    found = first_float(doc, cfg.section, "Network/InitialDiscoveryPeriod")
    if found is None:
        return None, DISCOVERY
    return found[0], min(60.0, max(0.1, found[1]))


@rule(
    "DD420",
    "durability.initial-discovery-too-short",
    Severity.WARNING,
    Subject.OSPL,
    needs=("InitialDiscoveryPeriod",),
)
def initial_discovery_too_short(doc: OsplDocument) -> Iterator[Hit]:
    """``InitialDiscoveryPeriod`` is too short to hear from fellows before master selection.

    At start-up the durability service listens for fellows' heartbeats for
    InitialDiscoveryPeriod seconds, then selects a master from the fellows it knows. Fellows
    announce themselves every Heartbeat ExpiryTime x update_factor seconds (1 s by default).
    A period shorter than two heartbeat intervals (or than 1 s) lets the node decide alone: it
    picks itself or nobody as master. In OpenSplice 6.9 a node that confirmed itself master is
    not corrected when the real master appears later, so two masters coexist.

    Fix: keep InitialDiscoveryPeriod at the default 3.0 s or more, and above twice the
    heartbeat interval.

    Reference: OpenSplice ``d_configuration.c`` (InitialDiscoveryPeriod, clamped 0.1..60),
    ``d_groupLocalListener.c``; facts §1.6 and §10 ("Master conflicts").
    """
    for cfg in durability_configs(doc):
        el, period = _discovery(doc, cfg)
        if el is None:
            continue
        _, interval = heartbeat_interval(doc, cfg)
        floor = max(1.0, 2 * interval)
        if period < floor:
            yield Hit(
                f"InitialDiscoveryPeriod {period:g} s is shorter than {floor:g} s (twice the "
                f"{interval:g} s fellow heartbeat interval): the node can select a master before "
                "it hears from its fellows and confirm itself or nobody",
                at=el,
                text=True,
                hint=f"use at least {max(DISCOVERY, floor):g} s",
            )


@rule(
    "DD421",
    "durability.wait-for-attachment-short",
    Severity.WARNING,
    Subject.OSPL,
    needs=("WaitForAttachment",),
)
def wait_for_attachment_short(doc: OsplDocument) -> Iterator[Hit]:
    """``WaitForAttachment maxWaitCount`` gives the networking service under a second.

    Before aligning a new group the durability service waits, in steps of 100 ms, up to
    maxWaitCount steps for the networking service named in ServiceName to attach to it. Below
    10 steps (1 s) alignment can start before DDSI2 has attached and discovered the remote
    readers, so the first alignment requests and answers are not delivered and late joiners
    wait for the next round.

    Fix: keep maxWaitCount at 100 or more (the default is 200, 20 s at most).

    Reference: OpenSplice ``d_configuration.c``
    (``d_configurationSetNetworkWaitForAttachmentMaxWaitCount``: wait = count x 100 ms); facts
    §1.6.
    """
    for cfg in durability_configs(doc):
        el = doc.first(cfg.section, "Network/WaitForAttachment")
        if el is None:
            continue
        written = attr_float(doc, el, "maxWaitCount")
        count = max_wait_count(doc, el)
        if written is not None and count < 10:
            read_as = f" (read as {count:g})" if count != written else ""
            yield Hit(
                f"maxWaitCount {written:g}{read_as} waits at most {count * 0.1:.1f} s for the "
                "networking service to attach to a group: alignment can start before the network "
                "is ready",
                at=el,
                attr="maxWaitCount",
                hint='use maxWaitCount="100" or more',
            )


@rule(
    "DD422",
    "durability.time-to-wait-for-aligner",
    Severity.WARNING,
    Subject.OSPL,
    needs=("TimeToWaitForAligner",),
)
def time_to_wait_for_aligner(doc: OsplDocument) -> Iterator[Hit]:
    """``TimeToWaitForAligner`` is neither 0.0 nor 1.0; OpenSplice uses 1.0 (wait forever).

    Only two values are supported: 0.0 (a node with no aligner available terminates its
    durability service with an incompatible-configuration state) and 1.0 (wait indefinitely
    for an aligner). Anything else is mapped to 1.0 with the warning ``TimeToWaitForAligner
    currently only supports 0.0 and 1.0 (infinite), using 1.0 for now``: a timeout in seconds
    was probably meant, and it does not exist.

    Fix: write 1.0 (wait) or 0.0 (give up at once).

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationSetTimeToWaitForAligner``).
    """
    for cfg in durability_configs(doc):
        found = first_float(doc, cfg.section, "Network/Alignment/TimeToWaitForAligner")
        if found is not None and found[1] not in (0.0, 1.0):
            yield Hit(
                f"TimeToWaitForAligner {found[1]:g} is not supported: OpenSplice logs "
                "'TimeToWaitForAligner currently only supports 0.0 and 1.0 (infinite), using 1.0 "
                "for now' and waits forever",
                at=found[0],
                text=True,
                hint="use 1.0 (wait for an aligner) or 0.0 (do not wait)",
            )


_LEASES = (
    # (path, attr range, runtime meaning)
    ("Domain/Lease/ExpiryTime", (0.01, 1.0), "service liveliness lease"),
    ("Domain/Daemon/Heartbeat/ExpiryTime", (0.1, 0.9), "node heartbeat"),
)


@rule(
    "DD423", "durability.heartbeat-settings", Severity.WARNING, Subject.OSPL, needs=("ExpiryTime",)
)
def heartbeat_settings(doc: OsplDocument) -> Iterator[Hit]:
    """Heartbeat ``update_factor`` so high, or ExpiryTime so short, that one late beat expires.

    A heartbeat is renewed every ExpiryTime x update_factor seconds and expires after
    ExpiryTime. With update_factor above 0.5 fewer than two renewals fit in the window, so a
    single delayed heartbeat on a loaded node (the Rubin daemons logged ``Missed heartbeat for
    node ...``) makes fellows drop the node: durability re-selects masters and re-aligns, and
    spliced reports the node gone. A durability heartbeat ExpiryTime under 1 s has the same
    effect. Values outside the allowed range are clamped silently.

    Fix: keep update_factor at 0.2-0.25 and ExpiryTime at several seconds (runtime defaults:
    durability 4.0 s x 0.25, Domain Lease 10.0 s x 0.2).

    Reference: OpenSplice ``d_configuration.c`` (``d_configurationSetHeartbeatUpdateFactor``),
    ``s_configuration.c``; facts §1.4, §1.6, §10 ("Heartbeats").
    """
    for cfg in durability_configs(doc):
        el = doc.first(cfg.section, "Network/Heartbeat/ExpiryTime")
        if el is None:
            continue
        expiry, interval = heartbeat_interval(doc, cfg)
        factor = interval / expiry
        if factor > 0.5:
            yield Hit(
                f"durability heartbeat update_factor {factor:g}: renewed every {interval:g} s "
                f"for a {expiry:g} s expiry, so one late heartbeat drops the fellow and triggers "
                "master re-selection",
                at=el,
                attr="update_factor",
                hint="use update_factor 0.25",
            )
        elif expiry < 1.0:
            yield Hit(
                f"durability heartbeat ExpiryTime {expiry:g} s: a short pause on a loaded node "
                "drops it as a fellow and triggers master re-selection",
                at=el,
                text=True,
                hint="use 4.0 s or more",
            )
    for path, (low, high), what in _LEASES:
        for el in doc.findall(path):
            f = attr_float(doc, el, "update_factor")
            if f is None:
                continue
            used = min(high, max(low, f))
            if used > 0.5:
                yield Hit(
                    f"{what} update_factor {f:g}"
                    + (f" (clamped to {used:g})" if used != f else "")
                    + ": fewer than two renewals fit in the expiry time, so one late renewal "
                    "declares the node or service dead",
                    at=el,
                    attr="update_factor",
                    hint="use update_factor 0.2-0.25",
                )


@rule("DD424", "durability.startup-delay", Severity.INFO, Subject.OSPL, needs=("SingleProcess",))
def startup_delay(doc: OsplDocument) -> Iterator[Hit]:
    """In single-process mode every application waits this long before historical data.

    Each single-process application runs its own durability service. Before
    ``wait_for_historical_data`` can return it discovers fellows (InitialDiscoveryPeriod),
    confirms a master and waits RequestCombinePeriod/Initial; with the stock 3.0 s + 2.5 s a
    real OpenSplice 6.9 late joiner returned after 7-10 s. Long settings add directly to every
    process's start-up, and application timeouts shorter than this fail at random (the Rubin
    historical-read timeouts).

    Fix: make application historical-read timeouts clearly longer than this, or shorten the
    periods, or use shared-memory daemons so applications inherit an aligned node.

    Reference: facts §10 ("Alignment timing in single-process mode"); OpenSplice
    ``d_configuration.c``.
    """
    if not doc.single_process():
        return
    for cfg in durability_configs(doc):
        el, period = _discovery(doc, cfg)
        combine = first_float(doc, cfg.section, "Network/Alignment/RequestCombinePeriod/Initial")
        total = period + (combine[1] if combine else COMBINE_INITIAL)
        if total >= 10.0:
            at = el if el is not None else (combine[0] if combine else cfg.section)
            yield Hit(
                f"single-process mode: each application waits at least {total:g} s "
                f"(InitialDiscoveryPeriod {period:g} s + RequestCombinePeriod/Initial "
                f"{total - period:g} s) before its historical data is available",
                at=at,
                text=at is not cfg.section,
                hint="keep historical-read timeouts well above this",
            )

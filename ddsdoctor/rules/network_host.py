"""Host-aware network checks, run with ``ddsdoctor check --host`` (DD110-DD116).

The rules receive the host's interfaces as values (``HostFacts`` on ``doc.host``) and never
read the machine themselves; without host facts they do nothing. The selection logic is
DDSI2's own (``ddsdoctor/host/select.py``).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.ddsi import DDSI_TAGS, DdsiConfig, ddsi_configs
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.registry import Hit, Subject, rule

if TYPE_CHECKING:
    from ddsdoctor.host.facts import HostFacts
    from ddsdoctor.host.select import AutoChoice, ExplicitChoice

# ddsdoctor.host (ipaddress, socket) is imported only when host facts are given: without them
# these rules do nothing, and importing it would cost every `check` more than a file's lint.


def _host(doc: OsplDocument) -> HostFacts | None:
    host = getattr(doc, "host", None)
    if host is None:
        return None
    from ddsdoctor.host.facts import HostFacts

    return host if isinstance(host, HostFacts) else None


def _explicit(doc: OsplDocument) -> Iterator[tuple[DdsiConfig, HostFacts, ExplicitChoice]]:
    host = _host(doc)
    if host is None:
        return
    from ddsdoctor.host import select

    for cfg in ddsi_configs(doc):
        s = cfg.interface
        if s is None or cfg.interface_is_auto() or cfg.use_ipv6() or "/" in s.value:
            continue
        yield cfg, host, select.choose_explicit(host, s.value, cfg.assume_multicast())


def _auto(doc: OsplDocument) -> Iterator[tuple[DdsiConfig, HostFacts, AutoChoice]]:
    host = _host(doc)
    if host is None:
        return
    from ddsdoctor.host import select

    for cfg in ddsi_configs(doc):
        if cfg.interface_is_auto() and not cfg.use_ipv6():
            yield cfg, host, select.choose_auto(host, cfg.assume_multicast())


def _names(host: HostFacts) -> str:
    return ", ".join(i.name for i in host.interfaces) or "none"


def _hit(
    cfg: DdsiConfig,
    message: str,
    hint: str | None = None,
    severity: Severity | None = None,
    evidence: dict[str, Any] | None = None,
) -> Hit:
    s = cfg.interface
    return Hit(
        message,
        at=s.element if s else cfg.section,
        text=s is not None,
        hint=hint,
        severity=severity,
        evidence=evidence or {},
    )


@rule("DD110", "network.interface-missing", Severity.ERROR, Subject.OSPL, needs=DDSI_TAGS)
def interface_missing(doc: OsplDocument) -> Iterator[Hit]:
    """``NetworkInterfaceAddress`` names an interface this host does not have.

    DDSI2 first looks for an interface with exactly this name (case-sensitive: ``Eth0`` is not
    ``eth0``); failing that it tries the value as an address or host name. With no match it
    logs ``<value>: does not match an available interface`` and does not start, so the node has
    no network at all. Container and Multus setups name interfaces differently per host
    (``net1`` exists only where the extra network is attached).

    Fix: use the name ``ip link`` shows on this host, or an address or network part that is
    valid on every host, or AUTO where the choice is unambiguous.

    Reference: OpenSplice ``q_nwif.c`` (``find_own_ip``); facts §3. Checked with ``--host``.
    """
    for cfg, host, choice in _explicit(doc):
        from ddsdoctor.host.select import MatchKind  # host facts given: already imported

        if choice.kind is not MatchKind.NONE or choice.parsed is not None or choice.down:
            continue
        close = [i.name for i in host.interfaces if i.name.lower() == choice.value.lower()]
        extra = f" (did you mean '{close[0]}'? names are case-sensitive)" if close else ""
        what = (
            f"no interface named '{choice.value}' on {host.hostname}"
            if choice.value
            else "NetworkInterfaceAddress is empty, which is not AUTO and names no interface"
        )
        yield _hit(
            cfg,
            f"{what} (interfaces: {_names(host)}){extra}: DDSI2 logs '{choice.error()}' and "
            "does not start",
            hint="use an interface name from `ip link` on this host",
        )


@rule("DD111", "network.interface-down", Severity.ERROR, Subject.OSPL, needs=DDSI_TAGS)
def interface_down(doc: OsplDocument) -> Iterator[Hit]:
    """``NetworkInterfaceAddress`` selects an interface that is down on this host.

    DDSI2 skips interfaces that are not up when it enumerates them, so naming one (or one of
    its addresses) matches nothing: it logs ``<value>: does not match an available interface``
    and does not start.

    Fix: bring the interface up before OpenSplice starts, or select another one.

    Reference: OpenSplice ``q_nwif.c`` (``find_own_ip``: "interface down"); facts §3. Checked
    with ``--host``.
    """
    for cfg, host, choice in _explicit(doc):
        from ddsdoctor.host.select import MatchKind

        if choice.kind is MatchKind.NONE and choice.down is not None:
            yield _hit(
                cfg,
                f"interface {choice.down.name} is down on {host.hostname}: DDSI2 skips it, logs "
                f"'{choice.error()}' and does not start",
                hint=f"bring {choice.down.name} up (ip link set {choice.down.name} up)",
            )


@rule("DD112", "network.interface-no-multicast", Severity.WARNING, Subject.OSPL, needs=DDSI_TAGS)
def interface_no_multicast(doc: OsplDocument) -> Iterator[Hit]:
    """The interface DDSI2 will use cannot do multicast, but discovery relies on it.

    SPDP discovery goes to the multicast group 239.255.0.1 unless multicast is disabled. On an
    interface without the MULTICAST flag (many VPN and some container links) no other node hears
    this one. If no interface at all is multicast capable DDSI2 logs ``No multicast capable
    interfaces: disabling multicast`` and only configured Peers are contacted.

    Fix: add ``Discovery/Peers``, or use a multicast-capable interface, or list the interface in
    ``Internal/AssumeMulticastCapable`` if it does carry multicast.

    Reference: OpenSplice ``q_nwif.c``, ``q_init.c``; facts §3. Checked with ``--host``.
    """
    host = _host(doc)
    if host is None:
        return
    from ddsdoctor.host import select

    for cfg in ddsi_configs(doc):
        if cfg.multicast_disabled() or cfg.use_ipv6():
            continue
        if cfg.interface_is_auto():
            entry = select.choose_auto(host, cfg.assume_multicast()).chosen
        else:
            entry = select.choose_explicit(
                host, (cfg.interface.value if cfg.interface else ""), cfg.assume_multicast()
            ).entry
        if entry is None or entry.score == 9 or entry.interface.loopback:
            continue
        any_mc = any(i.up and i.multicast and not i.loopback for i in host.interfaces)
        tail = (
            ""
            if any_mc
            else "; no interface is multicast capable, so DDSI2 logs 'No multicast "
            "capable interfaces: disabling multicast'"
        )
        peers = "" if cfg.peers() else " and no Peers are configured"
        yield _hit(
            cfg,
            f"DDSI2 will use {entry.label}, which has no MULTICAST flag{peers}: SPDP discovery "
            f"over it reaches no other node{tail}",
            hint="add Discovery/Peers or use a multicast-capable interface",
        )


@rule("DD113", "network.address-not-on-host", Severity.ERROR, Subject.OSPL, needs=DDSI_TAGS)
def address_not_on_host(doc: OsplDocument) -> Iterator[Hit]:
    """``NetworkInterfaceAddress`` is an address that is on no interface of this host.

    An address must be one of this host's own addresses, or the network part of one
    (``10.85.0.0`` for 10.85.0.11/24). Otherwise DDSI2 logs ``<value>: does not match an
    available interface`` and does not start. A file copied between hosts with one host's own
    address in it fails this way on every other host.

    Fix: use the network part (valid on every host of the subnet) or the interface name.

    Reference: OpenSplice ``q_nwif.c`` (``find_own_ip``); facts §3. Checked with ``--host``.
    """
    for cfg, host, choice in _explicit(doc):
        from ddsdoctor.host.select import MatchKind

        if choice.kind is MatchKind.NONE and choice.parsed is not None and choice.down is None:
            nets = ", ".join(
                f"{i.name} {a.ip}/{a.prefix}" for i in host.interfaces if i.up for a in i.addresses
            )
            yield _hit(
                cfg,
                f"{choice.parsed} is not an address of {host.hostname} nor the network part of "
                f"one ({nets or 'no IPv4 addresses'}): DDSI2 logs '{choice.error()}' and does "
                "not start",
                hint="use the network part of the wanted subnet, or the interface name",
            )


@rule("DD114", "network.network-part-match", Severity.INFO, Subject.OSPL, needs=DDSI_TAGS)
def network_part_match(doc: OsplDocument) -> Iterator[Hit]:
    """``NetworkInterfaceAddress`` selects an interface by its network part.

    A value such as ``10.85.0.0`` matches the first interface (in enumeration order) whose
    address lies in that network, which keeps one configuration valid on every host of the
    subnet. This reports which interface it selects here.

    Reference: OpenSplice ``q_nwif.c`` (``find_own_ip``, network-portion match); facts §3.
    Checked with ``--host``.
    """
    for cfg, host, choice in _explicit(doc):
        from ddsdoctor.host.select import MatchKind

        if choice.kind is MatchKind.NETWORK and choice.entry is not None:
            e = choice.entry
            yield _hit(
                cfg,
                f"'{choice.value}' selects {e.interface.name} ({e.address.ip}/{e.address.prefix}) "
                f"on {host.hostname} by its network part",
            )


@rule("DD115", "network.auto-arbitrary", Severity.WARNING, Subject.OSPL, needs=DDSI_TAGS)
def auto_arbitrary(doc: OsplDocument) -> Iterator[Hit]:
    """AUTO interface selection is arbitrary on this host: several interfaces rank equally.

    With ``NetworkInterfaceAddress`` AUTO (or absent) DDSI2 ranks interfaces (multicast
    Ethernet first) and takes the first of the best in kernel enumeration order, ignoring
    routes. With several equally good interfaces, for example a pod's ``eth0`` and its Multus
    ``net1``, it logs ``using network interface eth0 (10.85.0.11) selected arbitrarily from:
    eth0, net1`` and may pick the cluster network instead of the DDS network: the node then
    discovers no one, and ``wait_for_historical_data`` even returns OK with 0 samples.

    Fix: set ``NetworkInterfaceAddress`` to the interface name or network part of the DDS
    network.

    Reference: OpenSplice ``q_nwif.c`` (``find_own_ip``); facts §3 and §10; tech note
    "Wrong network attached". Checked with ``--host``.
    """
    for cfg, host, choice in _auto(doc):
        if choice.arbitrary and choice.chosen is not None:
            others = ", ".join(e.label for e in choice.tied[1:])
            yield _hit(
                cfg,
                f"AUTO on {host.hostname}: DDSI2 will log '{choice.warning()}' and use "
                f"{choice.chosen.label}, not {others}",
                hint=f"set NetworkInterfaceAddress to the DDS interface, e.g. "
                f"{choice.tied[-1].interface.name}",
                evidence={"candidates": [e.label for e in choice.tied]},
            )


@rule("DD116", "network.auto-selection", Severity.INFO, Subject.OSPL, needs=DDSI_TAGS)
def auto_selection(doc: OsplDocument) -> Iterator[Hit]:
    """Which interface AUTO selects on this host (a warning when only loopback is left).

    Reports DDSI2's unambiguous AUTO choice. When the only usable interface is loopback the
    node can only talk to processes on the same host; with no IPv4 interface up at all DDSI2
    logs ``failed to determine default own IP address`` and does not start.

    Reference: OpenSplice ``q_nwif.c`` (``find_own_ip``); facts §3. Checked with ``--host``.
    """
    for cfg, host, choice in _auto(doc):
        if choice.chosen is None:
            yield _hit(
                cfg,
                f"no IPv4 interface is up on {host.hostname}: DDSI2 logs 'failed to determine "
                "default own IP address' and does not start",
                severity=Severity.ERROR,
            )
        elif choice.chosen.interface.loopback:
            yield _hit(
                cfg,
                f"AUTO on {host.hostname} can only select loopback {choice.chosen.label}: this "
                "node will only reach processes on the same host",
                severity=Severity.WARNING,
            )
        elif not choice.arbitrary:
            yield _hit(cfg, f"AUTO selects {choice.chosen.label} on {host.hostname}")

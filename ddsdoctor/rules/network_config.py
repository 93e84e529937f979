"""Network settings that fail on any host: addresses, multicast, participant index (DD101-DD104)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from ddsdoctor.findings import Severity
from ddsdoctor.ospl.conversions import inet_addr
from ddsdoctor.ospl.ddsi import DDSI_TAGS, DEFAULT_MAX_AUTO_INDEX, ddsi_configs
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.registry import Hit, Subject, rule

_CIDR = re.compile(r"^[0-9A-Fa-f:.]+/[0-9]{1,3}\Z")
_NUMERIC = re.compile(r"^(0[xX][0-9A-Fa-f]+|[0-9]+)(\.(0[xX][0-9A-Fa-f]+|[0-9]+)){0,3}\Z")


@rule("DD101", "network.cidr-interface-address", Severity.ERROR, Subject.OSPL, needs=DDSI_TAGS)
def cidr_interface_address(doc: OsplDocument) -> Iterator[Hit]:
    """``NetworkInterfaceAddress`` is written in CIDR notation, which DDSI2 does not accept.

    DDSI2 takes an interface name, an IP address, or the network part of an address
    (``192.168.1.0`` selects the interface in 192.168.1.0/24). ``192.168.1.0/24`` is none of
    these: it fails to parse as an address and as a host name, DDSI2 logs an error and does not
    start, so the node has no network.

    Fix: drop the ``/nn``: write the network address (``192.168.1.0``), the interface's own
    address, or the interface name.

    Reference: OpenSplice ``q_nwif.c`` (``find_own_ip``), ``os_socket.c``
    (``os_sockaddrStringToAddress``); facts §3.
    """
    for cfg in ddsi_configs(doc):
        s = cfg.interface
        if s is not None and _CIDR.match(s.value):
            net = s.value.split("/", 1)[0]
            yield Hit(
                f"NetworkInterfaceAddress '{s.value}' is CIDR notation, which DDSI2 cannot parse: "
                f"the DDSI2 service '{cfg.name}' fails to start",
                at=s.element,
                text=True,
                hint=f"write the network part '{net}' or the interface name",
            )


@rule("DD102", "network.ambiguous-address", Severity.WARNING, Subject.OSPL, needs=DDSI_TAGS)
def ambiguous_address(doc: OsplDocument) -> Iterator[Hit]:
    """An address is read by ``inet_addr`` differently from what it looks like.

    DDSI2 parses addresses with C's ``inet_addr``, which accepts legacy forms: ``10.1`` is
    10.0.0.1 (not the network 10.1.0.0), ``10.85.0.011`` has an octal part and is 10.85.0.9, and
    ``0x0a000001`` is 10.0.0.1. The node then selects, or fails to find, a different interface
    than intended, and peers are contacted at the wrong address.

    Fix: write addresses as four plain decimal numbers without leading zeros.

    Reference: OpenSplice ``os_socket.c`` (``os_sockaddrStringToAddress`` -> ``inet_addr``);
    facts §3.
    """
    for cfg in ddsi_configs(doc):
        sites: list[tuple[str, Any, str | None, str]] = []
        iface = cfg.interface
        if iface is not None:
            sites.append(("NetworkInterfaceAddress", iface.element, None, iface.value))
        for p in cfg.peers():
            attr = next((k for k in p.element.attrib if k.lower() == "address"), None)
            sites.append(("Peer", p.element, attr, p.value.split(":", 1)[0]))
        for what, el, attr, text in sites:
            if not _NUMERIC.match(text):
                continue
            real = inet_addr(text)
            if real is not None and real != text:
                yield Hit(
                    f"{what} '{text}' is read as {real} by inet_addr (short, octal or hex form)",
                    at=el,
                    attr=attr,
                    text=attr is None,
                    hint=f"write the full dotted address, e.g. '{real}' if that is meant",
                )


@rule("DD103", "network.multicast-off-no-peers", Severity.ERROR, Subject.OSPL, needs=DDSI_TAGS)
def multicast_off_no_peers(doc: OsplDocument) -> Iterator[Hit]:
    """Multicast is disabled (``AllowMulticast=false`` or TCP) and no Peers are configured.

    With ``AllowMulticast`` set to ``false`` DDSI2 sends no multicast at all, SPDP discovery
    included (``spdp`` would keep discovery multicast), and TCP mode disables multicast too.
    Discovery then only goes to the addresses in ``Discovery/Peers``. With no peer this node
    contacts nobody: it only finds nodes that list it as their peer, and two such nodes never
    find each other.

    Fix: add ``<Discovery><Peers><Peer Address="host"/></Peers></Discovery>`` entries for the
    other nodes, or use ``AllowMulticast`` ``spdp`` to keep multicast discovery.

    Reference: OpenSplice ``q_init.c`` (``set_spdp_address``), ``q_config.c``; facts §1.5.
    """
    for cfg in ddsi_configs(doc):
        if not cfg.multicast_disabled() or cfg.peers():
            continue
        setting, _ = cfg.allow_multicast()
        stray = cfg.find_all("Discovery/Peer")
        note = (
            " (the Discovery/Peer elements here are not read: DDSI2 reads "
            "Discovery/Peers/Peer[@Address])"
            if stray
            else ""
        )
        why = (
            "TCP is enabled (which disables multicast)"
            if cfg.tcp_enabled()
            else ("AllowMulticast is false (no SPDP multicast either)")
        )
        yield Hit(
            f"{why} and no Discovery/Peers are configured: DDSI2 '{cfg.name}' contacts no one, "
            f"so this node only finds nodes that list it as a peer{note}",
            at=setting.element if setting else cfg.section,
            text=setting is not None,
            hint="add Discovery/Peers/Peer entries, or set AllowMulticast to spdp",
        )


@rule(
    "DD104",
    "network.participant-index-limit",
    Severity.WARNING,
    Subject.OSPL,
    needs=("SingleProcess",),
)
def participant_index_limit(doc: OsplDocument) -> Iterator[Hit]:
    """In single-process mode the participant index limits OpenSplice processes per host.

    Each single-process application runs its own DDSI2 service, which needs its own participant
    index (its unicast ports 7410+2i/7411+2i). ``auto`` tries 0..MaxAutoParticipantIndex
    (default 9: ten processes per host and domain) and the next process fails to start. A
    fixed index allows exactly one process per host: the second cannot bind its ports.

    Fix: use ``ParticipantIndex`` ``none`` (ephemeral ports; needs multicast discovery), or
    raise MaxAutoParticipantIndex to the number of processes per host (mind the next domain's
    port range), or use shared-memory daemons.

    Reference: OpenSplice ``q_init.c`` (``make_uc_sockets``); facts §6.
    """
    if not doc.single_process():
        return
    for cfg in ddsi_configs(doc):
        mode = cfg.index_mode()
        pi = cfg.participant_index()
        if mode.isdigit() and pi is not None:
            yield Hit(
                f"single-process mode with a fixed ParticipantIndex {mode}: every application "
                "process on a host takes the same ports, so only one can run per host",
                at=pi.element,
                text=True,
                hint="use ParticipantIndex auto or none",
            )
        elif mode == "auto":
            setting, n = cfg.max_auto_index()
            if setting is not None and n < DEFAULT_MAX_AUTO_INDEX:
                yield Hit(
                    f"single-process mode with ParticipantIndex auto and MaxAutoParticipantIndex "
                    f"{n}: at most {n + 1} OpenSplice processes per host and domain; the next one "
                    "fails to start",
                    at=setting.element,
                    text=True,
                    hint="raise MaxAutoParticipantIndex or use ParticipantIndex none",
                )

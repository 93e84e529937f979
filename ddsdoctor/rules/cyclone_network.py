"""Cyclone DDS network-interface and multicast rules (DD740-DD746).

Interface selection is where Cyclone deployments fail most: a deprecated
``NetworkInterfaceAddress`` mixed with the newer ``Interfaces`` list, an interface entry that
names nothing, multicast switched off with nothing to replace it, socket buffers the kernel
will not grant. Cyclone checks these only when a participant is created, on every node.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Any

from ddsdoctor.cyclone.load import CycloneDocument, inside
from ddsdoctor.cyclone.structure import local
from ddsdoctor.cyclone.values import MEMSIZE_UNITS, quantity
from ddsdoctor.cyclone.view import interface_label, is_loopback, spdp_multicast, views
from ddsdoctor.findings import Severity
from ddsdoctor.registry import Hit, Subject, rule

_IFACE = "General/Interfaces/NetworkInterface"
_PEERS_HINT = 'add <Discovery><Peers><Peer Address="other-host"/></Peers>, or allow spdp multicast'
# Linux's default net.core.rmem_max and wmem_max (bytes).
LINUX_DEFAULT_BUFFER_MAX = 212992


def _replacement(value: str) -> str:
    if not value or value.lower() == "auto":
        return '<Interfaces><NetworkInterface autodetermine="true"/></Interfaces>'
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return f'<Interfaces><NetworkInterface name="{value}"/></Interfaces>'
    return f'<Interfaces><NetworkInterface address="{value}"/></Interfaces>'


@rule("DD740", "cyclone.network-interface-address", Severity.WARNING, Subject.CYCLONE)
def network_interface_address(doc: CycloneDocument) -> Iterator[Hit]:
    """``General/NetworkInterfaceAddress`` is deprecated: use ``General/Interfaces``.

    Since Cyclone DDS 0.10 the interface is chosen with
    ``<Interfaces><NetworkInterface name="..."/></Interfaces>``, which also allows several
    interfaces, priorities and per-interface multicast. ``NetworkInterfaceAddress`` still works
    but logs ``'NetworkInterfaceAddress': deprecated element`` in every process, and it cannot
    be combined with ``Interfaces`` (DD741). Many tutorials still show the old form.

    Fix: replace it with the snippet in the hint (``auto`` becomes ``autodetermine="true"``,
    an address becomes ``address=``, anything else a ``name=``).

    Reference: ``ddsi__cfgelems.h`` (``DEPRECATED("NetworkInterfaceAddress")``);
    eclipse-cyclonedds/cyclonedds#1434; checked with 0.10.2 and 11.0.1.
    """
    for el in doc.legacy("NetworkInterfaceAddress"):
        value = doc.value(el) or ""
        yield Hit(
            "NetworkInterfaceAddress is deprecated since Cyclone DDS 0.10; Cyclone still reads it "
            "but logs \"'NetworkInterfaceAddress': deprecated element\" in every process",
            at=el,
            hint=f"replace it with {_replacement(value)}",
            evidence={"value": value},
        )


@rule("DD741", "cyclone.deprecated-with-interfaces", Severity.ERROR, Subject.CYCLONE)
def deprecated_with_interfaces(doc: CycloneDocument) -> Iterator[Hit]:
    """``NetworkInterfaceAddress`` or ``AssumeMulticastCapable`` together with ``Interfaces``.

    When ``General/Interfaces`` lists an interface, Cyclone refuses the deprecated
    ``General/NetworkInterfaceAddress`` and ``Internal/AssumeMulticastCapable`` for the same
    domain: it logs ``General/Interfaces: do not pass deprecated configuration`` and no
    participant can be created. This happens when a new ``Interfaces`` block is added to an
    old file (or merged from another ``<Domain>`` section) without removing the old setting.

    Fix: delete the deprecated element; express it in ``NetworkInterface`` attributes
    (``name``/``address``, ``multicast="true"``).

    Reference: ``ddsi_config.c``/``ddsi_nwinterfaces.c``; checked with 0.10.2 and 11.0.1.
    """
    seen: set[int] = set()
    for view in views(doc):
        interfaces = view.all(_IFACE)
        if not interfaces:
            continue
        for el in [*doc.legacy("NetworkInterfaceAddress"), *doc.legacy("AssumeMulticastCapable")]:
            if id(el) in seen or not any(inside(el, s.element) for s in view.sections):
                continue
            seen.add(id(el))
            yield Hit(
                f"<{local(el)}> cannot be combined with General/Interfaces (line "
                f"{interfaces[0].sourceline}); Cyclone refuses the configuration ('General/"
                f"Interfaces: do not pass deprecated configuration')",
                at=el,
                hint="remove it and set the interface in <NetworkInterface> attributes",
            )


@rule("DD742", "cyclone.interface-selector", Severity.ERROR, Subject.CYCLONE)
def interface_selector(doc: CycloneDocument) -> Iterator[Hit]:
    """A ``NetworkInterface`` that names no interface, or names one and also autodetermines.

    Each entry must select an interface either by ``name`` and/or ``address``, or by
    ``autodetermine="true"``, not both. Cyclone rejects ``<NetworkInterface/>`` ("Nameless and
    address-less interface listed in interfaces") and ``autodetermine="true"`` with a name or
    address ("An autodetermined interface should not have its name or address property
    specified"); no participant can be created.

    Fix: give a ``name`` (or ``address``), or only ``autodetermine="true"``.

    Reference: ``ddsi_nwinterfaces.c``; checked with Cyclone 11.0.1.
    """
    for el in doc.find(f"CycloneDDS/Domain/{_IFACE}"):
        name, address = doc.attr(el, "name"), doc.attr(el, "address")
        auto = (doc.attr(el, "autodetermine") or "").lower() == "true"
        if auto and (name or address):
            yield Hit(
                'autodetermine="true" together with a name or address: Cyclone refuses the '
                "configuration ('An autodetermined interface should not have its name or address "
                "property specified')",
                at=el,
                attr=doc.attr_name(el, "autodetermine"),
                hint="drop autodetermine, or drop the name/address",
            )
        elif not auto and not name and not address:
            yield Hit(
                'this NetworkInterface has no name, no address and no autodetermine="true": '
                "Cyclone refuses the configuration ('Nameless and address-less interface listed "
                "in interfaces')",
                at=el,
                hint='add name="eth0" (or address=, or autodetermine="true")',
            )


@rule("DD743", "cyclone.duplicate-interface", Severity.ERROR, Subject.CYCLONE)
def duplicate_interface(doc: CycloneDocument) -> Iterator[Hit]:
    """The same network interface listed twice: Cyclone refuses the configuration.

    Two ``NetworkInterface`` entries with the same ``name`` or ``address`` (including entries
    from two ``<Domain>`` sections that both apply) select one interface twice; Cyclone logs
    ``the same interface may not be selected twice`` and no participant can be created.

    Fix: remove one entry (use ``priority`` to order interfaces).

    Reference: ``ddsi_nwinterfaces.c``; checked with Cyclone 11.0.1.
    """
    reported: set[int] = set()
    for view in views(doc):
        first: dict[tuple[str, str], Any] = {}
        for el in view.all(_IFACE):
            for key in ("name", "address"):
                value = doc.attr(el, key)
                if not value:
                    continue
                prev = first.setdefault((key, value), el)
                if prev is not el and id(el) not in reported:
                    reported.add(id(el))
                    yield Hit(
                        f"interface {key} '{value}' is already listed at line {prev.sourceline}; "
                        f"Cyclone refuses the configuration ('the same interface may not be "
                        f"selected twice')",
                        at=el,
                        attr=doc.attr_name(el, key),
                        hint="remove one of the two entries",
                    )


@rule("DD744", "cyclone.no-discovery-path", Severity.WARNING, Subject.CYCLONE)
def no_discovery_path(doc: CycloneDocument) -> Iterator[Hit]:
    """Multicast discovery is off and no peers are listed: other hosts are never discovered.

    Cyclone finds remote participants by multicasting SPDP messages, or by sending them to the
    addresses in ``Discovery/Peers``. With ``AllowMulticast`` false (or ``asm``/``ssm`` only,
    or every interface ``multicast="false"``) and no ``Peer``, no discovery message leaves the
    host: processes on the same host still find each other (Cyclone adds localhost as a peer)
    but nothing on another host ever matches, silently. Loopback-only configurations are not
    reported.

    Fix: list the other hosts in ``<Discovery><Peers><Peer Address="..."/></Peers>`` (with
    ``<ParticipantIndex>auto</ParticipantIndex>``), or allow ``spdp`` multicast.

    Reference: Cyclone DDS configuration guide, "Discovery"; ``General/AllowMulticast`` and
    ``Discovery/Peers`` in the XSD.
    """
    seen: set[int] = set()
    for view in views(doc):
        if any(doc.attr(p, "Address") for p in view.all("Discovery/Peers/Peer")):
            continue
        allow_el = view.get("General/AllowMulticast")
        allow = view.value("General/AllowMulticast", "default") or "default"
        ifaces = [i for i in view.all(_IFACE) if not is_loopback(doc, i)]
        if view.all(_IFACE) and not ifaces:
            continue  # loopback only: one host by design
        if not ifaces:
            if not spdp_multicast(allow):
                anchor = allow_el if allow_el is not None else view.sections[0].element
                if id(anchor) not in seen:
                    seen.add(id(anchor))
                    yield Hit(
                        f"AllowMulticast is '{allow}' and no <Peer> is configured ({view.label}): "
                        f"Cyclone sends no discovery message off this host, so participants on "
                        f"other hosts are never discovered",
                        at=anchor,
                        text=anchor is allow_el,
                        hint=_PEERS_HINT,
                    )
            continue
        for el in ifaces:
            if id(el) in seen or _iface_multicast(doc, el, allow):
                continue
            seen.add(id(el))
            yield Hit(
                f"interface {interface_label(doc, el)} has no multicast discovery (AllowMulticast "
                f"'{allow}', multicast='{doc.attr(el, 'multicast') or 'default'}') and no <Peer> "
                f"is configured ({view.label}): hosts reachable only through it are never "
                f"discovered",
                at=el,
                hint="add <Discovery><Peers> for those hosts, or allow spdp multicast",
            )


def _iface_multicast(doc: CycloneDocument, el: Any, allow: str) -> bool:
    if (doc.attr(el, "multicast") or "").lower() == "false":
        return False
    own = doc.attr(el, "allow_multicast")
    return spdp_multicast(own if own and own.lower() != "default" else allow)


@rule("DD745", "cyclone.multicast-conflict", Severity.WARNING, Subject.CYCLONE)
def multicast_conflict(doc: CycloneDocument) -> Iterator[Hit]:
    """An interface forces ``multicast="true"`` while multicast is disallowed: it has no effect.

    ``multicast="true"`` only tells Cyclone to treat the interface as multicast-capable (a
    workaround for interfaces that lack the flag, such as ``lo``). When ``AllowMulticast`` (or
    the interface's ``allow_multicast``) is ``false``, Cyclone uses no multicast at all, so the
    attribute changes nothing; one of the two settings does not say what the author meant. The
    reverse, ``allow_multicast`` on an interface with ``multicast="false"``, is reported too.

    Fix: decide whether this interface should use multicast, and make both settings agree.

    Reference: XSD documentation of ``NetworkInterface[@multicast]`` and ``General/AllowMulticast``.
    """
    for view in views(doc):
        allow = (view.value("General/AllowMulticast", "default") or "default").lower()
        for el in view.all(_IFACE):
            forced = (doc.attr(el, "multicast") or "").lower()
            own = (doc.attr(el, "allow_multicast") or "").lower()
            effective = own if own and own != "default" else allow
            if forced == "true" and effective == "false":
                source = "its allow_multicast" if own and own != "default" else "AllowMulticast"
                yield Hit(
                    f'interface {interface_label(doc, el)} sets multicast="true" but {source} is '
                    f"'false' ({view.label}): Cyclone uses no multicast, the attribute has no "
                    f"effect",
                    at=el,
                    attr=doc.attr_name(el, "multicast"),
                    hint='remove multicast="true", or allow multicast (e.g. spdp)',
                )
            elif forced == "false" and own and own not in ("false", "default"):
                yield Hit(
                    f"interface {interface_label(doc, el)} allows multicast '{own}' but is marked "
                    f'multicast="false": Cyclone never uses multicast on it',
                    at=el,
                    attr=doc.attr_name(el, "allow_multicast"),
                    hint="remove one of the two attributes",
                )


@rule("DD746", "cyclone.socket-buffer-minimum", Severity.WARNING, Subject.CYCLONE)
def socket_buffer_minimum(doc: CycloneDocument) -> Iterator[Hit]:
    """A minimum socket buffer size above Linux's default limit: Cyclone may refuse to start.

    ``SocketReceiveBufferSize min=`` (and the older ``MinimumSocketReceiveBufferSize``) is a
    requirement: if the kernel does not grant it, Cyclone logs ``failed to increase socket
    receive buffer size to at least N bytes, current is M bytes`` and participant creation
    fails. Linux caps the size at ``net.core.rmem_max`` (``wmem_max`` for send), 212992 bytes
    unless raised, so the same file works on a tuned host and fails on a fresh one or in a
    container. ``max=`` is only a request and never fails.

    Fix: raise ``net.core.rmem_max``/``wmem_max`` on every host (``sysctl``, persisted), or use
    ``max=`` instead of ``min=``.

    Reference: ``ddsi_udp.c`` (socket buffer sizing); seen in the corpus (RoBorregos, 10MB) and
    reproduced with Cyclone 11.0.1.
    """
    checks = (
        ("CycloneDDS/Domain/Internal/SocketReceiveBufferSize", "min", "receive", "rmem_max"),
        ("CycloneDDS/Domain/Internal/SocketSendBufferSize", "min", "send", "wmem_max"),
    )
    for path, attr, kind, sysctl in checks:
        for el in doc.find(path):
            value = doc.attr(el, attr)
            yield from _buffer(el, value, doc.attr_name(el, attr), (kind, sysctl))
        for el in doc.find(f"{path}[@min]"):  # the moved Minimum...BufferSize elements
            yield from _buffer(el, doc.value(el), None, (kind, sysctl))


def _buffer(el: Any, value: str | None, attr: str | None, what: tuple[str, str]) -> Iterator[Hit]:
    kind, sysctl = what
    size = quantity(value or "", MEMSIZE_UNITS) if value and value.lower() != "default" else None
    if size is None or size <= LINUX_DEFAULT_BUFFER_MAX:
        return
    yield Hit(
        f"a minimum socket {kind} buffer of {int(size)} bytes: unless net.core.{sysctl} is at "
        f"least that on every host (Linux default {LINUX_DEFAULT_BUFFER_MAX}), Cyclone refuses "
        f"to start ('failed to increase socket {kind} buffer size to at least {int(size)} bytes')",
        at=el,
        attr=attr,
        text=attr is None,
        hint=f"sysctl -w net.core.{sysctl}={int(size)} on every host, or ask for it with max=",
        evidence={"bytes": int(size)},
    )

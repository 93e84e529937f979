"""Cyclone DDS discovery, port and peer rules (DD760-DD764).

DDSI-RTPS derives every UDP port from the domain id and the participant index:
``PB + DG*d + offset + PG*i`` with PB 7400, DG 250, PG 2 and offsets 0/1 (multicast) and
10/11 (unicast) by default (DDSI-RTPS 2.x §9.6.1.1; Cyclone ``ddsi_portmapping.c``). A domain
owns 250 ports, so participant index 120 and above lands on the next domain's ports.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterator
from typing import Any

from ddsdoctor.cyclone.load import CycloneDocument, inside
from ddsdoctor.cyclone.schema import load_schema
from ddsdoctor.cyclone.structure import local
from ddsdoctor.cyclone.view import View, spdp_multicast, views
from ddsdoctor.findings import Severity
from ddsdoctor.registry import Hit, Subject, rule

_KIND = re.compile(r"(?i)^(udp6?|tcp6?)/")
_HOST = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*\.?$")
_MAX_PORT = 65535
MAX_INDEX_010 = 120  # the largest explicit ParticipantIndex Cyclone 0.10 accepts


class Ports:
    """The port mapping of one view (Discovery/Ports, defaults from the DDSI-RTPS spec)."""

    def __init__(self, view: View) -> None:
        n = view.number
        self.base = n("Discovery/Ports/Base", 7400)
        self.dg = n("Discovery/Ports/DomainGain", 250)
        self.pg = n("Discovery/Ports/ParticipantGain", 2)
        self.d0 = n("Discovery/Ports/MulticastMetaOffset", 0)
        self.d1 = n("Discovery/Ports/UnicastMetaOffset", 10)
        self.d2 = n("Discovery/Ports/MulticastDataOffset", 1)
        self.d3 = n("Discovery/Ports/UnicastDataOffset", 11)
        ext = view.value("Discovery/ExternalDomainId")
        self.domain = int(ext) if ext and ext.isdigit() else view.domain_id

    def first_spilling_index(self) -> int | None:
        """The lowest participant index whose unicast ports leave the domain's range."""
        if self.pg <= 0 or self.dg <= 0:
            return None
        return max(0, math.ceil((self.dg - max(self.d1, self.d3)) / self.pg))

    def unicast(self, domain: int, index: int) -> tuple[int, int]:
        at = self.base + self.dg * domain + self.pg * index
        return at + self.d1, at + self.d3

    def describe(self, offset: int) -> str:
        """What a port ``offset`` into a domain's range is used for."""
        if offset == self.d0:
            return "discovery multicast"
        if offset == self.d2:
            return "data multicast"
        for start, what in ((self.d1, "discovery unicast"), (self.d3, "data unicast")):
            if offset >= start and self.pg and (offset - start) % self.pg == 0:
                return f"{what} of index {(offset - start) // self.pg}"
        return "unused"


@rule("DD760", "cyclone.participant-index-spill", Severity.WARNING, Subject.CYCLONE)
def participant_index_spill(doc: CycloneDocument) -> Iterator[Hit]:
    """A participant index range that spills into the next domain's ports.

    With the default port mapping a domain owns 250 ports: index ``i`` uses 7410+2i and
    7411+2i (plus 250 per domain), so index 120 uses 7650/7651, the discovery and data
    multicast ports of the next domain, and higher indices take the unicast ports of the next
    domain's participants. ``MaxAutoParticipantIndex`` also sets how many ports Cyclone pings
    on every ``Peer`` for unicast discovery, so a large value (120 to 1000 in 5 of the 25 real
    configurations in ddsdoctor's corpus) sends discovery traffic into other domains' ports on
    every peer, every SPDP interval. An explicit ``ParticipantIndex`` of 120 or more has the
    same clash; Cyclone 0.10 refuses one above 120 ("out of range"), 11.0 accepts it.

    Fix: keep ``MaxAutoParticipantIndex`` below 120 (enough for 120 processes per host), or use
    separate ``Discovery/Ports`` settings; with many processes per host prefer multicast
    discovery or ``ParticipantIndex`` ``none``.

    Reference: DDSI-RTPS 2.x §9.6.1.1; Cyclone ``ddsi_portmapping.c``; XSD documentation of
    ``Discovery/MaxAutoParticipantIndex``.
    """
    for view in views(doc):
        ports = Ports(view)
        first = ports.first_spilling_index()
        if first is None:
            continue
        d = ports.domain or 0
        pi_el = view.get("Discovery/ParticipantIndex")
        pi = (doc.value(pi_el) or "").lower() if pi_el is not None else ""
        if pi.isdigit() and int(pi) >= first:
            msg = _index_message(ports, int(pi), d, f"ParticipantIndex {pi}")
            old = int(pi) > MAX_INDEX_010
            if old:  # checked: 0.10.2 accepts 0..120 and refuses 121 and up, 11.0.1 accepts
                msg += f"; Cyclone 0.10 refuses indices above {MAX_INDEX_010} ('out of range')"
            yield Hit(
                msg,
                at=pi_el,
                text=True,
                hint=f"use an index below {first}",
                evidence={"refused_by": "0.10"} if old else {},
            )
        mx_el = view.get("Discovery/MaxAutoParticipantIndex")
        mx = view.number("Discovery/MaxAutoParticipantIndex", -1)
        peers = [p for p in view.all("Discovery/Peers/Peer") if doc.attr(p, "Address")]
        used = pi in ("", "auto", "default") or bool(peers)
        if mx_el is not None and mx >= first and used:
            last = ports.unicast(d, mx)[1]
            reach = (max(ports.d1, ports.d3) + ports.pg * mx) // ports.dg
            msg = _index_message(
                ports, first, d, f"MaxAutoParticipantIndex {mx}: indices from {first} on"
            )
            if peers:
                msg += (
                    f"; unicast discovery pings every peer on ports up to {last}, "
                    f"{reach} domain(s) beyond domain {d}"
                )
            yield Hit(
                msg,
                at=mx_el,
                text=True,
                hint=f"use at most {first - 1}",
                evidence={"domain": d, "first_spilling_index": first, "max_port": last},
            )


def _index_message(ports: Ports, index: int, domain: int, what: str) -> str:
    uc_meta, uc_data = ports.unicast(domain, index)
    spill = (uc_meta - ports.base) // ports.dg
    offset = (uc_meta - ports.base) % ports.dg
    return (
        f"{what} use unicast ports {uc_meta}/{uc_data}, which belong to domain {spill} "
        f"({ports.describe(offset)}): participants of domain {domain} then receive and "
        f"disturb traffic of domain {spill}"
    )


@rule("DD761", "cyclone.port-out-of-range", Severity.ERROR, Subject.CYCLONE)
def port_out_of_range(doc: CycloneDocument) -> Iterator[Hit]:
    """A domain id whose ports exceed 65535: Cyclone cannot create its sockets.

    Port numbers grow by ``DomainGain`` (250) per domain id, so with the default mapping the
    highest usable domain id is 232 (7400 + 250*232 = 65400). For a larger id Cyclone fails
    with ``resulting port numbers (...) are out of range`` and no participant is created. With
    a large ``MaxAutoParticipantIndex`` the high indices overflow first (reported as a
    warning).

    Fix: use a domain id of 232 or less, or change ``Discovery/Ports``.

    Reference: DDSI-RTPS 2.x §9.6.1.1; Cyclone 0.10.2 reproduces the error for domain 300.
    """
    for view in views(doc):
        ports = Ports(view)
        if ports.domain is None:
            continue
        d = ports.domain
        anchor = view.sections[-1].element
        spdp = ports.base + ports.dg * d + ports.d0
        uc_meta, uc_data = ports.unicast(d, 0)
        top = max(spdp, uc_meta, uc_data)
        if top > _MAX_PORT:
            yield Hit(
                f"domain {d} maps to ports {spdp} (discovery multicast) and {uc_meta}/{uc_data}, "
                f"above 65535: Cyclone cannot create the sockets ('resulting port numbers are out "
                f"of range')",
                at=anchor,
                attr=doc.attr_name(anchor, "Id"),
                hint="use a domain id of 232 or less (default port mapping)",
            )
            continue
        mx_el = view.get("Discovery/MaxAutoParticipantIndex")
        mx = view.number("Discovery/MaxAutoParticipantIndex", 0)
        if mx_el is not None and ports.unicast(d, mx)[1] > _MAX_PORT:
            yield Hit(
                f"in domain {d}, participant indices up to {mx} reach port "
                f"{ports.unicast(d, mx)[1]}: indices above 65535's limit cannot be used",
                at=mx_el,
                text=True,
                severity=Severity.WARNING,
            )


def peer_problem(address: str, ipv6: bool) -> str | None:
    """Why a ``Peer/@Address`` is not something Cyclone can turn into a locator, if it is not."""
    a = address.strip()
    if not a:
        return None  # ignored by Cyclone
    rest = _KIND.sub("", a)
    if any(ch.isspace() for ch in rest):
        return "it contains spaces"
    if "://" in rest or "/" in rest:
        return "a URL or CIDR block is not an address"
    host, port = rest, None
    if rest.startswith("["):
        m = re.fullmatch(r"\[([^\]]+)\](?::(.*))?", rest)
        if m is None:
            return "unbalanced brackets"
        host, port = m.group(1), m.group(2)
        if not ipv6:
            return "an IPv6 address, but the transport is IPv4 (General/Transport udp)"
    elif rest.count(":") == 1:
        host, port = rest.split(":")
    elif rest.count(":") > 1 and not ipv6:
        return "an IPv6 address, but the transport is IPv4 (General/Transport udp)"
    if port is not None and not (port.isdigit() and 0 < int(port) <= _MAX_PORT):
        return f"port '{port}' is not a number from 1 to 65535"
    if ":" in host:
        return None if _ip(host) else "not a valid IPv6 address"
    if re.fullmatch(r"[\d.]+", host):
        return (
            None
            if _ip(host)
            else "not a valid IPv4 address (Cyclone then looks it up as a host name)"
        )
    if not _HOST.match(host):
        return "not a valid host name"
    return None


def _ip(text: str) -> bool:
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


@rule("DD762", "cyclone.peer-address", Severity.ERROR, Subject.CYCLONE)
def peer_address(doc: CycloneDocument) -> Iterator[Hit]:
    """A ``Peer`` address that is not an address or host name (or has a bad port).

    ``<Peer Address="...">`` takes a host name or IP address, optionally ``:PORT`` (and an
    optional ``udp/`` prefix). Text with spaces, a CIDR block, a URL, a malformed IPv4 address,
    a port outside 1-65535, or an IPv6 address on the IPv4 transport cannot be resolved. Cyclone
    11.0.1 then logs ``add_peer_address: ...`` and aborts the process (SIGABRT) while creating
    the participant; 0.10.2 logs it and continues without that peer, so the host is never
    discovered. A placeholder left in a template is the usual cause.

    Fix: write one host name or address per ``Peer``, e.g. ``<Peer Address="10.0.0.2"/>``.

    Reference: XSD documentation of ``Peer[@Address]``; ``ddsi_init.c`` (``add_peer_address``);
    checked with 0.10.2 and 11.0.1 in a network namespace.
    """
    for view in views(doc):
        transport = (view.value("General/Transport") or "").lower()
        ipv6 = (
            transport in ("udp6", "tcp6") or (view.value("General/UseIPv6") or "").lower() == "true"
        )
        for el in view.all("Discovery/Peers/Peer"):
            name = doc.attr_name(el, "Address")
            value = doc.attr(el, "Address")
            why = peer_problem(value or "", ipv6) if value is not None else None
            if why:
                yield Hit(
                    f"Peer address '{value}' is not usable: {why}; Cyclone 11 aborts the process "
                    f"when it creates the participant ('add_peer_address'), 0.10 drops the peer",
                    at=el,
                    attr=name,
                    hint='one host name or IP address, optionally ":port"',
                )


@rule("DD763", "cyclone.unicast-discovery-impossible", Severity.WARNING, Subject.CYCLONE)
def unicast_discovery_impossible(doc: CycloneDocument) -> Iterator[Hit]:
    """``ParticipantIndex`` ``none`` where discovery depends on unicast: peers cannot reach it.

    With ``none`` Cyclone puts its unicast sockets on random ports, which "makes unicast
    discovery impossible" (XSD documentation): other nodes send unicast discovery to the
    well-known ports 7410+2i. When multicast discovery is off, or ``Peers`` are listed because
    multicast does not work, every node configured like this waits for discovery messages that
    never arrive.

    Fix: set ``<ParticipantIndex>auto</ParticipantIndex>`` (with a ``MaxAutoParticipantIndex``
    at least the number of processes per host).

    Reference: XSD documentation of ``Discovery/ParticipantIndex``.
    """
    for view in views(doc):
        el = view.get("Discovery/ParticipantIndex")
        if el is None or (doc.value(el) or "").lower() != "none":
            continue
        peers = any(doc.attr(p, "Address") for p in view.all("Discovery/Peers/Peer"))
        multicast = spdp_multicast(view.value("General/AllowMulticast", "default") or "default")
        if peers or not multicast:
            why = "Peers are configured" if peers else "multicast discovery is off"
            yield Hit(
                f"ParticipantIndex 'none' puts the discovery socket on a random port while {why} "
                f"({view.label}): other nodes' unicast discovery never reaches this process",
                at=el,
                text=True,
                hint="use <ParticipantIndex>auto</ParticipantIndex>",
            )


def _single_settings(doc: CycloneDocument, section: Any) -> dict[str, Any]:
    """Single-valued settings of a section (path -> element), outside any repeated list."""
    schema = load_schema()
    out: dict[str, Any] = {}
    for el, spec in doc.structure.spec_of.items():
        if el is section or spec.is_group or not inside(el, section):
            continue
        chain = spec.path.split("[@")[0].split("/")
        if any(
            (s := schema.find("/".join(chain[:k]))) is not None and s.repeatable
            for k in range(3, len(chain) + 1)
        ):
            continue
        out.setdefault(spec.path.lower(), el)
    return out


@rule("DD764", "cyclone.overridden-setting", Severity.WARNING, Subject.CYCLONE)
def overridden_setting(doc: CycloneDocument) -> Iterator[Hit]:
    """A setting that a later ``<Domain>`` section overrides: it never takes effect.

    Cyclone applies every ``<Domain>`` section whose ``Id`` is ``any`` or the participant's
    domain id, in file order, and the later value wins. A domain-specific section followed by
    an ``any`` section that sets the same thing, or two sections with the same id, leave the
    earlier value dead: a domain-specific override placed first is silently undone.

    Fix: put ``<Domain Id="any">`` first and the domain-specific sections after it, or merge the
    sections.

    Reference: ``ddsi_config.c`` (each ``<Domain>`` starts a new source; later sources win);
    checked with Cyclone 11.0.1.
    """
    sections = doc.sections()
    for i, early in enumerate(sections):
        mine = _single_settings(doc, early.element)
        for late in sections[i + 1 :]:
            if not (late.domain_id is None or late.domain_id == early.domain_id):
                continue
            theirs = _single_settings(doc, late.element)
            for path in sorted(mine.keys() & theirs.keys()):
                el, later = mine.pop(path), theirs[path]
                which = "any domain" if late.domain_id is None else f"domain {late.domain_id}"
                scope = "all domains" if early.domain_id is None else f"domain {early.domain_id}"
                yield Hit(
                    f"{path.rsplit('/', 1)[-1]} here never takes effect for {scope}: the later "
                    f"<Domain> section for {which} sets it again at line {later.sourceline}, and "
                    f"Cyclone uses the later value",
                    at=el,
                    hint='order the sections: Id="any" first, specific ids after',
                    evidence={
                        "setting": path,
                        "overridden_by_line": later.sourceline,
                        "element": local(el),
                    },
                )

"""Joining a domain read-only: the Cyclone configuration, a marked participant and its waitset."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace, TracebackType
from typing import Any

from ddsdoctor.exitcodes import ExitCode

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'ddsdoctor[live]'"
# DDSI 2.1 §9.6.1.1: the SPDP port 7400 + 250*d must fit in 16 bits, so d <= 232.
DOMAIN_MAX = 232
_IFNAME = re.compile(r"[A-Za-z0-9_.:@-]{1,15}\Z")  # Linux IFNAMSIZ; nothing that breaks XML
_IFF_LOOPBACK = 0x8


class LiveError(Exception):
    """A live command cannot run; ``code`` is its documented exit code (2 usage, 3 environment)."""

    def __init__(self, message: str, code: ExitCode = ExitCode.ENVIRONMENT) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True, slots=True)
class SessionOptions:
    """How to join: domain id and Cyclone configuration (``config`` wins over $CYCLONEDDS_URI)."""

    domain: int = 0
    config: str | None = None  # a file, a file:// URI or inline XML
    interface: str | None = None  # added on top of the configuration
    purpose: str = "scan"


def load_dds() -> Any:
    """The cyclonedds names the live commands use. No DataWriter or Publisher among them."""
    try:
        from cyclonedds.builtin import (
            BuiltinDataReader,
            BuiltinTopicDcpsParticipant,
            BuiltinTopicDcpsPublication,
            BuiltinTopicDcpsSubscription,
        )
        from cyclonedds.core import (
            DDSException,
            DDSStatus,
            InstanceState,
            Policy,
            Qos,
            ReadCondition,
            SampleState,
            ViewState,
            WaitSet,
        )
        from cyclonedds.domain import Domain, DomainParticipant
        from cyclonedds.util import duration
    except ImportError as exc:
        raise LiveError(f"cyclonedds is not installed ({exc}): {INSTALL_HINT}") from None
    except OSError as exc:  # the wheel is there but libddsc cannot be loaded
        raise LiveError(f"cyclonedds cannot load its C library ({exc}): {INSTALL_HINT}") from None
    return SimpleNamespace(
        BuiltinDataReader=BuiltinDataReader,
        BuiltinTopicDcpsParticipant=BuiltinTopicDcpsParticipant,
        BuiltinTopicDcpsPublication=BuiltinTopicDcpsPublication,
        BuiltinTopicDcpsSubscription=BuiltinTopicDcpsSubscription,
        DDSException=DDSException,
        DDSStatus=DDSStatus,
        InstanceState=InstanceState,
        Policy=Policy,
        Qos=Qos,
        ReadCondition=ReadCondition,
        SampleState=SampleState,
        ViewState=ViewState,
        WaitSet=WaitSet,
        Domain=Domain,
        DomainParticipant=DomainParticipant,
        duration=duration,
    )


def _is_loopback(name: str) -> bool:
    try:
        flags = int(Path(f"/sys/class/net/{name}/flags").read_text().strip(), 16)
    except (OSError, ValueError):
        return name == "lo"
    return bool(flags & _IFF_LOOPBACK)


def interface_xml(name: str) -> str:
    """Cyclone configuration that pins discovery and data to one interface.

    Loopback has no MULTICAST flag, so Cyclone must be told to use multicast there anyway
    (test-rig.md §0); elsewhere Cyclone's own decision from the interface flags stands.
    """
    if not _IFNAME.match(name):
        raise LiveError(f"--interface {name!r} is not an interface name", ExitCode.USAGE)
    names = [n for _, n in socket.if_nameindex()]
    if name not in names:
        raise LiveError(f"no network interface {name!r} here (have: {', '.join(names)})")
    mc = "true" if _is_loopback(name) else "default"
    return (
        '<CycloneDDS><Domain id="any"><General><Interfaces>'
        f'<NetworkInterface name="{name}" multicast="{mc}"/>'
        "</Interfaces></General></Domain></CycloneDDS>"
    )


def config_uri(options: SessionOptions, environ: Mapping[str, str] | None = None) -> str | None:
    """The configuration string for ``dds_create_domain``; None lets Cyclone read its env.

    A configuration given to ``dds_create_domain`` replaces $CYCLONEDDS_URI entirely (verified
    with 11.0.1), so ``--interface`` alone keeps the environment's configuration and adds the
    interface after it (Cyclone merges comma-separated sources, later ones winning).
    """
    env = os.environ if environ is None else environ
    sources: list[str] = []
    if options.config:
        cfg = options.config.strip()
        if cfg.startswith("<"):
            sources.append(cfg)
        else:
            path = Path(cfg[len("file://") :] if cfg.startswith("file://") else cfg)
            if not path.is_file():
                raise LiveError(f"--config {cfg}: no such file", ExitCode.USAGE)
            sources.append(path.resolve().as_uri())
    elif options.interface and env.get("CYCLONEDDS_URI"):
        sources.append(env["CYCLONEDDS_URI"])
    if options.interface:
        sources.append(interface_xml(options.interface))
    return ",".join(sources) if sources else None


class Session:
    """One read-only participant in a domain: builtin readers hang off it, probes add readers.

    Times are seconds on the monotonic clock since just before the participant was created,
    the origin of every phase the probe reports.
    """

    def __init__(self, options: SessionOptions) -> None:
        if not 0 <= options.domain <= DOMAIN_MAX:
            raise LiveError(f"--domain must be 0..{DOMAIN_MAX}", ExitCode.USAGE)
        self.options = options
        self.dds: Any = None
        self.participant: Any = None
        self.waitset: Any = None
        self.guid_prefix = ""
        self.t0 = 0.0
        self.wall0 = 0.0
        self._domain: Any = None
        self._owned: list[Any] = []

    def open(self) -> Session:
        uri = config_uri(self.options)
        m = self.dds = load_dds()
        # The EntityName marks the participant (PID_ENTITY_NAME on the wire). Nothing more:
        # Cyclone sends its first SPDP twice in one datagram, so every byte added here counts
        # twice against a path that drops large packets (test-rig.md §6 S3 drops > 900 bytes).
        qos = m.Qos(m.Policy.EntityName(f"ddsdoctor {self.options.purpose}"))
        where = "--config/--interface" if uri is not None else "CYCLONEDDS_URI"
        try:
            if uri is not None:
                self._domain = m.Domain(self.options.domain, uri)
            self.t0 = time.monotonic()
            self.wall0 = time.time()
            self.participant = m.DomainParticipant(self.options.domain, qos=qos)
            self.waitset = m.WaitSet(self.participant)
        except m.DDSException as exc:
            self.close()
            raise LiveError(
                f"cannot join DDS domain {self.options.domain}: {exc} (check {where}; "
                "Cyclone DDS printed the cause above)"
            ) from None
        self.guid_prefix = bytes(self.participant.get_guid().bytes[:12]).hex()
        log.info("joined domain %d as %s", self.options.domain, self.guid_prefix)
        return self

    def own(self, entity: Any) -> Any:
        """Remember an entity so that ``close`` deletes it (children first)."""
        self._owned.append(entity)
        return entity

    def elapsed(self) -> float:
        return time.monotonic() - self.t0

    def wait(self, seconds: float) -> int:
        """Block on the waitset for at most ``seconds``; returns how many conditions fired."""
        ns = self.dds.duration(seconds=max(0.0, seconds))
        return int(self.waitset.wait(ns))

    def close(self) -> None:
        """Delete every entity now, not at garbage collection: a repeated probe needs a fresh
        participant, and an explicit Domain cannot be created twice while one exists."""
        # Entity.__del__ also drops the entity from cyclonedds' registry, so the object's own
        # finaliser later does nothing.
        for entity in [*reversed(self._owned), self.waitset, self.participant, self._domain]:
            if entity is not None:
                with contextlib.suppress(Exception):
                    entity.__del__()
        self._owned.clear()
        self.waitset = self.participant = self._domain = None

    def __enter__(self) -> Session:
        return self.open()

    def __exit__(
        self, et: type[BaseException] | None, ev: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

"""Joining a DDS domain read-only with Cyclone DDS: configuration, participant, clean-up.

A minimal session for ``ddsdoctor durability --domain``; the ``scan``/``probe`` commands have
their own on branch wip/live, and this one can be replaced by it once that lands. It creates a
participant (and, through ``durability.live``, subscribers and readers); nothing here or there
creates a publisher or a writer.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from ddsdoctor.exitcodes import ExitCode

log = logging.getLogger(__name__)

INSTALL_HINT = "pip install 'ddsdoctor[live]'"
DOMAIN_MAX = 232  # DDSI 2.1 §9.6.1.1: 7400 + 250*d must fit in 16 bits
_IFNAME = re.compile(r"[A-Za-z0-9_.:@-]{1,15}\Z")


class LiveError(Exception):
    """A live observation cannot run; ``code`` is its exit code (2 usage, 3 environment)."""

    def __init__(self, message: str, code: ExitCode = ExitCode.ENVIRONMENT) -> None:
        super().__init__(message)
        self.code = code


def load_dds() -> Any:
    """The cyclonedds names the durability observer uses: readers only, no writer, no publisher."""
    try:
        from cyclonedds._clayer import ddspy_take
        from cyclonedds.builtin import BuiltinDataReader, BuiltinTopicDcpsParticipant
        from cyclonedds.core import (
            DDSException,
            InstanceState,
            Policy,
            Qos,
            ReadCondition,
            SampleState,
            ViewState,
            WaitSet,
        )
        from cyclonedds.domain import Domain, DomainParticipant
        from cyclonedds.sub import DataReader, Subscriber
        from cyclonedds.topic import Topic
        from cyclonedds.util import duration
    except ImportError as exc:
        raise LiveError(f"cyclonedds is not installed ({exc}): {INSTALL_HINT}") from None
    except OSError as exc:  # the wheel is there but libddsc cannot be loaded
        raise LiveError(f"cyclonedds cannot load its C library ({exc}): {INSTALL_HINT}") from None
    return SimpleNamespace(
        ddspy_take=ddspy_take,
        BuiltinDataReader=BuiltinDataReader,
        BuiltinTopicDcpsParticipant=BuiltinTopicDcpsParticipant,
        DDSException=DDSException,
        InstanceState=InstanceState,
        Policy=Policy,
        Qos=Qos,
        ReadCondition=ReadCondition,
        SampleState=SampleState,
        ViewState=ViewState,
        WaitSet=WaitSet,
        Domain=Domain,
        DomainParticipant=DomainParticipant,
        DataReader=DataReader,
        Subscriber=Subscriber,
        Topic=Topic,
        duration=duration,
    )


def interface_xml(name: str) -> str:
    """Cyclone configuration pinning the session to one interface (multicast forced on lo)."""
    if not _IFNAME.match(name):
        raise LiveError(f"--interface {name!r} is not an interface name", ExitCode.USAGE)
    names = [n for _, n in socket.if_nameindex()]
    if name not in names:
        raise LiveError(f"no network interface {name!r} here (have: {', '.join(names)})")
    mc = "true" if name == "lo" else "default"
    return (
        '<CycloneDDS><Domain id="any"><General><Interfaces>'
        f'<NetworkInterface name="{name}" multicast="{mc}"/>'
        "</Interfaces></General></Domain></CycloneDDS>"
    )


def config_uri(
    config: str | None, interface: str | None, environ: Mapping[str, str] | None = None
) -> str | None:
    """The configuration for ``Domain``; None lets Cyclone read $CYCLONEDDS_URI itself."""
    env = os.environ if environ is None else environ
    sources: list[str] = []
    if config:
        cfg = config.strip()
        if cfg.startswith("<"):
            sources.append(cfg)
        else:
            path = Path(cfg[len("file://") :] if cfg.startswith("file://") else cfg)
            if not path.is_file():
                raise LiveError(f"--config {cfg}: no such file", ExitCode.USAGE)
            sources.append(path.resolve().as_uri())
    elif interface and env.get("CYCLONEDDS_URI"):
        sources.append(env["CYCLONEDDS_URI"])
    if interface:
        sources.append(interface_xml(interface))
    return ",".join(sources) if sources else None


@dataclass(frozen=True, slots=True)
class SessionOptions:
    domain: int = 0
    config: str | None = None
    interface: str | None = None


class Session:
    """One participant in a domain; ``close`` deletes everything it owns, children first."""

    def __init__(self, options: SessionOptions) -> None:
        if not 0 <= options.domain <= DOMAIN_MAX:
            raise LiveError(f"--domain must be 0..{DOMAIN_MAX}", ExitCode.USAGE)
        self.options = options
        self.dds: Any = None
        self.participant: Any = None
        self._domain: Any = None
        self._owned: list[Any] = []

    def open(self) -> Session:
        uri = config_uri(self.options.config, self.options.interface)
        m = self.dds = load_dds()
        qos = m.Qos(m.Policy.EntityName("ddsdoctor durability"))
        try:
            if uri is not None:
                self._domain = m.Domain(self.options.domain, uri)
            self.participant = m.DomainParticipant(self.options.domain, qos=qos)
        except m.DDSException as exc:
            self.close()
            where = "--config/--interface" if uri is not None else "CYCLONEDDS_URI"
            raise LiveError(
                f"cannot join DDS domain {self.options.domain}: {exc} (check {where})"
            ) from None
        log.info("joined domain %d", self.options.domain)
        return self

    def own(self, entity: Any) -> Any:
        self._owned.append(entity)
        return entity

    def close(self) -> None:
        for entity in [*reversed(self._owned), self.participant, self._domain]:
            if entity is not None:
                with contextlib.suppress(Exception):
                    entity.__del__()
        self._owned.clear()
        self.participant = self._domain = None

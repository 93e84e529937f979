"""DDSI2(E) service settings as the DDSI2 service reads them (``q_config.c``).

Inside its section DDSI2 matches element names case-insensitively and accepts the aliases
``Internal``/``Unsupported``; values are expanded and trimmed. Only the settings the network
rules need are modelled.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.runtime import DDSI2_ALIASES, DDSI2_SECTIONS
from ddsdoctor.ospl.sections import active_sections

DDSI_TAGS = DDSI2_SECTIONS
NATIVE_TAGS = ("NetworkService", "SNetworkService")
NETWORK_TAGS = DDSI_TAGS + NATIVE_TAGS
DEFAULT_MAX_AUTO_INDEX = 9
# q_config.c's aliases, folded: a path step matches every spelling of its name
_ALIASES = {
    spelling.lower(): (name.lower(), alias.lower())
    for alias, name in DDSI2_ALIASES.items()
    for spelling in (alias, name)
}


@dataclass(frozen=True, slots=True)
class Setting:
    element: Any
    value: str


class DdsiConfig:
    """One running DDSI2Service or DDSI2EService section."""

    def __init__(self, doc: OsplDocument, section: Any) -> None:
        self.doc = doc
        self.section = section
        self.name = doc.attr(section, "name") or ""
        # a dozen rules ask for the same few settings: look each path up once
        self._found: dict[str, list[Any]] = {}
        self._settings: dict[str, Setting | None] = {}

    def find_all(self, path: str) -> list[Any]:
        """Elements at a slash path, matched case-insensitively with DDSI2's aliases."""
        found = self._found.get(path)
        if found is None:
            found = self._found[path] = self._find_all(path)
        return found

    def _find_all(self, path: str) -> list[Any]:
        level = [self.section]
        for part in path.split("/"):
            names = _ALIASES.get(part.lower(), (part.lower(),))
            level = [
                c for el in level for c in el if isinstance(c.tag, str) and c.tag.lower() in names
            ]
        return level

    def get(self, path: str) -> Setting | None:
        if path in self._settings:
            return self._settings[path]
        found = None
        for el in self.find_all(path):
            value = self.doc.value(el)
            if value is not None:
                found = Setting(el, value)
                break
        self._settings[path] = found
        return found

    @property
    def interface(self) -> Setting | None:
        return self.get("General/NetworkInterfaceAddress")

    def interface_is_auto(self) -> bool:
        s = self.interface
        return s is None or s.value.lower() == "auto"

    def allow_multicast(self) -> tuple[Setting | None, frozenset[str]]:
        s = self.get("General/AllowMulticast")
        if s is None:
            return None, frozenset({"true"})
        return s, frozenset(t.strip().lower() for t in s.value.split(",") if t.strip())

    def multicast_disabled(self) -> bool:
        """No multicast at all, SPDP included (``false`` alone, or TCP enabled)."""
        _, tokens = self.allow_multicast()
        return tokens == {"false"} or self.tcp_enabled()

    def tcp_enabled(self) -> bool:
        s = self.get("TCP/Enable")
        return s is not None and s.value.lower() == "true"

    def peers(self) -> list[Setting]:
        out = []
        found = self.find_all("Discovery/Peers/Peer") + self.find_all("Discovery/Peers/Group/Peer")
        for el in found:
            addr = next((v for k, v in el.attrib.items() if k.lower() == "address"), None)
            if addr is not None:
                out.append(Setting(el, addr))
        return out

    def participant_index(self) -> Setting | None:
        return self.get("Discovery/ParticipantIndex")

    def max_auto_index(self) -> tuple[Setting | None, int]:
        s = self.get("Discovery/MaxAutoParticipantIndex")
        if s is not None and re.fullmatch(r"[0-9]+", s.value):
            return s, int(s.value)
        return s, DEFAULT_MAX_AUTO_INDEX

    def index_mode(self) -> str:
        """'auto', 'none' or the fixed index as text."""
        s = self.participant_index()
        return "auto" if s is None or not s.value else s.value.lower()

    def coexists(self) -> bool:
        s = self.get("General/CoexistWithNativeNetworking")
        return s is not None and s.value.lower() == "true"

    def assume_multicast(self) -> tuple[str, ...]:
        s = self.get("Internal/AssumeMulticastCapable")
        if s is None:
            return ()
        return tuple(p.strip() for p in s.value.split(",") if p.strip())

    def use_ipv6(self) -> bool:
        s = self.get("General/UseIPv6")
        return s is not None and s.value.lower() == "true"


def ddsi_configs(doc: OsplDocument) -> list[DdsiConfig]:
    """Every running DDSI2(E) section (built once per document)."""
    return doc.cached(
        "ddsi_configs",
        lambda: [DdsiConfig(doc, el) for tag in DDSI_TAGS for el in active_sections(doc, tag)],
    )


def network_sections(doc: OsplDocument) -> list[Any]:
    return [el for tag in NETWORK_TAGS for el in active_sections(doc, tag)]

"""Many nodes read together: each node's effective configuration and durability view.

Each node's file is expanded with that node's env only (never the caller's environment), the
way the node's own spliced or application would read it. Elections per namespace are in
``ospl/election.py``; cross-node rules receive a :class:`Fleet`.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ddsdoctor.findings import Finding, Location
from ddsdoctor.ospl.durability import DurabilityConfig, NameSpace, durability_configs
from ddsdoctor.ospl.fleetfile import FleetSpec, NodeKind, NodeSpec
from ddsdoctor.ospl.load import ROOT_TAG, OsplDocument
from ddsdoctor.registry import Hit
from ddsdoctor.xmlsource import XmlDocument, display_path, load_xml

if TYPE_CHECKING:
    from ddsdoctor.ospl.election import Election

MAX_SYSTEM_ID = 2147483647


@dataclass(slots=True)
class FleetNode:
    spec: NodeSpec
    display: str  # the config path as shown in findings
    xml: XmlDocument | None
    load_findings: list[Finding] = field(default_factory=list)
    doc: OsplDocument | None = None

    @property
    def name(self) -> str:
        return self.spec.name

    @property
    def kind(self) -> NodeKind:
        if self.spec.kind is not None:
            return self.spec.kind
        if self.doc is not None and self.doc.single_process():
            return NodeKind.SINGLE_PROCESS
        return NodeKind.DAEMON

    @property
    def durability(self) -> DurabilityConfig | None:
        """The durability service this node runs, or None (none, or it cannot start)."""
        if self.doc is None:
            return None
        cfgs = durability_configs(self.doc)
        return cfgs[0] if cfgs and cfgs[0].fatal is None else None

    def namespace(self, name: str) -> NameSpace | None:
        cfg = self.durability
        return cfg.namespace(name) if cfg is not None else None

    def system_id_range(self) -> tuple[int, int, Any]:
        """(min, max, Range element or None) of the systemIds this node draws from."""
        if self.doc is None:
            return 1, MAX_SYSTEM_ID, None
        el = self.doc.find("Domain/SystemId/Range")
        if el is None:
            return 1, MAX_SYSTEM_ID, None
        lo = _int(self.doc.attr(el, "min"), 1)
        hi = _int(self.doc.attr(el, "max"), MAX_SYSTEM_ID)
        return lo, max(lo, hi), el

    def where(self, el: Any = None, attr: str | None = None, text: bool = False) -> Location:
        """Location of a setting in this node's file, tagged with the node name."""
        if self.doc is None or el is None:
            return Location(path=self.display, line=1, column=1, node=self.name)
        loc = self.doc.locate(Hit("", at=el, attr=attr, text=text))
        return replace(loc, node=self.name)

    def expansions(self, el: Any, attr: str | None = None) -> dict[str, str]:
        if self.doc is None:
            return {}
        return self.doc.expansion_evidence(Hit("", at=el, attr=attr, text=attr is None))


def _int(text: str | None, default: int) -> int:
    try:
        return int(text.strip(), 0) if text is not None else default
    except ValueError:
        return default


@dataclass
class Fleet:
    spec: FleetSpec
    nodes: list[FleetNode]

    @property
    def path(self) -> Path:
        return self.spec.path

    def node(self, name: str) -> FleetNode:
        return next(n for n in self.nodes if n.name == name)

    def loaded(self) -> Iterator[FleetNode]:
        return (n for n in self.nodes if n.doc is not None)

    def namespace_names(self) -> list[str]:
        """Every namespace name any node's running durability service has, in first-seen order."""
        names: list[str] = []
        for n in self.nodes:
            cfg = n.durability
            for ns in cfg.namespaces if cfg else ():
                if ns.name not in names:
                    names.append(ns.name)
        return names

    @functools.cached_property
    def elections(self) -> list[Election]:
        from ddsdoctor.ospl.election import elect_all

        return elect_all(self)


def build_fleet(spec: FleetSpec) -> Fleet:
    """Load every node's file and expand it with the node's own env."""
    cache: dict[Path, tuple[XmlDocument | None, list[Finding]]] = {}
    nodes = []
    for ns in spec.nodes:
        display = display_path(ns.config)
        if ns.config not in cache:
            loaded = load_xml(ns.config, display)
            cache[ns.config] = (loaded.document, loaded.findings)
        xml, findings = cache[ns.config]
        node = FleetNode(
            ns,
            display,
            xml,
            [replace(f, location=replace(f.location, node=ns.name)) for f in findings],
        )
        if xml is not None and xml.root.tag == ROOT_TAG:
            node.doc = OsplDocument(xml, dict(ns.env), f"env of node {ns.name}")
        nodes.append(node)
    return Fleet(spec, nodes)

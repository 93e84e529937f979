"""``ddsdoctor fleet`` and ``ddsdoctor check --fleet``: many nodes read and judged together.

``run_fleet`` loads a FLEET.toml, expands each node's file with that node's env only, elects
durability masters per namespace and runs the cross-node rules. With ``lint_nodes`` (``check
--fleet``) every node's file is also linted on its own with the node's env, and identical
findings from nodes sharing a file are merged.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from ddsdoctor.engine import filter_declared, run_rules
from ddsdoctor.findings import Finding, Location, Severity, sort_findings
from ddsdoctor.lint import CheckOptions, EnvSpec, check_file
from ddsdoctor.ospl.fleet import Fleet, build_fleet
from ddsdoctor.ospl.fleetfile import load_fleet_file
from ddsdoctor.ospl.load import ROOT_TAG
from ddsdoctor.registry import Subject
from ddsdoctor.rules import input as input_codes
from ddsdoctor.settings import SettingsResolver
from ddsdoctor.xmlsource import XmlDocument


@dataclass(slots=True)
class FleetOptions:
    fleet_file: Path
    resolver: SettingsResolver
    lint_nodes: bool = False
    host: Any = None  # HostFacts applied to every node's lint, or None


@dataclass(slots=True)
class FleetReport:
    fleet: Fleet
    findings: list[Finding]
    documents: dict[str, XmlDocument]
    fail_on: Severity

    @property
    def files(self) -> int:
        return len({n.spec.config for n in self.fleet.nodes}) + 1


def _tag(findings: Iterable[Finding], node: str) -> list[Finding]:
    return [replace(f, location=replace(f.location, node=node)) for f in findings]


def merge_nodes(findings: Iterable[Finding]) -> list[Finding]:
    """One finding per place and message, listing every node it applies to."""
    merged: dict[tuple[Any, ...], tuple[Finding, list[str]]] = {}
    for f in findings:
        loc = f.location
        key = (f.code, loc.path, loc.line, loc.column, f.message)
        if key in merged:
            merged[key][1].append(loc.node or "")
        else:
            merged[key] = (f, [loc.node or ""])
    out = []
    for f, nodes in merged.values():
        names = [n for n in dict.fromkeys(nodes) if n]
        out.append(replace(f, location=replace(f.location, node=", ".join(names) or None)))
    return out


def _not_opensplice(fleet: Fleet) -> list[Finding]:
    out = []
    for node in fleet.nodes:
        if node.xml is not None and node.doc is None:
            tag = node.xml.root.tag if isinstance(node.xml.root.tag, str) else ""
            out.append(
                input_codes.NOT_OPENSPLICE.finding(
                    f"node {node.name}: root element is <{tag}>, not <{ROOT_TAG}>: "
                    "not an OpenSplice configuration",
                    Location(path=node.display, line=1, column=1, node=node.name),
                )
            )
    return out


def run_fleet(options: FleetOptions) -> FleetReport:
    """Raises FleetFileError for an unusable fleet file (exit 2)."""
    spec = load_fleet_file(options.fleet_file)
    fleet = build_fleet(spec)
    settings = options.resolver.for_path(options.fleet_file)
    selection = settings.selection()
    findings: list[Finding] = []
    documents: dict[str, XmlDocument] = {}
    fail_on = settings.fail_on
    if options.lint_nodes:
        per_node: list[Finding] = []
        for node in fleet.nodes:
            check = CheckOptions(
                paths=[node.spec.config],
                env=EnvSpec(inherit=False, values=dict(node.spec.env)),
                resolver=options.resolver,
                host=options.host,
            )
            data = node.xml.data if node.xml is not None else None
            fs, _, xml = check_file(node.spec.config, check, check.env.values, data, node.display)
            per_node += _tag(fs, node.name)
            if xml is not None:
                documents[xml.path] = xml
            fail_on = min(fail_on, options.resolver.for_path(node.spec.config).fail_on)
        findings += merge_nodes(per_node)
    else:
        for node in fleet.nodes:
            findings += filter_declared(node.load_findings, selection)
            if node.xml is not None:
                documents[node.xml.path] = node.xml
        findings += filter_declared(_not_opensplice(fleet), selection)
    findings += run_rules(Subject.FLEET, fleet, selection, path=str(options.fleet_file))
    for node in fleet.nodes:
        if node.xml is not None:
            documents.setdefault(node.xml.path, node.xml)
    return FleetReport(fleet, sort_findings(findings), documents, fail_on)

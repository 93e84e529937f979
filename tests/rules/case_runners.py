"""How each kind of rule case file is run. A runner returns every finding for one case.

Case files live in ``tests/rules/cases/<CODE>/`` as ``fail_<slug>.<ext>`` (must produce CODE)
and ``pass_<slug>.<ext>`` (must not). An optional sidecar ``<stem>.case.toml`` holds:

* ``env``: a table of variables for ``${VAR}`` expansion (cases never see the real environment);
* ``lines``: for fail cases, the exact source lines on which CODE must be reported;
* ``count``: for fail cases, the exact number of CODE findings;
* ``nodes``: for fail cases, the fleet node names the CODE findings must name (fleet cases);
* ``host``: host facts for host-aware rules (``ddsdoctor check --host``), either a table
  ``{hostname = "h", interfaces = [{name = "eth0", flags = ["up", "multicast"],
  addresses = ["10.85.0.11/24"]}, ...]}`` (interfaces in kernel enumeration order) or the name
  of a JSON file in the case directory in the format ``python -m ddsdoctor.cli.hostfacts``
  prints;
* ``options``: runner-specific options (see each runner).

Case kinds:

* ``*.xml``: a config file linted alone (``run_xml``);
* ``*.toml`` (not ``*.case.toml``): a fleet file, run like ``ddsdoctor check --fleet``: every
  node's file linted with the node's env, plus the cross-node rules (``run_fleet``). The node
  configs it names live in the same directory under names that do not start with ``pass_`` or
  ``fail_``.
* ``*.json``: discovery facts in the topology/scan JSON shape; a document with topology
  members (``edges``, ``hosts``, ``discovery``: the ``topology --format json`` shape, see
  docs/topology.md) also runs the capture/topology rules (DD80x, DD85x); a document with a
  ``probe`` member runs the probe rules (``run_facts``).
* ``*.pcap``, ``*.pcapng``: a capture run through ``topology`` (``run_capture``); option
  ``hosts`` names a --hosts file in the case directory.
* ``*.jsonl``: a durability protocol timeline (``ddsdoctor durability --timeline``), which may
  include and edit a real lab capture (``run_durability``; see tests/durability/case_timeline.py).
  ``options`` sets the view limits (``timeout_s``, ``slow_s``, ``stuck_s``, ``grace_s``,
  ``heartbeat_s``) and ``fleet``, a FLEET.toml (relative to the case) to compare views with.

Add a runner for a new extension to RUNNERS.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ddsdoctor.discovery_json import facts_from_dict
from ddsdoctor.engine import run_rules
from ddsdoctor.findings import Finding
from ddsdoctor.fleetcheck import FleetOptions, run_fleet
from ddsdoctor.host.facts import HostFacts, load_host_facts
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.live.results import report_from_dict
from ddsdoctor.registry import Subject
from ddsdoctor.selection import RuleSelection
from ddsdoctor.settings import Overrides, SettingsResolver


def sidecar(case: Path) -> dict[str, Any]:
    side = case.with_name(case.stem + ".case.toml")
    if not side.is_file():
        return {}
    return tomllib.loads(side.read_text(encoding="utf-8"))


def host_of(case: Path, meta: dict[str, Any]) -> HostFacts | None:
    host = meta.get("host")
    if host is None:
        return None
    if isinstance(host, str):
        return load_host_facts(str(case.parent / host))
    return HostFacts.from_dict(host, source=f"{case.name} host table")


def _all_rules() -> SettingsResolver:
    # every rule, including those off by default, so each case exercises its own code
    return SettingsResolver(Overrides(select=("ALL",)), isolated=True)


def run_xml(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """A config file linted alone, isolated from settings files and the real environment."""
    opts = meta.get("options", {})
    options = CheckOptions(
        paths=[case],
        env=EnvSpec(inherit=False, values={str(k): str(v) for k, v in meta.get("env", {}).items()}),
        resolver=_all_rules(),
        max_bytes=int(opts.get("max_bytes", 8 * 1024 * 1024)),
        host=host_of(case, meta),
    )
    return run_check(options).findings


def run_facts(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """Discovery facts written as JSON (the topology/scan ``participants``/``endpoints``),
    a whole topology document, or probe results (the probe's ``probe``/``topics``)."""
    doc = json.loads(case.read_text(encoding="utf-8"))
    if any(k in doc for k in ("edges", "hosts", "discovery")):
        from ddsdoctor.topology.document import report_from_dict as topology_from_dict
        from ddsdoctor.topology.run import diagnose

        return diagnose(topology_from_dict(doc), RuleSelection(select=("ALL",)), None)
    if "probe" in doc:
        return run_rules(Subject.PROBE, report_from_dict(doc), RuleSelection(select=("ALL",)))
    return run_rules(Subject.DISCOVERY, facts_from_dict(doc), RuleSelection(select=("ALL",)))


def run_capture(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """A capture file, diagnosed like ``ddsdoctor topology --pcap CASE``."""
    from ddsdoctor.capture import read_capture
    from ddsdoctor.topology.hosts import load_hosts_file
    from ddsdoctor.topology.run import TopologyOptions, run_topology

    opts = meta.get("options", {})
    hosts = load_hosts_file(case.parent / opts["hosts"]) if "hosts" in opts else {}
    options = TopologyOptions(
        selection=RuleSelection(select=("ALL",)), hosts=hosts, label=case.name
    )
    with read_capture(case) as reader:
        return list(run_topology(reader, options).findings)


def run_fleet_case(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """A fleet file, checked like ``ddsdoctor check --fleet`` (node envs only)."""
    options = FleetOptions(case, _all_rules(), lint_nodes=True, host=host_of(case, meta))
    return run_fleet(options).findings


def run_durability(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """A durability protocol timeline, judged like ``ddsdoctor durability``."""
    from ddsdoctor.durability.analyze import analyze
    from ddsdoctor.durability.view import Limits
    from tests.durability.case_timeline import load_case

    opts = dict(meta.get("options", {}))
    fleet = opts.pop("fleet", None)
    limits = Limits(**{k: float(v) for k, v in opts.items()})
    obs = load_case(case)
    fleet_path = case.parent / fleet if fleet else None
    return analyze(obs, limits, RuleSelection(select=("ALL",)), fleet=fleet_path).findings


RUNNERS: dict[str, Callable[[Path, dict[str, Any]], list[Finding]]] = {
    ".xml": run_xml,
    ".json": run_facts,
    ".toml": run_fleet_case,
    ".jsonl": run_durability,
    ".pcap": run_capture,
    ".pcapng": run_capture,
}


def is_case(path: Path) -> bool:
    """A case file (not a sidecar, not a node config of a fleet case)."""
    return (
        path.suffix in RUNNERS
        and path.name.startswith(("pass_", "fail_"))
        and not path.name.endswith(".case.toml")
    )

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
* ``*.json``: discovery facts in the topology/scan JSON shape (``run_facts``).
* ``*.live``: the counters of a live capture as TOML (``run_live``): a ``[live]`` table of
  ``LiveStats`` fields (enums by value, e.g. ``mode = "recv"``, ``stop_reason = "sigint"``),
  an optional ``[stats]`` table of ``CaptureStats`` fields and ``requested_duration``.

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
    """Discovery facts written as JSON (the topology/scan ``participants``/``endpoints``)."""
    facts = facts_from_dict(json.loads(case.read_text(encoding="utf-8")))
    return run_rules(Subject.DISCOVERY, facts, RuleSelection(select=("ALL",)))


def run_fleet_case(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """A fleet file, checked like ``ddsdoctor check --fleet`` (node envs only)."""
    options = FleetOptions(case, _all_rules(), lint_nodes=True, host=host_of(case, meta))
    return run_fleet(options).findings


def run_live(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """Live-capture counters (``ddsdoctor topology --iface``) run through the DD81x rules."""
    from ddsdoctor.capture.livestats import CaptureMode, LiveCapture, LiveStats, StopReason
    from ddsdoctor.capture.stats import CaptureStats

    doc = tomllib.loads(case.read_text(encoding="utf-8"))
    fields = dict(doc.get("live", {}))
    if "mode" in fields:
        fields["mode"] = CaptureMode(fields["mode"])
    if "stop_reason" in fields:
        fields["stop_reason"] = StopReason(fields["stop_reason"])
    subject = LiveCapture(
        LiveStats(**fields), CaptureStats(**doc.get("stats", {})), doc.get("requested_duration")
    )
    return run_rules(Subject.CAPTURE, subject, RuleSelection(select=("ALL",)))


RUNNERS: dict[str, Callable[[Path, dict[str, Any]], list[Finding]]] = {
    ".xml": run_xml,
    ".json": run_facts,
    ".toml": run_fleet_case,
    ".live": run_live,
}


def is_case(path: Path) -> bool:
    """A case file (not a sidecar, not a node config of a fleet case)."""
    return (
        path.suffix in RUNNERS
        and path.name.startswith(("pass_", "fail_"))
        and not path.name.endswith(".case.toml")
    )

"""How each kind of rule case file is run. A runner returns every finding for one case.

Case files live in ``tests/rules/cases/<CODE>/`` as ``fail_<slug>.<ext>`` (must produce CODE)
and ``pass_<slug>.<ext>`` (must not). An optional sidecar ``<stem>.case.toml`` holds:

* ``env``: a table of variables for ``${VAR}`` expansion (cases never see the real environment);
* ``lines``: for fail cases, the exact source lines on which CODE must be reported;
* ``count``: for fail cases, the exact number of CODE findings;
* ``options``: runner-specific options (see each runner).

Kinds: ``.xml`` config files; ``.json`` discovery facts in the topology/scan JSON shape, or
probe results in the probe's JSON shape (a document with a ``probe`` member).

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


def run_xml(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """A config file linted alone, isolated from settings files and the real environment."""
    opts = meta.get("options", {})
    options = CheckOptions(
        paths=[case],
        env=EnvSpec(inherit=False, values={str(k): str(v) for k, v in meta.get("env", {}).items()}),
        # every rule, including those off by default, so each case exercises its own code
        resolver=SettingsResolver(Overrides(select=("ALL",)), isolated=True),
        max_bytes=int(opts.get("max_bytes", 8 * 1024 * 1024)),
    )
    return run_check(options).findings


def run_facts(case: Path, meta: dict[str, Any]) -> list[Finding]:
    """Discovery facts written as JSON (the topology/scan ``participants``/``endpoints``), or
    probe results (the probe's ``probe``/``topics``)."""
    doc = json.loads(case.read_text(encoding="utf-8"))
    if "probe" in doc:
        return run_rules(Subject.PROBE, report_from_dict(doc), RuleSelection(select=("ALL",)))
    return run_rules(Subject.DISCOVERY, facts_from_dict(doc), RuleSelection(select=("ALL",)))


RUNNERS: dict[str, Callable[[Path, dict[str, Any]], list[Finding]]] = {
    ".xml": run_xml,
    ".json": run_facts,
}

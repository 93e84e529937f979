"""``run`` step of ``ddsdoctor durability``: observation -> view -> findings (pure, no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ddsdoctor.durability.build import build_view
from ddsdoctor.durability.observe import Observation
from ddsdoctor.durability.view import DurabilityView, Limits
from ddsdoctor.engine import run_rules
from ddsdoctor.findings import Finding, sort_findings
from ddsdoctor.registry import Subject
from ddsdoctor.selection import RuleSelection


@dataclass(slots=True)
class DurabilityReport:
    view: DurabilityView
    findings: list[Finding]


def analyze(
    obs: Observation,
    limits: Limits,
    selection: RuleSelection,
    *,
    fleet: Path | None = None,
) -> DurabilityReport:
    """Build the view and run the ``dprotocol.*`` rules on it.

    With ``fleet`` the predicted views are attached first (FleetFileError for a bad file).
    """
    view = build_view(obs, limits)
    if fleet is not None:
        from ddsdoctor.durability.fleetjoin import predict

        view.predicted = predict(fleet, view)
    findings = run_rules(Subject.DURABILITY, view, selection)
    return DurabilityReport(view, sort_findings(findings))

"""The OpenSplice durability view inside ``ddsdoctor topology`` output.

When a capture holds OpenSplice durability traffic (the ``d_*`` topics in the durability
partition), ``topology`` also shows what ``ddsdoctor durability --pcap`` shows: each fellow's
state, the master it believes in and the alignment latencies, and adds the ``dprotocol.*``
findings. The durability decoder reads the file a second time (it is cheap next to the
topology pass: 75 ms for the real 3-host lab capture).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from ddsdoctor.durability.analyze import DurabilityReport
from ddsdoctor.selection import RuleSelection
from ddsdoctor.topology.model import TopologyReport

log = logging.getLogger(__name__)

DURABILITY_TYPES = "durabilityModule2::"


def has_durability_traffic(report: TopologyReport) -> bool:
    """True when SEDP announced OpenSplice durability protocol endpoints."""
    return any(ep.type_name.startswith(DURABILITY_TYPES) for ep in report.facts.endpoints.values())


def durability_section(
    capture: Path, report: TopologyReport, selection: RuleSelection
) -> DurabilityReport | None:
    """The durability view of ``capture``, or None when it holds no durability protocol."""
    if not has_durability_traffic(report):
        return None
    from ddsdoctor.capture import CaptureError
    from ddsdoctor.durability.analyze import analyze
    from ddsdoctor.durability.pcap import observe_capture
    from ddsdoctor.durability.view import Limits

    try:
        obs = observe_capture(capture)
    except CaptureError as exc:  # the topology pass already read it; keep its report
        log.warning("durability view skipped: %s", exc)
        return None
    if not obs.samples:
        return None
    return analyze(obs, Limits(), selection)


def section_json(dur: DurabilityReport) -> dict[str, Any]:
    """The ``durability`` member of topology JSON: the same names as ``ddsdoctor durability``."""
    from ddsdoctor.durability.report import alignments, fellows, groups, namespaces, observation

    view = dur.view
    return {
        "fellows": fellows(view),
        "namespaces": namespaces(view),
        "alignments": alignments(view),
        "groups": groups(view),
        "observation": observation(view),
    }

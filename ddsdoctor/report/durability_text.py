"""Text output of ``ddsdoctor durability``: fellows, master views, alignments, then findings.

Works from the JSON-ready members (``durability.report.view_dict``) in ``ctx.extra``, so text
and JSON always say the same. Times are shown as seconds into the observation.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from rich import box
from rich.console import Console, RenderableType
from rich.table import Table
from rich.text import Text

from ddsdoctor.findings import Finding
from ddsdoctor.report import ReportContext
from ddsdoctor.report import text as findings_text

_STANCE = {
    "master": "",
    "none": "no master (nobody eligible)",
    "cleared": "master left: view cleared",
    "undecided": "not decided yet",
    "proposal": "proposed, not confirmed",
    "unknown": "not known (no d_nameSpaces seen)",
}


def _rel(t: float | None, start: float | None) -> str:
    if t is None:
        return "-"
    return f"+{t - start:.2f}" if start is not None else f"{t:.3f}"


def _iso(t: float | None) -> str:
    if t is None:
        return "?"
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d %H:%M:%S.%f")[:-3] + " UTC"


def _table(title: str, *columns: str) -> Table:
    table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, title_style="bold")
    for c in columns:
        table.add_column(c, overflow="fold")
    return table


def _fellows(doc: dict[str, Any], start: float | None) -> Table:
    t = _table("Fellows (durability services)", "systemId", "host", "IP", "state", "seen", "left")
    timeline = doc.get("timeline", {})
    for f in doc["fellows"]:
        tl = timeline.get(str(f["system_id"]), {})
        left = tl.get("left_at")
        t.add_row(
            str(f["system_id"]),
            f["host"] or "?",
            f["ip"] or "?",
            f["state"] or "?",
            f"{_rel(tl.get('first_seen'), start)} .. {_rel(tl.get('last_heard'), start)}",
            f"{_rel(left, start)} ({tl.get('left')})" if left is not None else "",
        )
    return t


def _namespaces(doc: dict[str, Any], hosts: dict[str, str]) -> list[Table]:
    beliefs: dict[tuple[str, int], dict[str, Any]] = {
        (b["namespace"], b["fellow"]): b for b in doc.get("beliefs", [])
    }
    out = []
    for ns in doc["namespaces"]:
        t = _table(
            f"Namespace '{ns['name']}': each fellow's master",
            "fellow",
            "follows",
            "aligner",
            "alignee",
            "priority",
        )
        base = ns["name"].split("@", 1)[0]
        for sid in [str(f["system_id"]) for f in doc["fellows"]]:
            master = ns["views"].get(sid)
            b = beliefs.get((base, int(sid)), {})
            stance = b.get("stance", "unknown")
            if master is not None:
                target = (
                    "itself" if str(master) == sid else f"{master} ({hosts.get(str(master), '?')})"
                )
            else:
                target = _STANCE.get(stance, stance)
            if stance == "cleared" and b.get("master"):
                target += f" ({b['master']})"
            p = ns["master_policy"].get(sid, {})
            prio = p.get("priority")
            t.add_row(
                f"{sid} ({hosts.get(sid, '?')})",
                target,
                "" if not p else ("yes" if p["aligner"] else "no"),
                p.get("alignee", ""),
                "" if prio is None else ("255 (legacy)" if prio == 255 else str(prio)),
            )
        out.append(t)
    return out


def _alignments(doc: dict[str, Any], start: float | None) -> Table:
    t = _table(
        "Alignments (sample request -> chain)",
        "requester",
        "group",
        "aligner",
        "requested",
        "latency s",
        "samples",
        "complete",
    )
    for a in doc["alignments"]:
        lat = a["latency_s"]
        t.add_row(
            str(a["requester"]),
            a["group"],
            str(a["aligner"] or "all"),
            _rel(a["requested_at"], start),
            "-" if lat is None else f"{lat:.3f}",
            "-" if a["samples"] is None else str(a["samples"]),
            "yes" if a["complete"] else "no",
        )
    return t


def renderables(doc: dict[str, Any]) -> list[RenderableType]:
    """The view as rich renderables: a heading, then fellows, namespaces, alignments, notes."""
    obs = doc.get("observation", {})
    start, end = obs.get("start"), obs.get("end")
    span = f" ({end - start:.1f} s)" if start is not None and end is not None else ""
    out: list[RenderableType] = [
        Text.from_markup(
            f"[bold]Durability protocol[/bold] from {obs.get('source', '?')}: {_iso(start)} to "
            f"{_iso(end)}{span}, {obs.get('samples', 0)} d_* samples in partition "
            f"'{obs.get('partition', '?')}'; times below are seconds from the start"
        )
    ]
    hosts = {str(f["system_id"]): f["host"] or "?" for f in doc["fellows"]}
    out.append(_fellows(doc, start))
    out += _namespaces(doc, hosts)
    if doc["alignments"]:
        out.append(_alignments(doc, start))
    out += [Text(f"Not known: {note}", style="dim") for note in obs.get("not_known", [])]
    return out


def render_view(doc: dict[str, Any], console: Console) -> None:
    for item in renderables(doc):
        console.print(item)


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    buf = io.StringIO()
    console = findings_text.console_for(ctx, buf, soft_wrap=False)
    render_view(dict(ctx.extra), console)
    out = buf.getvalue()
    return out + "\n" + findings_text.render(findings, ctx)

"""Text output of ``ddsdoctor fleet``: nodes, per-namespace elections and views, then findings.

Per namespace: the ranked candidates, the expected master and backups, and each node's own
view of the master with its reason; then the findings as ``check`` prints them.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.markup import escape

from ddsdoctor.findings import Finding
from ddsdoctor.report import ReportContext
from ddsdoctor.report import text as findings_text


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows]


def _view_line(node: str, view: Any, reason: str, width: int) -> str:
    if isinstance(view, list):
        names = " or ".join(v or "nobody" for v in view)
        target = f"{names} (depends on systemIds)"
    elif view == node:
        target = f"{node} (itself)"
    else:
        target = view or "nobody"
    return f"    {node.ljust(width)}  -> {target}: {reason}"


def _namespace(console: Console, ns: dict[str, Any]) -> None:
    console.print(
        f"[bold]Namespace '{escape(ns['name'])}'[/bold] (role {escape(ns['role'])}, "
        f"{ns['algorithm']} master selection)"
    )
    cands = ns["candidates"]
    if cands:
        console.print("  Master candidates, best first:")
        rows = [
            [
                f"    {i}.",
                c["node"],
                "legacy (255)" if c["legacy"] else f"priority {c['priority']}",
                f"alignee {c['alignee']}",
                c["kind"] + (f" x{c['count']}" if c["count"] > 1 else ""),
            ]
            for i, c in enumerate(cands, 1)
        ]
        for line in _table(rows):
            console.print(escape(line))
        backups = ", ".join(ns["backups"]) or "none"
        tie = (
            f" (tied with {', '.join(t for t in ns['tie'] if t != ns['master'])})"
            if ns["tie"] and len(ns["tie"]) > 1
            else ""
        )
        console.print(
            f"  Expected master: [bold]{escape(ns['master'])}[/bold]{escape(tie)}; "
            f"backups: {escape(backups)}"
        )
    else:
        console.print("  Master candidates: none (no aligner with masterPriority > 0)")
    console.print("  Each node's own view:")
    width = max((len(n) for n in ns["views"]), default=0)
    for node, view in ns["views"].items():
        console.print(escape(_view_line(node, view, ns["reasons"][node], width)))
    split = ns["split"]
    if split:
        a_master = "itself" if split["a_master"] == split["a"] else split["a_master"] or "nobody"
        console.print(
            f"  [bold red]Views can split:[/bold red] {escape(split['a'])} follows "
            f"{escape(a_master)} while {escape(split['b'])} follows "
            f"{escape(split['b_master'] or 'nobody')}"
            + ("" if split["condition"] == "always" else f" when {escape(split['condition'])}")
            + "."
        )
    elif ns["depends_on_systemids"]:
        console.print("  The master depends on random systemIds, but every node agrees on it.")
    else:
        console.print("  Every node follows the same master whatever the systemIds.")
    console.print()


def render(findings: Sequence[Finding], ctx: ReportContext) -> str:
    buf = io.StringIO()
    console = findings_text.console_for(ctx, buf)
    fleet = ctx.extra.get("fleet", {})
    nodes = fleet.get("nodes", [])
    console.print(f"[bold]Fleet {escape(fleet.get('file', ''))}[/bold]: {len(nodes)} node(s)")
    if nodes:
        rows = [
            [
                f"  {n['name']}",
                n["kind"] + (f" x{n['count']}" if n["count"] > 1 else ""),
                n["config"],
                f"role {n['role']}" if n["role"] else "",
            ]
            for n in nodes
        ]
        for line in _table(rows):
            console.print(escape(line))
    console.print()
    spaces = ctx.extra.get("namespaces", [])
    for ns in spaces:
        _namespace(console, ns)
    if not spaces:
        console.print("No durability namespace runs on any node.\n")
    if any(ns["split"] or ns["depends_on_systemids"] for ns in spaces):
        console.print(
            "[dim]Views assume every node is up when each selects its master. A master-eligible "
            "node that starts alone confirms itself and keeps doing so (OpenSplice 6.9 raises "
            "no conflict), so start order can split views too.[/dim]\n"
        )
    return buf.getvalue() + findings_text.render(findings, ctx)

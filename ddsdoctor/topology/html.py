"""A self-contained HTML view: the graph as inline SVG, tables, and a few lines of vanilla
JavaScript (click a node to keep only its edges). No network fetch, no external file.

The SVG comes from Graphviz when ``dot`` is installed, else from a built-in circular layout
(hosts on a circle, multicast groups in the middle), so the view works everywhere.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape
from typing import Any

from ddsdoctor.discovery import vendor_name
from ddsdoctor.findings import Finding
from ddsdoctor.topology.model import TopologyReport
from ddsdoctor.topology.render import GraphvizMissing, RenderError, run_dot, to_dot
from ddsdoctor.topology.units import bytes_text, rate_text

_STYLE = """
body{font-family:Helvetica,Arial,sans-serif;margin:1.5em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em}td,th{border:1px solid #ccc;padding:2px 8px;
text-align:left;font-size:13px}th{background:#eef}td.n{text-align:right}
#graph svg{max-width:100%;height:auto;border:1px solid #ddd}.error{color:#b00}
.warning{color:#a60}.info{color:#06a}g.node,g.edge{cursor:pointer}
"""
_SCRIPT = """
(function(){
 var svg=document.querySelector('#graph svg'); if(!svg) return;
 function key(el){var t=el.querySelector('title');return t?t.textContent:'';}
 function focus(name){
  var near={}; if(name){near[name]=1;}
  svg.querySelectorAll('g.edge').forEach(function(e){
   var p=key(e).split('->'); var on=!name||p[0]===name||p[1]===name;
   if(on&&name){near[p[0]]=1;near[p[1]]=1;} e.style.opacity=on?1:0.07;});
  svg.querySelectorAll('g.node').forEach(function(n){
   n.style.opacity=(!name||near[key(n)])?1:0.15;});
 }
 svg.querySelectorAll('g.node').forEach(function(n){
  n.addEventListener('click',function(ev){ev.stopPropagation();focus(key(n));});});
 svg.addEventListener('click',function(){focus(null);});
})();
"""


def builtin_svg(g: Any, width: int = 960, height: int = 720) -> str:
    """A circular layout: hosts (or participants) on a circle, groups at the centre."""
    groups = sorted(str(n) for n, a in g.nodes(data=True) if a.get("kind") == "multicast")
    others = sorted(str(n) for n in g.nodes if str(n) not in groups)
    cx, cy, r = width / 2, height / 2, min(width, height) / 2 - 110
    pos: dict[str, tuple[float, float]] = {}
    for i, n in enumerate(others):
        a = 2 * math.pi * i / max(1, len(others)) - math.pi / 2
        pos[n] = (cx + r * math.cos(a), cy + r * math.sin(a))
    for i, n in enumerate(groups):
        a = 2 * math.pi * i / max(1, len(groups))
        pos[n] = (cx + (r / 3 if len(groups) > 1 else 0) * math.cos(a), cy + 40 * math.sin(a))
    biggest = max((a.get("bytes", 0) for _u, _v, a in g.edges(data=True)), default=1) or 1
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="Helvetica" font-size="11">',
        '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#555"/></marker>'
        "</defs>",
    ]
    for u, v, a in g.edges(data=True):
        (x1, y1), (x2, y2) = pos[str(u)], pos[str(v)]
        dx, dy = x2 - x1, y2 - y1
        d = math.hypot(dx, dy) or 1.0
        ox, oy = -dy / d * 6, dx / d * 6  # both directions of a pair side by side
        sx, sy = x1 + dx / d * 45 + ox, y1 + dy / d * 22 + oy
        ex, ey = x2 - dx / d * 45 + ox, y2 - dy / d * 22 + oy
        w = 1 + 4 * math.log1p(a.get("bytes", 0)) / math.log1p(biggest)
        dash = ' stroke-dasharray="5,4"' if a.get("kind") == "delivery" else ""
        out.append(
            f'<g class="edge"><title>{escape(str(u))}-&gt;{escape(str(v))}</title>'
            f'<line x1="{sx:.1f}" y1="{sy:.1f}" x2="{ex:.1f}" y2="{ey:.1f}" stroke="#555" '
            f'stroke-width="{w:.1f}"{dash} marker-end="url(#arrow)"/>'
            f'<text x="{(sx + ex) / 2 + ox:.1f}" y="{(sy + ey) / 2 + oy:.1f}" fill="#333" '
            f'font-size="9">{escape(str(a.get("label", "")))}</text></g>'
        )
    for n in others + groups:
        a = g.nodes[n]
        x, y = pos[n]
        lines = str(a.get("label", n)).split("\n")
        shape = (
            f'<rect x="{x - 60:.1f}" y="{y - 16:.1f}" width="120" height="32" rx="8" '
            'fill="#fff3c4" stroke="#997"/>'
            if n in groups
            else f'<ellipse cx="{x:.1f}" cy="{y:.1f}" rx="58" ry="{14 + 7 * len(lines)}" '
            'fill="#dbe9f6" stroke="#579"/>'
        )
        text = "".join(
            f'<text x="{x:.1f}" y="{y + 4 + 12 * (i - (len(lines) - 1) / 2):.1f}" '
            f'text-anchor="middle">{escape(line)}</text>'
            for i, line in enumerate(lines)
        )
        out.append(f'<g class="node"><title>{escape(n)}</title>{shape}{text}</g>')
    out.append("</svg>")
    return "\n".join(out)


def graph_svg(g: Any) -> str:
    """Graphviz's SVG when dot works, else the built-in layout."""
    try:
        svg = run_dot(to_dot(g), "svg").decode("utf-8")
    except (GraphvizMissing, RenderError):
        return builtin_svg(g)
    return svg[svg.find("<svg") :]


def _table(head: Sequence[str], rows: Sequence[Sequence[object]], numeric: set[int]) -> str:
    out = ["<table><tr>" + "".join(f"<th>{escape(h)}</th>" for h in head) + "</tr>"]
    for row in rows:
        cells = "".join(
            f"<td{' class=n' if i in numeric else ''}>{escape(str(c))}</td>"
            for i, c in enumerate(row)
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</table>")
    return "\n".join(out)


def to_html(report: TopologyReport, g: Any, findings: Sequence[Finding], top: int = 20) -> str:
    """The whole page as one string."""
    t = report.total
    summary = (
        f"{report.capture.get('frames', 0)} frames, {t.packets} RTPS datagrams, "
        f"{bytes_text(t.bytes)} over {report.duration:.1f} s; mean {rate_text(t.rate_bps)}, "
        f"peak {rate_text(t.peak_bps)}; pattern: {report.pattern.value}"
    )
    finding_rows = [
        (f.severity.label, f.code, f.name, f.message + (f" (help: {f.hint})" if f.hint else ""))
        for f in findings
    ]
    host_rows = [
        (
            h.name,
            ", ".join(h.addresses),
            h.role or "",
            len(h.processes),
            len(h.participants),
            ", ".join(vendor_name(v) for v in h.vendors),
            rate_text(h.sent.rate_bps),
            rate_text(h.received.rate_bps),
        )
        for h in report.hosts
    ]
    topics = [x for x in report.topics if not x.infrastructure][:top]
    topic_rows = [
        (
            x.topic,
            ", ".join(x.types),
            ", ".join(x.partitions),
            f"{', '.join(x.writer_hosts)} -> {', '.join(x.reader_hosts)}",
            x.traffic.samples,
            rate_text(x.traffic.rate_bps),
            rate_text(x.traffic.peak_bps),
        )
        for x in topics
    ]
    edge_rows = [
        (
            e.src,
            e.dst,
            e.traffic.packets,
            bytes_text(e.traffic.bytes),
            rate_text(e.traffic.rate_bps),
            rate_text(e.traffic.peak_bps),
            ", ".join([s.topic for s in e.topics if s.traffic_class.is_data][:4]),
        )
        for e in report.edges[: top * 2]
    ]
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>ddsdoctor topology: {escape(report.source)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>DDS topology of {escape(report.source)}</h1>",
        f"<p>{escape(summary)}</p>",
        f'<div id="graph">{graph_svg(g)}</div>',
        "<p>Click a node to keep only its edges; click the background to see all.</p>",
        "<h2>Findings</h2>",
        _table(("severity", "code", "name", "message"), finding_rows, set())
        if finding_rows
        else "<p>No problems found.</p>",
        "<h2>Hosts</h2>",
        _table(
            ("host", "addresses", "role", "processes", "participants", "vendors", "sent", "recv"),
            host_rows,
            {3, 4},
        ),
        "<h2>Top topics by rate</h2>",
        _table(
            ("topic", "type", "partitions", "hosts", "samples", "rate", "peak"), topic_rows, {4}
        ),
        "<h2>Edges</h2>",
        _table(("from", "to", "packets", "bytes", "rate", "peak", "topics"), edge_rows, {2}),
        f"<script>{_SCRIPT}</script>",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"

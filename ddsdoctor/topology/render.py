"""Graph renderers: pure functions from the topology DiGraph to DOT, GraphML and Mermaid text,
and Graphviz ``dot`` for pictures (SVG, PNG, PDF) when it is installed.

Node shapes follow the tech note's pictures: hosts as ellipses, multicast groups as boxes;
edge width grows with the log of the bytes, the label is the mean rate over the capture.
"""

from __future__ import annotations

import math
import shutil
import subprocess
from pathlib import Path
from typing import Any

IMAGE_FORMATS = ("svg", "png", "pdf")


class RenderError(RuntimeError):
    """Graphviz failed on the graph."""


class GraphvizMissing(RuntimeError):
    """``dot`` is not installed (an environment problem: exit 3)."""


def _q(text: object) -> str:
    """A DOT double-quoted string."""
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _width(nbytes: float, biggest: float) -> float:
    if nbytes <= 0 or biggest <= 0:
        return 1.0
    return round(0.6 + 2.4 * (math.log1p(nbytes) / math.log1p(biggest)) ** 4, 2)


def to_dot(g: Any) -> str:
    """Graphviz DOT text of the topology graph."""
    title = Path(str(g.graph.get("source", ""))).name
    if g.graph.get("focus"):
        title += f" (focus: {g.graph['focus']})"
    lines = [
        "digraph topology {",
        f"  graph [rankdir=LR, overlap=false, splines=true, label={_q(title)}, labelloc=t,"
        ' fontname="Helvetica"];',
        '  node [fontname="Helvetica", fontsize=11];',
        '  edge [fontname="Helvetica", fontsize=9];',
    ]
    clusters: dict[tuple[str, str], list[str]] = {}
    for n, a in sorted(g.nodes(data=True), key=lambda x: str(x[0])):
        kind = a.get("kind", "host")
        label = a.get("label", n)
        if kind == "host" and a.get("role"):
            label = f"{label}\n({a['role']})"
        if kind == "multicast":
            style = 'shape=box, style="rounded,filled", fillcolor="#fff3c4"'
        elif kind == "endpoint":
            style = "shape=plaintext"
        else:
            style = 'shape=ellipse, style=filled, fillcolor="#dbe9f6"'
        tip = a.get("addresses") or a.get("members") or ""
        line = f"  {_q(n)} [label={_q(label)}, tooltip={_q(tip)}, {style}];"
        if kind == "participant":
            # one box per process: OpenSplice's five participants of a process stay together
            key = (str(a.get("process", n)), str(a.get("process_label", n)))
            clusters.setdefault(key, []).append(line)
        else:
            lines.append(line)
    for i, ((_key, process), members) in enumerate(sorted(clusters.items())):
        if len(members) == 1:
            lines += members
            continue
        lines.append(f"  subgraph cluster_{i} {{")
        lines.append(f'    label={_q(process)}; style="rounded,dashed"; color="#888888";')
        lines += ["  " + m for m in members]
        lines.append("  }")
    biggest = max((a.get("bytes", 0) for _u, _v, a in g.edges(data=True)), default=0)
    for u, v, a in sorted(g.edges(data=True), key=lambda x: (str(x[0]), str(x[1]))):
        label = a.get("label", "")
        if a.get("topics"):
            label += "\n" + str(a["topics"])
        style = "dashed" if a.get("kind") == "delivery" else "solid"
        # edges that carry topic data stand out; discovery/builtin-only ones stay grey
        color = "#1f4e8c" if a.get("topics") else "#9a9a9a"
        tip = f"{a.get('packets', 0)} packets, {a.get('bytes', 0)} bytes"
        lines.append(
            f"  {_q(u)} -> {_q(v)} [label={_q(label)}, tooltip={_q(tip)}, style={style}, "
            f"color={_q(color)}, fontcolor={_q(color)}, "
            f"penwidth={_width(a.get('bytes', 0), biggest)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def to_graphml(g: Any) -> str:
    """GraphML (networkx's writer); attributes that are None or not scalars become text."""
    import networkx as nx

    h = nx.DiGraph()
    h.graph.update({k: _scalar(v) for k, v in g.graph.items()})
    for n, a in g.nodes(data=True):
        h.add_node(str(n), **{k: _scalar(v) for k, v in a.items()})
    for u, v, a in g.edges(data=True):
        h.add_edge(str(u), str(v), **{k: _scalar(x) for k, x in a.items()})
    return "\n".join(nx.generate_graphml(h)) + "\n"


def _scalar(v: object) -> object:
    if v is None:
        return ""
    if isinstance(v, (bool, int, float, str)):
        return v
    return str(v)


def _mermaid_text(text: object) -> str:
    # Mermaid labels are quoted; a double quote inside is written as an HTML entity.
    return str(text).replace('"', "#quot;").replace("\n", "<br/>")


def to_mermaid(g: Any) -> str:
    """A Mermaid flowchart (renders in GitHub and GitLab markdown)."""
    ids = {n: f"n{i}" for i, n in enumerate(sorted(g.nodes, key=str))}
    lines = ["flowchart LR"]
    for n, a in sorted(g.nodes(data=True), key=lambda x: str(x[0])):
        label = _mermaid_text(a.get("label", n))
        if a.get("kind") == "multicast":
            lines.append(f'  {ids[n]}["{label}"]')
        else:
            lines.append(f'  {ids[n]}(["{label}"])')
    for u, v, a in sorted(g.edges(data=True), key=lambda x: (str(x[0]), str(x[1]))):
        arrow = "-.->" if a.get("kind") == "delivery" else "-->"
        label = _mermaid_text(a.get("label", ""))
        lines.append(f'  {ids[u]} {arrow}|"{label}"| {ids[v]}')
    return "\n".join(lines) + "\n"


def run_dot(dot_text: str, fmt: str, *, timeout: float = 120.0) -> bytes:
    """Lay out and draw with Graphviz; GraphvizMissing when ``dot`` is not installed."""
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizMissing(
            "Graphviz `dot` is not installed: install graphviz (apt install graphviz), or use "
            "--format dot and render the file elsewhere"
        )
    try:
        done = subprocess.run(
            [exe, f"-T{fmt}"],
            input=dot_text.encode("utf-8"),
            capture_output=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RenderError(f"Graphviz dot failed: {exc}") from None
    if done.returncode != 0:
        raise RenderError(f"Graphviz dot failed: {done.stderr.decode(errors='replace').strip()}")
    return done.stdout


def render_image(g: Any, path: Path) -> None:
    """Draw the graph to ``path``; the format comes from its suffix (.svg, .png, .pdf)."""
    fmt = path.suffix.lstrip(".").lower()
    if fmt not in IMAGE_FORMATS:
        raise ValueError(f"--render needs a .svg, .png or .pdf file name, got {path.name!r}")
    data = run_dot(to_dot(g), fmt)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)

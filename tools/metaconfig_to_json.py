#!/usr/bin/env python3
"""Convert OpenSplice's splice_metaconfig_6.1.xml into ddsdoctor's package data.

Usage (from the repository root)::

    /work/venv/bin/python tools/metaconfig_to_json.py \\
        ../shared/reference/opensplice/splice_metaconfig_6.1.xml \\
        ddsdoctor/ospl/data/metaconfig.json

The metaconfig is the machine-readable description of every ``ospl.xml`` element and
attribute that OpenSplice's own configuration validator loads (``cfg_metaConfigParser.c``).
The output keeps exactly what the validator uses, read the way the validator reads it, plus
what ddsdoctor shows to people:

* ``kind``: the metaconfig tag (``element``, ``leafInt``, ``attributeEnum``, ...).
* ``min_occurs``/``max_occurs``: ``maxOccurrences="0"`` or absent means unbounded (``null``),
  as in ``cfg_elementSetMaxOccurrences``.
* ``required`` for attributes: ``required="true|false"`` and ``minOccurrences`` (> 0 means
  required) are applied in document order, the last one wins, as the validator does.
* ``minimum``/``maximum``/``max_length``/``values``: kept as the source text; ``values`` only for
  enum kinds and ``max_length`` only for string kinds (the validator ignores them elsewhere).
* ``default``, ``dimension``, ``version`` (COMMUNITY/COMMERCIAL), ``hidden``: informational.
* ``doc``: the first sentence of the HTML comment, as plain text.
* A second element with the same name under one parent is dropped: the validator's lookup
  (``c_iterResolve``) always finds the first one. Dropped paths are listed in ``dropped``.

The output is deterministic, so a test can check that the shipped file is current.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
import sys
from pathlib import Path
from typing import Any

from lxml import etree

VALUE_KINDS = ("Boolean", "Int", "Long", "Size", "Float", "Double", "Enum", "String")
LEAF_KINDS = frozenset("leaf" + k for k in ("Empty", *VALUE_KINDS))
ELEMENT_KINDS = LEAF_KINDS | {"element", "rootElement"}
ATTRIBUTE_KINDS = frozenset("attribute" + k for k in VALUE_KINDS)
RANGED = ("Int", "Long", "Size", "Float", "Double")
SOURCE = "ADLINK-IST/opensplice src/tools/cm/config/code/splice_metaconfig_6.1.xml"
DOC_MAX = 200

_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")
_SENTENCE = re.compile(r"(?<=[a-z0-9)\]'\"])\.\s+(?=[A-Z])")


def doc_line(node: Any) -> str | None:
    """The first sentence of a node's <comment>, without HTML."""
    comment = node.find("comment")
    if comment is None or not (comment.text or "").strip():
        return None
    text = _SPACE.sub(" ", html.unescape(_TAG.sub(" ", comment.text))).strip()
    first = _SENTENCE.split(text, maxsplit=1)[0].rstrip()
    if len(first) > DOC_MAX:
        first = first[: DOC_MAX - 3].rsplit(" ", 1)[0] + "..."
    elif not first.endswith((".", ":", "!", "?")):
        first += "."
    return first


def _uint(text: str) -> int:
    # strtoul(..., 0) on the metaconfig's own numbers, which are plain decimals
    return int(text.strip(), 0)


def _common(node: Any, out: dict[str, Any]) -> None:
    kind_suffix = node.tag.removeprefix("leaf").removeprefix("attribute")
    default = node.findtext("default")
    if default is not None:
        out["default"] = default.strip()
    if kind_suffix in RANGED or kind_suffix == "String":
        for key in ("minimum", "maximum"):
            value = node.findtext(key)
            if value is not None and kind_suffix in RANGED:
                out[key] = value.strip()
    if kind_suffix == "String":
        max_length = node.findtext("maxLength")
        if max_length is not None and _uint(max_length) > 0:
            out["max_length"] = _uint(max_length)
    if kind_suffix == "Enum":
        out["values"] = [(v.text or "").strip() for v in node.iter("value")]
    dimension = node.findtext("dimension")
    if dimension is not None and dimension.strip():
        out["dimension"] = dimension.strip()
    if node.get("version"):
        out["version"] = node.get("version")
    if node.get("hidden", "").lower() == "true":
        out["hidden"] = True
    doc = doc_line(node)
    if doc:
        out["doc"] = doc


def convert_attribute(node: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"name": node.get("name"), "kind": node.tag}
    required = False
    for key, value in node.attrib.items():  # document order: the last setting wins
        if key == "required":
            required = value.strip().lower() == "true"
        elif key == "minOccurrences":
            required = _uint(value) > 0
    out["required"] = required
    _common(node, out)
    return out


def convert_element(node: Any, path: str, dropped: list[str]) -> dict[str, Any]:
    out: dict[str, Any] = {"name": node.get("name"), "kind": node.tag}
    out["min_occurs"] = _uint(node.get("minOccurrences", "0"))
    max_occurs = _uint(node.get("maxOccurrences", "0"))
    out["max_occurs"] = max_occurs if max_occurs > 0 else None
    _common(node, out)
    attributes: list[dict[str, Any]] = []
    children: list[dict[str, Any]] = []
    seen_attrs: set[str] = set()
    seen_children: set[str] = set()
    for child in node:
        if not isinstance(child.tag, str):
            continue
        name = child.get("name")
        if child.tag in ATTRIBUTE_KINDS:
            if name in seen_attrs:
                dropped.append(f"{path}/@{name}")
                continue
            seen_attrs.add(name)
            attributes.append(convert_attribute(child))
        elif child.tag in ELEMENT_KINDS:
            if name in seen_children:
                dropped.append(f"{path}/{name}")
                continue
            seen_children.add(name)
            children.append(convert_element(child, f"{path}/{name}", dropped))
    if attributes:
        out["attributes"] = attributes
    if children:
        out["children"] = children
    return out


def convert(source: Path) -> dict[str, Any]:
    data = source.read_bytes()
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    top = etree.fromstring(data, parser)
    dropped: list[str] = []
    root_node = top.find("rootElement")
    root = convert_element(root_node, root_node.get("name"), dropped)
    mapping = [
        {"element": el.get("name"), "command": el.get("command")}
        for el in top.find("serviceMapping")
        if isinstance(el.tag, str)
    ]
    # The validator hangs every top-level <element> under the root element.
    children = root.setdefault("children", [])
    names = {c["name"] for c in children}
    for el in top:
        if el.tag == "element":
            if el.get("name") in names:
                dropped.append(f"{root['name']}/{el.get('name')}")
                continue
            names.add(el.get("name"))
            children.append(convert_element(el, f"{root['name']}/{el.get('name')}", dropped))
    return {
        "format": 1,
        "source": {
            "file": source.name,
            "origin": SOURCE,
            "sha256": hashlib.sha256(data).hexdigest(),
            "generator": "tools/metaconfig_to_json.py",
        },
        "service_mapping": mapping,
        "dropped": dropped,
        "root": root,
    }


def render(model: dict[str, Any]) -> str:
    return json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        sys.stderr.write("\n\n".join(__doc__.split("\n\n")[1:3]) + "\n")
        return 2
    source, target = Path(argv[1]), Path(argv[2])
    text = render(convert(source))
    target.write_text(text, encoding="utf-8")
    sys.stderr.write(f"wrote {target} ({len(text)} bytes)\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

"""Random configurations built from OpenSplice's own names: the schema rules never crash."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from lxml import etree

from ddsdoctor.engine import run_rules
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import Spec, metaconfig
from ddsdoctor.registry import REGISTRY, Subject
from ddsdoctor.selection import RuleSelection
from ddsdoctor.xmlsource import parse_xml

_SPECS = list(metaconfig().walk())
NAMES = sorted({s.name for s in _SPECS} | {s.name.lower() for s in _SPECS[:40]} | {"Foo", "x"})
ATTRS = sorted({a for s in _SPECS for a in s.attributes} | {"Name", "bogus"})
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            " ",
            "true",
            "TRUE",
            "0x10",
            "08",
            "-1",
            "4294967297",
            "10 MB",
            "1.5M",
            "500M",
            "inf",
            "nan",
            "1e39",
            "auto",
            "default",
            "10 s",
            "64 kb",
            "${X}",
            "${X:-3}",
            "${Y:?no}",
            "${",
            "ddsi2e",
            "durability",
            "Restart",
            "0.5",
        ]
    ),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=8),
)
SCHEMA_RULES = [r for r in REGISTRY.for_subject(Subject.OSPL) if r.code.startswith("DD2")]


@st.composite
def trees(draw: st.DrawFn, depth: int = 0, spec: Spec | None = None) -> etree._Element:
    """Mostly valid names for the parent (so the walk goes deep), sometimes anything."""
    if depth == 0:
        spec = metaconfig().root
        name = "OpenSplice"
    elif spec is not None and spec.children and draw(st.integers(0, 9)) < 8:
        name = draw(st.sampled_from(sorted(spec.children)))
        spec = spec.children[name]
    else:
        name, spec = draw(st.sampled_from(NAMES)), None
    el = etree.Element(name)
    known = sorted(spec.attributes) if spec is not None and spec.attributes else []
    for attr in draw(st.lists(st.sampled_from(known or ATTRS), max_size=2, unique=True)):
        el.set(attr, draw(VALUES))
    if depth < 5 and draw(st.booleans()):
        for _ in range(draw(st.integers(0, 4))):
            el.append(draw(trees(depth + 1, spec)))
            if draw(st.integers(0, 9)) == 0:
                el[-1].tail = "stray"
    else:
        el.text = draw(VALUES)
    return el


@settings(max_examples=200, deadline=None)
@given(trees(), st.dictionaries(st.sampled_from(["X", "Y"]), st.sampled_from(["", "7", "ddsi2e"])))
def test_schema_rules_never_crash(tree: etree._Element, env: dict[str, str]) -> None:
    try:
        data = etree.tostring(tree)
    except ValueError:  # text lxml cannot serialise (control characters)
        return
    loaded = parse_xml(data, "fuzz.xml")
    if loaded.document is None:
        return
    doc = OsplDocument(loaded.document, env)
    findings = run_rules(
        Subject.OSPL, doc, RuleSelection(), locate=doc.locate, rules=SCHEMA_RULES, path="fuzz.xml"
    )
    assert not [f.message for f in findings if f.code == "DD009"]

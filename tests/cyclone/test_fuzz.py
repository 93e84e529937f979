"""No Cyclone configuration, however odd, makes a rule crash (DD009) or raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from ddsdoctor.cyclone.load import CycloneDocument
from ddsdoctor.engine import run_rules
from ddsdoctor.registry import Subject
from ddsdoctor.selection import RuleSelection
from ddsdoctor.xmlsource import parse_xml

NAMES = [
    "Domain",
    "General",
    "Discovery",
    "Peers",
    "Peer",
    "Interfaces",
    "NetworkInterface",
    "AllowMulticast",
    "ParticipantIndex",
    "MaxAutoParticipantIndex",
    "Ports",
    "Base",
    "Internal",
    "SocketReceiveBufferSize",
    "NetworkInterfaceAddress",
    "Id",
    "Tracing",
    "SharedMemory",
    "Enable",
    "Bogus",
    "MinimumSocketReceiveBufferSize",
    "Unsupported",
]
ATTRS = ["Id", "id", "name", "address", "Address", "multicast", "autodetermine", "min", "priority"]
VALUES = st.one_of(
    st.sampled_from(
        [
            "",
            "any",
            "0",
            "300",
            "auto",
            "none",
            "false",
            "spdp",
            "lo",
            "10MB",
            "1.2.3.4:99999",
            "${X}",
            "${X:-1}",
            "$X",
            "${",
            "default,false",
            "-1",
        ]
    ),
    st.text(st.characters(min_codepoint=32, max_codepoint=0xD7FF), max_size=12),
)


@st.composite
def trees(draw: st.DrawFn, depth: int = 0) -> etree._Element:
    el = etree.Element(draw(st.sampled_from(NAMES)))
    for attr in draw(st.lists(st.sampled_from(ATTRS), max_size=3, unique=True)):
        el.set(attr, draw(VALUES))
    if depth < 4 and draw(st.booleans()):
        for child in draw(st.lists(trees(depth + 1), max_size=4)):  # type: ignore[call-arg]
            el.append(child)
    elif draw(st.booleans()):
        el.text = draw(VALUES)
    return el


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(trees(), st.booleans())
def test_rules_never_crash(tree: etree._Element, wrap: bool) -> None:
    root = etree.Element("CycloneDDS") if wrap else tree
    if wrap:
        root.append(tree)
    try:
        data = etree.tostring(root)
    except ValueError:
        return  # text lxml refuses to serialise (control characters)
    loaded = parse_xml(data, "fuzz.xml")
    if loaded.document is None:
        return
    doc = CycloneDocument(loaded.document, {"X": "5"})
    findings = run_rules(
        Subject.CYCLONE,
        doc,
        RuleSelection(select=("ALL",)),
        locate=doc.locate,
        enrich=doc.expansion_evidence,
        path="fuzz.xml",
    )
    crashed = [f.message for f in findings if f.code == "DD009"]
    assert not crashed, crashed
    for f in findings:
        assert f.location.line and f.location.column

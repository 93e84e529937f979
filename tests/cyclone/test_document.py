"""Recognition, the structural walk and exact positions of value errors."""

from __future__ import annotations

import pytest

from ddsdoctor.cyclone.load import CycloneDocument, is_cyclone
from ddsdoctor.cyclone.structure import IssueKind
from ddsdoctor.cyclone.view import views
from ddsdoctor.xmlsource import XmlDocument, parse_xml


def _xml(text: str) -> XmlDocument:
    loaded = parse_xml(text.encode(), "cfg.xml")
    assert loaded.document is not None
    return loaded.document


def _doc(text: str, env: dict[str, str] | None = None) -> CycloneDocument:
    return CycloneDocument(_xml(text), env or {})


def _in_domain(body: str) -> str:
    return f"<CycloneDDS><Domain>{body}</Domain></CycloneDDS>"


@pytest.mark.parametrize(
    ("text", "cyclone"),
    [
        ("<CycloneDDS/>", True),
        ('<CycloneDDS xmlns="https://cdds.io/config"/>', True),
        ('<CycloneDDS xmlns="urn:other"/>', True),  # Cyclone ignores the namespace value
        ("<cyclonedds/>", True),
        ('<c:CycloneDDS xmlns:c="https://cdds.io/config"/>', True),
        ("<Domain><General/></Domain>", True),
        ('<General xmlns="https://cdds.io/config"/>', True),
        ("<Domain><Name>ospl</Name><Id>0</Id></Domain>", False),  # an OpenSplice fragment
        ("<Domain/>", False),
        ("<OpenSplice/>", False),
        ("<dds/>", False),
    ],
)
def test_recognition(text: str, cyclone: bool) -> None:
    assert is_cyclone(_xml(text).root) is cyclone


def test_unknown_subtree_is_reported_once_like_cyclone() -> None:
    doc = _doc(_in_domain("<Bogus><AlsoBogus/></Bogus>"))
    kinds = [i.kind for i in doc.issues]
    assert kinds == [IssueKind.UNKNOWN_ELEMENT]


def test_did_you_mean() -> None:
    doc = _doc(_in_domain("<General><AllowMultcast>false</AllowMultcast></General>"))
    (issue,) = doc.issues
    assert issue.hint == "did you mean <AllowMulticast>?"
    doc = _doc(_in_domain("<General><MaxAutoParticipantIndx>9</MaxAutoParticipantIndx></General>"))
    (issue,) = doc.issues
    assert issue.kind is IssueKind.UNKNOWN_ELEMENT and "Discovery" in (issue.hint or "")


def test_xsd_errors_map_to_the_exact_attribute() -> None:
    # lxml's XMLSchema reports this one (xs:integer): mapped back through the copy's node ids
    text = (
        "<CycloneDDS><Domain><Internal><LateAckMode>true</LateAckMode>"
        '<MultipleReceiveThreads maxretries="lots">true</MultipleReceiveThreads>'
        "</Internal></Domain></CycloneDDS>"
    )
    doc = _doc(text)
    (issue,) = [i for i in doc.issues if i.kind is IssueKind.INVALID_VALUE]
    assert issue.attr == "maxretries" and "xs:integer" in issue.evidence["xsd"]
    loc = doc.xml.locate(issue.element, issue.attr)
    assert (loc.line, loc.column) == (1, text.index("maxretries") + 1)
    assert loc.xpath == "/CycloneDDS/Domain/Internal/MultipleReceiveThreads/@maxretries"


def test_xsd_checks_every_domain_section_and_merged_groups() -> None:
    text = (
        "<CycloneDDS>\n"
        '<Domain Id="0"><General><DontRoute>yes</DontRoute></General>'
        "<General><EnableMulticastLoopback>no</EnableMulticastLoopback></General></Domain>\n"
        '<Domain Id="1"><Tracing><Verbosity>loud</Verbosity></Tracing></Domain>\n'
        "</CycloneDDS>"
    )
    doc = _doc(text)
    bad = sorted((doc.xml.locate(i.element).line, i.element.tag) for i in doc.issues)
    assert bad == [(2, "DontRoute"), (2, "EnableMulticastLoopback"), (3, "Verbosity")]
    assert not [i for i in doc.issues if i.kind is IssueKind.DUPLICATE]


def test_values_are_checked_after_expansion() -> None:
    text = _in_domain(
        "<Discovery><MaxAutoParticipantIndex>${N}</MaxAutoParticipantIndex></Discovery>"
    )
    assert [i.kind for i in _doc(text, {"N": "x"}).issues] == [IssueKind.INVALID_VALUE]
    assert _doc(text, {"N": "20"}).issues == []
    assert _doc(text).issues == []  # unset: the expansion rules report it


def test_moved_setting_is_validated_at_its_new_place() -> None:
    doc = _doc(
        _in_domain(
            "<Internal><MinimumSocketReceiveBufferSize>10 KB"
            "</MinimumSocketReceiveBufferSize></Internal>"
        )
    )
    kinds = sorted(i.kind.value for i in doc.issues)
    assert kinds == ["invalid-value", "moved"]


def test_views_follow_cyclone_section_order() -> None:
    doc = _doc(
        "<CycloneDDS>"
        '<Domain Id="any"><General><AllowMulticast>spdp</AllowMulticast></General></Domain>'
        '<Domain Id="0"><General><AllowMulticast>false</AllowMulticast></General>'
        '<Discovery><Peers><Peer Address="a"/></Peers></Discovery></Domain>'
        '<Domain Id="1"><Discovery><Peers><Peer Address="b"/></Peers></Discovery></Domain>'
        "</CycloneDDS>"
    )
    by_id = {v.domain_id: v for v in views(doc)}
    assert set(by_id) == {None, 0, 1}
    assert by_id[0].value("General/AllowMulticast") == "false"
    assert by_id[1].value("General/AllowMulticast") == "spdp"
    assert [doc.attr(p, "address") for p in by_id[1].all("Discovery/Peers/Peer")] == ["b"]


def test_expansion_uses_cyclone_pseudo_variables() -> None:
    doc = _doc(_in_domain("<Tracing><OutputFile>x.${CYCLONEDDS_PID}.log</OutputFile></Tracing>"))
    (el,) = doc.find("CycloneDDS/Domain/Tracing/OutputFile")
    assert doc.value(el) == "x.4242.log"

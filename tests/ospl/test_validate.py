"""The schema walk and the service mapping on small, real configurations."""

from __future__ import annotations

import pytest

from ddsdoctor.ospl.issues import Issue
from ddsdoctor.ospl.load import OsplDocument
from ddsdoctor.ospl.schema import metaconfig
from ddsdoctor.ospl.validate import analyse, of, section_schemas
from ddsdoctor.rules.schema_services import command_key
from ddsdoctor.xmlsource import parse_xml

DOMAIN = """
  <Domain>
    <Name>d</Name>
    <Service name="ddsi2"><Command>{command}</Command></Service>
    <Service name="durability"><Command>durability</Command></Service>
  </Domain>"""
DURABILITY = """
  <DurabilityService name="durability">
    <NameSpaces>
      <NameSpace name="ns"><Partition>*</Partition></NameSpace>
      <Policy {policy} nameSpace="ns"/>
    </NameSpaces>
  </DurabilityService>"""


def doc_of(text: str, env: dict[str, str] | None = None) -> OsplDocument:
    loaded = parse_xml(text.encode(), "t.xml")
    assert loaded.document is not None, loaded.findings
    return OsplDocument(loaded.document, env or {})


def config(
    section: str = "",
    command: str = "ddsi2",
    policy: str = 'aligner="true" alignee="Initial" durability="Durable"',
) -> str:
    section = section or '<DDSI2Service name="ddsi2"/>'
    return (
        f"<OpenSplice>{DOMAIN.format(command=command)}{section}"
        f"{DURABILITY.format(policy=policy)}</OpenSplice>"
    )


@pytest.mark.parametrize(
    ("command", "key"),
    [
        ("ddsi2", "ddsi2"),
        ("ddsi2.exe", "ddsi2"),
        ("/usr/lib/ospl/bin/durability", "durability"),
        ("C:\\ospl\\bin\\ddsi2e.exe", "ddsi2e"),
        # findServiceMappingByCommand cuts at the LAST dot of the whole path first
        ("/opt/ospl-6.9/bin/ddsi2", "ospl-6"),
        ("durability.v2.exe", "durability.v2"),
    ],
)
def test_command_key_is_the_validators(command: str, key: str) -> None:
    assert command_key(command) == key


def test_clean_config_has_no_issues() -> None:
    assert analyse(doc_of(config())) == []


def test_analysis_is_computed_once_per_document() -> None:
    doc = doc_of(config())
    assert analyse(doc) is analyse(doc)


def test_ddsi2e_reads_a_ddsi2service_section_with_the_ddsi2e_schema() -> None:
    section = """<DDSI2Service name="ddsi2"><Partitioning><NetworkPartitions>
      <NetworkPartition Name="p" Address="239.1.1.1"/></NetworkPartitions></Partitioning>
      </DDSI2Service>"""
    doc = doc_of(config(section, command="ddsi2e"))
    chosen = section_schemas(doc, metaconfig())
    (el,) = [e for e in doc.root if e.tag == "DDSI2Service"]
    assert chosen[el].name == "DDSI2EService"
    assert not of(doc, Issue.UNKNOWN_ELEMENT) and not of(doc, Issue.MISPLACED)
    # with the ddsi2 command, Partitioning (DDSI2E only) does not belong in DDSI2Service
    plain = doc_of(config(section, command="ddsi2"))
    (f,) = of(plain, Issue.MISPLACED)
    assert f.element.tag == "Partitioning" and "DDSI2EService/Partitioning" in f.candidates


def test_semantic_values_are_left_to_the_semantic_rules() -> None:
    # masterPriority out of range and an unknown alignee: owned by the durability rules
    policy = 'aligner="maybe" alignee="Lazyy" durability="Durable" masterPriority="300"'
    doc = doc_of(config(policy=policy))
    assert analyse(doc) == []
    # ... but the attributes must still exist
    typo = doc_of(config(policy='aligner="true" aligne="Lazy" durability="Durable"'))
    assert [f.attr for f in of(typo, Issue.UNKNOWN_ATTRIBUTE)] == ["aligne"]


def test_network_interface_address_value_is_not_checked() -> None:
    section = """<DDSI2Service name="ddsi2"><General>
      <NetworkInterfaceAddress>10.1.2.0/24</NetworkInterfaceAddress></General></DDSI2Service>"""
    assert analyse(doc_of(config(section))) == []


def test_values_are_checked_after_expansion() -> None:
    text = config().replace("<Name>d</Name>", "<Name>d</Name><Id>${DID}</Id>")
    assert analyse(doc_of(text, {"DID": "7"})) == []
    (bad,) = of(doc_of(text, {"DID": "seven"}), Issue.INVALID_VALUE)
    assert bad.value == "seven"


def test_text_is_trimmed_attributes_are_not() -> None:
    text = config().replace("<Name>d</Name>", "<Name>d</Name><Id>\n  7\n  </Id>")
    assert analyse(doc_of(text)) == []
    spaced = config().replace('<Service name="ddsi2">', '<Service name="ddsi2" enabled=" true">')
    (bad,) = of(doc_of(spaced), Issue.INVALID_VALUE)
    assert bad.attr == "enabled"


def test_commercial_reported_once_at_the_top() -> None:
    database = "<Database><Size>500M</Size><Threshold>5M</Threshold></Database>"
    text = config().replace("<Name>d</Name>", "<Name>d</Name>" + database)
    found = of(doc_of(text), Issue.COMMERCIAL)
    assert [f.element.tag for f in found] == ["Database"]


def test_unknown_element_is_not_descended_into() -> None:
    text = config().replace("<Name>d</Name>", "<Name>d</Name><Lease2><Nope/><Id>x</Id></Lease2>")
    found = analyse(doc_of(text))
    assert [(f.issue, f.element.tag) for f in found] == [(Issue.UNKNOWN_ELEMENT, "Lease2")]


def test_misplaced_prefers_the_same_section() -> None:
    section = '<DDSI2Service name="ddsi2"><Discovery><Peer Address="h"/></Discovery></DDSI2Service>'
    (f,) = of(doc_of(config(section)), Issue.MISPLACED)
    assert f.candidates[0] == "DDSI2Service/Discovery/Peers/Peer"


def test_wrong_case_attribute_is_not_also_missing() -> None:
    text = config().replace('<Service name="durability">', '<Service NAME="durability">')
    issues = {f.issue for f in analyse(doc_of(text))}
    assert Issue.WRONG_CASE in issues and Issue.MISSING_ATTRIBUTE not in issues


def test_comments_inside_values_are_skipped() -> None:
    text = config().replace("<Name>d</Name>", "<Name>d</Name><Id>1<!-- c -->2</Id>")
    assert analyse(doc_of(text)) == []  # OpenSplice concatenates the text around comments: 12

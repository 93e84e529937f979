"""Exact positions of elements, attributes and text (xmlsource start-tag scan)."""

from __future__ import annotations

from ddsdoctor.xmlsource import XmlDocument, parse_xml

SOURCE = """<?xml version="1.0"?>
<!-- <NotATag attr="x"> -->
<OpenSplice>
  <Domain a="x > y" b='cdata' >
    <Name>
      d</Name>
    <Service
        name="ddsi2"
        enabled="true"><Command>ddsi2</Command></Service>
  </Domain>
</OpenSplice>
"""


def _doc() -> XmlDocument:
    loaded = parse_xml(SOURCE.encode(), "p.xml")
    assert loaded.document is not None
    return loaded.document


def test_positions_of_tags_attributes_and_text() -> None:
    doc = _doc()
    root = doc.root
    domain = root.find("Domain")
    service = domain.find("Service")
    assert doc.line_col(doc.offset_of(root)) == (3, 1)
    assert doc.line_col(doc.offset_of(domain)) == (4, 3)
    # a '>' inside an attribute value does not end the start tag
    assert doc.line_col(doc.offset_of(domain, "b")) == (4, 21)
    assert doc.line_col(doc.offset_of(domain.find("Name"), text=True)) == (6, 7)
    assert doc.line_col(doc.offset_of(service, "enabled")) == (9, 9)
    assert doc.line_col(doc.offset_of(service.find("Command"), text=True)) == (9, 33)
    # an attribute that is not there falls back to the tag
    assert doc.offset_of(service, "nope") == doc.offset_of(service)


def test_line_text() -> None:
    doc = _doc()
    assert doc.line_text(4).strip().startswith("<Domain")
    assert doc.line_text(99) == ""

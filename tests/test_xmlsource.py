"""Safe XML loading: exact positions, hostile input refused, never a traceback."""

from __future__ import annotations

import os
from pathlib import Path

from ddsdoctor.xmlsource import load_xml, parse_xml

DOC = b"""<?xml version="1.0"?>
<!-- <Fake> in a comment -->
<OpenSplice>
  <Domain
      name="x"><Name>  ospl</Name>
    <![CDATA[ <NotATag> ]]><Id>0</Id>
  </Domain>
</OpenSplice>
"""


def test_positions_of_elements_attributes_and_text() -> None:
    doc = parse_xml(DOC, "f.xml").document
    assert doc is not None
    domain = doc.root.find("Domain")
    name = domain.find("Name")
    ident = domain.find("Id")
    assert (doc.locate(domain).line, doc.locate(domain).column) == (4, 3)
    assert (doc.locate(domain, "name").line, doc.locate(domain, "name").column) == (5, 7)
    assert (doc.locate(name).line, doc.locate(name).column) == (5, 16)
    assert doc.locate(name, text=True).column == 24  # first non-blank character of the text
    assert (doc.locate(ident).line, doc.locate(ident).column) == (6, 28)
    assert doc.locate(ident).xpath == "/OpenSplice/Domain/Id"
    assert doc.locate(domain, "name").xpath == "/OpenSplice/Domain/@name"
    assert doc.line_text(5) == '      name="x"><Name>  ospl</Name>'


def test_columns_count_characters_not_bytes() -> None:
    data = "<OpenSplice><Domain><Name>é</Name><Id>0</Id></Domain></OpenSplice>".encode()
    doc = parse_xml(data, "u.xml").document
    assert doc is not None
    assert doc.locate(doc.root.find("Domain/Id")).column == 35


def test_entity_bomb_is_refused_without_expansion() -> None:
    data = (
        '<?xml version="1.0"?>\n<!DOCTYPE OpenSplice [\n<!ENTITY l0 "lol">\n'
        + "".join(f'<!ENTITY l{i} "{("&l" + str(i - 1) + ";") * 10}">\n' for i in range(1, 10))
        + "]>\n<OpenSplice><Domain><Name>&l9;</Name></Domain></OpenSplice>\n"
    ).encode()
    result = parse_xml(data, "bomb.xml")
    assert result.document is None
    assert [f.code for f in result.findings] == ["DD006"]


def test_external_entity_never_read(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOPSECRET")
    data = (
        f'<!DOCTYPE OpenSplice [<!ENTITY s SYSTEM "file://{secret}">]>'
        "<OpenSplice><Domain><Name>&s;</Name></Domain></OpenSplice>"
    ).encode()
    result = parse_xml(data, "ext.xml")
    assert result.document is None
    assert [f.code for f in result.findings] == ["DD006"]
    assert "TOPSECRET" not in repr(result.findings)


def test_unreadable_paths(tmp_path: Path) -> None:
    missing = load_xml(tmp_path / "missing.xml")
    assert [f.code for f in missing.findings] == ["DD001"]
    fifo = tmp_path / "pipe.xml"
    os.mkfifo(fifo)
    assert [f.code for f in load_xml(fifo).findings] == ["DD001"]
    assert [f.code for f in load_xml(tmp_path).findings] == ["DD001"]


def test_malformed_positions() -> None:
    result = parse_xml(b"<OpenSplice>\n  <Domain>\n</OpenSplice>\n", "m.xml")
    (f,) = result.findings
    assert f.code == "DD005"
    assert f.location.line == 3
    assert "line 3" not in f.message


def test_truncated_and_garbage_inputs_never_raise() -> None:
    for data in (
        b"<",
        b"<OpenSplice",
        b"\xff\xfe<\x00",
        bytes(range(256)) * 4,
        b"<?xml?>",
        b"\xef\xbb\xbf",
    ):
        result = parse_xml(data, "g.xml")
        assert result.document is None
        assert result.findings and result.findings[0].code in {"DD002", "DD003", "DD005"}


def test_comments_with_following_element() -> None:
    doc = parse_xml(b"<A>\n <!-- c1 -->\n <B/>\n <!-- c1 -->\n</A>", "c.xml").document
    assert doc is not None
    comments = list(doc.comments())
    assert [doc.line_col(off)[0] for _, off, _ in comments] == [2, 4]
    assert comments[0][2] is not None and comments[0][2].tag == "B"
    assert comments[1][2] is None


def test_comments_outside_the_root_element() -> None:
    data = b'<?xml version="1.0"?>\n<!-- top -->\n<A>\n <!-- top -->\n</A>\n<!-- tail -->\n'
    doc = parse_xml(data, "c.xml").document
    assert doc is not None
    comments = list(doc.comments())
    assert [(text, doc.line_col(off)) for text, off, _ in comments] == [
        (" top ", (2, 1)),
        (" top ", (4, 2)),
        (" tail ", (6, 1)),
    ]
    assert comments[0][2] is doc.root and comments[2][2] is None

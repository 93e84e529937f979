"""Inline suppressions: element scope, line scope, file scope, unused ones reported."""

from __future__ import annotations

from pathlib import Path

from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import Overrides, SettingsResolver

XML = """<OpenSplice>
  <Domain>
    <!-- ddsdoctor: ignore[DD304] the launcher sets it -->
    <Name>${A}</Name>
    <Role>${B}</Role> <!-- ddsdoctor: ignore[expansion.unset-variable] trailing -->
    <Description>${C}</Description>
  </Domain>
  <!-- ddsdoctor: ignore[DD304] covers the whole section -->
  <DDSI2Service name="ddsi2">
    <General><NetworkInterfaceAddress>${D}</NetworkInterfaceAddress></General>
  </DDSI2Service>
</OpenSplice>
"""


def _run(tmp_path: Path, text: str, **kw: object) -> list[tuple[str, int | None]]:
    f = tmp_path / "s.xml"
    f.write_text(text)
    options = CheckOptions(
        paths=[f],
        env=EnvSpec(inherit=False),
        # only the expansion and suppression families: the fixture is not a complete config
        resolver=SettingsResolver(Overrides(select=("DD3", "DD0"), **kw), isolated=True),  # type: ignore[arg-type]
    )
    return [(x.code, x.location.line) for x in run_check(options).findings]


def test_scopes(tmp_path: Path) -> None:
    assert _run(tmp_path, XML) == [("DD304", 6)]


def test_file_scope_and_unused(tmp_path: Path) -> None:
    text = XML.replace(
        "<OpenSplice>", "<OpenSplice>\n<!-- ddsdoctor: file-ignore[DD304, DD301] all -->"
    )
    found = _run(tmp_path, text)
    assert ("DD304", 7) not in found
    # the file-wide DD301 and now-redundant element suppressions are reported as unused
    assert ("DD010", 2) in found


def test_disable_ignore_pragma(tmp_path: Path) -> None:
    found = _run(tmp_path, XML, disable_ignore_pragma=True)
    assert sorted(line for code, line in found if code == "DD304") == [4, 5, 6, 10]


def test_pragma_above_the_root_element(tmp_path: Path) -> None:
    # the usual place for a file-wide pragma: above <OpenSplice>, outside the root element
    text = '<?xml version="1.0"?>\n<!-- ddsdoctor: file-ignore[DD304] all -->\n' + XML
    assert _run(tmp_path, XML) == [("DD304", 6)]
    assert _run(tmp_path, text) == []
    unused = "<!-- ddsdoctor: file-ignore[DD301] nothing to hide -->\n" + XML
    assert _run(tmp_path, unused) == [("DD010", 1), ("DD304", 7)]


def test_pragmas_take_selectors_like_select(tmp_path: Path) -> None:
    # a code prefix and a rule family, as docs/configuration.md shows them
    for selector in ("DD3", "expansion"):
        text = XML.replace(
            "<OpenSplice>", f"<OpenSplice><!-- ddsdoctor: file-ignore[{selector}] ok -->"
        )
        assert _run(tmp_path, text) == [], selector


def test_blanket_pragma_is_refused(tmp_path: Path) -> None:
    for selector in ("ALL", "DD"):
        text = XML.replace(
            "<OpenSplice>", f"<OpenSplice><!-- ddsdoctor: file-ignore[{selector}] x -->"
        )
        assert _run(tmp_path, text) == [("DD011", 1), ("DD304", 6)], selector

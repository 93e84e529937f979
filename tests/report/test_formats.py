"""Every output format: valid documents, escaping, stable fingerprints."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import pytest

from ddsdoctor.findings import Finding, Location, Severity, Summary
from ddsdoctor.report import Format, ReportContext, render
from ddsdoctor.report.github import escape_data, escape_property
from ddsdoctor.report.sarif import fingerprint

FINDINGS = [
    Finding(
        "DD304",
        "expansion.unset-variable",
        Severity.ERROR,
        "<Id> becomes empty: X unset, 100% sure,\nsecond line",
        Location(path="cfg/ospl.xml", line=4, column=9, xpath="/OpenSplice/Domain/Id"),
        hint="set X",
        evidence={"expansions": {"${X}": "'' (X unset)"}},
    ),
    Finding(
        "DD305",
        "expansion.bare-dollar",
        Severity.WARNING,
        "bare $X <kept> & literal",
        Location(path="cfg/ospl.xml", line=7, column=3, xpath="/OpenSplice/Domain/Role"),
    ),
    Finding(
        "DD007",
        "input.not-opensplice",
        Severity.INFO,
        "root is <dds>",
        Location(path="q/qos.xml", line=1, column=1),
    ),
]
CTX = ReportContext(summary=Summary.of(FINDINGS, files=2), exit_code=1)
EMPTY_CTX = ReportContext(summary=Summary.of([], files=1), exit_code=0)


def test_json_schema_keys() -> None:
    doc = json.loads(render(Format.JSON, FINDINGS, CTX))
    assert doc["tool"]["name"] == "ddsdoctor" and doc["tool"]["version"]
    first = doc["findings"][0]
    for key in (
        "code",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "xpath",
        "hint",
        "evidence",
    ):
        assert key in first
    assert first["severity"] == "error"
    assert doc["summary"] == {"files": 2, "errors": 1, "warnings": 1, "infos": 1, "suppressed": 0}
    assert json.loads(render(Format.JSON, [], EMPTY_CTX))["findings"] == []


def test_sarif_is_valid_against_the_official_schema(reference) -> None:  # type: ignore[no-untyped-def]
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((reference / "sarif" / "sarif-schema-2.1.0.json").read_text())
    for findings, ctx in ((FINDINGS, CTX), ([], EMPTY_CTX)):
        doc = json.loads(render(Format.SARIF, findings, ctx))
        jsonschema.validate(doc, schema)
        run = doc["runs"][0]
        assert "results" in run
    run = json.loads(render(Format.SARIF, FINDINGS, CTX))["runs"][0]
    ids = [r["id"] for r in run["tool"]["driver"]["rules"]]
    assert ids == ["DD007", "DD304", "DD305"]
    for result in run["results"]:
        assert ids[result["ruleIndex"]] == result["ruleId"]
        assert result["partialFingerprints"]["ddsdoctor/v1"]
        region = result["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1
    assert run["results"][0]["level"] == "error" and run["results"][2]["level"] == "note"


def test_fingerprint_ignores_line_numbers() -> None:
    moved = Finding(
        FINDINGS[0].code,
        FINDINGS[0].name,
        FINDINGS[0].severity,
        "other text",
        Location(path="cfg/ospl.xml", line=40, column=1, xpath="/OpenSplice/Domain/Id"),
    )
    assert fingerprint(moved) == fingerprint(FINDINGS[0])


def test_github_escaping() -> None:
    assert escape_data("a%b\r\nc") == "a%25b%0D%0Ac"
    assert escape_property("x:y,z") == "x%3Ay%2Cz"
    out = render(Format.GITHUB, FINDINGS, CTX).splitlines()
    assert out[0].startswith(
        "::error file=cfg/ospl.xml,line=4,endLine=4,col=9,title=ddsdoctor (DD304"
    )
    assert "%0Asecond line" in out[0] and "100%25 sure" in out[0]
    assert "\n" not in out[0]
    assert out[2].startswith("::notice ")


def test_github_caps_annotations_per_kind() -> None:
    many = [FINDINGS[1]] * 25
    out = render(Format.GITHUB, many, ReportContext(summary=Summary.of(many, 1)))
    assert sum(line.startswith("::warning") for line in out.splitlines()) == 10
    assert "15 more findings" in out


def test_junit_is_well_formed() -> None:
    root = ET.fromstring(render(Format.JUNIT, FINDINGS, CTX))
    assert root.tag == "testsuites" and root.get("failures") == "3"
    cases = root.findall(".//testcase")
    assert len(cases) == 3 and cases[0].find("failure") is not None
    empty = ET.fromstring(render(Format.JUNIT, [], EMPTY_CTX))
    assert empty.find(".//testcase").get("name") == "No problems found"


def test_gitlab_fingerprints_are_unique() -> None:
    dup = [FINDINGS[0], FINDINGS[0], FINDINGS[1]]
    issues = json.loads(render(Format.GITLAB, dup, CTX))
    assert len({i["fingerprint"] for i in issues}) == 3
    assert issues[0]["severity"] == "major" and issues[2]["severity"] == "minor"
    assert issues[0]["location"]["positions"]["begin"] == {"line": 4, "column": 9}
    assert json.loads(render(Format.GITLAB, [], EMPTY_CTX)) == []


def test_text_shows_source_and_caret() -> None:
    lines = {("cfg/ospl.xml", 4): "    <Id>${X}</Id>"}
    ctx = ReportContext(summary=CTX.summary, source_line=lambda p, n: lines.get((p, n), ""))
    out = render(Format.TEXT, FINDINGS, ctx)
    assert "cfg/ospl.xml" in out and "DD304" in out
    src = out.splitlines().index("     4 |     <Id>${X}</Id>")
    assert out.splitlines()[src + 1].index("^") == len("     4 | ") + 8
    assert "${X} -> '' (X unset)" in out
    assert "1 error(s), 1 warning(s), 1 info in 2 files." in out

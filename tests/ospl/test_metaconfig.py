"""The shipped metaconfig model: regenerated from OpenSplice's file it is byte-identical."""

from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from ddsdoctor.ospl.schema import Kind, metaconfig
from tests.conftest import REFERENCE, ROOT

SOURCE = REFERENCE / "opensplice" / "splice_metaconfig_6.1.xml"
SHIPPED = ROOT / "ddsdoctor" / "ospl" / "data" / "metaconfig.json"


def _converter() -> ModuleType:
    path = ROOT / "tools" / "metaconfig_to_json.py"
    spec = importlib.util.spec_from_file_location("metaconfig_to_json", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shipped_json_is_current() -> None:
    if not SOURCE.is_file():
        pytest.skip(f"reference metaconfig not found at {SOURCE}")
    conv = _converter()
    assert conv.render(conv.convert(SOURCE)) == SHIPPED.read_text(encoding="utf-8"), (
        "ddsdoctor/ospl/data/metaconfig.json is stale: run "
        "tools/metaconfig_to_json.py ../shared/reference/opensplice/splice_metaconfig_6.1.xml "
        "ddsdoctor/ospl/data/metaconfig.json"
    )


def test_converter_cli_writes_the_file(tmp_path: Path) -> None:
    if not SOURCE.is_file():
        pytest.skip(f"reference metaconfig not found at {SOURCE}")
    out = tmp_path / "m.json"
    assert _converter().main(["x", str(SOURCE), str(out)]) == 0
    assert json.loads(out.read_text())["source"]["file"] == SOURCE.name


def test_model_reads_the_validator_way() -> None:
    m = metaconfig()
    assert m is metaconfig()  # loaded once
    domain_id = m.lookup("Domain/Id")
    assert domain_id is not None and domain_id.kind is Kind.INT
    assert (domain_id.minimum, domain_id.maximum) == ("0", "2147483646")
    assert m.lookup("OpenSplice/Domain/Id") is domain_id
    assert m.lookup("Domain/id") is None  # strcmp: case-sensitive
    name = m.lookup("Domain/Service/@name")
    assert name is not None and name.required and name.is_attribute
    # maxOccurrences="0" means unbounded
    service = m.lookup("Domain/Service")
    assert service is not None and service.max_occurs is None
    assert m.lookup("Domain") is not None and m.lookup("Domain").min_occurs == 1  # type: ignore[union-attr]
    assert m.commands["ddsi2e"] == "DDSI2EService"
    database = m.lookup("Domain/Database")
    assert database is not None and database.commercial
    alignee = m.lookup("DurabilityService/NameSpaces/Policy/@alignee")
    assert alignee is not None and alignee.values == ("Initial", "Lazy", "On_Request")
    assert m.lookup("Domain/Id/@x") is None and m.lookup("Domain/@x/y") is None


def test_required_attribute_from_min_occurrences() -> None:
    # <attributeBoolean minOccurrences="1"> without required=: required, as in the validator
    spec = metaconfig().lookup("RnRService/Storage/Statistics/@enabled")
    assert spec is not None and spec.required


def test_docs_are_plain_text() -> None:
    tag = re.compile(r"</?[A-Za-z]")
    for spec in metaconfig().walk():
        for item in (spec, *spec.attributes.values()):
            assert item.doc is None or (not tag.search(item.doc) and len(item.doc) <= 200)

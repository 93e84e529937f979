"""The release-history tables agree with the shipped XSD."""

from __future__ import annotations

from ddsdoctor.cyclone.history import INTRODUCED, LEGACY, Change
from ddsdoctor.cyclone.schema import load_schema


def _exists(path: str) -> bool:
    element, _, attr = path.partition("[@")
    spec = load_schema().find(element)
    if spec is None:
        return False
    return not attr or spec.attr(attr.rstrip("]")) is not None


def test_legacy_entries_point_at_real_places() -> None:
    m = load_schema()
    for (parent, name), entry in LEGACY.items():
        spec = m.find(entry.parent)
        assert spec is not None, f"{entry.parent} is not in the XSD"
        if name.startswith("@"):
            assert spec.attr(name[1:]) is None, f"{parent}[{name}] is current, not legacy"
        else:
            assert spec.child(name) is None, f"{parent}/{name} is current, not legacy"
        if entry.change in (Change.ALIAS, Change.MOVED):
            assert _exists(entry.target), entry.target


def test_introduced_settings_are_in_the_xsd() -> None:
    for path in INTRODUCED:
        assert _exists(path), path

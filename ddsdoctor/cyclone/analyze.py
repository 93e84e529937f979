"""The ``check`` analyzer for Cyclone DDS configurations (registered in ``lint.py``)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ddsdoctor.cyclone.load import ROOT_TAGS, CycloneDocument, is_cyclone
from ddsdoctor.engine import run_rules
from ddsdoctor.findings import Finding
from ddsdoctor.registry import Subject
from ddsdoctor.xmlsource import XmlDocument

__all__ = ["ROOT_TAGS", "analyze", "classify"]


def analyze(xml: XmlDocument, settings: Any, options: Any, env: Mapping[str, str]) -> list[Finding]:
    """Run every Cyclone rule on one file."""
    doc = CycloneDocument(xml, env, options.env.label)
    return run_rules(
        Subject.CYCLONE,
        doc,
        settings.selection(),
        locate=doc.locate,
        enrich=doc.expansion_evidence,
        path=xml.path,
    )


def classify(
    xml: XmlDocument,
) -> Callable[[XmlDocument, Any, Any, Mapping[str, str]], list[Finding]] | None:
    """``analyze`` for roots the exact-tag table misses: ``<cyclonedds>``, fragments."""
    return analyze if is_cyclone(xml.root) else None

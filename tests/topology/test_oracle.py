"""tshark is the oracle: discovery facts and traffic per edge equal what tshark decodes.

Runs on every corpus capture and the real OpenSplice lab capture.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.topology.oracle import by_address, default, tshark_traffic
from tests.tshark import TSHARK
from tests.wire.corpus import ALL_CAPTURES, capture_id
from tests.wire.oracle import tshark_records

pytestmark = pytest.mark.skipif(TSHARK is None, reason="tshark is not installed (the oracle)")


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_every_participant_and_endpoint_tshark_decodes_is_in_the_facts(path: Path) -> None:
    facts = default(path).facts
    last: dict[tuple[str, str], dict[str, object]] = {}
    for _frame, records in sorted(tshark_records(path).items()):
        for rec in records:
            if rec["kind"] == "participant":
                last[("p", str(rec["participant_guid"])[:24])] = rec
            elif "guid" in rec:
                last[("e", str(rec["guid"]))] = rec
    assert last or "messenger" in path.name
    for (what, key), rec in last.items():
        if what == "p":
            p = facts.participants.get(key)
            assert p is not None, f"participant {key} is not in the facts"
            if "vendor_id" in rec:
                assert p.vendor_id == rec["vendor_id"]
            continue
        ep = facts.endpoints.get(key)
        assert ep is not None, f"{rec['kind']} {key} ({rec.get('topic')}) is not in the facts"
        assert ep.kind.value == rec["kind"]
        assert ep.topic == rec.get("topic", "")
        assert ep.type_name == rec.get("type", "")
        assert ep.partitions == rec.get("partitions", ())


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_topics_types_and_partitions_equal_tsharks(path: Path) -> None:
    report = default(path)
    recs = [r for rs in tshark_records(path).values() for r in rs if r["kind"] != "participant"]
    topics = {t.topic for t in report.topics}
    types = {t for x in report.topics for t in x.types}
    parts = {p for e in report.facts.endpoints.values() for p in e.partitions}
    assert {r["topic"] for r in recs if "topic" in r} <= topics
    assert {r["type"] for r in recs if "type" in r} <= types
    assert {p for r in recs for p in r.get("partitions", ())} == parts


@pytest.mark.parametrize("path", [p for p in ALL_CAPTURES if "pdu" not in p.name], ids=capture_id)
def test_packets_and_bytes_per_edge_equal_tsharks(path: Path) -> None:
    """Edges at address granularity: RTPS datagrams and their frame bytes (all fragments)."""
    want = tshark_traffic(path)
    report = by_address(path)
    got = {(e.src, e.dst): (e.traffic.packets, e.traffic.bytes) for e in report.host_edges}
    assert got == want
    assert report.total.packets == sum(n for n, _ in want.values())

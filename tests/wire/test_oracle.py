"""tshark is the oracle: every SPDP/SEDP record tshark decodes is found with the same values."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.wire.records import EndpointData, ParticipantData
from tests.tshark import TSHARK
from tests.wire.corpus import ALL_CAPTURES, capture_id
from tests.wire.oracle import (
    matches,
    our_records,
    ours_endpoint,
    ours_participant,
    tshark_records,
)

pytestmark = pytest.mark.skipif(TSHARK is None, reason="tshark is not installed (the oracle)")


def _ours(record: object) -> dict[str, object]:
    if isinstance(record, ParticipantData):
        return ours_participant(record)
    assert isinstance(record, EndpointData)
    return ours_endpoint(record)


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_every_tshark_record_is_found_with_the_same_values(path: Path) -> None:
    theirs = tshark_records(path)
    ours = our_records(path)
    checked = 0
    for frame, records in theirs.items():
        mine = [_ours(r) for r in ours.get(frame, [])]
        for rec in records:
            diffs = [matches(rec, m) for m in mine if m["kind"] == rec["kind"]]
            assert diffs, f"frame {frame}: no {rec['kind']} decoded where tshark has {rec}"
            best = min(diffs, key=len)
            assert not best, f"frame {frame}: {rec['kind']} differs from tshark: {best}"
            checked += 1
    if "messenger" in path.name:  # the OpenDDS tcp capture holds no RTPS at all
        assert checked == 0 and not ours
    else:
        assert checked > 0


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_same_participants_endpoints_topics_types_partitions_as_tshark(path: Path) -> None:
    theirs = [r for recs in tshark_records(path).values() for r in recs]
    ours = [_ours(r) for recs in our_records(path).values() for r in recs]

    def summary(recs: list[dict[str, object]]) -> dict[str, set[object]]:
        return {
            "participants": {r["participant_guid"] for r in recs if r["kind"] == "participant"},
            "endpoints": {(r["kind"], r.get("guid")) for r in recs if r["kind"] != "participant"},
            "topics": {r.get("topic") for r in recs if r["kind"] != "participant"},
            "types": {r.get("type") for r in recs if r["kind"] != "participant"},
            "partitions": {p for r in recs for p in r.get("partitions", ())},  # type: ignore[attr-defined]
        }

    want, got = summary(theirs), summary(ours)
    for key, values in want.items():
        missing = values - got[key]
        some = sorted(map(str, missing))[:5]
        assert not missing, f"{key} decoded by tshark but not by ddsdoctor: {some}"


@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_version_info_string_and_flags_match_the_raw_pid(path: Path) -> None:
    """PID 0x8007: flags = word 2, host string after five words (three uninitialised)."""
    theirs = tshark_records(path)
    ours = our_records(path)
    seen = 0
    for frame, records in theirs.items():
        for rec in records:
            raw = rec.get("version_info_raw")
            if raw is None:
                continue
            n = int.from_bytes(raw[20:24], "little")
            text = raw[24 : 24 + n].split(b"\0")[0].decode()
            flags = int.from_bytes(raw[4:8], "little")
            infos = [
                r.vendor.version_info
                for r in ours[frame]
                if isinstance(r, ParticipantData) and str(r.guid) == rec["participant_guid"]
            ]
            assert infos and infos[0] is not None
            assert (infos[0].internals, infos[0].flags) == (text, flags)
            seen += 1
    if any(k in path.name for k in ("vehicle", "pdu", "5000", "capture.pcap")):
        assert seen > 0

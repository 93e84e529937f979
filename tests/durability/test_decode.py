"""Decoders on the real bytes of the lab capture, cross-checked against the receivers' logs."""

from __future__ import annotations

import collections
import re

import pytest

from ddsdoctor.durability.cdr import DecodeError
from ddsdoctor.durability.decode import TOPICS, decode, decode_key
from ddsdoctor.durability.messages import (
    AlignmentKind,
    Capability,
    Completeness,
    CTime,
    DurabilityKind,
    GroupsRequest,
    Link,
    NameSpaces,
    NewGroup,
    SampleChain,
    SampleRequest,
    ServiceState,
    Status,
)
from tests.durability import lab
from tests.durability.cdr_encode import encode


def decoded() -> list[tuple[lab.RawSample, object]]:
    out = []
    for raw in lab.raw_samples():
        msg = decode_key(raw.payload) if raw.key_only else decode(raw.topic, raw.payload)
        out.append((raw, msg))
    return out


def test_every_lab_sample_decodes_to_the_last_byte() -> None:
    counts = collections.Counter(raw.topic for raw, _ in decoded())
    # Every topic the lab exercised (d_deleteData was never written, §1).
    assert set(counts) == set(TOPICS) - {"d_deleteData"}
    assert sum(counts.values()) == len(lab.raw_samples()) > 500
    for raw, msg in decoded():
        if not raw.key_only:
            # Same layout: re-encoding gives the same length (trailing padding is 0-3 bytes)
            # and the same values. Not the same bytes: OpenSplice leaves alignment padding
            # uninitialised (e.g. 'ppo' after the aligner boolean of d_nameSpaces).
            again = encode(msg)  # type: ignore[arg-type]
            assert len(again) == len(raw.payload) + (-len(raw.payload) % 4)
            assert decode(raw.topic, again) == msg


def test_sender_is_the_writer_except_namespaces_requests() -> None:
    """§3: only d_nameSpacesRequest carries a sender other than its writer."""
    other = collections.Counter()
    for raw, msg in decoded():
        if raw.key_only:
            continue
        writer = int.from_bytes(raw.writer_prefix[:4], "big")
        if msg.header.sender.system_id != writer:  # type: ignore[attr-defined]
            other[raw.topic] += 1
    assert set(other) == {"d_nameSpacesRequest"}


def test_key_only_samples_carry_the_big_endian_key_hash() -> None:
    keys = [(raw, msg) for raw, msg in decoded() if raw.key_only]
    assert keys and {raw.topic for raw, _ in keys} == {"d_status", "d_nameSpacesRequest"}
    for raw, msg in keys:
        assert raw.status_info in (1, 2)
        assert raw.key_hash == msg.system_id.to_bytes(4, "big") + bytes(12)  # type: ignore[attr-defined]


def test_null_strings_and_extensions_from_real_bytes() -> None:
    kinds = collections.defaultdict(list)
    for _raw, msg in decoded():
        kinds[type(msg)].append(msg)
    assert any(g.partition is None and g.topic is None for g in kinds[GroupsRequest])
    assert any(n.empty and n.aligner_count == 0 for n in kinds[NewGroup])
    for req in kinds[SampleRequest]:
        assert req.filter is None and req.filter_params == () and req.group_hash == ""
        assert req.end_time.infinite and req.begin_time.zero and req.max_samples == -1
        assert req.durability_kind is DurabilityKind.TRANSIENT
    for ns in kinds[NameSpaces]:
        assert ns.name == "defaultNamespace" and ns.partitions == "*.*"
        assert ns.aligner and ns.alignment_kind is AlignmentKind.INITIAL
        assert ns.master_priority == 255 and ns.merged_states == ()
        assert ns.state.role == "DefaultRole" and ns.is_complete
    for cap in kinds[Capability]:
        assert [n for n, _ in cap.entries] == [
            "groupHash",
            "EOTsupport",
            "Y2038Ready",
            "masterSelection",
            "incarnation",
        ]
        assert cap.value("masterSelection") == 1 and cap.value("Y2038Ready") == 0
    for status in kinds[Status]:
        assert status.header.addressee.unaddressed and status.header.supports_capabilities
        assert not status.header.y2038
    beads = [c for c in kinds[SampleChain] if not isinstance(c.body, Link)]
    assert beads and all(c.body.value[:4] == b"S2\x00\x01" for c in beads)  # type: ignore[union-attr]
    assert all(len(c.body.value) == c.body.size for c in beads)  # type: ignore[union-attr]


_NS = re.compile(
    r"Received nameSpace '(?P<name>[^']*)' from fellow (?P<f>\d+) \(his master: (?P<m>\d+), "
    r"confirmed: (?P<c>\d), mergeState: \((?P<role>[^,]*),(?P<v>\d+)\), quality: (?P<q>[\d.]+), "
    r"mergedStates:\{(?P<ms>[^}]*)\}, extensions: \{(?P<ext>[^}]*)\}"
)


def test_namespaces_equal_what_receivers_logged() -> None:
    """§6.3: every 'Received nameSpace' line has a d_nameSpaces on the wire with its values."""
    wire = set()
    for raw, msg in decoded():
        if isinstance(msg, NameSpaces):
            ext = ", ".join(f"{e.role}, {e.value}" for e in msg.extensions)
            wire.add(
                (
                    msg.name,
                    int.from_bytes(raw.writer_prefix[:4], "big"),
                    msg.master.system_id,
                    int(msg.master_confirmed),
                    msg.state.role,
                    msg.state.value,
                    msg.initial_quality.log_text(),
                    ext,
                )
            )
    lines = missing = 0
    for folder in lab.folders():
        for line in lab.log_lines(folder):
            m = _NS.search(line.text)
            if not m:
                continue
            lines += 1
            key = (
                m["name"],
                int(m["f"]),
                int(m["m"]),
                int(m["c"]),
                m["role"],
                int(m["v"]),
                m["q"],
                m["ext"],
            )
            missing += key not in wire
    # Same-host answers between two processes of one host never cross the bridge (§10).
    assert lines > 60 and missing <= 2


_GROUP = re.compile(
    r"Received remote group '(?P<g>.*)' with completeness=(?P<c>\d) and quality=(?P<q>[\d.]+) "
    r"from fellow: (?P<f>\d+)\."
)


def test_new_groups_equal_what_receivers_logged() -> None:
    wire = set()
    for raw, msg in decoded():
        if isinstance(msg, NewGroup) and not msg.empty:
            wire.add(
                (
                    f"{msg.partition}.{msg.topic}",
                    int(msg.completeness),
                    msg.quality.log_text(),
                    int.from_bytes(raw.writer_prefix[:4], "big"),
                )
            )
    lines = [m for f in lab.folders() for ln in lab.log_lines(f) if (m := _GROUP.search(ln.text))]
    assert len(lines) > 150
    missing = [m.group(0) for m in lines if (m["g"], int(m["c"]), m["q"], int(m["f"])) not in wire]
    assert len(missing) <= len(lines) // 20, missing[:5]


_CAPS = re.compile(r"Received capabilities from fellow (?P<f>\d+) \[(?P<caps>[^\]]*)\]")


def test_capabilities_equal_what_receivers_logged() -> None:
    wire = set()
    for raw, msg in decoded():
        if isinstance(msg, Capability):
            text = ",".join(f"{n}({','.join(str(b) for b in v)})" for n, v in msg.entries)
            wire.add((int.from_bytes(raw.writer_prefix[:4], "big"), text))
    lines = [m for f in lab.folders() for ln in lab.log_lines(f) if (m := _CAPS.search(ln.text))]
    assert len(lines) > 30
    assert all((int(m["f"]), m["caps"]) in wire for m in lines)


_LINK = re.compile(
    r"Received link from fellow (?P<f>\d+) for group (?P<g>.+?) containing (?P<n>\d+)"
)


def test_links_equal_what_requesters_logged() -> None:
    wire = set()
    for raw, msg in decoded():
        if isinstance(msg, SampleChain) and isinstance(msg.body, Link):
            wire.add(
                (
                    int.from_bytes(raw.writer_prefix[:4], "big"),
                    f"{msg.partition}.{msg.topic}",
                    msg.body.nr_samples,
                )
            )
    lines = [m for f in lab.folders() for ln in lab.log_lines(f) if (m := _LINK.search(ln.text))]
    assert len(lines) >= 15
    assert all((int(m["f"]), m["g"], int(m["n"])) in wire for m in lines)


def test_status_states_follow_each_nodes_own_state_log() -> None:
    """The states a node publishes are the states its own log enters, in the same order."""
    for folder in lab.folders():
        node = lab.node_of(folder)
        entered = [ln.state for ln in lab.log_lines(folder) if ln.text == "----ENTERING STATE----"]
        published: list[str] = []
        for raw, msg in decoded():
            if isinstance(msg, Status) and int.from_bytes(raw.writer_prefix[:4], "big") == node:
                name = msg.header.sender_state.name
                if not published or published[-1] != name:
                    published.append(name)
        it = iter(entered)
        assert all(s in it for s in published), (folder, published, entered)
        assert published[:2] == ["DISCOVER_FELLOWS_GROUPS", "DISCOVER_PERSISTENT_SOURCE"]


def test_big_endian_encoding_decodes_to_the_same_values() -> None:
    for raw, msg in decoded():
        assert (
            decode_key(encode(msg, False)) == msg
            if raw.key_only
            # type: ignore[arg-type]
            else (
                decode(raw.topic, encode(msg, little_endian=False)) == msg  # type: ignore[arg-type]
            )
        )


def test_ctime_log_text() -> None:
    assert CTime(0x7FFFFFFF, 0x7FFFFFFF).log_text() == "9223372036.854775807"
    assert CTime(12, 5).log_text() == "12.000000005"


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"", "no encapsulation"),
        (b"\x00\x02\x00\x00" + bytes(40), "not plain CDR"),
        (b"\x00\x01\x00\x00" + bytes(39), "past the end"),
        (b"\x00\x01\x00\x00" + bytes(24) + b"\x0c\x00\x00\x00" + bytes(12), "outside 0..11"),
        (b"\x00\x01\x00\x00" + bytes(48), "left after the end"),
    ],
)
def test_bad_payloads_raise_decode_error(payload: bytes, reason: str) -> None:
    with pytest.raises(DecodeError, match=reason):
        decode("d_status", payload)


def test_unknown_topic_and_bad_counts() -> None:
    with pytest.raises(DecodeError, match="not a durability"):
        decode("d_whatever", b"\x00\x01\x00\x00")
    ns = next(m for _, m in decoded() if isinstance(m, NameSpaces))
    raw = bytearray(encode(ns))
    raw[-4:] = (5).to_bytes(4, "little")  # mergedStatesCount larger than the sequence
    with pytest.raises(DecodeError, match="mergedStatesCount"):
        decode("d_nameSpaces", bytes(raw))


def test_enums_match_the_odl_order() -> None:
    assert ServiceState.COMPLETE == 6 and ServiceState.TERMINATED == 11
    assert Completeness.COMPLETE == 3 and DurabilityKind.ALL == 4
    assert AlignmentKind.ON_REQUEST == 2

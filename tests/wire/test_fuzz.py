"""Hypothesis fuzzing: no input makes the wire parser raise anything but WireError."""

from __future__ import annotations

import contextlib
import struct
from functools import cache

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ddsdoctor.capture import read_capture
from ddsdoctor.wire.account import WriterAccounts
from ddsdoctor.wire.decoder import DiscoveryDecoder
from ddsdoctor.wire.discovery import decode_discovery
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.guid import Guid
from ddsdoctor.wire.message import parse_message
from ddsdoctor.wire.plist import parse_parameter_list
from ddsdoctor.wire.submessages import Sample
from ddsdoctor.wire.walk import scan
from tests.wire.corpus import ALL_CAPTURES

FUZZ = settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck))
HEADER = b"RTPS\x02\x03\x01\x10" + bytes(range(12))
IDS = [
    0x01,
    0x06,
    0x07,
    0x08,
    0x09,
    0x0C,
    0x0D,
    0x0E,
    0x0F,
    0x12,
    0x13,
    0x14,
    0x15,
    0x16,
    0x18,
    0x19,
    0x31,
    0x33,
    0x80,
    0xFF,
]


@cache
def real_messages() -> tuple[bytes, ...]:
    """A mix of real messages: discovery-heavy and user traffic from several vendors."""
    out: list[bytes] = []
    for path in ALL_CAPTURES:
        out.extend(d.payload for i, d in enumerate(read_capture(path)) if i < 150)
    return tuple(out)


def _all_paths(msg: bytes) -> None:
    """Run every entry point on ``msg``; only WireError may escape."""
    for fn in (
        scan,
        parse_message,
        lambda m: parse_message(m, strict=True),
        lambda m: WriterAccounts().account(m, 0.0),
    ):
        with contextlib.suppress(WireError):
            fn(msg)
    with contextlib.suppress(WireError):
        DiscoveryDecoder().decode(msg)


submessage = st.builds(
    lambda sid, flags, body, length: (
        struct.pack(
            "<BBH" if flags & 1 else ">BBH", sid, flags, len(body) if length is None else length
        )
        + body
    ),
    st.sampled_from(IDS),
    st.integers(0, 255),
    st.binary(max_size=80),
    st.one_of(st.none(), st.integers(0, 0xFFFF)),
)


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes(data: bytes) -> None:
    _all_paths(data)
    _all_paths(HEADER + data)


@FUZZ
@given(st.lists(submessage, max_size=8))
def test_structured_submessages(subs: list[bytes]) -> None:
    _all_paths(HEADER + b"".join(subs))


@pytest.fixture(scope="module")
def seeds() -> tuple[bytes, ...]:
    msgs = real_messages()
    if not msgs:
        pytest.skip("corpus not available")
    return msgs


@FUZZ
@given(st.data())
def test_mutated_real_messages(seeds: tuple[bytes, ...], data: st.DataObject) -> None:
    raw = bytearray(data.draw(st.sampled_from(seeds)))
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        op = data.draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
        if op == "flip" and raw:
            raw[at] = data.draw(st.integers(0, 255))
        elif op == "cut":
            del raw[at : at + data.draw(st.integers(1, 16))]
        elif op == "insert":
            raw[at:at] = data.draw(st.binary(min_size=1, max_size=16))
        else:
            del raw[at:]
    _all_paths(bytes(raw))


@FUZZ
@given(st.binary(max_size=400), st.booleans(), st.booleans())
def test_parameter_lists(data: bytes, le: bool, need_sentinel: bool) -> None:
    try:
        _pl, end = parse_parameter_list(data, 0, len(data), le, need_sentinel=need_sentinel)
        assert 0 <= end <= len(data)
    except WireError:
        pass


@FUZZ
@given(
    st.sampled_from([0x000100C2, 0x000003C2, 0x000004C2, 0x000002C2, 0x00000142]),
    st.sampled_from([0x0110, 0x0102, 0x0101, 0x010F, 0x0000]),
    st.binary(max_size=300),
    st.booleans(),
)
def test_discovery_payloads(writer: int, vendor: int, body: bytes, le: bool) -> None:
    payload = (b"\x00\x03\x00\x00" if le else b"\x00\x02\x00\x00") + body
    sample = Sample(Guid(bytes(12), writer), 1, vendor, None, None, payload, True, False)
    with contextlib.suppress(WireError):
        decode_discovery(sample, dst_port=7400)


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.integers(0, 15),
            st.integers(1, 4),
            st.integers(1, 64),
            st.integers(0, 300),
            st.binary(max_size=300),
        ),
        max_size=30,
    )
)
def test_fragment_reassembler(frags: list[tuple[int, int, int, int, bytes]]) -> None:
    from ddsdoctor.wire.fragments import SampleReassembler
    from ddsdoctor.wire.submessages import DataFrag

    r = SampleReassembler(max_samples=4, max_bytes=2000)
    for start, count, fsize, ssize, payload in frags:
        frag = DataFrag(
            bytes(12),
            0x0110,
            None,
            None,
            20,
            60,
            0x01,
            0,
            0x000003C2,
            1,
            start,
            count,
            fsize,
            ssize,
            None,
            payload,
        )
        sample = r.add(frag, 0.0)
        if sample is not None:
            assert len(sample.payload) == ssize
    assert r.pending <= 4

"""Hypothesis: no input makes a decoder raise anything but DecodeError."""

from __future__ import annotations

import contextlib

from hypothesis import given, settings
from hypothesis import strategies as st

from ddsdoctor.durability.cdr import DecodeError
from ddsdoctor.durability.decode import TOPICS, decode, decode_key
from tests.durability import lab

_TOPICS = sorted(TOPICS)


def _check(topic: str, payload: bytes) -> None:
    with contextlib.suppress(DecodeError):
        decode(topic, payload)
    with contextlib.suppress(DecodeError):
        decode_key(payload)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_TOPICS), st.binary(max_size=400))
def test_random_bytes(topic: str, payload: bytes) -> None:
    _check(topic, payload)


@settings(max_examples=400, deadline=None)
@given(st.sampled_from(_TOPICS), st.binary(max_size=200))
def test_random_cdr_bodies(topic: str, body: bytes) -> None:
    _check(topic, b"\x00\x01\x00\x00" + body)
    _check(topic, b"\x00\x00\x00\x00" + body)


@settings(max_examples=600, deadline=None)
@given(st.data())
def test_mutated_real_samples(data: st.DataObject) -> None:
    samples = [s for s in lab.raw_samples() if not s.key_only]
    raw = data.draw(st.sampled_from(samples))
    buf = bytearray(raw.payload)
    for _ in range(data.draw(st.integers(1, 6))):
        at = data.draw(st.integers(0, len(buf) - 1))
        buf[at] = data.draw(st.integers(0, 255))
    cut = data.draw(st.integers(0, len(buf)))
    topic = data.draw(st.sampled_from([raw.topic, *_TOPICS]))
    _check(topic, bytes(buf[:cut]))
    _check(topic, bytes(buf))


def test_every_truncation_of_every_real_sample() -> None:
    for raw in lab.raw_samples():
        for cut in range(len(raw.payload)):
            _check(raw.topic, raw.payload[:cut])


@settings(max_examples=15, deadline=None)
@given(st.data())
def test_damaged_lab_capture_never_raises(data: st.DataObject) -> None:
    """Flipped bytes anywhere in a real capture: the view is built, nothing raises."""
    import tempfile
    from pathlib import Path

    from ddsdoctor.durability.build import build_view
    from ddsdoctor.durability.pcap import observe_capture

    lab.need_s1()
    buf = bytearray(lab.S1_PCAP.read_bytes())
    for _ in range(data.draw(st.integers(1, 200))):
        at = data.draw(st.integers(24, len(buf) - 1))
        buf[at] = data.draw(st.integers(0, 255))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "damaged.pcap"
        path.write_bytes(bytes(buf))
        build_view(observe_capture(path))


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=12,
)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(_TOPICS),
    st.dictionaries(
        st.sampled_from(
            [
                "to",
                "from",
                "sender_state",
                "name",
                "master",
                "body",
                "addressees",
                "entries",
                "partition",
                "quality",
                "extensions",
                "seq",
                "key",
            ]
        ),
        _json,
        max_size=5,
    ),
    _json,
)
def test_timeline_lines_raise_only_timeline_error(topic: str, msg: dict, t: object) -> None:
    import json

    from ddsdoctor.durability.analyze import analyze
    from ddsdoctor.durability.timeline import TimelineError, load
    from ddsdoctor.durability.view import Limits
    from ddsdoctor.selection import RuleSelection

    for line in (
        {"t": 1.0, "writer": 5, "topic": topic, "msg": msg},
        {"t": t, "writer": 5, "topic": topic},
        {"t": 1.0, "writer": t, "topic": topic, "every": t, "until": 3},
        msg,
        {"observation": msg},
        {"observation": {"participants": {"00": msg}}},
    ):
        try:
            obs = load([json.dumps(line)])
        except TimelineError:
            continue
        report = analyze(obs, Limits(), RuleSelection(select=("ALL",)))
        assert not [f for f in report.findings if f.code == "DD009"]  # no rule crashed

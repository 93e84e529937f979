"""Cyclone's value grammar, checked against what Cyclone 0.10.2 and 11.0.1 accept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddsdoctor.cyclone import values
from ddsdoctor.cyclone.schema import Kind, ValueType, load_schema
from ddsdoctor.cyclone.values import Verdict, check

MEMSIZE = ValueType(Kind.MEMSIZE, "memsize")
DURATION = ValueType(Kind.DURATION, "maybe_duration", allow_default=True)
BOOL = ValueType(Kind.BOOLEAN, "xs:boolean")


@pytest.mark.parametrize("text", ["64 KiB", "10MB", "1.5KiB", "1e3B", "0", "1 GiB", " 500kB "])
def test_sizes_cyclone_accepts(text: str) -> None:
    assert check(MEMSIZE, text, "WhcHigh") is None


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("10 KB", "KB: unrecognised unit"),
        ("10 kiB", "kiB: unrecognised unit"),
        ("14kb", "kb: unrecognised unit"),
        ("-5B", "value out of range"),
        ("lots", "invalid value"),
    ],
)
def test_sizes_cyclone_rejects(text: str, reason: str) -> None:
    p = check(MEMSIZE, text, "WhcHigh")
    assert p is not None and p.verdict is Verdict.INVALID and reason in p.reason


def test_unitless_numbers_are_accepted_with_a_warning() -> None:
    p = check(MEMSIZE, "1400", "MaxMessageSize")
    assert p is not None and p.verdict is Verdict.NO_UNIT
    assert check(DURATION, "0", "SPDPInterval") is None


def test_durations() -> None:
    for ok in ("1.5s", "2 min", "1e2ms", "default", "100 ms"):
        assert check(DURATION, ok, "SPDPInterval") is None, ok
    for bad in ("5 sec", "100 msec", "10 S", "inf", "2hr"):
        p = check(DURATION, bad, "SPDPInterval")
        assert p is not None and p.verdict is Verdict.INVALID, bad


def test_keywords_are_case_insensitive_but_booleans_are_true_or_false() -> None:
    allow = load_schema().find("CycloneDDS/Domain/General/AllowMulticast").value
    assert check(allow, "False", "AllowMulticast") is None
    assert check(allow, "spdp,asm", "AllowMulticast") is None
    assert check(allow, "default,false", "AllowMulticast") is not None  # default stands alone
    assert check(allow, "yes", "AllowMulticast") is not None
    assert check(BOOL, "True", "DontRoute") is None
    assert check(BOOL, "1", "DontRoute") is not None


def test_cyclone_typed_strings() -> None:
    m = load_schema()
    pi = m.find("CycloneDDS/Domain/Discovery/ParticipantIndex").value
    assert all(check(pi, v, "ParticipantIndex") is None for v in ("auto", "None", "default", "7"))
    assert check(pi, "-1", "ParticipantIndex") is not None
    dom = m.find("CycloneDDS/Domain").attr("Id").value
    assert check(dom, "ANY", "Id") is None and check(dom, "zero", "Id") is not None
    ttl = m.find("CycloneDDS/Domain/General/MulticastTimeToLive").value
    assert check(ttl, "300", "MulticastTimeToLive") is not None


def test_quantity() -> None:
    assert values.quantity("64 KiB", values.MEMSIZE_UNITS) == 65536
    assert values.quantity("10MB", values.MEMSIZE_UNITS) == 10 * 2**20
    assert values.quantity("10 KB", values.MEMSIZE_UNITS) is None


@given(st.text(max_size=40), st.sampled_from(list(Kind)))
def test_check_never_raises(text: str, kind: Kind) -> None:
    vt = ValueType(kind, "x", choices=("a", "b"), solo=("a",))
    result = check(vt, text, "name")
    assert result is None or isinstance(result.reason, str)

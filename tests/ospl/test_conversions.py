"""Value parsing as OpenSplice's C code does it (validator, user layer, DDSI2)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ddsdoctor.ospl import conversions as v


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("-7", -7),
        ("+7", 7),
        (" 12", 12),
        ("\t12", 12),
        ("0x1F", 31),
        ("0X1f", 31),
        ("010", 8),
        ("0", 0),
        ("", 0),
        ("4294967296", 0),
        ("4294967297", 1),
        ("2147483648", -2147483648),  # (int32) cast wraps
        ("99999999999999999999999", -1),  # strtol saturates at LONG_MAX, then the cast
    ],
)
def test_validator_int_accepts_like_strtol(text: str, expected: int) -> None:
    assert v.full_int(text) == expected


@pytest.mark.parametrize("text", ["12 ", "1.5", "08", "0x", "0xg", "ten", " ", "- 5", "5k", "1e3"])
def test_validator_int_rejects_trailing_characters(text: str) -> None:
    assert v.full_int(text) is None


def test_strtol_endptr() -> None:
    assert v.strtol("0x") == (0, 1)  # parses the 0, stops at x (glibc)
    assert v.strtol("08") == (0, 1)  # octal: 8 is not a digit
    assert v.strtol("abc") == (0, 0)  # no digits: nothing consumed
    assert v.strtol("-1", 64, signed=False) == (2**64 - 1, 2)  # strtoul negates modulo 2**64


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("0", 0),
        ("1024", 1024),
        ("10K", 10240),
        ("10M", 10485760),
        ("1G", 2**30),
        ("0x10K", 16384),
        ("10MB", 10485760),
        ("10Mfoo", 10485760),  # only the first char counts
        ("K", 0),
        ("", 0),
    ],
)
def test_validator_size(text: str, expected: int) -> None:
    assert v.validator_size(text) == expected


@pytest.mark.parametrize("text", ["10 MB", "64kB", "10k", "1.5G", "512B", "10 ", " K", "ten"])
def test_validator_size_rejects(text: str) -> None:
    assert v.validator_size(text) is None


@pytest.mark.parametrize(("text", "expected"), [("true", True), ("FALSE", False), ("True", True)])
def test_validator_bool(text: str, expected: bool) -> None:
    assert v.validator_bool(text) is expected


@pytest.mark.parametrize("text", ["yes", "1", "true ", " true", "Trueish", "", "tru"])
def test_validator_bool_rejects(text: str) -> None:
    assert v.validator_bool(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", 1.5),
        ("-2", -2.0),
        (".5", 0.5),
        ("1e3", 1000.0),
        ("0x1p4", 16.0),
        ("", 0.0),
        ("5.", 5.0),
    ],
)
def test_validator_float(text: str, expected: float) -> None:
    assert v.full_float(text, single=False) == expected


@pytest.mark.parametrize("text", ["1,5", "1.5s", "1e", "abc", "1 "])
def test_validator_float_rejects(text: str) -> None:
    assert v.full_float(text) is None


def test_float_specials_and_single_precision() -> None:
    assert math.isinf(v.full_float("inf") or 0.0)
    assert math.isnan(v.full_float("nan") or 0.0)
    assert v.full_float("0.2") == v.to_float32(0.2) != 0.2  # strtof rounds to float
    assert math.isinf(v.full_float("1e39") or 0.0)  # beyond FLT_MAX


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 MB", 10 * 2**20),
        ("64kB", 65536),
        ("1.5G", int(1.5 * 2**30)),
        ("100", 100),
        ("2 TiB", 2 * 2**40),
        ("7b", 7),
    ],
)
def test_user_layer_size(text: str, expected: int) -> None:
    assert v.user_size(text) == expected


@pytest.mark.parametrize("text", ["10 mb", "10 KB", "x", "10 MiBs"])
def test_user_layer_size_rejects(text: str) -> None:
    assert v.user_size(text) is None


def test_ddsi2_units() -> None:
    ok = v.ddsi2_unit_value("10 s", v.DDSI2_DURATION_UNITS)
    assert ok is not None and ok.known_unit and not ok.default_unit_warning
    bare = v.ddsi2_unit_value("10", v.DDSI2_DURATION_UNITS)
    assert bare is not None and bare.default_unit_warning
    zero = v.ddsi2_unit_value("0", v.DDSI2_MEMSIZE_UNITS)
    assert zero is not None and not zero.default_unit_warning  # 0 may omit the unit
    wrong = v.ddsi2_unit_value("64 kb", v.DDSI2_MEMSIZE_UNITS)
    assert wrong is not None and not wrong.known_unit  # case-sensitive
    assert v.ddsi2_unit_value("", v.DDSI2_MEMSIZE_UNITS) is None
    assert v.ddsi2_unit_value("lots", v.DDSI2_MEMSIZE_UNITS) is None


@given(st.text(max_size=30))
def test_parsers_never_raise(text: str) -> None:
    v.full_int(text)
    v.full_int(text, 64)
    v.full_float(text)
    v.full_float(text, single=False)
    v.validator_size(text)
    v.validator_bool(text)
    v.user_size(text)
    v.ddsi2_unit_value(text, v.DDSI2_DURATION_UNITS)


@given(st.integers(min_value=-(2**31), max_value=2**31 - 1))
def test_decimal_and_hex_round_trip(n: int) -> None:
    assert v.full_int(str(n)) == n
    assert v.full_int(("-" if n < 0 else "") + hex(abs(n))) == n

"""${VAR} expansion follows OpenSplice's ut_expand_envvars exactly."""

from __future__ import annotations

import pytest

from ddsdoctor.ospl.expand import expand

ENV = {"SET": "v", "EMPTY": "", "PRIO": "201", "X-d": "dash", " X ": "spaced"}


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("plain", "plain"),
        ("${SET}", "v"),
        ("${UNSET}", ""),  # unset: empty, no warning
        ("${EMPTY}", ""),
        ("${UNSET:-d}", "d"),
        ("${EMPTY:-d}", "d"),  # ':-' tests "set and non-empty"
        ("${SET:-d}", "v"),
        ("${SET:+alt}", "alt"),
        ("${UNSET:+alt}", ""),
        ("${EMPTY:+alt}", ""),
        ("$SET", "$SET"),  # bare $X stays literal
        ("$", "$"),
        ("a$", "a$"),
        ("${X-d}", "dash"),  # names the variable "X-d"
        ("${UNSET-d}", ""),
        ("${ X }", "spaced"),  # whitespace is part of the name
        ("${}", ""),
        ("p${SET}q${PRIO}r", "pvq201r"),
        ("${UNSET:-${SET}}", "v"),  # the default is expanded recursively
        ("${UNSET:-${ALSO:-deep}}", "deep"),
        ("${UNSET:-a{b}c}", "a{b}c"),  # braces nest inside the default
        ("${UNSET:-a\\}b}", "a\\}b"),  # a backslash protects during the scan and is kept
        ("${SET:?must be set}", "v"),
    ],
)
def test_values(raw: str, value: str) -> None:
    assert expand(raw, ENV).value == value


@pytest.mark.parametrize(
    ("raw", "error"),
    [
        ("${SET", "SET: invalid expansion"),
        ("${SET:=1}", "SET:: invalid expansion"),
        ("${SET:", "SET:: invalid expansion"),
        ("${SET:-unterminated", "SET:-unterminated: invalid expansion"),
    ],
)
def test_invalid(raw: str, error: str) -> None:
    exp = expand(raw, ENV)
    assert exp.value is None
    assert exp.error == error


def test_abort_message() -> None:
    exp = expand("${UNSET:?set UNSET to ${SET}}", ENV)
    assert exp.value is None
    assert exp.abort_message == "UNSET: set UNSET to v"


def test_evidence_shows_each_resolution() -> None:
    exp = expand("${UNSET:-${PRIO}}-${SET}-${NOPE}", ENV)
    ev = exp.evidence()
    assert ev["${PRIO}"] == "'201'"
    assert ev["${UNSET:-${PRIO}}"] == "'201' (UNSET unset: default)"
    assert ev["${SET}"] == "'v'"
    assert ev["${NOPE}"] == "'' (NOPE unset)"


def test_offsets_point_at_dollar() -> None:
    exp = expand("ab${SET}", ENV)
    assert exp.refs[0].offset == 2

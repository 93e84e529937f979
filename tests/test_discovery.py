"""The discovery facts model's helpers shared by captures, live scans and durability views."""

from __future__ import annotations

import pytest

from ddsdoctor.discovery import host_from_user_data


@pytest.mark.parametrize(
    ("raw", "host"),
    [
        (b"os-h1", "os-h1"),  # what spliced sends in the OpenSplice lab capture
        (b"os-h2\0", "os-h2"),
        (b" os-h3 \0\0", "os-h3"),
        (None, None),
        (b"", None),
        (b"\0os-h1", None),
        (b"\xff\xfe", None),  # not UTF-8
        (b"two words", None),
        (b"tab\there", None),
    ],
)
def test_host_from_user_data(raw: bytes | None, host: str | None) -> None:
    assert host_from_user_data(raw) == host

"""The one exception the wire parser raises on malformed input."""

from __future__ import annotations


class WireError(ValueError):
    """Bytes that are not a valid RTPS message, submessage or parameter list.

    Callers count these as malformed packets; nothing else escapes the parser.
    """

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message if offset is None else f"{message} (at byte {offset})")
        self.offset = offset

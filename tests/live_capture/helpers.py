"""Run a LiveSource in a thread while frames are replayed, and compare with the pcap reader."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from ddsdoctor.capture import Datagram, read_capture
from ddsdoctor.capture.live import LiveOptions, LiveSource
from tests.live_capture.netns import VethNs

Key = tuple[str, str, int, int, bytes]


def key(dg: Datagram) -> Key:
    return (dg.src, dg.dst, dg.sport, dg.dport, dg.payload)


def file_datagrams(path: Path, rtps_only: bool = True) -> list[Datagram]:
    with read_capture(path, rtps_only=rtps_only) as reader:
        return list(reader)


def capture_while(
    ns: VethNs, options: LiveOptions, action: Callable[[], int], *, settle: float = 5.0
) -> tuple[LiveSource, list[Datagram], float]:
    """Open ``options`` inside ``ns``, consume in a thread, run ``action`` (returns frames
    expected), wait until the source counted them, stop. Returns (source, datagrams, stop s).
    """
    with ns.inside():
        source = LiveSource(options)
    got: list[Datagram] = []
    errors: list[BaseException] = []

    def consume() -> None:
        try:
            got.extend(source)
        except BaseException as exc:  # surfaced in the test thread
            errors.append(exc)

    thread = threading.Thread(target=consume, daemon=True)
    thread.start()
    try:
        expected = action()
        deadline = time.monotonic() + settle
        while source.stats.frames < expected and time.monotonic() < deadline:
            time.sleep(0.02)
        t0 = time.monotonic()
        source.stop()
        thread.join(10)
        stopped_in = time.monotonic() - t0
        assert not thread.is_alive(), "the live source did not stop"
    finally:
        source.close()
    if errors:
        raise errors[0]
    return source, got, stopped_in

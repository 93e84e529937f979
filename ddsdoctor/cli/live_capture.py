"""CLI side of live capture: open the source with clear errors, signals, the live view, findings.

``topology --iface`` uses these around the same pipeline as ``--pcap``:

    source = open_live(options)                      # exit 2 / 3 with a clear message
    with source, stop_on_signals(source):            # SIGINT/SIGTERM -> stop + drain
        report = consume_live(source, run, view=...)  # run_topology on the datagrams

The accounting (kernel drops, how it stopped, ...) travels in ``source.stats`` (its
``live`` member) into the report, where the DD81x rules read it. A second SIGINT/SIGTERM
while stopping raises KeyboardInterrupt: the CLI closes the pcap (complete records) and
exits 130 (``liveopts.INTERRUPTED``, as scan/probe) without a report.
"""

from __future__ import annotations

import contextlib
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from types import FrameType
from typing import TypeVar

import typer
from rich.console import Console

from ddsdoctor.capture.afpacket import ErrorKind, LiveCaptureError
from ddsdoctor.capture.datagram import Datagram
from ddsdoctor.capture.live import LiveOptions, LiveSource
from ddsdoctor.capture.livestats import StopReason
from ddsdoctor.capture.pcapwrite import PcapWriteError
from ddsdoctor.capture.tally import LiveTally
from ddsdoctor.exitcodes import ExitCode

T = TypeVar("T")


_EXIT = {
    ErrorKind.PRIVILEGE: ExitCode.ENVIRONMENT,
    ErrorKind.ENVIRONMENT: ExitCode.ENVIRONMENT,
    ErrorKind.NO_INTERFACE: ExitCode.USAGE,
    ErrorKind.FILTER: ExitCode.USAGE,
}


def open_live(options: LiveOptions) -> LiveSource:
    """Open the capture or exit: 3 without privilege, 2 for an unknown interface or filter."""
    try:
        return LiveSource(options)
    except LiveCaptureError as exc:
        typer.echo(f"ddsdoctor: error: {exc}", err=True)
        raise typer.Exit(int(_EXIT[exc.kind])) from None
    except PcapWriteError as exc:
        typer.echo(f"ddsdoctor: error: --write-pcap: {exc}", err=True)
        raise typer.Exit(int(ExitCode.USAGE)) from None


@contextlib.contextmanager
def stop_on_signals(source: LiveSource) -> Iterator[None]:
    """SIGINT/SIGTERM stop the capture cleanly; a second one aborts (KeyboardInterrupt)."""
    reasons = {signal.SIGINT: StopReason.SIGINT, signal.SIGTERM: StopReason.SIGTERM}

    def handler(signum: int, frame: FrameType | None) -> None:
        if source.stopping:
            raise KeyboardInterrupt
        source.stop(reasons.get(signal.Signals(signum), StopReason.REQUESTED))

    old = {sig: signal.signal(sig, handler) for sig in reasons}
    try:
        yield
    finally:
        for sig, prev in old.items():
            signal.signal(sig, prev)


def want_view(mode: bool | None) -> bool:
    """The live view shows on a terminal only (``--live/--no-live`` overrides on a TTY)."""
    tty = sys.stdout.isatty() and sys.stderr.isatty()
    return tty if mode is None else (mode and sys.stderr.isatty())


def consume_live(
    source: LiveSource,
    consume: Callable[[Iterable[Datagram]], T],
    *,
    view: bool,
    duration: float | None,
) -> T:
    """Run ``consume`` over the source's datagrams, with the live view when asked for."""
    if not view:
        return consume(source)
    from ddsdoctor.cli.live_view import live_view

    tally = LiveTally()
    with live_view(source, tally, duration, Console(stderr=True)):
        return consume(tally.tap(source))


def started_message(source: LiveSource) -> str:
    """One line on stderr when frames start flowing (scripts wait for it, like tcpdump's)."""
    live = source.live
    bits = [f"{live.mode.value} {live.buffer_bytes >> 20} MiB"]
    if live.promiscuous:
        bits.append("promiscuous")
    if live.filter:
        bits.append(f"filter {live.filter!r}")
    if live.pcap_path:
        bits.append(f"writing {live.pcap_path}")
    until = f"for {live.requested_duration:g} s" if live.requested_duration else "until Ctrl-C"
    return f"ddsdoctor: capturing on {live.iface} ({', '.join(bits)}) {until}"


def abort_message(source: LiveSource) -> str:
    """What a second signal leaves behind (stderr), before exiting with ``ABORTED``."""
    pcap = source.live.pcap_path
    kept = f"; {pcap} holds {source.live.pcap_records} complete frames" if pcap else ""
    return f"capture aborted by a second signal: no report{kept}"

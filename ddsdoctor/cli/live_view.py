"""The rich live display of ``topology --iface``: rates, top talkers, new participants/topics.

Rendering happens on rich's refresh thread, four times a second: it copies the counters the
capture loop and ``LiveTally`` update in place and builds tables from the copy. The capture
loop itself never renders, waits or takes a lock for the display.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.table import Table
from rich.text import Text

from ddsdoctor.capture.live import LiveSource
from ddsdoctor.capture.tally import LiveTally

REFRESH_PER_SECOND = 4
ROWS = 8
RATE_WINDOW = 1.0
"""Seconds over which rates are computed."""


class LiveView:
    """A rich renderable reading the live source's counters (see module docstring)."""

    def __init__(self, source: LiveSource, tally: LiveTally, duration: float | None) -> None:
        self.source = source
        self.tally = tally
        self.duration = duration
        self.started = time.monotonic()
        self._last = (self.started, 0, 0, 0)  # time, frames, datagrams, bytes
        self._rates = (0.0, 0.0, 0.0)  # frames/s, datagrams/s, bits/s
        self._talker_base: dict[str, int] = {}
        self._talker_rates: dict[str, float] = {}

    def _update_rates(self, now: float) -> None:
        t0, f0, d0, b0 = self._last
        dt = now - t0
        if dt < RATE_WINDOW:
            return
        frames = self.source.stats.frames
        datagrams, nbytes = self.tally.totals()
        self._rates = ((frames - f0) / dt, (datagrams - d0) / dt, (nbytes - b0) * 8 / dt)
        self._last = (now, frames, datagrams, nbytes)
        rows = {src: row[0] for src, row in list(self.tally.talkers.items())}
        base = self._talker_base
        self._talker_rates = {src: (n - base.get(src, 0)) / dt for src, n in rows.items()}
        self._talker_base = rows

    def __rich__(self) -> RenderableType:
        now = time.monotonic()
        self._update_rates(now)
        return Group(self._header(now), self._talkers(), self._participants(), self._topics())

    def _header(self, now: float) -> Text:
        live, stats = self.source.live, self.source.stats
        elapsed = now - self.started
        of = f" / {self.duration:g} s" if self.duration is not None else ""
        fps, dps, bps = self._rates
        mode = f"{live.mode.value} {live.buffer_bytes >> 20} MiB"
        promisc = ", promiscuous" if live.promiscuous else ""
        text = Text()
        text.append(f"Capturing on {live.iface}", style="bold")
        text.append(f" ({mode}{promisc}{', filter ' + live.filter if live.filter else ''})  ")
        text.append(f"{elapsed:.1f} s{of}\n")
        text.append(
            f"frames {stats.frames:,}  RTPS datagrams {stats.rtps_datagrams:,}  "
            f"{fps:,.0f} frames/s  {dps:,.0f} RTPS/s  {bps / 1e6:,.2f} Mbit/s  "
        )
        drops = live.kernel_drops
        text.append(f"kernel drops {drops:,}", style="bold red" if drops else "green")
        text.append(f"  skipped {stats.skipped_total + stats.non_rtps_udp:,}")
        text.append("\nCtrl-C stops the capture and writes the report.", style="dim")
        return text

    def _talkers(self) -> Table:
        table = Table(title="Top talkers", title_justify="left", expand=False)
        for col in ("source", "RTPS datagrams", "datagrams/s", "MB"):
            table.add_column(col, justify="left" if col == "source" else "right")
        rows = sorted(
            list(self.tally.talkers.items()),
            key=lambda kv: (-self._talker_rates.get(kv[0], 0.0), -kv[1][0]),
        )
        for src, (n, nbytes) in rows[:ROWS]:
            rate = self._talker_rates.get(src, 0.0)
            table.add_row(src or "(none)", f"{n:,}", f"{rate:,.0f}", f"{nbytes / 1e6:,.2f}")
        return table

    def _participants(self) -> Table:
        seen = list(self.tally.participants.values())
        table = Table(
            title=f"Participants ({len(seen)}, newest first)", title_justify="left", expand=False
        )
        for col in ("seen at", "address", "host", "process", "vendor", "GUID prefix"):
            table.add_column(col)
        t0 = self.source.live.started or 0.0
        for p in sorted(seen, key=lambda p: -p.first)[:ROWS]:
            proc = f"{p.process or ''} {p.pid if p.pid is not None else ''}".strip()
            table.add_row(
                f"+{p.first - t0:.1f} s", p.address, p.host or "", proc, p.vendor, p.prefix
            )
        return table

    def _topics(self) -> Table:
        seen = list(self.tally.topics.values())
        table = Table(title=f"Topics ({len(seen)}, newest first)", title_justify="left")
        for col in ("topic", "type", "writers", "readers"):
            table.add_column(col, justify="right" if col in ("writers", "readers") else "left")
        for t in sorted(seen, key=lambda t: -t.first)[:ROWS]:
            table.add_row(t.name, t.type_name or "", str(t.writers), str(t.readers))
        return table


@contextlib.contextmanager
def live_view(
    source: LiveSource, tally: LiveTally, duration: float | None, console: Console
) -> Iterator[LiveView]:
    """Show the view while the block runs; it disappears when the report is printed."""
    view = LiveView(source, tally, duration)
    with Live(
        view,
        console=console,
        refresh_per_second=REFRESH_PER_SECOND,
        transient=True,
        redirect_stdout=False,
        redirect_stderr=False,
    ):
        yield view

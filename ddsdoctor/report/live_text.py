"""Text lines for the accounting of a live capture (``topology --iface``): what was not seen."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def live_lines(capture: Mapping[str, Any]) -> list[str]:
    """Summary lines for ``capture["live"]`` (rich markup); empty for a pcap."""
    live = capture.get("live")
    if not isinstance(live, Mapping):
        return []
    how = [f"{live.get('mode')} {int(live.get('buffer_bytes') or 0) >> 20} MiB"]
    if live.get("promiscuous"):
        how.append("promiscuous")
    if live.get("filter"):
        how.append(f"filter {live['filter']!r}")
    reason = live.get("stop_reason") or "?"
    stopped = {
        "duration": "--duration elapsed",
        "sigint": "stopped by SIGINT",
        "sigterm": "stopped by SIGTERM",
        "error": f"failed: {live.get('error')}",
    }.get(str(reason), f"stopped ({reason})")
    drops = int(live.get("kernel_drops") or 0)
    drop_text = f"{drops:,} dropped by the kernel"
    if drops:
        drop_text = f"[bold red]{drop_text}[/bold red]"
    skipped = capture.get("skipped") or {}
    parts = [f"{v:,} {k.replace('_', ' ')}" for k, v in sorted(skipped.items()) if v]
    non_rtps = int(capture.get("non_rtps_udp") or 0)
    if non_rtps:
        parts.append(f"{non_rtps:,} non-RTPS UDP")
    lines = [
        f"live capture on [bold]{live.get('iface')}[/bold] ({', '.join(how)}): "
        f"{float(live.get('duration') or 0):.1f} s, {stopped}",
        f"kernel: {int(live.get('kernel_packets') or 0):,} frames offered, {drop_text}; "
        f"frames skipped: {', '.join(parts) if parts else 'none'}",
    ]
    unread = int(live.get("unread_at_stop") or 0)
    if unread:
        lines.append(f"[bold red]{unread:,} frames left unread at stop[/bold red]")
    if live.get("pcap"):
        err = f" [bold red]({live['pcap_error']})[/bold red]" if live.get("pcap_error") else ""
        lines.append(f"pcap: {live['pcap']} ({int(live.get('pcap_records') or 0):,} frames){err}")
    return lines

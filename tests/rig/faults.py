"""Fault injection inside one host namespace: nftables drops and loss, tbf rate limits.

This kernel has no netem (test-rig.md section 6), so delay comes from tbf queueing and loss
from nftables ``numgen``. Every rule lives in one table, ``inet ddrig``, so ``clear`` is a
single delete.
"""

from __future__ import annotations

from tests.rig.netns import ns_run

TABLE = "ddrig"


def _nft_script(rule: str) -> str:
    # nft 1.0.6 fails to parse the one-line "table { chain { ...; drop; } }" form: keep it
    # multi-line (test-rig.md section 6).
    return (
        f"table inet {TABLE} {{\n"
        "  chain input {\n"
        "    type filter hook input priority 0; policy accept;\n"
        f"    {rule}\n"
        "  }\n"
        "  chain output {\n"
        "    type filter hook output priority 0; policy accept;\n"
        f"    {rule}\n"
        "  }\n"
        "}\n"
    )


def nft_apply(ns: str, rule: str) -> None:
    """Replace the host's fault rules with ``rule`` on both input and output."""
    nft_clear(ns)
    ns_run(ns, ["nft", "-f", "-"], input_text=_nft_script(rule))


def nft_clear(ns: str) -> None:
    ns_run(ns, ["nft", "delete", "table", "inet", TABLE], check=False)


def drop_udp(ns: str) -> None:
    """Drop all UDP in and out: discovery and data both stop (like a cut link)."""
    nft_apply(ns, "meta l4proto udp drop")


def drop_big(ns: str, size: int = 900) -> None:
    """Drop UDP packets longer than ``size`` bytes: small discovery passes, bulk data does not."""
    nft_apply(ns, f"meta l4proto udp meta length > {int(size)} drop")


def random_loss(ns: str, percent: int) -> None:
    """Drop ``percent`` % of UDP packets at random, both directions."""
    if not 0 <= percent <= 100:
        raise ValueError(f"loss percent out of range: {percent}")
    nft_apply(ns, f"meta l4proto udp numgen random mod 100 < {int(percent)} drop")


def rate_limit(
    ns: str, dev: str = "eth0", rate: str = "8mbit", burst: str = "32kb", latency: str = "500ms"
) -> None:
    """Token-bucket limit on the host's egress: slow alignment, queueing delay, tail drops."""
    clear_rate_limit(ns, dev)
    ns_run(ns, ["tc", "qdisc", "add", "dev", dev, "root", "tbf", "rate", rate,
                "burst", burst, "latency", latency])


def clear_rate_limit(ns: str, dev: str = "eth0") -> None:
    ns_run(ns, ["tc", "qdisc", "del", "dev", dev, "root"], check=False)

"""The one way tests and benchmarks start tshark, the oracle.

tshark picks a UDP payload's dissector by port first and tries heuristics (RTPS is one: it
looks for the ``RTPS`` magic) only when no port-registered dissector took the datagram. DDS
participants send from random ephemeral ports, and Wireshark registers some of those
(34962 PROFINET, 37008 TZSP, 41170 Manolito, 44818 EtherNet/IP, 47000 HCrt, 54328
Elasticsearch, ...). A participant that happened to get one of them was invisible to
``-Y rtps``: measured by rewriting a rig capture's source port, 0 of 27 SPDP frames decoded on
each of those seven ports, and all 27 with heuristics first. Seven of the kernel's 28,232
ephemeral ports (32768-60999) is about 1 in 4,000 per participant, and the suite starts
hundreds: a rig test failed that way in CI. ddsdoctor itself finds RTPS by its magic, whatever
the port.
"""

from __future__ import annotations

import shutil

TSHARK = shutil.which("tshark")

# -o udp.try_heuristic_first:TRUE: let the RTPS heuristic claim a datagram before port tables.
PREFS = ("-o", "udp.try_heuristic_first:TRUE")


def tshark_argv(*args: str) -> list[str]:
    """``tshark`` with the preferences every oracle call needs, then ``args``."""
    return [TSHARK or "tshark", *PREFS, *args]

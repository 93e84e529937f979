"""Pure RTPS: header, submessages, parameter lists, vendor PIDs, reassembly. Bytes in, data out.

Public API (see docs/wire.md): ``scan`` (fast accounting walk), ``parse_message`` (full
decode), ``decode_discovery`` (SPDP/SEDP records), ``SampleReassembler`` (DATA_FRAG),
``domain_from_port``; every malformed input raises only ``WireError``.
"""

from __future__ import annotations

from ddsdoctor.wire.errors import WireError

__all__ = ["WireError"]

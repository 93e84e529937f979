"""Multi-host DDS test rig: network namespaces, a bridge, real peers, captures and faults."""

from __future__ import annotations

from tests.rig.capture import Capture, CaptureStats, RtpsSummary, rtps_summary, tshark_fields
from tests.rig.netns import (
    LO_ONLY_CYCLONE_URI,
    RigError,
    in_named_netns,
    lo_only_env,
    unsupported_reason,
)
from tests.rig.proc import Proc, RigTimeout
from tests.rig.rig import Host, Rig, down_all

__all__ = [
    "LO_ONLY_CYCLONE_URI",
    "Capture",
    "CaptureStats",
    "Host",
    "Proc",
    "Rig",
    "RigError",
    "RigTimeout",
    "RtpsSummary",
    "down_all",
    "in_named_netns",
    "lo_only_env",
    "rtps_summary",
    "tshark_fields",
    "unsupported_reason",
]

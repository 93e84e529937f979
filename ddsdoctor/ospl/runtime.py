"""What OpenSplice's services do with values the metaconfig (and so the validator) accepts.

The configuration validator checks a file against the metaconfig, but every service then reads
its own part with its own code, which can be stricter (DDSI2 refuses unknown names and bad
units), more lenient (case-insensitive names in DDSI2) or different (spliced's case-sensitive
``FailureAction``). Each check here maps a metaconfig path to what the consumer does, with
the source file it comes from (OpenSplice 6.9, ``ADLINK-IST/opensplice``; see
``../shared/reference/opensplice-facts.md`` §1.3-§1.6).
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from dataclasses import dataclass

from ddsdoctor.ospl import conversions as v

DDSI2_SECTIONS = ("DDSI2Service", "DDSI2EService")

# q_config.c matches names case-insensitively and knows these aliases; the validator does not.
DDSI2_ALIASES: dict[str, str] = {
    "Unsupported": "Internal",
    "WhcAdaptative": "WhcAdaptive",
    "AggressiveKeepLast1Whc": "AggressiveKeepLastWhc",
}
# MOVED(...) entries of q_config.c: DDSI2 reads them at the new place with a warning
# "deprecated alias"; the validator has only the new place.
DDSI2_MOVED: dict[str, str] = {
    "Internal/MaxMessageSize": "General/MaxMessageSize",
    "Internal/FragmentSize": "General/FragmentSize",
}
# In DDSI2's own table but not in the metaconfig: DDSI2 reads it, the validator refuses it.
DDSI2_UNDESCRIBED: dict[str, str] = {"Sizing/ReceiveBufferSize": "1 MiB"}
# Listed in the merged metaconfig but absent from DDSI2's own table: DDSI2 logs
# "config: DDSI2EService/Sizing/Watermarks: unknown element" and exits.
DDSI2_UNKNOWN = {"Sizing/Watermarks": "Internal/Watermarks"}
# Threads/Thread[@Name]: other names give "unknown thread" (q_config.c, if_thread_properties).
DDSI2_THREADS = frozenset(
    {"recv", "tev", "gc", "lease", "dq.builtins", "xmit.user", "dq.user", "debmon"}
)
DDSI2E_CHANNEL_THREAD = re.compile(r"(?:xmit|dq|tev)\.[^.]+\Z")

# spliced (serviceMonitor) compares FailureAction case-sensitively; anything else -> skip.
FAILURE_ACTIONS = ("kill", "restart", "skip", "systemhalt")
DOMAIN_ID_MAX = 230  # u_domainNew and DDSI2 uf_domainId refuse larger ids


class Unit(enum.Enum):
    """How DDSI2 parses a string leaf: a memory size or a duration with a unit."""

    MEMSIZE = "memory size"
    DURATION = "duration"


@dataclass(frozen=True, slots=True)
class UnitRule:
    unit: Unit
    keyword: str | None = None  # "inf" or "default", accepted in any case

    @property
    def table(self) -> dict[str, int] | dict[str, float]:
        return v.DDSI2_MEMSIZE_UNITS if self.unit is Unit.MEMSIZE else v.DDSI2_DURATION_UNITS


# String leaves whose default is a keyword, so the unit kind cannot be read from it.
_KEYWORD_UNITS = {
    "Internal/ResponsivenessTimeout": UnitRule(Unit.DURATION, "inf"),
    "Internal/SynchronousDeliveryLatencyBound": UnitRule(Unit.DURATION, "inf"),
    "Internal/ControlTopic/@initialreset": UnitRule(Unit.DURATION, "inf"),
    "Internal/RetryOnRejectDuration": UnitRule(Unit.DURATION, "default"),
    "Internal/MinimumSocketReceiveBufferSize": UnitRule(Unit.MEMSIZE, "default"),
    "Threads/Thread/StackSize": UnitRule(Unit.MEMSIZE, "default"),
}
_DEFAULT_WITH_UNIT = re.compile(r"[0-9.]+ ?([A-Za-z]+)\Z")


def ddsi2_relative(path: str) -> str | None:
    """``OpenSplice/DDSI2Service/General/X`` -> ``General/X``; None outside DDSI2 sections."""
    parts = path.split("/", 2)
    if len(parts) == 3 and parts[1] in DDSI2_SECTIONS:
        return parts[2]
    return None


def unit_rule(path: str, default: str | None) -> UnitRule | None:
    """The DDSI2 unit rule of a metaconfig string item, from its path and its default."""
    rel = ddsi2_relative(path)
    if rel is None:
        return None
    if rel in _KEYWORD_UNITS:
        return _KEYWORD_UNITS[rel]
    m = _DEFAULT_WITH_UNIT.match(default or "")
    if m is None:
        return None
    if m.group(1) in v.DDSI2_MEMSIZE_UNITS:
        return UnitRule(Unit.MEMSIZE)
    if m.group(1) in v.DDSI2_DURATION_UNITS:
        return UnitRule(Unit.DURATION)
    return None


def unit_problem(rule: UnitRule, value: str) -> tuple[bool, str] | None:
    """(fatal, explanation) when DDSI2 refuses or warns about a value; None when fine."""
    if rule.keyword and value.lower() == rule.keyword:
        return None
    parsed = v.ddsi2_unit_value(value, rule.table)
    units = ", ".join(rule.table)
    if parsed is None:
        extra = f" or '{rule.keyword}'" if rule.keyword else ""
        return True, f"is not a number with a unit{extra}; DDSI2 fails to start"
    if not parsed.known_unit:
        return True, (
            f"has unit '{parsed.unit}', which DDSI2 does not know (units are case-sensitive: "
            f"{units}); DDSI2 fails to start"
        )
    if parsed.default_unit_warning:
        return False, (
            f"has no unit; DDSI2 applies its default unit and logs 'use of default unit is "
            f"deprecated' (units: {units})"
        )
    return None


def participant_index_problem(value: str) -> str | None:
    """Discovery/ParticipantIndex: ``auto``, ``none`` or 0..120 (q_config.c uf_participantIndex)."""
    if value.lower() in ("auto", "none"):
        return None
    number = v.full_int(value, 64)
    if number is None or not 0 <= number <= 120:
        return "is not 'auto', 'none' or an integer 0..120; DDSI2 fails to start"
    return None


def allow_multicast_problem(value: str) -> str | None:
    """General/AllowMulticast: comma list of false, spdp, asm, ssm, true (any case)."""
    words = [w.strip().lower() for w in value.split(",")]
    bad = [w for w in words if w not in ("false", "spdp", "asm", "ssm", "true")]
    if bad:
        return f"has {', '.join(map(repr, bad))}: DDSI2 accepts only false, spdp, asm, ssm or true"
    return None


def domain_id_problem(value: str) -> str | None:
    """Discovery/DomainId (``default`` or an id) and Domain/Id beyond what runtime accepts."""
    if value.lower() == "default":
        return None
    number = v.full_int(value, 64)
    if number is not None and number > DOMAIN_ID_MAX:
        return f"is above {DOMAIN_ID_MAX}, the highest domain id OpenSplice accepts"
    return None


def ddsi2_domain_id_problem(value: str) -> str | None:
    problem = domain_id_problem(value)
    return None if problem is None else f"{problem}; DDSI2 fails to start"


def thread_name_problem(value: str) -> str | None:
    if value.lower() in DDSI2_THREADS or DDSI2E_CHANNEL_THREAD.match(value):
        return None
    return (
        f"names no DDSI2 thread; DDSI2 logs 'unknown thread' and fails to start (threads: "
        f"{', '.join(sorted(DDSI2_THREADS))}, and xmit/dq/tev.<channel> for DDSI2E)"
    )


# DDSI2-relative path -> check of a value the validator accepted; each returns a problem text.
DDSI2_VALUE_CHECKS: dict[str, Callable[[str], str | None]] = {
    "Discovery/ParticipantIndex": participant_index_problem,
    "Discovery/DomainId": ddsi2_domain_id_problem,
    "General/AllowMulticast": allow_multicast_problem,
    "Threads/Thread/@Name": thread_name_problem,
}

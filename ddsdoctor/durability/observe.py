"""What a source (capture or live reader) hands to the view builder: decoded samples in order.

Both sources fill the same :class:`Observation`, so the view, the findings and the output are
computed once. Nodes are identified by the RTPS writer GUID of each sample (its participant
prefix), never by the ``senderAddress`` inside the message (opensplice-durability-protocol.md
§3: on-behalf and self-trigger requests carry another sender).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ddsdoctor.durability.messages import KeyOnly, Message

DEFAULT_LEASE_S = 11.0  # DDSI2 lease derived from Domain/Lease/ExpiryTime 10 s (+1 s)


@dataclass(frozen=True, slots=True)
class Observed:
    """One decoded ``d_*`` sample, or a key-only dispose/unregister."""

    time: float
    """Capture time (pcap) or reception time (live), epoch seconds."""
    writer: str
    """RTPS writer GUID, 32 hex digits; its first 24 are the writing participant's prefix."""
    topic: str
    message: Message | KeyOnly
    frame: int | None = None
    status_info: int = 0
    """PID_STATUS_INFO: 1 disposed, 2 unregistered (key-only samples)."""

    @property
    def participant(self) -> str:
        return self.writer[:24]


@dataclass(slots=True)
class ParticipantInfo:
    """A participant that wrote ``d_*`` samples, or shares a systemId with one."""

    prefix: str
    system_id: int | None = None
    """OpenSplice: the first GUID-prefix word (facts §10); None for other vendors."""
    host: str | None = None
    ip: str | None = None
    lease_s: float | None = None
    vendor_id: int | None = None
    gone_at: float | None = None
    """SPDP dispose/unregister of this participant (capture), or its builtin-topic disposal."""


@dataclass(slots=True)
class Observation:
    """Everything a source saw; the input of ``view.build_view``."""

    source: str
    """'pcap' or 'live'."""
    samples: list[Observed] = field(default_factory=list)
    participants: dict[str, ParticipantInfo] = field(default_factory=dict)
    start: float | None = None
    end: float | None = None
    partition: str = "durabilityPartition"
    undecodable: list[tuple[float, str, str]] = field(default_factory=list)
    """(time, writer GUID, reason) of samples that did not decode."""
    unmapped: int = 0
    """Samples from writers never named by SEDP (capture started too late)."""
    capture_problem: str | None = None
    """Why the capture could not be read to its end (truncated, corrupt), else None."""
    notes: list[str] = field(default_factory=list)
    """What the source could not know (late start, event-driven topics)."""

"""The ``durabilityModule2`` protocol types as frozen dataclasses, and their enumerations.

Field names and order follow ``durability.odl`` of OpenSplice 6.9 as restated, table by
table, in opensplice-durability-protocol.md §5-§7. Strings that OpenSplice may send as NULL
are ``str | None``.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

# c_time special value (c_time.c): both words 0x7fffffff; durability.log prints it as the
# 64-bit nanosecond maximum.
C_TIME_INFINITE = 0x7FFFFFFF
_INT64_MAX_NS = "9223372036.854775807"
CAPABILITIES_BIT = 1 << 31  # productionTimestamp.nanoseconds: sender supports capabilities
Y2038_BIT = 1 << 30  # productionTimestamp.nanoseconds: times are packed 64-bit ns (§5)


class ServiceState(enum.IntEnum):
    """``d_serviceState``: numeric order is not the order in time (§7)."""

    INIT = 0
    DISCOVER_FELLOWS_GROUPS = 1
    DISCOVER_LOCAL_GROUPS = 2
    DISCOVER_PERSISTENT_SOURCE = 3
    INJECT_PERSISTENT = 4
    FETCH_INITIAL = 5
    COMPLETE = 6
    FETCH = 7
    ALIGN = 8
    FETCH_ALIGN = 9
    TERMINATING = 10
    TERMINATED = 11

    @property
    def leaving(self) -> bool:
        return self in (ServiceState.TERMINATING, ServiceState.TERMINATED)

    @property
    def operational(self) -> bool:
        """COMPLETE and the states a complete node moves through while re-aligning."""
        return self in (
            ServiceState.COMPLETE,
            ServiceState.FETCH,
            ServiceState.ALIGN,
            ServiceState.FETCH_ALIGN,
        )


class Completeness(enum.IntEnum):
    KNOWLEDGE_UNDEFINED = 0
    UNKNOWN = 1
    INCOMPLETE = 2
    COMPLETE = 3


class DurabilityKind(enum.IntEnum):
    VOLATILE = 0
    TRANSIENT_LOCAL = 1
    TRANSIENT = 2
    PERSISTENT = 3
    ALL = 4


class AlignmentKind(enum.IntEnum):
    """A namespace Policy's ``alignee`` attribute."""

    INITIAL = 0
    LAZY = 1
    ON_REQUEST = 2


class ChainKind(enum.IntEnum):
    BEAD = 0
    LINK = 1


@dataclass(frozen=True, slots=True)
class NetworkAddress:
    system_id: int
    local_id: int = 0
    lifecycle_id: int = 0

    @property
    def unaddressed(self) -> bool:
        """(0,0,0): everybody as an addressee, a self-trigger as a sender (§3)."""
        return self.system_id == 0 and self.local_id == 0 and self.lifecycle_id == 0


@dataclass(frozen=True, slots=True)
class CTime:
    """``c_time``: i32 seconds then u32 nanoseconds (two words, no 8-byte alignment)."""

    seconds: int
    nanoseconds: int

    @property
    def infinite(self) -> bool:
        return self.seconds == C_TIME_INFINITE and self.nanoseconds == C_TIME_INFINITE

    @property
    def zero(self) -> bool:
        return self.seconds == 0 and self.nanoseconds == 0

    def log_text(self) -> str:
        """As ``durability.log`` prints a quality or time: ``S.NNNNNNNNN``."""
        if self.infinite:
            return _INT64_MAX_NS
        return f"{self.seconds}.{self.nanoseconds:09d}"


@dataclass(frozen=True, slots=True)
class MessageHeader:
    """``d_message_s`` (``parentMsg``), the first 40 bytes of every type (§5)."""

    addressee: NetworkAddress
    sender: NetworkAddress
    """The *claimed* sender; not always the writer (§3). Identify nodes by writer GUID."""
    sender_state: ServiceState
    production_seconds: int
    production_nanoseconds: int
    """Bit 31: capabilities supported; bit 30: Y2038 packing. Not a usable clock (§5)."""
    sequence_number: int

    @property
    def supports_capabilities(self) -> bool:
        return bool(self.production_nanoseconds & CAPABILITIES_BIT)

    @property
    def y2038(self) -> bool:
        return bool(self.production_nanoseconds & Y2038_BIT)


@dataclass(frozen=True, slots=True)
class Status:
    """``d_status_s``: the periodic heartbeat carrying the sender's state (§6.1)."""

    header: MessageHeader


@dataclass(frozen=True, slots=True)
class NameSpacesRequest:
    """``d_nameSpacesRequest_s``: 'send me your namespaces' (§6.2)."""

    header: MessageHeader


@dataclass(frozen=True, slots=True)
class MergeState:
    """A (role, value) pair: the advertised merge state, a merged state or an extension."""

    role: str | None
    value: int


@dataclass(frozen=True, slots=True)
class NameSpaces:
    """``d_nameSpaces_s``: one namespace as the sender sees it, with its master (§6.3)."""

    header: MessageHeader
    name: str | None
    partitions: str | None
    durability_kind: DurabilityKind
    aligner: bool
    alignment_kind: AlignmentKind
    initial_quality: CTime
    total: int
    master: NetworkAddress
    is_complete: bool
    master_confirmed: bool
    state: MergeState
    merged_states: tuple[MergeState, ...]
    """The real merged states (the first ``mergedStatesCount`` entries)."""
    extensions: tuple[MergeState, ...]
    """Entries past ``mergedStatesCount``: ``(masterPriority, P)`` when the sender is aligner."""

    @property
    def master_priority(self) -> int | None:
        """The sender's configured masterPriority (255 = legacy selection), when carried."""
        for ext in self.extensions:
            if ext.role == "masterPriority":
                return ext.value
        return None


@dataclass(frozen=True, slots=True)
class GroupsRequest:
    """``d_groupsRequest_s``: NULL partition and topic ask for every group (§6.4)."""

    header: MessageHeader
    partition: str | None
    topic: str | None


@dataclass(frozen=True, slots=True)
class NewGroup:
    """``d_newGroup_s``: a group the sender has, with its completeness (§6.5)."""

    header: MessageHeader
    partition: str | None
    topic: str | None
    completeness: Completeness
    durability_kind: DurabilityKind
    quality: CTime
    aligner_count: int
    """Misnamed: the number of groups in this answer; 0 in broadcasts and empty answers."""

    @property
    def empty(self) -> bool:
        """The 'I have no matching groups' answer (NULL partition and topic)."""
        return self.partition is None and self.topic is None


@dataclass(frozen=True, slots=True)
class SampleRequest:
    """``d_sampleRequest_s``: 'send me the data of group partition.topic' (§6.6)."""

    header: MessageHeader
    partition: str | None
    topic: str | None
    durability_kind: DurabilityKind
    request_time: CTime
    """The requester's wall clock when it built the request."""
    with_time_range: bool
    begin_time: CTime
    end_time: CTime
    source: NetworkAddress
    filter: str | None
    filter_params: tuple[str | None, ...]
    """The real parameters (the first ``filterParamsCount`` elements)."""
    group_hash: str | None
    """The extra last element of filterParams: the equality-check hash, '' when unused."""
    max_samples: int
    max_instances: int
    max_samples_per_instance: int


@dataclass(frozen=True, slots=True)
class Bead:
    """One historical sample in OpenSplice's own big-endian 'S2' format (§6.7)."""

    value: bytes
    size: int


@dataclass(frozen=True, slots=True)
class Link:
    """The end of a chain: how many BEADs came before it, and the aligner's completeness."""

    nr_samples: int
    """0xFFFFFFFF means 'group equal, nothing sent' (equality check)."""
    completeness: Completeness


NR_SAMPLES_EQUAL = 0xFFFFFFFF


@dataclass(frozen=True, slots=True)
class SampleChain:
    """``d_sampleChain_s``: BEADs then one LINK, answering one or more requests (§6.7)."""

    header: MessageHeader
    partition: str | None
    topic: str | None
    durability_kind: DurabilityKind
    addressees: tuple[NetworkAddress, ...]
    source: NetworkAddress
    body: Bead | Link


@dataclass(frozen=True, slots=True)
class DeleteData:
    """``d_deleteData_s``: dispose-all-data on every node (§6.8; never seen in the lab)."""

    header: MessageHeader
    action_time: CTime
    partition_expr: str | None
    topic_expr: str | None


@dataclass(frozen=True, slots=True)
class Capability:
    """``d_capability_s``: (name, octets) pairs sent to each new fellow (§6.9)."""

    header: MessageHeader
    entries: tuple[tuple[str | None, bytes], ...]

    def value(self, name: str) -> int | None:
        """A capability as an integer: 1 octet, or 4 octets big-endian whatever the encoding."""
        for key, raw in self.entries:
            if key == name and raw:
                return int.from_bytes(raw, "big")
        return None


@dataclass(frozen=True, slots=True)
class KeyOnly:
    """A dispose/unregister sample: only the key ``parentMsg.senderAddress.systemId`` (§4)."""

    system_id: int


Message = (
    Status
    | NameSpacesRequest
    | NameSpaces
    | GroupsRequest
    | NewGroup
    | SampleRequest
    | SampleChain
    | DeleteData
    | Capability
)

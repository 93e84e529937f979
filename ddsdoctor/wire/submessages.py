"""Decoded submessages (DDSI-RTPS 2.5 §8.3.7, §9.4.5) as frozen dataclasses.

Each writer-related submessage carries the receiver context it was sent in: the current
source GUID prefix and vendor (RTPS header or the last INFO_SRC), the INFO_TS timestamp and
the INFO_DST destination, so consumers never have to replay the message.
"""

from __future__ import annotations

from dataclasses import dataclass

from ddsdoctor.wire.guid import Guid, Locator
from ddsdoctor.wire.plist import ParameterList

PID_KEY_HASH = 0x0070
PID_STATUS_INFO = 0x0071


@dataclass(frozen=True, slots=True)
class Header:
    """RTPS message header (20 bytes; 16 for RTI's NDDSPING probe)."""

    protocol: bytes
    """b'RTPS' or b'RTPX'."""
    version: tuple[int, int]
    vendor_id: int
    guid_prefix: bytes
    """Source participant prefix; all-zero for an NDDSPING probe."""
    ping: bool = False
    """RTI 'NDDSPING' probe: no submessages, no participant (rtps-facts.md §1)."""


@dataclass(frozen=True, slots=True)
class _Context:
    source: bytes
    """GUID prefix of the sender of this submessage (header or last INFO_SRC)."""
    vendor_id: int
    """Vendor of the sender (header or last INFO_SRC): selects the vendor PID table."""
    timestamp: float | None
    """Source timestamp from the last INFO_TS, None when none or invalidated."""
    destination: bytes | None
    """Prefix from the last INFO_DST, None for 'any' (multicast or unknown)."""
    offset: int
    """Offset of the submessage header in the message."""
    size: int
    """Bytes of the submessage including its 4-byte header."""
    flags: int


@dataclass(frozen=True, slots=True)
class _WriterSub(_Context):
    reader_id: int
    writer_id: int

    @property
    def writer(self) -> Guid:
        return Guid(self.source, self.writer_id)

    @property
    def little_endian(self) -> bool:
        return bool(self.flags & 1)


@dataclass(frozen=True, slots=True)
class Data(_WriterSub):
    """DATA (0x15), and RTI DATA_SESSION (0x14) with the same body after two SNs."""

    writer_sn: int
    inline_qos: ParameterList | None
    payload: bytes
    """Serialized payload including its 4-byte encapsulation header (b'' when none)."""
    session: bool = False
    """True for RTI DATA_SESSION (writer_sn is then the virtual SN)."""

    @property
    def has_data(self) -> bool:
        return bool(self.flags & 0x04)

    @property
    def has_key(self) -> bool:
        return bool(self.flags & 0x08)

    @property
    def encapsulation(self) -> int | None:
        return encapsulation(self.payload)

    @property
    def status_info(self) -> int:
        return status_info(self.inline_qos)

    @property
    def key_hash(self) -> bytes | None:
        return self.inline_qos.first(PID_KEY_HASH) if self.inline_qos else None


@dataclass(frozen=True, slots=True)
class DataFrag(_WriterSub):
    """DATA_FRAG (0x16): ``payload`` holds fragments [start, start + count)."""

    writer_sn: int
    fragment_start: int
    fragments: int
    fragment_size: int
    sample_size: int
    inline_qos: ParameterList | None
    payload: bytes

    @property
    def has_key(self) -> bool:
        return bool(self.flags & 0x04)  # Cyclone/Fast DDS: K is 0x04 in DATA_FRAG


@dataclass(frozen=True, slots=True)
class DataBatch(_WriterSub):
    """RTI DATA_BATCH (0x18): ``sample_count`` samples, SNs first..last."""

    batch_sn: int
    first_sn: int
    last_sn: int
    sample_count: int


@dataclass(frozen=True, slots=True)
class Heartbeat(_WriterSub):
    first_sn: int
    last_sn: int
    count: int

    @property
    def final(self) -> bool:
        return bool(self.flags & 0x02)

    @property
    def liveliness(self) -> bool:
        return bool(self.flags & 0x04)


@dataclass(frozen=True, slots=True)
class AckNack(_WriterSub):
    """ACKNACK: ``base`` = first SN not yet received; ``missing`` = SNs requested again."""

    base: int
    missing: tuple[int, ...]
    count: int

    @property
    def final(self) -> bool:
        return bool(self.flags & 0x02)


@dataclass(frozen=True, slots=True)
class Gap(_WriterSub):
    """GAP: SNs [start, list_base) plus the ones in ``gap_list`` are irrelevant."""

    start: int
    list_base: int
    gap_list: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class NackFrag(_WriterSub):
    writer_sn: int
    missing: tuple[int, ...]
    count: int


@dataclass(frozen=True, slots=True)
class HeartbeatFrag(_WriterSub):
    writer_sn: int
    last_fragment: int
    count: int


@dataclass(frozen=True, slots=True)
class InfoTs(_Context):
    time: float | None


@dataclass(frozen=True, slots=True)
class InfoSrc(_Context):
    version: tuple[int, int]
    new_vendor_id: int
    prefix: bytes


@dataclass(frozen=True, slots=True)
class InfoDst(_Context):
    prefix: bytes


@dataclass(frozen=True, slots=True)
class InfoReply(_Context):
    unicast: tuple[Locator, ...]
    multicast: tuple[Locator, ...]


@dataclass(frozen=True, slots=True)
class Other(_Context):
    """PAD, security, RTI-only and vendor (0x80+) submessages: kept, not interpreted."""

    submessage_id: int


Submessage = (
    Data
    | DataFrag
    | DataBatch
    | Heartbeat
    | AckNack
    | Gap
    | NackFrag
    | HeartbeatFrag
    | InfoTs
    | InfoSrc
    | InfoDst
    | InfoReply
    | Other
)


@dataclass(frozen=True, slots=True)
class Message:
    """A whole RTPS message. ``error`` says why decoding stopped early (else None)."""

    header: Header
    submessages: tuple[Submessage, ...]
    error: str | None = None


def status_info(inline_qos: ParameterList | None) -> int:
    """PID_STATUS_INFO flags (last byte: 0x01 disposed, 0x02 unregistered, 0x04 filtered)."""
    if inline_qos is None:
        return 0
    value = inline_qos.first(PID_STATUS_INFO)
    if value is None or len(value) < 4:
        return 0
    return value[3]  # a 4-byte flag array, byte order independent (§9.6.3.9)


@dataclass(frozen=True, slots=True)
class Sample:
    """One complete serialized sample: from a DATA, or reassembled from DATA_FRAGs."""

    writer: Guid
    sn: int
    vendor_id: int
    """Vendor of the sender (selects the vendor-specific PID table)."""
    timestamp: float | None
    inline_qos: ParameterList | None
    payload: bytes
    """Serialized payload including the encapsulation header (b'' when none)."""
    has_data: bool
    has_key: bool
    fragmented: bool = False

    @property
    def status_info(self) -> int:
        return status_info(self.inline_qos)

    @property
    def key_hash(self) -> bytes | None:
        return self.inline_qos.first(PID_KEY_HASH) if self.inline_qos else None

    @property
    def encapsulation(self) -> int | None:
        return encapsulation(self.payload)


def encapsulation(payload: bytes) -> int | None:
    """Representation id of a serialized payload (always big-endian, rtps-facts.md §4.1)."""
    return (payload[0] << 8) | payload[1] if len(payload) >= 4 else None


def data_sample(data: Data) -> Sample:
    """The Sample a DATA submessage carries."""
    return Sample(
        Guid(data.source, data.writer_id),
        data.writer_sn,
        data.vendor_id,
        data.timestamp,
        data.inline_qos,
        data.payload,
        data.has_data,
        data.has_key,
    )

"""A test-only CDR encoder for the durability protocol types (the inverse of decode.py).

Used to prove the decoders on big-endian input (every lab host was little-endian) and to build
synthetic variants of real samples. It is checked against real bytes first: encoding a decoded
real sample little-endian must give back the captured payload.
"""

from __future__ import annotations

import struct

from ddsdoctor.durability.messages import (
    Bead,
    Capability,
    CTime,
    DeleteData,
    GroupsRequest,
    KeyOnly,
    MergeState,
    Message,
    MessageHeader,
    NameSpaces,
    NameSpacesRequest,
    NetworkAddress,
    NewGroup,
    SampleChain,
    SampleRequest,
    Status,
)


class Writer:
    def __init__(self, little_endian: bool = True) -> None:
        self.le = little_endian
        self.buf = bytearray(b"\x00\x01\x00\x00" if little_endian else b"\x00\x00\x00\x00")

    def align(self, n: int) -> None:
        while (len(self.buf) - 4) % n:
            self.buf.append(0)

    def u32(self, v: int) -> None:
        self.align(4)
        self.buf += struct.pack("<I" if self.le else ">I", v)

    def i32(self, v: int) -> None:
        self.align(4)
        self.buf += struct.pack("<i" if self.le else ">i", v)

    def boolean(self, v: bool) -> None:
        self.buf.append(1 if v else 0)

    def string(self, s: str | None) -> None:
        if s is None:
            self.u32(0)  # OpenSplice's NULL string
            return
        raw = s.encode() + b"\0"
        self.u32(len(raw))
        self.buf += raw

    def octets(self, raw: bytes) -> None:
        self.u32(len(raw))
        self.buf += raw

    def address(self, a: NetworkAddress) -> None:
        self.u32(a.system_id)
        self.u32(a.local_id)
        self.u32(a.lifecycle_id)

    def time(self, t: CTime) -> None:
        self.i32(t.seconds)
        self.u32(t.nanoseconds)

    def merge(self, m: MergeState) -> None:
        self.string(m.role)
        self.u32(m.value)

    def header(self, h: MessageHeader) -> None:
        self.address(h.addressee)
        self.address(h.sender)
        self.u32(int(h.sender_state))
        self.i32(h.production_seconds)
        self.u32(h.production_nanoseconds)
        self.u32(h.sequence_number)

    def padded(self) -> bytes:
        self.align(4)
        return bytes(self.buf)


def encode(msg: Message | KeyOnly, little_endian: bool = True) -> bytes:
    w = Writer(little_endian)
    if isinstance(msg, KeyOnly):
        w.u32(msg.system_id)
        return w.padded()
    w.header(msg.header)
    if isinstance(msg, (Status, NameSpacesRequest)):
        pass
    elif isinstance(msg, NameSpaces):
        w.string(msg.name)
        w.string(msg.partitions)
        w.u32(int(msg.durability_kind))
        w.boolean(msg.aligner)
        w.u32(int(msg.alignment_kind))
        w.time(msg.initial_quality)
        w.u32(msg.total)
        w.address(msg.master)
        w.boolean(msg.is_complete)
        w.boolean(msg.master_confirmed)
        w.merge(msg.state)
        w.u32(len(msg.merged_states) + len(msg.extensions))
        for m in (*msg.merged_states, *msg.extensions):
            w.merge(m)
        w.u32(len(msg.merged_states))
    elif isinstance(msg, GroupsRequest):
        w.string(msg.partition)
        w.string(msg.topic)
    elif isinstance(msg, NewGroup):
        w.string(msg.partition)
        w.string(msg.topic)
        w.u32(int(msg.completeness))
        w.u32(int(msg.durability_kind))
        w.time(msg.quality)
        w.u32(msg.aligner_count)
    elif isinstance(msg, SampleRequest):
        w.string(msg.partition)
        w.string(msg.topic)
        w.u32(int(msg.durability_kind))
        w.time(msg.request_time)
        w.boolean(msg.with_time_range)
        w.time(msg.begin_time)
        w.time(msg.end_time)
        w.address(msg.source)
        w.string(msg.filter)
        params = [*msg.filter_params, *([] if msg.group_hash is None else [msg.group_hash])]
        w.u32(len(params))
        for p in params:
            w.string(p)
        w.u32(len(msg.filter_params))
        w.i32(msg.max_samples)
        w.i32(msg.max_instances)
        w.i32(msg.max_samples_per_instance)
    elif isinstance(msg, SampleChain):
        w.string(msg.partition)
        w.string(msg.topic)
        w.u32(int(msg.durability_kind))
        w.u32(len(msg.addressees))
        for a in msg.addressees:
            w.address(a)
        w.u32(len(msg.addressees))
        w.address(msg.source)
        if isinstance(msg.body, Bead):
            w.u32(0)
            w.octets(msg.body.value)
            w.i32(msg.body.size)
        else:
            w.u32(1)
            w.u32(msg.body.nr_samples)
            w.u32(int(msg.body.completeness))
    elif isinstance(msg, DeleteData):
        w.time(msg.action_time)
        w.string(msg.partition_expr)
        w.string(msg.topic_expr)
    elif isinstance(msg, Capability):
        w.u32(len(msg.entries))
        for name, value in msg.entries:
            w.string(name)
            w.octets(value)
    return w.padded()

"""Pure decoders for every ``durabilityModule2`` type: serialized payload in, dataclass out.

``decode(topic, payload)`` picks the decoder by topic name; ``decode_key`` reads the key-only
payload of a dispose/unregister. Layouts: opensplice-durability-protocol.md §5-§6 (verified
there against 3,617 real samples); the only exception raised on bad bytes is DecodeError.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass

from ddsdoctor.durability.cdr import CdrReader, DecodeError
from ddsdoctor.durability.messages import (
    AlignmentKind,
    Bead,
    Capability,
    ChainKind,
    Completeness,
    CTime,
    DeleteData,
    DurabilityKind,
    GroupsRequest,
    KeyOnly,
    Link,
    MergeState,
    Message,
    MessageHeader,
    NameSpaces,
    NameSpacesRequest,
    NetworkAddress,
    NewGroup,
    SampleChain,
    SampleRequest,
    ServiceState,
    Status,
)

PARTITION = "durabilityPartition"  # DurabilityService/EntityNames/Partition default
TYPE_MODULE = "durabilityModule2"  # D_MODULE_NAME (d__types.h)


def _address(r: CdrReader, what: str) -> NetworkAddress:
    return NetworkAddress(r.u32(f"{what}.systemId"), r.u32(f"{what}.localId"), r.u32(what))


def _time(r: CdrReader, what: str) -> CTime:
    return CTime(r.i32(f"{what}.seconds"), r.u32(f"{what}.nanoseconds"))


def _enum(r: CdrReader, kind: type[enum.IntEnum], what: str) -> int:
    return r.enum(what, len(kind))


def _header(r: CdrReader) -> MessageHeader:
    addressee = _address(r, "addressee")
    sender = _address(r, "senderAddress")
    state = ServiceState(_enum(r, ServiceState, "senderState"))
    seconds = r.i32("productionTimestamp.seconds")
    nanos = r.u32("productionTimestamp.nanoseconds")
    return MessageHeader(addressee, sender, state, seconds, nanos, r.u32("sequenceNumber"))


def _kind(r: CdrReader) -> DurabilityKind:
    return DurabilityKind(_enum(r, DurabilityKind, "durabilityKind"))


def _completeness(r: CdrReader) -> Completeness:
    return Completeness(_enum(r, Completeness, "completeness"))


def _merge_state(r: CdrReader) -> MergeState:
    return MergeState(r.string("role"), r.u32("value"))


def decode_status(r: CdrReader) -> Status:
    return Status(_header(r))


def decode_namespaces_request(r: CdrReader) -> NameSpacesRequest:
    return NameSpacesRequest(_header(r))


def decode_namespaces(r: CdrReader) -> NameSpaces:
    header = _header(r)
    name = r.string("name")
    partitions = r.string("partitions")
    kind = _kind(r)
    aligner = r.boolean("aligner")
    alignment = AlignmentKind(_enum(r, AlignmentKind, "alignmentKind"))
    quality = _time(r, "initialQuality")
    total = r.u32("total")
    master = _address(r, "master")
    is_complete = r.boolean("isComplete")
    confirmed = r.boolean("masterConfirmed")
    state = _merge_state(r)
    # The sequence can hold one entry more than mergedStatesCount: the masterPriority
    # extension an aligner appends (d_publisher.c copy-in; §6.3 field 12).
    merged = r.sequence(lambda: _merge_state(r), "mergedStates", 8)
    count = r.u32("mergedStatesCount")
    if count > len(merged):
        raise DecodeError(f"mergedStatesCount {count} > {len(merged)} entries", r.offset)
    return NameSpaces(
        header,
        name,
        partitions,
        kind,
        aligner,
        alignment,
        quality,
        total,
        master,
        is_complete,
        confirmed,
        state,
        merged[:count],
        merged[count:],
    )


def decode_groups_request(r: CdrReader) -> GroupsRequest:
    return GroupsRequest(_header(r), r.string("partition"), r.string("topic"))


def decode_new_group(r: CdrReader) -> NewGroup:
    header = _header(r)
    partition, topic = r.string("partition"), r.string("topic")
    completeness = _completeness(r)
    kind = _kind(r)
    quality = _time(r, "quality")
    return NewGroup(header, partition, topic, completeness, kind, quality, r.u32("alignerCount"))


def decode_sample_request(r: CdrReader) -> SampleRequest:
    header = _header(r)
    partition, topic = r.string("partition"), r.string("topic")
    kind = _kind(r)
    request_time = _time(r, "requestTime")
    with_range = r.boolean("withTimeRange")
    begin, end = _time(r, "beginTime"), _time(r, "endTime")
    source = _address(r, "source")
    filt = r.string("filter")
    # filterParams carries one element more than filterParamsCount: the group-hash slot of
    # the equality check (d_sampleRequest.c; §6.6 field 10).
    params = r.sequence(lambda: r.string("filterParams"), "filterParams", 4)
    count = r.u32("filterParamsCount")
    if count > len(params):
        raise DecodeError(f"filterParamsCount {count} > {len(params)} parameters", r.offset)
    group_hash = params[count] if len(params) > count else None
    return SampleRequest(
        header,
        partition,
        topic,
        kind,
        request_time,
        with_range,
        begin,
        end,
        source,
        filt,
        params[:count],
        group_hash,
        r.i32("maxSamples"),
        r.i32("maxInstances"),
        r.i32("maxSamplesPerInstance"),
    )


def decode_sample_chain(r: CdrReader) -> SampleChain:
    header = _header(r)
    partition, topic = r.string("partition"), r.string("topic")
    kind = _kind(r)
    addressees = r.sequence(lambda: _address(r, "addressees"), "addressees", 12)
    count = r.u32("addresseesCount")
    if count != len(addressees):
        raise DecodeError(f"addresseesCount {count} != {len(addressees)} addressees", r.offset)
    source = _address(r, "source")
    body: Bead | Link
    if ChainKind(_enum(r, ChainKind, "msgBody discriminant")) is ChainKind.BEAD:
        value = r.octets("bead value")
        body = Bead(value, r.i32("bead size"))
    else:
        body = Link(r.u32("nrSamples"), _completeness(r))
    return SampleChain(header, partition, topic, kind, addressees, source, body)


def decode_delete_data(r: CdrReader) -> DeleteData:
    header = _header(r)
    action = _time(r, "actionTime")
    return DeleteData(header, action, r.string("partitionExpr"), r.string("topicExpr"))


def decode_capability(r: CdrReader) -> Capability:
    header = _header(r)

    def entry() -> tuple[str | None, bytes]:
        return r.string("capability name"), r.octets("capability value")

    return Capability(header, r.sequence(entry, "capabilities", 8))


@dataclass(frozen=True, slots=True)
class TopicInfo:
    """One protocol topic: its name, registered type name and decoder (§1)."""

    name: str
    type_name: str
    decoder: Callable[[CdrReader], Message]


TOPICS: dict[str, TopicInfo] = {
    t.name: t
    for t in (
        TopicInfo("d_status", f"{TYPE_MODULE}::d_status_s", decode_status),
        TopicInfo("d_capability", f"{TYPE_MODULE}::d_capability_s", decode_capability),
        TopicInfo("d_newGroup", f"{TYPE_MODULE}::d_newGroup_s", decode_new_group),
        TopicInfo("d_groupsRequest", f"{TYPE_MODULE}::d_groupsRequest_s", decode_groups_request),
        TopicInfo("d_sampleRequest", f"{TYPE_MODULE}::d_sampleRequest_s", decode_sample_request),
        TopicInfo("d_nameSpaces", f"{TYPE_MODULE}::d_nameSpaces_s", decode_namespaces),
        TopicInfo(
            "d_nameSpacesRequest",
            f"{TYPE_MODULE}::d_nameSpacesRequest_s",
            decode_namespaces_request,
        ),
        TopicInfo("d_deleteData", f"{TYPE_MODULE}::d_deleteData_s", decode_delete_data),
        TopicInfo("d_sampleChain", f"{TYPE_MODULE}::d_sampleChain_s", decode_sample_chain),
    )
}


def decode(topic: str, payload: bytes) -> Message:
    """Decode one serialized ``d_*`` sample (encapsulation header included)."""
    info = TOPICS.get(topic)
    if info is None:
        raise DecodeError(f"{topic!r} is not a durability protocol topic")
    r = CdrReader(payload)
    message = info.decoder(r)
    r.finish(topic)
    return message


def decode_key(payload: bytes) -> KeyOnly:
    """The key-only payload of a dispose/unregister: the u32 ``senderAddress.systemId``."""
    r = CdrReader(payload)
    key = KeyOnly(r.u32("key systemId"))
    r.finish("key-only sample")
    return key

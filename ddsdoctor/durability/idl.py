"""Cyclone DDS Python declarations of the ``durabilityModule2`` types, for read-only matching.

OpenSplice sends no XTypes information, so a reader matches its writers by topic and type name
alone (opensplice-durability-protocol.md §11): these classes carry OpenSplice's exact type
names and the same wire layout. Every field is declared with a primitive that Cyclone's CDR
normaliser accepts whatever OpenSplice puts in it:

* every string as ``sequence<octet>`` (u32 length + bytes: the same layout), because OpenSplice
  writes NULL strings as length 0, which Cyclone rejects for a ``string`` and would drop the
  whole sample (every lab ``d_sampleRequest`` has a NULL ``filter``);
* enums as ``uint32`` and booleans as ``uint8``, so an unexpected value reaches
  ``durability.decode`` (which reports it) instead of being dropped silently.

The samples are then decoded from their serialized bytes by ``durability.decode``, the code
that decodes captures. The key is ``parentMsg.senderAddress.systemId`` (``d__admin.h``).
Importing this module imports cyclonedds: only ``durability.live`` does, lazily.
"""

# mypy: ignore-errors
# (IDL declarations: cyclonedds' ``sequence[...]``/``case[...]`` annotations are not types mypy
# understands without cyclonedds' own mypy plugin.)
# No ``from __future__ import annotations`` here: cyclonedds' IdlUnion inspects the ``case``
# annotations while the class is created, so they must be real objects, not strings.
from dataclasses import dataclass

from cyclonedds.idl import IdlStruct, IdlUnion
from cyclonedds.idl import annotations as annotate
from cyclonedds.idl.types import case, int32, sequence, uint8, uint32

M = "durabilityModule2::"
octets = sequence[uint8]  # a string that may be NULL (length 0)


@dataclass
class d_networkAddress_s(IdlStruct, typename=f"{M}d_networkAddress_s"):
    systemId: uint32
    annotate.key("systemId")
    localId: uint32
    lifecycleId: uint32


@dataclass
class c_time(IdlStruct, typename="c_time"):
    seconds: int32
    nanoseconds: uint32


@dataclass
class d_message_s(IdlStruct, typename=f"{M}d_message_s"):
    addressee: d_networkAddress_s
    senderAddress: d_networkAddress_s
    annotate.key("senderAddress")
    senderState: uint32
    productionTimestamp: c_time
    sequenceNumber: uint32


@dataclass
class d_status_s(IdlStruct, typename=f"{M}d_status_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")


@dataclass
class d_nameSpacesRequest_s(IdlStruct, typename=f"{M}d_nameSpacesRequest_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")


@dataclass
class d_mergeState_s(IdlStruct, typename=f"{M}d_mergeState_s"):
    role: octets
    value: uint32


@dataclass
class d_nameSpaces_s(IdlStruct, typename=f"{M}d_nameSpaces_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")
    name: octets
    partitions: octets
    durabilityKind: uint32
    aligner: uint8
    alignmentKind: uint32
    initialQuality: c_time
    total: uint32
    master: d_networkAddress_s
    isComplete: uint8
    masterConfirmed: uint8
    state: d_mergeState_s
    mergedStates: sequence[d_mergeState_s]
    mergedStatesCount: uint32


@dataclass
class d_groupsRequest_s(IdlStruct, typename=f"{M}d_groupsRequest_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")
    partition: octets
    topic: octets


@dataclass
class d_newGroup_s(IdlStruct, typename=f"{M}d_newGroup_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")
    partition: octets
    topic: octets
    completeness: uint32
    durabilityKind: uint32
    quality: c_time
    alignerCount: uint32


@dataclass
class d_sampleRequest_s(IdlStruct, typename=f"{M}d_sampleRequest_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")
    partition: octets
    topic: octets
    durabilityKind: uint32
    requestTime: c_time
    withTimeRange: uint8
    beginTime: c_time
    endTime: c_time
    source: d_networkAddress_s
    filter: octets
    filterParams: sequence[octets]
    filterParamsCount: uint32
    maxSamples: int32
    maxInstances: int32
    maxSamplesPerInstance: int32


@dataclass
class d_sampleChainBead(IdlStruct, typename=f"{M}d_sampleChainBead"):
    value: octets
    size: int32


@dataclass
class d_sampleChainTrailer(IdlStruct, typename=f"{M}d_sampleChainTrailer"):
    nrSamples: uint32
    completeness: uint32


class messageContent(IdlUnion, discriminator=uint32, typename=f"{M}messageContent"):
    bead: case[0, d_sampleChainBead]
    link: case[1, d_sampleChainTrailer]


@dataclass
class d_sampleChain_s(IdlStruct, typename=f"{M}d_sampleChain_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")
    partition: octets
    topic: octets
    durabilityKind: uint32
    addressees: sequence[d_networkAddress_s]
    addresseesCount: uint32
    source: d_networkAddress_s
    msgBody: messageContent


@dataclass
class d_deleteData_s(IdlStruct, typename=f"{M}d_deleteData_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")
    actionTime: c_time
    partitionExpr: octets
    topicExpr: octets


@dataclass
class d_capabilityEntry(IdlStruct, typename=f"{M}d_capabilityEntry"):
    name: octets
    value: octets


@dataclass
class d_capability_s(IdlStruct, typename=f"{M}d_capability_s"):
    parentMsg: d_message_s
    annotate.key("parentMsg")
    capabilities: sequence[d_capabilityEntry]


TYPES: dict[str, type] = {
    "d_status": d_status_s,
    "d_capability": d_capability_s,
    "d_newGroup": d_newGroup_s,
    "d_groupsRequest": d_groupsRequest_s,
    "d_sampleRequest": d_sampleRequest_s,
    "d_nameSpaces": d_nameSpaces_s,
    "d_nameSpacesRequest": d_nameSpacesRequest_s,
    "d_deleteData": d_deleteData_s,
    "d_sampleChain": d_sampleChain_s,
}

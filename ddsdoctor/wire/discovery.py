"""SPDP/SEDP samples -> wire-level discovery records (DDSI-RTPS 2.5 §8.5, §9.6.2).

``decode_discovery`` takes one complete Sample from a builtin discovery writer and returns
a ParticipantData, EndpointData, TopicData or Disposal. Standard PIDs are decoded for every
vendor; 0x8000+ PIDs only with the table of the vendor that wrote the list (PID_VENDORID
when present, else the sender's vendor from the RTPS header or INFO_SRC).
"""

from __future__ import annotations

import logging
from struct import Struct

from ddsdoctor.wire import ids, plist
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.guid import Guid, Locator
from ddsdoctor.wire.ids import ADLINK_FAMILY, OPENSPLICE_FAMILY
from ddsdoctor.wire.plist import PL_ENCAPSULATIONS, ParameterList, parse_parameter_list
from ddsdoctor.wire.ports import domain_from_port
from ddsdoctor.wire.qos import PID_USER_DATA, QOS_PIDS, decode_qos, duration
from ddsdoctor.wire.records import (
    CmParticipantData,
    DiscoveryKind,
    DiscoveryRecord,
    Disposal,
    DomainSource,
    EndpointData,
    EndpointKind,
    ParticipantData,
    TopicData,
)
from ddsdoctor.wire.submessages import Sample
from ddsdoctor.wire.vendor import decode_vendor, identity

log = logging.getLogger(__name__)

PID_PARTICIPANT_LEASE_DURATION = 0x0002
PID_TOPIC_NAME = 0x0005
PID_TYPE_NAME = 0x0007
PID_DOMAIN_ID = 0x000F
PID_PROTOCOL_VERSION = 0x0015
PID_VENDORID = 0x0016
PID_PARTITION = 0x0029
PID_UNICAST_LOCATOR = 0x002F
PID_MULTICAST_LOCATOR = 0x0030
PID_DEFAULT_UNICAST_LOCATOR = 0x0031
PID_METATRAFFIC_UNICAST_LOCATOR = 0x0032
PID_METATRAFFIC_MULTICAST_LOCATOR = 0x0033
PID_CONTENT_FILTER_PROPERTY = 0x0035
PID_EXPECTS_INLINE_QOS = 0x0043
PID_PARTICIPANT_BUILTIN_ENDPOINTS = 0x0044
PID_DEFAULT_MULTICAST_LOCATOR = 0x0048
PID_PARTICIPANT_GUID = 0x0050
PID_GROUP_GUID = 0x0052
PID_BUILTIN_ENDPOINT_SET = 0x0058
PID_PROPERTY_LIST = 0x0059
PID_ENDPOINT_GUID = 0x005A
PID_ENTITY_NAME = 0x0062
PID_KEY_HASH = 0x0070
PID_DATA_REPRESENTATION = 0x0073
PID_TYPE_INFORMATION = 0x0075
PID_IDENTITY_TOKEN = 0x1001
PID_PERMISSIONS_TOKEN = 0x1002
PID_DOMAIN_TAG = 0x4014

# PIDs consumed by the decoders below or by decode_qos; the rest is reported as unknown.
_KNOWN_PIDS = QOS_PIDS | frozenset(
    (
        0x0002,
        0x0005,
        0x0007,
        0x000F,
        0x0015,
        0x0016,
        0x0029,
        0x002F,
        0x0030,
        0x0031,
        0x0032,
        0x0033,
        0x0034,
        0x0035,
        0x0043,
        0x0044,
        0x0048,
        0x0050,
        0x0051,
        0x0052,
        0x0053,
        0x0058,
        0x0059,
        0x005A,
        0x0060,
        0x0062,
        0x0070,
        0x0072,
        0x0073,
        0x0074,
        0x0075,
        0x0077,
        0x1001,
        0x1002,
        0x1004,
        0x1005,
        0x1006,
        0x4014,
    )
)
_LOCATOR = {True: Struct("<iI"), False: Struct(">iI")}


def payload_parameters(payload: bytes) -> ParameterList:
    """The parameter list of a PL_CDR(2)_BE/LE serialized payload; WireError otherwise."""
    if len(payload) < 4:
        raise WireError("serialized payload shorter than its encapsulation header")
    encap = (payload[0] << 8) | payload[1]
    le = PL_ENCAPSULATIONS.get(encap)
    if le is None:
        raise WireError(f"discovery payload has encapsulation 0x{encap:04x}, not a PL_CDR")
    return parse_parameter_list(payload, 4, len(payload), le)[0]


def locator(value: bytes, le: bool) -> Locator:
    if len(value) < 24:
        raise WireError("locator shorter than 24 bytes")
    kind, port = _LOCATOR[le].unpack_from(value)
    return Locator(kind, port, value[8:24])


def _guid(value: bytes) -> Guid:
    if len(value) < 16:
        raise WireError("GUID parameter shorter than 16 bytes")
    return Guid.from_bytes(value[:16])


def decode_discovery(sample: Sample, *, dst_port: int | None = None) -> DiscoveryRecord | None:
    """Decode a sample of a builtin discovery writer; None for any other writer.

    ``dst_port`` (the UDP destination port) lets SPDP fall back to the port mapping for
    the domain id when neither PID_DOMAIN_ID nor RTI's 0x800f is present.
    """
    wid = sample.writer.entity_id
    if wid in ids.PARTICIPANT_WRITERS:
        kind = DiscoveryKind.PARTICIPANT
    elif wid in ids.PUBLICATION_WRITERS:
        kind = DiscoveryKind.PUBLICATION
    elif wid in ids.SUBSCRIPTION_WRITERS:
        kind = DiscoveryKind.SUBSCRIPTION
    elif wid == ids.SEDP_TOPICS_WRITER:
        kind = DiscoveryKind.TOPIC
    elif wid == ids.OSPL_CM_PARTICIPANT_WRITER and sample.vendor_id in OPENSPLICE_FAMILY:
        kind = DiscoveryKind.CM_PARTICIPANT  # vendor entity ids mean nothing for others
    else:
        return None
    status = sample.status_info
    if status & 0x03 or not (sample.has_data or sample.payload):
        return _disposal(sample, kind, status)
    pl = payload_parameters(sample.payload)
    if kind is DiscoveryKind.PARTICIPANT:
        return _participant(sample, pl, dst_port)
    if kind is DiscoveryKind.TOPIC:
        return _topic(sample, pl)
    if kind is DiscoveryKind.CM_PARTICIPANT:
        return _cm_participant(sample, pl)
    return _endpoint(sample, pl, kind)


def _disposal(sample: Sample, kind: DiscoveryKind, status: int) -> Disposal:
    """Dispose/unregister: key from inline KEY_HASH, else from a serialized key payload."""
    key: Guid | None = None
    raw = sample.key_hash
    if raw is not None and len(raw) >= 16:
        key = Guid.from_bytes(raw[:16])
    elif sample.payload:
        pl = payload_parameters(sample.payload)
        value = pl.first(PID_ENDPOINT_GUID) or pl.first(PID_PARTICIPANT_GUID)
        if value is not None:
            key = _guid(value)
    return Disposal(
        kind, key, bool(status & 0x01), bool(status & 0x02), sample.writer.prefix, sample.sn
    )


def _table_vendor(pl: ParameterList, sample: Sample) -> int:
    value = pl.first(PID_VENDORID)
    if value is not None and len(value) >= 2:
        return (value[0] << 8) | value[1]
    return sample.vendor_id


def _unknown(pl: ParameterList) -> tuple[int, ...]:
    return tuple(sorted({p for p, _ in pl.params if not p & 0x8000 and p not in _KNOWN_PIDS}))


def _participant(sample: Sample, pl: ParameterList, dst_port: int | None) -> ParticipantData:
    le = pl.little_endian
    vendor_id = _table_vendor(pl, sample)
    locs: dict[int, list[Locator]] = {0x31: [], 0x48: [], 0x32: [], 0x33: []}
    guid = version = domain = tag = lease = bes = name = user_data = None
    props: tuple[tuple[str, str], ...] = ()
    secure = False
    for pid, v in pl.params:
        if pid in locs:
            locs[pid].append(locator(v, le))
        elif pid == PID_PARTICIPANT_GUID:
            guid = _guid(v)
        elif pid == PID_PROTOCOL_VERSION and len(v) >= 2:
            version = (v[0], v[1])
        elif pid == PID_DOMAIN_ID:
            domain = plist.u32(v, le)
        elif pid == PID_DOMAIN_TAG:
            tag = plist.string(v, le)
        elif pid == PID_PARTICIPANT_LEASE_DURATION:
            lease = duration(v, le)
        elif pid in (PID_BUILTIN_ENDPOINT_SET, PID_PARTICIPANT_BUILTIN_ENDPOINTS):
            bes = plist.u32(v, le) if bes is None else bes
        elif pid == PID_ENTITY_NAME:
            name = plist.string(v, le)
        elif pid == PID_USER_DATA:
            user_data = plist.octets(v, le)
        elif pid == PID_PROPERTY_LIST:
            props = plist.properties(v, le)
        elif pid in (PID_IDENTITY_TOKEN, PID_PERMISSIONS_TOKEN):
            secure = True
    if guid is None:
        raw = sample.key_hash
        guid = (
            Guid.from_bytes(raw[:16])
            if raw and len(raw) >= 16
            else Guid(sample.writer.prefix, ids.ENTITYID_PARTICIPANT)
        )
    info = decode_vendor(pl, vendor_id)
    source: DomainSource | None = DomainSource.PID if domain is not None else None
    if domain is None and info.domain_id is not None:
        domain, source = info.domain_id, DomainSource.VENDOR_PID
    if domain is None and dst_port is not None:
        mapped = domain_from_port(dst_port)
        if mapped is not None and mapped.kind.is_discovery:
            domain, source = mapped.domain_id, DomainSource.PORT
    who = identity(dict(props), info)
    return ParticipantData(
        guid,
        sample.writer.prefix,
        vendor_id,
        version,
        domain,
        source,
        tag,
        lease,
        tuple(locs[0x31]),
        tuple(locs[0x48]),
        tuple(locs[0x32]),
        tuple(locs[0x33]),
        bes,
        name,
        user_data,
        props,
        info,
        who.host,
        who.pid,
        who.process,
        who.user,
        secure,
        sample.sn,
        _unknown(pl),
    )


def _endpoint(sample: Sample, pl: ParameterList, kind: DiscoveryKind) -> EndpointData:
    le = pl.little_endian
    vendor_id = _table_vendor(pl, sample)
    info = decode_vendor(pl, vendor_id)
    guid = participant = group = topic = type_name = name = expects = cfilter = None
    partitions: tuple[str, ...] = ()
    reps: tuple[int, ...] = ()
    props: tuple[tuple[str, str], ...] = ()
    uc: list[Locator] = []
    mc: list[Locator] = []
    type_info = False
    for pid, v in pl.params:
        if pid == PID_ENDPOINT_GUID:
            guid = _guid(v)
        elif pid == PID_TOPIC_NAME:
            topic = plist.string(v, le)
        elif pid == PID_TYPE_NAME:
            type_name = plist.string(v, le)
        elif pid == PID_PARTITION:
            partitions = plist.strings(v, le)
        elif pid == PID_PARTICIPANT_GUID:
            participant = _guid(v)
        elif pid == PID_UNICAST_LOCATOR:
            uc.append(locator(v, le))
        elif pid == PID_MULTICAST_LOCATOR:
            mc.append(locator(v, le))
        elif pid == PID_GROUP_GUID:
            group = _guid(v)
        elif pid == PID_ENTITY_NAME:
            name = plist.string(v, le)
        elif pid == PID_TYPE_INFORMATION:
            type_info = True
        elif pid == PID_DATA_REPRESENTATION:
            reps = _shorts(v, le)
        elif pid == PID_EXPECTS_INLINE_QOS:
            expects = plist.boolean(v)
        elif pid == PID_CONTENT_FILTER_PROPERTY:
            cfilter = _filter_expression(v, le)
        elif pid == PID_PROPERTY_LIST:
            props = plist.properties(v, le)
    if guid is None and vendor_id in ADLINK_FAMILY:
        guid = info.endpoint_guid  # OpenSplice strict mode (rtps-facts.md §6.2)
    if guid is None:
        raw = sample.key_hash or pl.first(PID_KEY_HASH)
        if raw is None or len(raw) < 16:
            raise WireError("SEDP sample without endpoint GUID or key hash")
        guid = Guid.from_bytes(raw[:16])
    if participant is None:
        participant = guid.participant
    ekind = EndpointKind.WRITER if kind is DiscoveryKind.PUBLICATION else EndpointKind.READER
    secure = sample.writer.entity_id >> 24 == 0xFF
    return EndpointData(
        ekind,
        guid,
        participant,
        sample.writer.prefix,
        vendor_id,
        topic,
        type_name,
        partitions,
        decode_qos(pl),
        tuple(uc),
        tuple(mc),
        group,
        name,
        type_info,
        reps,
        expects,
        cfilter,
        props,
        info,
        secure,
        sample.sn,
        _unknown(pl),
    )


def _topic(sample: Sample, pl: ParameterList) -> TopicData:
    le = pl.little_endian
    topic = type_name = None
    for pid, v in pl.params:
        if pid == PID_TOPIC_NAME:
            topic = plist.string(v, le)
        elif pid == PID_TYPE_NAME:
            type_name = plist.string(v, le)
    raw = sample.key_hash or pl.first(PID_KEY_HASH)
    key = Guid.from_bytes(raw[:16]) if raw is not None and len(raw) >= 16 else None
    return TopicData(
        topic,
        type_name,
        key,
        sample.writer.prefix,
        _table_vendor(pl, sample),
        decode_qos(pl),
        sample.sn,
    )


def _cm_participant(sample: Sample, pl: ParameterList) -> CmParticipantData:
    le = pl.little_endian
    raw = pl.first(PID_PARTICIPANT_GUID) or sample.key_hash
    if raw is None or len(raw) < 16:
        raise WireError("CMParticipant sample without participant GUID")
    name = pl.first(PID_ENTITY_NAME)
    info = decode_vendor(pl, sample.vendor_id)
    return CmParticipantData(
        Guid.from_bytes(raw[:16]),
        plist.string(name, le) if name else None,
        info.node_name,
        info.exec_name,
        info.process_id,
        info.service_type,
        sample.writer.prefix,
        sample.sn,
    )


def _shorts(v: bytes, le: bool) -> tuple[int, ...]:
    n = plist.u32(v, le)
    if n > plist.MAX_ITEMS or 4 + 2 * n > len(v):
        raise WireError("data representation sequence runs past the parameter")
    return tuple(Struct(("<" if le else ">") + "h" * n).unpack_from(v, 4))


def _filter_expression(v: bytes, le: bool) -> str:
    """ContentFilterProperty_t: cft name, related topic, class, expression, parameters."""
    off = 0
    text = ""
    for _ in range(4):
        text, off = plist.string_at(v, off, le)
    return text

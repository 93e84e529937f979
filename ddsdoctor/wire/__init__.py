"""Pure RTPS: header, submessages, parameter lists, vendor PIDs, reassembly. Bytes in, data out.

Fast path: ``scan`` (one ``DataRef`` per data submessage) or ``WriterAccounts.account``
(per-writer counters in place), then ``DiscoveryDecoder`` for the messages that carry
SPDP/SEDP. Full decode: ``parse_message``. See docs/wire.md. Malformed input raises only
``WireError``.
"""

from __future__ import annotations

from ddsdoctor.wire.account import (
    DISCOVERY,
    MALFORMED,
    PING,
    SEDP_ACKNACK,
    SEDP_HEARTBEAT,
    WriterAccounts,
    WriterCounters,
)
from ddsdoctor.wire.decoder import Decoded, DiscoveryDecoder
from ddsdoctor.wire.discovery import decode_discovery, payload_parameters
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.fragments import SampleReassembler
from ddsdoctor.wire.guid import Guid, Locator, prefix_hex
from ddsdoctor.wire.ids import DISCOVERY_WRITERS, RTPS_MAGICS, SubmessageId, Vendor, vendor_name
from ddsdoctor.wire.message import decode_at, parse_header, parse_message
from ddsdoctor.wire.ports import PortKind, PortMapping, domain_from_port, ports_for
from ddsdoctor.wire.qos import EndpointQos
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
from ddsdoctor.wire.submessages import Header, Message, Sample, Submessage, data_sample
from ddsdoctor.wire.vendor import OsplRole, VendorInfo, VersionInfo
from ddsdoctor.wire.walk import DataRef, Scan, scan

__all__ = [
    "DISCOVERY",
    "DISCOVERY_WRITERS",
    "MALFORMED",
    "PING",
    "RTPS_MAGICS",
    "SEDP_ACKNACK",
    "SEDP_HEARTBEAT",
    "CmParticipantData",
    "DataRef",
    "Decoded",
    "DiscoveryDecoder",
    "DiscoveryKind",
    "DiscoveryRecord",
    "Disposal",
    "DomainSource",
    "EndpointData",
    "EndpointKind",
    "EndpointQos",
    "Guid",
    "Header",
    "Locator",
    "Message",
    "OsplRole",
    "ParticipantData",
    "PortKind",
    "PortMapping",
    "Sample",
    "SampleReassembler",
    "Scan",
    "Submessage",
    "SubmessageId",
    "TopicData",
    "Vendor",
    "VendorInfo",
    "VersionInfo",
    "WireError",
    "WriterAccounts",
    "WriterCounters",
    "data_sample",
    "decode_at",
    "decode_discovery",
    "domain_from_port",
    "parse_header",
    "parse_message",
    "payload_parameters",
    "ports_for",
    "prefix_hex",
    "scan",
    "vendor_name",
]

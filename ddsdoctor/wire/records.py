"""Wire-level discovery records: what one SPDP/SEDP sample says, before any aggregation."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from ddsdoctor.wire.guid import Guid, Locator
from ddsdoctor.wire.ids import OPENSPLICE_FAMILY
from ddsdoctor.wire.qos import EndpointQos
from ddsdoctor.wire.vendor import OsplRole, VendorInfo, VersionInfo, ospl_role


class EndpointKind(enum.Enum):
    WRITER = "writer"
    READER = "reader"


class DiscoveryKind(enum.Enum):
    PARTICIPANT = "participant"
    PUBLICATION = "publication"
    SUBSCRIPTION = "subscription"
    TOPIC = "topic"
    CM_PARTICIPANT = "cm-participant"


class DomainSource(enum.Enum):
    """Where ``ParticipantData.domain_id`` came from."""

    PID = "pid"  # PID_DOMAIN_ID 0x000f
    VENDOR_PID = "vendor-pid"  # RTI 0x800f
    PORT = "port"  # inverse port mapping of the destination port


@dataclass(frozen=True, slots=True)
class ParticipantData:
    """One SPDP sample (DCPSParticipant)."""

    guid: Guid
    sender: bytes
    """Source prefix of the message that carried it (differs for relays, RTI CDS)."""
    vendor_id: int
    protocol_version: tuple[int, int] | None
    domain_id: int | None
    domain_source: DomainSource | None
    domain_tag: str | None
    lease_duration: float | None
    default_unicast: tuple[Locator, ...]
    default_multicast: tuple[Locator, ...]
    metatraffic_unicast: tuple[Locator, ...]
    metatraffic_multicast: tuple[Locator, ...]
    builtin_endpoints: int | None
    entity_name: str | None
    user_data: bytes | None
    properties: tuple[tuple[str, str], ...]
    vendor: VendorInfo
    host: str | None
    pid: int | None
    process: str | None
    user: str | None
    secure: bool
    """Identity/permissions tokens present (DDS-Security)."""
    sn: int
    unknown_pids: tuple[int, ...]
    """Standard-range PIDs this decoder does not interpret (0x4000 bit = must-understand)."""

    @property
    def guid_prefix(self) -> bytes:
        return self.guid.prefix

    @property
    def version_info(self) -> VersionInfo | None:
        return self.vendor.version_info

    @property
    def system_id(self) -> int | None:
        """OpenSplice node systemId: first GUID-prefix word, shared by a process's participants."""
        if self.vendor_id not in OPENSPLICE_FAMILY:
            return None
        return int.from_bytes(self.guid.prefix[:4], "big")

    @property
    def is_ddsi2(self) -> bool:
        """OpenSplice: the DDSI2 service's own participant (version-info flag 0x10)."""
        info = self.vendor.version_info
        return self.vendor_id in OPENSPLICE_FAMILY and info is not None and info.is_ddsi2

    def property(self, name: str) -> str | None:
        return next((v for k, v in self.properties if k == name), None)


@dataclass(frozen=True, slots=True)
class EndpointData:
    """One SEDP sample (DCPSPublication = writer, DCPSSubscription = reader)."""

    kind: EndpointKind
    guid: Guid
    participant_guid: Guid
    sender: bytes
    """Source prefix of the message: NOT necessarily the endpoint's prefix (OpenSplice
    minimal builtin endpoints, relays, Fast DDS discovery servers)."""
    vendor_id: int
    topic: str | None
    type_name: str | None
    partitions: tuple[str, ...]
    """PID_PARTITION; empty when absent (= the default partition "")."""
    qos: EndpointQos
    unicast_locators: tuple[Locator, ...]
    multicast_locators: tuple[Locator, ...]
    group_guid: Guid | None
    entity_name: str | None
    type_information: bool
    """XTypes TYPE_INFORMATION (0x0075) present, so dynamic type lookup can work."""
    data_representation: tuple[int, ...]
    expects_inline_qos: bool | None
    content_filter: str | None
    """Filter expression of a content-filtered reader (PID 0x0035), e.g. RTI multichannel."""
    properties: tuple[tuple[str, str], ...]
    vendor: VendorInfo
    secure: bool
    """Came through a secure builtin writer (DCPSPublicationsSecure/SubscriptionsSecure)."""
    sn: int
    unknown_pids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class TopicData:
    """One SEDP topic sample (DCPSTopic, writer 0x000002c2; OpenSplice sends these)."""

    topic: str | None
    type_name: str | None
    key: Guid | None
    sender: bytes
    vendor_id: int
    qos: EndpointQos
    sn: int


@dataclass(frozen=True, slots=True)
class Disposal:
    """A discovery instance disposed or unregistered (participant/endpoint going away)."""

    kind: DiscoveryKind
    key: Guid | None
    disposed: bool
    unregistered: bool
    sender: bytes
    sn: int


@dataclass(frozen=True, slots=True)
class CmParticipantData:
    """OpenSplice CMParticipant sample (writer 0x00000142): who a participant is.

    OpenSplice puts node, executable and pid only here, not in SPDP (rtps-facts.md §5.3).
    """

    guid: Guid
    entity_name: str | None
    """'splicedaemon', 'ddsi2', 'durability', 'Built-in participant' or the application's."""
    node_name: str | None
    exec_name: str | None
    process_id: int | None
    service_type: int | None
    sender: bytes
    sn: int

    @property
    def role(self) -> OsplRole:
        return ospl_role(self.entity_name)


DiscoveryRecord = ParticipantData | EndpointData | TopicData | CmParticipantData | Disposal

"""Closed sets of the RTPS wire: submessage ids, vendor ids, builtin entity ids.

Sources: OMG DDSI-RTPS 2.5 §9.4.5 and §9.3.1; Wireshark packet-rtps.c for the RTI ids
0x14-0x1e; the DDS Foundation vendor registry (rtps-facts.md §3, §6, §8).
"""

from __future__ import annotations

import enum

RTPS_MAGICS: tuple[bytes, bytes] = (b"RTPS", b"RTPX")
"""Protocol ids that start an RTPS message; RTI also sends RTPX (Wireshark packet-rtps.c)."""


class SubmessageId(enum.IntEnum):
    PAD = 0x01
    ACKNACK = 0x06
    HEARTBEAT = 0x07
    GAP = 0x08
    INFO_TS = 0x09
    INFO_SRC = 0x0C
    INFO_REPLY_IP4 = 0x0D
    INFO_DST = 0x0E
    INFO_REPLY = 0x0F
    NACK_FRAG = 0x12
    HEARTBEAT_FRAG = 0x13
    DATA_SESSION = 0x14  # RTI multichannel
    DATA = 0x15
    DATA_FRAG = 0x16
    ACKNACK_BATCH = 0x17  # RTI
    DATA_BATCH = 0x18  # RTI batching
    HEARTBEAT_BATCH = 0x19  # RTI
    ACKNACK_SESSION = 0x1A  # RTI
    HEARTBEAT_SESSION = 0x1B  # RTI
    APP_ACK = 0x1C  # RTI
    APP_ACK_CONF = 0x1D  # RTI
    HEARTBEAT_VIRTUAL = 0x1E  # RTI
    SEC_BODY = 0x30
    SEC_PREFIX = 0x31
    SEC_POSTFIX = 0x32
    SRTPS_PREFIX = 0x33
    SRTPS_POSTFIX = 0x34


DATA_KINDS = frozenset(
    (SubmessageId.DATA, SubmessageId.DATA_FRAG, SubmessageId.DATA_BATCH, SubmessageId.DATA_SESSION)
)
"""Submessages that carry user samples (RTI batch/session count as data: facts §10.2)."""


class Vendor(enum.IntEnum):
    """RTPS vendor ids (DDS Foundation registry, as mirrored by RustDDS and Fast DDS)."""

    UNKNOWN = 0x0000
    RTI_CONNEXT = 0x0101
    OPENSPLICE = 0x0102
    OPENDDS = 0x0103
    MILSOFT = 0x0104
    INTERCOM = 0x0105
    COREDX = 0x0106
    LAKOTA = 0x0107
    ICOUP = 0x0108
    DIAMOND = 0x0109
    RTI_MICRO = 0x010A
    VORTEX_CAFE = 0x010B
    VORTEX_GATEWAY = 0x010C
    VORTEX_LITE = 0x010D
    QEO = 0x010E
    FAST_DDS = 0x010F
    CYCLONE = 0x0110
    GURUM = 0x0111
    RUSTDDS = 0x0112
    ZRDDS = 0x0113
    DUST_DDS = 0x0114
    SAFE_DDS = 0x0115
    VORTEX_CLOUD = 0x0120


VENDOR_NAMES: dict[int, str] = {
    0x0000: "unknown",
    0x0101: "RTI Connext DDS",
    0x0102: "ADLINK OpenSplice DDS",
    0x0103: "OCI OpenDDS",
    0x0104: "MilSoft Mil-DDS",
    0x0105: "Kongsberg InterCOM DDS",
    0x0106: "Twin Oaks CoreDX DDS",
    0x0107: "Lakota Technical Solutions",
    0x0108: "ICOUP Consulting",
    0x0109: "ETRI Diamond DDS",
    0x010A: "RTI Connext DDS Micro",
    0x010B: "ADLINK Vortex Cafe",
    0x010C: "PrismTech Vortex Gateway",
    0x010D: "ADLINK Vortex Lite",
    0x010E: "Technicolor Qeo",
    0x010F: "eProsima Fast DDS",
    0x0110: "Eclipse Cyclone DDS",
    0x0111: "GurumNetworks GurumDDS",
    0x0112: "Atostek RustDDS",
    0x0113: "Nanjing Zhenrong ZRDDS",
    0x0114: "S2E Dust DDS",
    0x0115: "eProsima Safe DDS",
    0x0120: "ADLINK Vortex Cloud",
}


def vendor_name(vendor_id: int) -> str:
    """The registered name, else ``vendor 0x0123`` (the id as Wireshark prints it)."""
    return VENDOR_NAMES.get(vendor_id, f"vendor 0x{vendor_id:04x}")


# Vendors whose 0x8000+ PIDs follow the ADLINK/PrismTech table (OpenSplice q_plist.c
# `vendor_is_prismtech`, Cyclone ddsi_plist.c `vendor_is_eclipse_or_adlink`).
ADLINK_FAMILY = frozenset((0x0102, 0x010B, 0x010C, 0x010D, 0x0120, 0x0110))
OPENSPLICE_FAMILY = frozenset((0x0102, 0x010B, 0x010C, 0x010D, 0x0120))
RTI_FAMILY = frozenset((0x0101, 0x010A))


ENTITYID_UNKNOWN = 0x00000000
ENTITYID_PARTICIPANT = 0x000001C1
SPDP_WRITER = 0x000100C2
SPDP_READER = 0x000100C7
SEDP_TOPICS_WRITER = 0x000002C2
SEDP_PUBLICATIONS_WRITER = 0x000003C2
SEDP_SUBSCRIPTIONS_WRITER = 0x000004C2
P2P_MESSAGE_WRITER = 0x000200C2
SEDP_PUBLICATIONS_SECURE_WRITER = 0xFF0003C2
SEDP_SUBSCRIPTIONS_SECURE_WRITER = 0xFF0004C2
SPDP_SECURE_WRITER = 0xFF0101C2
OSPL_CM_PARTICIPANT_WRITER = 0x00000142
OSPL_CM_PUBLISHER_WRITER = 0x00000242
OSPL_CM_SUBSCRIBER_WRITER = 0x00000342

PARTICIPANT_WRITERS = frozenset((SPDP_WRITER, SPDP_SECURE_WRITER))
PUBLICATION_WRITERS = frozenset((SEDP_PUBLICATIONS_WRITER, SEDP_PUBLICATIONS_SECURE_WRITER))
SUBSCRIPTION_WRITERS = frozenset((SEDP_SUBSCRIPTIONS_WRITER, SEDP_SUBSCRIPTIONS_SECURE_WRITER))
DISCOVERY_WRITERS = (
    PARTICIPANT_WRITERS
    | PUBLICATION_WRITERS
    | SUBSCRIPTION_WRITERS
    | frozenset((SEDP_TOPICS_WRITER, OSPL_CM_PARTICIPANT_WRITER))
)
"""Builtin writers whose samples the full decoder turns into discovery records (the
OpenSplice CMParticipant writer only when the sender is OpenSplice)."""

BUILTIN_WRITER_NAMES: dict[int, str] = {
    SPDP_WRITER: "DCPSParticipant",
    SEDP_TOPICS_WRITER: "DCPSTopic",
    SEDP_PUBLICATIONS_WRITER: "DCPSPublication",
    SEDP_SUBSCRIPTIONS_WRITER: "DCPSSubscription",
    P2P_MESSAGE_WRITER: "DCPSParticipantMessage",
    0x000201C3: "DCPSParticipantStatelessMessage",
    0x000300C3: "TypeLookupRequest",
    0x000301C3: "TypeLookupReply",
    SEDP_PUBLICATIONS_SECURE_WRITER: "DCPSPublicationsSecure",
    SEDP_SUBSCRIPTIONS_SECURE_WRITER: "DCPSSubscriptionsSecure",
    0xFF0200C2: "DCPSParticipantMessageSecure",
    0xFF0202C3: "DCPSParticipantVolatileMessageSecure",
    SPDP_SECURE_WRITER: "DCPSParticipantsSecure",
    OSPL_CM_PARTICIPANT_WRITER: "CMParticipant",
    OSPL_CM_PUBLISHER_WRITER: "CMPublisher",
    OSPL_CM_SUBSCRIBER_WRITER: "CMSubscriber",
}

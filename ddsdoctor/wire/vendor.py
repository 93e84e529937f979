"""Vendor-specific PIDs (0x8000+) and host/process identity, read per the sender's vendor.

The same PID means different things per vendor (rtps-facts.md §5.2: RTI 0x8019 sample
signature vs Cyclone 0x8019 receive buffer size), so each table applies only to its own
vendor ids, as Cyclone (ddsi_plist.c), OpenSplice (q_plist.c ``vendor_is_prismtech``) and
Fast DDS (ParticipantProxyData.cpp) do. Everything else is reported as uninterpreted.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass

from ddsdoctor.wire import plist
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.guid import Guid
from ddsdoctor.wire.ids import ADLINK_FAMILY, RTI_FAMILY, Vendor
from ddsdoctor.wire.plist import ParameterList

# ADLINK/PrismTech (OpenSplice) and Eclipse Cyclone DDS (ddsi__protocol.h, q_protocol.h).
ADLINK_BUILTIN_ENDPOINT_SET = 0x8000
ADLINK_ENDPOINT_GUID = 0x8004
ADLINK_PARTICIPANT_VERSION_INFO = 0x8007
ADLINK_NODE_NAME = 0x8008
ADLINK_EXEC_NAME = 0x8009
ADLINK_PROCESS_ID = 0x800A
ADLINK_SERVICE_TYPE = 0x800B
ADLINK_ENDPOINT_GID = 0x8014
ADLINK_GROUP_GID = 0x8015
CYCLONE_RECEIVE_BUFFER_SIZE = 0x8019
# RTI Connext (Wireshark packet-rtps.c).
RTI_PRODUCT_VERSION = 0x8000
RTI_ROLE_NAME = 0x800A
RTI_DOMAIN_ID = 0x800F
# eProsima Fast DDS (ParameterTypes.hpp).
FASTDDS_PRODUCT_VERSION = 0x8000
FASTDDS_MACHINE_ID = 0x8003

# OpenSplice version-info flags (q_plist.h NN_*_FLAG; opensplice-facts.md §6, §10).
FLAG_KERNEL_SEQUENCE_NUMBERS = 0x01
FLAG_DISCOVERY_INCLUDES_GID = 0x02
FLAG_PTBES_FIXED_0 = 0x04
FLAG_DDSI2_PARTICIPANT_FLAG = 0x08
FLAG_PARTICIPANT_IS_DDSI2 = 0x10
FLAG_MINIMAL_BES_MODE = 0x20


@dataclass(frozen=True, slots=True)
class VersionInfo:
    """PID 0x8007 (ADLINK_PARTICIPANT_VERSION_INFO), Cyclone DDS and OpenSplice.

    Layout: u32 version, u32 flags, 3 u32 that OpenSplice leaves uninitialised (ignored),
    then a CDR string ``host/version/...`` (OpenSplice 6 fields, Cyclone 4).
    """

    version: int
    flags: int
    internals: str

    @property
    def host(self) -> str | None:
        return self.internals.split("/", 1)[0] or None

    @property
    def product_version(self) -> str | None:
        parts = self.internals.split("/")
        return parts[1] or None if len(parts) > 1 else None

    @property
    def is_ddsi2(self) -> bool:
        """OpenSplice: this participant is the DDSI2 service itself (flag 0x10)."""
        return bool(self.flags & FLAG_PARTICIPANT_IS_DDSI2)


@dataclass(frozen=True, slots=True)
class VendorInfo:
    """What the vendor-specific PIDs of one parameter list say (None = not sent)."""

    vendor_id: int
    version_info: VersionInfo | None = None
    product_version: str | None = None
    node_name: str | None = None
    exec_name: str | None = None
    process_id: int | None = None
    service_type: int | None = None
    adlink_builtin_endpoints: int | None = None
    endpoint_guid: Guid | None = None
    endpoint_gid: tuple[int, int, int] | None = None
    """OpenSplice kernel GID (systemId, localId, serial), as in durability/ddsi2 logs."""
    group_gid: tuple[int, int, int] | None = None
    receive_buffer_size: int | None = None
    domain_id: int | None = None
    role_name: str | None = None
    machine_id: str | None = None
    uninterpreted: tuple[int, ...] = ()
    """Vendor PIDs present but not decoded (unknown for this vendor)."""


def decode_vendor(pl: ParameterList, vendor_id: int) -> VendorInfo:
    """Interpret the 0x8000+ PIDs of ``pl`` with the table of ``vendor_id`` only."""
    le = pl.little_endian
    found: dict[str, object] = {}
    skipped: list[int] = []
    for pid, v in pl.params:
        if not pid & 0x8000:
            continue
        name = _decode_one(pid, v, le, vendor_id, found)
        if not name:
            skipped.append(pid)
    return VendorInfo(vendor_id, uninterpreted=tuple(skipped), **found)  # type: ignore[arg-type]


def _decode_one(pid: int, v: bytes, le: bool, vendor: int, found: dict[str, object]) -> bool:
    if vendor in ADLINK_FAMILY:
        if pid == ADLINK_PARTICIPANT_VERSION_INFO:
            if len(v) < 24:
                raise WireError("PID 0x8007 version info shorter than 24 bytes")
            version, flags = plist.i32s(v, le, 2)
            found["version_info"] = VersionInfo(
                version & 0xFFFFFFFF, flags & 0xFFFFFFFF, plist.string_at(v, 20, le)[0]
            )
        elif pid == ADLINK_NODE_NAME:
            found["node_name"] = plist.string(v, le)
        elif pid == ADLINK_EXEC_NAME:
            found["exec_name"] = plist.string(v, le)
        elif pid == ADLINK_PROCESS_ID:
            found["process_id"] = plist.u32(v, le)
        elif pid == ADLINK_SERVICE_TYPE:
            found["service_type"] = plist.u32(v, le)
        elif pid == ADLINK_BUILTIN_ENDPOINT_SET:
            found["adlink_builtin_endpoints"] = plist.u32(v, le)
        elif pid == ADLINK_ENDPOINT_GUID:
            found["endpoint_guid"] = Guid.from_bytes(v[:16])
        elif pid == ADLINK_ENDPOINT_GID:
            found["endpoint_gid"] = _gid(v, le)
        elif pid == ADLINK_GROUP_GID:
            found["group_gid"] = _gid(v, le)
        elif pid == CYCLONE_RECEIVE_BUFFER_SIZE and vendor == Vendor.CYCLONE:
            found["receive_buffer_size"] = plist.u32(v, le)
        else:
            return False
        return True
    if vendor in RTI_FAMILY:
        if pid == RTI_PRODUCT_VERSION:
            found["product_version"] = _version4(v)
        elif pid == RTI_DOMAIN_ID:
            found["domain_id"] = plist.u32(v, le)
        elif pid == RTI_ROLE_NAME:
            found["role_name"] = plist.string(v, le)
        else:
            return False
        return True
    if vendor in (Vendor.FAST_DDS, Vendor.SAFE_DDS):
        if pid == FASTDDS_PRODUCT_VERSION:
            found["product_version"] = _version4(v)
        elif pid == FASTDDS_MACHINE_ID:
            found["machine_id"] = plist.string(v, le)
        else:
            return False
        return True
    return False


def _gid(v: bytes, le: bool) -> tuple[int, int, int]:
    a, b, c = plist.i32s(v, le, 3)
    return a & 0xFFFFFFFF, b & 0xFFFFFFFF, c & 0xFFFFFFFF


def _version4(v: bytes) -> str:
    if len(v) < 4:
        raise WireError("product version shorter than 4 bytes")
    return ".".join(str(b) for b in v[:4])


class OsplRole(enum.Enum):
    """Which of the five participants of a single-process OpenSplice process this is."""

    SPLICED = "spliced"
    DDSI2 = "ddsi2"
    DURABILITY = "durability"
    BUILTIN = "builtin"  # kernel builtin-topic/CM publisher ("Built-in participant")
    APPLICATION = "application"


_OSPL_SERVICE_NAMES = {
    "splicedaemon": OsplRole.SPLICED,
    "ddsi2": OsplRole.DDSI2,
    "ddsi2e": OsplRole.DDSI2,
    "durability": OsplRole.DURABILITY,
    "built-in participant": OsplRole.BUILTIN,
}


def ospl_role(entity_name: str | None) -> OsplRole:
    """Role from the CMParticipant entity name (seen in opensplice-lab: 'splicedaemon',
    'ddsi2', 'durability', 'Built-in participant', 'ospltool <5887>' for the application)."""
    return _OSPL_SERVICE_NAMES.get((entity_name or "").strip().lower(), OsplRole.APPLICATION)


# ---- host / process identity ------------------------------------------------------------

HOST_PROPERTIES = ("__Hostname", "dds.sys_info.hostname", "fastdds.physical_data.host")
PID_PROPERTIES = ("__Pid", "dds.sys_info.process_id", "fastdds.physical_data.process")
PROCESS_PROPERTIES = ("__ProcessName", "dds.sys_info.executable_filepath")
USER_PROPERTIES = ("dds.sys_info.username", "fastdds.physical_data.user")
_HOST_SUFFIX = re.compile(r":\d+$", re.ASCII)  # Fast DDS appends ":<number>" to the host
_DIGITS = re.compile(r"\d{1,10}", re.ASCII)


@dataclass(frozen=True, slots=True)
class Identity:
    """Host and process of a participant, from whichever source its vendor provides."""

    host: str | None = None
    pid: int | None = None
    process: str | None = None
    user: str | None = None


def identity(props: dict[str, str], info: VendorInfo) -> Identity:
    """Properties first (Cyclone, RTI, Fast DDS), then ADLINK version info / node PIDs."""
    host = next((props[k] for k in HOST_PROPERTIES if props.get(k)), None)
    if (
        host is not None
        and "fastdds.physical_data.host" in props
        and host == props["fastdds.physical_data.host"]
    ):
        host = _HOST_SUFFIX.sub("", host)
    if host is None and info.version_info is not None:
        host = info.version_info.host
    host = host or info.node_name
    pid_text = next((props[k] for k in PID_PROPERTIES if props.get(k)), None)
    pid = int(pid_text) if pid_text is not None and _DIGITS.fullmatch(pid_text.strip()) else None
    if pid is None:
        pid = info.process_id
    process = next((props[k] for k in PROCESS_PROPERTIES if props.get(k)), None)
    if process is not None and "/" in process:
        process = process.rstrip("/").rsplit("/", 1)[-1]  # RTI sends the executable path
    process = process or info.exec_name
    user = next((props[k] for k in USER_PROPERTIES if props.get(k)), None)
    return Identity(host, pid, process, user)

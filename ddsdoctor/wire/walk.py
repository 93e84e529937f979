"""Fast accounting walk over one RTPS message: no per-submessage objects except data refs.

``scan`` reads what traffic accounting needs (source prefix, writer entity, SN, sizes,
samples) straight from the bytes with precompiled structs. Only DATA-like submessages
produce a small ``DataRef`` tuple; everything else is counted. ``Scan.discovery`` tells the
caller when the message also deserves ``parse_message`` (SPDP/SEDP samples inside).
"""

from __future__ import annotations

from struct import Struct
from typing import NamedTuple

from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.guid import GUIDPREFIX_UNKNOWN
from ddsdoctor.wire.ids import DISCOVERY_WRITERS, RTPS_MAGICS


class DataRef(NamedTuple):
    """One DATA, DATA_FRAG, RTI DATA_BATCH or DATA_SESSION submessage, for accounting."""

    kind: int
    """Submessage id: 0x15 DATA, 0x16 DATA_FRAG, 0x18 DATA_BATCH, 0x14 DATA_SESSION."""
    source: bytes
    """GUID prefix of the writer's participant (RTPS header, or the last INFO_SRC)."""
    vendor_id: int
    """Vendor of that participant (RTPS header, or the last INFO_SRC)."""
    writer_id: int
    reader_id: int
    sn: int
    """Writer SN; first SN for a batch; the writer-wide virtual SN for DATA_SESSION."""
    samples: int
    """Samples started here: 1, 0 for a DATA_FRAG without fragment 1, n for a batch."""
    size: int
    """Bytes of the submessage including its 4-byte header."""
    offset: int
    """Start of the submessage in the message."""
    flags: int


class Scan(NamedTuple):
    """What ``scan`` found in one message."""

    vendor_id: int
    source: bytes
    """GUID prefix in the RTPS header (all-zero for an NDDSPING probe)."""
    version: int
    """Protocol version as major << 8 | minor."""
    data: list[DataRef]
    submessages: int
    heartbeats: int
    acknacks: int
    discovery: bool
    """A DATA/DATA_FRAG from a builtin SPDP/SEDP writer is inside: worth a full decode."""
    ping: bool
    """RTI NDDSPING probe (16 bytes, no submessages)."""
    error: str | None
    """Why the walk stopped before the end (malformed), else None."""


_IDS = Struct(">II")
_SN_LE, _SN_BE = Struct("<iI"), Struct(">iI")
_FRAG_LE, _FRAG_BE = Struct("<iII"), Struct(">iII")  # SN, fragmentStartingNum
_BATCH_LE, _BATCH_BE = Struct("<iI4xI"), Struct(">iI4xI")  # firstSampleSN, count
_new = tuple.__new__
_DISC = DISCOVERY_WRITERS


def scan(msg: bytes) -> Scan:
    """Walk the submessages of ``msg`` for accounting; WireError if it is not RTPS at all."""
    n = len(msg)
    if n < 20 or not msg.startswith(RTPS_MAGICS):
        if n == 16 and msg[8:16] == b"NDDSPING" and msg.startswith(RTPS_MAGICS):
            return _new(
                Scan,
                (
                    (msg[6] << 8) | msg[7],
                    GUIDPREFIX_UNKNOWN,
                    (msg[4] << 8) | msg[5],
                    [],
                    0,
                    0,
                    0,
                    False,
                    True,
                    None,
                ),
            )
        raise WireError("not an RTPS message", 0)
    # Locals instead of globals/attributes: this loop runs for every submessage captured.
    new, ref, disc_ids = _new, DataRef, _DISC
    ids, sn_le, sn_be = _IDS.unpack_from, _SN_LE.unpack_from, _SN_BE.unpack_from
    source = prefix = msg[8:20]
    vendor = hvendor = (msg[6] << 8) | msg[7]
    data: list[DataRef] = []
    add = data.append
    nsub = hb = an = 0
    disc = False
    err = None
    p = 20
    while p < n:
        if n - p < 4:
            err = "truncated submessage header"
            break
        sid = msg[p]
        fl = msg[p + 1]
        ln = msg[p + 2] | msg[p + 3] << 8 if fl & 1 else msg[p + 2] << 8 | msg[p + 3]
        if ln:
            end = p + 4 + ln
            if end > n:
                err = f"submessage 0x{sid:02x} runs past the end"
                break
        elif sid in {1, 9}:  # PAD / INFO_TS: 0 means an empty body
            end = p + 4
        else:
            end = n  # 0 means "to the end of the message"
        nsub += 1
        if sid in {9, 14}:  # INFO_TS, INFO_DST: nothing to account
            pass
        elif sid == 0x15:  # DATA
            if end - p < 24:
                err = "DATA too short"
                break
            rid, wid = ids(msg, p + 8)
            hi, lo = sn_le(msg, p + 16) if fl & 1 else sn_be(msg, p + 16)
            add(new(ref, (0x15, source, vendor, wid, rid, (hi << 32) | lo, 1, end - p, p, fl)))
            if wid in disc_ids:
                disc = True
        elif sid == 0x07:
            hb += 1
        elif sid == 0x06:
            an += 1
        elif sid == 0x16:  # DATA_FRAG
            if end - p < 36:
                err = "DATA_FRAG too short"
                break
            rid, wid = ids(msg, p + 8)
            hi, lo, first = (_FRAG_LE if fl & 1 else _FRAG_BE).unpack_from(msg, p + 16)
            add(
                new(
                    ref,
                    (
                        0x16,
                        source,
                        vendor,
                        wid,
                        rid,
                        (hi << 32) | lo,
                        1 if first == 1 else 0,
                        end - p,
                        p,
                        fl,
                    ),
                )
            )
            if wid in disc_ids:
                disc = True
        elif sid == 0x0C:  # INFO_SRC: later submessages come from another participant
            if end - p < 24:
                err = "INFO_SRC too short"
                break
            source = msg[p + 12 : p + 24]
            vendor = (msg[p + 10] << 8) | msg[p + 11]
        elif sid == 0x18:  # RTI DATA_BATCH
            if end - p < 44:
                err = "DATA_BATCH too short"
                break
            rid, wid = ids(msg, p + 8)
            hi, lo, count = (_BATCH_LE if fl & 1 else _BATCH_BE).unpack_from(msg, p + 24)
            add(new(ref, (0x18, source, vendor, wid, rid, (hi << 32) | lo, count, end - p, p, fl)))
        elif sid == 0x14:  # RTI DATA_SESSION: writer-wide virtual SN after the session SN
            if end - p < 32:
                err = "DATA_SESSION too short"
                break
            rid, wid = ids(msg, p + 8)
            hi, lo = sn_le(msg, p + 24) if fl & 1 else sn_be(msg, p + 24)
            add(new(ref, (0x14, source, vendor, wid, rid, (hi << 32) | lo, 1, end - p, p, fl)))
        p = end
    return new(
        Scan, (hvendor, prefix, (msg[4] << 8) | msg[5], data, nsub, hb, an, disc, False, err)
    )

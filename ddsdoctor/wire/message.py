"""Full decoding of one RTPS message into a Header and Submessage dataclasses.

Walks every submessage with its E flag and the octetsToNextHeader rules of DDSI-RTPS 2.5
§9.4.5.1.3 (0 = to the end of the message, except PAD and INFO_TS), tracking INFO_SRC,
INFO_DST and INFO_TS. Unknown and vendor submessages are kept as ``Other``. A submessage
that overruns the message stops decoding: the result keeps what came before and says why.
"""

from __future__ import annotations

import logging
from struct import Struct

from ddsdoctor.wire import ids
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.guid import GUIDPREFIX_UNKNOWN, Locator
from ddsdoctor.wire.ids import RTPS_MAGICS
from ddsdoctor.wire.plist import ParameterList, parse_parameter_list
from ddsdoctor.wire.submessages import (
    AckNack,
    Data,
    DataBatch,
    DataFrag,
    Gap,
    Header,
    Heartbeat,
    HeartbeatFrag,
    InfoDst,
    InfoReply,
    InfoSrc,
    InfoTs,
    Message,
    NackFrag,
    Other,
    Submessage,
)

log = logging.getLogger(__name__)

_IDS = Struct(">II")
_E = {
    le: {
        "u16": Struct(pfx + "H"),
        "u32": Struct(pfx + "I"),
        "sn": Struct(pfx + "iI"),
        "ts": Struct(pfx + "iI"),
        "frag": Struct(pfx + "IHHI"),
        "locator": Struct(pfx + "iI"),
        "hb": Struct(pfx + "iIiIi"),
        "set": Struct(pfx + "iII"),
        "fset": Struct(pfx + "II"),
        "batch": Struct(pfx + "iIiIII"),
    }
    for le, pfx in ((True, "<"), (False, ">"))
}
MAX_SET_BITS = 256  # SequenceNumberSet / FragmentNumberSet numBits limit (§9.4.2.6)


def parse_header(msg: bytes) -> Header:
    """Decode the RTPS header; raise WireError when ``msg`` is not an RTPS message."""
    if not msg.startswith(RTPS_MAGICS):
        raise WireError("not an RTPS message (no RTPS/RTPX magic)", 0)
    if len(msg) == 16 and msg[8:16] == b"NDDSPING":
        return Header(
            msg[:4], (msg[4], msg[5]), (msg[6] << 8) | msg[7], GUIDPREFIX_UNKNOWN, ping=True
        )
    if len(msg) < 20:
        raise WireError(f"RTPS message of {len(msg)} bytes is shorter than its header", 0)
    return Header(msg[:4], (msg[4], msg[5]), (msg[6] << 8) | msg[7], msg[8:20])


def parse_message(msg: bytes, *, strict: bool = False) -> Message:
    """Decode every submessage. With ``strict`` a malformed submessage raises WireError."""
    header = parse_header(msg)
    subs: list[Submessage] = []
    if header.ping:
        return Message(header, ())
    source, vendor = header.guid_prefix, header.vendor_id
    ts: float | None = None
    dest: bytes | None = None
    n = len(msg)
    p = 20
    error: str | None = None
    while p < n:
        try:
            if n - p < 4:
                raise WireError("truncated submessage header", p)
            sid, fl = msg[p], msg[p + 1]
            le = bool(fl & 1)
            length = _E[le]["u16"].unpack_from(msg, p + 2)[0]
            body = p + 4
            if length == 0 and sid not in (ids.SubmessageId.PAD, ids.SubmessageId.INFO_TS):
                end = n  # "0 = to the end of the message"
            else:
                end = body + length
                if end > n:
                    raise WireError(f"submessage 0x{sid:02x} runs past the end", p)
            ctx = (source, vendor, ts, dest, p, end - p, fl)
            sub = _decode(sid, fl, le, msg, body, end, ctx)
        except WireError as exc:
            if strict:
                raise
            error = str(exc)
            break
        subs.append(sub)
        if isinstance(sub, InfoTs):
            ts = sub.time
        elif isinstance(sub, InfoSrc):
            source, vendor = sub.prefix, sub.new_vendor_id
        elif isinstance(sub, InfoDst):
            dest = None if sub.prefix == GUIDPREFIX_UNKNOWN else sub.prefix
        p = end
    return Message(header, tuple(subs), error)


_Ctx = tuple[bytes, int, float | None, bytes | None, int, int, int]


def decode_at(
    msg: bytes, offset: int, source: bytes, vendor_id: int, timestamp: float | None = None
) -> Submessage:
    """Decode the one submessage at ``offset`` (e.g. a ``walk.DataRef``) in its context.

    The fast path uses this to fully decode only the submessages it cares about; the
    INFO_TS/INFO_DST context is not replayed (pass ``timestamp`` if you tracked it).
    """
    n = len(msg)
    if offset < 20 or n - offset < 4:
        raise WireError("no submessage at this offset", offset)
    sid, fl = msg[offset], msg[offset + 1]
    le = bool(fl & 1)
    length = _E[le]["u16"].unpack_from(msg, offset + 2)[0]
    body = offset + 4
    if length == 0 and sid not in (ids.SubmessageId.PAD, ids.SubmessageId.INFO_TS):
        end = n
    else:
        end = body + length
        if end > n:
            raise WireError(f"submessage 0x{sid:02x} runs past the end", offset)
    return _decode(
        sid, fl, le, msg, body, end, (source, vendor_id, timestamp, None, offset, end - offset, fl)
    )


def _sn(msg: bytes, off: int, le: bool) -> int:
    hi, lo = _E[le]["sn"].unpack_from(msg, off)
    return int((hi << 32) | lo)


def _need(body: int, end: int, size: int, what: str) -> None:
    if end - body < size:
        raise WireError(f"{what} body shorter than {size} bytes", body)


def _inline_qos(
    msg: bytes, at: int, end: int, le: bool, fl: int
) -> tuple[ParameterList | None, int]:
    if not fl & 0x02:
        return None, at
    return parse_parameter_list(msg, at, end, le, need_sentinel=True)


def _decode(sid: int, fl: int, le: bool, msg: bytes, body: int, end: int, ctx: _Ctx) -> Submessage:
    st = _E[le]
    if sid in (ids.SubmessageId.DATA, ids.SubmessageId.DATA_SESSION):
        session = sid == ids.SubmessageId.DATA_SESSION
        _need(body, end, 28 if session else 20, "DATA")
        otiq = st["u16"].unpack_from(msg, body + 2)[0]
        rid, wid = _IDS.unpack_from(msg, body + 4)
        sn = _sn(msg, body + 20 if session else body + 12, le)  # session: virtual SN
        at = body + 4 + otiq
        if at > end:
            raise WireError("octetsToInlineQos points past the submessage", body)
        qos, at = _inline_qos(msg, at, end, le, fl)
        payload = msg[at:end] if fl & 0x0C else b""
        return Data(*ctx, rid, wid, sn, qos, payload, session)
    if sid == ids.SubmessageId.DATA_FRAG:
        _need(body, end, 32, "DATA_FRAG")
        otiq = st["u16"].unpack_from(msg, body + 2)[0]
        rid, wid = _IDS.unpack_from(msg, body + 4)
        sn = _sn(msg, body + 12, le)
        start, count, fsize, ssize = st["frag"].unpack_from(msg, body + 20)
        at = body + 4 + otiq
        if at > end:
            raise WireError("octetsToInlineQos points past the submessage", body)
        qos, at = _inline_qos(msg, at, end, le, fl)
        return DataFrag(*ctx, rid, wid, sn, start, count, fsize, ssize, qos, msg[at:end])
    if sid == ids.SubmessageId.HEARTBEAT:
        _need(body, end, 28, "HEARTBEAT")
        rid, wid = _IDS.unpack_from(msg, body)
        fh, fl_, lh, ll, count = st["hb"].unpack_from(msg, body + 8)
        return Heartbeat(*ctx, rid, wid, (fh << 32) | fl_, (lh << 32) | ll, count)
    if sid == ids.SubmessageId.ACKNACK:
        rid, wid = _writer_ids(msg, body, end, 8, "ACKNACK")
        base, missing, after = _sn_set(msg, body + 8, end, le)
        count = st["u32"].unpack_from(msg, after)[0] if end - after >= 4 else 0
        return AckNack(*ctx, rid, wid, base, missing, count)
    if sid == ids.SubmessageId.GAP:
        rid, wid = _writer_ids(msg, body, end, 16, "GAP")
        start = _sn(msg, body + 8, le)
        base, gaps, _ = _sn_set(msg, body + 16, end, le)
        return Gap(*ctx, rid, wid, start, base, gaps)
    if sid == ids.SubmessageId.INFO_TS:
        if fl & 0x02 or end - body < 8:
            return InfoTs(*ctx, None)  # I flag: invalidate the timestamp
        sec, frac = st["ts"].unpack_from(msg, body)
        return InfoTs(*ctx, sec + frac / 4294967296.0)
    if sid == ids.SubmessageId.INFO_DST:
        _need(body, end, 12, "INFO_DST")
        return InfoDst(*ctx, msg[body : body + 12])
    if sid == ids.SubmessageId.INFO_SRC:
        _need(body, end, 20, "INFO_SRC")
        return InfoSrc(
            *ctx,
            (msg[body + 4], msg[body + 5]),
            (msg[body + 6] << 8) | msg[body + 7],
            msg[body + 8 : body + 20],
        )
    if sid == ids.SubmessageId.DATA_BATCH:
        _need(body, end, 40, "DATA_BATCH")
        rid, wid = _IDS.unpack_from(msg, body + 4)
        bh, bl, fh, fl_, off_last, count = st["batch"].unpack_from(msg, body + 12)
        first = (fh << 32) | fl_
        return DataBatch(*ctx, rid, wid, (bh << 32) | bl, first, first + off_last, count)
    if sid == ids.SubmessageId.NACK_FRAG:
        _need(body, end, 20, "NACK_FRAG")
        rid, wid = _IDS.unpack_from(msg, body)
        sn = _sn(msg, body + 8, le)
        base, missing, after = _frag_set(msg, body + 16, end, le)
        count = st["u32"].unpack_from(msg, after)[0] if end - after >= 4 else 0
        return NackFrag(*ctx, rid, wid, sn, missing, count)
    if sid == ids.SubmessageId.HEARTBEAT_FRAG:
        _need(body, end, 24, "HEARTBEAT_FRAG")
        rid, wid = _IDS.unpack_from(msg, body)
        sn = _sn(msg, body + 8, le)
        last, count = st["fset"].unpack_from(msg, body + 16)
        return HeartbeatFrag(*ctx, rid, wid, sn, last, count)
    if sid in (ids.SubmessageId.INFO_REPLY, ids.SubmessageId.INFO_REPLY_IP4):
        return _info_reply(sid, fl, le, msg, body, end, ctx)
    return Other(*ctx, sid)


def _writer_ids(msg: bytes, body: int, end: int, extra: int, what: str) -> tuple[int, int]:
    _need(body, end, 8 + extra, what)
    rid, wid = _IDS.unpack_from(msg, body)
    return int(rid), int(wid)


def _sn_set(msg: bytes, off: int, end: int, le: bool) -> tuple[int, tuple[int, ...], int]:
    """SequenceNumberSet: base SN, the SNs whose bit is set, offset after the set."""
    if end - off < 12:
        raise WireError("SequenceNumberSet header runs past the submessage", off)
    hi, lo, nbits = _E[le]["set"].unpack_from(msg, off)
    base = (hi << 32) | lo
    return base, *_bits(msg, off + 12, end, le, nbits, base)


def _frag_set(msg: bytes, off: int, end: int, le: bool) -> tuple[int, tuple[int, ...], int]:
    if end - off < 8:
        raise WireError("FragmentNumberSet header runs past the submessage", off)
    base, nbits = _E[le]["fset"].unpack_from(msg, off)
    return base, *_bits(msg, off + 8, end, le, nbits, base)


def _bits(
    msg: bytes, off: int, end: int, le: bool, nbits: int, base: int
) -> tuple[tuple[int, ...], int]:
    if nbits > MAX_SET_BITS:
        raise WireError(f"number set with {nbits} bits (max {MAX_SET_BITS})", off)
    words = (nbits + 31) // 32
    if end - off < 4 * words:
        raise WireError("number set bitmap runs past the submessage", off)
    u32 = _E[le]["u32"]
    out = []
    for w in range(words):
        word = u32.unpack_from(msg, off + 4 * w)[0]
        for b in range(min(32, nbits - 32 * w)):
            if word & (0x80000000 >> b):  # bit 0 is the MSB of the first word (§9.4.2.6)
                out.append(base + 32 * w + b)
    return tuple(out), off + 4 * words


def _info_reply(
    sid: int, fl: int, le: bool, msg: bytes, body: int, end: int, ctx: _Ctx
) -> InfoReply:
    st = _E[le]
    if sid == ids.SubmessageId.INFO_REPLY_IP4:
        _need(body, end, 8 if not fl & 0x02 else 16, "INFO_REPLY_IP4")
        locs = []
        for at in (body, body + 8) if fl & 0x02 else (body,):
            addr, port = st["fset"].unpack_from(msg, at)
            locs.append(Locator(1, port, bytes(12) + addr.to_bytes(4, "big")))
        return InfoReply(*ctx, (locs[0],), tuple(locs[1:]))
    lists: list[tuple[Locator, ...]] = []
    at = body
    for _ in range(2 if fl & 0x02 else 1):
        _need(at, end, 4, "INFO_REPLY")
        count = st["u32"].unpack_from(msg, at)[0]
        at += 4
        if count > (end - at) // 24:
            raise WireError("INFO_REPLY locator list runs past the submessage", at)
        items = []
        for _ in range(count):
            kind, port = st["locator"].unpack_from(msg, at)
            items.append(Locator(kind, port, msg[at + 8 : at + 24]))
            at += 24
        lists.append(tuple(items))
    return InfoReply(*ctx, lists[0], lists[1] if len(lists) > 1 else ())

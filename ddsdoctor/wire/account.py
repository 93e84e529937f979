"""Allocation-free accounting walk: per-writer traffic counters updated in place.

``WriterAccounts.account(msg, time)`` walks the submessages of one RTPS message like
``walk.scan`` but, instead of returning a reference per DATA, adds each DATA, DATA_FRAG,
RTI DATA_BATCH and DATA_SESSION to the counters of its writer (source GUID prefix + writer
entity id). Nothing is allocated per submessage once a writer is known, which is what lets
a Python sniffer keep up with ~100k packets/s. Writers are mapped to topics later, from
SEDP, so data that arrives before its SEDP is still counted.
"""

from __future__ import annotations

from struct import Struct

from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.ids import DISCOVERY_WRITERS, RTPS_MAGICS
from ddsdoctor.wire.walk import DataRef

DISCOVERY = 1
"""``account`` result bit: a DATA/DATA_FRAG of a builtin SPDP/SEDP writer is inside."""
MALFORMED = 2
"""``account`` result bit: the walk stopped early (a submessage overruns the message)."""
PING = 4
"""``account`` result bit: RTI NDDSPING probe (no submessages)."""
SEDP_HEARTBEAT = 8
"""``account`` result bit: a HEARTBEAT of a builtin SEDP writer (publications or
subscriptions, writer entity id 0x000003c2/0x000004c2; not the secure variants, whose
payload is encrypted anyway) is inside. Tested on the entity id's bytes, which do not
depend on endianness."""
SEDP_ACKNACK = 16
"""``account`` result bit: an ACKNACK to a builtin SEDP writer (as SEDP_HEARTBEAT)."""

_IDS = Struct(">II")
_SN_LE, _SN_BE = Struct("<iI"), Struct(">iI")
_FRAG_LE, _FRAG_BE = Struct("<iII"), Struct(">iII")
_BATCH_LE, _BATCH_BE = Struct("<iI4xI"), Struct(">iI4xI")


class WriterCounters:
    """Traffic of one writer: samples, submessages, bytes, SN range, time range, 1 s bins."""

    __slots__ = (
        "bins",
        "bytes",
        "first_sn",
        "first_time",
        "kinds",
        "last_sn",
        "last_time",
        "samples",
        "submessages",
    )

    def __init__(self, sn: int, time: float) -> None:
        self.samples = 0
        self.submessages = 0
        self.bytes = 0
        """Submessage bytes (headers included), not IP/UDP overhead."""
        self.first_sn = sn
        self.last_sn = sn
        self.first_time = time
        self.last_time = time
        self.kinds = 0
        """Bit set of 1 << submessage id seen (0x15 DATA, 0x16 DATA_FRAG, 0x18, 0x14)."""
        self.bins: dict[int, int] = {}
        """Whole epoch second -> bytes in that second (for bits/s time series)."""

    def __repr__(self) -> str:
        return (
            f"WriterCounters(samples={self.samples}, bytes={self.bytes}, "
            f"sn={self.first_sn}..{self.last_sn})"
        )


class WriterAccounts:
    """Per-writer counters for a stream of RTPS messages (one instance per capture)."""

    def __init__(self) -> None:
        self.writers: dict[tuple[bytes, int], WriterCounters] = {}
        """(writer GUID prefix, writer entity id) -> counters."""
        self.discovery: list[DataRef] = []
        """References to the SPDP/SEDP submessages of the last message accounted (for
        ``DiscoveryDecoder.decode(msg, accounts.discovery)``); empty when there were none."""
        self.messages = 0
        self.submessages = 0
        self.heartbeats = 0
        self.acknacks = 0
        self.malformed = 0

    def account(self, msg: bytes, time: float) -> int:
        """Count the data submessages of ``msg`` (captured at ``time``).

        Returns a bit set of DISCOVERY, MALFORMED, PING, SEDP_HEARTBEAT and SEDP_ACKNACK;
        raises WireError only when
        ``msg`` is not an RTPS message.
        """
        if self.discovery:
            self.discovery = []
        n = len(msg)
        if n < 20 or not msg.startswith(RTPS_MAGICS):
            if n == 16 and msg[8:16] == b"NDDSPING" and msg.startswith(RTPS_MAGICS):
                self.messages += 1
                return PING
            raise WireError("not an RTPS message", 0)
        writers = self.writers
        get = writers.get
        ids, sn_le, sn_be = _IDS.unpack_from, _SN_LE.unpack_from, _SN_BE.unpack_from
        second = int(time)
        source = msg[8:20]
        vendor = (msg[6] << 8) | msg[7]
        result = nsub = hb = an = 0
        p = 20
        while p < n:
            if n - p < 4:
                result |= MALFORMED
                break
            sid = msg[p]
            fl = msg[p + 1]
            ln = msg[p + 2] | msg[p + 3] << 8 if fl & 1 else msg[p + 2] << 8 | msg[p + 3]
            if ln:
                end = p + 4 + ln
                if end > n:
                    result |= MALFORMED
                    break
            elif sid == 0x01 or sid == 0x09:  # noqa: PLR1714 - PAD/INFO_TS: empty body
                end = p + 4
            else:
                end = n  # 0 = to the end of the message
            nsub += 1
            if sid == 0x15 or sid == 0x16 or sid == 0x18 or sid == 0x14:  # noqa: PLR1714
                size = end - p
                if sid == 0x15:
                    if size < 24:
                        result |= MALFORMED
                        break
                    hi, lo = sn_le(msg, p + 16) if fl & 1 else sn_be(msg, p + 16)
                    samples = 1
                elif sid == 0x16:
                    if size < 36:
                        result |= MALFORMED
                        break
                    hi, lo, first = (_FRAG_LE if fl & 1 else _FRAG_BE).unpack_from(msg, p + 16)
                    samples = 1 if first == 1 else 0  # count a sample once, bytes per fragment
                elif sid == 0x18:
                    if size < 44:
                        result |= MALFORMED
                        break
                    hi, lo, samples = (_BATCH_LE if fl & 1 else _BATCH_BE).unpack_from(msg, p + 24)
                else:
                    if size < 32:
                        result |= MALFORMED
                        break
                    hi, lo = sn_le(msg, p + 24) if fl & 1 else sn_be(msg, p + 24)
                    samples = 1
                rid, wid = ids(msg, p + 8)
                sn = (hi << 32) | lo
                key = (source, wid)
                w = get(key)
                if w is None:
                    w = writers[key] = WriterCounters(sn, time)
                if wid in DISCOVERY_WRITERS:
                    result |= DISCOVERY
                    self.discovery.append(
                        DataRef(sid, source, vendor, wid, rid, sn, samples, size, p, fl)
                    )
                w.samples += samples
                w.submessages += 1
                w.bytes += size
                w.kinds |= 1 << sid
                if sn > w.last_sn:
                    w.last_sn = sn
                elif sn < w.first_sn:
                    w.first_sn = sn
                w.last_time = time
                bins = w.bins
                bins[second] = bins.get(second, 0) + size
            elif sid == 0x07 or sid == 0x06:  # noqa: PLR1714
                if sid == 0x07:
                    hb += 1
                else:
                    an += 1
                # writerId at +8: 00 00 03 c2 / 00 00 04 c2 (cheapest test first)
                if (
                    end - p >= 12
                    and msg[p + 11] == 0xC2
                    and msg[p + 10] in (3, 4)
                    and not msg[p + 9]
                    and not msg[p + 8]
                ):
                    result |= SEDP_HEARTBEAT if sid == 0x07 else SEDP_ACKNACK
            elif sid == 0x0C:  # INFO_SRC: later submessages come from another participant
                if end - p < 24:
                    result |= MALFORMED
                    break
                source = msg[p + 12 : p + 24]
                vendor = (msg[p + 10] << 8) | msg[p + 11]
            p = end
        self.messages += 1
        self.submessages += nsub
        self.heartbeats += hb
        self.acknacks += an
        if result & MALFORMED:
            self.malformed += 1
        return result

"""Stream decoding of discovery traffic on top of the fast walk: reassembly and a cache.

``DiscoveryDecoder.decode(msg, scan)`` fully decodes only the DATA/DATA_FRAG submessages of
builtin SPDP/SEDP writers found by ``walk.scan``, reassembles fragmented ones and caches
records by content, because SPDP is re-announced every few seconds and SEDP is resent on
every NACK: most discovery submessages of a long capture are repeats.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import NamedTuple

from ddsdoctor.wire.discovery import decode_discovery
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.fragments import SampleReassembler
from ddsdoctor.wire.ids import DISCOVERY_WRITERS, PARTICIPANT_WRITERS
from ddsdoctor.wire.message import decode_at
from ddsdoctor.wire.records import DiscoveryRecord
from ddsdoctor.wire.submessages import Data, DataFrag, data_sample
from ddsdoctor.wire.walk import DataRef, Scan, scan

log = logging.getLogger(__name__)
_MISSING = object()


class Decoded(NamedTuple):
    records: list[DiscoveryRecord]
    errors: list[WireError]
    """Malformed discovery samples in this message (the rest were still decoded)."""


class DiscoveryDecoder:
    """Decode the discovery samples of successive RTPS messages (one decoder per capture)."""

    def __init__(
        self, *, reassembler: SampleReassembler | None = None, cache_size: int = 8192
    ) -> None:
        self.reassembler = reassembler if reassembler is not None else SampleReassembler()
        self.cache_size = cache_size
        self._cache: dict[tuple[object, ...], object] = {}
        self.samples = 0
        self.cache_hits = 0
        self.malformed = 0

    def decode(
        self,
        msg: bytes,
        walked: Scan | Sequence[DataRef] | None = None,
        *,
        time: float = 0.0,
        dst_port: int | None = None,
    ) -> Decoded:
        """Records from the discovery samples of ``msg``.

        ``walked`` is the message's ``scan`` or the data references already found (e.g.
        ``WriterAccounts.discovery``); without it the message is scanned here. Raises
        WireError only when ``msg`` is not RTPS and nothing was given.
        """
        if walked is None:
            walked = scan(msg)
        refs = walked.data if isinstance(walked, Scan) else walked
        records: list[DiscoveryRecord] = []
        errors: list[WireError] = []
        cache = self._cache
        hits = 0
        for kind, source, vendor, wid, _rid, _sn, _n, size, offset, _fl in refs:
            if wid not in DISCOVERY_WRITERS:
                continue
            key: tuple[object, ...] | None = None
            if kind == 0x15:  # a whole DATA: its raw bytes identify the record
                # The port only matters for SPDP (domain fallback), so SEDP entries are shared.
                port = dst_port if wid in PARTICIPANT_WRITERS else None
                key = (source, vendor, msg[offset : offset + size], port)
                record = cache.get(key, _MISSING)
                if record is not _MISSING:
                    hits += 1
                    if record is not None:
                        records.append(record)  # type: ignore[arg-type]
                    continue
            try:
                sub = decode_at(msg, offset, source, vendor)
                if isinstance(sub, DataFrag):
                    sample = self.reassembler.add(sub, time)
                    if sample is None:
                        continue
                elif isinstance(sub, Data):
                    sample = data_sample(sub)
                else:
                    continue
                self.samples += 1
                record = decode_discovery(sample, dst_port=dst_port)
            except WireError as exc:
                self.malformed += 1
                errors.append(exc)
                continue
            if key is not None and self.cache_size > 0:
                if len(cache) >= self.cache_size:
                    del cache[next(iter(cache))]
                cache[key] = record
            if record is not None:
                records.append(record)
        if hits:
            self.samples += hits
            self.cache_hits += hits
        return Decoded(records, errors)

"""Bounded reassembly of DATA_FRAG samples keyed by (writer GUID, SN) (DDSI-RTPS 2.5 §8.4.14.1).

Large SPDP/SEDP samples (property lists, XTypes type information, OpenSplice topic
announcements) arrive as DATA_FRAG; they must be whole before their parameter list can be
read. Memory is bounded by the number of samples in progress, their total size, a per-sample
size cap and an age limit in capture time.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from ddsdoctor.wire.guid import Guid
from ddsdoctor.wire.plist import ParameterList
from ddsdoctor.wire.submessages import DataFrag, Sample

log = logging.getLogger(__name__)


@dataclass(slots=True)
class FragmentStats:
    """Counters of one SampleReassembler."""

    fragments: int = 0
    completed: int = 0
    duplicates: int = 0
    inconsistent: int = 0
    """Fragments whose sizes contradict earlier ones or their own payload."""
    oversize: int = 0
    expired: int = 0
    evicted: int = 0


class _Partial:
    __slots__ = (
        "buf",
        "first_ts",
        "frag_size",
        "got",
        "inline_qos",
        "key",
        "last_ts",
        "needed",
        "sample_size",
        "vendor_id",
    )

    def __init__(self, frag: DataFrag, now: float) -> None:
        self.sample_size = frag.sample_size
        self.frag_size = frag.fragment_size
        self.needed = -(-frag.sample_size // frag.fragment_size)
        self.buf = bytearray(frag.sample_size)
        self.got: set[int] = set()
        self.inline_qos: ParameterList | None = None
        self.key = frag.has_key
        self.vendor_id = frag.vendor_id
        self.first_ts = now
        self.last_ts = frag.timestamp


class SampleReassembler:
    """Collect DATA_FRAG submessages; ``add`` returns the Sample once all fragments are in."""

    def __init__(
        self,
        *,
        max_samples: int = 1024,
        max_bytes: int = 64 * 1024 * 1024,
        max_sample_size: int = 16 * 1024 * 1024,
        max_age: float = 60.0,
    ) -> None:
        self.max_samples = max_samples
        self.max_bytes = max_bytes
        self.max_sample_size = max_sample_size
        self.max_age = max_age
        self.stats = FragmentStats()
        self._parts: dict[tuple[bytes, int, int], _Partial] = {}
        self._bytes = 0

    @property
    def pending(self) -> int:
        return len(self._parts)

    def add(self, frag: DataFrag, now: float = 0.0) -> Sample | None:
        """Add one DATA_FRAG (``now`` = capture time, for the age limit)."""
        st = self.stats
        st.fragments += 1
        self._expire(now)
        ssize, fsize, start = frag.sample_size, frag.fragment_size, frag.fragment_start
        if ssize > self.max_sample_size:
            st.oversize += 1
            return None
        if fsize == 0 or ssize == 0 or start == 0 or frag.fragments == 0:
            st.inconsistent += 1
            return None
        key = (frag.source, frag.writer_id, frag.writer_sn)
        part = self._parts.get(key)
        if part is None:
            if ssize > self.max_bytes:
                st.oversize += 1
                return None
            while self._parts and (
                len(self._parts) >= self.max_samples or self._bytes + ssize > self.max_bytes
            ):
                self._drop(next(iter(self._parts)))
                st.evicted += 1
            part = self._parts[key] = _Partial(frag, now)
            self._bytes += ssize
        elif part.sample_size != ssize or part.frag_size != fsize:
            st.inconsistent += 1
            return None
        off = (start - 1) * fsize
        want = min(frag.fragments * fsize, ssize - off) if off < ssize else -1
        if want <= 0 or len(frag.payload) < want:
            st.inconsistent += 1
            return None
        numbers = range(start, start + frag.fragments)
        if part.got.issuperset(numbers):
            st.duplicates += 1
            return None
        part.buf[off : off + want] = frag.payload[:want]
        part.got.update(n for n in numbers if n <= part.needed)
        if frag.inline_qos is not None and (part.inline_qos is None or start == 1):
            part.inline_qos = frag.inline_qos
        part.last_ts = frag.timestamp
        if len(part.got) < part.needed:
            return None
        self._drop(key)
        st.completed += 1
        return Sample(
            Guid(frag.source, frag.writer_id),
            frag.writer_sn,
            part.vendor_id,
            part.last_ts,
            part.inline_qos,
            bytes(part.buf),
            not part.key,
            part.key,
            fragmented=True,
        )

    def _expire(self, now: float) -> None:
        parts = self._parts
        while parts:
            key = next(iter(parts))
            if now - parts[key].first_ts <= self.max_age:
                return
            self._drop(key)
            self.stats.expired += 1

    def _drop(self, key: tuple[bytes, int, int]) -> None:
        part = self._parts.pop(key, None)
        if part is not None:
            self._bytes -= part.sample_size

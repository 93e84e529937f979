"""The shared real OpenSplice lab run (s1-sp-3hosts-domain0): paths, raw samples, log lines.

Raw samples are extracted here with the project's wire parser only (SEDP -> writer topic, DATA
payloads), independently of ``ddsdoctor.durability.pcap``, so decoder tests do not depend on the
code they check. The corpus is read in place, never copied.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.wire import (
    DiscoveryDecoder,
    EndpointData,
    EndpointKind,
    data_sample,
    decode_at,
    scan,
)
from ddsdoctor.wire.submessages import Data
from tests.conftest import CORPUS

S1 = CORPUS / "opensplice-lab" / "s1-sp-3hosts-domain0"
S1_PCAP = S1 / "capture.pcap"
# systemId of each host folder (scenario README; "My address is" in each durability.log).
S1_NODES = {
    "h1": 304092635,
    "h2-pub": 513026227,
    "h2-sub": 772205537,
    "h3-sub-transient": 1735632865,
    "h3-sub-tl": 582175905,
}
S1_HOSTS = {
    304092635: "os-h1",
    513026227: "os-h2",
    772205537: "os-h2",
    1735632865: "os-h3",
    582175905: "os-h3",
}
S1_MASTER = 772205537


def need_s1() -> None:
    if not S1_PCAP.is_file():
        pytest.skip(f"lab capture not found at {S1_PCAP}")


@dataclass(frozen=True)
class RawSample:
    time: float
    topic: str
    writer_prefix: bytes
    sn: int
    payload: bytes
    key_only: bool
    status_info: int
    key_hash: bytes | None


@functools.cache
def raw_samples() -> tuple[RawSample, ...]:
    """Every distinct d_* DATA in the capture (deduplicated by writer and SN), in order."""
    need_s1()
    decoder = DiscoveryDecoder()
    topics: dict[tuple[bytes, int], str] = {}
    datas: list[tuple[float, Data]] = []
    seen: set[tuple[bytes, int, int]] = set()
    for dg in read_capture(S1_PCAP):
        walked = scan(dg.payload)
        if walked.discovery:
            for rec in decoder.decode(dg.payload, walked, time=dg.time).records:
                if isinstance(rec, EndpointData) and rec.kind is EndpointKind.WRITER and rec.topic:
                    topics[(rec.guid.prefix, rec.guid.entity_id)] = rec.topic
        for ref in walked.data:
            if ref.kind == 0x15 and (ref.source, ref.writer_id, ref.sn) not in seen:
                seen.add((ref.source, ref.writer_id, ref.sn))
                sub = decode_at(dg.payload, ref.offset, ref.source, ref.vendor_id)
                assert isinstance(sub, Data)
                datas.append((dg.time, sub))
    out = []
    for t, d in datas:
        topic = topics.get((d.source, d.writer_id), "")
        if not topic.startswith("d_"):
            continue
        s = data_sample(d)
        out.append(
            RawSample(
                t,
                topic,
                d.source,
                d.writer_sn,
                s.payload,
                s.has_key and not s.has_data,
                s.status_info,
                s.key_hash,
            )
        )
    return tuple(out)


_LINE = re.compile(r"^\S+ (?P<t>\d+\.\d+) (?P<state>\S+) \((?P<thread>[^)]*)\) -> (?P<text>.*)$")


@dataclass(frozen=True)
class LogLine:
    time: float
    state: str
    thread: str
    text: str


@functools.cache
def log_lines(folder: str) -> tuple[LogLine, ...]:
    need_s1()
    out = []
    for line in (S1 / folder / "durability.log").read_text(errors="replace").splitlines():
        m = _LINE.match(line)
        if m:
            out.append(LogLine(float(m["t"]), m["state"], m["thread"], m["text"]))
    return tuple(out)


def node_of(folder: str) -> int:
    for line in log_lines(folder):
        if line.text.startswith("My address is: "):
            return int(line.text.split("'")[1])
    raise AssertionError(f"no address line in {folder}")


def folders() -> list[str]:
    return sorted(S1_NODES)


def corpus_path() -> Path:
    return S1

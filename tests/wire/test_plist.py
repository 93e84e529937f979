"""Parameter lists, vendor PIDs, identity, port mapping and DATA_FRAG reassembly units."""

from __future__ import annotations

import itertools
import struct
from dataclasses import replace
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from ddsdoctor.wire.discovery import decode_discovery
from ddsdoctor.wire.errors import WireError
from ddsdoctor.wire.fragments import SampleReassembler
from ddsdoctor.wire.guid import Guid
from ddsdoctor.wire.message import parse_message
from ddsdoctor.wire.plist import parse_parameter_list, properties, string, strings
from ddsdoctor.wire.ports import PortKind, domain_from_port, ports_for
from ddsdoctor.wire.records import EndpointData, ParticipantData, TopicData
from ddsdoctor.wire.submessages import DataFrag, Sample
from ddsdoctor.wire.vendor import decode_vendor, identity


def _param(pid: int, value: bytes, le: bool = True) -> bytes:
    value += b"\0" * (-len(value) % 4)
    return struct.pack("<HH" if le else ">HH", pid, len(value)) + value


def _str(text: str, le: bool = True) -> bytes:
    """A CDR string padded to 4 bytes."""
    raw = text.encode() + b"\0"
    return struct.pack("<I" if le else ">I", len(raw)) + raw + b"\0" * (-len(raw) % 4)


@pytest.mark.parametrize("le", [True, False])
def test_sentinel_pad_extended_and_list_end(le: bool) -> None:
    e = "<" if le else ">"
    body = _param(0x0000, b"") + _param(0x0005, _str("topic", le), le)
    body += struct.pack(e + "HHII", 0x3F01, 8, 0x40000007, 8) + _str("abc", le)
    body += struct.pack(e + "HH", 0x0001, 4) + b"\xff\xff\xff\xff" + b"after sentinel"
    pl, end = parse_parameter_list(body, 0, len(body), le)
    assert pl.terminated and end == len(body) - len(b"after sentinel")
    assert pl.pids == (0x0005, 0x4007)  # pad dropped; extended id 7 with its M flag
    assert string(pl.first(0x0005) or b"", le) == "topic"
    assert string(pl.first(0x4007) or b"", le) == "abc"
    closed = _param(0x0005, _str("t", le), le) + struct.pack(e + "HH", 0x3F02, 0)
    assert parse_parameter_list(closed, 0, len(closed), le)[0].terminated


def test_missing_sentinel_is_an_error_only_for_inline_qos() -> None:
    body = _param(0x0070, bytes(16))
    pl, _ = parse_parameter_list(body, 0, len(body), True)
    assert not pl.terminated
    with pytest.raises(WireError):
        parse_parameter_list(body, 0, len(body), True, need_sentinel=True)
    with pytest.raises(WireError):
        parse_parameter_list(body[:-3], 0, len(body) - 3, True)


def test_strings_and_properties() -> None:
    seq = struct.pack("<I", 2) + _str("a*") + _str("plant")
    assert strings(seq, True) == ("a*", "plant")
    props = struct.pack("<I", 1) + _str("__Hostname") + _str("h1")
    assert properties(props, True) == (("__Hostname", "h1"),)
    with pytest.raises(WireError):
        strings(struct.pack("<I", 1_000_000), True)


def _spdp(vendor: int, params: bytes) -> Sample:
    payload = b"\x00\x03\x00\x00" + params + struct.pack("<HH", 1, 0)
    return Sample(Guid(bytes(range(12)), 0x000100C2), 1, vendor, None, None, payload, True, False)


def test_vendor_pids_follow_only_the_senders_table() -> None:
    """0x8007 is ADLINK version info for Cyclone but RTI's UNICAST_LOCATOR_EX."""
    info = struct.pack("<5I", 0, 0x10, 0xDEADBEEF, 0x7F00, 0x1234) + _str("h/6.9.2////")
    params = _param(0x8007, info) + _param(0x800F, struct.pack("<I", 42))
    cyclone = decode_vendor(parse_parameter_list(params, 0, len(params), True)[0], 0x0110)
    rti = decode_vendor(parse_parameter_list(params, 0, len(params), True)[0], 0x0101)
    assert cyclone.version_info is not None and cyclone.version_info.host == "h"
    assert cyclone.version_info.is_ddsi2 and cyclone.domain_id is None
    assert rti.version_info is None and rti.domain_id == 42 and rti.uninterpreted == (0x8007,)


def test_fastdds_physical_data_identity() -> None:
    props = struct.pack("<I", 3)
    for k, v in (
        ("fastdds.physical_data.host", "dd-h2:1234"),
        ("fastdds.physical_data.process", "11383"),
        ("fastdds.physical_data.user", "root"),
    ):
        props += _str(k) + _str(v)
    rec = decode_discovery(_spdp(0x010F, _param(0x0059, props) + _param(0x000F, bytes(4))))
    assert isinstance(rec, ParticipantData)
    assert (rec.host, rec.pid, rec.user, rec.domain_id) == ("dd-h2", 11383, "root", 0)


def test_rti_sys_info_identity(corpus: Path) -> None:
    path = corpus / "pcap" / "ntop__nDPI__tests__cfgs__default__pcap__rtps.pcap"
    for dg in read_capture(path):
        for sub in parse_message(dg.payload).submessages:
            if getattr(sub, "writer_id", None) == 0x000100C2 and sub.payload:  # type: ignore[union-attr]
                from ddsdoctor.wire.submessages import data_sample

                rec = decode_discovery(data_sample(sub), dst_port=dg.dport)  # type: ignore[arg-type]
                assert isinstance(rec, ParticipantData)
                assert (rec.host, rec.pid, rec.process, rec.user) == (
                    "localhost.localdomain",
                    14924,
                    "rtishapesdemo",
                    "root",
                )
                assert rec.vendor.product_version == "5.2.0.0" and rec.domain_id == 0
                return
    pytest.fail("no SPDP sample found")


def test_identity_without_properties_uses_version_info() -> None:
    assert (
        identity({}, decode_vendor(parse_parameter_list(b"", 0, 0, True)[0], 0x0110)).host is None
    )


@pytest.mark.parametrize(
    ("port", "domain", "kind", "index"),
    [
        (7400, 0, PortKind.DISCOVERY_MULTICAST, None),
        (7401, 0, PortKind.USER_MULTICAST, None),
        (7410, 0, PortKind.DISCOVERY_UNICAST, 0),
        (7413, 0, PortKind.USER_UNICAST, 1),
        (9150, 7, PortKind.DISCOVERY_MULTICAST, None),
        (10401, 12, PortKind.USER_MULTICAST, None),
        (57650, 201, PortKind.DISCOVERY_MULTICAST, None),
        (57661, 201, PortKind.USER_UNICAST, 0),
    ],
)
def test_port_mapping(port: int, domain: int, kind: PortKind, index: int | None) -> None:
    m = domain_from_port(port)
    assert m is not None and (m.domain_id, m.kind, m.participant_index) == (domain, kind, index)
    assert ports_for(domain, index or 0)[kind] == port


@pytest.mark.parametrize("port", [0, 53, 7399, 7405, 7409, 70000])
def test_ports_outside_the_mapping(port: int) -> None:
    assert domain_from_port(port) is None


def _frags(sample: bytes, size: int, per_sub: int = 1) -> list[DataFrag]:
    n = -(-len(sample) // size)
    return [
        DataFrag(
            bytes(12),
            0x0110,
            None,
            None,
            20,
            60,
            0x01,
            0,
            0x000003C2,
            9,
            start,
            min(per_sub, n - start + 1),
            size,
            len(sample),
            None,
            sample[(start - 1) * size : (start - 1 + per_sub) * size],
        )
        for start in range(1, n + 1, per_sub)
    ]


@pytest.mark.parametrize("per_sub", [1, 2])
def test_fragments_any_order(per_sub: int) -> None:
    sample = bytes(range(256)) * 5
    frags = _frags(sample, 100, per_sub)
    for order in itertools.islice(itertools.permutations(frags), 50):
        r = SampleReassembler()
        out = [r.add(f) for f in order]
        assert next(o for o in out if o is not None).payload == sample
        assert out[-1] is not None and r.pending == 0


def test_fragment_duplicates_inconsistency_and_limits() -> None:
    sample = bytes(1000)
    frags = _frags(sample, 300)
    r = SampleReassembler(max_samples=1, max_sample_size=2000)
    assert r.add(frags[0]) is None and r.add(frags[0]) is None
    assert r.stats.duplicates == 1
    bad = replace(frags[1], fragment_size=301, payload=b"x" * 301)  # size changed mid-sample
    assert r.add(bad) is None and r.stats.inconsistent == 1
    other = replace(_frags(bytes(500), 300)[0], writer_sn=10)
    r.add(other)  # another sample while the limit is 1: the oldest is evicted
    assert r.stats.evicted == 1 and r.pending == 1
    huge = _frags(bytes(3000), 1000)[0]
    assert r.add(huge) is None and r.stats.oversize == 1


def test_fragment_age_limit() -> None:
    r = SampleReassembler(max_age=10.0)
    a, _b = _frags(bytes(200), 100)
    r.add(a, now=100.0)
    r.add(_frags(bytes(300), 100)[0], now=111.0)
    assert r.stats.expired == 1


def test_real_fragmented_sedp_topics(corpus: Path) -> None:
    path = corpus / "opensplice-lab" / "s1-sp-3hosts-domain0" / "capture.pcap"
    r = SampleReassembler()
    got = []
    for dg in read_capture(path):
        for sub in parse_message(dg.payload).submessages:
            if isinstance(sub, DataFrag) and sub.writer_id in (0x2C2, 0x3C2, 0x4C2):
                sample = r.add(sub, dg.time)
                if sample is not None:
                    got.append(decode_discovery(sample, dst_port=dg.dport))
    assert r.stats.completed == len(got) > 0 and r.stats.inconsistent == 0
    assert {type(x) for x in got} <= {TopicData, EndpointData}
    assert any(isinstance(x, TopicData) and x.topic and x.type_name for x in got)

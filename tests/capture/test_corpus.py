"""Every corpus capture: the datagrams we read are the RTPS frames tshark decodes."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from ddsdoctor.capture import read_capture
from tests.tshark import TSHARK
from tests.wire.corpus import ALL_CAPTURES, CORPUS, capture_id
from tests.wire.oracle import tshark_fields

FIELDS = (
    "ip.src",
    "ip.dst",
    "ipv6.src",
    "ipv6.dst",
    "udp.srcport",
    "udp.dstport",
    "exported_pdu.ipv4_src",
    "exported_pdu.ipv4_dst",
    "exported_pdu.src_port",
    "exported_pdu.dst_port",
    "frame.len",
    "frame.time_epoch",
    "vlan.id",
)


@pytest.mark.skipif(TSHARK is None, reason="tshark is not installed (the oracle)")
@pytest.mark.parametrize("path", ALL_CAPTURES, ids=capture_id)
def test_datagrams_are_the_frames_tshark_decodes_as_rtps(path: Path) -> None:
    theirs = tshark_fields(path, FIELDS, "rtps && !icmp && !icmpv6")
    reader = read_capture(path)
    count = 0
    for dg in reader:
        row = dict(zip(FIELDS, theirs.pop(dg.frame), strict=True))
        src = (row["ip.src"] or row["ipv6.src"] or row["exported_pdu.ipv4_src"])[-1]
        dst = (row["ip.dst"] or row["ipv6.dst"] or row["exported_pdu.ipv4_dst"])[-1]
        sport = (row["udp.srcport"] or row["exported_pdu.src_port"])[-1]
        dport = (row["udp.dstport"] or row["exported_pdu.dst_port"])[-1]
        assert (dg.src, dg.dst, dg.sport, dg.dport) == (src, dst, int(sport), int(dport))
        assert abs(dg.time - float(row["frame.time_epoch"][0])) < 1e-5
        if dg.frames == 1:
            assert dg.wire_len == int(row["frame.len"][0])
        assert dg.vlan == (int(row["vlan.id"][-1]) if row["vlan.id"] else None)
        count += 1
    assert not theirs, f"RTPS frames we did not yield: {sorted(theirs)[:5]}"
    assert reader.stats.complete and reader.stats.rtps_datagrams == count


def _manifest() -> dict[str, dict[str, str]]:
    with (CORPUS / "pcap" / "MANIFEST.tsv").open() as fh:
        return {row["file"]: row for row in csv.DictReader(fh, delimiter="\t")}


@pytest.mark.parametrize(
    "path", [p for p in ALL_CAPTURES if p.parent.name == "pcap"], ids=capture_id
)
def test_counts_match_the_corpus_manifest(path: Path) -> None:
    row = _manifest()[path.name]
    reader = read_capture(path)
    datagrams = list(reader)
    stats = reader.stats
    assert stats.frames == int(row["packets"])
    assert stats.rtps_datagrams == len(datagrams) == int(row["rtps_messages"])
    if row["linktypes"] != "252":  # exported PDUs have no UDP header to count
        assert stats.udp_datagrams == int(row["udp_datagrams"])
    assert sorted(stats.link_types) == sorted(int(x) for x in row["linktypes"].split(","))
    assert stats.complete


def test_non_rtps_udp_is_counted_not_yielded(corpus: Path) -> None:
    """vehicle.pcap: mDNS and Cyclone's 1-byte wake-up datagrams next to RTPS."""
    path = corpus / "pcap" / "Elegye__rtps_decoder__data__vehicle.pcap"
    reader = read_capture(path)
    assert len(list(reader)) == 27
    assert reader.stats.non_rtps_udp == 190
    every = list(read_capture(path, rtps_only=False))
    assert len(every) == 217 and sum(1 for d in every if len(d.payload) == 1) > 0


def test_opendds_tcp_capture_yields_nothing(corpus: Path) -> None:
    reader = read_capture(corpus / "pcap" / "OpenDDS__OpenDDS__tests__dissector__messenger.pcap")
    assert list(reader) == []
    assert reader.stats.skipped_total == reader.stats.frames == 401


def test_ip_fragments_are_reassembled_like_tshark(corpus: Path) -> None:
    """The OpenSplice lab: 315 fragments -> 128 datagrams (SEDP topics, d_sampleChain)."""
    path = corpus / "opensplice-lab" / "s1-sp-3hosts-domain0" / "capture.pcap"
    reader = read_capture(path)
    big = [d for d in reader if d.frames > 1]
    stats = reader.stats
    assert len(big) == stats.reassembled == 128
    assert stats.ip_fragments == 315 and stats.frag_incomplete == 0 and stats.frag_dropped == 0
    assert sum(d.frames for d in big) == 315
    assert all(d.wire_len > len(d.payload) for d in big)

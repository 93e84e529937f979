"""Durability rule cases: timeline files that may start from a real lab capture and edit it.

A case (``tests/rules/cases/DD95x/*.jsonl``) is a ``durability.timeline`` file plus three
test-only directives, so that cases stay small and their facts stay real:

* ``{"include": "lab:s1-sp-3hosts-domain0"}``: every sample of that real capture, decoded in
  place from ``../shared/corpus/opensplice-lab`` (never copied), with times shifted so that
  the capture starts at 0 and participants (hosts, IPs) kept;
* ``{"drop": {"writer": SID, "topic": T, "from": t1, "to": t2}}``: remove matching samples;
* ``{"set": {"writer": SID, "topic": T, "from": t1, "to": t2, "fields": {...}}}``: change
  fields of matching messages (``sender_state`` changes the header state).

All keys of a filter are optional. Plain sample lines are added; an ``observation`` line
overrides the header (``end`` for instance).
"""

from __future__ import annotations

import dataclasses
import functools
import json
from pathlib import Path
from typing import Any

import pytest

from ddsdoctor.durability import timeline
from ddsdoctor.durability.messages import KeyOnly, ServiceState
from ddsdoctor.durability.observe import Observation, Observed, ParticipantInfo
from ddsdoctor.durability.pcap import observe_capture
from tests.conftest import CORPUS


@functools.cache
def _lab(name: str) -> Observation:
    pcap = CORPUS / "opensplice-lab" / name / "capture.pcap"
    if not pcap.is_file():
        pytest.skip(f"lab capture {pcap} not found")
    return observe_capture(pcap)


def _shifted(obs: Observation) -> Observation:
    t0 = obs.start or 0.0
    out = Observation(obs.source, partition=obs.partition)
    out.samples = [dataclasses.replace(s, time=s.time - t0) for s in obs.samples]
    out.participants = {
        k: dataclasses.replace(p, gone_at=None if p.gone_at is None else p.gone_at - t0)
        for k, p in obs.participants.items()
    }
    out.start, out.end = 0.0, (obs.end or t0) - t0
    return out


def _matches(s: Observed, f: dict[str, Any]) -> bool:
    if "writer" in f and s.writer[:8] != f"{int(f['writer']):08x}":
        return False
    if "topic" in f and s.topic != f["topic"]:
        return False
    return f.get("from", float("-inf")) <= s.time <= f.get("to", float("inf"))


def _edit(s: Observed, fields: dict[str, Any]) -> Observed:
    msg = s.message
    if isinstance(msg, KeyOnly):
        return s
    fields = dict(fields)
    header = msg.header
    if "sender_state" in fields:
        header = dataclasses.replace(header, sender_state=ServiceState[fields.pop("sender_state")])
    line = {
        "t": s.time,
        "writer": s.writer,
        "topic": s.topic,
        "msg": {**timeline.message_dict(dataclasses.replace(msg, header=header)), **fields},
    }
    [new] = timeline.load([json.dumps(line)]).samples
    return new


def load_case(path: Path) -> Observation:
    obs = Observation("timeline")
    plain: list[str] = []
    head: dict[str, Any] = {}
    for raw in path.read_text(encoding="utf-8").splitlines():
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        item = json.loads(raw)
        if "include" in item:
            kind, _, name = item["include"].partition(":")
            assert kind == "lab", item
            base = _shifted(_lab(name))
            obs.samples += base.samples
            obs.participants.update(base.participants)
            obs.start, obs.end, obs.source = base.start, base.end, "pcap"
        elif "drop" in item:
            obs.samples = [s for s in obs.samples if not _matches(s, item["drop"])]
        elif "set" in item:
            f = item["set"]
            obs.samples = [_edit(s, f["fields"]) if _matches(s, f) else s for s in obs.samples]
        elif "observation" in item:
            head = item["observation"]
        else:
            plain.append(raw)
    extra = timeline.load(plain)
    obs.samples = sorted(obs.samples + extra.samples, key=lambda s: s.time)
    for key in ("start", "end", "source", "partition", "capture_problem"):
        if key in head:
            setattr(obs, key, head[key])
    for prefix, p in head.get("participants", {}).items():
        obs.participants[prefix] = ParticipantInfo(prefix, **p)
    obs.undecodable += [tuple(u) for u in head.get("undecodable", [])]  # type: ignore[misc]
    if obs.samples:
        obs.start = obs.samples[0].time if obs.start is None else obs.start
        obs.end = max(obs.end or obs.samples[-1].time, obs.samples[-1].time)
    return obs

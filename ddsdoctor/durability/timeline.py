"""A JSON-lines form of an Observation: decoded messages in time order, shareable instead of a pcap.

``ddsdoctor durability --pcap X --save-timeline T.jsonl`` writes it and ``--timeline T.jsonl``
reads it back; rule cases are written in it. The first line is ``{"observation": {...}}``
(source, start, end, partition, participants, notes); every other line is one sample::

    {"t": 12.5, "writer": "2e06ebe10000007d0000000100000702", "topic": "d_nameSpaces",
     "msg": {"to": 0, "from": 772205537, "sender_state": "COMPLETE", "name": "defaultNamespace",
             "master": 772205537, "master_confirmed": true, ...}}

For hand-written cases ``writer`` may be a systemId (an OpenSplice-style durability writer
GUID is made up), message fields may be left out (header ``to`` 0, ``from`` the writer,
``sender_state`` the writer's last one; others: zero, empty, NULL or the enum's first value), and
``"every": S, "until": T`` repeats a line (heartbeats). Malformed input raises TimelineError.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import json
import math
import types
import typing
from collections.abc import Iterable
from typing import Any

from ddsdoctor.durability import messages as m
from ddsdoctor.durability.decode import TOPICS
from ddsdoctor.durability.observe import Observation, Observed, ParticipantInfo

_TYPES: dict[str, type] = {
    "d_status": m.Status,
    "d_nameSpacesRequest": m.NameSpacesRequest,
    "d_nameSpaces": m.NameSpaces,
    "d_groupsRequest": m.GroupsRequest,
    "d_newGroup": m.NewGroup,
    "d_sampleRequest": m.SampleRequest,
    "d_sampleChain": m.SampleChain,
    "d_deleteData": m.DeleteData,
    "d_capability": m.Capability,
}
_ENTITY = {name: 0x202 + 0x100 * i for i, name in enumerate(TOPICS)}  # lab order (§1)
MAX_REPEAT = 100_000


class TimelineError(ValueError):
    """A timeline file that cannot be read (exit 2)."""


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls, vars(m))


def _out(value: Any) -> Any:
    if isinstance(value, m.NetworkAddress):
        if value.local_id or value.lifecycle_id:
            return [value.system_id, value.local_id, value.lifecycle_id]
        return value.system_id
    if isinstance(value, m.CTime):
        return [value.seconds, value.nanoseconds]
    if isinstance(value, m.MergeState):
        return [value.role, value.value]
    if isinstance(value, enum.Enum):
        return value.name
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, (m.Bead, m.Link)):
        return {"kind": "BEAD" if isinstance(value, m.Bead) else "LINK", **_fields(value)}
    if isinstance(value, tuple):
        return [_out(v) for v in value]
    return value


def _fields(obj: Any) -> dict[str, Any]:
    return {f.name: _out(getattr(obj, f.name)) for f in dataclasses.fields(obj)}


def message_dict(msg: m.Message | m.KeyOnly) -> dict[str, Any]:
    """A message as JSON-ready data, the header flattened into to/from/state/ts/seq."""
    if isinstance(msg, m.KeyOnly):
        return {"key": msg.system_id}
    out = _fields(msg)
    h = msg.header
    out.pop("header")
    head = {
        "to": _out(h.addressee),
        "from": _out(h.sender),
        "sender_state": h.sender_state.name,
        "ts": [h.production_seconds, h.production_nanoseconds],
        "seq": h.sequence_number,
    }
    return {**head, **out}


def _address(v: Any) -> m.NetworkAddress:
    if isinstance(v, int):
        return m.NetworkAddress(v)
    if isinstance(v, list) and len(v) == 3 and all(isinstance(x, int) for x in v):
        return m.NetworkAddress(*v)
    raise TimelineError(f"network address must be a systemId or [id, local, lifecycle]: {v!r}")


def _value(hint: Any, v: Any, what: str) -> Any:
    """Build one field from JSON according to its type hint."""
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is m.NetworkAddress:
        return _address(v)
    if hint is m.CTime:
        if v == "infinite":
            return m.CTime(m.C_TIME_INFINITE, m.C_TIME_INFINITE)
        if isinstance(v, list) and len(v) == 2:
            return m.CTime(int(v[0]), int(v[1]))
        raise TimelineError(f'{what}: a time is [seconds, nanoseconds] or "infinite"')
    if hint is m.MergeState:
        return m.MergeState(v[0], int(v[1]))
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        try:
            return hint[v] if isinstance(v, str) else hint(v)
        except (KeyError, ValueError):
            raise TimelineError(f"{what}: {v!r} is not a {hint.__name__}") from None
    if hint is bytes:
        return bytes.fromhex(v)
    if origin is tuple:
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_value(args[0], x, what) for x in v)
        if len(v) != len(args):
            raise TimelineError(f"{what}: expected {len(args)} items, got {v!r}")
        return tuple(_value(a, x, what) for a, x in zip(args, v, strict=True))
    if origin in (typing.Union, types.UnionType):
        if v is None:
            return None
        if m.Bead in args:
            kind = v.get("kind", "LINK")
            cls = m.Bead if kind == "BEAD" else m.Link
            return _build(cls, v, what)
        return _value(next(a for a in args if a is not type(None)), v, what)
    if hint in (int, bool, str):
        if not isinstance(v, hint):
            raise TimelineError(f"{what}: {v!r} is not {hint.__name__}")
        return v
    raise TimelineError(f"{what}: unsupported field type {hint}")


def _default(hint: Any) -> Any:
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if hint is m.NetworkAddress:
        return m.NetworkAddress(0)
    if hint is m.CTime:
        return m.CTime(0, 0)
    if hint is m.MergeState:
        return m.MergeState("DefaultRole", 0)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return next(iter(hint))
    if origin is tuple:
        return ()
    if type(None) in args:
        return m.Link(0, m.Completeness.COMPLETE) if m.Link in args else None
    return {int: 0, bool: False, str: "", bytes: b""}.get(hint)


def _build(cls: type, data: dict[str, Any], what: str) -> Any:
    hints = _hints(cls)
    unknown = set(data) - set(hints) - {"kind"}
    if unknown:
        raise TimelineError(f"{what}: unknown field(s) {', '.join(sorted(unknown))}")
    kwargs = {
        name: _value(hint, data[name], f"{what}.{name}") if name in data else _default(hint)
        for name, hint in hints.items()
    }
    return cls(**kwargs)


def _message(topic: str, data: dict[str, Any], sender: int, state: str, what: str) -> Any:
    if "key" in data:
        return m.KeyOnly(int(data["key"]))
    data = dict(data)
    ts = data.pop("ts", [0, 0])
    header = m.MessageHeader(
        _address(data.pop("to", 0)),
        _address(data.pop("from", sender)),
        _value(m.ServiceState, data.pop("sender_state", state), f"{what}.sender_state"),
        int(ts[0]),
        int(ts[1]),
        int(data.pop("seq", 0)),
    )
    return _with_header(topic, data, header, what)


def _with_header(topic: str, data: dict[str, Any], header: m.MessageHeader, what: str) -> Any:
    cls = _TYPES[topic]
    hints = {k: v for k, v in _hints(cls).items() if k != "header"}
    unknown = set(data) - set(hints)
    if unknown:
        raise TimelineError(f"{what}: unknown field(s) {', '.join(sorted(unknown))}")
    kwargs = {
        name: _value(hint, data[name], f"{what}.{name}") if name in data else _default(hint)
        for name, hint in hints.items()
    }
    return cls(header=header, **kwargs)


def dump(obs: Observation) -> Iterable[str]:
    """The lines of a timeline file for ``obs``."""
    head = {
        "source": obs.source,
        "start": obs.start,
        "end": obs.end,
        "partition": obs.partition,
        "participants": {
            p.prefix: {k: v for k, v in dataclasses.asdict(p).items() if k != "prefix"}
            for p in obs.participants.values()
        },
        "notes": obs.notes,
        "capture_problem": obs.capture_problem,
    }
    yield json.dumps({"observation": head}, separators=(",", ":"))
    for s in obs.samples:
        line: dict[str, Any] = {"t": s.time, "writer": s.writer, "topic": s.topic}
        if s.frame is not None:
            line["frame"] = s.frame
        if s.status_info:
            line["status_info"] = s.status_info
        line["msg"] = message_dict(s.message)
        yield json.dumps(line, separators=(",", ":"))


def _writer(value: Any, topic: str) -> tuple[str, int | None]:
    if isinstance(value, int):
        return f"{value:08x}0000007d00000001{_ENTITY[topic]:08x}", value
    if isinstance(value, str) and len(value) == 32:
        try:
            int(value, 16)
        except ValueError:
            pass
        else:
            return value.lower(), None
    raise TimelineError(f"writer must be a systemId or a 32-hex-digit GUID: {value!r}")


def load(lines: Iterable[str], source: str = "timeline") -> Observation:
    """An Observation from timeline lines."""
    obs = Observation(source)
    states: dict[str, str] = {}
    for n, raw in enumerate(lines, 1):
        text = raw.strip()
        if not text or text.startswith("#"):
            continue
        try:
            item = json.loads(text)
        except json.JSONDecodeError as exc:
            raise TimelineError(f"line {n}: not JSON: {exc.msg}") from None
        if not isinstance(item, dict):
            raise TimelineError(f"line {n}: not a JSON object")
        try:
            if "observation" in item:
                _header(obs, item["observation"])
            else:
                _event(obs, item, states, f"line {n}")
        except (LookupError, TypeError, ValueError, AttributeError, ArithmeticError) as exc:
            if isinstance(exc, TimelineError):
                raise
            raise TimelineError(f"line {n}: {type(exc).__name__}: {exc}") from None
    obs.samples.sort(key=lambda s: s.time)
    if obs.samples:
        obs.start = obs.samples[0].time if obs.start is None else obs.start
        obs.end = obs.samples[-1].time if obs.end is None else obs.end
    return obs


def _header(obs: Observation, head: dict[str, Any]) -> None:
    obs.source = str(head.get("source", obs.source))
    obs.start, obs.end = _when(head.get("start")), _when(head.get("end"))
    obs.partition = str(head.get("partition", obs.partition))
    obs.notes = [str(x) for x in head.get("notes", [])]
    obs.capture_problem = head.get("capture_problem")
    for prefix, p in head.get("participants", {}).items():
        info = ParticipantInfo(str(prefix), **p)
        for name in ("lease_s", "gone_at"):
            setattr(info, name, _when(getattr(info, name)))
        if info.system_id is not None and not isinstance(info.system_id, int):
            raise TimelineError(f"participant {prefix}: system_id must be an integer")
        obs.participants[info.prefix] = info


def _when(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise TimelineError(f"observation start/end must be a time in seconds, not {value!r}")
    return float(value)


def _event(obs: Observation, item: dict[str, Any], states: dict[str, str], what: str) -> None:
    topic = item["topic"]
    if topic not in _TYPES:
        raise TimelineError(f"{what}: {topic!r} is not a durability protocol topic")
    writer, sid = _writer(item["writer"], topic)
    if sid is None:
        sid = int(writer[:8], 16)
    data = item.get("msg", {})
    t0 = float(item["t"])
    if not math.isfinite(t0):
        raise TimelineError(f"{what}: time {t0} is not finite")
    every, until = item.get("every"), item.get("until")
    times = [t0]
    if every is not None:
        if not float(every) > 0:
            raise TimelineError(f"{what}: 'every' must be > 0")
        count = int((float(until or t0) - t0) / float(every)) + 1
        if not 0 < count <= MAX_REPEAT:
            raise TimelineError(f"{what}: 'every' repeats {count} times")
        times = [t0 + i * float(every) for i in range(count)]
    for t in times:
        state = str(data.get("sender_state", states.get(writer, "INIT")))
        msg = _message(topic, data, sid, state, what)
        if not isinstance(msg, m.KeyOnly):
            states[writer] = msg.header.sender_state.name
        obs.samples.append(
            Observed(t, writer, topic, msg, item.get("frame"), int(item.get("status_info", 0)))
        )

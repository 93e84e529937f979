"""The FLEET.toml file: the nodes of one deployment, each with its config file and environment.

```toml
[[node]]
name = "main-daemon"
config = "ospl-shmem.xml"        # relative to the fleet file
env = { OSPL_MASTER_PRIORITY = "201", LSST_DDS_ALIGNEE = "Initial" }
role = "master"                   # optional free label; "master" marks the intended master
kind = "daemon"                   # optional: "daemon" or "single-process" (default: the config's)
count = 1                         # optional: identical processes (single-process) on the node
```

A node's ``env`` is its whole environment: the caller's environment is never inherited. Env
values may be TOML strings, integers, floats or booleans (``true`` becomes ``"true"``). Any
other key, a missing name or config, a duplicate name or a config file that does not exist is
a usage error (exit 2).
"""

from __future__ import annotations

import enum
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NODE_KEYS = frozenset({"name", "config", "env", "role", "kind", "count"})


class FleetFileError(ValueError):
    """A fleet file that cannot be used (exit 2)."""


class NodeKind(enum.Enum):
    DAEMON = "daemon"
    SINGLE_PROCESS = "single-process"


@dataclass(frozen=True, slots=True)
class NodeSpec:
    name: str
    config: Path  # resolved against the fleet file's directory
    config_text: str  # as written in the fleet file
    env: Mapping[str, str]
    role: str | None
    kind: NodeKind | None  # None: take it from the config's Domain/SingleProcess
    count: int

    @property
    def intended_master(self) -> bool:
        return (self.role or "").strip().lower() == "master"


@dataclass(frozen=True, slots=True)
class FleetSpec:
    path: Path
    nodes: tuple[NodeSpec, ...]


def _env_value(node: str, key: str, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (str, int, float)):
        return str(value)
    raise FleetFileError(f"node '{node}': env {key} must be a string, number or boolean")


def _node(item: Any, n: int, base: Path) -> NodeSpec:
    if not isinstance(item, Mapping):
        raise FleetFileError(f"[[node]] #{n} is not a table")
    unknown = sorted(set(item) - NODE_KEYS)
    label = f"node '{item.get('name')}'" if item.get("name") else f"[[node]] #{n}"
    if unknown:
        allowed = ", ".join(sorted(NODE_KEYS))
        raise FleetFileError(f"{label}: unknown key(s) {', '.join(unknown)} (allowed: {allowed})")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise FleetFileError(f"{label}: 'name' must be a non-empty string")
    config = item.get("config")
    if not isinstance(config, str) or not config.strip():
        raise FleetFileError(f"{label}: 'config' must be the path of an ospl.xml file")
    try:
        path = (base / config).resolve() if not Path(config).is_absolute() else Path(config)
        found = path.is_file()
    except (OSError, ValueError) as exc:  # a name too long, a NUL byte (TOML allows \u0000)
        raise FleetFileError(f"{label}: config path {config!r} cannot be used: {exc}") from None
    if not found:
        raise FleetFileError(f"{label}: config file {config} not found ({path})")
    env_raw = item.get("env", {})
    if not isinstance(env_raw, Mapping):
        raise FleetFileError(f"{label}: 'env' must be a table of NAME = value")
    env = {str(k): _env_value(name, str(k), v) for k, v in env_raw.items()}
    role = item.get("role")
    if role is not None and not isinstance(role, str):
        raise FleetFileError(f"{label}: 'role' must be a string")
    kind_raw = item.get("kind")
    kind = None
    if kind_raw is not None:
        try:
            kind = NodeKind(kind_raw)
        except ValueError:
            raise FleetFileError(
                f'{label}: \'kind\' must be "daemon" or "single-process", not {kind_raw!r}'
            ) from None
    count = item.get("count", 1)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise FleetFileError(f"{label}: 'count' must be a whole number >= 1")
    return NodeSpec(name.strip(), path, config, env, role, kind, count)


def parse_fleet(text: str, path: Path) -> FleetSpec:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FleetFileError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"node"})
    if unknown:
        raise FleetFileError(
            f"{path}: unknown top-level key(s) {', '.join(unknown)}; use [[node]] tables"
        )
    items = data.get("node")
    if not isinstance(items, list) or not items:
        raise FleetFileError(f"{path}: no [[node]] tables")
    nodes = tuple(_node(item, i, path.parent) for i, item in enumerate(items, 1))
    seen: set[str] = set()
    for node in nodes:
        if node.name in seen:
            raise FleetFileError(f"{path}: node name '{node.name}' is used twice")
        seen.add(node.name)
    return FleetSpec(path, nodes)


def load_fleet_file(path: Path) -> FleetSpec:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise FleetFileError(f"cannot read fleet file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise FleetFileError(f"{path}: not UTF-8 text") from None
    return parse_fleet(text, path)

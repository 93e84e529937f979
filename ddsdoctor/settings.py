"""ddsdoctor's own settings: ``.ddsdoctor.toml``, ``ddsdoctor.toml`` or ``[tool.ddsdoctor]``.

The nearest settings file above each input file applies to it (ruff's rule): in one directory
``.ddsdoctor.toml`` beats ``ddsdoctor.toml``, which beats a ``pyproject.toml`` that has a
``[tool.ddsdoctor]`` table. ``--config PATH`` (or ``DDSDOCTOR_CONFIG``) applies one file to all
inputs, ``--isolated`` ignores settings files, and command-line flags override both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ddsdoctor.findings import Severity
from ddsdoctor.selection import RuleSelection, SelectorError, validate_selectors

SETTINGS_FILES = (".ddsdoctor.toml", "ddsdoctor.toml", "pyproject.toml")
KNOWN_KEYS = frozenset(
    {
        "select",
        "extend-select",
        "ignore",
        "per-file-ignores",
        "severity",
        "fail-on",
        "exclude",
        "disable-ignore-pragma",
        "extend",
    }
)


class SettingsError(ValueError):
    """Settings that cannot be used (exit 2)."""


@dataclass(frozen=True, slots=True)
class Settings:
    source: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity = Severity.ERROR
    exclude: tuple[str, ...] = ()
    disable_ignore_pragma: bool = False
    # Built on first use and kept with its memo of decisions: one Settings serves many files.
    _selection: RuleSelection | None = field(default=None, init=False, compare=False, repr=False)

    def selection(self) -> RuleSelection:
        if self._selection is None:
            sel = RuleSelection(
                select=self.select,
                extend_select=self.extend_select,
                ignore=self.ignore,
                severity=self.severity,
                per_file_ignores=self.per_file_ignores,
            )
            object.__setattr__(self, "_selection", sel)  # frozen: a cache, not a setting
        assert self._selection is not None
        return self._selection

    def base_dir(self) -> Path:
        return self.source.parent if self.source else Path.cwd()


@dataclass(frozen=True, slots=True)
class Overrides:
    """Settings given on the command line; ``None`` means "not given"."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    severity: dict[str, Severity] = field(default_factory=dict)
    fail_on: Severity | None = None
    disable_ignore_pragma: bool | None = None

    def apply(self, s: Settings) -> Settings:
        return replace(
            s,
            select=self.select if self.select is not None else s.select,
            extend_select=s.extend_select + self.extend_select,
            ignore=s.ignore + self.ignore,
            per_file_ignores={**s.per_file_ignores, **self.per_file_ignores},
            severity={**s.severity, **self.severity},
            fail_on=self.fail_on or s.fail_on,
            disable_ignore_pragma=(
                s.disable_ignore_pragma
                if self.disable_ignore_pragma is None
                else self.disable_ignore_pragma
            ),
        )


def _strings(value: Any, key: str, source: Path) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise SettingsError(f"{source}: '{key}' must be a list of strings")


def parse_table(table: dict[str, Any], source: Path, _depth: int = 0) -> Settings:
    """Build Settings from a ``[tool.ddsdoctor]``-shaped table; unknown keys are errors."""
    unknown = sorted(set(table) - KNOWN_KEYS)
    if unknown:
        raise SettingsError(f"{source}: unknown setting(s) {', '.join(unknown)}")
    base = Settings(source=source)
    if "extend" in table:
        if _depth > 8:
            raise SettingsError(f"{source}: 'extend' chain too deep")
        if not isinstance(table["extend"], str):
            raise SettingsError(f"{source}: 'extend' must be the path of a settings file")
        parent = (source.parent / table["extend"]).resolve()
        base = replace(load_file(parent, _depth + 1), source=source)
    s = base
    if "select" in table:
        s = replace(s, select=_strings(table["select"], "select", source))
    if "extend-select" in table:
        s = replace(
            s,
            extend_select=s.extend_select
            + _strings(table["extend-select"], "extend-select", source),
        )
    if "ignore" in table:
        s = replace(s, ignore=s.ignore + _strings(table["ignore"], "ignore", source))
    if "exclude" in table:
        s = replace(s, exclude=s.exclude + _strings(table["exclude"], "exclude", source))
    if "per-file-ignores" in table:
        pfi = table["per-file-ignores"]
        if not isinstance(pfi, dict):
            raise SettingsError(f"{source}: 'per-file-ignores' must be a table of glob = [codes]")
        s = replace(
            s,
            per_file_ignores={
                **s.per_file_ignores,
                **{k: _strings(v, f"per-file-ignores.{k}", source) for k, v in pfi.items()},
            },
        )
    if "severity" in table:
        sev = table["severity"]
        if not isinstance(sev, dict):
            raise SettingsError(f"{source}: 'severity' must be a table of CODE = level")
        try:
            s = replace(
                s, severity={**s.severity, **{k: Severity.parse(str(v)) for k, v in sev.items()}}
            )
        except ValueError as exc:
            raise SettingsError(f"{source}: {exc}") from None
    if "fail-on" in table:
        try:
            s = replace(s, fail_on=Severity.parse(str(table["fail-on"])))
        except ValueError as exc:
            raise SettingsError(f"{source}: fail-on: {exc}") from None
    if "disable-ignore-pragma" in table:
        if not isinstance(table["disable-ignore-pragma"], bool):
            raise SettingsError(f"{source}: 'disable-ignore-pragma' must be true or false")
        s = replace(s, disable_ignore_pragma=table["disable-ignore-pragma"])
    try:
        validate_selectors(s.selection().all_selectors())
    except SelectorError as exc:
        raise SettingsError(f"{source}: {exc}") from None
    return s


def load_file(path: Path, _depth: int = 0) -> Settings:
    import tomllib  # here: --isolated runs and directories without settings never need it

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"cannot read settings {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise SettingsError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"{path}: invalid TOML: {exc}") from None
    if path.name == "pyproject.toml":
        table = _tool_table(data)
        if table is None:
            raise SettingsError(f"{path}: no [tool.ddsdoctor] table")
        if not isinstance(table, dict):
            raise SettingsError(f"{path}: tool.ddsdoctor must be a table")
        return parse_table(table, path, _depth)
    return parse_table(data, path, _depth)


def _tool_table(data: dict[str, Any]) -> Any:
    """``tool.ddsdoctor`` of a pyproject.toml, or None (``tool`` may be anything in TOML)."""
    tool = data.get("tool")
    return tool.get("ddsdoctor") if isinstance(tool, dict) else None


def _has_tool_table(path: Path) -> bool:
    import tomllib

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False
    return _tool_table(data) is not None


class SettingsResolver:
    """Finds and caches the settings that apply to each input file."""

    def __init__(
        self,
        overrides: Overrides | None = None,
        config: Path | None = None,
        isolated: bool = False,
    ) -> None:
        self.overrides = overrides or Overrides()
        self.isolated = isolated
        env_config = os.environ.get("DDSDOCTOR_CONFIG")
        if config is None and env_config and not isolated:
            config = Path(env_config)
        self._fixed: Settings | None = None
        if config is not None:
            self._fixed = self.overrides.apply(load_file(config))
        elif isolated:
            self._fixed = self.overrides.apply(Settings())
        self._by_dir: dict[Path, Settings] = {}
        validate_selectors(
            list(self.overrides.select or ())
            + list(self.overrides.extend_select)
            + list(self.overrides.ignore)
            + list(self.overrides.severity)
            + [c for cs in self.overrides.per_file_ignores.values() for c in cs]
        )

    def for_path(self, path: Path) -> Settings:
        if self._fixed is not None:
            return self._fixed
        directory = Path(os.path.abspath(path)).parent  # noqa: PTH100 - cheap, no syscalls
        cached = self._by_dir.get(directory)
        if cached is None:
            found = find_settings_file(directory)
            cached = self.overrides.apply(load_file(found) if found else Settings())
            self._by_dir[directory] = cached
        return cached


def find_settings_file(directory: Path) -> Path | None:
    """The nearest settings file at or above ``directory``."""
    for d in (directory, *directory.parents):
        for name in SETTINGS_FILES:
            candidate = d / name
            if candidate.is_file() and (name != "pyproject.toml" or _has_tool_table(candidate)):
                return candidate
    return None

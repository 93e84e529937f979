"""``ddsdoctor check``: find config files, load them safely, run the rules, apply settings."""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ddsdoctor.engine import filter_declared, run_rules
from ddsdoctor.findings import Finding, Severity, sort_findings
from ddsdoctor.ospl.load import ROOT_TAG, OsplDocument
from ddsdoctor.registry import Subject
from ddsdoctor.rules import input as input_codes
from ddsdoctor.settings import Settings, SettingsResolver
from ddsdoctor.suppress import apply_suppressions, parse_suppressions
from ddsdoctor.xmlsource import (
    MAX_BYTES,
    SourceLines,
    XmlDocument,
    display_path,
    load_xml,
    read_bytes,
)

if TYPE_CHECKING:
    from ddsdoctor.cache import ResultCache

SKIP_DIRS = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox"}
)


class NoInputError(ValueError):
    """No input file matched (exit 2)."""


@dataclass(frozen=True, slots=True)
class EnvSpec:
    """Where ``${VAR}`` values come from."""

    inherit: bool = True  # start from the caller's environment (False: --no-env)
    values: Mapping[str, str] = field(default_factory=dict)  # --env and --env-file

    def resolve(self) -> dict[str, str]:
        env = dict(os.environ) if self.inherit else {}
        env.update(self.values)
        return env

    @property
    def label(self) -> str:
        if self.inherit:
            return "checked with the caller's environment" + (" and --env" if self.values else "")
        return "checked with --env values only" if self.values else "checked with --no-env"


@dataclass(slots=True)
class CheckOptions:
    paths: list[Path]
    env: EnvSpec = field(default_factory=EnvSpec)
    resolver: SettingsResolver = field(default_factory=SettingsResolver)
    max_bytes: int = MAX_BYTES
    force_exclude: bool = False
    host: Any = None  # HostFacts for --host, or None
    cache: ResultCache | None = None  # findings of unchanged files (ddsdoctor/cache.py)


@dataclass(slots=True)
class CheckReport:
    findings: list[Finding]
    files: int
    suppressed: int
    documents: dict[str, SourceLines]  # for source lines in text output
    fail_on: Severity


# Root element -> analyzer. Other config kinds register here.
Analyzer = Callable[[XmlDocument, Settings, CheckOptions, Mapping[str, str]], list[Finding]]
ANALYZERS: dict[str, Analyzer] = {}


def _analyze_ospl(
    xml: XmlDocument, settings: Settings, options: CheckOptions, env: Mapping[str, str]
) -> list[Finding]:
    doc = OsplDocument(xml, env, options.env.label)
    doc.host = options.host
    return run_rules(
        Subject.OSPL,
        doc,
        settings.selection(),
        locate=doc.locate,
        enrich=doc.expansion_evidence,
        path=xml.path,
        present=xml.tags(),
    )


ANALYZERS[ROOT_TAG] = _analyze_ospl

# Recognisers for documents the exact root tag does not identify: Cyclone DDS matches its root
# case-insensitively, ignores namespaces and has bare fragments (cyclone/load.py).
Classifier = Callable[[XmlDocument], Analyzer | None]


def _classify_cyclone(xml: XmlDocument) -> Analyzer | None:
    # imported here: Cyclone's modules and XSD model load only when a file is not OpenSplice's
    from ddsdoctor.cyclone.analyze import classify

    return classify(xml)


CLASSIFIERS: list[Classifier] = [_classify_cyclone]


def analyzer_for(xml: XmlDocument) -> Analyzer | None:
    tag = xml.root.tag if isinstance(xml.root.tag, str) else ""
    found = ANALYZERS.get(tag)
    for classify in CLASSIFIERS:
        if found is not None:
            break
        found = classify(xml)
    return found


def _excluded(path: Path, patterns: Iterable[str], base: Path) -> bool:
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        rel = path.as_posix()
    return any(
        fnmatch.fnmatch(rel, p)
        or fnmatch.fnmatch(path.name, p)
        or rel.startswith(p.rstrip("/") + "/")
        for p in patterns
    )


def _is_dir(path: Path) -> bool:
    # a name too long for the OS raises here; read_bytes then reports it as unreadable (DD001)
    try:
        return path.is_dir()
    except OSError:
        return False


def collect_files(options: CheckOptions) -> list[Path]:
    """Expand directories to their ``*.xml`` files (recursively, sorted), honouring excludes."""
    files: list[Path] = []
    seen: set[str] = set()
    for given in options.paths:
        if _is_dir(given):
            for dirpath, dirnames, filenames in os.walk(given):
                dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS)
                for name in sorted(filenames):
                    if name.lower().endswith(".xml"):
                        p = Path(dirpath) / name
                        s = options.resolver.for_path(p)
                        if not (s.exclude and _excluded(p, s.exclude, s.base_dir())):
                            files.append(p)
        else:
            s = options.resolver.for_path(given)
            if options.force_exclude and s.exclude and _excluded(given, s.exclude, s.base_dir()):
                continue
            files.append(given)
    out = []
    for p in files:
        key = os.path.abspath(p)  # noqa: PTH100 - a string key, no syscalls
        if key not in seen:
            seen.add(key)
            out.append(p)
    if not out:
        raise NoInputError("no input files: the paths hold no *.xml files")
    return out


def check_file(
    path: Path,
    options: CheckOptions,
    env: Mapping[str, str],
    data: bytes | None = None,
    display: str | None = None,
) -> tuple[list[Finding], int, XmlDocument | None]:
    """Lint one file: (findings after selection and suppression, suppressed count, document).

    ``data``: the file's bytes when the caller has read them already.
    """
    settings = options.resolver.for_path(path)
    display = display or display_path(path)
    loaded = load_xml(path, display, options.max_bytes, data)
    selection = settings.selection()
    if loaded.document is None:
        return filter_declared(loaded.findings, selection), 0, None
    xml = loaded.document
    tag = xml.root.tag if isinstance(xml.root.tag, str) else ""
    analyzer = analyzer_for(xml)
    if analyzer is None:
        finding = input_codes.NOT_OPENSPLICE.finding(
            f"root element is <{tag}>, not <{ROOT_TAG}>: not an OpenSplice configuration",
            xml.locate(xml.root),
            evidence={"root": tag},
        )
        return filter_declared([finding], selection), 0, xml
    findings = analyzer(xml, settings, options, env)
    suppressed = 0
    if not settings.disable_ignore_pragma:
        pragmas, problems = parse_suppressions(xml)
        findings, suppressed, unused = apply_suppressions(findings, pragmas, xml.path)
        findings += filter_declared(problems + unused, selection)
    return findings, suppressed, xml


def check_cached(
    path: Path, options: CheckOptions, env: Mapping[str, str], cache: ResultCache
) -> tuple[list[Finding], int, SourceLines | None]:
    """``check_file`` through the result cache: unchanged inputs are not parsed again."""
    from ddsdoctor.cache import CachedSource, Entry, env_key, settings_context

    display = display_path(path)
    data = read_bytes(path, display, options.max_bytes)
    if isinstance(data, Finding):
        selection = options.resolver.for_path(path).selection()
        return filter_declared([data], selection), 0, None
    settings = options.resolver.for_path(path)
    context = settings_context(settings, options.max_bytes, options.env.label)
    key = cache.key(data, display, context, env_key(data, env))
    entry = cache.get(key)
    if entry is not None:
        return list(entry.findings), entry.suppressed, CachedSource(display, entry.lines)
    findings, suppressed, doc = check_file(path, options, env, data, display)
    lines = {}
    if doc is not None:
        for f in findings:
            line = f.location.line
            if line and f.location.path == display and line not in lines:
                lines[line] = doc.line_text(line)
    cache.put(key, Entry(findings, suppressed, lines))
    return findings, suppressed, doc


def run_check(options: CheckOptions) -> CheckReport:
    files = collect_files(options)
    env = options.env.resolve()
    findings: list[Finding] = []
    documents: dict[str, SourceLines] = {}
    suppressed = 0
    fail_on = Severity.ERROR
    # host facts are not part of the cache key: a --host run is never cached
    cache = options.cache if options.host is None else None
    for path in files:
        doc: SourceLines | None
        if cache is None:
            fs, sup, doc = check_file(path, options, env)
        else:
            fs, sup, doc = check_cached(path, options, env, cache)
        findings += fs
        suppressed += sup
        if doc is not None:
            documents[doc.path] = doc
        fail_on = min(fail_on, options.resolver.for_path(path).fail_on)
    return CheckReport(sort_findings(findings), len(files), suppressed, documents, fail_on)

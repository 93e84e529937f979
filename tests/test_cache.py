"""The result cache (ddsdoctor/cache.py): same findings, and a miss whenever an input changes."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from ddsdoctor import cache as cache_mod
from ddsdoctor.cache import CachedSource, ResultCache, env_key
from ddsdoctor.cli import main
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.report.json_ import finding_dict
from ddsdoctor.settings import Overrides, SettingsResolver
from tests.conftest import CORPUS, need_shared

BAD = (
    "<OpenSplice>\n  <Domain>\n    <Name>${NAME}</Name>\n    <Id>${DOMAIN_ID:-7}</Id>\n"
    "    <Bogus/>\n  </Domain>\n</OpenSplice>\n"
)


def _run(path: Path, cache: ResultCache | None, **kw: object) -> list[dict[str, object]]:
    options = CheckOptions(
        paths=[path],
        env=kw.pop("env", EnvSpec(inherit=False)),  # type: ignore[arg-type]
        resolver=kw.pop("resolver", SettingsResolver(isolated=True)),  # type: ignore[arg-type]
        cache=cache,
        **kw,  # type: ignore[arg-type]
    )
    return [finding_dict(f) for f in run_check(options).findings]


def test_cached_findings_equal_fresh_ones_over_the_corpus(tmp_path: Path) -> None:
    need_shared()
    for folder in ("ospl", "cyclonedds"):
        fresh = _run(CORPUS / folder, None)
        cache = ResultCache(tmp_path)
        assert _run(CORPUS / folder, cache) == fresh  # cold: computed and stored
        assert cache.hits == 0 and cache.misses > 10
        again = ResultCache(tmp_path)
        assert _run(CORPUS / folder, again) == fresh  # warm: every file from the cache
        assert again.misses == 0 and again.hits == cache.misses


def test_every_input_of_a_finding_is_part_of_the_key(tmp_path: Path) -> None:
    f = tmp_path / "a.xml"
    f.write_text(BAD)
    cache = ResultCache(tmp_path / "c")

    def hits_after(**kw: object) -> int:
        before = cache.hits
        _run(f, cache, **kw)
        return cache.hits - before

    assert hits_after() == 0 and hits_after() == 1
    # a referenced variable's value, but not an unrelated one
    assert hits_after(env=EnvSpec(False, {"NAME": "x"})) == 0
    assert hits_after(env=EnvSpec(False, {"NAME": "x", "UNRELATED": "y"})) == 1
    assert hits_after(env=EnvSpec(False, {"NAME": "x", "DOMAIN_ID": "3"})) == 0
    # the environment's label is in the messages
    assert hits_after(env=EnvSpec(False, {"NAME": "x", "DOMAIN_ID": "3"})) == 1
    assert hits_after(env=EnvSpec(True, {"NAME": "x", "DOMAIN_ID": "3"})) == 0
    # settings
    assert hits_after(resolver=SettingsResolver(Overrides(ignore=("DD201",)), isolated=True)) == 0
    assert hits_after(max_bytes=10_000) == 0
    # host facts are never cached
    assert hits_after(host=object()) == 0 and hits_after(host=object()) == 0
    # the content
    f.write_text(BAD.replace("Bogus", "Bogus2"))
    assert hits_after() == 0
    assert hits_after() == 1


def test_a_changed_tool_starts_a_new_generation(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    f = tmp_path / "a.xml"
    f.write_text(BAD)
    first = ResultCache(tmp_path / "c")
    _run(f, first)
    monkeypatch.setattr(cache_mod, "code_fingerprint", lambda: "another version")
    second = ResultCache(tmp_path / "c")
    assert second.dir != first.dir
    _run(f, second)
    assert second.hits == 0
    assert not first.dir.exists() and second.dir.is_dir()  # the old generation is removed


def test_damaged_or_unwritable_cache_is_only_a_miss(tmp_path: Path) -> None:
    f = tmp_path / "a.xml"
    f.write_text(BAD)
    fresh = _run(f, None)
    cache = ResultCache(tmp_path / "c")
    _run(f, cache)
    for entry in cache.dir.iterdir():
        entry.write_bytes(b"not a pickle")
    assert _run(f, cache) == fresh
    blocked = tmp_path / "file-not-dir"
    blocked.write_text("")
    assert _run(f, ResultCache(blocked / "cache")) == fresh


def test_pruning_needs_our_tag(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tmp_path / "shared"
    foreign = root / "v1-0123456789abcdef0123456789abcdef"
    foreign.mkdir(parents=True)
    (root / "CACHEDIR.TAG").write_text("someone else's tag\n")
    f = tmp_path / "a.xml"
    f.write_text(BAD)
    _run(f, ResultCache(root))
    assert foreign.is_dir()


def test_env_key_reads_references_off_the_bytes() -> None:
    env = {"A": "1", "B": "2", "HOME": "/root"}
    assert env_key(b"<X>plain</X>", env) == b""
    assert b"HOME" not in env_key(b"<X>${A}${B:-x}</X>", env)
    assert b"'A'" in env_key(b"<X>${A}${B:-x}</X>", env)
    # character references can spell ${...}; encodings that hide '$': the whole environment
    assert b"HOME" in env_key(b"<X>&#36;{A}</X>", env)
    assert b"HOME" in env_key("<X>${A}</X>".encode("utf-16"), env)
    declared = b'<?xml version="1.0" encoding="EBCDIC-CP-US"?><X/>'
    assert b"HOME" in env_key(declared, env)
    ebcdic = '<?xml version="1.0" encoding="EBCDIC-CP-US"?><X>${A}</X>'.encode("cp037")
    assert b"HOME" in env_key(ebcdic, env)
    assert env_key(b'<?xml version="1.0" encoding="UTF-8"?><X/>', env) == b""


def test_cli_text_output_is_the_same_from_the_cache(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DDSDOCTOR_NO_CACHE")
    monkeypatch.setenv("DDSDOCTOR_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a.xml").write_text(BAD)
    outputs = []
    for extra in ([], [], ["--no-cache"]):
        assert main(["check", "--no-env", "--isolated", *extra, "a.xml"]) == 1
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1] == outputs[2]
    assert "<Bogus/>" in outputs[1] and "^" in outputs[1]  # source line and caret from the cache
    assert len(list((tmp_path / "c").glob("v*/*"))) == 1
    assert main(["check", "--no-env", "--isolated", "-f", "json", "a.xml"]) == 1
    assert json.loads(capsys.readouterr().out)["summary"]["errors"] >= 1
    monkeypatch.setenv("DDSDOCTOR_NO_CACHE", "1")
    other = tmp_path / "other"
    assert main(["check", "--no-env", "--isolated", "--cache-dir", str(other), "a.xml"]) == 1
    assert not other.exists()


def test_cached_source_lines() -> None:
    src = CachedSource("a.xml", {3: "  <x/>"})
    assert src.line_text(3) == "  <x/>" and src.line_text(4) == ""
    assert os.fspath(Path(src.path)) == "a.xml"

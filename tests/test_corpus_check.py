"""Real configs written by others: every file gives a result, never a crash."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CORPUS, need_shared


def _check(args: list[str]) -> tuple[int, dict, str]:  # type: ignore[type-arg]
    out = subprocess.run(
        [sys.executable, "-m", "ddsdoctor", "check", "--isolated", "-f", "json", *args],
        capture_output=True,
        text=True,
        check=False,
    )
    assert "Traceback" not in out.stderr, out.stderr
    return out.returncode, json.loads(out.stdout), out.stderr


def test_every_opensplice_corpus_file_in_one_invocation() -> None:
    need_shared()
    files = sorted((CORPUS / "ospl").glob("*.xml"))
    assert len(files) >= 80
    code, doc, _ = _check(["--no-env", str(CORPUS / "ospl")])
    assert code in (0, 1)
    assert doc["summary"]["files"] == len(files)
    crashed = [f for f in doc["findings"] if f["code"] == "DD009"]
    assert not crashed, crashed
    # the one file that is not XML at all (a shell command pasted before the root)
    malformed = {Path(f["path"]).name for f in doc["findings"] if f["code"] == "DD005"}
    assert malformed == {"JeovanniSantos__New_UberCasino__ospl.xml"}


@pytest.mark.parametrize("folder", ["cyclonedds", "k8s", "qos", "pcap"])
def test_other_corpus_folders_are_not_errors(folder: str) -> None:
    need_shared()
    files = sorted(
        p for p in (CORPUS / folder).iterdir() if p.is_file() and p.name != "MANIFEST.tsv"
    )
    code, doc, _ = _check([str(p) for p in files])
    assert doc["summary"]["files"] == len(files)
    assert not [f for f in doc["findings"] if f["code"] in ("DD009", "DD005", "DD003")]
    if folder != "cyclonedds":
        assert {f["code"] for f in doc["findings"]} == {"DD007"}
        assert code == 0

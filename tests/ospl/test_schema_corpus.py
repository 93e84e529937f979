"""The schema rules over real configurations written by others (../shared/corpus/ospl)."""

from __future__ import annotations

from pathlib import Path

import pytest

from ddsdoctor.findings import Finding, Severity
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import Overrides, SettingsResolver
from tests.conftest import CORPUS

OSPL = CORPUS / "ospl"

# OpenSplice's own sample configs that do give schema errors, and why (docs/schema.md):
# a real mistake in the file, not a false positive.
KNOWN_BAD_SAMPLES = {
    # Legacy template (2010s) for the DDSI service of OpenSplice 5: <DDSIService> and the
    # command placeholder ddsi__EXE__ exist in no OpenSplice 6 release.
    "ADLINK-IST__opensplice__etc__ospl_ddsi@e72cd997.xml": {"DD201", "DD222"},
}


def _check(paths: list[Path]) -> list[Finding]:
    options = CheckOptions(
        paths=paths,
        env=EnvSpec(inherit=False),
        resolver=SettingsResolver(Overrides(select=("ALL",)), isolated=True),
    )
    return run_check(options).findings


@pytest.fixture(scope="module")
def corpus_findings() -> list[Finding]:
    if not OSPL.is_dir():
        pytest.skip(f"shared corpus not found at {OSPL}")
    return _check([OSPL])


def test_every_file_runs_without_a_rule_crash(corpus_findings: list[Finding]) -> None:
    crashes = [f"{f.location.path}: {f.message}" for f in corpus_findings if f.code == "DD009"]
    assert not crashes
    checked = {f.location.path for f in corpus_findings}
    assert len(checked) > 40  # the schema rules did look at the files


def test_opensplice_sample_configs_have_no_schema_errors(corpus_findings: list[Finding]) -> None:
    samples = sorted(p.name for p in OSPL.glob("ADLINK-IST__opensplice__etc__*.xml"))
    assert len(samples) >= 10
    errors: dict[str, set[str]] = {}
    for f in corpus_findings:
        name = Path(f.location.path or "").name
        if name in samples and f.code.startswith("DD2") and f.severity is Severity.ERROR:
            errors.setdefault(name, set()).add(f.code)
    assert errors == KNOWN_BAD_SAMPLES


def test_schema_findings_are_located(corpus_findings: list[Finding]) -> None:
    for f in corpus_findings:
        if f.code.startswith("DD2"):
            assert f.location.line and f.location.column and f.location.xpath, f


def test_rubin_configs_known_findings(corpus_findings: list[Finding]) -> None:
    """Real mistakes found in Rubin's (lsst-ts) configurations; see docs/schema.md."""
    by_file: dict[str, set[str]] = {}
    for f in corpus_findings:
        name = Path(f.location.path or "").name
        if name.startswith("lsst-ts__ts_ddsconfig") and f.code.startswith("DD2"):
            by_file.setdefault(name, set()).add(f.code)
    # an unnamed <NetworkService> without <Channels>
    assert {"DD210", "DD211"} <= by_file["lsst-ts__ts_ddsconfig__config__ospl-shmem@a29d037.xml"]
    # durability <Tracing enabled="..."> is not in OpenSplice 6.9's description
    shmem = "lsst-ts__ts_ddsconfig__python__lsst__ts__ddsconfig__data__config__ospl-shmem.xml"
    assert "DD203" in by_file[shmem]


def test_config_that_ran_on_real_opensplice_is_clean() -> None:
    """s1_ospl.xml ran OpenSplice 6.9 CE: the lab logs show the domain and services up."""
    lab = CORPUS / "opensplice-lab" / "s1-sp-3hosts-domain0" / "s1_ospl.xml"
    if not lab.is_file():
        pytest.skip(f"lab config not found at {lab}")
    assert [f for f in _check([lab]) if f.code.startswith("DD2")] == []

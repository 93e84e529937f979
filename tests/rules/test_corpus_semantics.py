"""The semantic rules over real configurations: the mistakes they find must stay found.

Every file of ../shared/corpus/ospl is checked without any environment (defaults only), and a
fleet built from Rubin's ts_ddsconfig files with the environments of Rubin's Helm charts
(../shared/corpus/k8s) is analysed. docs/semantics.md explains each finding.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ddsdoctor.findings import Finding, Severity
from ddsdoctor.fleetcheck import FleetOptions, run_fleet
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import Overrides, SettingsResolver
from tests.conftest import CORPUS, need_shared

OSPL = CORPUS / "ospl"
FAMILIES = ("DD1", "DD4", "DD5", "DD6")


@pytest.fixture(scope="module")
def findings() -> list[Finding]:
    need_shared()
    options = CheckOptions(
        paths=[OSPL],
        env=EnvSpec(inherit=False),
        resolver=SettingsResolver(Overrides(), isolated=True),
    )
    return run_check(options).findings


def found(findings: list[Finding], code: str, file_part: str) -> list[Finding]:
    return [f for f in findings if f.code == code and file_part in (f.location.path or "")]


@pytest.mark.parametrize(
    ("code", "file_part", "text"),
    [
        # OpenSplice's own durability test misspells the builtin partition
        ("DD504", "dds2341_persistency__etc__config_dds2341_node1", "__BUILT-IN PARTITON__"),
        # Rubin daemons: 504857600 is 104857600 with its first digit changed
        ("DD430", "ts_Dockerfiles__Compose__NCSA__ospl-shmem.xml", "one digit changed"),
        # OpenSplice's own no-network sample: 10485670 has two digits swapped
        ("DD430", "etc__ospl_no_network@20705949", "two digits swapped"),
        # the tech note's final config: every node a Lazy aligner with priority ${...:-1}
        ("DD405", "tstn-023__ospl-6.10.4-shmem-final.xml", "alignee=Lazy"),
        # a test branch of ts_ddsconfig: Filter content="*" makes durability terminate
        ("DD413", "ospl-shmem-debug@test_filter", "not a filter expression"),
        # "updated parameters to try and speed up discovery phase"
        ("DD420", "TucsonTestStand__ospl.xml", "InitialDiscoveryPeriod 0.1"),
        ("DD421", "TucsonTestStand__ospl.xml", "maxWaitCount 1"),
        # native networking enabled beside DDSI2 without CoexistWithNativeNetworking
        ("DD105", "NCSA__ospl-6.10.4-shmem@b67f474", "NetworkService 'networking'"),
        # ${LSST_DDS_PARTITION_PREFIX}* also matches every longer prefix
        ("DD505", "ddsconfig__data__config__ospl-shmem.xml", "LSST_DDS_PARTITION_PREFIX"),
        # multicast off and the peers written where DDSI2 does not read them
        ("DD103", "dds2734__ospl_netw_conn__mixed_full", "Discovery/Peer elements"),
        # deprecated NameSpace syntax
        ("DD409", "dds2497__ospl2497", "deprecated attributes"),
        # Rubin single-process clients wait 15 s before historical data
        ("DD424", "ddsconfig__data__config__ospl-sp.xml", "at least 15 s"),
    ],
)
def test_real_mistake_found(findings: list[Finding], code: str, file_part: str, text: str) -> None:
    hits = found(findings, code, file_part)
    assert hits, f"{code} no longer found in *{file_part}*"
    assert any(text in f.message for f in hits), [f.message for f in hits]


def test_no_errors_on_opensplice_shipped_samples(findings: list[Finding]) -> None:
    errors = [
        (f.code, f.location.path, f.message)
        for f in findings
        if "ADLINK-IST__opensplice__etc__" in (f.location.path or "")
        and f.code.startswith(FAMILIES)
        and f.severity is Severity.ERROR
    ]
    assert not errors


def test_every_file_gives_a_result_without_crash(findings: list[Finding]) -> None:
    assert not [f for f in findings if f.code == "DD009"]


def _rubin_fleet(tmp_path: Path) -> Path:
    """Rubin's ts_ddsconfig files with the env of Rubin's charts (corpus/k8s)."""
    data = "lsst-ts__ts_ddsconfig__python__lsst__ts__ddsconfig__data__config__"
    shmem = OSPL / f"{data}ospl-shmem.xml"
    sp = OSPL / f"{data}ospl-sp.xml"
    fleet = tmp_path / "fleet.toml"
    # charts/ospl-main-daemon values-test.yaml (domainId 7 -> LSST_DOMAIN_ID, templates of
    # argocd-csc ospl-main-daemon), charts/ospl-daemon values.yaml, a CSC at priority 0
    fleet.write_text(f"""
[[node]]
name = "main-daemon"
config = "{shmem}"
role = "master"
env = {{ LSST_DOMAIN_ID = "7", LSST_DOMAIN_NAME = "ospl_sp_ddsi_7", \
OSPL_MASTER_PRIORITY = "200", LSST_DDS_PARTITION_PREFIX = "test" }}

[[node]]
name = "daemon"
config = "{shmem}"
env = {{ LSST_DDS_PARTITION_PREFIX = "test" }}

[[node]]
name = "csc"
config = "{sp}"
kind = "single-process"
count = 3
env = {{ LSST_DDS_PARTITION_PREFIX = "test", OSPL_MASTER_PRIORITY = "0" }}
""")
    return fleet


def codes_for(findings: list[Finding], node: str) -> Iterator[str]:
    return (f.code for f in findings if node in (f.location.node or ""))


def test_rubin_chart_fleet(tmp_path: Path) -> None:
    need_shared()
    report = run_fleet(
        FleetOptions(_rubin_fleet(tmp_path), SettingsResolver(Overrides(), isolated=True))
    )
    main = set(codes_for(report.findings, "main-daemon"))
    # the chart sets LSST_DOMAIN_ID / LSST_DOMAIN_NAME; the files read LSST_DDS_DOMAIN_*
    assert "DD614" in main
    typo = [f for f in report.findings if f.code == "DD614" and "LSST_DOMAIN_ID" in f.message]
    assert typo and "LSST_DDS_DOMAIN_ID" in typo[0].message
    # priority 200 without LSST_DDS_ALIGNER=true: aligner defaults to false, nobody is master
    assert {"DD601", "DD611"} <= main

"""The real Cyclone DDS configurations of ../shared/corpus/cyclonedds.

Every file is recognised as a Cyclone configuration (never "not an OpenSplice configuration"),
runs without a rule crash, and gives exactly the findings that docs/cyclone.md explains.
"""

from __future__ import annotations

from pathlib import Path

from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import SettingsResolver

# file -> codes reported with the default rule selection and an empty environment
EXPECTED: dict[str, set[str]] = {
    "ApexAI__ros2_shm_demo__cyclonedds.xml": {"DD712", "DD714"},
    "Gepetto__h1-dds__cyclonedds.xml": set(),
    "MatthiasKillat__ros2_shm_vision_demo__config__cyclonedds.xml": {"DD712", "DD714"},
    "Micoo1512__cyclonedds_conf__cyclonedds.xml": {"DD762"},
    "NASA-JSC-Robotics__clr_demo_ws__config__cyclonedds.xml": {"DD760"},
    "OpenArCloud__SpatialDDS-demo__cyclonedds.xml": set(),
    "RoBorregos__home2__cyclonedds.xml": {"DD712", "DD746"},
    "RoBorregos__home2__docker__manipulation__cyclonedds_sim.xml": {"DD746", "DD760"},
    "UAlbertaFSAE__f1tenth__cyclonedds_config.xml": {"DD740"},
    "berndpfrommer__ros2_issues__cyclonedds_config.xml": {"DD740"},
    "brsbilgin__rmf-deployment-template__cyclonedds.xml": {"DD740", "DD760"},
    "civerachb-cpr__cross-distro-experiments__config__cyclonedds.xml": set(),
    "connect2brain__mtms__config__cyclonedds.xml": {"DD760"},
    "connect2brain__mtms__src__resources__cyclonedds.xml": {"DD760"},
    "eclipse-cyclonedds__cyclonedds__docs__manual___static__security_by_config.xml": set(),
    "eclipse-cyclonedds__cyclonedds__ports__zephyr__config.xml": set(),
    "eclipse-cyclonedds__cyclonedds__src__core__ddsc__tests__config_ordinary.xml": set(),
    "eclipse-cyclonedds__cyclonedds__src__core__ddsc__tests__config_psmx.xml": {"DD710", "DD731"},
    "eclipse-cyclonedds__cyclonedds__src__core__ddsc__tests__config_simple_fakeudp.xml": {"DD731"},
    "eclipse-cyclonedds__cyclonedds__src__core__ddsc__tests__config_simple_udp.xml": {"DD731"},
    "hello-robot__stretch_web_teleop__cyclonedds_config.xml": set(),
    "husarion__husarion-ugv-autonomy__config__cyclonedds.xml": {"DD702"},
    "lge-ros2__cloisim_ros__cyclonedds_config.xml": {"DD746"},
    "mcity__mcity_proxy__config__cyclonedds.xml": set(),
    "tier4__AutowareArchitectureProposal.proj__cyclonedds_config.xml": {"DD713", "DD740", "DD746"},
}


def _check(paths: list[Path], select: tuple[str, ...] = ()) -> dict[str, set[str]]:
    from ddsdoctor.settings import Overrides

    resolver = (
        SettingsResolver(Overrides(select=select), isolated=True)
        if select
        else SettingsResolver(isolated=True)
    )
    report = run_check(CheckOptions(paths=paths, env=EnvSpec(inherit=False), resolver=resolver))
    out: dict[str, set[str]] = {p.name: set() for p in paths}
    for f in report.findings:
        out.setdefault(Path(f.location.path or "").name, set()).add(f.code)
    return out


def test_corpus_files_give_the_documented_findings(corpus: Path) -> None:
    files = sorted((corpus / "cyclonedds").glob("*.xml"))
    assert {p.name for p in files} == set(EXPECTED)
    assert _check(files) == EXPECTED


def test_every_rule_runs_on_every_corpus_file(corpus: Path) -> None:
    files = sorted((corpus / "cyclonedds").glob("*.xml"))
    found = _check(files, select=("ALL",))
    for name, codes in found.items():
        assert "DD009" not in codes, f"a rule crashed on {name}"
        assert "DD007" not in codes, f"{name} not recognised as Cyclone"
        assert all(c.startswith("DD7") for c in codes), (name, codes)

"""ddsdoctor's verdict against real Cyclone DDS builds: 11.0.1 (PyPI wheel) and 0.10.2 (Debian).

Every rule case and corpus file is loaded by Cyclone itself in a fresh network namespace that
holds only ``lo`` (and its own /etc/hosts, so the peer names of the cases resolve). Where
ddsdoctor says Cyclone refuses the file, Cyclone must refuse it; where it reports nothing of
the kind, Cyclone must accept it, unless the file depends on the environment (an interface
this namespace lacks, a plugin, a kernel limit). This is what keeps the refusal claims in the
rule messages true.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ddsdoctor.findings import Finding, Severity
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import SettingsResolver
from tests.conftest import CORPUS, requires_root

pytestmark = [pytest.mark.live, pytest.mark.root, requires_root]

HERE = Path(__file__).resolve().parent
CASES = HERE.parent / "rules" / "cases"
# Rules whose message says Cyclone refuses the configuration, in both releases.
REFUSES = {
    "DD700",
    "DD701",
    "DD702",
    "DD703",
    "DD704",
    "DD705",
    "DD706",
    "DD707",
    "DD709",
    "DD714",
    "DD730",
    "DD741",
    "DD742",
    "DD743",
}
# Files whose outcome depends on the machine, not on the file alone (only when no refusal).
ENVIRONMENT = {
    "fail_interface_without_multicast.xml": "names eth0",
    "fail_minimum_10mb.xml": "net.core.rmem_max of the host",
    "fail_moved_minimum.xml": "net.core.wmem_max of the host",
    "fail_shared_memory.xml": "needs the iceoryx PSMX plugin",
    "fail_psmx.xml": "needs a PSMX plugin library",
    "fail_domain_300.xml": "11.0.1 only fails when multicast works",
    "Micoo1512__cyclonedds_conf__cyclonedds.xml": "names hnet0",
    "RoBorregos__home2__cyclonedds.xml": "names eno1, iceoryx",
    "RoBorregos__home2__docker__manipulation__cyclonedds_sim.xml": "net.core.rmem_max",
    "UAlbertaFSAE__f1tenth__cyclonedds_config.xml": "names eth1",
    "brsbilgin__rmf-deployment-template__cyclonedds.xml": "names wg0",
    "civerachb-cpr__cross-distro-experiments__config__cyclonedds.xml": "names docker0",
    "tier4__AutowareArchitectureProposal.proj__cyclonedds_config.xml": "names enp3s0",
    "eclipse-cyclonedds__cyclonedds__docs__manual___static__security_by_config.xml": "plugins",
    "eclipse-cyclonedds__cyclonedds__src__core__ddsc__tests__config_psmx.xml": "PSMX library",
    "lge-ros2__cloisim_ros__cyclonedds_config.xml": "net.core.rmem_max",
}
HOSTS = "127.0.0.1 localhost robot-1 robot-2.lab.example\n"


def _refuses(f: Finding, release: str) -> bool:
    if f.code in REFUSES:
        # settings 0.10 still reads but 11 removed
        return not (f.code == "DD714" and release == "0.10" and "0.10 reads it" in str(f.evidence))
    if f.code == "DD731":
        return f.severity is Severity.ERROR
    if f.code == "DD762":
        return release == "11"  # 0.10 drops the peer and carries on
    if f.code == "DD760":
        return release == "0.10" and f.evidence.get("refused_by") == "0.10"
    if f.code == "DD710":
        return release == "0.10" or f.evidence.get("rejected_by") == "11.0"
    return False


def _domain(path: Path) -> int:
    m = re.search(r'<Domain\s+[Ii][Dd]="(\d+)"', path.read_text(encoding="utf-8"))
    return int(m.group(1)) if m else 0


def _files() -> list[Path]:
    files = sorted(CASES.glob("DD7*/*.xml"))
    if (CORPUS / "cyclonedds").is_dir():
        files += sorted((CORPUS / "cyclonedds").glob("*.xml"))
    return files


def _run_cyclone(files: list[Path], tmp: Path) -> dict[str, dict[str, str]]:
    if shutil.which("unshare") is None:
        pytest.skip("unshare(1) is not installed")
    pytest.importorskip("cyclonedds.domain")
    jobs = tmp / "jobs.json"
    # 0.10 built with iceoryx waits for the RouDi daemon when SharedMemory is enabled
    skip = {p: ["0.10"] if p.name in ENVIRONMENT else [] for p in files}
    jobs.write_text(
        json.dumps([{"path": str(p), "domain": _domain(p), "skip": skip[p]} for p in files])
    )
    hosts = tmp / "hosts"
    hosts.write_text(HOSTS)
    script = 'mount --bind "$1" /etc/hosts && ip link set lo up && exec "$2" "$3" "$4"'
    cmd = [
        "unshare",
        "--net",
        "--mount",
        "sh",
        "-c",
        script,
        "sh",
        str(hosts),
        sys.executable,
        str(HERE / "oracle_runner.py"),
        str(jobs),
    ]
    # cwd: some files trace to a relative OutputFile (cdds.log.${CYCLONEDDS_PID})
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=240, check=True, cwd=tmp)
    result: dict[str, dict[str, str]] = json.loads(done.stdout)
    return result


def _releases() -> list[str]:
    out = ["11"]
    try:
        version = subprocess.run(
            ["dpkg-query", "-W", "-f", "${Version}", "cyclonedds-tools"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    except FileNotFoundError:
        version = ""
    if version.startswith("0.10") and shutil.which("ddsperf"):
        out.append("0.10")
    return out


def test_refusal_claims_match_real_cyclone(tmp_path: Path) -> None:
    files = _files()
    verdicts = _run_cyclone(files, tmp_path)
    resolver = SettingsResolver(isolated=True)
    wrong = []
    for path in files:
        report = run_check(
            CheckOptions(paths=[path], env=EnvSpec(inherit=False), resolver=resolver)
        )
        for release in _releases():
            got = verdicts[str(path)].get(release)
            if got is None:
                continue
            refused = got in ("rejected", "aborted")
            predicted = any(_refuses(f, release) for f in report.findings)
            if predicted and not refused:
                wrong.append(f"{path.name}: ddsdoctor says Cyclone {release} refuses it; it {got}")
            if not predicted and refused and path.name not in ENVIRONMENT:
                codes = sorted({f.code for f in report.findings})
                wrong.append(f"{path.name}: Cyclone {release} {got} it; ddsdoctor found {codes}")
    assert not wrong, "\n".join(wrong)

"""`check` stays light: the Cyclone XSD is loaded only when a Cyclone file is seen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = """
import sys
from pathlib import Path
from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.settings import SettingsResolver
from ddsdoctor.cyclone import schema

def check(path):
    run_check(CheckOptions(paths=[Path(path)], env=EnvSpec(inherit=False),
                           resolver=SettingsResolver(isolated=True)))
    return schema.load_schema.cache_info().currsize, schema.xml_schema.cache_info().currsize

print(check(sys.argv[1]), check(sys.argv[2]))
print(sorted(m for m in ("scapy", "cyclonedds", "networkx") if m in sys.modules))
"""


def test_xsd_loads_only_for_cyclone_files(tmp_path: Path) -> None:
    ospl = tmp_path / "ospl.xml"
    ospl.write_text("<OpenSplice><Domain><Name>d</Name><Id>0</Id></Domain></OpenSplice>")
    cyclone = tmp_path / "cyclonedds.xml"
    cyclone.write_text(
        "<CycloneDDS><Domain><General><DontRoute>x</DontRoute></General></Domain></CycloneDDS>"
    )
    root = Path(__file__).resolve().parents[2]
    out = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(ospl), str(cyclone)],
        capture_output=True,
        text=True,
        check=True,
        cwd=root,
    ).stdout.splitlines()
    assert out == ["(0, 0) (1, 1)", "[]"]

"""Every finding ``check`` reports over the shared corpus, as plain data for a golden file.

The speed work on the check path (docs/performance.md) must not change what is reported: the
golden file was recorded from main before that work, and the test compares every field of
every finding (code, severity, message, path, line, column, xpath, hint, evidence).

Regenerate after an intended change to a rule (new rule, new wording) and review the diff::

    /work/venv/bin/python -m tests.golden.findings --update
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ddsdoctor.lint import CheckOptions, EnvSpec, run_check
from ddsdoctor.report.json_ import finding_dict
from ddsdoctor.settings import SettingsResolver

GOLDEN = Path(__file__).with_name("corpus_findings.json")
FOLDERS = ("ospl", "cyclonedds", "k8s", "opensplice-lab")

# Values for every variable the corpus references: some valid, some that the rules reject,
# so that both the expanded-value paths and the defaults (--no-env) are covered.
FIXED_ENV: dict[str, str] = {
    "OSPL_MASTER_PRIORITY": "bogus",
    "LSST_DDS_PARTITION_PREFIX": "perf",
    "LSST_DDS_INTERFACE": "lo",
    "LSST_DDS_DOMAIN_ID": "7",
    "LSST_DDS_RESPONSIVENESS_TIMEOUT": "15s",
    "LSST_DDS_ALIGNEE": "Initial",
    "LSST_DDS_ALIGNER": "true",
    "LSST_DDS_DOMAIN_NAME": "perf_domain",
    "OSPL_RELIABLE_PORT": "7400",
    "OSPL_NWEXEC": "networking",
    "OSPL_DURABILITY_TRACE": "/tmp/durability.log",
    "OSPL_DISCOVERY_PORT": "notaport",
    "OSPL_DEXEC": "durability",
    "OSPL_BESTEFFORT_PORT": "7401",
    "LSST_DURABILITY_SERVICE_TRACING_VERBOSITY": "LOUD",
    "LSST_DDS_MERGE_POLICY": "Merge",
    "LSST_DDS_SHMEM_SIZE": "10 MiB",
    "OSPL_PSTORE": "",
    "OSPL_DOMAIN": "3",
    "LSST_DDS_REPORT_LEVEL": "DEBUG",
    "OSPL_ROLE": "perf-role",
    "OSPL_DOMAINID": "300",
}


@contextlib.contextmanager
def _cwd(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def collect(corpus: Path) -> dict[str, Any]:
    """Findings per environment, paths relative to the corpus root."""
    out: dict[str, Any] = {}
    envs = {"no-env": EnvSpec(inherit=False), "fixed-env": EnvSpec(False, FIXED_ENV)}
    with _cwd(corpus):
        paths = [Path(f) for f in FOLDERS if (corpus / f).is_dir()]
        for label, env in envs.items():
            options = CheckOptions(paths=paths, env=env, resolver=SettingsResolver(isolated=True))
            report = run_check(options)
            out[label] = {
                "files": report.files,
                "suppressed": report.suppressed,
                "findings": [finding_dict(f) for f in report.findings],
            }
    return out


def dump(data: dict[str, Any]) -> str:
    """JSON with one finding per line: small and readable as a diff."""
    lines = ["{"]
    for i, (label, run) in enumerate(sorted(data.items())):
        lines.append(f' "{label}": {{"files": {run["files"]}, "suppressed": {run["suppressed"]},')
        lines.append('  "findings": [')
        rows = [json.dumps(f, ensure_ascii=False, sort_keys=True) for f in run["findings"]]
        lines.append(",\n".join("   " + r for r in rows))
        lines.append("  ]}" + ("," if i < len(data) - 1 else ""))
    lines.append("}")
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--update", action="store_true", help="rewrite the golden file")
    parser.add_argument(
        "--corpus", type=Path, default=Path(__file__).resolve().parents[3] / "shared" / "corpus"
    )
    args = parser.parse_args()
    data = collect(args.corpus.resolve())
    text = dump(data)
    if args.update:
        GOLDEN.write_text(text, encoding="utf-8")
        print(f"wrote {GOLDEN}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())

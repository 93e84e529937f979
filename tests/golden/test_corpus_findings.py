"""What ``check`` reports over the whole corpus is exactly the recorded golden findings.

Guards the speed work on the check path (docs/performance.md): rule triggers, caches and the
faster schema walk must not add, drop or reword a finding, nor move it by a column.
"""

from __future__ import annotations

import json

from tests.conftest import CORPUS, need_shared
from tests.golden.findings import GOLDEN, collect


def test_corpus_findings_match_golden() -> None:
    need_shared()
    expected = json.loads(GOLDEN.read_text(encoding="utf-8"))
    actual = json.loads(json.dumps(collect(CORPUS.resolve())))
    for label in ("no-env", "fixed-env"):
        want, got = expected[label], actual[label]
        assert (got["files"], got["suppressed"]) == (want["files"], want["suppressed"]), label
        missing = [f for f in want["findings"] if f not in got["findings"]]
        extra = [f for f in got["findings"] if f not in want["findings"]]
        assert not missing and not extra, (label, missing[:3], extra[:3])
        assert got["findings"] == want["findings"], f"{label}: same findings, another order"

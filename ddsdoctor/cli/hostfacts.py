"""``python -m ddsdoctor.cli.hostfacts``: print this host's network facts as JSON.

The output is what ``ddsdoctor check --host-facts FILE`` reads, so the interfaces of a
deployment host (or of a network namespace: ``ip netns exec NS python -m
ddsdoctor.cli.hostfacts``) can be checked elsewhere.
"""

from __future__ import annotations

import json
import sys

from ddsdoctor.host.facts import read_host


def main() -> int:
    sys.stdout.write(json.dumps(read_host().to_dict(), indent=2) + "\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

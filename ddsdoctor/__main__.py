"""``python -m ddsdoctor``."""

from __future__ import annotations

import sys

from ddsdoctor.cli import main

sys.exit(main())

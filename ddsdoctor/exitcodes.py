"""Process exit codes shared by every command (documented in docs/exit-codes.md)."""

from __future__ import annotations

import enum


class ExitCode(enum.IntEnum):
    OK = 0  # nothing at or above --fail-on
    FINDINGS = 1  # findings at or above --fail-on (or a probe criterion failed)
    USAGE = 2  # bad options, unknown rule codes, unreadable settings, no inputs
    ENVIRONMENT = 3  # the environment cannot do the job: no privileges, no interface, no DDS

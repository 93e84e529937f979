"""A process started by the rig: real PID, logs in files, waits on printed facts, stop by PID."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
from collections.abc import Mapping, Sequence
from pathlib import Path


class RigTimeout(AssertionError):
    """A fact a test waited for (a line, a state) did not show up in time."""


class Proc:
    """One program running in a rig host.

    The launch chain execs all the way down (``ip netns exec`` → ``unshare -u`` → ``sh -c exec``),
    so ``pid`` is the program's own PID and signals reach it (test-rig.md section 1, gotchas).
    stdout and stderr go to files, not pipes, so a chatty peer can never block on a full pipe.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        name: str,
        log_dir: Path,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> None:
        self.name = name
        self.stop_signal = stop_signal
        self.argv = list(argv)
        log_dir.mkdir(parents=True, exist_ok=True)
        self.stdout_path = log_dir / f"{name}.out"
        self.stderr_path = log_dir / f"{name}.err"
        with self.stdout_path.open("wb") as out, self.stderr_path.open("wb") as err:
            # A new session keeps the terminal's Ctrl-C away from peers: teardown stops them.
            self.popen = subprocess.Popen(
                self.argv,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=err,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,
            )
        self.started = time.monotonic()

    @property
    def pid(self) -> int:
        return self.popen.pid

    @property
    def running(self) -> bool:
        return self.popen.poll() is None

    @property
    def returncode(self) -> int | None:
        return self.popen.poll()

    @property
    def stdout(self) -> str:
        return self.stdout_path.read_text(errors="replace")

    @property
    def stderr(self) -> str:
        return self.stderr_path.read_text(errors="replace")

    def lines(self) -> list[str]:
        return self.stdout.splitlines()

    def wait_for(
        self, pattern: str, timeout: float = 15.0, *, stream: str = "stdout"
    ) -> re.Match[str]:
        """Wait until a line of ``stream`` matches ``pattern`` (re.search); return the match.

        Fails fast, with both logs, when the process exits without printing it.
        """
        rx = re.compile(pattern)
        path = self.stdout_path if stream == "stdout" else self.stderr_path
        deadline = time.monotonic() + timeout
        while True:
            exited = not self.running
            for line in path.read_text(errors="replace").splitlines():
                m = rx.search(line)
                if m:
                    return m
            if exited:
                raise RigTimeout(f"{self.name} exited (rc {self.returncode}) without /{pattern}/"
                                 f"\n{self.describe()}")
            if time.monotonic() > deadline:
                raise RigTimeout(f"{self.name}: no /{pattern}/ within {timeout} s\n"
                                 f"{self.describe()}")
            time.sleep(0.05)

    def last(self, pattern: str) -> re.Match[str] | None:
        """The last stdout line matching ``pattern``, if any (for counters a peer prints)."""
        rx = re.compile(pattern)
        found = None
        for line in self.lines():
            m = rx.search(line)
            if m:
                found = m
        return found

    def wait(self, timeout: float = 15.0) -> int:
        """Wait for a normal exit and return the exit code."""
        try:
            return self.popen.wait(timeout)
        except subprocess.TimeoutExpired:
            raise RigTimeout(f"{self.name} still running after {timeout} s\n"
                             f"{self.describe()}") from None

    def send_signal(self, sig: int) -> None:
        if self.running:
            os.kill(self.pid, sig)

    def pause(self) -> None:
        """SIGSTOP: the process hangs with its sockets open (a writer that stops answering)."""
        self.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        self.send_signal(signal.SIGCONT)

    def stop(self, grace: float = 3.0, sig: int | None = None) -> int | None:
        """Stop by PID: ``sig`` (default ``stop_signal``), then SIGKILL after ``grace`` seconds."""
        sig = self.stop_signal if sig is None else sig
        if self.running:
            os.kill(self.pid, signal.SIGCONT)  # a paused process cannot handle SIGTERM
            os.kill(self.pid, sig)
            try:
                self.popen.wait(grace)
            except subprocess.TimeoutExpired:
                os.kill(self.pid, signal.SIGKILL)
                self.popen.wait(5)
        return self.popen.returncode

    def describe(self, tail: int = 15) -> str:
        def _tail(text: str) -> str:
            return "\n".join("    " + ln for ln in text.splitlines()[-tail:])

        return (f"  argv: {' '.join(self.argv)}\n  stdout:\n{_tail(self.stdout)}\n"
                f"  stderr:\n{_tail(self.stderr)}")

    def __repr__(self) -> str:
        state = "running" if self.running else f"rc={self.returncode}"
        return f"<Proc {self.name} pid={self.pid} {state}>"

"""The multi-host rig: host namespaces joined by a bridge that lives in its own namespace."""

from __future__ import annotations

import atexit
import contextlib
import itertools
import logging
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Any

from tests.rig import faults
from tests.rig.addressing import choose_subnets
from tests.rig.capture import Capture
from tests.rig.netns import (
    RIG_NAME,
    RigError,
    delete_netns,
    forget_owner,
    list_netns,
    ns_run,
    pidns_tag,
    reap_stale,
    record_owner,
    rig_lock,
    run,
)
from tests.rig.proc import Proc

log = logging.getLogger(__name__)

_COUNTER = itertools.count(1)
_LIVE: list[Rig] = []

# What every host process must not inherit: a developer's own Cyclone config (often lo-only,
# which would silently confine peers inside the namespace to their loopback).
_STRIPPED_ENV = ("CYCLONEDDS_URI", "OSPL_URI", "FASTRTPS_DEFAULT_PROFILES_FILE")


@dataclass(eq=False)
class Host:
    """One rig host: namespace, hostname, addresses (``ip`` on eth0, ``ip1`` on eth1)."""

    rig: Rig
    index: int
    name: str
    ns: str
    ip: str
    ip1: str | None = None
    port: str = ""  # its bridge port in the bridge namespace (vhI)
    port1: str | None = None

    def spawn(
        self,
        argv: Sequence[str],
        *,
        name: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> Proc:
        """Start ``argv`` on this host with its own hostname; see ``Rig.spawn``."""
        return self.rig.spawn(self, argv, name=name, env=env, cwd=cwd, stop_signal=stop_signal)

    def python(self, script: Path | str, *args: str, name: str | None = None,
               env: Mapping[str, str] | None = None) -> Proc:
        """Run a Python script on this host with the test process's own interpreter."""
        return self.spawn([sys.executable, str(script), *args], name=name, env=env)

    def exec(self, argv: Sequence[str], check: bool = True) -> str:
        """Run a short command in the host namespace and return its stdout."""
        return ns_run(self.ns, argv, check=check).stdout

    # faults (test-rig.md section 6) -------------------------------------------------------
    def cut(self, net: int = 0) -> None:
        """Take this host's bridge port down: it is unreachable, but its processes keep running."""
        run(["ip", "-n", self.rig.bridge_ns, "link", "set", self._port(net), "down"])

    def heal(self, net: int = 0) -> None:
        run(["ip", "-n", self.rig.bridge_ns, "link", "set", self._port(net), "up"])

    def drop_udp(self) -> None:
        faults.drop_udp(self.ns)

    def drop_big(self, size: int = 900) -> None:
        faults.drop_big(self.ns, size)

    def random_loss(self, percent: int) -> None:
        faults.random_loss(self.ns, percent)

    def rate_limit(self, rate: str = "8mbit", burst: str = "32kb", latency: str = "500ms",
                   dev: str = "eth0") -> None:
        faults.rate_limit(self.ns, dev, rate, burst, latency)

    def clear_faults(self) -> None:
        """Remove nft rules and tbf qdiscs and bring bridge ports back up."""
        faults.nft_clear(self.ns)
        faults.clear_rate_limit(self.ns, "eth0")
        self.heal(0)
        if self.port1:
            faults.clear_rate_limit(self.ns, "eth1")
            self.heal(1)

    def _port(self, net: int) -> str:
        port = self.port if net == 0 else self.port1
        if not port:
            raise RigError(f"{self.name} has no interface on net{net}")
        return port


@dataclass(eq=False)
class Rig:
    """N hosts (namespaces ``PREFIX-hI``) on bridge ``br0`` in namespace ``PREFIX-br``.

    Each host has ``eth0`` = SUBNET.(10+I)/24 with routes for 224.0.0.0/4 and default, so
    multicast discovery works and nothing can leave: the bridge has no uplink and no veth end
    is ever in the root namespace (both ends are created in their namespaces). With
    ``second_net`` each host also gets ``eth1`` on ``br1`` (another subnet), for two-interface
    hosts. Use as a context manager, or call ``up()``/``down()``; ``down()`` runs at exit and on
    SIGTERM too.
    """

    hosts_wanted: int | Sequence[str] = 3
    second_net: bool = False
    subnet: str | None = None  # "10.77.0" to pin the addresses (sample captures)
    subnet1: str | None = None
    workdir: Path | None = None
    hosts: list[Host] = field(default_factory=list, init=False)
    procs: list[Proc] = field(default_factory=list, init=False)
    captures: list[Capture] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self.prefix = f"ddr-{pidns_tag()}-{os.getpid()}-{next(_COUNTER)}"
        self.bridge_ns = f"{self.prefix}-br"
        self._own_workdir = self.workdir is None
        self.logdir = Path(self.workdir or tempfile.mkdtemp(prefix="ddrig-")) / "logs"
        self._up = False

    # lifecycle ----------------------------------------------------------------------------
    def up(self) -> Rig:
        wanted = self.hosts_wanted
        names = [f"h{i}" for i in range(1, wanted + 1)] if isinstance(wanted, int) else list(wanted)
        with rig_lock():
            reap_stale()
            self.subnet, self.subnet1 = choose_subnets(self.subnet, self.subnet1, self.second_net)
            record_owner(self.prefix)
            _register(self)
            self._up = True
            try:
                self._build(names)
            except BaseException:
                self.down()
                raise
        log.info("rig %s up: %s", self.prefix, ", ".join(f"{h.name}={h.ip}" for h in self.hosts))
        return self

    def _build(self, names: list[str]) -> None:
        br = self.bridge_ns
        self._new_ns(br)
        bridges = ["br0", "br1"] if self.second_net else ["br0"]
        batch = [f"link add {b} type bridge mcast_snooping 0 stp_state 0 forward_delay 0"
                 for b in bridges] + [f"link set {b} up" for b in bridges]
        _batch(br, batch)
        for i, name in enumerate(names, start=1):
            ns = f"{self.prefix}-h{i}"
            host = Host(self, i, name, ns, f"{self.subnet}.{10 + i}", port=f"vh{i}")
            self._new_ns(ns)
            self.hosts.append(host)
            # Both veth ends are born in their namespaces: nothing ever shows in the root netns.
            run(["ip", "-n", br, "link", "add", host.port, "type", "veth",
                 "peer", "name", "eth0", "netns", ns])
            cmds = [f"addr add {host.ip}/24 dev eth0", "link set eth0 up",
                    "route add 224.0.0.0/4 dev eth0", "route add default dev eth0"]
            ports = [f"link set {host.port} master br0 up"]
            if self.second_net:
                host.ip1, host.port1 = f"{self.subnet1}.{10 + i}", f"wh{i}"
                run(["ip", "-n", br, "link", "add", host.port1, "type", "veth",
                     "peer", "name", "eth1", "netns", ns])
                cmds += [f"addr add {host.ip1}/24 dev eth1", "link set eth1 up"]
                ports.append(f"link set {host.port1} master br1 up")
            _batch(ns, cmds)
            _batch(br, ports)

    def _new_ns(self, ns: str) -> None:
        run(["ip", "netns", "add", ns])
        # IPv6 off before any interface exists: no MLD/RS noise in captures.
        ns_run(ns, ["sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=1",
                    "net.ipv6.conf.default.disable_ipv6=1"])
        _batch(ns, ["link set lo up"])

    def down(self) -> None:
        """Stop captures and processes by PID, then delete every namespace of this rig."""
        if not self._up:
            return
        self._up = False
        for cap in self.captures:
            with contextlib.suppress(Exception):
                cap.stop()
        for proc in reversed(self.procs):
            with contextlib.suppress(Exception):
                proc.stop(grace=2.0)
        for ns in [h.ns for h in self.hosts] + [self.bridge_ns]:
            delete_netns(ns)
        # Also catch a namespace created just before a failure, before it reached self.hosts.
        for ns in list_netns():
            if ns.startswith(self.prefix + "-") and RIG_NAME.match(ns):
                delete_netns(ns)
        forget_owner(self.prefix)
        with contextlib.suppress(ValueError):
            _LIVE.remove(self)
        if self._own_workdir and not os.environ.get("DDSDOCTOR_RIG_KEEP"):
            shutil.rmtree(self.logdir.parent, ignore_errors=True)

    def __enter__(self) -> Rig:
        return self.up()

    def __exit__(self, et: type[BaseException] | None, ev: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.down()

    # use ------------------------------------------------------------------------------------
    def host(self, name: str) -> Host:
        for h in self.hosts:
            if h.name == name:
                return h
        raise KeyError(f"no host {name!r} in rig (have {[h.name for h in self.hosts]})")

    def __getitem__(self, name: str) -> Host:
        return self.host(name)

    def spawn(
        self,
        host: Host,
        argv: Sequence[str],
        *,
        name: str | None = None,
        env: Mapping[str, str] | None = None,
        cwd: Path | None = None,
        stop_signal: int = signal.SIGTERM,
    ) -> Proc:
        """Start ``argv`` in ``host`` under its own UTS namespace (hostname = ``host.name``).

        exec all the way down (ip netns exec → unshare -u → sh -c 'exec'): the Proc's PID is the
        program's, so stopping by PID reaches the program itself.
        """
        if not self._up:
            raise RigError("rig is not up")
        full_env = {k: v for k, v in os.environ.items() if k not in _STRIPPED_ENV}
        full_env["PYTHONUNBUFFERED"] = "1"
        full_env.update(env or {})
        wrapped = ["ip", "netns", "exec", host.ns, "unshare", "-u", "sh", "-c",
                   'echo "$0" > /proc/sys/kernel/hostname && exec "$@"', host.name, *argv]
        label = name or f"{host.name}-{Path(argv[0]).name}-{len(self.procs)}"
        proc = Proc(wrapped, name=label, log_dir=self.logdir, env=full_env, cwd=cwd,
                    stop_signal=stop_signal)
        self.procs.append(proc)
        return proc

    def capture(self, path: Path | str, *, bpf: str = "udp", bridge: str = "br0",
                immediate: bool = True) -> Capture:
        """Start tcpdump on ``bridge`` (every frame crossing it, once); returns once capturing.

        ``immediate=False`` lets tcpdump batch (for high rates) at the price of losing up to
        the last second of packets at stop.
        """
        cap = Capture.start(self.bridge_ns, bridge, Path(path), bpf=bpf, log_dir=self.logdir,
                            name=f"tcpdump-{bridge}-{len(self.captures)}", immediate=immediate)
        self.captures.append(cap)
        return cap

    def __repr__(self) -> str:
        return f"<Rig {self.prefix} {[h.name for h in self.hosts]} subnet={self.subnet}>"


def _batch(ns: str, commands: Sequence[str]) -> None:
    run(["ip", "-n", ns, "-batch", "-"], input_text="\n".join(commands) + "\n")


def _register(rig: Rig) -> None:
    _install_handlers()
    _LIVE.append(rig)


def down_all() -> None:
    """Tear down every rig of this process (atexit, SIGTERM)."""
    for rig in list(_LIVE):
        with contextlib.suppress(Exception):
            rig.down()


_HANDLERS: list[str] = []


def _install_handlers() -> None:
    if _HANDLERS:
        return
    _HANDLERS.append("atexit")
    atexit.register(down_all)
    with contextlib.suppress(ValueError):  # not the main thread: atexit only
        if signal.getsignal(signal.SIGTERM) in (signal.SIG_DFL, None):
            signal.signal(signal.SIGTERM, _on_sigterm)


def _on_sigterm(signum: int, frame: FrameType | None) -> Any:
    down_all()
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)

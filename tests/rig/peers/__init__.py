"""Start real DDS peers on rig hosts: Cyclone (pip), Fast DDS (Debian example), Dust (pip), ddsperf.

Each launcher returns a started ``Proc``. Cyclone and Dust scripts print one fact per line
(``READY``, ``MATCHED n``, ``SENT 1``, ``DONE n``, ``RECV n``, ``COMPLETE n``,
``INCOMPATIBLE policy=P total=T``) so tests wait on facts: ``proc.wait_for(r"^MATCHED 1")``.
"""

from __future__ import annotations

import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tests.rig.vendors import ddsperf as _ddsperf_bin
from tests.rig.vendors import dust_python, fastdds_example

if TYPE_CHECKING:  # importing the rig here would be circular (netns imports _netcheck)
    from tests.rig.proc import Proc
    from tests.rig.rig import Host

PEERS = Path(__file__).resolve().parent

# Lines the peers print once their writer/reader exists.
READY = r"^READY"
FASTDDS_READY = r"Participant created with Data(Writer|Reader) Guid"


def _flags(opts: dict[str, Any]) -> list[str]:
    """``partitions=["a","b"], tl_depth=5, best_effort=True`` -> ``--partition a --partition b
    --tl-depth 5 --best-effort``; None and False are left out."""
    out: list[str] = []
    for k, v in opts.items():
        flag = "--" + ("partition" if k == "partitions" else k.replace("_", "-"))
        if v is None or v is False:
            continue
        if v is True:
            out.append(flag)
        elif isinstance(v, list | tuple):
            for item in v:
                out += [flag, str(item)]
        else:
            out += [flag, str(v)]
    return out


def cyclone_pub(host: Host, topic: str = "rig_topic", *, name: str | None = None,
                wait_ready: bool = True, **opts: Any) -> Proc:
    """Cyclone publisher; options are cyclone_pub.py's flags as keywords (``count=0``,
    ``rate=10``, ``keys=4``, ``payload=1000``, ``partitions=[...]``,
    ``durability="transient_local"``, ``tl_depth=5``, ``reliability="best_effort"``,
    ``deadline=0.5``, ``liveliness="topic"``, ``ownership="exclusive"``, ``strength=3``,
    ``linger=-1``, ``domain=7``, ``wait_match=1``, ``user_data="..."``)."""
    proc = host.python(PEERS / "cyclone_pub.py", "--topic", topic, *_flags(opts),
                       name=name or f"{host.name}-pub-{topic}")
    if wait_ready:
        proc.wait_for(READY)
    return proc


def cyclone_sub(host: Host, topic: str = "rig_topic", *, name: str | None = None,
                wait_ready: bool = True, **opts: Any) -> Proc:
    """Cyclone subscriber; keywords as cyclone_sub.py's flags (``expect=N``, ``duration=S``,
    plus the QoS options of cyclone_pub)."""
    proc = host.python(PEERS / "cyclone_sub.py", "--topic", topic, *_flags(opts),
                       name=name or f"{host.name}-sub-{topic}")
    if wait_ready:
        proc.wait_for(READY)
    return proc


def fastdds(host: Host, role: str = "publisher", topic: str = "fastTopic", *,
            partitions: Sequence[str] = (), reliable: bool = True, transient_local: bool = False,
            interval_ms: int = 100, samples: int = 0, domain: int = 0, wait: int = 0,
            name: str | None = None, wait_ready: bool = True) -> Proc:
    """Fast DDS AdvancedConfigurationExample as ``publisher`` or ``subscriber``.

    Type on the wire: ``HelloWorld {uint32 index; char message[20]}`` (cyclone ``--type hello``).
    UDP transport only: Fast DDS's default shared-memory transport would bypass the network
    between namespaces, since they share /dev/shm. Raises PeerUnavailable when it cannot build.
    """
    argv = [str(fastdds_example()), role, "-t", topic, "-d", str(domain), "--transport=udp"]
    if reliable:
        argv.append("-r")
    if transient_local:
        argv.append("--transient")
    if partitions:
        argv += ["-p", ";".join(partitions)]
    argv += ["-s", str(samples)]
    if role == "publisher":
        argv += ["-i", str(interval_ms), "-w", str(wait)]
    # The example stops cleanly (and says goodbye on the wire) on SIGINT.
    proc = host.spawn(argv, name=name or f"{host.name}-fastdds-{role}", stop_signal=signal.SIGINT)
    if wait_ready:
        proc.wait_for(FASTDDS_READY)
    return proc


def dust_pub(host: Host, topic: str = "dust_topic", *, name: str | None = None,
             wait_ready: bool = True, **opts: Any) -> Proc:
    """Dust DDS publisher (type ``DustReading``); keywords as dust_pub.py's flags
    (``partitions``, ``transient_local``, ``best_effort``, ``count``, ``rate``, ``keys``,
    ``linger``, ``domain``). Raises PeerUnavailable when the venv cannot be prepared."""
    argv = [str(dust_python()), str(PEERS / "dust_pub.py"), "--topic", topic, *_flags(opts)]
    proc = host.spawn(argv, name=name or f"{host.name}-dust-{topic}")
    if wait_ready:
        proc.wait_for(READY)
    return proc


def ddsperf(host: Host, *mode: str, domain: int = 0, duration: float | None = None,
            options: Sequence[str] = (), name: str | None = None) -> Proc:
    """Debian's ddsperf, e.g. ``ddsperf(h1, "pub", "1kHz", "size", "1k")`` or ``"pong"``."""
    argv = [str(_ddsperf_bin()), "-i", str(domain), *options]
    if duration is not None:
        argv += ["-D", str(duration)]
    return host.spawn([*argv, *mode], name=name or f"{host.name}-ddsperf-{'-'.join(mode)}")


def python_peer(host: Host, script: Path | str, *args: str, name: str | None = None) -> Proc:
    """Any Python peer script with the test process's interpreter (``sys.executable``)."""
    return host.spawn([sys.executable, str(script), *args], name=name)

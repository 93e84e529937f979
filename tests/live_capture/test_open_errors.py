"""Opening a live capture fails with a kind and a message that says what to do."""

from __future__ import annotations

import os
import socket
import subprocess
import sys

import pytest

from ddsdoctor.capture.afpacket import ErrorKind, LiveCaptureError, interfaces
from ddsdoctor.capture.bpf import SNAPLEN, compile_bpf, widen_snaplen
from ddsdoctor.capture.live import LiveOptions, LiveSource
from tests.conftest import ROOT


def test_unknown_interface_lists_the_available_ones() -> None:
    with pytest.raises(LiveCaptureError) as info:
        LiveSource(LiveOptions(iface="nosuch0"))
    assert info.value.kind is ErrorKind.NO_INTERFACE
    names = [name for _i, name in socket.if_nameindex()]
    assert set(info.value.interfaces) == {"any", *names}
    assert "lo" in str(info.value) and "any" in str(info.value)
    assert interfaces()[0] == "any"


def test_bad_filter_is_a_filter_error() -> None:
    with pytest.raises(LiveCaptureError) as info:
        LiveSource(LiveOptions(iface="lo", bpf="udp port"))
    assert info.value.kind is ErrorKind.FILTER
    assert "syntax error" in str(info.value)


def test_link_layer_filter_refused_on_cooked_any() -> None:
    with pytest.raises(LiveCaptureError) as info:
        compile_bpf("ether host 02:00:00:00:00:01", cooked=True)
    assert info.value.kind is ErrorKind.FILTER


def test_filter_keeps_whole_frames() -> None:
    import struct

    prog = compile_bpf("udp", cooked=False)
    rets = [struct.unpack_from("=HBBI", prog, i) for i in range(0, len(prog), 8)]
    assert {k for code, _jt, _jf, k in rets if code == 6} == {0, SNAPLEN}
    assert widen_snaplen(bytearray(struct.pack("=HBBI", 6, 0, 0, 0xFFFF)))[4:] == struct.pack(
        "=I", SNAPLEN
    )


def test_filter_without_scapy_says_how_to_install() -> None:
    code = (
        "import sys; sys.modules['scapy'] = None\n"
        "from ddsdoctor.capture.live import LiveOptions, LiveSource\n"
        "from ddsdoctor.capture.afpacket import LiveCaptureError\n"
        "try:\n    LiveSource(LiveOptions(iface='lo', bpf='udp'))\n"
        "except LiveCaptureError as e:\n    print(e.kind.value, e)\n"
    )
    res = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert res.stdout.startswith("environment ")
    assert "pip install 'ddsdoctor[capture]'" in res.stdout


@pytest.mark.root
def test_unprivileged_open_is_a_privilege_error() -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to switch to an unprivileged user")
    code = (
        "from ddsdoctor.capture.live import LiveOptions, LiveSource\n"
        "from ddsdoctor.capture.afpacket import LiveCaptureError\n"
        "try:\n    LiveSource(LiveOptions(iface='lo'))\n"
        "except LiveCaptureError as e:\n    print(e.kind.value, e)\n"
    )
    res = subprocess.run(
        ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-c",
         code],
        capture_output=True, text=True, cwd=ROOT, check=True,
    )  # fmt: skip
    assert res.stdout.startswith("privilege "), res.stdout + res.stderr
    assert "CAP_NET_RAW" in res.stdout and "setcap cap_net_raw,cap_net_admin=eip" in res.stdout

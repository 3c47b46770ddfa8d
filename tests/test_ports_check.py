"""The ``ports`` built-in with real sockets bound to 127.0.0.1, 0.0.0.0, ::1, a
non-loopback address of this machine, and UDP."""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Iterator

import psutil
import pytest

from pai_runtime.errors import PortConflictError, Skip
from pai_runtime.initplugins import ports
from tests.rigs.barrier_fixtures import make_ctx

pytestmark = pytest.mark.timeout(60)


@pytest.fixture(scope="module")
def non_loopback_ip() -> Iterator[str]:
    """An IPv4 address of this machine that is not loopback; a dummy interface when the
    machine has none (needs root and iproute2, listed in packages.d/barrier.txt)."""
    for name, addrs in psutil.net_if_addrs().items():
        stats = psutil.net_if_stats().get(name)
        for a in addrs:
            if a.family == socket.AF_INET and not a.address.startswith("127.") and stats and stats.isup:
                yield a.address
                return
    subprocess.run(["ip", "link", "add", "paitest0", "type", "dummy"], check=True)
    try:
        subprocess.run(["ip", "addr", "add", "198.51.100.7/32", "dev", "paitest0"], check=True)
        subprocess.run(["ip", "link", "set", "paitest0", "up"], check=True)
        yield "198.51.100.7"
    finally:
        subprocess.run(["ip", "link", "del", "paitest0"], check=False)


def listener(addr: str, family: int = socket.AF_INET, kind: int = socket.SOCK_STREAM) -> socket.socket:
    s = socket.socket(family, kind)
    s.bind((addr, 0))
    if kind == socket.SOCK_STREAM:
        s.listen()
    return s


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("addr", ["127.0.0.1", "0.0.0.0", "nonloopback"])
def test_tcp_listener_on_any_address_is_a_conflict(addr, non_loopback_ip, tmp_path):
    ip = non_loopback_ip if addr == "nonloopback" else addr
    s = listener(ip)
    port = s.getsockname()[1]
    try:
        ctx = make_ctx(tmp_path, {})
        ctx.current_ports = {"http": [port], "ssh": [free_port()]}
        with pytest.raises(PortConflictError) as ei:
            ports.run(ctx, {})
    finally:
        s.close()
    assert ei.value.code == 253
    assert f"port {port} (http) is already in use: tcp {ip}:{port} by pid {os.getpid()} (" in ei.value.message
    if addr == "nonloopback":
        # what OpenPAI's connect("localhost", port) check missed
        with socket.socket() as probe:
            assert probe.connect_ex(("127.0.0.1", port)) != 0


def test_ipv6_and_udp_sockets_are_conflicts(tmp_path):
    t6 = listener("::1", socket.AF_INET6)
    u4 = listener("127.0.0.1", kind=socket.SOCK_DGRAM)
    p6, pu = t6.getsockname()[1], u4.getsockname()[1]
    try:
        problems = ports.check({"a": [p6], "b": [pu]})
    finally:
        t6.close()
        u4.close()
    assert problems == [f"port {p}{' (a)' if p == p6 else ' (b)'} is already in use: "
                        f"{'tcp6 [::1]' if p == p6 else 'udp 127.0.0.1'}:{p} by pid {os.getpid()} "
                        f"({' '.join(psutil.Process().cmdline())[:80]})" for p in sorted([p6, pu])]


def test_connected_client_sockets_are_not_conflicts(tmp_path):
    server = listener("127.0.0.1")
    client = socket.create_connection(server.getsockname())
    local_port = client.getsockname()[1]
    try:
        assert ports.check({"x": [local_port]}) == []
    finally:
        client.close()
        server.close()


def test_duplicates_in_the_schedule(tmp_path):
    p = free_port()
    ctx = make_ctx(tmp_path, {})
    ctx.runtime_env["PAI_CONTAINER_HOST_PORT_LIST"] = f"http:{p};ssh:{p + 0};"
    with pytest.raises(PortConflictError, match=f"port {p} is scheduled twice \\(http and ssh\\)"):
        ports.run(ctx, {})


def test_free_ports_pass_and_no_ports_skip(tmp_path):
    a, b = free_port(), free_port()
    ctx = make_ctx(tmp_path, {})
    ctx.runtime_env["PAI_CONTAINER_HOST_PORT_LIST"] = f"http:{a};tcp:{b};"
    assert ports.run(ctx, {}) == f"2 port(s) free: http {a}, tcp {b}"
    with pytest.raises(Skip, match="no scheduled ports"):
        ports.run(make_ctx(tmp_path / "b", {}), {})
    assert ports.run(make_ctx(tmp_path / "c", {}), {"ports": {"x": [a]}}) == f"1 port(s) free: x {a}"


def test_parse_port_list():
    assert ports.parse_port_list("http:1,2;ssh:3;") == {"http": [1, 2], "ssh": [3]}
    assert ports.parse_port_list("") == {}


def test_the_kernel_tables_agree_with_psutil_on_real_sockets():
    tcp = listener("127.0.0.1")
    udp = listener("::", socket.AF_INET6, socket.SOCK_DGRAM)
    client = socket.create_connection(("127.0.0.1", tcp.getsockname()[1]))
    try:
        held = {tcp.getsockname()[1], udp.getsockname()[1]}
        free = {client.getsockname()[1]}  # a connected client socket holds no port
        assert ports.ports_in_use(held | free) == held
        assert set(ports.bound_sockets(held | free)) == held
        # tables that cannot be read: psutil decides alone
        assert ports.ports_in_use(held, ("/nonexistent/tcp",)) is None
    finally:
        client.close()
        tcp.close()
        udp.close()


def test_sock_diag_answers_what_the_proc_tables_say():
    """The LISTEN sockets netlink's sock_diag reports are exactly those of /proc/net/tcp{,6}
    (issue 19: reading those tables walks the kernel's whole socket hash)."""
    tcp = listener("127.0.0.1")
    tcp6 = listener("::", socket.AF_INET6)
    client = socket.create_connection(("127.0.0.1", tcp.getsockname()[1]))
    bound = socket.socket()
    bound.bind(("127.0.0.1", 0))  # bound, not listening: not a TCP conflict in either source
    try:
        wanted = {tcp.getsockname()[1], tcp6.getsockname()[1], client.getsockname()[1], bound.getsockname()[1]}
        netlink = ports.tcp_listening_ports()
        assert netlink is not None, "this kernel answers sock_diag"
        assert netlink & wanted == {tcp.getsockname()[1], tcp6.getsockname()[1]}
        assert netlink == ports.ports_in_use(set(range(1, 65536)), ports.PROC_NET[:2])
        # the same tables by another name: the /proc path alone
        by_proc = tuple(t.replace("/proc/net/", "/proc/self/net/") for t in ports.PROC_NET)
        assert ports.ports_in_use(wanted) == ports.ports_in_use(wanted, by_proc) == netlink & wanted
    finally:
        for s in (client, tcp, tcp6, bound):
            s.close()

"""Built-in ``ports``: the current container's scheduled ports must be free.

Why the socket table and not a connect(): OpenPAI's ``port.py`` connected to
``localhost:PORT``, which misses a socket bound to a specific address (a server on the
node's own IP, or ``127.0.0.2``) and UDP entirely. With hostNetwork the job shares the
node's ports, so a port already bound anywhere means the user's server fails later with
an obscure EADDRINUSE; here it is 253 at init, naming the port and, where this container
may see it, the owning process.

Ports come from the ``framework`` plugin (``ctx.current_ports``) or from
``PAI_CONTAINER_HOST_PORT_LIST`` ("http:1,2;ssh:3;"), or ``parameters.ports``.
"""

from __future__ import annotations

from pai_runtime.errors import PortConflictError, Skip

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.init.context import InitContext

PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "ports": {"type": "object", "description": "port name -> port numbers (overrides the scheduled ones)",
                  "additionalProperties": {"type": "array", "items": {"type": "integer", "minimum": 1,
                                                                      "maximum": 65535}}},
    },
}


def parse_port_list(text: str) -> dict[str, list[int]]:
    """``PAI_CONTAINER_HOST_PORT_LIST``: ``name:p1,p2;name2:p3;``."""
    out: dict[str, list[int]] = {}
    for part in filter(None, (p.strip() for p in text.split(";"))):
        name, _, nums = part.partition(":")
        out[name] = [int(n) for n in nums.split(",") if n.strip().isdigit()]
    return out


def _owner(pid: int | None) -> str:
    if not pid:
        return "owner not visible from this container"
    import psutil

    try:
        p = psutil.Process(pid)
        cmd = " ".join(p.cmdline())[:80] or p.name()
        return f"pid {pid} ({cmd})"
    except (psutil.NoSuchProcess, psutil.AccessDenied):
        return f"pid {pid}"


#: the kernel's socket tables of this network namespace (what psutil reads too)
PROC_NET = ("/proc/net/tcp", "/proc/net/tcp6", "/proc/net/udp", "/proc/net/udp6")
_TCP_LISTEN = "0A"


#: netlink's sock_diag (linux/sock_diag.h, linux/inet_diag.h)
_NETLINK_SOCK_DIAG, _SOCK_DIAG_BY_FAMILY, _NLMSG_ERROR, _NLMSG_DONE = 4, 20, 2, 3
_NLM_F_REQUEST_DUMP = 0x301
_TCP_LISTEN_STATE = 10


def tcp_listening_ports() -> set[int] | None:
    """The ports of this network namespace's listening TCP sockets (IPv4 and IPv6), from
    the kernel's sock_diag netlink interface; None where it does not answer.

    Why not ``/proc/net/tcp`` for TCP: reading it walks the kernel's whole established-
    socket hash, every bucket, empty or not: ~4 ms per table on a node with a large hash
    (most of the ports check), more with many connections. Asked for LISTEN sockets
    only, sock_diag walks just the listening hash (~0.1 ms). Through ``_socket``, the C
    half of :mod:`socket` (whose Python half imports ``selectors`` and ``array``)."""
    import struct

    try:
        import _socket as socket

        s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, _NETLINK_SOCK_DIAG)
    except (ImportError, OSError, AttributeError):
        return None
    found: set[int] = set()
    try:
        s.settimeout(5)
        for seq, family in enumerate((socket.AF_INET, socket.AF_INET6), 1):
            # inet_diag_req_v2: family, protocol, ext, pad, states, then a zero inet_diag_sockid
            req = struct.pack("=BBBBI", family, socket.IPPROTO_TCP, 0, 0, 1 << _TCP_LISTEN_STATE) + bytes(48)
            s.send(struct.pack("=IHHII", 16 + len(req), _SOCK_DIAG_BY_FAMILY, _NLM_F_REQUEST_DUMP, seq, 0) + req)
            done = False
            while not done:
                data = s.recv(1 << 16)
                if not data:
                    return None
                off = 0
                while off + 16 <= len(data):
                    length, kind = struct.unpack_from("=IH", data, off)
                    if length < 16:
                        return None
                    if kind == _NLMSG_DONE:
                        done = True
                        break
                    if kind == _NLMSG_ERROR:
                        return None
                    # inet_diag_msg: family, state, timer, retrans, then the source port (big endian)
                    if kind == _SOCK_DIAG_BY_FAMILY and length >= 24 and data[off + 17] == _TCP_LISTEN_STATE:
                        found.add(struct.unpack_from("!H", data, off + 20)[0])
                    off += (length + 3) & ~3
    except OSError:
        return None
    finally:
        s.close()
    return found


def ports_in_use(ports: set[int], tables: tuple[str, ...] = PROC_NET) -> set[int] | None:
    """Which of ``ports`` a listening TCP or a bound UDP socket holds, read from the
    kernel's tables (TCP through :func:`tcp_listening_ports` where it answers); None
    when they cannot be read (then psutil decides).

    Why before psutil: psutil's connection list also maps every socket to its process by
    walking every process's file descriptors, and importing it costs the init container
    milliseconds; the tables alone say whether a port is free, which it nearly always
    is. Only a port found in use is looked up with psutil, to name its owner."""
    found: set[int] = set()
    if tables == PROC_NET:
        listening = tcp_listening_ports()
        if listening is not None:
            found |= listening & ports
            tables = tuple(t for t in tables if "/tcp" not in t)
    try:
        for table in tables:
            tcp = "/tcp" in table
            # ASCII text; read as UTF-8, the codec every interpreter has loaded (asking for
            # "ascii" imports encodings.ascii: a module load on init's path for nothing)
            with open(table, encoding="utf-8", errors="replace") as f:
                next(f, None)  # the header
                for line in f:
                    fields = line.split()
                    if len(fields) < 4:
                        continue
                    port = int(fields[1].rpartition(":")[2], 16)
                    if port in ports and (not tcp or fields[3] == _TCP_LISTEN):
                        found.add(port)
    except (OSError, ValueError):
        return None
    return found


def bound_sockets(ports: set[int]) -> dict[int, list[str]]:
    """Listening TCP and bound UDP sockets on ``ports``, on any address and family."""
    if ports_in_use(ports) == set():
        return {}
    import socket

    import psutil

    found: dict[int, list[str]] = {}
    for c in psutil.net_connections(kind="inet"):
        if not c.laddr or c.laddr.port not in ports:
            continue
        tcp = c.type == socket.SOCK_STREAM
        if tcp and c.status != psutil.CONN_LISTEN:
            continue
        proto = ("tcp" if tcp else "udp") + ("6" if c.family == socket.AF_INET6 else "")
        addr = f"[{c.laddr.ip}]" if c.family == socket.AF_INET6 else c.laddr.ip
        found.setdefault(c.laddr.port, []).append(f"{proto} {addr}:{c.laddr.port} by {_owner(c.pid)}")
    return found


def check(ports: dict[str, list[int]]) -> list[str]:
    """Every conflict as one phrase (empty when all ports are free)."""
    problems = []
    first: dict[int, str] = {}
    for name, nums in ports.items():
        for n in nums:
            if n in first:
                problems.append(f"port {n} is scheduled twice ({first[n]} and {name})")
            else:
                first[n] = name
    for n, holders in sorted(bound_sockets(set(first)).items()):
        problems.append(f"port {n} ({first[n]}) is already in use: {'; '.join(sorted(set(holders)))}")
    return problems


def run(ctx: InitContext, params: dict[str, Any]) -> str:
    ports = params.get("ports")
    if ports is None:
        ports = ctx.current_ports
    if ports is None and ctx.runtime_env.get("PAI_CONTAINER_HOST_PORT_LIST"):
        ports = parse_port_list(ctx.runtime_env["PAI_CONTAINER_HOST_PORT_LIST"])
    ports = {k: list(v) for k, v in (ports or {}).items() if v}
    if not ports:
        raise Skip("this container has no scheduled ports")
    problems = check(ports)
    if problems:
        raise PortConflictError("container port conflict: " + "; ".join(problems),
                                hint="another process on this node holds the port; the job will be rescheduled"
                                if not any("twice" in p for p in problems) else "fix the job's port spec")
    total = sum(len(v) for v in ports.values())
    return f"{total} port(s) free: " + ", ".join(f"{k} {','.join(map(str, v))}" for k, v in ports.items())

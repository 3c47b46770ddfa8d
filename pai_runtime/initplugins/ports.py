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

from typing import Any

from pai_runtime.errors import PortConflictError, Skip

TYPE_CHECKING = False
if TYPE_CHECKING:
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


def ports_in_use(ports: set[int], tables: tuple[str, ...] = PROC_NET) -> set[int] | None:
    """Which of ``ports`` a listening TCP or a bound UDP socket holds, read from the
    kernel's tables; None when they cannot be read (then psutil decides).

    Why before psutil: psutil's connection list also maps every socket to its process by
    walking every process's file descriptors, and importing it costs the init container
    milliseconds; the tables alone say whether a port is free, which it nearly always
    is. Only a port found in use is looked up with psutil, to name its owner."""
    found: set[int] = set()
    try:
        for table in tables:
            tcp = "/tcp" in table
            with open(table, encoding="ascii", errors="replace") as f:
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

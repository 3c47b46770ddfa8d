"""The runtime env of a distributed job, computed from its Framework (pure logic).

Why keep OpenPAI's names and port numbers exactly: user code, plugins (ssh) and the
platform's web portal all compute or read them; a different port number for the same pod
would make a task listen on one port while its peers dial another. Port numbers come
from the task role's ``rest-server/port-scheduling-spec`` annotation:

* hashed (current OpenPAI): for port type ``p`` and its ``i``-th port,
  ``h = md5("[podUid][p][i]")`` as hex, ``(int(h[0:12],16) + int(h[12:24],16) +
  int(h[24:32],16)) % (schedulePortEnd - schedulePortStart) + schedulePortStart``;
* sequential (older jobs): ``start + count * taskIndex`` and the ``count - 1`` after it.

On top of ``PAI_*`` come the contracts unmodified training code expects: torch's
``MASTER_ADDR``/``MASTER_PORT``/``WORLD_SIZE``/``RANK`` and ``PET_*`` (what ``torchrun``
reads), and, opt-in, ``TF_CONFIG``, an OpenMPI hostfile and Volcano's ``VC_*``. Every
variable name is made a safe identifier; values are written quoted by the foundation.
docs/env.md lists every variable with an example.
"""

from __future__ import annotations

from pai_runtime.errors import ConfigError
from pai_runtime.openpai import framework as fwstatus
from pai_runtime.openpai.roles import RoleMap, platform_name

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

PORT_SPEC_ANNOTATION = "rest-server/port-scheduling-spec"
TORCH_DEFAULT_PORT = 29500
TF_DEFAULT_PORT = 2222
TORCH_PORT_NAMES = ("torch", "master", "rdzv", "nccl")
TF_PORT_NAMES = ("tf", "grpc")
MASTER_ROLE_NAMES = ("master", "chief", "launcher", "head")


def safe_name(text: str) -> str:
    """``text`` as part of an environment variable name: letters, digits and ``_``."""
    out = "".join(c if (c.isascii() and c.isalnum()) or c == "_" else "_" for c in str(text))
    return out if out and not out[0].isdigit() else f"_{out}"


# -- ports ---------------------------------------------------------------------------------
# attemptStatus key with the task's ports already computed (the barrier leader publishes
# them so followers need no pod UIDs); not a FrameworkController field.
COMPUTED_PORTS = "paiComputedPorts"


def hashed_ports(pod_uid: str, port_name: str, count: int, start: int, end: int) -> list[int]:
    """OpenPAI's hashed port allocation (see the module docstring)."""
    span = end - start
    if span <= 0:
        raise ValueError(f"schedulePortEnd ({end}) must be greater than schedulePortStart ({start})")
    try:  # the interpreter's own MD5: hashlib loads OpenSSL (~3 ms of init) for a few short strings
        from _md5 import md5
    except ImportError:
        from hashlib import md5
    ports = []
    for i in range(count):
        digest = md5(f"[{pod_uid}][{port_name}][{i}]".encode(), usedforsecurity=False).hexdigest()
        total = int(digest[:12], 16) + int(digest[12:24], 16) + int(digest[24:], 16)
        ports.append(total % span + start)
    return ports


def sequential_ports(start: int, count: int, task_index: int) -> list[int]:
    """OpenPAI's older allocation: ``count`` consecutive ports per task."""
    base = start + count * task_index
    return list(range(base, base + count))


class PortSpec:
    """A task role's port scheduling spec; ``ports`` keeps the annotation's order."""

    __slots__ = ("hashed", "ports", "start", "end")

    def __init__(self, hashed: bool, ports: dict[str, dict[str, int]], start: int = 0, end: int = 0) -> None:
        self.hashed = hashed
        self.ports = ports
        self.start = start
        self.end = end

    def for_task(self, pod_uid: str, index: int) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for name, p in self.ports.items():
            count = int(p.get("count", 1))
            if self.hashed:
                out[name] = hashed_ports(pod_uid, name, count, self.start, self.end) if pod_uid else []
            else:
                out[name] = sequential_ports(int(p["start"]), count, index)
        return out


def port_spec(role_spec: Mapping[str, Any]) -> PortSpec | None:
    """The role's ``rest-server/port-scheduling-spec`` (None when it has no ports)."""
    ann = ((((role_spec.get("task") or {}).get("pod") or {}).get("metadata") or {}).get("annotations")) or {}
    raw = ann.get(PORT_SPEC_ANNOTATION)
    if not raw:
        return None
    where = f"task role {role_spec.get('name')!r} annotation {PORT_SPEC_ANNOTATION}"
    from pai_runtime.config import yamlsource

    try:  # the bounded loader: depth and digits capped (a RecursionError is no message)
        spec = yamlsource.parse_json(raw, where) if isinstance(raw, str) else raw
    except ConfigError as exc:
        raise ConfigError(f"{where} is not JSON: {exc.message}") from None
    if not isinstance(spec, dict):
        raise ConfigError(f"{where} is not a JSON object")
    try:
        if isinstance(spec.get("ports"), dict) and "schedulePortStart" in spec and "schedulePortEnd" in spec:
            return PortSpec(True, _port_map(spec["ports"], where, need_start=False), int(spec["schedulePortStart"]),
                            int(spec["schedulePortEnd"]))
        if isinstance(spec.get("ports"), dict):
            return PortSpec(False, _port_map(spec["ports"], where, need_start=True))
        return PortSpec(False, _port_map(spec, where, need_start=True))
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{where}: {exc}") from None


def _port_map(ports: Mapping[str, Any], where: str, *, need_start: bool) -> dict[str, dict[str, int]]:
    out = {}
    for name, p in ports.items():
        if not isinstance(p, dict) or "count" not in p or (need_start and "start" not in p):
            raise ConfigError(f"{where}: port {name!r} needs " + ("'start' and 'count'" if need_start else "'count'"))
        out[str(name)] = {k: int(v) for k, v in p.items() if k in ("start", "count")}
    return out


# -- tasks ---------------------------------------------------------------------------------
class Task:
    """One live task of the gang: its role, index, addresses, pod UID and ports."""

    __slots__ = ("role", "index", "ip", "host_ip", "uid", "ports")

    def __init__(self, role: str, index: int, ip: str, host_ip: str, uid: str,
                 ports: dict[str, list[int]] | None = None) -> None:
        self.role = role
        self.index = index
        self.ip = ip
        self.host_ip = host_ip
        self.uid = uid
        self.ports: dict[str, list[int]] = {} if ports is None else ports

    @property
    def address(self) -> str:
        """The address peers dial: the pod IP (equal to the host IP with hostNetwork)."""
        return self.ip or self.host_ip


class Options:
    """What to generate on top of ``PAI_*`` (the framework plugin's parameters)."""

    __slots__ = ("torch", "master_role", "master_port", "torch_roles", "tf_config", "tf_port", "mpi_hostfile",
                 "mpi_slots", "mpi_roles", "volcano", "gpus")

    def __init__(self, torch: bool = True, master_role: str | None = None, master_port: str | int | None = None,
                 torch_roles: list[str] | None = None, tf_config: bool = False, tf_port: str | int | None = None,
                 mpi_hostfile: bool = False, mpi_slots: int | None = None, mpi_roles: list[str] | None = None,
                 volcano: bool = False, gpus: dict[str, int] | None = None) -> None:
        self.torch = torch
        self.master_role = master_role
        self.master_port = master_port
        self.torch_roles = torch_roles
        self.tf_config = tf_config
        self.tf_port = tf_port
        self.mpi_hostfile = mpi_hostfile
        self.mpi_slots = mpi_slots
        self.mpi_roles = mpi_roles
        self.volcano = volcano
        self.gpus: dict[str, int] = {} if gpus is None else gpus  # GPUs per task, by job-config role name


class Result:
    """The generated env, the MPI hostfile, this pod's task and the warnings."""

    __slots__ = ("env", "hostfile", "current", "warnings")

    def __init__(self, env: dict[str, str], hostfile: str | None = None, current: Task | None = None,
                 warnings: list[str] | None = None) -> None:
        self.env = env
        self.hostfile = hostfile
        self.current = current
        self.warnings: list[str] = [] if warnings is None else warnings


def _tasks(fw: Mapping[str, Any], warnings: list[str]) -> tuple[list[tuple[str, int]], dict[str, list[Task]]]:
    """Spec roles (name, taskNumber) and the live tasks of each role in status order;
    roles in status but not in spec are skipped (graceful deletion keeps them)."""
    spec = fwstatus.spec_roles(dict(fw))
    spec_by_name = {r.get("name"): r for r in ((fw.get("spec") or {}).get("taskRoles") or []) if isinstance(r, dict)}
    tasks: dict[str, list[Task]] = {}
    for rs in fwstatus.role_statuses(dict(fw)):
        role = str(rs.get("name"))
        if role not in spec_by_name:
            warnings.append(f"task role {role!r} is in the Framework status but not in its spec; skipped")
            continue
        ps = port_spec(spec_by_name[role])
        out = []
        for idx, t in sorted(fwstatus.tasks_by_index(rs).items()):
            if t.get("deletionPending"):
                continue
            a = t.get("attemptStatus") or {}
            task = Task(role, idx, str(a.get("podIP") or ""), str(a.get("podHostIP") or a.get("podIP") or ""),
                        str(a.get("podUID") or ""))
            pre = a.get(COMPUTED_PORTS)
            if isinstance(pre, dict):  # computed by the barrier leader (kube/gang.py): no pod UID needed
                task.ports = {str(k): [int(x) for x in v] for k, v in pre.items()}
            elif ps is not None:
                task.ports = ps.for_task(task.uid, idx)
            out.append(task)
        tasks[role] = out
    return spec, tasks


def _check_identifiers(names: list[str], what: str) -> None:
    seen: dict[str, str] = {}
    for n in names:
        key = safe_name(n).upper()
        if key in seen and seen[key] != n:
            raise ConfigError(f"{what} {seen[key]!r} and {n!r} give the same variable names ({key})",
                              hint="rename one of them")
        seen[key] = n


def _pick_role(wanted: str | None, spec_names: list[str], param: str) -> str | None:
    if wanted:
        found = RoleMap(spec_names, source="Framework spec").resolve(wanted)
        if found is None:
            raise ConfigError(f"{param} {wanted!r} is not a task role of this job",
                              hint=f"task roles: {', '.join(spec_names)}")
        return found
    for n in spec_names:
        if platform_name(n) in MASTER_ROLE_NAMES:
            return n
    return spec_names[0] if spec_names else None


def _named_port(task: Task, wanted: str | int | None, names: tuple[str, ...], default: int, param: str) -> int:
    if isinstance(wanted, int):
        return wanted
    if wanted:
        if wanted not in task.ports or not task.ports[wanted]:
            raise ConfigError(f"{param} {wanted!r} is not a port of task role {task.role!r}",
                              hint=f"its ports: {', '.join(task.ports) or 'none'}")
        return task.ports[wanted][0]
    for n in names:
        if task.ports.get(n):
            return task.ports[n][0]
    return default


def generate(fw: Mapping[str, Any], *, current_role: str | None, current_index: int | None,
             roles: RoleMap | None = None, options: Options | None = None,
             hostfile_path: str | None = None) -> Result:
    """Every variable for the task ``current_role``/``current_index`` (framework
    spelling; either may be None when this container is not a task of the Framework)."""
    options = options or Options()
    roles = roles or RoleMap([])
    warnings: list[str] = []
    spec, tasks = _tasks(fw, warnings)
    spec_names = [n for n, _ in spec]
    _check_identifiers(spec_names + [r for r in tasks if r not in spec_names], "task roles")
    env: dict[str, str] = {}
    instances: list[str] = []
    current: Task | None = None
    for role, role_tasks in tasks.items():
        r = safe_name(role)
        host_list = []
        for t in role_tasks:
            instances.append(f"{role}:{t.index}")
            _check_identifiers(list(t.ports), f"ports of task role {role!r}")
            for port, nums in t.ports.items():
                text = ",".join(map(str, nums))
                env[f"PAI_PORT_LIST_{r}_{t.index}_{safe_name(port)}"] = text
                env[f"PAI_{r}_{t.index}_{safe_name(port)}_PORT"] = text
            if t.host_ip:
                env[f"PAI_HOST_IP_{r}_{t.index}"] = t.host_ip
                http = t.ports.get("http")
                host_list.append(f"{t.host_ip}:{http[0]}" if http else t.host_ip)
            if role == current_role and t.index == current_index:
                current = t
        env[f"PAI_TASK_ROLE_{r}_HOST_LIST"] = ",".join(host_list)
    env["PAI_TASK_ROLE_INSTANCES"] = ",".join(instances)
    if current is not None:
        env.update(_current_env(current))
    result = Result(env, current=current, warnings=warnings)
    if current is not None and options.torch:
        env.update(_torch_env(spec, tasks, current, options))
    if options.tf_config and current is not None:
        env["TF_CONFIG"] = _tf_config(spec_names, tasks, current, roles, options)
    if options.mpi_hostfile:
        result.hostfile = _hostfile(spec_names, tasks, roles, options, fw)
        if hostfile_path:
            env["OMPI_MCA_orte_default_hostfile"] = hostfile_path
    if options.volcano:
        env.update(_volcano_env(spec, tasks, roles, current))
    return result


def _current_env(t: Task) -> dict[str, str]:
    env = {"PAI_CURRENT_CONTAINER_IP": t.host_ip, "PAI_CONTAINER_HOST_IP": t.host_ip}
    if t.ports.get("http"):
        env["PAI_CURRENT_CONTAINER_PORT"] = str(t.ports["http"][0])
        env["PAI_CONTAINER_HOST_PORT"] = str(t.ports["http"][0])
    if t.ports.get("ssh"):
        env["PAI_CONTAINER_SSH_PORT"] = str(t.ports["ssh"][0])
    listing = ""
    for port, nums in t.ports.items():
        text = ",".join(map(str, nums))
        env[f"PAI_CONTAINER_HOST_{safe_name(port)}_PORT_LIST"] = text
        listing += f"{port}:{text};"
    env["PAI_CONTAINER_HOST_PORT_LIST"] = listing
    return env


def _torch_env(spec: list[tuple[str, int]], tasks: dict[str, list[Task]], current: Task,
               options: Options) -> dict[str, str]:
    names = [n for n, _ in spec]
    members = names
    if options.torch_roles:
        rm = RoleMap(names, source="Framework spec")
        members = []
        for wanted in options.torch_roles:
            found = rm.resolve(wanted)
            if found is None:
                raise ConfigError(f"framework parameters.torchRoles: {wanted!r} is not a task role of this job",
                                  hint=f"task roles: {', '.join(names)}")
            members.append(found)
        members = [n for n in names if n in members]
    if current.role not in members:
        return {}
    master_role = _pick_role(options.master_role, members, "framework parameters.masterRole")
    master = next((t for t in tasks.get(master_role or "", []) if t.index == 0), None)
    if master is None or not master.address:
        return {}
    numbers = dict(spec)
    rank = sum(numbers[n] for n in members[:members.index(current.role)]) + current.index
    world = sum(numbers[n] for n in members)
    port = _named_port(master, options.master_port, TORCH_PORT_NAMES, TORCH_DEFAULT_PORT,
                       "framework parameters.masterPort")
    return {"MASTER_ADDR": master.address, "MASTER_PORT": str(port), "WORLD_SIZE": str(world), "RANK": str(rank),
            "PET_NNODES": str(world), "PET_NODE_RANK": str(rank), "PET_MASTER_ADDR": master.address,
            "PET_MASTER_PORT": str(port)}


def _config_name(role: str, roles: RoleMap) -> str:
    """The job config's spelling of a Framework role (itself when unknown)."""
    return roles.resolve(role) or role


def _tf_config(spec_names: list[str], tasks: dict[str, list[Task]], current: Task, roles: RoleMap,
               options: Options) -> str:
    """TFJob's shape; job types lower-cased as TFJob does (TensorFlow matches ``chief``,
    ``worker``, ``ps`` case-sensitively, so a job-config role ``Worker`` must read ``worker``)."""
    cluster = {}
    param = "framework parameters.tfPort"
    for n in spec_names:
        cluster[_config_name(n, roles).lower()] = [
            f"{t.address}:{_named_port(t, options.tf_port, TF_PORT_NAMES, TF_DEFAULT_PORT, param)}"
            for t in tasks.get(n, [])]
    doc = {"cluster": cluster, "task": {"type": _config_name(current.role, roles).lower(), "index": current.index},
           "environment": "cloud"}
    import json  # TF_CONFIG is opt-in: json (and re) only for it

    return json.dumps(doc, separators=(",", ":"))


def _gpus(fw: Mapping[str, Any], role: str) -> int | None:
    """GPUs per task from the pod spec's resource limits."""
    for r in (fw.get("spec") or {}).get("taskRoles") or []:
        if r.get("name") != role:
            continue
        for c in (((r.get("task") or {}).get("pod") or {}).get("spec") or {}).get("containers") or []:
            limits = ((c.get("resources") or {}).get("limits")) or {}
            for key in ("nvidia.com/gpu", "amd.com/gpu"):
                if key in limits:
                    try:
                        return int(limits[key])
                    except (TypeError, ValueError):
                        pass
    return None


def _hostfile(spec_names: list[str], tasks: dict[str, list[Task]], roles: RoleMap, options: Options,
              fw: Mapping[str, Any]) -> str:
    members = spec_names
    if options.mpi_roles:
        rm = RoleMap(spec_names, source="Framework spec")
        members = [n for n in spec_names if any(rm.resolve(w) == n for w in options.mpi_roles)]
    lines = []
    for n in members:
        slots = options.mpi_slots or options.gpus.get(_config_name(n, roles)) or _gpus(fw, n) or 1
        for t in tasks.get(n, []):
            if t.address:
                lines.append(f"{t.address} slots={slots}")
    return "".join(line + "\n" for line in lines)


def _volcano_env(spec: list[tuple[str, int]], tasks: dict[str, list[Task]], roles: RoleMap,
                 current: Task | None) -> dict[str, str]:
    env = {}
    for n, number in spec:
        key = safe_name(_config_name(n, roles)).upper()
        env[f"VC_{key}_HOSTS"] = ",".join(t.address for t in tasks.get(n, []) if t.address)
        env[f"VC_{key}_NUM"] = str(number)
    if current is not None:  # Volcano's env plugin sets both names to the same value
        env["VC_TASK_INDEX"] = env["VK_TASK_INDEX"] = str(current.index)
    return env


def barrier_env(fw: Mapping[str, Any], environ: Mapping[str, str]) -> dict[str, str]:
    """frameworkbarrier's ``FB_<ROLE>_IPS`` and ``FB_<ROLE>_ADDRESSES`` (per role in
    status order). The port of an address is ``FB_<ROLE>_PORT`` from the environment when
    set (frameworkbarrier's contract), else the task's first scheduled port, else none."""
    env: dict[str, str] = {}
    _, tasks = _tasks(fw, [])
    _check_identifiers(list(tasks), "task roles")
    for role, role_tasks in tasks.items():
        key = safe_name(role).upper()
        live = [t for t in role_tasks if t.ip]
        env[f"FB_{key}_IPS"] = ",".join(t.ip for t in live)
        fixed = (environ.get(f"FB_{key}_PORT") or "").strip()
        addrs = []
        for t in live:
            port = fixed or next((str(v[0]) for v in t.ports.values() if v), "")
            addrs.append(f"{t.ip}:{port}" if port else t.ip)
        env[f"FB_{key}_ADDRESSES"] = ",".join(addrs)
    return env

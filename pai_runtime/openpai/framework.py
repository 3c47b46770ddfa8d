"""FrameworkController Framework status: decompression and gang readiness (pure logic).

Why here and stdlib-only: the barrier (deciding when to pass), the env generator (reading
framework.json) and the tests all need the same reading of a Framework, and none of it
needs the network.

Readiness follows frameworkbarrier's rule (every task of ``spec.taskRoles`` has a pod
IP, tasks marked ``deletionPending`` by a scale-down are ignored) plus the check its
documentation promises but its code skips: the current pod's own entry (``FC_POD_UID``)
must be in the status, otherwise the status is stale (it still shows a previous
attempt's pod).
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

MAX_NAMES = 10
#: the largest framework.json (or inflated task role status) read: a Framework of thousands
#: of tasks is a few MB (FrameworkController compresses the status past etcd's 1.5 MB)
MAX_FILE_BYTES = 64 << 20


class FrameworkFormatError(ValueError):
    pass


def decompress(fw: dict[str, Any]) -> dict[str, Any]:
    """In place: ``taskRoleStatusesCompressed`` (base64 of gzip'd JSON, FrameworkController's
    LargeFrameworkCompression) becomes ``taskRoleStatuses``. Returns ``fw``."""
    att = ((fw.get("status") or {}).get("attemptStatus")) or None
    if not isinstance(att, dict):
        return fw
    packed = att.get("taskRoleStatusesCompressed")
    if att.get("taskRoleStatuses") is None and packed:
        # only a compressed status needs these (zlib alone is a module load on init's path)
        import base64
        import binascii
        import zlib

        from pai_runtime.config import yamlsource
        from pai_runtime.errors import ConfigError

        what = "taskRoleStatusesCompressed"
        try:  # inflated within bounds: a few KB of gzip can hold gigabytes
            att["taskRoleStatuses"] = yamlsource.parse_json(
                yamlsource.gunzip(base64.b64decode(packed), what, max_bytes=MAX_FILE_BYTES), what,
                max_bytes=MAX_FILE_BYTES)
        except ConfigError as exc:
            raise FrameworkFormatError(f"taskRoleStatusesCompressed cannot be decompressed: {exc.line()}") from None
        except (binascii.Error, OSError, EOFError, zlib.error, ValueError, TypeError) as exc:
            raise FrameworkFormatError(f"taskRoleStatusesCompressed cannot be decompressed: {exc}") from None
    if "taskRoleStatusesCompressed" in att:
        att["taskRoleStatusesCompressed"] = None
    return fw


def spec_roles(fw: dict[str, Any]) -> list[tuple[str, int]]:
    """(role name, taskNumber) in spec order."""
    roles = ((fw.get("spec") or {}).get("taskRoles")) or []
    out = []
    for r in roles:
        if isinstance(r, dict) and r.get("name"):
            try:
                out.append((str(r["name"]), int(r.get("taskNumber") or 0)))
            except (TypeError, ValueError):
                raise FrameworkFormatError(f"task role {r.get('name')!r} has a taskNumber that is not a number") \
                    from None
    return out


def role_statuses(fw: dict[str, Any]) -> list[dict[str, Any]]:
    att = ((fw.get("status") or {}).get("attemptStatus")) or {}
    return [r for r in (att.get("taskRoleStatuses") or []) if isinstance(r, dict)]


def tasks_by_index(role_status: dict[str, Any]) -> dict[int, dict[str, Any]]:
    out: dict[int, dict[str, Any]] = {}
    for pos, t in enumerate(role_status.get("taskStatuses") or []):
        if not isinstance(t, dict):
            continue
        idx = t.get("index", pos)
        try:
            out[int(idx)] = t
        except (TypeError, ValueError):
            continue
    return out


def pod_ip(task: dict[str, Any]) -> str:
    return str(((task.get("attemptStatus") or {}).get("podIP")) or "")


def pod_uid(task: dict[str, Any]) -> str:
    return str(((task.get("attemptStatus") or {}).get("podUID")) or "")


class Readiness:
    """How many tasks of the gang are ready, who is waiting, whether the status is stale."""

    __slots__ = ("total", "ready", "waiting", "stale", "extra_waiting")

    def __init__(self, total: int, ready: int, waiting: list[str] | None = None, stale: str = "",
                 extra_waiting: int = 0) -> None:
        self.total = total
        self.ready = ready
        self.waiting: list[str] = [] if waiting is None else waiting
        self.stale = stale
        self.extra_waiting = extra_waiting

    @property
    def passed(self) -> bool:
        return self.ready >= self.total and not self.stale

    def summary(self) -> str:
        return f"{self.ready}/{self.total} tasks ready"

    def waiting_text(self) -> str:
        names = self.waiting[:MAX_NAMES]
        more = len(self.waiting) - len(names) + self.extra_waiting
        text = ", ".join(names)
        if more > 0:
            text += f", and {more} more" if text else f"{more} more"
        return text


def readiness(fw: dict[str, Any], *, own_uid: str = "", own_role: str = "", own_index: str = "") -> Readiness:
    """How many tasks of the spec have a pod IP, who is missing, and whether the status
    is stale for the current pod."""
    by_role = {r.get("name"): r for r in role_statuses(fw)}
    total = ready = 0
    waiting: list[str] = []
    for role, number in spec_roles(fw):
        tasks = tasks_by_index(by_role.get(role) or {})
        for idx in range(number):
            t = tasks.get(idx)
            if t is not None and t.get("deletionPending"):
                continue
            total += 1
            if t is not None and pod_ip(t):
                ready += 1
            else:
                waiting.append(f"{role}-{idx}")
    stale = ""
    if own_uid:
        stale = _stale(by_role, own_uid, own_role, own_index)
    return Readiness(total, ready, waiting, stale)


def _stale(by_role: dict[Any, dict[str, Any]], uid: str, role: str, index: str) -> str:
    if role and index.isdigit():
        rs = by_role.get(role)
        if rs is not None:
            t = tasks_by_index(rs).get(int(index))
            if t is None:
                return f"the status has no entry for this task ({role}-{index}) yet"
            other = pod_uid(t)
            if other != uid:
                return (f"the status of {role}-{index} still shows pod {other or '(none)'}, "
                        f"not this pod (FC_POD_UID={uid})")
            return ""
    for rs in by_role.values():
        for t in tasks_by_index(rs).values():
            if pod_uid(t) == uid:
                return ""
    return f"this pod (FC_POD_UID={uid}) is not in the status yet"

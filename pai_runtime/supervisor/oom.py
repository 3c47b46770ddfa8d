"""The kernel's OOM kills in this container's memory cgroup, counted before and after an attempt.

Why: a process the kernel's OOM killer ends dies of SIGKILL, which says nothing of memory
(the user command exits 137, or a launcher reports "exitcode: -9", or a pool just loses a
worker). The memory cgroup counts those kills (cgroup v2 ``memory.events``, v1
``memory.oom_control``: ``oom_kill N``), so comparing the count at the start and the end of
the attempt is a fact, not a guess. ``run`` writes it as a runtime.log line that the
default exit spec matches (``platformLogRegex``), the way OpenPAI's runtime passes its own
findings to the spec.

Stdlib only and never raising: no cgroup, or one we may not read, is "unknown".
"""

from __future__ import annotations

import os

CGROUP_ROOT = "/sys/fs/cgroup"
#: The runtime.log line the default spec matches (keep in sync with specs/runtime-exit-spec.yaml).
LINE = ("cgroup memory: the kernel's OOM killer killed {n} process(es) of this container during this "
        "attempt (oom_kill {before} -> {after} in {path}{limit})")


def _own_paths() -> tuple[str | None, str | None]:
    """This process's cgroup v2 path and v1 memory path, from /proc/self/cgroup."""
    v2 = v1 = None
    try:
        with open("/proc/self/cgroup", encoding="utf-8") as f:
            for line in f:
                parts = line.rstrip("\n").split(":", 2)
                if len(parts) != 3:
                    continue
                if parts[0] == "0" and parts[1] == "":
                    v2 = parts[2]
                elif "memory" in parts[1].split(","):
                    v1 = parts[2]
    except OSError:
        pass
    return v2, v1


def _candidates(root: str = CGROUP_ROOT) -> list[tuple[str, str]]:
    """(counter file, limit file) to try, most specific first."""
    v2, v1 = _own_paths()
    out = []
    if v1 is not None:
        for base in (os.path.join(root, "memory", v1.lstrip("/")), os.path.join(root, "memory")):
            out.append((os.path.join(base, "memory.oom_control"), os.path.join(base, "memory.limit_in_bytes")))
    if v2 is not None:
        for base in (os.path.join(root, v2.lstrip("/")), os.path.join(root, "unified", v2.lstrip("/")), root):
            out.append((os.path.join(base, "memory.events"), os.path.join(base, "memory.max")))
    return out


def _oom_kills(path: str) -> int | None:
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                key, _, value = line.partition(" ")
                if key == "oom_kill":
                    return int(value)
    except (OSError, ValueError):
        return None
    return None


class Counter:
    """The cgroup's ``oom_kill`` count when the attempt started."""

    def __init__(self, root: str = CGROUP_ROOT) -> None:
        self.path: str | None = None
        self.limit_path: str | None = None
        self.before: int | None = None
        for counter, limit in _candidates(root):
            n = _oom_kills(counter)
            if n is not None:
                self.path, self.limit_path, self.before = counter, limit, n
                break

    def line(self) -> str | None:
        """The runtime.log line when processes were OOM-killed since the start, else None."""
        if self.path is None or self.before is None:
            return None
        after = _oom_kills(self.path)
        if after is None or after <= self.before:
            return None
        limit = ""
        try:
            with open(self.limit_path or "", encoding="utf-8") as f:
                raw = f.read().strip()
            if raw and raw != "max" and int(raw) < 1 << 60:
                limit = f", memory limit {int(raw) / (1 << 20):.0f} MiB"
        except (OSError, ValueError):
            pass
        return LINE.format(n=after - self.before, before=self.before, after=after, path=self.path, limit=limit)

"""Run ``pai-runtime run`` as a real PID 1 in a fresh PID namespace.

Why unshare and not a container engine: there is no Docker here, and
``unshare --pid --fork --mount-proc`` gives the same kernel rules a container's PID 1
lives under (default-disposition signals dropped, orphans re-parented to it, everything
killed when it exits). ``--kill-child=SIGKILL`` makes the namespace die with the test.

Where unshare is refused (no CAP_SYS_ADMIN), :data:`MODE` falls back to ``subreaper``: the
runtime runs as an ordinary process and becomes a child subreaper itself; reaping and
group forwarding stay testable, the PID-1 signal rules do not. Tests print which mode
they ran in (and a warning is emitted for the fallback).
"""

from __future__ import annotations

import functools
import os
import signal
import subprocess
import sys
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

BIN = Path(sys.executable).parent / "pai-runtime"
RIGS = Path(__file__).resolve().parent
UNSHARE = ["unshare", "--pid", "--fork", "--mount-proc", "--kill-child=SIGKILL", "--"]


@functools.lru_cache(maxsize=1)
def mode() -> tuple[str, str]:
    """("pid1", why) when unshare gives us a PID namespace, else ("subreaper", why).
    ``PAI_TEST_PID1_MODE=subreaper`` forces the fallback (to test it where unshare works)."""
    if os.environ.get("PAI_TEST_PID1_MODE") == "subreaper":
        return "subreaper", "forced by PAI_TEST_PID1_MODE=subreaper"
    try:
        r = subprocess.run([*UNSHARE, "sh", "-c", "echo $$"], capture_output=True, text=True, timeout=20)
    except (OSError, subprocess.TimeoutExpired) as exc:
        why = f"unshare unavailable: {exc}"
    else:
        if r.returncode == 0 and r.stdout.strip() == "1":
            return "pid1", "unshare --pid --fork --mount-proc: the runtime is PID 1 of a new namespace"
        why = f"unshare refused (exit {r.returncode}): {r.stderr.strip()[:200]}"
    warnings.warn(f"PID-1 tests fall back to the subreaper path: {why}", stacklevel=2)
    return "subreaper", why


def wait_for(pred: Callable[[], object], timeout: float = 10.0, interval: float = 0.01) -> object:
    end = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > end:
            raise TimeoutError(f"condition not met within {timeout}s")
        time.sleep(interval)


def gone(pid: int) -> bool:
    """No such process, or only its zombie (reaped by whoever adopted it)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            return f.read().rsplit(b")", 1)[1].split()[0] == b"Z"
    except FileNotFoundError:
        return True


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except OSError:
        return []


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for c in children(todo.pop()):
            out.append(c)
            todo.append(c)
    return out


def status_field(pid: int, name: str) -> str | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(name + ":"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        return None
    return None


@dataclass
class Runtime:
    """A running ``pai-runtime run``; ``pid`` is its host pid (ns PID 1 or the process)."""

    popen: subprocess.Popen[bytes]
    pid: int
    mode: str
    started: float = field(default_factory=time.monotonic)

    def signal(self, sig: int) -> None:
        os.kill(self.pid, sig)

    def wait(self, timeout: float) -> int:
        return self.popen.wait(timeout=timeout)

    def user_started(self, timeout: float = 20.0) -> list[int]:
        """Wait until the runtime has a child (the command runs: handlers are installed
        before anything is spawned)."""
        return wait_for(lambda: children(self.pid), timeout)  # type: ignore[return-value]

    def kill(self) -> None:
        """Teardown: the namespace dies with unshare; in subreaper mode kill the tree."""
        for pid in [*descendants(self.pid), self.pid]:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except OSError:
            pass
        try:
            self.popen.wait(timeout=10)
        except subprocess.TimeoutExpired:
            pass


def start(argv: Sequence[str], env: Mapping[str, str], *, stdout: int | None = subprocess.DEVNULL,
          stderr: int | None = subprocess.DEVNULL, preexec: Callable[[], None] | None = None,
          use_mode: str | None = None) -> Runtime:
    """Start ``pai-runtime run <argv>`` as PID 1 (or as a subreaper in the fallback)."""
    how = use_mode or mode()[0]
    cmd = [str(BIN), "run", *argv]
    if how == "pid1":
        cmd = [*UNSHARE, *cmd]
    p = subprocess.Popen(cmd, env=dict(env), stdout=stdout, stderr=stderr, stdin=subprocess.DEVNULL,
                         start_new_session=True, preexec_fn=preexec)
    if how == "pid1":
        try:
            pid = wait_for(lambda: children(p.pid), 20)[0]  # type: ignore[index]
        except TimeoutError:
            p.kill()
            raise
    else:
        pid = p.pid
    return Runtime(p, pid, how)


def run(argv: Sequence[str], env: Mapping[str, str], *, timeout: float = 60, use_mode: str | None = None,
        preexec: Callable[[], None] | None = None) -> tuple[int, bytes, bytes, float]:
    """Run to the end: (exit code, stdout, stderr, seconds)."""
    how = use_mode or mode()[0]
    cmd = [str(BIN), "run", *argv]
    if how == "pid1":
        cmd = [*UNSHARE, *cmd]
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=dict(env), capture_output=True, stdin=subprocess.DEVNULL, timeout=timeout,
                       start_new_session=True, preexec_fn=preexec)
    return r.returncode, r.stdout, r.stderr, time.monotonic() - t0

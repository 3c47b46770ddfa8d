"""The one way init runs a child process and stops it: external init plugins, init.d
scripts and runtime plugins' init entries all go through :func:`run` (stdlib only).

Why one runner: each of those may hang, ignore SIGTERM, or leave a background process
behind (``(daemon &)`` in a script keeps the script's stdout open, so "read until EOF"
would wait for the daemon, not the script). Stopping a child the same way everywhere is
what makes "init stops at a timeout and on SIGTERM" one promise instead of three:

* the child leads its own process group (a new session), stdin is ``/dev/null``;
* stdout and stderr (one pipe) are read line by line while it runs and handed to a
  callback, never buffered whole; a line longer than :data:`MAX_LINE` is cut in pieces;
* the child is done when *it* exits: what its group still writes is read for ``linger``
  seconds more, then whatever is left of the group is stopped, so an inherited pipe never
  holds init;
* at the deadline or when the ``cancelled`` event is set (a signal to init): SIGTERM to
  the group, SIGKILL to the group ``grace`` seconds later if anything is left, the leader
  reaped.

A root module and not part of ``init/``: the runtime plugins' runner
(``runtimeplugins/run.py``) sits in a lower layer than ``init/`` and uses the same code.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

#: longest line handed to ``on_line``; longer output arrives in pieces this long
MAX_LINE = 65536
#: bytes of a child's output handed to ``on_line`` per run: past it, output is read and
#: counted (``Outcome.dropped``), no longer passed on. ``exec cat /dev/zero`` in an init.d
#: script wrote a 497 MB init.log in 5 s, into the volume the job's logs share (issue 18).
MAX_OUTPUT = 8 * 1024 * 1024
#: seconds between SIGTERM and SIGKILL to a child's process group
DEFAULT_GRACE = 2.0
#: seconds the group's output is still read after the leader exited
DEFAULT_LINGER = 0.5
#: longest wait between two looks at the deadline and the cancel event
_TICK = 0.1


@dataclass
class Outcome:
    """How a child ended. ``code`` is the leader's ``Popen.returncode`` (negative: the
    signal that ended it)."""

    code: int
    timed_out: bool = False
    cancelled: bool = False
    #: the leader exited while processes of its group still ran; they were stopped
    left_behind: bool = False
    #: the signal that finally stopped the group (SIGTERM or SIGKILL), None if none was sent
    stopped_by: int | None = None
    #: bytes of output not handed to ``on_line`` (beyond ``max_output``)
    dropped: int = 0


class StartError(OSError):
    """The program could not be started (not found, not executable, bad cwd)."""


_active = 0
_active_lock = threading.Lock()
#: process groups of the children running now (for :func:`kill_all`)
_groups: set[int] = set()


def active() -> int:
    """Children running through :func:`run` right now. A signal handler asks this to know
    whether a runner will stop a group and return (so it only sets the cancel event)."""
    return _active


def run(argv: Sequence[str], *, cwd: Path | str, env: Mapping[str, str], on_line: Callable[[bytes], None],
        deadline: float | None = None, cancelled: threading.Event | None = None,
        grace: float = DEFAULT_GRACE, linger: float = DEFAULT_LINGER,
        max_output: int = MAX_OUTPUT) -> Outcome:
    """Run ``argv`` to its exit, its ``deadline`` (a ``time.monotonic()`` value) or until
    ``cancelled`` is set, passing each output line (without its newline) to ``on_line``,
    up to ``max_output`` bytes of output (the rest is counted in ``Outcome.dropped``).

    Raises :class:`StartError` when the program cannot be started; never leaves a process
    of the child's group running when it returns (except one that moved to a session of
    its own, which no group signal reaches).
    """
    global _active

    try:
        proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise StartError(exc.errno, exc.strerror, exc.filename) from None
    with _active_lock:
        _active += 1
        _groups.add(proc.pid)
    try:
        return _supervise(proc, on_line, deadline, cancelled, grace, linger, max_output)
    finally:
        with _active_lock:
            _active -= 1
            _groups.discard(proc.pid)


def kill_all() -> None:
    """SIGKILL to the group of every child running now: the last act of a process that
    must end at once (init's signal watchdog) and cannot wait for the runners."""
    for pgid in list(_groups):
        try:
            os.killpg(pgid, signal.SIGKILL)
        except OSError:
            pass


def _supervise(proc: subprocess.Popen[bytes], on_line: Callable[[bytes], None], deadline: float | None,
               cancelled: threading.Event | None, grace: float, linger: float, max_output: int) -> Outcome:
    import selectors

    assert proc.stdout is not None
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    lines = _LineSplitter(on_line, max_output)
    sel = selectors.DefaultSelector()
    sel.register(fd, selectors.EVENT_READ)
    pipe_open = True
    exited_at: float | None = None
    why = ""
    try:
        while True:
            now = time.monotonic()
            if cancelled is not None and cancelled.is_set():
                why = "cancelled"
                break
            if deadline is not None and now >= deadline:
                why = "timeout"
                break
            if exited_at is None and proc.poll() is not None:
                exited_at = now
            if exited_at is not None and (not pipe_open or now - exited_at >= linger):
                break  # the leader is done: its group no longer holds us
            wait = _TICK
            if deadline is not None:
                wait = min(wait, deadline - now)
            if exited_at is not None:
                wait = min(wait, linger - (now - exited_at))
            wait = max(wait, 0.0)
            if pipe_open:
                if sel.select(wait):
                    pipe_open = _read(fd, lines)
                    if not pipe_open:
                        sel.unregister(fd)
            else:  # every writer closed the pipe: only the leader's exit is left to wait for
                try:
                    proc.wait(timeout=wait)
                except subprocess.TimeoutExpired:
                    pass
        if why:
            stopped_by = stop_group(proc, grace)
            if pipe_open:
                _read(fd, lines)  # what the group wrote while it was stopped; no wait for EOF
            code = proc.returncode if proc.returncode is not None else -signal.SIGKILL
            lines.flush()
            return Outcome(code, timed_out=why == "timeout", cancelled=why == "cancelled", stopped_by=stopped_by,
                           dropped=lines.dropped)
        if pipe_open:
            _read(fd, lines)
        left = group_alive(proc.pid)
        stopped_by = stop_group(proc, grace) if left else None
        assert proc.returncode is not None
        lines.flush()
        return Outcome(proc.returncode, left_behind=left, stopped_by=stopped_by, dropped=lines.dropped)
    finally:
        sel.close()
        lines.flush()
        proc.stdout.close()
        if proc.poll() is None:  # an exception in on_line: never leave the child behind
            stop_group(proc, 0.0)


class _LineSplitter:
    """Bytes in, whole lines out (``\\r\\n`` and ``\\n`` endings removed), bounded."""

    def __init__(self, on_line: Callable[[bytes], None], max_output: int = MAX_OUTPUT) -> None:
        self.on_line = on_line
        self.buf = b""
        #: bytes still to hand on; past them, chunks are only counted
        self.left = max_output
        self.dropped = 0

    def feed(self, chunk: bytes) -> None:
        if self.left <= 0:
            self.dropped += len(chunk)
            return
        if len(chunk) > self.left:
            self.dropped += len(chunk) - self.left
            chunk = chunk[:self.left]
        self.left -= len(chunk)
        self.buf += chunk
        *whole, self.buf = self.buf.split(b"\n")
        for line in whole:
            while len(line) > MAX_LINE:  # a long line that arrived whole in one read is cut too
                self._emit(line[:MAX_LINE])
                line = line[MAX_LINE:]
            self._emit(line)
        while len(self.buf) > MAX_LINE:
            self._emit(self.buf[:MAX_LINE])
            self.buf = self.buf[MAX_LINE:]

    def flush(self) -> None:
        if self.buf:
            buf, self.buf = self.buf, b""
            self._emit(buf)

    def _emit(self, line: bytes) -> None:
        self.on_line(line[:-1] if line.endswith(b"\r") else line)


def _read(fd: int, lines: _LineSplitter) -> bool:
    """Read what is there now (never blocks); False at end of file."""
    for _ in range(64):  # bounded: a child writing without pause still lets the loop look at the clock
        try:
            chunk = os.read(fd, 65536)
        except BlockingIOError:
            return True
        except OSError:
            return False
        if not chunk:
            return False
        lines.feed(chunk)
    return True


def stop_group(proc: subprocess.Popen[bytes], grace: float = DEFAULT_GRACE) -> int | None:
    """SIGTERM to the child's process group, SIGKILL ``grace`` seconds later if any
    process of it (or the leader) is still there, then reap the leader. Returns the last
    signal sent (None: nothing was left to stop). Safe for a child that already exited."""
    pgid = proc.pid
    if proc.poll() is not None and not group_alive(pgid):
        return None
    try:
        os.killpg(pgid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        pass
    end = time.monotonic() + grace
    while True:
        if proc.poll() is not None and not group_alive(pgid):
            return signal.SIGTERM
        if time.monotonic() >= end:
            break
        time.sleep(0.02)
    try:
        os.killpg(pgid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # unkillable (D state): nothing more to do from here
        pass
    _reap(pgid)
    return signal.SIGKILL


def group_alive(pgid: int) -> bool:
    """Whether a live process (not a zombie) is left in process group ``pgid``.

    Zombies count as gone: an orphan of the group is reparented to PID 1 (which is init
    itself in an init container) and stays a zombie until reaped, so "the group still
    answers signal 0" alone would make every stop wait the whole grace.
    """
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process holds the id: nothing of ours to stop
        return False
    _reap(pgid)
    if not _proc_is_ours():
        return True  # /proc of another PID namespace: signal 0 is all we can know
    try:
        names = os.listdir("/proc")
    except OSError:
        return True
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if len(fields) > 2 and fields[2] == str(pgid).encode() and fields[0] not in (b"Z", b"X"):
            return True
    return False


def _reap(pgid: int) -> None:
    """Reap exited processes of group ``pgid`` that are our children (orphans reparented
    to us when init is PID 1). Only called once ``Popen`` has had its chance at the
    leader, whose exit code it must read itself."""
    while True:
        try:
            pid, _ = os.waitpid(-pgid, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _proc_is_ours() -> bool:
    """Whether /proc shows this PID namespace (``unshare --pid`` without a new /proc
    shows the parent's pids, which process groups here do not use)."""
    try:
        return os.readlink("/proc/self") == str(os.getpid())
    except OSError:
        return False

"""The init half of ``pai-runtime run``: spawn, forward signals, reap, shut down with grace.

Why our own init instead of exec'ing into tini or into the user command: the runtime must
outlive the user command (logs, post-commands and the exit classification run after it),
and the C inits do not give descendants a grace period before the kernel kills them.

Rules this module keeps (each one is a known way for a PID 1 to go wrong):

* Every forwarded signal has a real handler: the kernel drops a signal left at SIG_DFL
  for a namespace's PID 1, and Python leaves SIGTERM at SIG_DFL.
* The user command runs in its own session and process group, and signals go to the
  group, so ``bash -c 'train; cleanup'`` gets them and not just the shell.
* The child starts with an empty signal mask and every disposition at default. We fork
  and exec ourselves rather than use ``os.posix_spawn``: glibc's posix_spawn leaves its
  internal signals 32/33 at SIG_IGN in the child, so SigIgn would not be clean. The
  vfork + exec of ``_posixsubprocess`` (subprocess's C half) is used where its signature
  is known (:func:`_vfork_exec`), with the same child state; our own fork elsewhere.
* Exactly one reaper: every ``wait`` goes through :meth:`Init._reap` (``waitpid(-1)``), so
  no status is ever swallowed (a ``Popen.wait`` racing a reaper returns 0).
* When not PID 1 we become a child subreaper, so orphans still come back to us.
* ``kill(-1, ...)`` only when our pid is 1: anywhere else it would signal the machine.

The second half of this module is the I/O that init multiplexes: the user command's
captured and rotated logs, the pass-through to our own stdout/stderr and ``runtime.log``
(see the section comment there). One module and not two: every module on the PID-1
path costs every job start its import (~0.1 ms on a loaded node, issue 19);
:mod:`pai_runtime.supervisor.logs` still names them.

Stdlib only: this is on the path from container start to the user's first instruction.
"""

import _signal
import os
import stat
import sys
import time

# Forwarded to the user's process group, and job control ignored: defined where they are
# first caught (the package's __init__, before this module is imported).
from pai_runtime.supervisor import FORWARDED, IGNORED, early_signals
from pai_runtime.units import timestamp

TYPE_CHECKING = False  # typing costs ms on the PID-1 path; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from pathlib import Path
    from typing import Any

#: Signals that ask us to stop when no command is running.
STOPPING = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP, _signal.SIGQUIT)
#: After SIGKILL, how long we wait for the last processes and pipes before giving up.
KILL_SETTLE = 2.0
#: The reaper also runs on this period, in case a SIGCHLD wake-up was coalesced away.
TICK = 1.0
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
PR_SET_CHILD_SUBREAPER = 36
#: :mod:`selectors`' event bits (the callbacks registered with :meth:`Init.register` get them).
EVENT_READ = 1
EVENT_WRITE = 2


class SpawnError(Exception):
    """The command could not be started: ``code`` is the shell's (127 not found, 126 not
    executable) and the message is the one line the user sees. ``pid``: the child whose
    exec failed, still to be reaped (:meth:`Init.run` does that before passing the error
    on), or None when nothing was started."""

    def __init__(self, code: int, message: str, pid: "int | None" = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.pid = pid


def exit_code(status: int) -> int:
    """A wait status as the shell reports it: exit N -> N, killed by signal S -> 128+S."""
    code = os.waitstatus_to_exitcode(status)
    return 128 - code if code < 0 else code


def signal_name(signum: int) -> str:
    import signal  # its enum costs ms: only once a signal is to be named

    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def describe_status(status: int) -> str:
    if os.WIFSIGNALED(status):
        sig = os.WTERMSIG(status)
        core = " (core dumped)" if os.WCOREDUMP(status) else ""
        return f"killed by {signal_name(sig)}{core} (code {128 + sig})"
    return f"exited with code {exit_code(status)}"


def read_small(path: str) -> bytes:
    """The bytes of a small file (``/proc/self/status``, ``/proc/self/environ``), with the
    system calls alone: ``open()`` builds a buffered file object for each, ~50 us of every
    job start per file on a loaded node. Raises OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks = []
        while True:
            chunk = os.read(fd, 65536)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)
    finally:
        os.close(fd)


def ensure_std_fds() -> None:
    """Open /dev/null on a closed fd 0, 1 or 2, so no pipe we create lands on them."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def _libc(name: str) -> "Any":
    """A C function of the running program, returning ``int``, through :mod:`_ctypes`, the
    C half of :mod:`ctypes` (whose Python half, with ``struct``, costs ~2 ms of every
    start): what ``ctypes.CDLL(None, use_errno=True)`` builds per function, from the
    symbol's address (one class, made once, not a library class per call). Ints go in as
    ``int``, bytes as ``char *``, None as NULL. Raises OSError for a missing symbol."""
    global _CFunc
    import _ctypes

    if _CFunc is None:
        class _CFunc(_ctypes.CFuncPtr):
            _flags_ = _ctypes.FUNCFLAG_CDECL | _ctypes.FUNCFLAG_USE_ERRNO

    return _CFunc(_ctypes.dlsym(_ctypes.dlopen(None, 0), name))


#: The function-pointer class of :func:`_libc`, made on its first call.
_CFunc: "Any" = None


def become_subreaper() -> bool:
    """``prctl(PR_SET_CHILD_SUBREAPER)`` so orphans of the user command come back to us
    when we are not PID 1 (``docker run --init``, shared PID namespace, a laptop)."""
    try:
        return _libc("prctl")(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0
    except (ImportError, OSError, AttributeError):
        return False


class _Selector:
    """:class:`selectors.EpollSelector` for int fds, without :mod:`selectors` (its
    ``collections`` and ``math`` imports cost the PID-1 path milliseconds): the same
    ``register``/``modify``/``unregister`` errors and the same ``select`` results, i.e.
    ``(key, events)`` pairs whose ``key.data`` is what was registered."""

    def __init__(self) -> None:
        import select

        self._epoll = select.epoll()
        self._in, self._out = select.EPOLLIN, select.EPOLLOUT
        self._keys: dict[int, _Key] = {}

    def _poll_mask(self, events: int) -> int:
        if not events or events & ~(EVENT_READ | EVENT_WRITE):
            raise ValueError(f"Invalid events: {events!r}")
        return (self._in if events & EVENT_READ else 0) | (self._out if events & EVENT_WRITE else 0)

    def register(self, fd: int, events: int, data: "Any" = None) -> "_Key":
        if fd < 0:
            raise ValueError(f"Invalid file descriptor: {fd}")
        if fd in self._keys:
            raise KeyError(f"{fd!r} (FD {fd}) is already registered")
        key = _Key(fd, events, data)
        mask = self._poll_mask(events)
        self._keys[fd] = key
        try:
            self._epoll.register(fd, mask)
        except BaseException:
            del self._keys[fd]
            raise
        return key

    def modify(self, fd: int, events: int, data: "Any" = None) -> "_Key":
        key = self._keys.get(fd)
        if key is None:
            raise KeyError(f"{fd!r} is not registered")
        if events != key.events:
            mask = self._poll_mask(events)
            try:
                self._epoll.modify(fd, mask)
            except BaseException:
                self.unregister(fd)
                raise
        key = self._keys[fd] = _Key(fd, events, data)
        return key

    def unregister(self, fd: int) -> "_Key":
        key = self._keys.pop(fd)  # KeyError when not registered, as selectors raises
        try:
            self._epoll.unregister(fd)
        except OSError:
            pass
        return key

    def select(self, timeout: "float | None" = None) -> "list[tuple[_Key, int]]":
        if timeout is None:
            timeout = -1
        elif timeout <= 0:
            timeout = 0
        else:
            # round up to the epoll's millisecond, or a short wait turns into a busy loop
            timeout = -(-timeout * 1e3 // 1) * 1e-3
        try:
            ready = self._epoll.poll(timeout, max(len(self._keys), 1))
        except InterruptedError:
            return []
        out = []
        for fd, event in ready:
            events = (EVENT_WRITE if event & ~self._in else 0) | (EVENT_READ if event & ~self._out else 0)
            key = self._keys.get(fd)
            if key is not None:
                out.append((key, events & key.events))
        return out

    def close(self) -> None:
        self._epoll.close()
        self._keys.clear()


class _Key:
    __slots__ = ("fd", "events", "data")

    def __init__(self, fd: int, events: int, data: "Any") -> None:
        self.fd, self.events, self.data = fd, events, data


#: ``rt_sigaction`` syscall numbers; glibc's own sigaction() refuses signals 32 and 33.
_RT_SIGACTION = {"x86_64": 13, "aarch64": 134}


def reset_reserved_signals() -> "list[int]":
    """Set signals 32 and 33 back to SIG_DFL when whoever started us ignored them.

    glibc reserves them (thread cancellation, setxid) and its sigaction() answers EINVAL,
    so Python cannot touch them; but SIG_IGN survives exec, and GNU make, for one, runs
    its recipes with both ignored. A user process must start with default dispositions,
    so we reset them with the raw syscall, in our own process, before any spawn.
    """
    try:
        status = read_small("/proc/self/status").splitlines()
        ignored = next((int(line.split()[1], 16) for line in status if line.startswith(b"SigIgn:")), 0)
    except (OSError, ValueError, IndexError):
        return []
    reserved = [sig for sig in (32, 33) if ignored >> (sig - 1) & 1]
    number = _RT_SIGACTION.get(os.uname().machine)
    if not reserved or number is None:
        return []
    try:
        syscall = _libc("syscall")
    except (ImportError, OSError, AttributeError):
        return []
    default = bytes(32)  # kernel sigaction, all zero: SIG_DFL, no flags, empty mask
    return [sig for sig in reserved if syscall(number, sig, default, None, 8) == 0]


def resolve(argv0: str, env: "Mapping[str, str]") -> str:
    """The file to exec for ``argv0``, searched in the *command's* PATH like a shell does.

    Raises :class:`SpawnError` with 127 when nothing is found and 126 when only a
    non-executable file is (bash's rule).
    """
    if not argv0:
        raise SpawnError(127, "empty command")
    if "/" in argv0:
        return argv0
    found_not_executable = None
    for d in (env.get("PATH") or DEFAULT_PATH).split(":"):
        d = d or "."
        candidate = d + argv0 if d.endswith("/") else f"{d}/{argv0}"  # os.path.join's result, without its call
        try:
            st = os.stat(candidate)
        except OSError:
            continue
        if st.st_mode & 0o170000 != 0o100000:  # not a regular file
            continue
        if os.access(candidate, os.X_OK):
            return candidate
        found_not_executable = found_not_executable or candidate
    if found_not_executable:
        raise SpawnError(126, f"{argv0}: not executable ({found_not_executable}: permission denied; "
                              "chmod +x it or run it through its interpreter)")
    raise SpawnError(127, f"{argv0}: command not found (searched PATH={env.get('PATH') or DEFAULT_PATH})")


def _spawn_failure(path: str, argv0: str, err: int, pid: int) -> "SpawnError":
    """What a failed exec of ``path`` (errno ``err``, child ``pid``) tells the user."""
    import errno  # the error paths only: one import fewer on every start

    reason = os.strerror(err)
    if err == errno.ENOENT:
        if os.path.exists(path):
            return SpawnError(127, f"{argv0}: cannot run: its interpreter (the #! line) or loader was not found", pid)
        return SpawnError(127, f"{argv0}: command not found ({path}: {reason})", pid)
    if err in (errno.EACCES, errno.EPERM, errno.EISDIR):
        return SpawnError(126, f"{argv0}: not executable ({path}: {reason}; chmod +x it or check the mount's "
                               "noexec)", pid)
    if err == errno.ENOEXEC:
        return SpawnError(126, f"{argv0}: not executable ({path}: exec format error: wrong architecture or "
                               "a script without a #! line)", pid)
    return SpawnError(126, f"{argv0}: cannot execute ({path}: {reason})", pid)


_ALL_SIGNALS = frozenset(_signal.valid_signals()) - {_signal.SIGKILL, _signal.SIGSTOP}


def spawn(argv: "Sequence[str]", env: "Mapping[str, str]", fds: "Mapping[int, int]") -> int:
    """Start ``argv`` in a new session with a clean signal state; return its pid.

    ``fds`` maps child fd -> our fd (e.g. {1: out_w, 2: err_w}). Exec errors come back over
    a close-on-exec pipe, so they are reported here and not as a mysterious exit code.
    """
    path = resolve(argv[0], env)
    if _VFORK_EXEC and set(fds) <= {1, 2}:
        pid = _vfork_exec(path, argv, env, fds)
        if pid is not None:
            return pid
    import errno
    import gc  # here, not in the child: an import there could run a collection

    env_b = {os.fsencode(k): os.fsencode(v) for k, v in env.items()}
    argv_l = list(argv)
    err_r, err_w = os.pipe()
    # The C-level ``_signal`` functions: ``signal``'s wrappers convert every number to an
    # enum, and the child's time until exec is time to the user's first instruction.
    old_mask = _signal.pthread_sigmask(_signal.SIG_BLOCK, _ALL_SIGNALS)
    try:
        pid = os.fork()
        if pid == 0:  # pragma: no cover - runs in the child until exec
            try:
                gc.disable()  # no finalizer of the parent's objects may run here
                os.close(err_r)
                for sig in _ALL_SIGNALS:
                    try:
                        _signal.signal(sig, _signal.SIG_DFL)
                    except (OSError, ValueError):
                        pass
                _signal.set_wakeup_fd(-1)
                os.setsid()
                for target, source in fds.items():
                    if target != source:
                        os.dup2(source, target)
                    else:
                        os.set_inheritable(target, True)
                _signal.pthread_sigmask(_signal.SIG_SETMASK, ())
                os.execve(path, argv_l, env_b)
            except OSError as exc:
                os.write(err_w, str(exc.errno or errno.EIO).encode())
            except BaseException:  # noqa: BLE001 - never return into the parent's code
                os.write(err_w, str(errno.EIO).encode())
            finally:
                os._exit(127)
    finally:
        _signal.pthread_sigmask(_signal.SIG_SETMASK, old_mask)
    os.close(err_w)
    report = _read_report(err_r)
    if report:
        raise _spawn_failure(path, argv[0], int(report or b"5"), pid)
    return pid


def _read_report(fd: int) -> bytes:
    """Everything the child wrote to the exec-error pipe until exec closed it (empty when
    exec succeeded); closes ``fd``. One reader for both spawn paths."""
    try:
        report = b""
        while True:
            chunk = os.read(fd, 64)
            if not chunk:
                return report
            report += chunk
    finally:
        os.close(fd)


#: CPython versions whose ``_posixsubprocess.fork_exec`` takes the 23 arguments below
#: (3.11.7+, 3.12, 3.13: ``..., preexec_fn, allow_vfork``); elsewhere :func:`spawn` forks.
_VFORK_EXEC = (3, 11) <= sys.version_info[:2] <= (3, 13)


def _vfork_exec(path: str, argv: "Sequence[str]", env: "Mapping[str, str]", fds: "Mapping[int, int]") -> "int | None":
    """Start the child with the C half of :mod:`subprocess` (``vfork`` + ``execve``):
    our fork copied the page tables of the whole interpreter and ran Python in the child
    until exec, ~3 ms of every job start on a loaded node (the parent waits for that exec);
    this is ~0.2 ms. ``None`` when this interpreter's ``fork_exec`` is not the one we know.

    The child state is the fork path's: its own session (``call_setsid``), stdout/stderr
    from ``fds``, an empty signal mask (ours: :func:`pai_runtime.supervisor.catch_early_signals`
    empties it; the vfork child restores it after resetting every handler to SIG_DFL),
    caught signals at SIG_DFL (exec does that), SIGPIPE and SIGXFSZ at SIG_DFL
    (``restore_signals``). A signal *we* ignore (job control, or one ignored by whoever
    started us) would stay ignored across exec: it is set to SIG_DFL for the instant of
    the vfork and ignored again at once (a SIGTSTP in those microseconds stops us as it
    would any process; PID 1 of a namespace never gets one). Exec errors come back over
    the error pipe as ``OSError:<hex errno>:...``, as :mod:`subprocess` reads them."""
    try:
        import _posixsubprocess
    except ImportError:
        return None
    # what os.fsencode gives, with one encode per variable instead of two calls of it (the
    # environment has a hundred variables; the child waits for this)
    enc, errors = sys.getfilesystemencoding(), sys.getfilesystemencodeerrors()
    env_list = [f"{k}={v}".encode(enc, errors) for k, v in env.items()]
    ignored = [sig for sig in _ALL_SIGNALS if _signal.getsignal(sig) == _signal.SIG_IGN
               and sig not in (_signal.SIGPIPE, _signal.SIGXFSZ)]
    err_r, err_w = os.pipe()
    try:
        for sig in ignored:
            _signal.signal(sig, _signal.SIG_DFL)
        try:
            pid = _posixsubprocess.fork_exec(
                list(argv), [os.fsencode(path)], False, (), None, env_list,
                -1, -1, -1, fds.get(1, -1), -1, fds.get(2, -1), err_r, err_w,
                True, True, -1, None, None, None, -1, None, True)
        finally:
            for sig in ignored:
                _signal.signal(sig, _signal.SIG_IGN)
    except (TypeError, ValueError):  # another signature, or a NUL in an argument: nothing was
        # started; the fork path reports the second as the fork path always did
        os.close(err_r)
        os.close(err_w)
        return None
    except BaseException:
        os.close(err_r)
        os.close(err_w)
        raise
    os.close(err_w)
    report = _read_report(err_r)
    if report:
        import errno

        try:
            err = int(report.split(b":")[1], 16)
        except (IndexError, ValueError):
            err = errno.EIO
        raise _spawn_failure(path, argv[0], err or errno.EIO, pid)
    return pid


class Result:
    """How one command ended."""

    def __init__(self, status: int, *, timed_out: bool, stopped_by: "int | None", killed: int,
                 survivors: int, seconds: float) -> None:
        self.status = status
        self.code = exit_code(status)
        self.timed_out = timed_out          # the deadline (running threshold) fired
        self.stopped_by = stopped_by        # the signal that started our shutdown, if any
        self.killed = killed                # processes still there at the end of the grace
        self.survivors = survivors          # processes that outlived even SIGKILL
        self.seconds = seconds

    def describe(self) -> str:
        return describe_status(self.status)


#: The phases of :meth:`Init.run` (plain strings: no enum import on the PID-1 path).
RUNNING, TERMINATING, KILLING, DRAINING = "running", "terminating", "killing", "draining"


class _Shutdown:
    """Where one :meth:`Init.run` is on its way out, and when it must next wake up.

    RUNNING: the command runs, nothing asked to stop. TERMINATING: SIGTERM went to the
    processes (a signal, the deadline, or leftovers after the command exited); KILL at
    ``kill_at``. KILLING: SIGKILL went out; look again at ``give_up_at``. DRAINING: the
    command exited and left nothing running; read its pipes to EOF, at most until
    ``drain_until``. RUNNING goes to DRAINING (the command exited alone) or TERMINATING;
    DRAINING can still go to TERMINATING (a SIGTERM); TERMINATING goes to KILLING, and
    KILLING repeats itself while the main process survives SIGKILL.
    """

    __slots__ = ("grace", "phase", "kill_at", "give_up_at", "drain_until")

    def __init__(self, grace: float) -> None:
        self.grace = grace
        self.phase = RUNNING
        self.kill_at = self.give_up_at = self.drain_until = 0.0

    def stopping(self) -> bool:
        """TERM or KILL has gone out (the grace runs or is over)."""
        return self.phase is TERMINATING or self.phase is KILLING

    def main_exited(self, now: float) -> None:
        if self.phase is RUNNING:
            self.phase = DRAINING
            self.drain_until = now + self.grace  # bound on pipes held open by strangers

    def terminate(self, now: float) -> None:
        self.phase = TERMINATING
        self.kill_at = now + self.grace

    def kill(self, now: float) -> None:
        self.phase = KILLING
        self.give_up_at = now + KILL_SETTLE

    def next_wake(self, tick: float, deadline: "float | None") -> float:
        """The earliest of the tick, the deadline (None once it passed) and the phase's own time."""
        wake = tick
        if deadline is not None and deadline < wake:
            wake = deadline
        if self.phase is TERMINATING:
            if self.kill_at < wake:
                wake = self.kill_at
        elif self.phase is KILLING:
            if self.give_up_at < wake:
                wake = self.give_up_at
        elif self.phase is DRAINING and self.drain_until < wake:
            wake = self.drain_until
        return wake


class Init:
    """One per ``run``: the signal wake-up pipe, the selector shared with the log readers,
    the single reaper, and the shutdown sequence."""

    def __init__(self, *, grace: float = 10.0, say: "Callable[[str], None] | None" = None) -> None:
        self.pid1 = os.getpid() == 1
        self.subreaper = False if self.pid1 else become_subreaper()
        reset_reserved_signals()
        self.grace = grace
        self.say = say or (lambda msg: None)
        self.selector = _Selector()
        self.pending: list[int] = []
        #: First signal that asked us to stop (TERM, or INT/HUP/QUIT while idle).
        self.stop_signal: int | None = None
        self.reaped_orphans = 0
        self._statuses: dict[int, int] = {}
        self._watch: set[int] = set()
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_r, False)
        os.set_blocking(self._wake_w, False)
        # ``_signal``, the C module: ``signal``'s wrappers cost its enum import (ms).
        _signal.set_wakeup_fd(self._wake_w, warn_on_full_buffer=False)
        for sig in (*FORWARDED, _signal.SIGCHLD):
            _signal.signal(sig, self._on_signal)
        for sig in IGNORED:
            _signal.signal(sig, _signal.SIG_IGN)
        # Whoever started us may have blocked signals (the mask survives exec); a blocked
        # SIGTERM would never reach us.
        _signal.pthread_sigmask(_signal.SIG_SETMASK, ())
        self.selector.register(self._wake_r, EVENT_READ, self._drain_wakeups)
        # What arrived while we were starting (recorded by catch_early_signals), after our own
        # handlers are in place so that nothing falls between the two.
        self.pending.extend(early_signals())
        if self.pending:
            os.write(self._wake_w, b"\0")

    # -- plumbing shared with the log readers ---------------------------------------------
    def register(self, fd: int, events: int, callback: "Callable[[int], Any]") -> None:
        try:
            self.selector.register(fd, events, callback)
        except KeyError:
            self.selector.modify(fd, events, callback)

    def unregister(self, fd: int) -> None:
        try:
            self.selector.unregister(fd)
        except (KeyError, ValueError):
            pass

    def poll(self, timeout: float) -> None:
        """Wait up to ``timeout`` for I/O or a signal and run the callbacks."""
        for key, mask in self.selector.select(max(0.0, timeout)):
            key.data(mask)

    def _on_signal(self, signum: int, frame: "Any") -> None:
        self.pending.append(signum)

    def _drain_wakeups(self, mask: int) -> None:
        try:
            while os.read(self._wake_r, 4096):
                pass
        except BlockingIOError:
            pass

    def take_signals(self) -> "list[int]":
        sigs, self.pending = self.pending, []
        return sigs

    def idle_signals(self) -> None:
        """Handle signals while no command runs: remember a request to stop, reap."""
        for sig in self.take_signals():
            if sig in STOPPING and self.stop_signal is None:
                self.stop_signal = sig
                self.say(f"received {signal_name(sig)}; stopping")
        self._reap()

    # -- the one reaper --------------------------------------------------------------------
    def _reap(self) -> None:
        while True:
            try:
                pid, status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            if pid in self._watch:
                self._statuses[pid] = status
            else:
                self.reaped_orphans += 1

    def _wait_for(self, pid: int) -> int:
        """Block until ``pid`` is reaped (used only right after a failed exec)."""
        self._watch.add(pid)
        while pid not in self._statuses:
            try:
                got, status = os.waitpid(-1, 0)
            except ChildProcessError:
                break
            if got in self._watch:
                self._statuses[got] = status
            else:
                self.reaped_orphans += 1
        self._watch.discard(pid)
        return self._statuses.pop(pid, 0)

    def has_children(self) -> bool:
        """Whether any descendant is left: as PID 1 or subreaper every descendant is our
        child or below one, so "we have a child" is exactly that."""
        try:
            os.waitid(os.P_ALL, 0, os.WEXITED | os.WNOHANG | os.WNOWAIT)
        except ChildProcessError:
            return False
        return True

    def descendants(self) -> "list[tuple[int, int]]":
        """(pid, pgid) of every live process below us, read from /proc (shutdown only)."""
        me = os.getpid()
        parent: dict[int, list[tuple[int, int]]] = {}
        try:
            names = os.listdir("/proc")
        except OSError:
            return []
        for name in names:
            if not name.isdigit():
                continue
            try:
                with open(f"/proc/{name}/stat", "rb") as f:
                    fields = f.read().rsplit(b")", 1)[1].split()
            except (OSError, IndexError):
                continue
            if fields[0] in (b"Z", b"X"):
                continue
            parent.setdefault(int(fields[1]), []).append((int(name), int(fields[2])))
        out: list[tuple[int, int]] = []
        todo = [me]
        while todo:
            for child in parent.get(todo.pop(), ()):
                out.append(child)
                todo.append(child[0])
        return out

    # -- signalling --------------------------------------------------------------------------
    def _killpg(self, pgid: int, sig: int) -> None:
        try:
            os.killpg(pgid, sig)
        except (ProcessLookupError, PermissionError):
            pass

    def signal_all(self, pgid: "int | None", sig: int) -> None:
        """``sig`` to the user's group and every other process we are responsible for:
        all of them (``kill(-1)``) as PID 1, every descendant of ours otherwise."""
        if self.pid1:
            try:
                os.kill(-1, sig)
            except (ProcessLookupError, PermissionError):
                pass
            return
        if pgid is not None:
            self._killpg(pgid, sig)
        for pid, group in self.descendants():
            if group != pgid:
                try:
                    os.kill(pid, sig)
                except (ProcessLookupError, PermissionError):
                    pass

    def stop_all(self, reason: str) -> None:
        """Between or after commands: TERM whatever is still running (services the
        pre-commands started), wait up to the grace, KILL the rest, reap."""
        if not self.has_children():
            return
        self.say(f"{reason}; sending SIGTERM to the remaining processes, SIGKILL after a grace of {self.grace:g}s")
        self.signal_all(None, _signal.SIGTERM)
        for sig, wait in ((None, self.grace), (_signal.SIGKILL, KILL_SETTLE)):
            if sig is not None:
                left = self._count_descendants()
                self.say(f"{left} process(es) still running after the grace; sending SIGKILL")
                self.signal_all(None, sig)
            end = time.monotonic() + wait
            while True:
                self._reap()
                if not self.has_children():
                    return
                left = end - time.monotonic()
                if left <= 0:
                    break
                self.poll(min(left, 0.1))
                self.take_signals()  # a second TERM changes nothing now
        self.say(f"{self._count_descendants()} process(es) survived SIGKILL; leaving them")

    # -- running one command -------------------------------------------------------------
    def run(self, argv: "Sequence[str]", env: "Mapping[str, str]", fds: "Mapping[int, int]", *,
            sources: "Iterable[Any]" = (), close_after_spawn: "Iterable[int]" = (),
            deadline: "float | None" = None, deadline_reason: str = "deadline reached",
            on_start: "Callable[[int], None] | None" = None, leave_running: bool = False) -> "Result":
        """Run ``argv`` to the end: forward signals, enforce ``deadline`` (monotonic) and
        the grace, keep reading ``sources`` (objects with ``is_open()`` and ``abandon()``
        whose fds are registered with this init) until EOF, reap everything it left behind.

        ``leave_running`` (pre-commands): processes the command started in the background
        (sshd, an agent) are services for the job and keep running; we return once the
        command exited and what it wrote is read, and ``sources`` stay registered so a
        daemon's later output is still read while the next command runs.

        Raises :class:`SpawnError` when it cannot start (nothing is left running then).
        """
        sources = list(sources)
        started = time.monotonic()
        try:
            pid = spawn(argv, env, fds)
        except SpawnError as failed:
            if failed.pid is not None:  # its exec failed: reap it before the error goes on
                self._wait_for(failed.pid)
                failed.pid = None
            raise failed from None
        finally:
            for fd in close_after_spawn:
                os.close(fd)
        self._watch.add(pid)
        if on_start is not None:
            on_start(pid)
        pgid = pid
        status: int | None = None
        phase = _Shutdown(self.grace)
        stopped_by: int | None = None
        timed_out = False
        killed = survivors = 0

        def shutdown(reason: str) -> None:
            if phase.stopping():
                return  # one grace per command: a second TERM or a late deadline changes nothing
            self.say(f"{reason}; sending SIGTERM to the user's processes, SIGKILL after a grace of "
                     f"{self.grace:g}s")
            self.signal_all(pgid, _signal.SIGTERM)
            phase.terminate(time.monotonic())

        next_tick = time.monotonic() + TICK
        while True:
            # Steady state (the command runs and writes): one select, the callbacks, and a
            # few comparisons; the reaper runs on SIGCHLD and on the tick.
            self.poll(phase.next_wake(next_tick, None if timed_out else deadline) - time.monotonic())
            reap = False
            if self.pending:
                for sig in self.take_signals():
                    if sig == _signal.SIGCHLD:
                        reap = True
                    elif sig == _signal.SIGTERM:
                        # SIGTERM is how Kubernetes (and docker stop) ask the container to
                        # end: it starts our grace, so everything gets TERM now and KILL
                        # when the grace is over, before the kubelet's own KILL hits us.
                        if self.stop_signal is None:
                            self.stop_signal = sig
                        if stopped_by is None:
                            stopped_by = sig
                        shutdown("received SIGTERM")
                    else:
                        # INT, HUP, QUIT, USR1/2, WINCH...: meant for the job, not for us
                        # (a Ctrl-C, a reload); pass them to the command's process group
                        # as a shell would, and let the command decide whether to exit.
                        self._killpg(pgid, sig)
            now = time.monotonic()
            if reap or now >= next_tick:
                self._reap()
                next_tick = now + TICK
                if status is None and pid in self._statuses:
                    status = self._statuses.pop(pid)
                    self._watch.discard(pid)
                    phase.main_exited(now)
            if status is None:
                if deadline is not None and not timed_out and now >= deadline:
                    timed_out = True
                    shutdown(deadline_reason)
            elif leave_running and not phase.stopping():
                # A pre-command's background processes are services for the job: keep them.
                self._drain_ready(sources)
                return Result(status, timed_out=False, stopped_by=stopped_by, killed=0, survivors=0,
                              seconds=time.monotonic() - started)
            else:
                children = self.has_children()
                if children and not phase.stopping():
                    # The main process is the job: once it exited, what it left behind
                    # (daemons, a forgotten `&`) is stopped as if the job were asked to.
                    shutdown("the command exited while other processes are still running")
                open_sources = any(s.is_open() for s in sources)
                if not children and not open_sources:
                    break
                if not children and phase.phase is DRAINING and now >= phase.drain_until:
                    # A stranger (a process outside our tree) holds the pipes open: the
                    # output we wait for will never end, so stop reading after the grace.
                    self.say("the command's output pipes are still held open after the grace; closing them")
                    break
            if phase.phase is TERMINATING and now >= phase.kill_at:
                # The grace is over: KILL everything, then give the kernel a moment.
                killed = self._count_descendants()
                if killed:
                    self.say(f"{killed} process(es) still running after the grace; sending SIGKILL")
                self.signal_all(pgid, _signal.SIGKILL)
                phase.kill(now)
            elif phase.phase is KILLING and now >= phase.give_up_at:
                if status is None:
                    # The main process survived SIGKILL (uninterruptible sleep, a stuck NFS
                    # or GPU driver call): its exit status is the job's result, and a PID 1
                    # that returns now would lose it and make the kernel kill the rest
                    # without reaping; so KILL again and keep looping until it dies.
                    self.signal_all(pgid, _signal.SIGKILL)
                    phase.kill(now)
                    continue
                # Other survivors cannot hold the result: report them and leave.
                survivors = self._count_descendants()
                if survivors:
                    self.say(f"{survivors} process(es) survived SIGKILL; leaving them")
                break
        for s in sources:
            if s.is_open():
                s.abandon()
        self._reap()
        return Result(status, timed_out=timed_out, stopped_by=stopped_by, killed=killed,
                      survivors=survivors, seconds=time.monotonic() - started)

    def _drain_ready(self, sources: "list[Any]", limit: float = 1.0) -> None:
        """Read what is already in the sources' pipes (the exited command wrote it all),
        for at most ``limit`` seconds if a background process keeps writing."""
        end = time.monotonic() + limit
        while any(s.is_open() for s in sources) and time.monotonic() < end:
            events = self.selector.select(0)
            if not events:
                return
            for key, mask in events:
                key.data(mask)

    def _count_descendants(self) -> int:
        return len(self.descendants())


# == the logs ==========================================================================================================
# The logs ``run`` writes: the user command's stdout and stderr in rotated files under the
# log dir (:class:`Capture`) and passed through to our own stdout/stderr (:class:`Console`),
# and ``runtime.log``, our own lines and the pre-/post-commands' output (:class:`RuntimeLog`).
#
# Layout (the shared contract): ``user-stdout/``, ``user-stderr/`` and the merged
# ``user-all/``, each holding ``current`` plus rotated ``current.1`` (newest) ...
# ``current.<maxFiles-1>`` (oldest). Concatenating oldest to ``current`` gives the bytes the
# command wrote, exactly.
#
# Why this shape: the exit classification reads these files afterwards, so nothing may be
# lost or altered (binary output included); and our memory must stay flat whatever the user
# writes, so we move bytes in 64 KiB chunks and never look for line ends except to choose a
# nicer rotation point.
#
# Merged order is *arrival* order: two pipes read with one selector cannot tell which of two
# writes that landed in the same instant came first. ``merged-only`` mode gives the command a
# single pipe for both fds, so ``user-all`` has the exact order (and there is no split).

CHUNK = 65536
#: Reads per wake-up while a pipe keeps returning full chunks (fewer select calls).
BURST = 16
#: Bytes of this attempt's latest output kept in memory (references to the chunks read):
#: when the disk loses bytes the classification searches this tail instead of the files,
#: so a full log disk never changes the verdict (issue 18). Bounded, so memory stays flat.
MEMORY_TAIL = 4 * 1024 * 1024
PIPE_SIZE = 1 << 20
F_SETPIPE_SZ = 1031
# the bounds init checks the settings against (one set of numbers for init and run): the
# values of :mod:`pai_runtime.config.bounds`, written here because importing that module
# (with :mod:`pai_runtime.errors`) for five numbers cost every job start a millisecond;
# tests/test_faststart.py holds the two sets equal
DEFAULT_MAX_SIZE = 256 * 1024 * 1024  # bounds.DEFAULT_LOG_SIZE
DEFAULT_MAX_FILES = 2  # bounds.DEFAULT_LOG_FILES
MIN_MAX_SIZE = 4096  # bounds.MIN_LOG_SIZE
MAX_LOG_SIZE = 1 << 44  # bounds.MAX_LOG_SIZE
MAX_LOG_FILES = 100  # bounds.MAX_LOG_FILES
#: Longest unfinished line moved whole into the next file at rotation.
CARRY_MAX = 65536
STREAMS = ("user-stdout", "user-stderr", "user-all")

def parse_size(value: "Any") -> int:
    """``logs.maxSize`` in bytes (a Kubernetes quantity, :func:`pai_runtime.units.parse_size`),
    at least :data:`MIN_MAX_SIZE`. Raises ValueError. A whole number of bytes within the
    bounds (what init writes into settings.json) is taken as it is."""
    if type(value) is int and MIN_MAX_SIZE <= value <= MAX_LOG_SIZE:
        return value
    from pai_runtime.units import parse_size as _parse

    return _parse(value, minimum=MIN_MAX_SIZE, maximum=MAX_LOG_SIZE, what="logs.maxSize")


class RotatingFile:
    """``<dir>/current`` with size rotation into ``current.1`` ... ``current.<n-1>``.

    Appends to an existing ``current`` (a restarted container keeps its earlier output).
    Rotation keeps lines whole where it can: a chunk that crosses the limit is cut after its
    last newline that fits; when none fits, the unfinished line already in the file (up to
    :data:`CARRY_MAX` bytes) moves to the new file with it. Only a line longer than that
    is cut exactly at the limit. No byte is lost or duplicated either way.
    """

    def __init__(self, directory: "str | Path", max_size: int, max_files: int,
                 on_error: "Callable[[str], None] | None" = None) -> None:
        directory = os.fspath(directory)  # strings: no pathlib on the PID-1 path
        if not _remove_leftovers(directory):  # the listing is the existence check too
            os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.path = os.path.join(directory, "current")
        self.max_size = max_size
        self.max_files = max_files
        self.on_error = on_error
        self.lost = 0
        self.rotations = 0
        self._error_reported = False
        #: rotated files kept (``current.1`` .. ``current.<kept>``): rotation renames only
        #: these, so its cost never depends on maxFiles (10^9 once meant 10^9 names a rotation)
        self.kept = 0
        while self.kept < max_files - 1 and os.path.exists(os.path.join(directory, f"current.{self.kept + 1}")):
            self.kept += 1
        self.fd = self._open()
        self.size = os.fstat(self.fd).st_size
        #: Offset just after the last newline in the file (where the open line starts).
        self.line_start = self.size
        #: Another stream's files that are, for now, hard links to ours (see Capture).
        self.follower: RotatingFile | None = None

    def _open(self, truncate: bool = False) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | (os.O_TRUNC if truncate else 0)
        return os.open(self.path, flags, 0o644)

    def write(self, data: bytes) -> None:
        start, end = 0, len(data)
        while start < end:
            room = self.max_size - self.size
            if end - start <= room:
                self._append(data, start, end)
                return
            nl = data.rfind(b"\n", start, start + room) if room > 0 else -1
            if nl >= 0:
                self._append(data, start, nl + 1)
                start = nl + 1
                self._rotate()
                continue
            carry = self.size - self.line_start
            if self.line_start > 0 and 0 < carry <= min(CARRY_MAX, self.max_size // 2):
                self._rotate(carry)
                continue
            if room > 0:
                self._append(data, start, start + room)
                start += room
            self._rotate()

    def _append(self, data: bytes, start: int, end: int) -> None:
        self._write_all(data, start, end)
        if self.size + (end - start) > self.max_size - 2 * CARRY_MAX - CHUNK:
            # Only near the limit can the open line be carried; elsewhere skip the scan.
            nl = data.rfind(b"\n", start, end)
            if nl >= 0:
                self.line_start = self.size + nl + 1 - start
        else:
            self.line_start = 0  # unknown and too far back to carry
        self.size += end - start

    def _report(self, text: str) -> None:
        """The first failure of this file, once: a full disk must not flood runtime.log."""
        if not self._error_reported and self.on_error is not None:
            self._error_reported = True
            self.on_error(text)

    def _write_all(self, data: bytes, start: int, end: int) -> None:
        view = memoryview(data)[start:end] if start or end != len(data) else data
        if self.fd < 0:  # a failed open at rotation: try again, the disk may have room now
            try:
                self.fd = self._open()
            except OSError:
                self.lost += len(view)
                return
        while view:
            try:
                n = os.write(self.fd, view)
            except OSError as exc:  # ENOSPC, EIO: the log degrades, the job goes on
                self.lost += len(view)
                self._report(f"cannot write {self.path}: {exc.strerror or exc}; output is being lost "
                             "(the count of bytes lost is logged at the end)")
                return
            if n == len(view):
                return
            view = memoryview(view)[n:]

    def _rotate(self, carry: int = 0) -> None:
        """Start a new ``current``; the last ``carry`` bytes of the old one move into it."""
        self.rotations += 1
        tail = b""
        if carry:
            try:
                tail = os.pread(self.fd, carry, self.size - carry)
                os.ftruncate(self.fd, self.size - carry)
            except OSError:
                tail = b""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        try:
            self._shift()
        except OSError as exc:
            self._report(f"cannot rotate {self.path}: {exc.strerror or exc}")
        # One file only: start it empty. Several: if current could not be moved away, keep
        # appending to it (over the limit) rather than lose what it holds.
        try:
            self.fd = self._open(truncate=self.max_files == 1)
        except OSError as exc:  # a failing disk: writes count as lost until it opens again
            self._report(f"cannot open {self.path}: {exc.strerror or exc}; output is being lost")
        self.size = self.line_start = 0
        if self.follower is not None:
            self.follower._rotate_with(self)
        if tail:
            self._write_all(tail, 0, len(tail))
            self.size = len(tail)

    def _shift(self) -> None:
        """``current`` -> ``current.1`` -> ... -> ``current.<maxFiles-1>``; the file that
        falls off the end is deleted off the data path (:func:`_expire`). One rename per
        file kept, never a walk over ``maxFiles`` names (bounded at init: at most 100)."""
        join = os.path.join
        if self.max_files == 1:
            _expire(self.path)
            return
        if self.kept >= self.max_files - 1:
            _expire(join(self.directory, f"current.{self.max_files - 1}"))
            self.kept = self.max_files - 2
        for i in range(self.kept, 0, -1):
            try:
                os.replace(join(self.directory, f"current.{i}"), join(self.directory, f"current.{i + 1}"))
            except FileNotFoundError:  # removed by someone else: the files above it stay
                self.kept = i - 1
        os.replace(self.path, join(self.directory, "current.1"))
        self.kept += 1

    # -- sharing storage with another stream's files ------------------------------------------
    def _link_current(self, leader: "RotatingFile") -> None:
        tmp = os.path.join(self.directory, ".current.link")
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.link(leader.path, tmp)
        os.replace(tmp, self.path)

    def follow(self, leader: "RotatingFile") -> bool:
        """Make our ``current`` the same file as ``leader``'s: what the leader writes is
        ours too, at the cost of one write. False if the filesystem cannot link."""
        try:
            self._link_current(leader)
        except OSError:
            return False
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        leader.follower = self
        return True

    def _rotate_with(self, leader: "RotatingFile") -> None:
        """The leader rotated: rename our files the same way and link the new current."""
        try:
            self._shift()
            self._link_current(leader)
        except OSError as exc:
            self._report(f"cannot rotate {self.path}: {exc.strerror or exc}")

    def unfollow(self, leader: "RotatingFile") -> None:
        """Our stream diverges from the leader's: give ``current`` its own copy of the
        leader's current (copied inside the kernel; our memory stays flat). No room for the
        copy (ENOSPC, EIO): our ``current`` starts empty, what it missed counts as lost."""
        leader.follower = None
        try:
            self._copy_of(leader)
        except OSError as exc:
            self.lost += leader.size
            self._report(f"cannot write {self.path}: {exc.strerror or exc}; output is being lost")
            for name in (".current.copy", "current"):
                try:  # current is still the leader's file (a hard link): never append to it
                    os.unlink(os.path.join(self.directory, name))
                except OSError:
                    pass
            try:
                self.fd = self._open()
            except OSError:
                self.fd = -1
            self.size = self.line_start = 0

    def _copy_of(self, leader: "RotatingFile") -> None:
        tmp = os.path.join(self.directory, ".current.copy")
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            size = os.fstat(leader.fd).st_size
            done = 0
            while done < size:
                try:
                    n = os.copy_file_range(leader.fd, out, size - done, done)
                except OSError:
                    n = 0
                if n <= 0:  # no copy_file_range here (or a short file): copy by hand
                    chunk = os.pread(leader.fd, min(CHUNK, size - done), done)
                    if not chunk:
                        break
                    n = os.write(out, chunk)
                done += n
        finally:
            os.close(out)
        os.replace(tmp, self.path)
        self.fd = self._open()
        self.size = os.fstat(self.fd).st_size
        self.line_start = leader.line_start if self.size == leader.size else 0

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        wait_expired()


#: Rotated-out files being deleted by helper threads.
_deleting: "list[Any]" = []
_aside = 0


def _expire(path: str) -> None:
    """Delete ``path`` without stalling the capture: rename it aside now (cheap) and
    unlink it in a helper thread. Why: the last unlink of a 256 MiB file frees its pages
    in the thread that unlinks it (~40 ms on tmpfs, more on a disk), and meanwhile the
    job's pipes would not be read. A leftover from a crash is removed at the next start."""
    global _aside
    _aside += 1
    aside = os.path.join(os.path.dirname(path), f".expired.{os.getpid()}.{_aside}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return
    import threading

    t = threading.Thread(target=_unlink, args=(aside,), name="pai-log-expiry", daemon=True)
    t.start()
    _deleting.append(t)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def wait_expired() -> None:
    """Wait for the deletions started so far (before we fork again or exit)."""
    while _deleting:
        _deleting.pop().join()


def _remove_leftovers(directory: str) -> bool:
    """Delete what an earlier run left of its expired files in ``directory``; False when
    ``directory`` cannot be listed (it does not exist yet, most often)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    for name in names:
        if name.startswith(".expired."):
            _unlink(os.path.join(directory, name))
    return True


def _pipe() -> "tuple[int, int]":
    r, w = os.pipe()
    os.set_blocking(r, False)
    return r, w


def _grow(fd: int) -> None:
    """Give the pipe of ``fd`` :data:`PIPE_SIZE` bytes of buffer: a command that writes in
    bursts waits for us less often. Only once a read returned a full chunk (the default
    64 KiB pipe was full): a command that writes little never pays for :mod:`fcntl`, an
    import of every job start (~0.25 ms) otherwise."""
    try:
        import fcntl

        fcntl.fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE)
    except OSError:
        pass  # a smaller pipe only means the command waits for us a little more often


class Capture:
    """The user command's two pipes (one in merged-only mode), read through the init's
    selector into the stream files, the merged file and the consoles."""

    def __init__(self, log_dir: "str | Path", *, max_size: int = DEFAULT_MAX_SIZE, max_files: int = DEFAULT_MAX_FILES,
                 merged_only: bool = False, out_console: "Any" = None, err_console: "Any" = None,
                 on_error: "Callable[[str], None] | None" = None) -> None:
        self.merged_only = merged_only
        log_dir = os.fspath(log_dir)
        self.all = RotatingFile(os.path.join(log_dir, "user-all"), max_size, max_files, on_error)
        self.files: list[RotatingFile] = [self.all]
        self._readers: dict[int, tuple[RotatingFile | None, Any]] = {}
        if merged_only:
            r, w = _pipe()
            self._readers[r] = (None, out_console)
            self.child_fds = {1: w, 2: w}
            self._write_ends = [w]
        else:
            out = RotatingFile(os.path.join(log_dir, "user-stdout"), max_size, max_files, on_error)
            err = RotatingFile(os.path.join(log_dir, "user-stderr"), max_size, max_files, on_error)
            self.files += [out, err]
            out_r, out_w = _pipe()
            err_r, err_w = _pipe()
            self._readers[out_r] = (out, out_console)
            self._readers[err_r] = (err, err_console)
            self.child_fds = {1: out_w, 2: err_w}
            self._write_ends = [out_w, err_w]
        self.bytes = 0
        #: Bytes this capture appended to user-all: where this attempt's output starts,
        #: counted from the end (exitspec/attempt.py), whatever rotation did meanwhile.
        self.all_bytes = 0
        #: bytes no file took because writing raised where no file counted them
        self._lost_elsewhere = 0
        self._tail: list[bytes] = []
        self._tail_size = 0
        self._on_error = on_error
        self._error_said = False
        self._init: Any = None
        # While only one stream has written, user-all/current *is* that stream's file (a
        # hard link): same bytes, written once. The first byte of the other stream gives
        # user-all its own copy. A restarted container resumes a link it finds.
        self._mirror: RotatingFile | None = None
        self._decided = merged_only
        if not merged_only:
            for f in self.files[1:]:
                if os.path.samestat(os.fstat(self.all.fd), os.fstat(f.fd)) and self.all.follow(f):
                    self._mirror, self._decided = f, True
                    break

    def _remember(self, data: bytes) -> None:
        """Keep at least the last :data:`MEMORY_TAIL` bytes of the merged output: chunks
        are dropped from the front once twice that is held (amortized O(1) per chunk; a
        list, not a deque: ``collections`` is an import the PID-1 path does not pay)."""
        self._tail.append(data)
        self._tail_size += len(data)
        if self._tail_size > 2 * MEMORY_TAIL:
            drop = 0
            while self._tail_size - len(self._tail[drop]) >= MEMORY_TAIL:
                self._tail_size -= len(self._tail[drop])
                drop += 1
            del self._tail[:drop]

    def tail(self) -> bytes:
        """This attempt's latest output as the user-all file would hold it, had the disk
        taken every byte (at most :data:`MEMORY_TAIL` bytes)."""
        return b"".join(self._tail)[-MEMORY_TAIL:]

    def _route(self, own: "RotatingFile", data: bytes) -> None:
        """Write a chunk of one stream to its file and to user-all."""
        self.all_bytes += len(data)
        self._remember(data)
        if self._mirror is own:
            own.write(data)
            return
        if self._mirror is not None:
            self.all.unfollow(self._mirror)
            self._mirror = None
        elif not self._decided:
            self._decided = True
            if self.all.size == 0 and own.size == 0 and self.all.follow(own):
                self._mirror = own
                own.write(data)
                return
        own.write(data)
        self.all.write(data)

    def write_ends(self) -> "list[int]":
        """Our copies of the pipes' write ends: close them once the command has started,
        or EOF would never come."""
        ends, self._write_ends = self._write_ends, []
        return ends

    def attach(self, init: "Any") -> None:
        self._init = init
        for fd in self._readers:
            init.register(fd, EVENT_READ, self._callback(fd))

    def _callback(self, fd: int) -> "Callable[[int], None]":
        own, console = self._readers[fd]
        merged = self.all
        route = self._route
        read = os.read
        small = True  # the pipe still has its default size (see _grow)

        def on_readable(mask: int) -> None:
            nonlocal small
            # a burst ends at a rotation: with 100 tiny files each costs 99 renames, and
            # signals and the other pipe are served between callbacks
            rotated = merged.rotations + (own.rotations if own is not None else 0)
            for _ in range(BURST):
                try:
                    data = read(fd, CHUNK)
                except BlockingIOError:
                    return
                except OSError:
                    data = b""
                if not data:
                    self._close_reader(fd)
                    return
                self.bytes += len(data)
                try:
                    if own is not None:
                        route(own, data)
                    else:
                        self.all_bytes += len(data)
                        self._remember(data)
                        merged.write(data)
                except OSError as exc:  # the log files degrade; the job and its console go on
                    self._lost_elsewhere += len(data)
                    if self._on_error is not None and not self._error_said:
                        self._error_said = True
                        self._on_error(f"cannot write the log files: {exc.strerror or exc}; output is being lost")
                if console is not None:
                    console.write(data)
                if small and len(data) == CHUNK:
                    small = False
                    _grow(fd)
                if len(data) < CHUNK or rotated != merged.rotations + (own.rotations if own is not None else 0):
                    return

        return on_readable

    def _close_reader(self, fd: int) -> None:
        if fd in self._readers:
            if self._init is not None:
                self._init.unregister(fd)
            os.close(fd)
            del self._readers[fd]

    def note_stderr(self, line: bytes) -> None:
        """A line of ours that belongs in the user's stderr (e.g. "command not found")."""
        if self.merged_only:
            self.all_bytes += len(line)
            self._remember(line)
            self.all.write(line)
        else:
            self._route(self.files[2], line)

    def is_open(self) -> bool:
        return bool(self._readers)

    def abandon(self) -> None:
        """Stop reading (processes outside our reach still hold the write ends)."""
        for fd in list(self._readers):
            self._close_reader(fd)

    def close(self) -> None:
        for fd in self.write_ends():
            os.close(fd)
        self.abandon()
        for f in self.files:
            f.close()

    @property
    def lost(self) -> int:
        """Bytes of output the log files did not get (a full or failing disk)."""
        return sum(f.lost for f in self.files) + self._lost_elsewhere



#: Bytes buffered per console before we start dropping.
CONSOLE_LIMIT = 1 << 20


class Console:
    """Pass-through of the job's output to our own stdout or stderr (``kubectl logs``).

    Why bounded and non-blocking: the container's console is read by someone else (the CRI
    shim, ``docker logs``, a terminal). If that reader stalls, a blocking write would stall
    us, then the pipe from the user command fills and the *job* stalls. So the console gets
    a bounded buffer; what does not fit is dropped and counted. The log files get
    everything; the console is best effort.
    """

    def __init__(self, fd: int, init: "Any" = None, limit: int = CONSOLE_LIMIT) -> None:
        self.fd = fd
        self.init = init
        self.limit = limit
        self.buf = bytearray()
        self.dropped = 0
        self.broken = False
        self._restore_blocking = False
        self._registered = False
        try:
            st = os.fstat(fd)
        except OSError:
            self.broken = True
            return
        # Non-blocking only where a reader can stall us; never on a terminal or an fd that
        # is also the user's stdin (O_NONBLOCK belongs to the open file, and would make
        # their reads fail with EAGAIN).
        stallable = stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode)
        if stallable and not _shared_with_stdin(fd, st) and os.get_blocking(fd):
            os.set_blocking(fd, False)
            self._restore_blocking = True

    def write(self, data: "bytes | memoryview") -> None:
        """Write what the console takes now, buffer the rest up to the limit, drop beyond."""
        if self.broken:
            self.dropped += len(data)
            return
        if not self.buf:
            try:
                n = os.write(self.fd, data)
            except BlockingIOError:
                n = 0
            except OSError:
                self._break()
                self.dropped += len(data)
                return
            if n >= len(data):
                return
            data = memoryview(data)[n:]
        room = self.limit - len(self.buf)
        if room >= len(data):
            self.buf += data
        else:
            if room > 0:
                self.buf += data[:room]
            self.dropped += len(data) - max(room, 0)
        if self.buf and not self._registered and self.init is not None:
            self.init.register(self.fd, EVENT_WRITE, self._on_writable)
            self._registered = True

    def _on_writable(self, mask: int) -> None:
        self._flush_some()

    def _flush_some(self) -> None:
        if self.buf:
            try:
                n = os.write(self.fd, self.buf)
            except BlockingIOError:
                n = 0
            except OSError:
                self.dropped += len(self.buf)
                self.buf.clear()
                self._break()
                return
            del self.buf[:n]
        if not self.buf and self._registered:
            self.init.unregister(self.fd)
            self._registered = False

    def _break(self) -> None:
        """The console went away (EPIPE, EIO): stop trying; the files still get everything."""
        self.broken = True
        if self._registered and self.init is not None:
            self.init.unregister(self.fd)
            self._registered = False

    def close(self, timeout: float = 1.0) -> None:
        """Give the buffered bytes ``timeout`` seconds to go out, then restore the fd."""
        if self.buf and not self.broken:
            import select
            import time

            end = time.monotonic() + timeout
            while self.buf and not self.broken:
                left = end - time.monotonic()
                if left <= 0:
                    break
                try:
                    select.select([], [self.fd], [], left)
                except OSError:
                    break
                self._flush_some()
            self.dropped += len(self.buf)
            self.buf.clear()
        if self._registered and self.init is not None:
            self.init.unregister(self.fd)
            self._registered = False
        if self._restore_blocking:
            try:
                os.set_blocking(self.fd, True)
            except OSError:
                pass
            self._restore_blocking = False


def _shared_with_stdin(fd: int, st: "os.stat_result") -> bool:
    if fd == 0:
        return True
    try:
        s0 = os.fstat(0)
    except OSError:
        return False
    return (s0.st_dev, s0.st_ino) == (st.st_dev, st.st_ino)


#: A runtime.log line without newline is cut into pieces of this size (memory stays flat).
MAX_LINE = 65536


class RuntimeLog:
    """Appends lines to ``runtime.log`` and echoes them to a console (our stderr): our own
    messages and the pre-/post-commands' output, one timestamped line each, with every
    registered secret masked.

    Why not structlog or logging: this is on the PID-1 path (stdlib only, light), and the
    file is the "platform log" the exit classification matches against, so its lines must be
    plain text: ``2024-05-01T12:00:00.123Z [source] message``. The same lines go to our stderr
    (``kubectl logs``); with ``PAI_LOG_FORMAT=json`` they go there as JSON objects with the
    keys init's JSON lines use (``event``, ``level``, ``timestamp``, ``phase``; plus
    ``source``), so a collector reads one format from every command (the file stays text).
    """

    def __init__(self, path: "Path | None", console: "Any" = None, *, fmt: "str | None" = None) -> None:
        self.path = path
        self.console = console
        self.fd = -1
        value = fmt if fmt is not None else os.environ.get("PAI_LOG_FORMAT", "")
        self.json = value.strip().lower() == "json"
        if path is not None:
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)

    def line(self, source: str, text: str, *, echo: bool = True) -> None:
        # A secret is registered only through pai_runtime.redact: while nothing has imported
        # it (no runtime.d/redact.json, the common job) there is nothing to mask, and the
        # PID-1 path does not load it only to learn that (a module is ~0.1 ms of every start).
        redact = sys.modules.get("pai_runtime.redact")
        if redact is not None:
            text = redact.scrub(text)
        ts = timestamp()
        data = f"{ts} [{source}] {text}\n".encode("utf-8", "surrogateescape")
        if self.fd >= 0:
            try:
                os.write(self.fd, data)
            except OSError:
                pass
        if echo and self.console is not None:
            if self.json:
                from pai_runtime import fastjson

                data = (fastjson.dumps({"event": text, "source": source, "phase": "run", "level": "info",
                                    "timestamp": ts}) + "\n").encode("utf-8", "surrogateescape")
            self.console.write(data)

    def say(self, text: str) -> None:
        """One of our own messages."""
        self.line("pai-runtime", text)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class LineSink:
    """A pipe whose output becomes ``[source]`` lines of the runtime log (pre-/post-commands;
    their stdout and stderr share it, so the order is exact)."""

    def __init__(self, log: "RuntimeLog", source: str) -> None:
        self.log = log
        self.source = source
        self.r, w = os.pipe()
        os.set_blocking(self.r, False)
        self.child_fds = {1: w, 2: w}
        self._w: list[int] = [w]
        self._partial = b""
        self._open = True
        self._init: Any = None

    def write_ends(self) -> "list[int]":
        ends, self._w = self._w, []
        return ends

    def attach(self, init: "Any") -> None:
        self._init = init
        init.register(self.r, EVENT_READ, self._on_readable)

    def _on_readable(self, mask: int) -> None:
        self._read_once()

    def _read_once(self) -> int:
        """Read one chunk into lines; the number of bytes read (0 at EOF or nothing ready)."""
        try:
            data = os.read(self.r, 65536)
        except BlockingIOError:
            return 0
        except OSError:
            data = b""
        if not data:
            self._finish()
            return 0
        n = len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        for raw in lines:
            self._emit(raw)
        while len(self._partial) >= MAX_LINE:
            self._emit(self._partial[:MAX_LINE])
            self._partial = self._partial[MAX_LINE:]
        return n

    def _emit(self, raw: bytes) -> None:
        self.log.line(self.source, raw.rstrip(b"\r").decode("utf-8", "replace"))

    def _finish(self) -> None:
        if self._partial:
            self._emit(self._partial)
            self._partial = b""
        if self._open:
            self._open = False
            if self._init is not None:
                self._init.unregister(self.r)
            os.close(self.r)

    def is_open(self) -> bool:
        return self._open

    def abandon(self) -> None:
        self._finish()

    def close(self, limit: int = 1 << 20) -> None:
        """Read what is already in the pipe (a service's last words as it was stopped: it
        can exit before the selector got to them), up to ``limit`` bytes, then close."""
        for fd in self.write_ends():
            os.close(fd)
        got = 0
        while self._open and got < limit:
            n = self._read_once()
            if not n:
                break
            got += n
        self._finish()

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

Stdlib only: this is on the path from container start to the user's first instruction.
"""

import _signal
import os
import sys
import time

# Forwarded to the user's process group, and job control ignored: defined where they are
# first caught (the package's __init__, before this module is imported).
from pai_runtime.supervisor import FORWARDED, IGNORED, early_signals

TYPE_CHECKING = False  # typing costs ms on the PID-1 path; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
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

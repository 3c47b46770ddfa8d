"""init ends with 128+N within :data:`STOP_GRACE` seconds of SIGTERM/SIGINT/SIGHUP, always.

Why a thread on the wakeup fd and not only the Python signal handler: the orderly way out
(the handler stops the running child, raises in the main thread, init writes its
termination message and summary) needs the main thread to get back to Python code. A
built-in stuck in a C call, a lock held by an abandoned plugin thread, a slow Event post:
any of them would keep the pod in Terminating until the kubelet's SIGKILL, and the exit
would read 137 instead of 143. The C-level signal handler writes the signal number to the
wakeup fd whatever the main thread is doing; this thread reads it, waits the grace, and
ends the process with ``os._exit(128+N)`` if init is still there. When the orderly way
finishes first the process is gone and the watchdog with it.

Why :mod:`_signal` and an event rather than :mod:`signal` and ``select``: the wrapper
module builds its enums at import and ``select`` is one more extension module; together
~1 ms of every init's start for three constants, one call and one timed wait.
"""

from __future__ import annotations

import _signal
import _thread
import os
import sys
import threading

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping

#: seconds init may take to stop after a signal: a child's TERM -> KILL grace (2 s), the
#: failure Event's deadline (5 s) and the summary fit in it; the kubelet's default grace is 30 s.
#: ``PAI_INIT_STOP_GRACE`` (a duration) changes it.
STOP_GRACE = 10.0
#: longest grace ``PAI_INIT_STOP_GRACE`` may ask for: far beyond any kubelet grace period,
#: and ``select`` cannot wait 1e300 s (OverflowError killed this thread: issue 18)
MAX_STOP_GRACE = 3600.0
#: the signals that stop init (pipeline.on_signals installs their handlers)
STOP_SIGNALS = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP)


def grace_from(environ: Mapping[str, str]) -> tuple[float, str | None]:
    """The grace ``PAI_INIT_STOP_GRACE`` asks for, and a warning when it is not a positive
    duration (then the default holds: a typo must not take the bound away)."""
    from pai_runtime.units import UnitError, parse_duration

    text = environ.get("PAI_INIT_STOP_GRACE")
    if not text:
        return STOP_GRACE, None
    try:
        value = parse_duration(text)
    except UnitError as exc:
        return STOP_GRACE, f"PAI_INIT_STOP_GRACE ignored: {exc}"
    if value is None or value <= 0:
        return STOP_GRACE, "PAI_INIT_STOP_GRACE ignored: give a positive duration such as 10s"
    if value > MAX_STOP_GRACE:
        return STOP_GRACE, (f"PAI_INIT_STOP_GRACE ignored: {text!r} is longer than 1h; "
                            "give a positive duration such as 10s")
    return value, None


class Watchdog:
    """Armed for one init run (:meth:`start` from the main thread, :meth:`stop` at its end).

    Why a bare :func:`_thread.start_new_thread` and no join: ``Thread.start`` waits until
    the new thread runs and ``join`` until it ends, each a hand-off of the interpreter
    lock through the scheduler (up to 10 ms on a loaded node); the watchdog needs neither.
    It is daemonic as a ``_thread`` thread is (the interpreter's exit does not wait for
    it), it owns the read end of its pipe and closes it when it ends, and :meth:`stop`
    owns the write end."""

    def __init__(self, grace: float = STOP_GRACE) -> None:
        self.grace = grace
        self._r = self._w = -1
        self._old_fd = -1
        self._running = False
        #: set by :meth:`stop`: init finished (within the grace, if a signal came)
        self._done = threading.Event()

    def start(self) -> None:
        """After the Python handlers are installed (the wakeup fd is only written for
        signals that have one)."""
        self._r, self._w = os.pipe2(os.O_CLOEXEC)
        os.set_blocking(self._w, False)
        self._old_fd = _signal.set_wakeup_fd(self._w, warn_on_full_buffer=False)
        _thread.start_new_thread(self._run, (self._r,))
        self._running = True

    def stop(self) -> None:
        """init is done (``up`` goes on to ``run``, which installs its own): give the wakeup
        fd back and tell the thread to end (it closes its end of the pipe)."""
        if not self._running:
            return
        self._running = False
        _signal.set_wakeup_fd(self._old_fd)
        self._done.set()  # before the byte: a watch already counting the grace ends too
        try:
            os.write(self._w, b"\0")  # 0 is no signal: "end"
        except OSError:
            pass
        try:
            os.close(self._w)
        except OSError:
            pass

    def _run(self, fd: int) -> None:
        try:
            self._watch()
        finally:
            try:
                os.close(fd)
            except OSError:
                pass

    def _watch(self) -> None:
        signum = 0
        while not signum:
            try:
                data = os.read(self._r, 64)
            except OSError:
                return
            for byte in data or b"\0":
                if byte == 0:
                    return
                if byte in STOP_SIGNALS:
                    signum = byte
                    break
        if self._done.wait(self.grace):  # init finished in time (later signals' bytes stay unread)
            return
        code = 128 + signum
        try:
            # a child group must not outlive init (outside a container it would); children
            # exist only once the runner is imported, and importing it here could wait on an
            # import lock the stuck main thread holds, so only an imported runner is asked
            kill_all = getattr(sys.modules.get("pai_runtime.childproc"), "kill_all", None)
            if kill_all is not None:
                kill_all()
            os.set_blocking(2, False)  # a stuck stderr must not keep us either
            os.write(2, f"pai-runtime init: still stopping {self.grace:g}s after signal {signum}; "
                        f"exiting {code} now\n".encode())
        finally:
            os._exit(code)

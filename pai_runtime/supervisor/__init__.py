"""``pai-runtime run``: the job container's PID 1 (stdlib only on this path).

:func:`main` first records the signals that arrive while ``run`` is still starting (see
:func:`catch_early_signals`), then :mod:`.job` owns the sequence (env, settings, addons,
pre-commands, user command, post-commands, exit classification), :mod:`.pid1` the init
mechanics (spawn, signals, the one reaper, grace), :mod:`.logs` the captured and rotated
user logs, the non-blocking pass-through to our own stdout/stderr and the timestamped
``runtime.log``. See docs/supervisor.md.

Why the early signal record lives here and not in a module of its own: every module on
this path costs every job start its import (~0.1 ms each on a loaded node), and this one
is imported anyway.
"""

import _signal

#: Signals forwarded to the user's process group (TERM also starts the shutdown).
FORWARDED = (_signal.SIGTERM, _signal.SIGINT, _signal.SIGHUP, _signal.SIGQUIT, _signal.SIGUSR1,
             _signal.SIGUSR2, _signal.SIGWINCH, _signal.SIGCONT)
#: Job-control signals an init ignores for itself (a stopped PID 1 stops the container).
IGNORED = (_signal.SIGTSTP, _signal.SIGTTIN, _signal.SIGTTOU)

_pending: "list[int]" = []


def main(argv: "list[str]", *, local: bool = False) -> int:
    """Run the job; ``argv`` is what follows ``run`` (``--`` and a command, or nothing
    for ``runtime.d/user.sh``). Returns the classified exit code."""
    catch_early_signals()  # before the imports below
    import gc

    # Off while run starts, frozen and back on before the first command (Job.collector_on):
    # the start only creates what lives as long as PID 1 (modules, classes, the job), and
    # collecting it twice over cost every job start ~0.2 ms.
    gc.disable()
    from pai_runtime.supervisor import job

    return job.run(argv, local=local)


def _record(signum: int, frame: object) -> None:
    _pending.append(signum)


def catch_early_signals() -> None:
    """Record the forwarded signals, ignore job control, and unblock everything (a mask
    inherited through exec would hold a SIGTERM back forever).

    Why: until :class:`~pai_runtime.supervisor.pid1.Init` installs its handlers, a signal
    meets the interpreter's defaults: SIGINT raises KeyboardInterrupt (a traceback instead
    of a clean stop), SIGTERM kills us unclassified when we are not PID 1, and as PID 1 the
    kernel drops it, so a pod deleted right after its start would run its job anyway. This
    is the first thing ``run`` does (before its imports); it uses the C module ``_signal``
    (``signal`` costs the enum machinery, milliseconds) and only records what arrives;
    Init adopts the record with :func:`early_signals`. What remains uncovered is the
    interpreter's own start, before any of our code runs."""
    for sig in FORWARDED:
        _signal.signal(sig, _record)
    for sig in IGNORED:
        _signal.signal(sig, _signal.SIG_IGN)
    _signal.pthread_sigmask(_signal.SIG_SETMASK, ())


def early_signals() -> "list[int]":
    """The signals recorded so far, oldest first (the record is emptied)."""
    sigs = _pending[:]
    del _pending[: len(sigs)]
    return sigs

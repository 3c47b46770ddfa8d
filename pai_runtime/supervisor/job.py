"""The job container's sequence (:class:`Job`, :func:`run`): defined in
:mod:`pai_runtime.supervisor.pid1`, named here for the code and tests that import it from
its old home.

Why it lives there: every module on the PID-1 path costs every job start its import
(~0.1 ms on a loaded node, issue 19), and ``run`` needs the sequence, the init and the
logs on every start. This module is not on that path: nothing of ``run`` imports it.
"""

from pai_runtime.supervisor import pid1


def __getattr__(name: str) -> object:
    """Every name of the sequence, read from :mod:`~pai_runtime.supervisor.pid1` (PEP 562)."""
    try:
        return getattr(pid1, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

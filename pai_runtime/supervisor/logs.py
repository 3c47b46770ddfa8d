"""The logs ``run`` writes (:class:`Capture`, :class:`Console`, :class:`RuntimeLog`,
:class:`LineSink`, :class:`RotatingFile`): defined in :mod:`pai_runtime.supervisor.pid1`,
named here for the code and tests that import them from their old home.

Why they live there: every module on the PID-1 path costs every job start its import
(~0.1 ms on a loaded node, issue 19), and ``run`` needs both halves on every start. This
module is not on that path: nothing of ``run`` imports it.
"""

from pai_runtime.supervisor import pid1


def __getattr__(name: str) -> object:
    """Every name of the logs, read from :mod:`~pai_runtime.supervisor.pid1` (PEP 562)."""
    try:
        return getattr(pid1, name)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None

"""Exit classification: the exit spec, the classifier, the termination message.

Why import-light: ``pai-runtime run`` imports this package on its PID-1 path; RE2, YAML
and the classifier are imported only inside the two entry points below.

* :func:`install_spec` (init): load and validate the exit spec, write the normalised copy
  into ``runtime.d``; a bad spec fails init with 247 naming the entry and the pattern
  (the code lives in :mod:`.install`, which only init loads).
* :func:`finish` (run): classify the job's exit, write the termination message, return
  the code ``run`` exits with. Never raises.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` and ``pathlib`` cost the PID-1 path milliseconds; annotations are strings
    from pathlib import Path
    from typing import Any

    from pai_runtime.init.context import InitContext

#: The termination message of a successful run: written without importing the
#: classifier, so a job that succeeds pays nothing for the exit spec.
SUCCESS_MESSAGE = b"exitCode: 0\nphrase: Succeeded\n"


def finish(exit_code: int, *, layout: Any, settings: dict[str, Any], runtime_log: str | Path,
           forced: tuple[int, str] | None = None, attempt: Any = None, report: Any = None,
           say: Any = None, user_tail: bytes | None = None) -> int:
    """Classify ``exit_code`` (user log = ``layout.log_dir/"user-all"``, platform log =
    ``runtime_log``), write the termination message (``layout.termination_log`` and a copy
    in the log dir) and return the container's exit code. ``forced=(code, reason)`` skips
    matching (the running threshold). ``user_tail`` (bytes the log disk lost) is searched
    instead of the user log. Exit 0 writes a short success message and returns 0.
    """
    try:
        from pai_runtime.exitspec.jobexit import finish as _finish

        return _finish(exit_code, layout=layout, settings=settings, runtime_log=runtime_log, forced=forced,
                       attempt=attempt, report=report, say=say, user_tail=user_tail)
    except BaseException:  # noqa: BLE001 - even an import failure must not mask the user's code
        try:
            code = int(exit_code)
        except (TypeError, ValueError):
            return 255
        code = 128 - code if code < 0 else code
        return code if 0 <= code <= 255 else 255


def install_spec(ctx: InitContext) -> None:
    """Init's entry point: see :func:`pai_runtime.exitspec.install.install_spec`."""
    from pai_runtime.exitspec.install import install_spec as install

    install(ctx)

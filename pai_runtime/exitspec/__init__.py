"""Exit classification: the exit spec, the classifier, the termination message.

Why import-light: ``pai-runtime run`` imports this package on its PID-1 path; RE2, YAML
and the classifier are imported only inside the two entry points below.

* :func:`install_spec` (init): load and validate the exit spec, write the normalised copy
  into ``runtime.d``; a bad spec fails init with 247 naming the entry and the pattern
  (the code lives in :mod:`.install`, which only init loads).
* :func:`finish` (run): classify the job's exit, write the termination message, return
  the code ``run`` exits with. Never raises. A job that succeeded gets its short message
  from here, without :mod:`.jobexit` or the classifier: every job start pays for the
  modules of this path, and a success needs none of them.

No ``from __future__ import annotations`` and no ``typing`` here: both are imports of the
PID-1 path (annotations naming what only type checkers import are strings).
"""

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` and ``pathlib`` cost the PID-1 path milliseconds
    from pathlib import Path
    from typing import Any

    from pai_runtime.init.context import InitContext

#: The termination message of a successful run: written without importing the
#: classifier, so a job that succeeds pays nothing for the exit spec.
SUCCESS_MESSAGE = b"exitCode: 0\nphrase: Succeeded\n"


def finish(exit_code: int, *, layout: "Any", settings: "dict[str, Any] | None", runtime_log: "str | Path | None",
           forced: "tuple[int, str] | None" = None, attempt: "Any" = None, report: "Any" = None,
           say: "Any" = None, user_tail: "bytes | None" = None) -> int:
    """Classify ``exit_code`` (user log = ``layout.log_dir/"user-all"``, platform log =
    ``runtime_log``), write the termination message (``layout.termination_log`` and a copy
    in the log dir) and return the container's exit code. ``forced=(code, reason)`` skips
    matching (the running threshold). ``user_tail`` (bytes the log disk lost) is searched
    instead of the user log. Exit 0 writes a short success message and returns 0.
    """
    try:
        if exit_code == 0 and forced is None:
            errors = write_success(layout)
            if not errors:
                return 0
            from pai_runtime.exitspec.jobexit import Notes  # only to say what could not be written

            notes = Notes()
            for text in errors:
                notes.add(text)
            notes.flush(say)
            return 0
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


def write_success(layout: "Any") -> "list[str]":
    """Write :data:`SUCCESS_MESSAGE` to the termination path and the log dir's copy; the
    notes for runtime.log of what could not be written (none when both were).

    Fixed text: nothing to mask, no ``re``; paths as strings (a Layout field may be a
    ``str`` or a ``Path``), so a successful run writes its message without pathlib."""
    errors = []
    for target in (os.fspath(layout.termination_log), os.path.join(layout.log_dir, "termination-log")):
        try:
            overwrite(target, SUCCESS_MESSAGE)
        except OSError as exc:
            errors.append(f"cannot write the termination message to {target}: {exc.strerror or exc}")
    return errors


def overwrite(path: str, data: bytes) -> None:
    """Leave ``path`` holding exactly ``data``, as ``open(path, "wb").write(data)`` does,
    without truncating it to zero first.

    Why: ext4 flushes a file that was truncated to zero and written again when it is
    closed (``auto_da_alloc``, its guard for programs that rewrite files in place), about
    0.2-0.4 ms per file of every job container's exit, twice. Written from offset 0 and then
    cut to its length, the file never passes through zero bytes, so nothing is flushed; a
    pipe or a device (``PAI_TERMINATION_LOG=/dev/stderr``) is only written, as before."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        if os.fstat(fd).st_mode & 0o170000 == 0o100000:  # a regular file: cut what an older message left
            os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


def install_spec(ctx: "InitContext") -> None:
    """Init's entry point: see :func:`pai_runtime.exitspec.install.install_spec`."""
    from pai_runtime.exitspec.install import install_spec as install

    install(ctx)

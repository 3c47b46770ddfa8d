"""Shipped runtime plugins whose init entry runs in init's own interpreter.

Why: a fresh interpreter for one plugin costs ~50 ms of every init (the interpreter's
start, ``runpy``, the plugin API's imports), the largest single step of a typical init,
for a plugin like ``cmd`` whose whole work is to read its input file and append the
user's own lines to two snippet files, or ``ssh`` whose init step only checks its
parameters and writes sshd's and ssh's configuration (sshd, host keys and the barrier
run in the job container, from its snippets), and ``git`` and ``initscripts`` the same
way (the clone and the scripts run in the job container). What a child process gives a plugin (isolation
from whatever Python packages the image holds, its folder as the working dir, a time
limit enforced by killing it) matters for code that imports more than the standard
library and ``pai_runtime``, starts processes, or may hang; the plugins named in
:data:`IN_PROCESS` do none of that. Only the copy shipped with the runtime, in the
runtime's own ``plugins/`` folder, runs here: a plugin of the same name anywhere else
(``PAI_PLUGINS_DIR``, the config dir) runs as a child like every other plugin.

Seen from the plugin and from the job nothing differs: the same input and the same
environment variables while it runs, the same snippet files, the same output lines
(stdout and stderr in one stream, in order), and the same exit code as a child's:
``sys.exit(n)``, :func:`pai_runtime.plugin_api.fail`, 1 with its traceback for an
uncaught exception. The input's text is handed over in memory (``plugin_api.load``
reads it under the path ``PAI_PLUGIN_INPUT`` names) instead of through a file written
and removed again: the plugins of :data:`IN_PROCESS` read their input only that way.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

#: shipped plugins whose init entry reads its input (through ``plugin_api.load`` only),
#: writes its snippet files and prints, nothing else (no imports beyond the standard
#: library and pai_runtime, no processes, no waiting, no use of the working dir)
IN_PROCESS = frozenset({"cmd", "ssh", "git", "initscripts"})


def eligible(desc: Any) -> bool:
    """Whether ``desc`` is a plugin of :data:`IN_PROCESS` run from the runtime's own
    ``plugins/`` folder, with a Python init entry inside that folder."""
    if getattr(desc, "name", None) not in IN_PROCESS or getattr(desc, "init_kind", None) != "python":
        return False
    from pai_runtime.layout import resource_dir

    try:  # os.path.realpath is Path.resolve() without pathlib (links followed, never raises)
        shipped = os.path.realpath(os.path.join(resource_dir(), "plugins", desc.name))
        return (os.path.realpath(desc.directory) == shipped
                and os.path.dirname(os.path.realpath(desc.init_target)) == shipped)
    except (OSError, ValueError):
        return False


class _Lines:
    """The plugin's stdout and stderr, one stream, cut into lines as a pipe would carry them."""

    encoding = "utf-8"
    errors = "strict"

    def __init__(self) -> None:
        self.chunks: list[str] = []

    def write(self, text: str) -> int:
        self.chunks.append(text)
        return len(text)

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False

    def lines(self) -> list[str]:
        return "".join(self.chunks).splitlines()


def _exit_code(exc: SystemExit, out: _Lines) -> int:
    """What the interpreter would exit with for ``exc`` (it prints a non-integer code)."""
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int) and not isinstance(code, bool):
        return code & 0xFF
    out.write(f"{code}\n")
    return 1


def _code(filename: str) -> Any:
    """The code of ``filename``: from the byte code an install compiled beside it (its
    ``__pycache__``, as ``compileall`` and pip write it, checked against the source as an
    import checks it), else compiled from the source. Nothing is written here.

    Why: the first ``compile()`` in a process builds the interpreter's AST types, ~1.3 ms
    of init for a plugin of 40 lines (an import never compiles when its byte code is
    current, so init has compiled nothing before); the loader that reads byte code
    (``importlib.machinery``, ~0.2 ms) is loaded only when there is byte code to read."""
    head, name = os.path.split(filename)
    cached = os.path.join(head, "__pycache__", f"{name[:-3]}.{sys.implementation.cache_tag}.pyc")
    if (name.endswith(".py") and sys.implementation.cache_tag and not sys.flags.optimize
            and sys.pycache_prefix is None and os.path.isfile(cached)):
        from importlib.machinery import SourceFileLoader

        class _ReadOnly(SourceFileLoader):
            def set_data(self, path: str, data: bytes, *, _mode: int = 0o666) -> None:
                """Never write byte code: what an install did not compile stays uncompiled
                (a cache made at the first init would only help the next init here)."""

        return _ReadOnly("__main__", filename).get_code("__main__")
    with open(filename, "rb") as f:
        return compile(f.read(), filename, "exec")


def run(script: str | os.PathLike[str], env: Mapping[str, str],
        inputs: Mapping[str, str] | None = None) -> tuple[int, list[str]]:
    """Run ``script`` as ``__main__`` with ``env`` as the process environment; returns its
    exit code and its output lines (secrets not yet masked, as a child's). ``inputs``:
    input files' text by path, which ``plugin_api.load`` reads instead of the files."""
    from pai_runtime.runtimeplugins import api

    out = _Lines()
    saved_env = dict(os.environ)
    saved = sys.stdout, sys.stderr, sys.argv
    code = 0
    try:  # only what differs is set and unset (each is a putenv), and put back after
        for key in [k for k in saved_env if k not in env]:
            del os.environ[key]
        for key, value in env.items():
            if saved_env.get(key) != value:
                os.environ[key] = value
        api.HANDED.update(inputs or {})
        sys.stdout = sys.stderr = out  # type: ignore[assignment]
        filename = os.fspath(script)
        sys.argv = [filename]
        try:
            namespace: dict[str, Any] = {"__name__": "__main__", "__file__": filename,
                                         "__builtins__": __builtins__}
            exec(_code(filename), namespace)  # noqa: S102 - the shipped plugin itself
        except SystemExit as exc:
            code = _exit_code(exc, out)
        except Exception:  # noqa: BLE001 - what the interpreter prints for an uncaught exception
            import traceback

            out.write(traceback.format_exc())
            code = 1
    finally:
        for key in inputs or {}:
            api.HANDED.pop(key, None)
        sys.stdout, sys.stderr, sys.argv = saved
        for key in [k for k in os.environ if k not in saved_env]:
            del os.environ[key]
        for key, value in saved_env.items():
            if os.environ.get(key) != value:
                os.environ[key] = value
    return code, out.lines()

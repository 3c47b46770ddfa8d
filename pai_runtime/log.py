"""structlog set-up for init and the CLI: text lines by default, JSON lines on request.

Why text by default everywhere: in a pod our output is never a terminal, and people read
it with ``kubectl logs``; a line per event with ``key=value`` pairs (and the init summary
as a table) is what they can read. ``PAI_LOG_FORMAT=json`` switches every command,
``run`` included (see :mod:`pai_runtime.supervisor.runlog`), to one JSON object per line
for log collectors; a stream never mixes the two (``up`` is init then run on one stream,
both in the same format). ``console`` is accepted as another name for ``text``.

Why a redaction processor last-but-one: whatever key a plugin puts a credential under,
the rendered line is scrubbed of every registered secret (:mod:`pai_runtime.redact`)
before it reaches any sink. Lines go to stderr and, once the log dir is known, to a file
(``init.log``), so ``kubectl logs`` and the shared volume both keep them.

Why structlog is imported the way :func:`_structlog` does: ``import structlog`` imports
all of its integrations, among them its stdlib-logging one, whose async logger classes
(and ``_native``'s async methods) import :mod:`asyncio` (with ``ssl``, ``socket``,
``concurrent.futures``) and its thread-local one (``uuid``, ``platform``): half of
structlog's import time, for code init never calls. Those modules are
bound to stand-ins while structlog is imported; a stand-in imports the real module on
first use, so nothing is lost, and the stand-ins leave ``sys.modules`` at once (whoever
imports asyncio later gets the real one).

structlog is imported only by commands that log through it; the PID-1 path (``run``)
writes ``runtime.log`` with its own stdlib writer.
"""

from __future__ import annotations

import os
import sys
import threading

from pai_runtime import redact

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pathlib import Path
    from typing import IO, Any

#: what :func:`_structlog` keeps from being imported with structlog (see the module doc)
_DEFERRED = ("asyncio", "structlog.stdlib", "structlog.threadlocal")

_lock = threading.Lock()
_files: list[IO[str]] = []
_configured = False


class _Sink:
    """A structlog logger that writes each rendered line to stderr and the log files."""

    def msg(self, message: str) -> None:
        line = redact.scrub(message) + "\n"
        with _lock:
            try:
                sys.stderr.write(line)
                sys.stderr.flush()
            except (OSError, ValueError):
                pass
            for f in _files:
                try:
                    f.write(line)
                    f.flush()
                except (OSError, ValueError):
                    pass

    log = debug = info = warning = warn = error = critical = exception = fatal = msg


def _scrub_event(_: Any, __: str, event_dict: dict[str, Any]) -> dict[str, Any]:
    return {k: (redact.scrub(v) if isinstance(v, str) else redact.scrub_tree(v)
                if isinstance(v, (dict, list)) else v)
            for k, v in event_dict.items()}


def _value(v: Any) -> str:
    if isinstance(v, str) and v and not any(c.isspace() or c in "'\"=" for c in v):
        return v
    return repr(v)


def _render_text(_: Any, __: str, event_dict: dict[str, Any]) -> str:
    """``TIMESTAMP [level] event key=value ...``: the event first, the context after it, on
    the event's first line (a multi-line event, the summary table, follows it intact)."""
    ed = dict(event_dict)
    ts = ed.pop("timestamp", "")
    level = ed.pop("level", "info")
    event = str(ed.pop("event", ""))
    tail = ed.pop("traceback", None)
    first, nl, rest = event.partition("\n")
    pairs = " ".join(f"{k}={_value(v)}" for k, v in ed.items())
    line = f"{ts} [{level}] {first}" + (f"  {pairs}" if pairs else "") + nl + rest
    if tail:
        line += "\n" + str(tail).rstrip("\n")
    return line


def log_format(fmt: str | None = None, environ: Any = None) -> str:
    """``"json"`` when asked for (``fmt``, else ``PAI_LOG_FORMAT``), else ``"text"``;
    whether stderr is a terminal does not matter (in a pod it never is)."""
    value = fmt if fmt is not None else (os.environ if environ is None else environ).get("PAI_LOG_FORMAT")
    return "json" if (value or "").strip().lower() == "json" else "text"


def use_json(fmt: str | None = None) -> bool:
    return log_format(fmt) == "json"


class _Deferred(type(sys)):  # type: ignore[misc] - a module whose import waits for its first use
    def __getattr__(self, attr: str) -> Any:
        name = self.__name__
        if sys.modules.get(name) is self:
            del sys.modules[name]
        real = __import__(name, fromlist=["__name__"])
        return getattr(real, attr)


def _structlog() -> Any:
    """``import structlog`` without importing what init does not use (module doc)."""
    if "structlog" in sys.modules:
        import structlog

        return structlog
    placed = [name for name in _DEFERRED if name not in sys.modules]
    for name in placed:
        sys.modules[name] = _Deferred(name)
    try:
        import structlog
    finally:
        for name in placed:
            if isinstance(sys.modules.get(name), _Deferred):
                del sys.modules[name]
    return structlog


def configure(phase: str, *, fmt: str | None = None) -> None:
    """Set up structlog once per process; ``phase`` (init, run, check-image...) is bound
    on every line."""
    global _configured
    structlog = _structlog()

    processors: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _scrub_event,
    ]
    if use_json(fmt):
        processors.append(structlog.processors.JSONRenderer(sort_keys=False))
    else:
        processors.append(_render_text)
    structlog.configure(processors=processors, logger_factory=lambda *a: _Sink(),
                        cache_logger_on_first_use=False)
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(phase=phase)
    _configured = True


def add_file(path: Path) -> None:
    """Also append every line to ``path`` (created with its directory)."""
    from pathlib import Path

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    f = open(path, "a", encoding="utf-8", errors="replace")  # noqa: SIM115 - kept open
    with _lock:
        _files.append(f)


def close_files() -> None:
    with _lock:
        for f in _files:
            try:
                f.close()
            except OSError:
                pass
        _files.clear()


def get(**bind: Any) -> Any:
    """A bound structlog logger (configures a default one if nobody did)."""
    structlog = _structlog()

    if not _configured:
        configure("cli")
    return structlog.get_logger().bind(**bind)


def bind_plugin(name: str | None) -> None:
    """Tag every following line with the running plugin (or clear the tag)."""
    structlog = _structlog()

    if name is None:
        structlog.contextvars.unbind_contextvars("plugin")
    else:
        structlog.contextvars.bind_contextvars(plugin=name)

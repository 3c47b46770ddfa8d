"""Log lines of init and the CLI: text lines by default, JSON lines on request, written by
the one stdlib writer below (no logging framework).

Why text by default everywhere: in a pod our output is never a terminal, and people read
it with ``kubectl logs``; a line per event with ``key=value`` pairs (and the init summary
as a table) is what they can read. ``PAI_LOG_FORMAT=json`` switches every command,
``run`` included (see :mod:`pai_runtime.supervisor.runlog`), to one JSON object per line
for log collectors; a stream never mixes the two (``up`` is init then run on one stream,
both in the same format). ``console`` is accepted as another name for ``text``.

Why redaction last: whatever key a plugin puts a credential under, every value is
scrubbed of every registered secret (:mod:`pai_runtime.redact`), and so is the rendered
line, before it reaches any sink. Lines go to stderr and, once the log dir is known, to a
file (``init.log``), so ``kubectl logs`` and the shared volume both keep them.

Why no structlog (it rendered these lines until issue 19): init is on the start path of
every pod, and ``import structlog`` costs some 45 ms however it is configured (its package
imports its dev console renderer, processors, testing helpers and tracebacks, and with
them logging, datetime, json, inspect...), three times the bare interpreter's start. What
init used of it is small: a bound context (``phase``, the running ``plugin``, carried into
a built-in's worker thread by :mod:`contextvars`), the level and a UTC timestamp, and two
renderers. :class:`Logger` does that with the same lines, byte for byte: text is
``TIMESTAMP [level] event  key=value ...`` with the event's own fields first, then
``plugin`` and ``phase`` (structlog put those two in an order that changed from process
to process: the hash order of its context variables); JSON is ``json.dumps`` of the same
fields with ``event``, the context, ``level`` and ``timestamp`` last, as structlog's
JSONRenderer wrote them. Every command logs through it (``check-image`` too), so one
format has one implementation.

Why not the PID-1 writer (:class:`pai_runtime.supervisor.runlog.RuntimeLog`): its lines
are ``TIMESTAMP [source] message``, the platform log the exit classification matches
against, with millisecond timestamps; init's lines have levels and fields. Both share
:mod:`pai_runtime.redact` and the ``PAI_LOG_FORMAT`` switch.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from contextvars import ContextVar

from pai_runtime import redact

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import IO, Any

#: the context every line of this thread (and of the worker threads started in a copy of
#: its context) carries after its own fields: ``plugin`` then ``phase``
_context: ContextVar[tuple[tuple[str, Any], ...]] = ContextVar("pai_runtime_log_context", default=())
_lock = threading.Lock()
_files: list[IO[str]] = []
_configured = False
_json = False
#: what a method name logs as (structlog's names: ``warn`` is ``warning``, ``exception``
#: is an ``error`` with ``exc_info=True``)
_LEVELS = {"warn": "warning", "exception": "error"}


def _write(line: str) -> None:
    """The sink: one scrubbed line to stderr and every log file."""
    line = redact.scrub(line) + "\n"
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


def timestamp(ns: int | None = None) -> str:
    """UTC with microseconds (none when they are 0): ``2026-12-07T12:20:02.042544Z``,
    what ``datetime.now(timezone.utc).isoformat()`` spells, without importing datetime."""
    seconds, micros = divmod((time.time_ns() if ns is None else ns) // 1000, 1_000_000)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + (f".{micros:06d}Z" if micros else "Z")


def _scrub(v: Any) -> Any:
    if isinstance(v, str):
        return redact.scrub(v)
    if isinstance(v, (dict, list)):
        return redact.scrub_tree(v)
    return v


def _value(v: Any) -> str:
    if isinstance(v, str) and v and not any(c.isspace() or c in "'\"=" for c in v):
        return v
    return repr(v)


def _render_text(ed: dict[str, Any]) -> str:
    """``TIMESTAMP [level] event key=value ...``: the event first, the context after it, on
    the event's first line (a multi-line event, the summary table, follows it intact)."""
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


def _render_json(ed: dict[str, Any]) -> str:
    import json

    return json.dumps(ed, default=repr)


def emit(method: str, event: Any, fields: dict[str, Any]) -> None:
    """One line: ``fields``, ``event``, the context (``plugin``, ``phase``), the level and
    the time, every value scrubbed, rendered in the configured format."""
    ed = fields
    if event is not None:
        ed["event"] = event
    for k, v in _context.get():
        ed.setdefault(k, v)
    level = _LEVELS.get(method, method)
    if method == "exception":
        ed.setdefault("exc_info", True)
    ed["level"] = level
    ed["timestamp"] = timestamp()
    ed = {k: _scrub(v) for k, v in ed.items()}
    _write(_render_json(ed) if _json else _render_text(ed))


class Logger:
    """What init, its plugins and the CLI log through: ``log.info("event", key=value)``;
    :meth:`bind` gives one that adds fields to each of its lines (before the call's own)."""

    __slots__ = ("_bound",)

    def __init__(self, bound: dict[str, Any] | None = None) -> None:
        self._bound = bound or {}

    def bind(self, **fields: Any) -> Logger:
        return Logger({**self._bound, **fields})

    def _log(self, method: str, event: Any, args: tuple[Any, ...], fields: dict[str, Any]) -> None:
        if not _configured:
            configure("cli")
        if args:  # printf-style arguments, as structlog took them (one mapping: by name)
            event = event % (args[0] if len(args) == 1 and isinstance(args[0], dict) and args[0] else args)
        emit(method, event, {**self._bound, **fields} if self._bound else fields)

    def debug(self, event: Any = None, *args: Any, **fields: Any) -> None:
        self._log("debug", event, args, fields)

    def info(self, event: Any = None, *args: Any, **fields: Any) -> None:
        self._log("info", event, args, fields)

    def warning(self, event: Any = None, *args: Any, **fields: Any) -> None:
        self._log("warning", event, args, fields)

    def warn(self, event: Any = None, *args: Any, **fields: Any) -> None:
        self._log("warn", event, args, fields)

    def error(self, event: Any = None, *args: Any, **fields: Any) -> None:
        self._log("error", event, args, fields)

    def critical(self, event: Any = None, *args: Any, **fields: Any) -> None:
        self._log("critical", event, args, fields)

    def exception(self, event: Any = None, *args: Any, **fields: Any) -> None:
        self._log("exception", event, args, fields)


def log_format(fmt: str | None = None, environ: Any = None) -> str:
    """``"json"`` when asked for (``fmt``, else ``PAI_LOG_FORMAT``), else ``"text"``;
    whether stderr is a terminal does not matter (in a pod it never is)."""
    value = fmt if fmt is not None else (os.environ if environ is None else environ).get("PAI_LOG_FORMAT")
    return "json" if (value or "").strip().lower() == "json" else "text"


def use_json(fmt: str | None = None) -> bool:
    return log_format(fmt) == "json"


def configure(phase: str, *, fmt: str | None = None) -> None:
    """Choose the format once per process; ``phase`` (init, run, check-image...) is bound
    on every line."""
    global _configured, _json
    _json = use_json(fmt)
    _context.set((("phase", phase),))
    _configured = True


def add_file(path: Any) -> None:
    """Also append every line to ``path`` (created with its directory)."""
    path = os.fspath(path)
    parent = os.path.dirname(path)
    if parent:
        os.makedirs(parent, exist_ok=True)
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


def get(**bind: Any) -> Logger:
    """A logger (configures a default one, phase ``cli``, if nobody did)."""
    if not _configured:
        configure("cli")
    return Logger(bind)


def bind_plugin(name: str | None) -> None:
    """Tag every following line of this context with the running plugin (or clear the tag)."""
    context = tuple(kv for kv in _context.get() if kv[0] != "plugin")
    _context.set(context if name is None else (("plugin", name), *context))

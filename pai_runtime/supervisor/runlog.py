"""``runtime.log``: our own messages and the pre-/post-commands' output, one timestamped
line each, with every registered secret masked.

Why not structlog or logging: this is on the PID-1 path (stdlib only, light), and the
file is the "platform log" the exit classification matches against, so its lines must be
plain text: ``2024-05-01T12:00:00.123Z [source] message``. The same lines go to our stderr
(``kubectl logs``); with ``PAI_LOG_FORMAT=json`` they go there as JSON objects with the
keys init's JSON lines use (``event``, ``level``, ``timestamp``, ``phase``; plus
``source``), so a collector reads one format from every command (the file stays text).
"""

from __future__ import annotations

import os

from pai_runtime import redact
from pai_runtime.supervisor.pid1 import EVENT_READ
from pai_runtime.units import timestamp

TYPE_CHECKING = False  # typing costs ms on the PID-1 path; annotations are strings
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

#: A line without newline is cut into pieces of this size (memory stays flat).
MAX_LINE = 65536


class RuntimeLog:
    """Appends lines to ``runtime.log`` and echoes them to a console (our stderr)."""

    def __init__(self, path: Path | None, console: Any = None, *, fmt: str | None = None) -> None:
        self.path = path
        self.console = console
        self.fd = -1
        value = fmt if fmt is not None else os.environ.get("PAI_LOG_FORMAT", "")
        self.json = value.strip().lower() == "json"
        if path is not None:
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)

    def line(self, source: str, text: str, *, echo: bool = True) -> None:
        text = redact.scrub(text)
        ts = timestamp()
        data = f"{ts} [{source}] {text}\n".encode("utf-8", "surrogateescape")
        if self.fd >= 0:
            try:
                os.write(self.fd, data)
            except OSError:
                pass
        if echo and self.console is not None:
            if self.json:
                from pai_runtime import fastjson

                data = (fastjson.dumps({"event": text, "source": source, "phase": "run", "level": "info",
                                    "timestamp": ts}) + "\n").encode("utf-8", "surrogateescape")
            self.console.write(data)

    def say(self, text: str) -> None:
        """One of our own messages."""
        self.line("pai-runtime", text)

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


class LineSink:
    """A pipe whose output becomes ``[source]`` lines of the runtime log (pre-/post-commands;
    their stdout and stderr share it, so the order is exact)."""

    def __init__(self, log: RuntimeLog, source: str) -> None:
        self.log = log
        self.source = source
        self.r, w = os.pipe()
        os.set_blocking(self.r, False)
        self.child_fds = {1: w, 2: w}
        self._w: list[int] = [w]
        self._partial = b""
        self._open = True
        self._init: Any = None

    def write_ends(self) -> list[int]:
        ends, self._w = self._w, []
        return ends

    def attach(self, init: Any) -> None:
        self._init = init
        init.register(self.r, EVENT_READ, self._on_readable)

    def _on_readable(self, mask: int) -> None:
        self._read_once()

    def _read_once(self) -> int:
        """Read one chunk into lines; the number of bytes read (0 at EOF or nothing ready)."""
        try:
            data = os.read(self.r, 65536)
        except BlockingIOError:
            return 0
        except OSError:
            data = b""
        if not data:
            self._finish()
            return 0
        n = len(data)
        data = self._partial + data
        lines = data.split(b"\n")
        self._partial = lines.pop()
        for raw in lines:
            self._emit(raw)
        while len(self._partial) >= MAX_LINE:
            self._emit(self._partial[:MAX_LINE])
            self._partial = self._partial[MAX_LINE:]
        return n

    def _emit(self, raw: bytes) -> None:
        self.log.line(self.source, raw.rstrip(b"\r").decode("utf-8", "replace"))

    def _finish(self) -> None:
        if self._partial:
            self._emit(self._partial)
            self._partial = b""
        if self._open:
            self._open = False
            if self._init is not None:
                self._init.unregister(self.r)
            os.close(self.r)

    def is_open(self) -> bool:
        return self._open

    def abandon(self) -> None:
        self._finish()

    def close(self, limit: int = 1 << 20) -> None:
        """Read what is already in the pipe (a service's last words as it was stopped: it
        can exit before the selector got to them), up to ``limit`` bytes, then close."""
        for fd in self.write_ends():
            os.close(fd)
        got = 0
        while self._open and got < limit:
            n = self._read_once()
            if not n:
                break
            got += n
        self._finish()

"""Pass-through of the job's output to our own stdout/stderr (``kubectl logs``).

Why bounded and non-blocking: the container's console is read by someone else (the CRI
shim, ``docker logs``, a terminal). If that reader stalls, a blocking write would stall
us, then the pipe from the user command fills and the *job* stalls. So the console gets a
bounded buffer; what does not fit is dropped and counted. The log files get everything;
the console is best effort.
"""

from __future__ import annotations

import os
import stat

from pai_runtime.supervisor.pid1 import EVENT_WRITE

TYPE_CHECKING = False  # typing costs ms on the PID-1 path; annotations are strings
if TYPE_CHECKING:
    from typing import Any

#: Bytes buffered per console before we start dropping.
LIMIT = 1 << 20


class Console:
    def __init__(self, fd: int, init: Any = None, limit: int = LIMIT) -> None:
        self.fd = fd
        self.init = init
        self.limit = limit
        self.buf = bytearray()
        self.dropped = 0
        self.broken = False
        self._restore_blocking = False
        self._registered = False
        try:
            st = os.fstat(fd)
        except OSError:
            self.broken = True
            return
        # Non-blocking only where a reader can stall us; never on a terminal or an fd that
        # is also the user's stdin (O_NONBLOCK belongs to the open file, and would make
        # their reads fail with EAGAIN).
        stallable = stat.S_ISFIFO(st.st_mode) or stat.S_ISSOCK(st.st_mode)
        if stallable and not _shared_with_stdin(fd, st) and os.get_blocking(fd):
            os.set_blocking(fd, False)
            self._restore_blocking = True

    def write(self, data: bytes | memoryview) -> None:
        """Write what the console takes now, buffer the rest up to the limit, drop beyond."""
        if self.broken:
            self.dropped += len(data)
            return
        if not self.buf:
            try:
                n = os.write(self.fd, data)
            except BlockingIOError:
                n = 0
            except OSError:
                self._break()
                self.dropped += len(data)
                return
            if n >= len(data):
                return
            data = memoryview(data)[n:]
        room = self.limit - len(self.buf)
        if room >= len(data):
            self.buf += data
        else:
            if room > 0:
                self.buf += data[:room]
            self.dropped += len(data) - max(room, 0)
        if self.buf and not self._registered and self.init is not None:
            self.init.register(self.fd, EVENT_WRITE, self._on_writable)
            self._registered = True

    def _on_writable(self, mask: int) -> None:
        self._flush_some()

    def _flush_some(self) -> None:
        if self.buf:
            try:
                n = os.write(self.fd, self.buf)
            except BlockingIOError:
                n = 0
            except OSError:
                self.dropped += len(self.buf)
                self.buf.clear()
                self._break()
                return
            del self.buf[:n]
        if not self.buf and self._registered:
            self.init.unregister(self.fd)
            self._registered = False

    def _break(self) -> None:
        """The console went away (EPIPE, EIO): stop trying; the files still get everything."""
        self.broken = True
        if self._registered and self.init is not None:
            self.init.unregister(self.fd)
            self._registered = False

    def close(self, timeout: float = 1.0) -> None:
        """Give the buffered bytes ``timeout`` seconds to go out, then restore the fd."""
        if self.buf and not self.broken:
            import select
            import time

            end = time.monotonic() + timeout
            while self.buf and not self.broken:
                left = end - time.monotonic()
                if left <= 0:
                    break
                try:
                    select.select([], [self.fd], [], left)
                except OSError:
                    break
                self._flush_some()
            self.dropped += len(self.buf)
            self.buf.clear()
        if self._registered and self.init is not None:
            self.init.unregister(self.fd)
            self._registered = False
        if self._restore_blocking:
            try:
                os.set_blocking(self.fd, True)
            except OSError:
                pass
            self._restore_blocking = False


def _shared_with_stdin(fd: int, st: os.stat_result) -> bool:
    if fd == 0:
        return True
    try:
        s0 = os.fstat(0)
    except OSError:
        return False
    return (s0.st_dev, s0.st_ino) == (st.st_dev, st.st_ino)

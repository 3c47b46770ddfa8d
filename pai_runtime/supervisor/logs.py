"""The logs ``run`` writes: the user command's stdout and stderr in rotated files under the
log dir (:class:`Capture`) and passed through to our own stdout/stderr (:class:`Console`),
and ``runtime.log``, our own lines and the pre-/post-commands' output (:class:`RuntimeLog`).

Layout (the shared contract): ``user-stdout/``, ``user-stderr/`` and the merged
``user-all/``, each holding ``current`` plus rotated ``current.1`` (newest) ...
``current.<maxFiles-1>`` (oldest). Concatenating oldest to ``current`` gives the bytes the
command wrote, exactly.

Why this shape: the exit classification reads these files afterwards, so nothing may be
lost or altered (binary output included); and our memory must stay flat whatever the user
writes, so we move bytes in 64 KiB chunks and never look for line ends except to choose a
nicer rotation point.

Merged order is *arrival* order: two pipes read with one selector cannot tell which of two
writes that landed in the same instant came first. ``merged-only`` mode gives the command a
single pipe for both fds, so ``user-all`` has the exact order (and there is no split).

One module and not three: every module on the PID-1 path costs every job start its
import (~0.15 ms each on a loaded node).
"""

import os
import stat
import sys

from pai_runtime.supervisor.pid1 import EVENT_READ, EVENT_WRITE
from pai_runtime.units import timestamp

TYPE_CHECKING = False  # typing costs ms on the PID-1 path; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

CHUNK = 65536
#: Reads per wake-up while a pipe keeps returning full chunks (fewer select calls).
BURST = 16
#: Bytes of this attempt's latest output kept in memory (references to the chunks read):
#: when the disk loses bytes the classification searches this tail instead of the files,
#: so a full log disk never changes the verdict (issue 18). Bounded, so memory stays flat.
MEMORY_TAIL = 4 * 1024 * 1024
PIPE_SIZE = 1 << 20
F_SETPIPE_SZ = 1031
# the bounds init checks the settings against (one set of numbers for init and run): the
# values of :mod:`pai_runtime.config.bounds`, written here because importing that module
# (with :mod:`pai_runtime.errors`) for five numbers cost every job start a millisecond;
# tests/test_faststart.py holds the two sets equal
DEFAULT_MAX_SIZE = 256 * 1024 * 1024  # bounds.DEFAULT_LOG_SIZE
DEFAULT_MAX_FILES = 2  # bounds.DEFAULT_LOG_FILES
MIN_MAX_SIZE = 4096  # bounds.MIN_LOG_SIZE
MAX_LOG_SIZE = 1 << 44  # bounds.MAX_LOG_SIZE
MAX_LOG_FILES = 100  # bounds.MAX_LOG_FILES
#: Longest unfinished line moved whole into the next file at rotation.
CARRY_MAX = 65536
STREAMS = ("user-stdout", "user-stderr", "user-all")

def parse_size(value: "Any") -> int:
    """``logs.maxSize`` in bytes (a Kubernetes quantity, :func:`pai_runtime.units.parse_size`),
    at least :data:`MIN_MAX_SIZE`. Raises ValueError. A whole number of bytes within the
    bounds (what init writes into settings.json) is taken as it is."""
    if type(value) is int and MIN_MAX_SIZE <= value <= MAX_LOG_SIZE:
        return value
    from pai_runtime.units import parse_size as _parse

    return _parse(value, minimum=MIN_MAX_SIZE, maximum=MAX_LOG_SIZE, what="logs.maxSize")


class RotatingFile:
    """``<dir>/current`` with size rotation into ``current.1`` ... ``current.<n-1>``.

    Appends to an existing ``current`` (a restarted container keeps its earlier output).
    Rotation keeps lines whole where it can: a chunk that crosses the limit is cut after its
    last newline that fits; when none fits, the unfinished line already in the file (up to
    :data:`CARRY_MAX` bytes) moves to the new file with it. Only a line longer than that
    is cut exactly at the limit. No byte is lost or duplicated either way.
    """

    def __init__(self, directory: "str | Path", max_size: int, max_files: int,
                 on_error: "Callable[[str], None] | None" = None) -> None:
        directory = os.fspath(directory)  # strings: no pathlib on the PID-1 path
        if not _remove_leftovers(directory):  # the listing is the existence check too
            os.makedirs(directory, exist_ok=True)
        self.directory = directory
        self.path = os.path.join(directory, "current")
        self.max_size = max_size
        self.max_files = max_files
        self.on_error = on_error
        self.lost = 0
        self.rotations = 0
        self._error_reported = False
        #: rotated files kept (``current.1`` .. ``current.<kept>``): rotation renames only
        #: these, so its cost never depends on maxFiles (10^9 once meant 10^9 names a rotation)
        self.kept = 0
        while self.kept < max_files - 1 and os.path.exists(os.path.join(directory, f"current.{self.kept + 1}")):
            self.kept += 1
        self.fd = self._open()
        self.size = os.fstat(self.fd).st_size
        #: Offset just after the last newline in the file (where the open line starts).
        self.line_start = self.size
        #: Another stream's files that are, for now, hard links to ours (see Capture).
        self.follower: RotatingFile | None = None

    def _open(self, truncate: bool = False) -> int:
        flags = os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC | (os.O_TRUNC if truncate else 0)
        return os.open(self.path, flags, 0o644)

    def write(self, data: bytes) -> None:
        start, end = 0, len(data)
        while start < end:
            room = self.max_size - self.size
            if end - start <= room:
                self._append(data, start, end)
                return
            nl = data.rfind(b"\n", start, start + room) if room > 0 else -1
            if nl >= 0:
                self._append(data, start, nl + 1)
                start = nl + 1
                self._rotate()
                continue
            carry = self.size - self.line_start
            if self.line_start > 0 and 0 < carry <= min(CARRY_MAX, self.max_size // 2):
                self._rotate(carry)
                continue
            if room > 0:
                self._append(data, start, start + room)
                start += room
            self._rotate()

    def _append(self, data: bytes, start: int, end: int) -> None:
        self._write_all(data, start, end)
        if self.size + (end - start) > self.max_size - 2 * CARRY_MAX - CHUNK:
            # Only near the limit can the open line be carried; elsewhere skip the scan.
            nl = data.rfind(b"\n", start, end)
            if nl >= 0:
                self.line_start = self.size + nl + 1 - start
        else:
            self.line_start = 0  # unknown and too far back to carry
        self.size += end - start

    def _report(self, text: str) -> None:
        """The first failure of this file, once: a full disk must not flood runtime.log."""
        if not self._error_reported and self.on_error is not None:
            self._error_reported = True
            self.on_error(text)

    def _write_all(self, data: bytes, start: int, end: int) -> None:
        view = memoryview(data)[start:end] if start or end != len(data) else data
        if self.fd < 0:  # a failed open at rotation: try again, the disk may have room now
            try:
                self.fd = self._open()
            except OSError:
                self.lost += len(view)
                return
        while view:
            try:
                n = os.write(self.fd, view)
            except OSError as exc:  # ENOSPC, EIO: the log degrades, the job goes on
                self.lost += len(view)
                self._report(f"cannot write {self.path}: {exc.strerror or exc}; output is being lost "
                             "(the count of bytes lost is logged at the end)")
                return
            if n == len(view):
                return
            view = memoryview(view)[n:]

    def _rotate(self, carry: int = 0) -> None:
        """Start a new ``current``; the last ``carry`` bytes of the old one move into it."""
        self.rotations += 1
        tail = b""
        if carry:
            try:
                tail = os.pread(self.fd, carry, self.size - carry)
                os.ftruncate(self.fd, self.size - carry)
            except OSError:
                tail = b""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        try:
            self._shift()
        except OSError as exc:
            self._report(f"cannot rotate {self.path}: {exc.strerror or exc}")
        # One file only: start it empty. Several: if current could not be moved away, keep
        # appending to it (over the limit) rather than lose what it holds.
        try:
            self.fd = self._open(truncate=self.max_files == 1)
        except OSError as exc:  # a failing disk: writes count as lost until it opens again
            self._report(f"cannot open {self.path}: {exc.strerror or exc}; output is being lost")
        self.size = self.line_start = 0
        if self.follower is not None:
            self.follower._rotate_with(self)
        if tail:
            self._write_all(tail, 0, len(tail))
            self.size = len(tail)

    def _shift(self) -> None:
        """``current`` -> ``current.1`` -> ... -> ``current.<maxFiles-1>``; the file that
        falls off the end is deleted off the data path (:func:`_expire`). One rename per
        file kept, never a walk over ``maxFiles`` names (bounded at init: at most 100)."""
        join = os.path.join
        if self.max_files == 1:
            _expire(self.path)
            return
        if self.kept >= self.max_files - 1:
            _expire(join(self.directory, f"current.{self.max_files - 1}"))
            self.kept = self.max_files - 2
        for i in range(self.kept, 0, -1):
            try:
                os.replace(join(self.directory, f"current.{i}"), join(self.directory, f"current.{i + 1}"))
            except FileNotFoundError:  # removed by someone else: the files above it stay
                self.kept = i - 1
        os.replace(self.path, join(self.directory, "current.1"))
        self.kept += 1

    # -- sharing storage with another stream's files ------------------------------------------
    def _link_current(self, leader: "RotatingFile") -> None:
        tmp = os.path.join(self.directory, ".current.link")
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        os.link(leader.path, tmp)
        os.replace(tmp, self.path)

    def follow(self, leader: "RotatingFile") -> bool:
        """Make our ``current`` the same file as ``leader``'s: what the leader writes is
        ours too, at the cost of one write. False if the filesystem cannot link."""
        try:
            self._link_current(leader)
        except OSError:
            return False
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        leader.follower = self
        return True

    def _rotate_with(self, leader: "RotatingFile") -> None:
        """The leader rotated: rename our files the same way and link the new current."""
        try:
            self._shift()
            self._link_current(leader)
        except OSError as exc:
            self._report(f"cannot rotate {self.path}: {exc.strerror or exc}")

    def unfollow(self, leader: "RotatingFile") -> None:
        """Our stream diverges from the leader's: give ``current`` its own copy of the
        leader's current (copied inside the kernel; our memory stays flat). No room for the
        copy (ENOSPC, EIO): our ``current`` starts empty, what it missed counts as lost."""
        leader.follower = None
        try:
            self._copy_of(leader)
        except OSError as exc:
            self.lost += leader.size
            self._report(f"cannot write {self.path}: {exc.strerror or exc}; output is being lost")
            for name in (".current.copy", "current"):
                try:  # current is still the leader's file (a hard link): never append to it
                    os.unlink(os.path.join(self.directory, name))
                except OSError:
                    pass
            try:
                self.fd = self._open()
            except OSError:
                self.fd = -1
            self.size = self.line_start = 0

    def _copy_of(self, leader: "RotatingFile") -> None:
        tmp = os.path.join(self.directory, ".current.copy")
        out = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o644)
        try:
            size = os.fstat(leader.fd).st_size
            done = 0
            while done < size:
                try:
                    n = os.copy_file_range(leader.fd, out, size - done, done)
                except OSError:
                    n = 0
                if n <= 0:  # no copy_file_range here (or a short file): copy by hand
                    chunk = os.pread(leader.fd, min(CHUNK, size - done), done)
                    if not chunk:
                        break
                    n = os.write(out, chunk)
                done += n
        finally:
            os.close(out)
        os.replace(tmp, self.path)
        self.fd = self._open()
        self.size = os.fstat(self.fd).st_size
        self.line_start = leader.line_start if self.size == leader.size else 0

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1
        wait_expired()


#: Rotated-out files being deleted by helper threads.
_deleting: "list[Any]" = []
_aside = 0


def _expire(path: str) -> None:
    """Delete ``path`` without stalling the capture: rename it aside now (cheap) and
    unlink it in a helper thread. Why: the last unlink of a 256 MiB file frees its pages
    in the thread that unlinks it (~40 ms on tmpfs, more on a disk), and meanwhile the
    job's pipes would not be read. A leftover from a crash is removed at the next start."""
    global _aside
    _aside += 1
    aside = os.path.join(os.path.dirname(path), f".expired.{os.getpid()}.{_aside}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return
    import threading

    t = threading.Thread(target=_unlink, args=(aside,), name="pai-log-expiry", daemon=True)
    t.start()
    _deleting.append(t)


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def wait_expired() -> None:
    """Wait for the deletions started so far (before we fork again or exit)."""
    while _deleting:
        _deleting.pop().join()


def _remove_leftovers(directory: str) -> bool:
    """Delete what an earlier run left of its expired files in ``directory``; False when
    ``directory`` cannot be listed (it does not exist yet, most often)."""
    try:
        names = os.listdir(directory)
    except OSError:
        return False
    for name in names:
        if name.startswith(".expired."):
            _unlink(os.path.join(directory, name))
    return True


def _pipe() -> "tuple[int, int]":
    r, w = os.pipe()
    os.set_blocking(r, False)
    return r, w


def _grow(fd: int) -> None:
    """Give the pipe of ``fd`` :data:`PIPE_SIZE` bytes of buffer: a command that writes in
    bursts waits for us less often. Only once a read returned a full chunk (the default
    64 KiB pipe was full): a command that writes little never pays for :mod:`fcntl`, an
    import of every job start (~0.25 ms) otherwise."""
    try:
        import fcntl

        fcntl.fcntl(fd, F_SETPIPE_SZ, PIPE_SIZE)
    except OSError:
        pass  # a smaller pipe only means the command waits for us a little more often


class Capture:
    """The user command's two pipes (one in merged-only mode), read through the init's
    selector into the stream files, the merged file and the consoles."""

    def __init__(self, log_dir: "str | Path", *, max_size: int = DEFAULT_MAX_SIZE, max_files: int = DEFAULT_MAX_FILES,
                 merged_only: bool = False, out_console: "Any" = None, err_console: "Any" = None,
                 on_error: "Callable[[str], None] | None" = None) -> None:
        self.merged_only = merged_only
        log_dir = os.fspath(log_dir)
        self.all = RotatingFile(os.path.join(log_dir, "user-all"), max_size, max_files, on_error)
        self.files: list[RotatingFile] = [self.all]
        self._readers: dict[int, tuple[RotatingFile | None, Any]] = {}
        if merged_only:
            r, w = _pipe()
            self._readers[r] = (None, out_console)
            self.child_fds = {1: w, 2: w}
            self._write_ends = [w]
        else:
            out = RotatingFile(os.path.join(log_dir, "user-stdout"), max_size, max_files, on_error)
            err = RotatingFile(os.path.join(log_dir, "user-stderr"), max_size, max_files, on_error)
            self.files += [out, err]
            out_r, out_w = _pipe()
            err_r, err_w = _pipe()
            self._readers[out_r] = (out, out_console)
            self._readers[err_r] = (err, err_console)
            self.child_fds = {1: out_w, 2: err_w}
            self._write_ends = [out_w, err_w]
        self.bytes = 0
        #: Bytes this capture appended to user-all: where this attempt's output starts,
        #: counted from the end (exitspec/attempt.py), whatever rotation did meanwhile.
        self.all_bytes = 0
        #: bytes no file took because writing raised where no file counted them
        self._lost_elsewhere = 0
        self._tail: list[bytes] = []
        self._tail_size = 0
        self._on_error = on_error
        self._error_said = False
        self._init: Any = None
        # While only one stream has written, user-all/current *is* that stream's file (a
        # hard link): same bytes, written once. The first byte of the other stream gives
        # user-all its own copy. A restarted container resumes a link it finds.
        self._mirror: RotatingFile | None = None
        self._decided = merged_only
        if not merged_only:
            for f in self.files[1:]:
                if os.path.samestat(os.fstat(self.all.fd), os.fstat(f.fd)) and self.all.follow(f):
                    self._mirror, self._decided = f, True
                    break

    def _remember(self, data: bytes) -> None:
        """Keep at least the last :data:`MEMORY_TAIL` bytes of the merged output: chunks
        are dropped from the front once twice that is held (amortized O(1) per chunk; a
        list, not a deque: ``collections`` is an import the PID-1 path does not pay)."""
        self._tail.append(data)
        self._tail_size += len(data)
        if self._tail_size > 2 * MEMORY_TAIL:
            drop = 0
            while self._tail_size - len(self._tail[drop]) >= MEMORY_TAIL:
                self._tail_size -= len(self._tail[drop])
                drop += 1
            del self._tail[:drop]

    def tail(self) -> bytes:
        """This attempt's latest output as the user-all file would hold it, had the disk
        taken every byte (at most :data:`MEMORY_TAIL` bytes)."""
        return b"".join(self._tail)[-MEMORY_TAIL:]

    def _route(self, own: "RotatingFile", data: bytes) -> None:
        """Write a chunk of one stream to its file and to user-all."""
        self.all_bytes += len(data)
        self._remember(data)
        if self._mirror is own:
            own.write(data)
            return
        if self._mirror is not None:
            self.all.unfollow(self._mirror)
            self._mirror = None
        elif not self._decided:
            self._decided = True
            if self.all.size == 0 and own.size == 0 and self.all.follow(own):
                self._mirror = own
                own.write(data)
                return
        own.write(data)
        self.all.write(data)

    def write_ends(self) -> "list[int]":
        """Our copies of the pipes' write ends: close them once the command has started,
        or EOF would never come."""
        ends, self._write_ends = self._write_ends, []
        return ends

    def attach(self, init: "Any") -> None:
        self._init = init
        for fd in self._readers:
            init.register(fd, EVENT_READ, self._callback(fd))

    def _callback(self, fd: int) -> "Callable[[int], None]":
        own, console = self._readers[fd]
        merged = self.all
        route = self._route
        read = os.read
        small = True  # the pipe still has its default size (see _grow)

        def on_readable(mask: int) -> None:
            nonlocal small
            # a burst ends at a rotation: with 100 tiny files each costs 99 renames, and
            # signals and the other pipe are served between callbacks
            rotated = merged.rotations + (own.rotations if own is not None else 0)
            for _ in range(BURST):
                try:
                    data = read(fd, CHUNK)
                except BlockingIOError:
                    return
                except OSError:
                    data = b""
                if not data:
                    self._close_reader(fd)
                    return
                self.bytes += len(data)
                try:
                    if own is not None:
                        route(own, data)
                    else:
                        self.all_bytes += len(data)
                        self._remember(data)
                        merged.write(data)
                except OSError as exc:  # the log files degrade; the job and its console go on
                    self._lost_elsewhere += len(data)
                    if self._on_error is not None and not self._error_said:
                        self._error_said = True
                        self._on_error(f"cannot write the log files: {exc.strerror or exc}; output is being lost")
                if console is not None:
                    console.write(data)
                if small and len(data) == CHUNK:
                    small = False
                    _grow(fd)
                if len(data) < CHUNK or rotated != merged.rotations + (own.rotations if own is not None else 0):
                    return

        return on_readable

    def _close_reader(self, fd: int) -> None:
        if fd in self._readers:
            if self._init is not None:
                self._init.unregister(fd)
            os.close(fd)
            del self._readers[fd]

    def note_stderr(self, line: bytes) -> None:
        """A line of ours that belongs in the user's stderr (e.g. "command not found")."""
        if self.merged_only:
            self.all_bytes += len(line)
            self._remember(line)
            self.all.write(line)
        else:
            self._route(self.files[2], line)

    def is_open(self) -> bool:
        return bool(self._readers)

    def abandon(self) -> None:
        """Stop reading (processes outside our reach still hold the write ends)."""
        for fd in list(self._readers):
            self._close_reader(fd)

    def close(self) -> None:
        for fd in self.write_ends():
            os.close(fd)
        self.abandon()
        for f in self.files:
            f.close()

    @property
    def lost(self) -> int:
        """Bytes of output the log files did not get (a full or failing disk)."""
        return sum(f.lost for f in self.files) + self._lost_elsewhere



#: Bytes buffered per console before we start dropping.
CONSOLE_LIMIT = 1 << 20


class Console:
    """Pass-through of the job's output to our own stdout or stderr (``kubectl logs``).

    Why bounded and non-blocking: the container's console is read by someone else (the CRI
    shim, ``docker logs``, a terminal). If that reader stalls, a blocking write would stall
    us, then the pipe from the user command fills and the *job* stalls. So the console gets
    a bounded buffer; what does not fit is dropped and counted. The log files get
    everything; the console is best effort.
    """

    def __init__(self, fd: int, init: "Any" = None, limit: int = CONSOLE_LIMIT) -> None:
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

    def write(self, data: "bytes | memoryview") -> None:
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


def _shared_with_stdin(fd: int, st: "os.stat_result") -> bool:
    if fd == 0:
        return True
    try:
        s0 = os.fstat(0)
    except OSError:
        return False
    return (s0.st_dev, s0.st_ino) == (st.st_dev, st.st_ino)


#: A runtime.log line without newline is cut into pieces of this size (memory stays flat).
MAX_LINE = 65536


class RuntimeLog:
    """Appends lines to ``runtime.log`` and echoes them to a console (our stderr): our own
    messages and the pre-/post-commands' output, one timestamped line each, with every
    registered secret masked.

    Why not structlog or logging: this is on the PID-1 path (stdlib only, light), and the
    file is the "platform log" the exit classification matches against, so its lines must be
    plain text: ``2024-05-01T12:00:00.123Z [source] message``. The same lines go to our stderr
    (``kubectl logs``); with ``PAI_LOG_FORMAT=json`` they go there as JSON objects with the
    keys init's JSON lines use (``event``, ``level``, ``timestamp``, ``phase``; plus
    ``source``), so a collector reads one format from every command (the file stays text).
    """

    def __init__(self, path: "Path | None", console: "Any" = None, *, fmt: "str | None" = None) -> None:
        self.path = path
        self.console = console
        self.fd = -1
        value = fmt if fmt is not None else os.environ.get("PAI_LOG_FORMAT", "")
        self.json = value.strip().lower() == "json"
        if path is not None:
            self.fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND | os.O_CLOEXEC, 0o644)

    def line(self, source: str, text: str, *, echo: bool = True) -> None:
        # A secret is registered only through pai_runtime.redact: while nothing has imported
        # it (no runtime.d/redact.json, the common job) there is nothing to mask, and the
        # PID-1 path does not load it only to learn that (a module is ~0.1 ms of every start).
        redact = sys.modules.get("pai_runtime.redact")
        if redact is not None:
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

    def __init__(self, log: "RuntimeLog", source: str) -> None:
        self.log = log
        self.source = source
        self.r, w = os.pipe()
        os.set_blocking(self.r, False)
        self.child_fds = {1: w, 2: w}
        self._w: list[int] = [w]
        self._partial = b""
        self._open = True
        self._init: Any = None

    def write_ends(self) -> "list[int]":
        ends, self._w = self._w, []
        return ends

    def attach(self, init: "Any") -> None:
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

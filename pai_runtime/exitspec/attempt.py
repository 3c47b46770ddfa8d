"""Attempt boundaries in a log dir: which bytes of the user log and runtime.log this run
wrote, and how many processes the kernel's OOM killer ended during it.

Why: a container restarted in the same pod (``restartPolicy: OnFailure``, a Job's retry on
the same node, ``pai-runtime up`` run twice) appends to the same log dir. Classifying the
whole tail would let the previous run's "CUDA out of memory" decide a plain ``exit 1``
now, and quote the previous run's lines. ``run`` therefore records where each log stood
when this attempt started (``attempt.json`` in the log dir), and how many bytes of the
merged user log the attempt wrote when it ended; classification reads only those bytes.

Why a byte count and not a file offset: the user logs rotate (``current`` becomes
``current.1``) and ``user-all/current`` may be replaced by a copy while the attempt runs,
but their concatenation, oldest to newest, is always exactly the bytes written, so "the
last N bytes of the concatenation" stays right across any rotation. The start mark (the
inode and size of ``current``) is the fallback when the attempt was killed before its end
was recorded.

Nothing here raises for a missing or damaged record: no record means "the whole log".

The OOM kill count (:class:`OomCounter`) is the other thing an attempt is compared against
at its end; it lives here and not in a module of its own because every module ``run``
imports costs every job start its import (~0.1 ms each on a loaded node).
"""

import os

TYPE_CHECKING = False  # typing and pathlib cost the PID-1 path milliseconds; annotations are strings
if TYPE_CHECKING:
    from pathlib import Path

RECORD = "attempt.json"
#: Rotated files looked at (``current.1`` ... ``current.<n>``); rotation keeps far fewer.
MAX_ROTATED = 64


class Attempt:
    """This attempt's number and where its output starts in each log.

    A plain class, not a :class:`~pai_runtime.exitspec.record.Record` like the other value
    objects of the exit path: a run that succeeds reads and writes its attempt and needs
    nothing else of ``record.py``, one import fewer on every job start."""

    __slots__ = ("number", "started", "user_bytes", "user_mark", "platform_offset")

    def __init__(self, *, number: int, started: str = "", user_bytes: "int | None" = None,
                 user_mark: "tuple[int, int] | None" = None, platform_offset: int = 0) -> None:
        self.number = number
        self.started = started
        #: Bytes of ``user-all`` this attempt wrote (known once it ended), or None.
        self.user_bytes = user_bytes
        #: (inode, size) of ``user-all/current`` when it started, or None.
        self.user_mark = user_mark
        #: Size of runtime.log when it started: this attempt's lines come after.
        self.platform_offset = platform_offset

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in self.__slots__)

    __hash__ = None  # type: ignore[assignment] - mutable

    def __repr__(self) -> str:
        return "Attempt(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in self.__slots__) + ")"

    def to_data(self) -> "dict[str, object]":
        out: dict[str, object] = {"attempt": self.number, "startedAt": self.started,
                                  "runtimeLogOffset": self.platform_offset}
        if self.user_mark is not None:
            out["userAllStart"] = {"inode": self.user_mark[0], "offset": self.user_mark[1]}
        if self.user_bytes is not None:
            out["userAllBytes"] = self.user_bytes
        return out


def _read(path: str, limit: int = 1 << 20) -> bytes:
    """The first ``limit`` bytes of a small file (the record, a cgroup file), with the system
    calls alone: ``open()`` builds a buffered and a text file object for each, ~50 us of
    every job start per file on a loaded node. Raises OSError."""
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        chunks, total = [], 0
        while total < limit:
            chunk = os.read(fd, min(65536, limit - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _int(value: object) -> "int | None":
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def load(log_dir: "str | os.PathLike[str]") -> "Attempt | None":
    """The record of the latest attempt in ``log_dir``, or None (none, or unreadable)."""
    from pai_runtime import fastjson

    try:
        data = fastjson.loads(_read(os.path.join(log_dir, RECORD)).decode("utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or _int(data.get("attempt")) is None:
        return None
    mark = data.get("userAllStart")
    user_mark = None
    if isinstance(mark, dict) and _int(mark.get("inode")) is not None and _int(mark.get("offset")) is not None:
        user_mark = (mark["inode"], mark["offset"])
    return Attempt(number=data["attempt"], started=str(data.get("startedAt", "")),
                   user_bytes=_int(data.get("userAllBytes")), user_mark=user_mark,
                   platform_offset=_int(data.get("runtimeLogOffset")) or 0)


def save(log_dir: "str | os.PathLike[str]", attempt: "Attempt") -> "str | None":
    """Write the record; the error text when it cannot be written.

    In place, and valid at every moment: a record shorter than the file's is padded with
    spaces to the file's length (JSON allows them) and written at offset 0 in one write of
    well under a page, then the file is cut to the record. Why not a temporary file renamed
    over the record: on ext4 a rename that replaces a file flushes the new file's data first
    (``auto_da_alloc``), ~0.4 ms of every job start and again at its end. Anything at that
    path but a regular file (a symlink the job left there, a FIFO) is replaced by a renamed
    file as before, never written through."""
    from pai_runtime import fastjson

    path = os.path.join(log_dir, RECORD)
    data = (fastjson.dumps(attempt.to_data()) + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW | os.O_NONBLOCK, 0o666)
    except OSError:
        return _replace(path, data)
    try:
        st = os.fstat(fd)
        if st.st_mode & 0o170000 != 0o100000:
            os.close(fd)
            fd = -1
            return _replace(path, data)
        size = st.st_size
        padded = data[:-1] + b" " * (size - len(data)) + b"\n" if size > len(data) else data
        done = 0
        while done < len(padded):
            done += os.pwrite(fd, padded[done:], done)
        if size > len(data):
            os.ftruncate(fd, len(data))
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    finally:
        if fd >= 0:
            os.close(fd)
    return None


def _replace(path: str, data: bytes) -> "str | None":
    """The record as a new file renamed over ``path``; the error text when that fails."""
    tmp = f"{os.path.dirname(path)}/.{RECORD}.{os.getpid()}"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o666)
        try:
            os.write(fd, data)
        finally:
            os.close(fd)
        os.replace(tmp, path)
    except OSError as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return f"cannot write {path}: {exc.strerror or exc}"
    return None


def start(log_dir: "str | os.PathLike[str]", runtime_log_size: int, started: str) -> "Attempt":
    """The record of a new attempt: the previous number + 1, and where the logs stand now."""
    previous = load(log_dir)
    mark = None
    try:
        st = os.stat(os.path.join(log_dir, "user-all", "current"))
        mark = (st.st_ino, st.st_size)
    except OSError:
        pass
    return Attempt(number=(previous.number + 1) if previous else 1, started=started, user_mark=mark,
                   platform_offset=max(0, runtime_log_size))


def user_files(directory: "Path") -> "list[Path]":
    """``current`` then ``current.1`` ... (newest first): the stream's files that exist."""
    out = [directory / "current"] if (directory / "current").exists() else []
    for i in range(1, MAX_ROTATED + 1):
        p = directory / f"current.{i}"
        if not p.exists():
            break
        out.append(p)
    return out


def user_bytes(directory: "Path", attempt: "Attempt") -> "int | None":
    """How many bytes at the end of the stream's concatenation belong to ``attempt``: the
    count recorded at its end, else from the start mark (the file holding that inode, from
    the recorded offset, plus every newer file). None: the whole log."""
    if attempt.user_bytes is not None:
        return attempt.user_bytes
    if attempt.user_mark is None:
        return None
    inode, offset = attempt.user_mark
    total = 0
    for p in user_files(directory):
        try:
            st = os.stat(p)
        except OSError:
            continue
        if st.st_ino == inode:
            return total + max(0, st.st_size - offset)
        total += st.st_size
    return None  # the start file rotated away: everything left is this attempt's


def read_last(directory: "Path", want: int, notes: "list[str]") -> bytes:
    """The last ``want`` bytes of the stream's concatenation (oldest to ``current``),
    reading backwards from ``current`` across the rotated files."""
    chunks: list[bytes] = []
    left = want
    for p in user_files(directory):
        if left <= 0:
            break
        try:
            with open(p, "rb") as f:
                size = os.fstat(f.fileno()).st_size
                take = min(size, left)
                f.seek(size - take)
                data = f.read(take)
        except OSError as exc:
            notes.append(f"{p}: cannot read: {exc.strerror or exc}")
            break
        chunks.append(data)
        left -= len(data)
    return b"".join(reversed(chunks))


# -- the kernel's OOM kills during the attempt ---------------------------------------------------

CGROUP_ROOT = "/sys/fs/cgroup"
#: The runtime.log line the default spec matches (keep in sync with specs/runtime-exit-spec.yaml).
OOM_LINE = ("cgroup memory: the kernel's OOM killer killed {n} process(es) of this container during this "
            "attempt (oom_kill {before} -> {after} in {path}{limit})")


def _own_paths() -> "tuple[str | None, str | None]":
    """This process's cgroup v2 path and v1 memory path, from /proc/self/cgroup."""
    v2 = v1 = None
    try:
        lines = _read("/proc/self/cgroup").decode("utf-8", "replace").splitlines()
    except OSError:
        lines = []
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        if parts[0] == "0" and parts[1] == "":
            v2 = parts[2]
        elif "memory" in parts[1].split(","):
            v1 = parts[2]
    return v2, v1


def _candidates(root: str = CGROUP_ROOT) -> "list[tuple[str, str]]":
    """(counter file, limit file) to try, most specific first."""
    v2, v1 = _own_paths()
    out = []
    if v1 is not None:
        for base in (os.path.join(root, "memory", v1.lstrip("/")), os.path.join(root, "memory")):
            out.append((os.path.join(base, "memory.oom_control"), os.path.join(base, "memory.limit_in_bytes")))
    if v2 is not None:
        for base in (os.path.join(root, v2.lstrip("/")), os.path.join(root, "unified", v2.lstrip("/")), root):
            out.append((os.path.join(base, "memory.events"), os.path.join(base, "memory.max")))
    return out


def _oom_kills(path: str) -> "int | None":
    try:
        for line in _read(path).decode("utf-8").splitlines():
            key, _, value = line.partition(" ")
            if key == "oom_kill":
                return int(value)
    except (OSError, ValueError):
        return None
    return None


class OomCounter:
    """The cgroup's ``oom_kill`` count when the attempt started.

    Why: a process the kernel's OOM killer ends dies of SIGKILL, which says nothing of
    memory (the user command exits 137, or a launcher reports "exitcode: -9", or a pool just
    loses a worker). The memory cgroup counts those kills (cgroup v2 ``memory.events``, v1
    ``memory.oom_control``: ``oom_kill N``), so comparing the count at the start and the end
    of the attempt is a fact, not a guess. ``run`` writes it as a runtime.log line that the
    default exit spec matches (``platformLogRegex``), the way OpenPAI's runtime passes its
    own findings to the spec.

    Stdlib only and never raising: no cgroup, or one we may not read, is "unknown".
    """

    def __init__(self, root: str = CGROUP_ROOT) -> None:
        self.path: str | None = None
        self.limit_path: str | None = None
        self.before: int | None = None
        for counter, limit in _candidates(root):
            n = _oom_kills(counter)
            if n is not None:
                self.path, self.limit_path, self.before = counter, limit, n
                break

    def line(self) -> "str | None":
        """The runtime.log line when processes were OOM-killed since the start, else None."""
        if self.path is None or self.before is None:
            return None
        after = _oom_kills(self.path)
        if after is None or after <= self.before:
            return None
        limit = ""
        try:
            with open(self.limit_path or "", encoding="utf-8") as f:
                raw = f.read().strip()
            if raw and raw != "max" and int(raw) < 1 << 60:
                limit = f", memory limit {int(raw) / (1 << 20):.0f} MiB"
        except (OSError, ValueError):
            pass
        return OOM_LINE.format(n=after - self.before, before=self.before, after=after, path=self.path, limit=limit)

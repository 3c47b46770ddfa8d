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

* The attempt record (:class:`Attempt`, ``attempt.json``: which bytes of the logs this run
  wrote) and the OOM kill count (:class:`OomCounter`) that ``run`` takes when it starts:
  here and not in :mod:`.attempt` (which keeps the classifier's side, reading an
  attempt's bytes back) because ``run`` loads this package on every start anyway, and
  each module more costs every job start its import (~0.1 ms on a loaded node).

No ``from __future__ import annotations`` and no ``typing`` here: both are imports of the
PID-1 path (annotations naming what only type checkers import are strings).
"""

import os

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` and ``pathlib`` cost the PID-1 path milliseconds
    from collections.abc import Iterator
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
        st = os.fstat(fd)
        if st.st_mode & 0o170000 == 0o100000 and st.st_size > len(data):  # cut what an older message left
            os.ftruncate(fd, len(data))
    finally:
        os.close(fd)


def install_spec(ctx: "InitContext") -> None:
    """Init's entry point: see :func:`pai_runtime.exitspec.install.install_spec`."""
    from pai_runtime.exitspec.install import install_spec as install

    install(ctx)


# -- the attempt record (see exitspec/attempt.py for why attempts) -----------------------------

RECORD = "attempt.json"


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


def _candidates(root: str = CGROUP_ROOT) -> "Iterator[tuple[str, str]]":
    """(counter file, limit file) to try, most specific first; lazily, as the first one that
    can be read ends the search (each path built is work on every job start)."""
    v2, v1 = _own_paths()
    join = os.path.join
    if v1 is not None:
        for base in (join(root, "memory", v1.lstrip("/")), join(root, "memory")):
            yield join(base, "memory.oom_control"), join(base, "memory.limit_in_bytes")
    if v2 is not None:
        for base in (join(root, v2.lstrip("/")), join(root, "unified", v2.lstrip("/")), root):
            yield join(base, "memory.events"), join(base, "memory.max")


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

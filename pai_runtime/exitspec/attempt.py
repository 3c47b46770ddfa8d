"""Attempt boundaries in a log dir: which bytes of the user log and runtime.log this run wrote.

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
"""

from __future__ import annotations

import errno
import os

from pai_runtime.exitspec.record import Record

TYPE_CHECKING = False  # typing and pathlib cost the PID-1 path milliseconds; annotations are strings
if TYPE_CHECKING:
    from pathlib import Path

RECORD = "attempt.json"
#: Rotated files looked at (``current.1`` ... ``current.<n>``); rotation keeps far fewer.
MAX_ROTATED = 64


class Attempt(Record):
    """This attempt's number and where its output starts in each log."""

    __slots__ = ("number", "started", "user_bytes", "user_mark", "platform_offset")
    DEFAULTS = {"started": "", "user_bytes": None, "user_mark": None, "platform_offset": 0}
    number: int
    started: str
    #: Bytes of ``user-all`` this attempt wrote (known once it ended), or None.
    user_bytes: int | None
    #: (inode, size) of ``user-all/current`` when it started, or None.
    user_mark: tuple[int, int] | None
    #: Size of runtime.log when it started: this attempt's lines come after.
    platform_offset: int

    def to_data(self) -> dict[str, object]:
        out: dict[str, object] = {"attempt": self.number, "startedAt": self.started,
                                  "runtimeLogOffset": self.platform_offset}
        if self.user_mark is not None:
            out["userAllStart"] = {"inode": self.user_mark[0], "offset": self.user_mark[1]}
        if self.user_bytes is not None:
            out["userAllBytes"] = self.user_bytes
        return out


def _int(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) and value >= 0 else None


def load(log_dir: str | os.PathLike[str]) -> Attempt | None:
    """The record of the latest attempt in ``log_dir``, or None (none, or unreadable)."""
    from pai_runtime import fastjson

    try:
        with open(os.path.join(log_dir, RECORD), encoding="utf-8") as f:
            data = fastjson.loads(f.read())
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


def save(log_dir: str | os.PathLike[str], attempt: Attempt) -> str | None:
    """Write the record; the error text when it cannot be written.

    In place, and valid at every moment: a record shorter than the file's is padded with
    spaces to the file's length (JSON allows them) and written at offset 0 in one write of
    well under a page, then the file is cut to the record. Why not a temporary file renamed
    over the record: on ext4 a rename that replaces a file flushes the new file's data first
    (``auto_da_alloc``), ~0.4 ms of every job start and again at its end."""
    from pai_runtime import fastjson

    path = os.path.join(log_dir, RECORD)
    data = (fastjson.dumps(attempt.to_data()) + "\n").encode("utf-8")
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o666)
        try:
            size = os.fstat(fd).st_size
            padded = data[:-1] + b" " * (size - len(data)) + b"\n" if size > len(data) else data
            if os.pwrite(fd, padded, 0) != len(padded):
                raise OSError(errno.EIO, "short write")
            if size > len(data):
                os.ftruncate(fd, len(data))
        finally:
            os.close(fd)
    except OSError as exc:
        return f"cannot write {path}: {exc.strerror or exc}"
    return None


def start(log_dir: str | os.PathLike[str], runtime_log_size: int, started: str) -> Attempt:
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


def user_files(directory: Path) -> list[Path]:
    """``current`` then ``current.1`` ... (newest first): the stream's files that exist."""
    out = [directory / "current"] if (directory / "current").exists() else []
    for i in range(1, MAX_ROTATED + 1):
        p = directory / f"current.{i}"
        if not p.exists():
            break
        out.append(p)
    return out


def user_bytes(directory: Path, attempt: Attempt) -> int | None:
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


def read_last(directory: Path, want: int, notes: list[str]) -> bytes:
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

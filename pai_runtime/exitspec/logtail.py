"""Read the tail of a log without ever reading the whole file.

Why a window and a seek: a user's log can be many GiB (or one 50 MiB line without a
newline); classification must cost the same whatever its size, so we seek to
``size - window`` and read at most ``window`` bytes. Why the rotated prepend: right after
a rotation ``current`` holds a few bytes and the failure is in ``current.1``; like
OpenPAI we prepend the tail of the newest rotated file when ``current`` is short.

Nothing here raises for a missing, unreadable or vanishing file: a missing log is "no log",
and the note says so.
"""

from __future__ import annotations

import os
from pathlib import Path

from pai_runtime.exitspec.record import Record

DEFAULT_WINDOW = 10 * 1024 * 1024
#: ``current`` shorter than this gets the tail of ``current.1`` (same size) prepended.
ROTATED_PREPEND = 16 * 1024


class LogTail(Record):
    """The bytes we search and where they came from."""

    __slots__ = ("data", "path", "notes", "found")
    DEFAULTS = {"data": b"", "path": None, "notes": list, "found": False}
    data: bytes
    path: str | None
    notes: list[str]
    found: bool


def _read_tail(f: object, size: int, want: int) -> bytes:
    """Read at most ``want`` bytes ending at ``size`` from an open binary file."""
    start = max(0, size - want)
    f.seek(start)  # type: ignore[attr-defined]
    chunks = []
    left = size - start
    while left > 0:
        chunk = f.read(min(left, 1 << 20))  # type: ignore[attr-defined]
        if not chunk:  # truncated under us (copytruncate): keep what we have
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _open(path: Path, notes: list[str]) -> tuple[object, os.stat_result] | None:
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed by the caller
    except FileNotFoundError:
        notes.append(f"{path}: no such log (classified as an empty log)")
        return None
    except IsADirectoryError:
        notes.append(f"{path}: is a directory, not a log")
        return None
    except OSError as exc:
        notes.append(f"{path}: cannot read: {exc.strerror or exc}")
        return None
    try:
        st = os.fstat(f.fileno())
    except OSError as exc:
        f.close()
        notes.append(f"{path}: cannot stat: {exc.strerror or exc}")
        return None
    return f, st


def read_tail(path: str | os.PathLike[str] | None, window: int = DEFAULT_WINDOW, *,
              rotated: bool = False, limit: int | None = None, since: int | None = None) -> LogTail:
    """The last ``window`` bytes of ``path``.

    ``path`` may be a log directory (``user-all/``: ``current`` plus ``current.1``) or a
    file; with ``rotated`` the file's ``.1`` sibling is used the same way. The rotated
    file's inode is compared with the current one's, so a rotation that happens between
    the two opens never duplicates content.

    This attempt's bytes only (exitspec/attempt.py): ``limit`` is how many bytes at the end
    of the stream (``current`` and the rotated files before it, concatenated) the attempt
    wrote; ``since`` is the file's size when the attempt started. Either keeps earlier
    attempts' output out of the search.
    """
    tail = LogTail(path=None if path is None else str(path))
    if path is None:
        return tail
    p = Path(path)
    if p.is_dir():
        current, older = p / "current", p / "current.1"
    else:
        current, older = p, p.with_name(p.name + ".1")
    tail.path = str(current)
    opened = _open(current, tail.notes)
    if opened is None:
        if rotated and older.is_file():
            tail.notes[-1:] = []  # current vanished mid-rotation: the rotated file is the log
            opened = _open(older, tail.notes)
            if opened is None:
                return tail
            current = older
            tail.path = str(older)
        else:
            return tail
    f, st = opened
    tail.found = True
    if limit is not None:
        f.close()  # type: ignore[attr-defined]
        from pai_runtime.exitspec.attempt import read_last

        tail.data = read_last(current.parent, min(window, limit), tail.notes) if limit > 0 else b""
        if not tail.data:
            tail.notes.append(f"{current}: this attempt wrote nothing to it")
        return tail
    if since is not None:
        window = min(window, max(0, st.st_size - since))
    try:
        data = _read_tail(f, st.st_size, window)
    except OSError as exc:
        tail.notes.append(f"{current}: read failed: {exc.strerror or exc}")
        data = b""
    finally:
        f.close()  # type: ignore[attr-defined]
    if rotated and since is None and len(data) < ROTATED_PREPEND and current != older:
        prev = _open(older, []) if older.exists() else None
        if prev is not None:
            g, st2 = prev
            try:
                if (st2.st_dev, st2.st_ino) != (st.st_dev, st.st_ino):
                    want = min(ROTATED_PREPEND, window - len(data))
                    if want > 0:
                        data = _read_tail(g, st2.st_size, want) + data
            except OSError as exc:
                tail.notes.append(f"{older}: read failed: {exc.strerror or exc}")
            finally:
                g.close()  # type: ignore[attr-defined]
    if not data:
        tail.notes.append(f"{current}: empty log")
    tail.data = data
    return tail

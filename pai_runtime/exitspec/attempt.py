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

The record itself (:class:`Attempt`, :func:`load`, :func:`save`, :func:`start`) and the OOM
kill count (:class:`OomCounter`, the other thing an attempt is compared against at its end)
are what ``run`` needs on every start: they live in the package's ``__init__``, which
``run`` loads anyway (a module more is ~0.1 ms of every job start), and are named here
too. This module keeps the classifier's side: the bytes of the user log an attempt wrote.
"""

import os

# the record, defined in the package (see above); named here for the classifier and the CLI
from pai_runtime.exitspec import (  # noqa: F401
    CGROUP_ROOT,
    OOM_LINE,
    RECORD,
    Attempt,
    OomCounter,
    load,
    save,
    start,
)

TYPE_CHECKING = False  # typing and pathlib cost the PID-1 path milliseconds; annotations are strings
if TYPE_CHECKING:
    from pathlib import Path


#: Rotated files looked at (``current.1`` ... ``current.<n>``); rotation keeps far fewer.
MAX_ROTATED = 64


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

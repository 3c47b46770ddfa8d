"""The exit spec as init validated it, in a file ``run`` loads without validating again.

Why: loading the installed spec in the job container validates every entry again, which
compiles every regex with RE2 once only to prove it compiles, before classification
compiles the ones it searches with. Init has already proven all of that. It writes the
validated entries with :mod:`marshal` (built into the interpreter: no import, no parser,
no checks) next to the installed spec, so a failed job's classification starts from the
spec's objects at once. Compiled RE2 objects cannot be stored (the binding has no
serialised form); what is stored is the outcome of init's compile: the entries whose
every regex is proven to compile, so ``run`` compiles each regex only where it searches.

The cache is only a shortcut: it holds a copy of the installed spec's bytes and is used
only when they equal the file ``run`` would load, and only under the interpreter that
wrote it (``marshal``'s format is that of the Python version). Anything else (absent,
stale, corrupt, another Python) and ``run`` loads the spec file as before.
"""

from __future__ import annotations

import marshal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.exitspec.spec import ExitSpec

CACHE_FILE = "runtime-exit-spec.cache"
#: bumped when the stored layout changes; the Python version guards marshal's own format
FORMAT = 2
_TAG = ("pai-runtime exit spec cache", FORMAT, tuple(sys.version_info[:2]), marshal.version)
#: stored values are bounded like the spec they come from
MAX_BYTES = 8 << 20


def _fields(obj: object, skip: tuple[str, ...]) -> dict[str, object]:
    return {n: getattr(obj, n) for n in type(obj).__slots__ if n not in skip}


def body(spec: ExitSpec) -> dict[str, Any]:
    """What the cache stores of ``spec`` (as loaded from any source): plain values only.
    Loading the installed file names that file as the source and as the place of every
    entry and pattern; :func:`loads` does the same, so the places are not stored. Every
    other field of the spec, its entries and patterns is stored by name (a field the exit
    spec grows travels without a change here). Independent of the path and of the Python
    version, so the shipped spec's body is precompiled (exitspec/shipped.py)."""
    entries = [dict(_fields(e, ("where", "patterns")), patterns=[_fields(p, ("where",)) for p in e.patterns])
               for e in spec.entries]
    return dict(_fields(spec, ("entries", "source")), entries=entries)


def dumps_body(spec_body: dict[str, Any], installed: bytes) -> bytes:
    """The cache of a spec whose :func:`body` is ``spec_body``, valid for the installed
    spec file whose bytes are ``installed``."""
    return marshal.dumps((_TAG, installed, spec_body))


def dumps(spec: ExitSpec, installed: bytes) -> bytes:
    """The cache of ``spec``, valid for the installed spec file whose bytes are ``installed``."""
    return dumps_body(body(spec), installed)


def loads(data: bytes, installed: bytes, source: str) -> ExitSpec | None:
    """The spec from a cache written for ``installed``, as loading the installed file at
    ``source`` gives it; None if the cache does not fit."""
    if len(data) > MAX_BYTES:
        return None
    try:
        tag, source_bytes, stored = marshal.loads(data)
        if tag != _TAG or source_bytes != installed:
            return None
        from pai_runtime.exitspec.spec import Entry, ExitSpec, Pattern

        entries = [Entry(**dict(e, where=source, patterns=tuple(Pattern(**p, where=source) for p in e["patterns"])))
                   for e in stored.pop("entries")]
        return ExitSpec(entries=entries, source=source, **stored)
    except (ValueError, TypeError, EOFError, KeyError, IndexError, AttributeError):
        return None


def write(spec: ExitSpec, installed_path: Any) -> None:
    """Write the cache beside the installed spec (``installed_path``, just written from
    ``spec`` with :func:`~pai_runtime.exitspec.spec.dump_installed`)."""
    from pathlib import Path

    installed = Path(installed_path)
    (installed.parent / CACHE_FILE).write_bytes(dumps(spec, installed.read_bytes()))


def load(installed_path: Any) -> ExitSpec | None:
    """The cached spec for the installed spec at ``installed_path``, or None (then load the
    file itself). Never raises."""
    import os

    path = os.fspath(installed_path)
    cache = os.path.join(os.path.dirname(path), CACHE_FILE)
    try:
        with open(cache, "rb") as f:
            data = f.read(MAX_BYTES + 1)
        with open(path, "rb") as f:
            installed = f.read(MAX_BYTES + 1)
    except OSError:
        return None
    return loads(data, installed, path)

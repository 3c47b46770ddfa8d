"""Safe reading of addon tarballs: every member checked from its header before any byte
of it is written, in one streaming pass that also hashes the archive.

Why our own checks on top of :func:`tarfile.data_filter`: the filter judges each member
alone against the destination, but an addon is judged as a whole (a member below a
symlink of the same archive, a chain of symlinks that climbs out, a hard link to a member
that does not exist, duplicates that replace a checked member) and must be judged
*before* extraction, where the destination does not exist yet. Both run; a member the
filter refuses is refused even if our rules let it pass.

Tar bombs are bounded from the headers: the member count and the sum of the members'
sizes (a sparse member counts with its full size) are checked as each header arrives, so
a 10 GB sparse member in a small archive is refused without inflating it, and 100 000
members stop at the limit. Gzip bombs that hide outside the members are bounded by the
stream itself: :class:`~pai_runtime.addons.gzipstream.GzipStream` refuses a single header read above
:data:`MAX_HEADER_READ` (tarfile reads a pax or GNU long-name header's data into memory in
one call) and inflates at most :data:`MAX_TRAILER` after the tar's end-of-archive marker.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tarfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

# MAX_TRAILER and the rest stay importable from here, where they lived before.
from pai_runtime.addons.gzipstream import CHUNK, MAX_HEADER_READ, MAX_TRAILER, GzipStream, StreamError  # noqa: F401
from pai_runtime.errors import ConfigError
from pai_runtime.units import human_size as human
from pai_runtime.units import parse_size

DEFAULT_MAX_SIZE = 4 << 30
DEFAULT_MAX_MEMBERS = 50_000


class TarProblem(Exception):
    """The tarball breaks one or more rules (each a line in ``violations``)."""

    def __init__(self, violations: list[str]) -> None:
        super().__init__(violations[0] if len(violations) == 1 else f"{violations[0]} (+{len(violations) - 1} more)")
        self.violations = violations


class Cancelled(Exception):
    """Extraction stopped because the caller asked (init timeout or signal)."""


@dataclass(frozen=True)
class Limits:
    """Tar-bomb bounds; ``PAI_ADDON_MAX_SIZE`` / ``PAI_ADDON_MAX_MEMBERS`` override them."""

    max_size: int = DEFAULT_MAX_SIZE
    max_members: int = DEFAULT_MAX_MEMBERS

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> Limits:
        env = dict(os.environ if env is None else env)
        size, members = DEFAULT_MAX_SIZE, DEFAULT_MAX_MEMBERS
        if env.get("PAI_ADDON_MAX_SIZE"):
            try:
                size = parse_size(env["PAI_ADDON_MAX_SIZE"], minimum=1, what="the value")
            except ValueError as exc:  # where names the variable, the message says how to write it: once each
                raise ConfigError(str(exc), where="PAI_ADDON_MAX_SIZE") from None
        if env.get("PAI_ADDON_MAX_MEMBERS"):
            try:
                members = int(env["PAI_ADDON_MAX_MEMBERS"])
            except ValueError:
                raise ConfigError(f"{env['PAI_ADDON_MAX_MEMBERS']!r} is not a number",
                                  where="PAI_ADDON_MAX_MEMBERS", hint="give a member count, e.g. 100000") from None
        return cls(size, members)


def _norm(name: str) -> tuple[str, list[str]]:
    """Member name -> (normalised relative name, problems of the raw name)."""
    problems = []
    if name.startswith("/"):
        problems.append("absolute member name")
    parts = name.split("/")
    if ".." in parts:
        problems.append("'..' in member name")
    rel = "/".join(p for p in parts if p not in ("", ".", ".."))
    return rel, problems


def _parents(rel: str) -> Iterable[str]:
    i = rel.find("/")
    while i != -1:
        yield rel[:i]
        i = rel.find("/", i + 1)


@dataclass
class Checker:
    """Fed the members of one archive in order; collects every violation.

    ``bomb`` is set once a bound is passed: reading on would only do the bomb's work.
    """

    limits: Limits = field(default_factory=Limits)
    violations: list[str] = field(default_factory=list)
    members: int = 0
    total: int = 0
    bomb: bool = False
    kinds: dict[str, str] = field(default_factory=dict)
    symlinks: dict[str, str] = field(default_factory=dict)
    dirs: set[str] = field(default_factory=set)
    #: where the data filter judges members against: the real destination while
    #: extracting, an empty private dir while only scanning
    dest: str = ""

    def feed(self, m: tarfile.TarInfo) -> list[str]:
        """Check one member; returns its violations (also appended to ``violations``)."""
        found: list[str] = []
        self.members += 1
        if self.members > self.limits.max_members:
            self.bomb = True
            found.append(f"more than {self.limits.max_members} members (tar bomb?); "
                         "raise PAI_ADDON_MAX_MEMBERS if this addon is legitimate")
            self.violations.extend(found)
            return found
        label = f"member {m.name!r}"
        if "\0" in m.name or "\0" in m.linkname:
            return self._done([f"{label}: NUL byte in its name or link target (corrupt or crafted archive)"])
        rel, name_probs = _norm(m.name)
        found += [f"{label}: {p}" for p in name_probs]
        if m.isreg() or m.type not in tarfile.SUPPORTED_TYPES:  # the data tarfile reads or skips
            self.total += m.size
            if self.total > self.limits.max_size:
                self.bomb = True
                found.append(f"{label}: {human(m.size)}{' sparse' if m.issparse() else ''} brings the content "
                             f"to more than {human(self.limits.max_size)} (tar bomb?); raise PAI_ADDON_MAX_SIZE "
                             "if this addon is legitimate")
        kind = ("file" if m.isreg() else "dir" if m.isdir() else "symlink" if m.issym()
                else "hardlink" if m.islnk() else None)
        if kind is None:
            what = ("a character device" if m.ischr() else "a block device" if m.isblk()
                    else "a fifo" if m.isfifo() else f"of unsupported type {m.type.decode('latin-1')!r}")
            found.append(f"{label}: is {what} (only files, directories and links are allowed)")
        if rel == "" and not name_probs:
            if kind != "dir":
                found.append(f"{label}: names the archive root but is not a directory")
            return self._done(found)
        for parent in _parents(rel):
            pk = self.kinds.get(parent)
            if pk in ("symlink", "file", "hardlink"):
                found.append(f"{label}: lies below {pk} {parent!r} (extraction would go through it)")
                break
        old = self.kinds.get(rel)
        if old is not None and not (old == "dir" and kind == "dir"):
            found.append(f"{label}: appears twice in the archive (a later copy would replace the first)")
        if m.issym():
            found += self._symlink(label, rel, m.linkname)
        elif m.islnk():
            found += self._hardlink(label, m.linkname)
        if not found:
            try:
                tarfile.data_filter(m, self.dest)
            except tarfile.FilterError as exc:
                found.append(f"{label}: refused by tarfile's data filter: {exc}")
        if kind and not (rel in self.kinds and kind == "dir"):
            self.kinds[rel] = kind
        if kind == "dir":
            self.dirs.add(rel)
        self.dirs.update(_parents(rel))
        return self._done(found)

    def _done(self, found: list[str]) -> list[str]:
        self.violations.extend(found)
        return found

    def _symlink(self, label: str, rel: str, target: str) -> list[str]:
        if not target:
            return [f"{label}: symlink with an empty target"]
        if target.startswith("/"):
            return [f"{label}: symlink to absolute path {target!r} resolves outside the addon "
                    "(use a relative target inside the addon)"]
        if _climb(rel.split("/")[:-1], target.split("/")) is None:
            return [f"{label}: symlink to {target!r} resolves outside the addon's root"]
        self.symlinks[rel] = target
        return []

    def _hardlink(self, label: str, target: str) -> list[str]:
        rel, probs = _norm(target)
        if probs or not rel:
            return [f"{label}: hard link to {target!r} points outside the addon ({', '.join(probs) or 'root'})"]
        if self.kinds.get(rel) != "file":
            return [f"{label}: hard link to {target!r}, which is not a file earlier in the archive"]
        return []

    def finish(self, required: Sequence[str] = ()) -> list[str]:
        """Whole-archive rules: symlink chains stay inside; each requested path exists."""
        found = []
        if self.members == 0 and not self.bomb:
            found.append("the archive is empty")
        if not self.bomb:
            for rel, target in self.symlinks.items():
                why = self._resolve(rel)
                if why:
                    found.append(f"member {rel!r}: symlink to {target!r} {why}")
            for p in required:
                rel = p.strip("/")
                if rel not in self.kinds and rel not in self.dirs:
                    found.append(f"path {p!r}: not in the tarball (expected a member named {rel!r} or "
                                 f"'./{rel}'; build it with `pai-runtime addon build`)")
        self.violations.extend(found)
        return found

    def _resolve(self, rel: str) -> str | None:
        """Follow ``rel`` through the archive's own symlinks, as the kernel would after
        extraction; returns why it is unsafe, or None."""
        todo = rel.split("/")
        done: list[str] = []
        hops = 0
        while todo:
            comp = todo.pop(0)
            if comp in ("", "."):
                continue
            if comp == "..":
                if not done:
                    return "resolves outside the addon's root (through the archive's links)"
                done.pop()
                continue
            done.append(comp)
            key = "/".join(done)
            target = self.symlinks.get(key)
            if target is not None:
                hops += 1
                if hops > 40:
                    return "is part of a symlink loop"
                if target.startswith("/"):
                    return "resolves outside the addon's root (through an absolute link)"
                done.pop()
                todo = target.split("/") + todo
        return None


def _climb(base: list[str], target: list[str]) -> list[str] | None:
    """Lexical join of ``target`` onto ``base``; None when it climbs above the root."""
    out = list(base)
    for comp in target:
        if comp in ("", "."):
            continue
        if comp == "..":
            if not out:
                return None
            out.pop()
        else:
            out.append(comp)
    return out


@dataclass
class ScanResult:
    violations: list[str]
    members: int
    content_size: int
    sha256: str


def _open_tar(stream: GzipStream) -> tarfile.TarFile:
    """Random-access mode on a forward-only stream: tarfile then reads headers and data
    straight from :class:`GzipStream` (its stream mode re-slices a buffer per header,
    quadratic on archives of many small members). Opening reads the first header."""
    return _tarfile_call(tarfile.open, fileobj=stream, mode="r:")


def _members(tar: tarfile.TarFile) -> Iterator[tarfile.TarInfo]:
    it = iter(tar)
    while True:
        try:
            m = _tarfile_call(next, it)
        except StopIteration:
            return
        yield m


def _tarfile_call(fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """Call tarfile, turning what a crafted header makes tarfile itself raise (a
    ValueError for a pax number that is not one, a RecursionError for hundreds of chained
    extended headers) into :class:`tarfile.ReadError`, so it becomes a violation."""
    try:
        return fn(*args, **kwargs)
    except ValueError as exc:
        raise tarfile.ReadError(f"corrupt header: {exc}") from None
    except RecursionError:
        raise tarfile.ReadError("too many chained extended headers (crafted archive?)") from None


def scan(tarball: Path, required: Sequence[str] = (), limits: Limits | None = None) -> ScanResult:
    """Check every rule of the tarball, reading only headers (data is skipped, not kept)."""
    import tempfile

    sha = ""
    try:
        raw = open(tarball, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        return ScanResult([f"tarball {str(tarball)!r}: cannot read: {exc.strerror}"], 0, 0, "")
    stream = GzipStream(raw)
    empty = tempfile.TemporaryDirectory(prefix="pai-addon-scan-")
    checker = Checker(limits or Limits(), dest=empty.name)
    try:
        with _open_tar(stream) as tar:
            for m in _members(tar):
                checker.feed(m)
                if checker.bomb:
                    break
        if not checker.bomb:
            stream.drain()
            sha = stream.hexdigest()
    except (tarfile.TarError, OSError, EOFError, zlib.error) as exc:
        checker.violations.append(f"tarball: cannot read it as a tar.gz: {_reason(exc)}")
        checker.bomb = True
    finally:
        raw.close()
        empty.cleanup()
    checker.finish(required)
    return ScanResult(checker.violations, checker.members, checker.total, sha)


def _reason(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return "truncated or corrupt archive" if text in ("unexpected end of data", "empty file") else text


def hash_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Extracted:
    sha256: str
    members: int
    content_size: int


def extract(tarball: Path, dest: Path, *, sha256: str, required: Sequence[str] = (),
            limits: Limits | None = None, should_stop: Callable[[], bool] | None = None) -> Extracted:
    """Extract into the new directory ``dest`` and make it read-only (files 0444, or
    0555 when executable; dirs 0555), hashing in the same pass.

    Raises :class:`TarProblem` (a rule broken, or the sha256 is not ``sha256``) or
    :class:`Cancelled`; ``dest`` is removed then. Never writes outside ``dest``: every
    member is checked before it is written, no member lies below a link, and files are
    created with ``O_EXCL | O_NOFOLLOW``.
    """
    os.mkdir(dest, 0o700)
    checker = Checker(limits or Limits(), dest=str(dest))
    dirs: list[str] = [str(dest)]
    raw = open(tarball, "rb")  # noqa: SIM115 - closed below
    stream = GzipStream(raw, threaded=True)
    buf = bytearray(CHUNK)
    view = memoryview(buf)
    try:
        with _open_tar(stream) as tar:
            for m in _members(tar):
                if should_stop is not None and should_stop():
                    raise Cancelled()
                problems = checker.feed(m)
                if problems:
                    raise TarProblem(problems)
                rel = _norm(m.name)[0]
                if not rel:
                    continue
                path = os.path.join(dest, rel)
                _ensure_parent(dest, rel, dirs)
                if m.isdir():
                    if not os.path.isdir(path):
                        os.mkdir(path, 0o700)
                        dirs.append(path)
                elif m.isreg():
                    src = tar.extractfile(m)
                    assert src is not None
                    stream.max_read = len(view)  # a member's data, read in chunks of our buffer
                    _write(path, src, view, m)
                    stream.max_read = MAX_HEADER_READ
                elif m.issym():
                    os.symlink(m.linkname, path)
                elif m.islnk():
                    os.link(os.path.join(dest, _norm(m.linkname)[0]), path, follow_symlinks=False)
        stream.drain()
        got = stream.hexdigest()
        if got != sha256:
            raise TarProblem([_mismatch(sha256, got)])
        problems = checker.finish(required)
        if problems:
            raise TarProblem(problems)
        for d in reversed(dirs):
            os.chmod(d, 0o555)
    except (tarfile.TarError, EOFError, zlib.error, StreamError, TarProblem) as exc:
        stream.close()
        remove_tree(dest)
        found = exc.violations if isinstance(exc, TarProblem) else [f"cannot read it as a tar.gz: {_reason(exc)}"]
        if not found[0].startswith("sha256 mismatch"):
            # A registered tarball passed every rule: if it breaks one now, the bytes
            # changed; say so first (the root cause), then what broke.
            got = hash_file(tarball)
            if got != sha256:
                found = [_mismatch(sha256, got), *found]
        raise TarProblem(found) from None
    except BaseException:
        stream.close()
        remove_tree(dest)
        raise
    finally:
        stream.close()
        raw.close()
    return Extracted(got, checker.members, checker.total)


def _mismatch(expected: str, got: str) -> str:
    return (f"sha256 mismatch: the catalog says {expected}, the tarball is {got} "
            "(corrupted or replaced; register it again under a new name)")


def _ensure_parent(dest: Path, rel: str, dirs: list[str]) -> None:
    """Create implied parent dirs (a tar need not list them)."""
    i = rel.rfind("/")
    if i == -1:
        return
    parent = os.path.join(dest, rel[:i])
    if os.path.isdir(parent):
        return
    missing = []
    for p in _parents(rel):
        full = os.path.join(dest, p)
        if not os.path.lexists(full):
            missing.append(full)
    for full in missing:
        os.mkdir(full, 0o700)
        dirs.append(full)


def _write(path: str, src: IO[bytes], view: memoryview, m: tarfile.TarInfo) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        readinto = src.readinto  # type: ignore[attr-defined]
        while True:
            n = readinto(view)
            if not n:
                break
            chunk = view[:n]
            while chunk:
                w = os.write(fd, chunk)
                chunk = chunk[w:]
        os.fchmod(fd, 0o555 if m.mode & 0o100 else 0o444)
        os.utime(fd, (m.mtime, m.mtime))
    finally:
        os.close(fd)


def remove_tree(path: Path | str) -> None:
    """``rm -rf`` that also removes read-only dirs we made (chmod u+w on the way)."""
    path = str(path)
    if not os.path.lexists(path):
        return
    if os.path.islink(path) or not os.path.isdir(path):
        os.unlink(path)
        return

    def onerror(func: Any, p: str, exc: Any) -> None:
        try:
            os.chmod(os.path.dirname(p), 0o700)
            if os.path.isdir(p) and not os.path.islink(p):
                os.chmod(p, 0o700)
            func(p)
        except OSError:
            pass

    for root, subdirs, _files in os.walk(path):
        try:
            os.chmod(root, stat.S_IRWXU)
        except OSError:
            pass
        for d in subdirs:
            full = os.path.join(root, d)
            if not os.path.islink(full):
                try:
                    os.chmod(full, stat.S_IRWXU)
                except OSError:
                    pass
    shutil.rmtree(path, onerror=onerror)

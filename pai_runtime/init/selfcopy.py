"""Copy the runtime into the shared work dir, so the job container can start it.

Why: the job container runs the user's image, which may have no Python at all. As
OpenPAI copied bash scripts and static binaries from its init container into the shared
``emptyDir``, ``pai-runtime init`` copies itself (the self-contained bundle of
build/portable.py: CPython with its own glibc and loader, a static launcher and a static
busybox) plus ``specs/`` and ``plugins/`` into ``$PAI_WORK_DIR`` and writes the launcher
``$PAI_WORK_DIR/runtime`` that the pod spec's job container command names.

Layout written (everything else in the work dir is left alone)::

    $PAI_WORK_DIR/runtime                  launcher (POSIX sh): exec <bundle> run "$@"
    $PAI_WORK_DIR/pai-runtime -> .pai-runtime/<id>/bundle/pai-runtime   (frozen only: the
                                           command for images without /bin/sh: ``pai-runtime run``)
    $PAI_WORK_DIR/specs   -> .pai-runtime/<id>/specs      (relative symlinks)
    $PAI_WORK_DIR/plugins -> .pai-runtime/<id>/plugins
    $PAI_WORK_DIR/.pai-runtime/<id>/       bundle/ (frozen only), specs/, plugins/, .complete

Atomic and idempotent: a version is copied into a private temp dir and renamed to
``.pai-runtime/<id>`` only when complete; ``<id>`` is a fingerprint of what is copied, so
an init container restart finds the complete copy and only rewrites the launcher (temp +
rename). A copy interrupted half-way is a temp dir that the next run removes; an older
version is renamed out of the way before it is removed, so an init killed at any point
leaves a launcher that starts a complete runtime. Nothing is ever removed outside
``.pai-runtime/`` except our own dead temp links/launchers (OpenPAI cleaned the work dir
with ``rm -rf`` and hit read-only secret mounts), removal never enters or removes a mount
point, and a ``runtime``, ``specs`` or ``plugins`` entry that pai-runtime did not write is
never replaced.

Each file is hard-linked where the work dir is on the filesystem the runtime is installed
on (``up``, the tests, an image whose work dir is not a volume): a link costs one
directory entry, while a copy creates an inode and writes the data (the bundle's 906
files: ~30 ms linked, 45 ms to 0.6 s copied, by filesystem and load). Across filesystems
(an ``emptyDir``, the usual pod; a bind mount counts as another) or where a link is
refused, the files are copied (data, mode, times, xattrs). Either way the version dir is
complete before it is renamed into place. A linked file is the installed file itself,
so the copy is for reading and running, as it always was: editing one of its files in
place would edit the installed runtime (replacing one is safe).

Not frozen (a venv or ``pip install``): no bundle exists, so the launcher runs the same
interpreter, ``<python> -I -m pai_runtime run``; that works where the job container sees
the same Python (``up``, tests, an image with pai-runtime installed), and the launcher
says so clearly where it does not.

The bundle needs nothing from the image (its static launcher starts its Python through
its own loader), so the launcher checks only that the copy is there; what still cannot
run (the copy's loader is for another CPU architecture) gets one clear line, the
termination message and exit code 127 from the static launcher itself. The launcher sets
``PAI_WORK_DIR`` only: nothing of the runtime's own (no ``PAI_HOME``, no library path)
reaches the user's commands.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import time
from os.path import join

from pai_runtime.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

STORE = ".pai-runtime"
LAUNCHER = "runtime"
MARKER = "# pai-runtime launcher"
COMPLETE = ".complete"
EXE_LINK = "pai-runtime"
CANNOT_START = 127  # what a shell returns for a command it cannot execute
#: Left out of the copy of specs/ and plugins/ (the bundle is copied byte for byte: its
#: modules may be plain .pyc files)
_BYTECODE = ("__pycache__", ".pyc", ".pyo")
_HEX = frozenset("0123456789abcdef")


def _ours(name: str) -> bool:
    """Whether ``name`` in the store is one init writes (a version ``<id>``, a copy or a
    removal in progress ``.tmp-<id>-<pid>`` / ``.del-<id>-<pid>``): the only ones it ever
    removes. (A regular expression did this; compiling it cost every init start.)"""
    if name.startswith((".tmp-", ".del-")):
        version, dash, pid = name[5:].partition("-")
        return dash == "-" and len(version) == 16 and set(version) <= _HEX and pid.isdecimal()
    return len(name) == 16 and set(name) <= _HEX


def frozen_bundle() -> str | None:
    """The bundle dir when running from the bundle (its sitecustomize sets ``sys.frozen``
    and makes ``sys.executable`` the bundle's launcher), else None."""
    if not getattr(sys, "frozen", False):
        return None
    return os.path.dirname(os.path.realpath(sys.executable))


def install(layout: Any, log: Any) -> str:
    """Copy the runtime into ``layout.work_dir`` and write the launcher; returns its path.

    Raises OSError when the work dir cannot be written (the caller turns it into its
    error line) and ConfigError when a path we must write belongs to someone else.
    """
    started = time.monotonic()
    work = os.fspath(layout.work_dir)
    os.makedirs(work, exist_ok=True)
    store = join(work, STORE)
    if os.path.islink(store):  # removal below would follow it anywhere
        raise ConfigError(f"{store} is a symlink, not the runtime's own dir", where="PAI_WORK_DIR",
                          hint="remove it, or give the runtime a work dir of its own")
    try:
        os.mkdir(store, 0o755)
    except FileExistsError:
        if not os.path.isdir(store):
            raise
    bundle = frozen_bundle()
    items: list[tuple[str, str]] = []
    if bundle is not None:
        items.append(("bundle", bundle))
    for name, src in (("specs", os.fspath(layout.specs_dir)), ("plugins", os.fspath(layout.plugins_dir))):
        if os.path.isdir(src):
            items.append((name, src))
    listings: dict[str, list[tuple[str, os.DirEntry[str]]]] = {}
    version = fingerprint(items, bundle, listings)
    target = join(store, version)
    linking = [True]  # until a link is refused (another filesystem): then copies
    reused = _copy_version(store, target, items, log, listings, linking)
    for name, _src in items:
        if name != "bundle":
            _link(work, name, f"{STORE}/{version}/{name}", log)
    if bundle is not None:
        exe_name = os.path.basename(sys.executable)
        # the command for images without /bin/sh: `pai-runtime run` (a relative link, so
        # it works wherever the job container mounts the work dir)
        _link(work, EXE_LINK, f"{STORE}/{version}/bundle/{exe_name}", log)
        text = launcher_frozen(version, exe_name)
    else:
        text = launcher_python(version, sys.executable)
    launcher = join(work, LAUNCHER)
    _write_launcher(launcher, text)
    _collect_garbage(store, keep=version, log=log)
    _remove_dead_temps(work)
    log.info("runtime installed in the work dir", launcher=launcher, version=version,
             mode="bundle" if bundle is not None else "python", reused=reused,
             files="reused" if reused else "linked" if linking[0] else "copied",
             seconds=round(time.monotonic() - started, 3))
    return launcher


# -- what we copy ---------------------------------------------------------------------------
def _skipped(name: str) -> bool:
    return name == _BYTECODE[0] or name.endswith(_BYTECODE[1:])


def _listing(src: str | os.PathLike[str], skip_bytecode: bool) -> list[tuple[str, os.DirEntry[str]]]:
    """Every entry below ``src`` as (path relative to it, entry), each dir before what it
    holds, files of a dir before its subdirs, both sorted; symlinks are not followed.
    One walk serves the fingerprint and the copy."""
    out: list[tuple[str, os.DirEntry[str]]] = []

    def walk(path: str, rel: str) -> None:
        with os.scandir(path) as it:
            entries = sorted((e for e in it if not (skip_bytecode and _skipped(e.name))), key=lambda e: e.name)
        dirs = []
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                dirs.append(e)
            else:
                out.append((rel + e.name, e))
        for e in dirs:
            out.append((rel + e.name, e))
            walk(e.path, rel + e.name + "/")

    walk(os.fspath(src), "")
    return out


class _Checksum:
    """CRC-32 and Adler-32 of the same byte stream, as one 16-hex-digit id."""

    def __init__(self) -> None:
        from zlib import adler32, crc32

        self._sums = (crc32, adler32)
        self.crc, self.adler = 0, 1

    def update(self, data: bytes) -> None:
        crc32, adler32 = self._sums
        self.crc, self.adler = crc32(data, self.crc), adler32(data, self.adler)

    def hexdigest(self) -> str:
        return f"{self.crc:08x}{self.adler:08x}"


def fingerprint(items: list[tuple[str, str]], bundle: str | None,
                listings: dict[str, list[tuple[str, os.DirEntry[str]]]] | None = None) -> str:
    """A short id of exactly what would be copied (names, sizes, mtimes, modes) plus the
    interpreter: the same init image always yields the same id, so a restart reuses the
    complete copy; a different image gets a new one. ``listings`` (item name -> its
    :func:`_listing`) are kept for the copy."""
    # Not a cryptographic hash: the id tells one image's files from another's, nobody forges
    # it, and hashlib loads OpenSSL (~3 ms of init) for ~1 KB of names; two 32-bit checksums
    # of the same bytes (zlib is built into the interpreter) make a 64-bit id.
    h = _Checksum()
    h.update(f"{sys.executable}\0{sys.version}\0{bundle}\0".encode())
    for name, src in items:
        h.update(f"item\0{name}\0".encode())
        build_id = join(src, ".bundle-id")
        if name == "bundle" and os.path.isfile(build_id):  # build/bundle.sh's fingerprint of its inputs
            st = os.stat(join(src, os.path.basename(sys.executable)))
            with open(build_id, encoding="utf-8") as f:
                bid = f.read().strip()
            h.update(f"{bid}\0{st.st_size}\0{st.st_mtime_ns}\0".encode())
            continue
        listing = _listing(src, skip_bytecode=name != "bundle")
        if listings is not None:
            listings[name] = listing
        for rel, entry in listing:
            if entry.is_dir(follow_symlinks=False):
                continue
            st = entry.stat(follow_symlinks=False)
            h.update(f"{rel}\0{st.st_size}\0{st.st_mtime_ns}\0{st.st_mode}\0".encode())
    return h.hexdigest()[:16]


def _copy_version(store: str, target: str, items: list[tuple[str, str]], log: Any,
                  listings: dict[str, list[tuple[str, os.DirEntry[str]]]] | None = None,
                  linking: list[bool] | None = None) -> bool:
    """Make ``target`` a complete copy of ``items``; True when it already was one.
    ``linking[0]`` ends False when a file had to be copied (see :func:`_copy_file`)."""
    if os.path.exists(join(target, COMPLETE)):
        return True
    if os.path.exists(target):  # cannot happen through us (rename is atomic); never trust it
        _remove_ours(target, log)
    prefix = f".tmp-{os.path.basename(target)}-"
    with os.scandir(store) as it:
        stale = [e.name for e in it if e.name.startswith(prefix)]
    for name in stale:
        if not _pid_alive(name.rsplit("-", 1)[-1]):
            _remove_ours(join(store, name), log)
    tmp = join(store, f"{prefix}{os.getpid()}")
    if os.path.exists(tmp):
        _remove_ours(tmp, log)
    os.mkdir(tmp, 0o755)
    listings = listings or {}
    linking = [True] if linking is None else linking
    try:
        for name, src in items:
            if _inside(src, store):  # running from a copy already in this work dir
                os.symlink(os.path.relpath(src, tmp), join(tmp, name))
                continue
            listing = listings.get(name)
            if listing is None:
                listing = _listing(src, skip_bytecode=name != "bundle")
            _copy_tree(src, join(tmp, name), listing, linking)
        with open(join(tmp, COMPLETE), "w", encoding="utf-8") as f:
            f.write("\n".join(f"{n} {s}" for n, s in items) + "\n")
        os.chmod(tmp, 0o755)
        os.rename(tmp, target)
    except BaseException:
        _remove_ours(tmp, log)
        raise
    return False


def _copy_tree(src: str | os.PathLike[str], dst: str | os.PathLike[str], listing: list[tuple[str, os.DirEntry[str]]],
               linking: list[bool]) -> None:
    """``dst`` as a copy of ``src`` (whose :func:`_listing` is ``listing``): dirs made,
    symlinks recreated, files linked or copied (:func:`_copy_file`); each dir then gets
    the mode and times of its source, as ``shutil.copytree`` gives them."""
    base = os.fspath(dst)
    os.mkdir(base)
    dirs = [(os.fspath(src), base)]
    for rel, entry in listing:
        target = os.path.join(base, rel)
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        elif entry.is_dir(follow_symlinks=False):
            os.mkdir(target)
            dirs.append((entry.path, target))
        elif entry.is_file(follow_symlinks=False):
            _copy_file(entry.path, target, linking)
        else:  # a FIFO, a socket, a device: nothing the runtime ships (a FIFO would block the copy)
            raise OSError(errno.EINVAL, _NOT_REGULAR, entry.path)
    for src_dir, dst_dir in reversed(dirs):  # deepest first: a read-only dir is filled before it is locked
        st = os.stat(src_dir, follow_symlinks=False)
        os.utime(dst_dir, ns=(st.st_atime_ns, st.st_mtime_ns))
        os.chmod(dst_dir, st.st_mode & 0o7777)


def _copy_file(src: str, dst: str, linking: list[bool]) -> None:
    """A hard link to ``src`` while the filesystem allows it (``linking[0]``), else a copy
    (:func:`_copy_data`). The first refused link (another filesystem, a file the kernel's
    ``protected_hardlinks`` keeps, a link count at its limit) turns linking off for the
    rest of the copy."""
    if linking[0]:
        try:
            os.link(src, dst, follow_symlinks=False)
            return
        except FileExistsError:
            raise
        except OSError:
            linking[0] = False
    _copy_data(src, dst)


_NOT_REGULAR = "not a regular file, a dir or a symlink (a FIFO, a socket or a device cannot be copied)"
#: what ``shutil`` ignores when an extended attribute cannot be copied
_XATTR_SKIP = frozenset(getattr(errno, n) for n in ("EPERM", "ENOTSUP", "ENODATA", "EINVAL", "EACCES")
                        if hasattr(errno, n))


def _copy_data(src: str, dst: str) -> None:
    """Copy a regular file: data (``sendfile``, in the kernel), mode, times and extended
    attributes, what ``shutil.copy2`` copies, on two open descriptors. Why not copy2: its
    file objects, checks and path-based calls cost ~0.06 ms a file, which made copying the
    bundle's 906 files into a tmpfs twice as slow (100-120 ms against 45-48 ms on the
    two-core box; on a disk-backed work dir writing the 41 MiB dominates either way).
    Anything but a regular file is refused."""
    fd = os.open(src, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OSError(errno.EINVAL, _NOT_REGULAR, src)
        out = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o600)
        try:
            offset = 0
            try:
                while offset < st.st_size:
                    sent = os.sendfile(out, fd, offset, st.st_size - offset)
                    if sent == 0:
                        break
                    offset += sent
            except OSError as exc:  # a filesystem without sendfile: read and write
                if offset or exc.errno not in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):
                    raise
                while chunk := os.read(fd, 1 << 20):
                    os.write(out, chunk)
            try:
                names = os.listxattr(fd)
            except OSError as exc:  # a filesystem without extended attributes
                if exc.errno not in _XATTR_SKIP:
                    raise
                names = []
            for name in names:
                try:
                    os.setxattr(out, name, os.getxattr(fd, name))
                except OSError as exc:
                    if exc.errno not in _XATTR_SKIP:
                        raise
            os.utime(out, ns=(st.st_atime_ns, st.st_mtime_ns))
            os.fchmod(out, stat.S_IMODE(st.st_mode))
        finally:
            os.close(out)
    finally:
        os.close(fd)


def _link(work: str, name: str, target: str, log: Any) -> None:
    """Point ``work/name`` at our copy, atomically; leave an entry we did not make alone."""
    link = join(work, name)
    if os.path.islink(link):
        if os.readlink(link) == target:
            return
        if not os.readlink(link).startswith(f"{STORE}/"):
            log.warning("not replacing a symlink pai-runtime did not make", path=link)
            return
    elif os.path.exists(link):
        log.warning("not replacing an entry pai-runtime did not make; the runtime uses its own copy",
                    path=link, copy=join(work, target))
        return
    tmp = join(work, f".{name}.tmp-{os.getpid()}")
    try:
        os.unlink(tmp)
    except FileNotFoundError:
        pass
    os.symlink(target, tmp)
    os.replace(tmp, link)


def _write_launcher(path: str, text: str) -> None:
    if os.path.islink(path) or (os.path.exists(path) and not _is_our_launcher(path)):
        raise ConfigError(f"{path} exists and was not written by pai-runtime", where="PAI_WORK_DIR",
                          hint="remove it, or give the runtime a work dir of its own")
    tmp = join(os.path.dirname(path), f".{os.path.basename(path)}.tmp-{os.getpid()}")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o755)
    try:  # no fsync: the rename makes it whole or absent to the job container, and the work
        # dir (an emptyDir) does not outlive a crash of the node; the copied tree is not
        # synced either. The journal commit it forced cost init 1-10 ms.
        os.write(fd, text.encode())
    finally:
        os.close(fd)
    os.chmod(tmp, 0o755)
    os.replace(tmp, path)


def _is_our_launcher(path: str) -> bool:
    if not os.path.isfile(path):
        return False
    try:
        with open(path, "rb") as f:
            head = f.read(256)
    except OSError:
        return False
    return MARKER.encode() in head


def _collect_garbage(store: str, *, keep: str, log: Any) -> None:
    """Remove older versions (a different init image on the same volume) and dead temps.

    A version is first renamed to ``.del-<name>-<pid>`` (atomic), then removed: an init
    killed half-way through a removal leaves a dir no launcher points at and that never
    looks like a complete version, and the next init finishes the job.
    """
    with os.scandir(store) as it:
        entries = list(it)
    for entry in entries:
        if entry.name == keep or not entry.is_dir() or entry.is_symlink() or not _ours(entry.name):
            continue
        if entry.name.startswith((".tmp-", ".del-")):
            if _pid_alive(entry.name.rsplit("-", 1)[-1]):
                continue
            _remove_ours(entry.path, log)
            continue
        doomed = join(store, f".del-{entry.name}-{os.getpid()}")
        try:
            os.rename(entry.path, doomed)
        except OSError as exc:  # a mount point (EBUSY), or not ours to move
            log.warning("not removing an old runtime version", path=entry.path, error=exc.strerror)
            continue
        _remove_ours(doomed, log)


def _remove_dead_temps(work: str) -> None:
    """Temp links and launchers of an init killed between writing and renaming them.

    Only our own names (``.runtime.tmp-<pid>``, ``.specs.tmp-<pid>``, ...) of dead
    processes, and only files or symlinks: unlink never follows a link nor removes a dir.
    """
    prefixes = tuple(f".{name}.tmp-" for name in (LAUNCHER, "specs", "plugins", EXE_LINK))
    with os.scandir(work) as it:  # one listing, no glob patterns to compile
        temps = [e for e in it if e.name.startswith(prefixes)]
    for tmp in temps:
        pid = tmp.name.rsplit("-", 1)[-1]
        if pid.isdigit() and (tmp.is_symlink() or tmp.is_file()) and not _pid_alive(pid):
            try:
                os.unlink(tmp.path)
            except OSError:
                pass


def mount_points() -> set[str]:
    """Every mount point of this mount namespace (``/proc/self/mountinfo``).

    Why not ``st_dev``: a bind mount from the same filesystem (hostPath, a bind-mounted
    secret dir) has the parent's device number, and ``os.path.ismount`` misses it too.
    """
    points: set[str] = set()
    try:
        with open("/proc/self/mountinfo", encoding="utf-8", errors="surrogateescape") as f:
            for line in f:
                fields = line.split()
                if len(fields) > 4:
                    points.add(_unescape_octal(fields[4]))
    except OSError:
        pass
    return points


def _unescape_octal(field: str) -> str:
    """A mountinfo path with its ``\\NNN`` escapes (space, tab, newline, backslash) undone."""
    if "\\" not in field:
        return field
    out, i = [], 0
    while i < len(field):
        code = field[i + 1:i + 4]
        if field[i] == "\\" and len(code) == 3 and all(c in "01234567" for c in code):
            out.append(chr(int(code, 8)))
            i += 4
        else:
            out.append(field[i])
            i += 1
    return "".join(out)


def _remove_ours(path: str | os.PathLike[str], log: Any) -> None:
    """``rm -rf`` of a dir we created, that never crosses into a mounted filesystem."""
    path = os.fspath(path)
    try:
        dev = os.lstat(path).st_dev
    except FileNotFoundError:
        return
    mounts = mount_points()
    if os.path.realpath(path) in mounts:
        log.warning("not removing a mount point", path=path)
        return

    def walk(d: str) -> None:
        with os.scandir(d) as it:
            entries = list(it)
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    if e.stat(follow_symlinks=False).st_dev != dev or os.path.realpath(e.path) in mounts:
                        log.warning("not removing a mount point", path=e.path)
                        continue
                    walk(e.path)
                    os.rmdir(e.path)
                else:
                    os.unlink(e.path)
            except OSError:
                pass

    if os.path.isdir(path) and not os.path.islink(path):
        walk(path)
        try:
            os.rmdir(path)
        except OSError:
            pass
    else:
        try:
            os.unlink(path)
        except OSError:
            pass


def _inside(path: str, parent: str) -> bool:
    """Whether ``path`` is ``parent`` or below it, symlinks resolved (``Path.resolve`` and
    ``relative_to``, as strings)."""
    path, parent = os.path.realpath(path), os.path.realpath(parent)
    return path == parent or path.startswith(parent.rstrip("/") + "/")


def _pid_alive(text: str) -> bool:
    try:
        pid = int(text)
    except ValueError:
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


# -- the launcher ----------------------------------------------------------------------------
_HEAD = f"""#!/bin/sh
{MARKER} (written by `pai-runtime init`; the next init replaces it: do not edit).
# The job container's command: starts `pai-runtime run "$@"` from the copy of the runtime
# next to this file. POSIX sh only: it runs in the user's image, whatever that has.
case "$0" in */*) here=${{0%/*}} ;; *) here=. ;; esac
here=$(cd "$here" && pwd) || exit {CANNOT_START}
home="$here/{STORE}/@VERSION@"
: "${{PAI_WORK_DIR:=$here}}"
export PAI_WORK_DIR
cannot_start() {{
  printf 'pai-runtime: %s\\n' "$1" >&2
  {{ printf '[PAI_RUNTIME_ERROR_START]\\ncontainerExitCode: {CANNOT_START}\\nphrase: PAIRuntimeCannotStartInImage\\n'
    printf 'reason: "%s"\\n[PAI_RUNTIME_ERROR_END]\\n' "$1"
  }} > "${{PAI_TERMINATION_LOG:-/dev/termination-log}}" 2>/dev/null
  exit {CANNOT_START}
}}
"""

_FROZEN = """exe="$home/bundle/@EXE@"
if [ ! -x "$exe" ]; then
  cannot_start "the runtime copy $exe is missing or not executable (the work dir was changed after \
'pai-runtime init'). Workaround: restart the pod, so that its init container copies the runtime again"
fi
exec "$exe" run "$@"
"""

_PYTHON = """py='@PYTHON@'
if [ ! -x "$py" ]; then
  cannot_start "the runtime in $here was installed by a pai-runtime running from a Python \
environment ($py) that this container does not have. Workaround: use the bundled init image \
(build/Dockerfile, 'make bundle'), or install pai-runtime in this image and start 'pai-runtime run'"
fi
exec "$py" -I -m pai_runtime run "$@"
"""


def _sh_quote_ok(value: str) -> str:
    """Values go between single quotes in the script; refuse what would break out."""
    if "'" in value or "\n" in value:
        raise ConfigError(f"path {value!r} cannot be written into the launcher", where="selfcopy",
                          hint="install pai-runtime under a path without quotes or newlines")
    return value


def launcher_frozen(version: str, exe_name: str) -> str:
    return _HEAD.replace("@VERSION@", version) + _FROZEN.replace("@EXE@", _sh_quote_ok(exe_name))


def launcher_python(version: str, python: str) -> str:
    return _HEAD.replace("@VERSION@", version) + _PYTHON.replace("@PYTHON@", _sh_quote_ok(python))

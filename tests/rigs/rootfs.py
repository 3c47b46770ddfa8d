"""Real root filesystems of the images people train in, built once and cached.

Why: "PID 1 of any user image" is only true if it is tried in real images. This machine
has no container engine, but it has Debian's archive, so the rig builds real roots with
``mmdebstrap`` (minbase: the Essential set plus apt, no Python) and small hand-made roots
for the image families Debian cannot bootstrap:

=================  ===========================================================================
name               what it stands for
=================  ===========================================================================
bookworm           Debian 12, glibc 2.36 (the bundle's own build base)
bullseye           Debian 11, glibc 2.31 (Ubuntu 20.04 class; its loader predates ``--version``)
trixie             Debian 13, glibc 2.41 (newer libstdc++/libssl than the bundle's)
glibc-noshell      glibc only, no /bin/sh at all (distroless/base class): libc6 and its
                   dependencies unpacked (``mmdebstrap --variant=extract``)
musl               musl only (Alpine class): Debian's ``musl`` package + a static busybox
busybox            no libc at all: only Debian's static busybox
=================  ===========================================================================

Building a minbase root takes a minute or two on two cores, so each root is built once
per machine into ``$PAI_RIG_CACHE`` (default ``/var/cache/pai-runtime-rigs``, outside the
repo), keyed by its recipe: a recipe change builds a new one; a build goes to a temp dir
and is renamed when complete, under a lock, so parallel test sessions share one build.
Tests never write into a cached root: they mount it read-only (the job container's
``readOnlyRootFilesystem``) with tmpfs or bind mounts on top.

``python -m tests.rigs.rootfs [NAME...]`` builds (or finds) them ahead of time.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CACHE = Path(os.environ.get("PAI_RIG_CACHE", "/var/cache/pai-runtime-rigs")) / "rootfs"
MIRROR = os.environ.get("PAI_RIG_DEBIAN_MIRROR", "http://deb.debian.org/debian")
BUSYBOX = Path("/bin/busybox")
#: Mount points every root gets, so the container rig can mount over them in a read-only root.
MOUNT_POINTS = ("dev", "proc", "tmp", "usr/local/pai", "usr/local/pai-config", "opt/pai-runtime", "etc", "root")
#: Documentation, manuals and locales are dead weight for a test root (and half the unpack time).
_DPKG_EXCLUDES = ["--dpkgopt=path-exclude=/usr/share/man/*", "--dpkgopt=path-exclude=/usr/share/doc/*",
                  "--dpkgopt=path-exclude=/usr/share/locale/*", "--dpkgopt=path-exclude=/usr/share/info/*"]

#: name -> (kind, argument); the recipe's text is part of the cache key.
RECIPES: dict[str, tuple[str, str]] = {
    "bookworm": ("minbase", "bookworm"),
    "bullseye": ("minbase", "bullseye"),
    "trixie": ("minbase", "trixie"),
    "glibc-noshell": ("extract", "bookworm:libc6"),
    "musl": ("musl", "bookworm"),
    "busybox": ("busybox", ""),
}
NAMES = tuple(RECIPES)
_RECIPE_VERSION = "3"  # bump when the build steps below change


class RigError(RuntimeError):
    """A root could not be built (no network to the archive, mmdebstrap missing)."""


def _key(name: str) -> str:
    kind, arg = RECIPES[name]
    h = hashlib.sha256(f"{_RECIPE_VERSION}\0{kind}\0{arg}\0{MIRROR}\0{os.uname().machine}".encode())
    return f"{name}-{h.hexdigest()[:12]}"


def _run(argv: list[str], timeout: float = 1200) -> None:
    res = subprocess.run(argv, capture_output=True, text=True, timeout=timeout)
    if res.returncode != 0:
        raise RigError(f"{' '.join(argv[:4])} ... failed ({res.returncode}):\n"
                       f"{res.stdout[-3000:]}\n{res.stderr[-3000:]}")


def _mmdebstrap(variant: str, suite: str, dest: Path, include: str = "") -> None:
    if shutil.which("mmdebstrap") is None:
        raise RigError("mmdebstrap is not installed (tests/rigs/packages.d/bundle.txt: make system-deps)")
    argv = ["mmdebstrap", f"--variant={variant}", "--mode=root", "--format=directory", "--quiet",
            *_DPKG_EXCLUDES, "--skip=cleanup/apt/lists"]
    if include:
        argv.append(f"--include={include}")
    argv += [suite, str(dest), MIRROR]
    _run(argv)


def _no_python(root: Path) -> None:
    """Minbase has no Python; make sure of it, so a test cannot pass by finding one."""
    for p in list(root.glob("usr/bin/python*")) + list(root.glob("usr/lib/python3*")):
        if p.is_dir() and not p.is_symlink():
            shutil.rmtree(p)
        else:
            p.unlink()


def _busybox_tree(root: Path, *, applets: bool = True) -> None:
    for d in ("bin", "sbin", "usr/bin", "usr/sbin"):
        (root / d).mkdir(parents=True, exist_ok=True)
    shutil.copy2(BUSYBOX, root / "bin" / "busybox")
    if not applets:
        return
    names = subprocess.run([str(BUSYBOX), "--list-full"], capture_output=True, text=True, check=True,
                           timeout=30).stdout.split()
    for a in names:
        dest = root / a
        if not dest.exists() and not dest.is_symlink():
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.symlink("/bin/busybox", dest)


def _etc(root: Path) -> None:
    (root / "etc").mkdir(exist_ok=True)
    if not (root / "etc" / "passwd").exists():
        (root / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n")
        (root / "etc" / "group").write_text("root:x:0:\nnogroup:x:65534:\n")


def _musl(root: Path, suite: str) -> None:
    """Debian's musl runtime (``/lib/ld-musl-x86_64.so.1`` -> ``libc.so``) plus a static busybox."""
    with tempfile.TemporaryDirectory() as tmp:
        # apt-get download writes into the cwd
        res = subprocess.run(["apt-get", "download", "-q", "musl"], cwd=tmp, capture_output=True, text=True,
                             timeout=300)
        if res.returncode != 0:
            raise RigError(f"apt-get download musl failed: {res.stderr[-2000:]}")
        deb = next(Path(tmp).glob("musl_*.deb"))
        _run(["dpkg-deb", "-x", str(deb), str(root)])
    _busybox_tree(root)
    _etc(root)
    if not list(root.glob("lib/ld-musl-*.so.1")):
        raise RigError("the musl package did not provide /lib/ld-musl-*.so.1")
    del suite


def _build(name: str, dest: Path) -> None:
    kind, arg = RECIPES[name]
    if kind == "minbase":
        _mmdebstrap("minbase", arg, dest)
        _no_python(dest)
    elif kind == "extract":
        suite, pkgs = arg.split(":", 1)
        _mmdebstrap("extract", suite, dest, include=pkgs)
        for sh in ("bin/sh", "usr/bin/sh", "bin/bash", "usr/bin/bash", "bin/dash", "usr/bin/dash"):
            if (dest / sh).exists() or (dest / sh).is_symlink():
                raise RigError(f"{name}: {sh} exists; the root must have no shell")
        _etc(dest)
    elif kind == "musl":
        dest.mkdir(parents=True)
        _musl(dest, arg)
    elif kind == "busybox":
        dest.mkdir(parents=True)
        _busybox_tree(dest)
        _etc(dest)
    else:  # pragma: no cover - RECIPES is ours
        raise RigError(f"unknown recipe kind {kind}")
    for d in MOUNT_POINTS:
        (dest / d).mkdir(parents=True, exist_ok=True)
    (dest / "tmp").chmod(0o1777)


def rootfs(name: str) -> Path:
    """The cached root ``name`` (see the module doc), built on first use."""
    if name not in RECIPES:
        raise KeyError(f"no root named {name!r}; known: {', '.join(NAMES)}")
    CACHE.mkdir(parents=True, exist_ok=True)
    final = CACHE / _key(name)
    if (final / ".pai-rig-complete").exists():
        return final
    with open(CACHE / f".{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if (final / ".pai-rig-complete").exists():
            return final
        tmp = CACHE / f".tmp-{_key(name)}-{os.getpid()}"
        if tmp.exists():
            shutil.rmtree(tmp)
        for old in CACHE.glob(f".tmp-{_key(name)}-*"):
            shutil.rmtree(old, ignore_errors=True)
        try:
            _build(name, tmp)
            (tmp / ".pai-rig-complete").write_text(f"{RECIPES[name]}\n")
            if final.exists():
                shutil.rmtree(final)
            os.rename(tmp, final)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return final


def glibc_version(root: Path) -> str | None:
    """The glibc release of a root, read from its libc.so.6 file name or its strings."""
    for lib in sorted(root.glob("usr/lib/*-linux-gnu/libc.so.6")) + sorted(root.glob("lib/*-linux-gnu/libc.so.6")):
        data = lib.read_bytes()
        i = data.find(b"GNU C Library (")
        if i >= 0:
            chunk = data[i:i + 200].decode("ascii", "replace")
            marker = "release version "
            j = chunk.find(marker)
            if j >= 0:
                return chunk[j + len(marker):].split(".\n")[0].split()[0].rstrip(".")
    return None


def main(argv: list[str]) -> int:
    for name in argv or NAMES:
        path = rootfs(name)
        print(f"{name}: {path} (glibc {glibc_version(path) or '-'})", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))


def foreign_elf() -> Path:
    """A real executable of another CPU architecture (Debian's static busybox for arm64, or
    amd64 on an arm64 machine), fetched once with apt's own download of the archive's file."""
    arch = "arm64" if os.uname().machine == "x86_64" else "amd64"
    dest = CACHE / f"busybox-{arch}"
    if dest.exists():
        return dest
    CACHE.mkdir(parents=True, exist_ok=True)
    res = subprocess.run(["apt-cache", "show", "busybox-static"], capture_output=True, text=True, timeout=60)
    filename = next((line.split(": ", 1)[1] for line in res.stdout.splitlines() if line.startswith("Filename: ")),
                    None)
    if not filename:
        raise RigError("apt-cache show busybox-static gave no Filename")
    url = f"{MIRROR}/{filename.rsplit('_', 1)[0]}_{arch}.deb"
    with tempfile.TemporaryDirectory() as tmp:
        deb = Path(tmp) / "busybox.deb"
        _run(["/usr/lib/apt/apt-helper", "download-file", url, str(deb)], timeout=300)
        _run(["dpkg-deb", "-x", str(deb), str(Path(tmp) / "x")])
        shutil.copy2(Path(tmp) / "x" / "bin" / "busybox", f"{dest}.tmp")
    os.rename(f"{dest}.tmp", dest)
    return dest

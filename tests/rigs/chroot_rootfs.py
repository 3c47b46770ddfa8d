"""Minimal root filesystems and "containers" made of ``unshare`` + ``chroot``.

Why: the job container runs the user's image, which may have no Python at all, and this
machine has no container engine. A root filesystem holding only a static busybox (Debian's
``busybox-static``) plus the glibc files the bundle needs (found by asking ``ldd`` about
every ELF file of the bundle, and the ELF interpreter they name) is the closest thing to
"any user image" this machine can run: no Python, no shell but busybox's, no package
manager. A "container" is then a fresh mount and PID namespace (the command is PID 1)
whose root is that tree, with what the kubelet would mount: a private ``/dev`` with the
usual nodes and the termination-message file bound at ``/dev/termination-log``, ``/proc``,
a tmpfs ``/tmp``, the shared work dir (the pod's ``emptyDir``) at ``/usr/local/pai`` and a
read-only config dir (the ConfigMap / Secret) at ``/usr/local/pai-config``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

BUSYBOX = Path("/bin/busybox")
CONTAINER_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
WORK_DIR = "/usr/local/pai"
CONFIG_DIR = "/usr/local/pai-config"
BUNDLE_MOUNT = "/opt/pai-runtime"

#: A container's /dev as runtimes make it (the few device nodes, fd links, the
#: termination-log bind mount), shared by every rig that builds a container by hand.
DEV_SETUP = r"""
mount -t tmpfs -o mode=755,size=1m tmpfs "$root/dev"
for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  name=${n%% *}; rest=${n#* }
  mknod -m 666 "$root/dev/$name" c ${rest% *} ${rest#* }
done
ln -s /proc/self/fd "$root/dev/fd"; ln -s /proc/self/fd/0 "$root/dev/stdin"
ln -s /proc/self/fd/1 "$root/dev/stdout"; ln -s /proc/self/fd/2 "$root/dev/stderr"
: > "$root/dev/termination-log"
mount --bind "$PAI_RIG_TERMINATION" "$root/dev/termination-log"
"""

# The shell that sets the mounts up runs on the host side of the new namespaces, then
# execs chroot; "$@" is the command run in the container. Mounts vanish with the namespace.
_SETUP = r"""
set -e
root=$1; shift
""" + DEV_SETUP + r"""mount -t proc proc "$root/proc"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount --bind "$PAI_RIG_WORK" "$root/usr/local/pai"
if [ -n "$PAI_RIG_CONFIG" ]; then
  mount --bind "$PAI_RIG_CONFIG" "$root/usr/local/pai-config"
  mount -o remount,bind,ro "$root/usr/local/pai-config"
fi
if [ -n "$PAI_RIG_BUNDLE" ]; then
  mount --bind "$PAI_RIG_BUNDLE" "$root/opt/pai-runtime"
  mount -o remount,bind,ro "$root/opt/pai-runtime"
fi
exec chroot ${PAI_RIG_USER:+--userspec="$PAI_RIG_USER"} "$root" "$@"
"""


def elf_files(tree: Path) -> list[Path]:
    out = []
    for p in sorted(tree.rglob("*")):
        if p.is_file() and not p.is_symlink():
            with open(p, "rb") as f:
                if f.read(4) == b"\x7fELF":
                    out.append(p)
    return out


#: What every glibc-based image has: glibc's own libraries and its dynamic loader.
GLIBC = re.compile(r"^(ld-linux[-.\w]*|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|libnss_\w+)"
                   r"\.so(\.\d+)*$")


def needed(elf: Path) -> list[str]:
    """DT_NEEDED sonames of an ELF file (readelf, binutils)."""
    out = subprocess.run(["readelf", "-d", "-W", str(elf)], capture_output=True, text=True, timeout=30).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def glibc_files(elves: Iterable[Path]) -> set[Path]:
    """The host's glibc files the ELF files need (as ``ldd`` resolves them, ELF interpreter
    included): a minimal glibc image gets exactly these and nothing else, so anything
    else the bundle needs must come from the bundle itself."""
    libs: set[Path] = set()
    for elf in elves:
        res = subprocess.run(["ldd", str(elf)], capture_output=True, text=True, timeout=30)
        for line in res.stdout.splitlines():
            m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)\s+\(0x", line)
            if m and GLIBC.match(Path(m.group(1)).name):
                libs.add(Path(m.group(1)))
    return libs


@dataclass
class RootFS:
    """A minimal root filesystem; ``glibc_for`` names the tree whose needs decide which
    glibc files it gets (None: no glibc at all)."""

    path: Path
    applets: list[str] = field(default_factory=list)

    @classmethod
    def create(cls, path: Path, *, glibc_for: Path | None = None, extra_dirs: Iterable[str] = ()) -> RootFS:
        path.mkdir(parents=True)
        for d in ("bin", "sbin", "usr/bin", "usr/sbin", "etc", "root", "tmp", "dev", "proc",
                  "usr/local/pai", "usr/local/pai-config", *extra_dirs):
            (path / d.lstrip("/")).mkdir(parents=True, exist_ok=True)
        shutil.copy2(BUSYBOX, path / "bin" / "busybox")
        applets = subprocess.run([str(BUSYBOX), "--list-full"], capture_output=True, text=True,
                                 check=True, timeout=30).stdout.split()
        for a in applets:
            dest = path / a
            if not dest.exists() and not dest.is_symlink():
                dest.parent.mkdir(parents=True, exist_ok=True)
                os.symlink("/bin/busybox", dest)
        (path / "etc" / "passwd").write_text("root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534::/:/bin/false\n")
        (path / "etc" / "group").write_text("root:x:0:\nnogroup:x:65534:\n")
        fs = cls(path=path, applets=applets)
        if glibc_for is not None:
            for lib in glibc_files(elf_files(glibc_for)):
                fs.add_file(lib)
        return fs

    def add_file(self, host_path: Path, at: str | None = None) -> None:
        """Copy a host file (its content, following symlinks) to the same path inside."""
        dest = self.path / (at or str(host_path)).lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(host_path.resolve(), dest)

    def write(self, rel: str, text: str, mode: int = 0o644) -> Path:
        dest = self.path / rel.lstrip("/")
        dest.parent.mkdir(parents=True, exist_ok=True)
        dest.write_text(text)
        dest.chmod(mode)
        return dest

    def pythons(self) -> list[Path]:
        return [p for p in self.path.rglob("*python*")]


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_container(root: RootFS, argv: list[str], *, work: Path, termination: Path, config: Path | None = None,
                  bundle: Path | None = None, env: Mapping[str, str] | None = None, user: str | None = None,
                  timeout: float = 120) -> Run:
    """Run ``argv`` as PID 1 of a chroot "container" on ``root`` (see the module doc), as
    ``user`` ("UID:GID", the pod's ``runAsUser``/``runAsGroup``) or root."""
    container_env = {"PATH": CONTAINER_PATH, "HOME": "/root", "HOSTNAME": "pai-test"}
    container_env.update(env or {})
    host_env = {"PATH": os.environ.get("PATH", CONTAINER_PATH), "PAI_RIG_WORK": str(work),
                "PAI_RIG_TERMINATION": str(termination), "PAI_RIG_CONFIG": str(config or ""),
                "PAI_RIG_BUNDLE": str(bundle or ""), "PAI_RIG_USER": user or ""}
    cmd = ["unshare", "--mount", "--pid", "--fork", "--kill-child=SIGKILL", "--", "/bin/sh", "-c", _SETUP, "setup",
           str(root.path), "/bin/busybox", "env", "-i", *[f"{k}={v}" for k, v in container_env.items()], *argv]
    res = subprocess.run(cmd, capture_output=True, text=True, env=host_env, timeout=timeout)
    return Run(res.returncode, res.stdout, res.stderr)


REPO = Path(__file__).resolve().parents[2]
BUNDLE_DIR = REPO / "build" / "bundle" / "pai-runtime"


def build_bundle(timeout: float = 900) -> Path:
    """``make bundle``'s script (it skips the build when its inputs are unchanged)."""
    res = subprocess.run(["bash", str(REPO / "build" / "bundle.sh")], capture_output=True, text=True,
                         timeout=timeout, cwd=REPO)
    if res.returncode != 0:
        raise RuntimeError(f"build/bundle.sh failed ({res.returncode}):\n{res.stdout}\n{res.stderr}")
    return BUNDLE_DIR

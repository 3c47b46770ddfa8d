"""Containers made of real root filesystems: ``unshare`` + ``chroot``, and real ``runc``.

Why two: ``unshare``/``chroot`` is cheap enough for every image x user combination; one
end-to-end test under a real OCI runtime (Debian's ``runc``) proves the same under what a
kubelet really does (namespaces, no capabilities, ``noNewPrivileges``).

Both mount what the kubelet mounts for a pod (build/k8s/pod.yaml): the pod's ``emptyDir``
at ``/usr/local/pai`` (the only writable place), the ConfigMap read-only at
``/usr/local/pai-config``, the termination-message file at ``/dev/termination-log``, and,
for the init container, the bundle read-only at ``/opt/pai-runtime`` (as the init image
ships it). The root itself is the cached root from tests/rigs/rootfs.py, mounted
read-only (``readOnlyRootFilesystem``), with ``/tmp`` a tmpfs, read-only on request.
The environment is exactly what the caller gives (``env -i``, run on the host side, so
a root without any ``env`` program works too).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from tests.rigs.chroot_rootfs import BUNDLE_MOUNT, CONFIG_DIR, CONTAINER_PATH, DEV_SETUP, WORK_DIR  # noqa: F401

_SETUP = r"""
set -e
root=$1; shift
mount --bind "$root" "$root"
mount -o remount,bind,ro "$root"
""" + DEV_SETUP + r"""mount -o remount,ro "$root/dev"
mount -t proc proc "$root/proc"
mount -t tmpfs -o "mode=1777,size=16m${PAI_RIG_TMP_RO:+,ro}" tmpfs "$root/tmp"
mount --bind "$PAI_RIG_WORK" "$root/usr/local/pai"
if [ -n "$PAI_RIG_CONFIG" ]; then
  mount --bind "$PAI_RIG_CONFIG" "$root/usr/local/pai-config"
  mount -o remount,bind,ro "$root/usr/local/pai-config"
fi
if [ -n "$PAI_RIG_BUNDLE" ]; then
  mount --bind "$PAI_RIG_BUNDLE" "$root/opt/pai-runtime"
  mount -o remount,bind,ro "$root/opt/pai-runtime"
fi
cd "$root"
exec "$@"
"""


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str


def run_in_root(root: Path, argv: list[str], *, work: Path, termination: Path, config: Path | None = None,
                bundle: Path | None = None, env: Mapping[str, str] | None = None, user: str | None = None,
                tmp_read_only: bool = False, timeout: float = 120) -> Run:
    """Run ``argv`` as PID 1 in a private mount + PID namespace whose root is ``root``
    (read-only), as ``user`` ("UID:GID": runAsUser/runAsGroup, no supplementary groups,
    no passwd entry needed) or root."""
    container_env = {"PATH": CONTAINER_PATH, "HOSTNAME": "pai-test"}
    container_env.update(env or {})
    host_env = {"PATH": os.environ.get("PATH", CONTAINER_PATH), "PAI_RIG_WORK": str(work),
                "PAI_RIG_TERMINATION": str(termination), "PAI_RIG_CONFIG": str(config or ""),
                "PAI_RIG_BUNDLE": str(bundle or ""), "PAI_RIG_TMP_RO": "1" if tmp_read_only else ""}
    chroot = ["chroot"]
    if user:
        chroot.append(f"--userspec={user}")
        chroot.append("--groups=")  # runAsGroup only: no supplementary groups from a passwd entry
    cmd = ["unshare", "--mount", "--pid", "--fork", "--kill-child=SIGKILL", "--propagation", "private", "--",
           "/bin/sh", "-c", _SETUP, "setup", str(root),
           "env", "-i", *[f"{k}={v}" for k, v in container_env.items()], *chroot, str(root), *argv]
    res = subprocess.run(cmd, capture_output=True, text=True, env=host_env, timeout=timeout)
    return Run(res.returncode, res.stdout, res.stderr)


# -- runc ----------------------------------------------------------------------------------
def _bind(src: Path, dest: str, *, ro: bool) -> dict[str, object]:
    return {"destination": dest, "type": "bind", "source": str(src),
            "options": ["rbind", "nosuid", "nodev", "ro" if ro else "rw"]}


def runc_config(root: Path, argv: list[str], *, work: Path, termination: Path, config: Path | None,
                bundle: Path | None, env: Mapping[str, str], uid: int, gid: int) -> dict[str, object]:
    """A plain OCI config: read-only root; pid, mount, ipc, uts and network namespaces;
    ``uid``:``gid`` with no capabilities and noNewPrivileges; the pod's volumes."""
    mounts: list[dict[str, object]] = [
        {"destination": "/proc", "type": "proc", "source": "proc"},
        {"destination": "/dev", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "strictatime",
                                                                               "mode=755", "size=65536k"]},
        {"destination": "/dev/pts", "type": "devpts", "source": "devpts",
         "options": ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"]},
        {"destination": "/dev/shm", "type": "tmpfs", "source": "shm",
         "options": ["nosuid", "noexec", "nodev", "mode=1777", "size=65536k"]},
        {"destination": "/tmp", "type": "tmpfs", "source": "tmpfs", "options": ["nosuid", "nodev", "mode=1777"]},
        _bind(work, WORK_DIR, ro=False),
        _bind(termination, "/dev/termination-log", ro=False),
    ]
    if config is not None:
        mounts.append(_bind(config, CONFIG_DIR, ro=True))
    if bundle is not None:
        mounts.append(_bind(bundle, BUNDLE_MOUNT, ro=True))
    return {
        "ociVersion": "1.0.2",
        "process": {"terminal": False, "user": {"uid": uid, "gid": gid}, "args": argv,
                    "env": [f"{k}={v}" for k, v in {"PATH": CONTAINER_PATH, **env}.items()],
                    "cwd": "/", "capabilities": {"bounding": [], "effective": [], "permitted": [], "ambient": []},
                    "rlimits": [{"type": "RLIMIT_NOFILE", "hard": 1024, "soft": 1024}],
                    "noNewPrivileges": True},
        "root": {"path": str(root), "readonly": True},
        "hostname": "pai-job",
        "mounts": mounts,
        "linux": {"namespaces": [{"type": t} for t in ("pid", "network", "ipc", "uts", "mount")],
                  "maskedPaths": ["/proc/kcore", "/proc/keys", "/proc/timer_list", "/sys/firmware"],
                  "readonlyPaths": ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"]},
    }


def run_runc(root: Path, argv: list[str], *, state: Path, work: Path, termination: Path, config: Path | None = None,
             bundle: Path | None = None, env: Mapping[str, str] | None = None, uid: int = 10001, gid: int = 10001,
             timeout: float = 120) -> Run:
    """``runc run`` of one container (its bundle dir under ``state``), removed afterwards."""
    cid = f"pai-test-{uuid.uuid4().hex[:12]}"
    bdir = state / cid
    bdir.mkdir(parents=True)
    (bdir / "config.json").write_text(json.dumps(runc_config(root, argv, work=work, termination=termination,
                                                            config=config, bundle=bundle, env=env or {},
                                                            uid=uid, gid=gid), indent=1))
    runc = shutil.which("runc") or "/usr/sbin/runc"
    base = [runc, "--root", str(state / "runc-state")]
    try:
        res = subprocess.run([*base, "run", "--bundle", str(bdir), cid], capture_output=True, text=True,
                             timeout=timeout, stdin=subprocess.DEVNULL)
    finally:
        subprocess.run([*base, "delete", "--force", cid], capture_output=True, timeout=60)
    return Run(res.returncode, res.stdout, res.stderr)

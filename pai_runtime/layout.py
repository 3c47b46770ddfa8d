"""Paths and variables of DESIGN.md, resolved once from the environment.

Why one place: the init container and the job container are different filesystems that
agree only on these paths; resolving them anywhere else invites drift. Stdlib only: the
PID-1 path imports this module.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

DEFAULT_WORK_DIR = "/usr/local/pai"
DEFAULT_CONFIG_DIR = "/usr/local/pai-config"
DEFAULT_TERMINATION_LOG = "/dev/termination-log"
LOCAL_WORK_DIR = ".pai"


def resource_dir() -> Path:
    """Where the shipped ``specs/`` and ``plugins/`` live.

    ``PAI_HOME`` wins; a PyInstaller bundle keeps them beside its executable; a source or
    editable install finds them beside the package.
    """
    home = os.environ.get("PAI_HOME")
    if home:
        return Path(home)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen)
    pkg = Path(__file__).resolve().parent
    shipped = pkg / "_home"  # a wheel: setup.py copies specs/ and plugins/ there
    if shipped.is_dir():
        return shipped
    return pkg.parent


def in_container(env: Mapping[str, str]) -> bool:
    """Whether we run in a container (Docker, Podman, a pod): ``up`` on a host must not
    create ``/usr/local/pai`` or write ``/dev/termination-log`` there."""
    return bool(env.get("KUBERNETES_SERVICE_HOST") or env.get("container")) or any(
        os.path.exists(p) for p in ("/.dockerenv", "/run/.containerenv"))


def _writable_dir(path: str) -> bool:
    p = Path(path)
    while not p.exists():
        if p.parent == p:
            return False
        p = p.parent
    return os.access(p, os.W_OK | os.X_OK)


class Layout:
    """The resolved paths (a plain class, not a dataclass: ``dataclasses`` pulls in
    ``inspect``, which costs the PID-1 path several milliseconds)."""

    __slots__ = ("work_dir", "config_dir", "init_dir", "runtime_dir", "log_dir", "termination_log",
                 "specs_dir", "plugins_dir")

    def __init__(self, *, work_dir: Path, config_dir: Path, init_dir: Path, runtime_dir: Path, log_dir: Path,
                 termination_log: Path, specs_dir: Path, plugins_dir: Path) -> None:
        self.work_dir = work_dir
        self.config_dir = config_dir
        self.init_dir = init_dir
        self.runtime_dir = runtime_dir
        self.log_dir = log_dir
        self.termination_log = termination_log
        self.specs_dir = specs_dir
        self.plugins_dir = plugins_dir

    def __repr__(self) -> str:
        return f"Layout({', '.join(f'{k}={getattr(self, k)!s}' for k in self.__slots__)})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, local: bool = False) -> Layout:
        """Resolve every path; ``local`` (``up`` on a laptop) falls back to ``./.pai``
        when the default work dir is not writable."""
        env = os.environ if env is None else env
        work = env.get("PAI_WORK_DIR")
        on_host = local and not in_container(env)
        if not work:
            work = DEFAULT_WORK_DIR
            if on_host or (not _writable_dir(work) and (local or not Path(work).exists())):
                work = str(Path.cwd() / LOCAL_WORK_DIR)
        work_dir = Path(work)
        termination = env.get("PAI_TERMINATION_LOG") or (
            str(work_dir / "termination-log") if on_host else DEFAULT_TERMINATION_LOG)
        pod_uid = env.get("FC_POD_UID") or "local"
        res = resource_dir()
        return cls(
            work_dir=work_dir,
            config_dir=Path(env.get("PAI_CONFIG_DIR") or DEFAULT_CONFIG_DIR),
            init_dir=Path(env.get("PAI_INIT_DIR") or work_dir / "init.d"),
            runtime_dir=Path(env.get("PAI_RUNTIME_DIR") or work_dir / "runtime.d"),
            log_dir=Path(env.get("PAI_LOG_DIR") or work_dir / "logs" / pod_uid),
            termination_log=Path(termination),
            specs_dir=Path(env.get("PAI_SPECS_DIR") or res / "specs"),
            plugins_dir=Path(env.get("PAI_PLUGINS_DIR") or res / "plugins"),
        )

    def env(self) -> dict[str, str]:
        """The ``PAI_*`` path variables, for child processes and the runtime env file."""
        return {
            "PAI_WORK_DIR": str(self.work_dir),
            "PAI_CONFIG_DIR": str(self.config_dir),
            "PAI_INIT_DIR": str(self.init_dir),
            "PAI_RUNTIME_DIR": str(self.runtime_dir),
            "PAI_LOG_DIR": str(self.log_dir),
            "PAI_TERMINATION_LOG": str(self.termination_log),
        }

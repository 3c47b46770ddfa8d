"""Paths and variables of DESIGN.md, resolved once from the environment.

Why one place: the init container and the job container are different filesystems that
agree only on these paths; resolving them anywhere else invites drift. Stdlib only: the
PID-1 path imports this module.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # typing and pathlib cost the PID-1 path milliseconds
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

DEFAULT_WORK_DIR = "/usr/local/pai"
DEFAULT_CONFIG_DIR = "/usr/local/pai-config"
DEFAULT_TERMINATION_LOG = "/dev/termination-log"
LOCAL_WORK_DIR = ".pai"
#: The resolved paths, in this order (:class:`Layout` and :class:`Paths` have the same fields).
FIELDS = ("work_dir", "config_dir", "init_dir", "runtime_dir", "log_dir", "termination_log", "specs_dir",
          "plugins_dir")


class PathStr(str):
    """A resolved path: a plain ``str`` (``os.path.join``, ``open``, ``os.stat`` and
    f-strings take it as it is), that also answers what code written for the
    :class:`pathlib.Path` fields of the first releases asks of it (``field / "x"``,
    ``.parent``, ``.mkdir()``, ``.read_text()``...) with what ``Path(field)`` answers.

    Why not pathlib itself: ``import pathlib`` (with ``urllib.parse``, ``ipaddress``,
    ``fnmatch``, ``warnings``) cost init some 5 ms before its first line (issue 19), and
    init's own path spells every path with :mod:`os.path`. Why a subclass and not a bare
    ``str``: the plugins, the exit spec and tests of other areas may still use a field as
    a Path; those operations import pathlib on first use, where they are, instead of every
    start paying for it. :meth:`str.replace` stays the string method (not Path's rename).
    """

    __slots__ = ()

    def __truediv__(self, other: Any) -> Any:
        from pathlib import Path

        return Path(self) / other

    def __rtruediv__(self, other: Any) -> Any:
        from pathlib import Path

        return other / Path(self)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):  # protocols (pickle, copy...) ask for dunders; they are str's
            raise AttributeError(name)
        from pathlib import Path

        return getattr(Path(self), name)


def pure(path: str) -> str:
    """``str(pathlib.PurePosixPath(path))`` without pathlib: repeated slashes and ``.``
    parts dropped, no trailing slash, a leading ``//`` kept (POSIX leaves its meaning to
    the system), ``.`` for an empty path. :class:`Paths` and :class:`Layout` must spell
    every path alike: the ``PAI_*`` variables the user's commands get come from either."""
    lead = ""
    if path.startswith("/"):
        lead = "//" if path.startswith("//") and not path.startswith("///") else "/"
    return lead + "/".join(p for p in path.split("/") if p and p != ".") or "."


def _join(base: str, name: str) -> str:
    return name if name.startswith("/") else (base.rstrip("/") + "/" + name if base != "." else name)


def _resource_dir() -> str:
    home = os.environ.get("PAI_HOME")
    if home:
        return pure(home)
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return pure(frozen)
    pkg = os.path.dirname(os.path.realpath(__file__))
    shipped = pkg + "/_home"  # a wheel: setup.py copies specs/ and plugins/ there
    if os.path.isdir(shipped):
        return shipped
    return os.path.dirname(pkg)


def resource_dir() -> PathStr:
    """Where the shipped ``specs/`` and ``plugins/`` live.

    ``PAI_HOME`` wins; a PyInstaller bundle keeps them beside its executable; a source or
    editable install finds them beside the package.
    """
    return PathStr(_resource_dir())


def in_container(env: Mapping[str, str]) -> bool:
    """Whether we run in a container (Docker, Podman, a pod): ``up`` on a host must not
    create ``/usr/local/pai`` or write ``/dev/termination-log`` there."""
    return bool(env.get("KUBERNETES_SERVICE_HOST") or env.get("container")) or any(
        os.path.exists(p) for p in ("/.dockerenv", "/run/.containerenv"))


def _writable_dir(path: str) -> bool:
    p = pure(path)
    while not os.path.exists(p):
        parent = os.path.dirname(p) or "."
        if parent == p:
            return False
        p = parent
    return os.access(p, os.W_OK | os.X_OK)


def resolve(env: Mapping[str, str] | None = None, *, local: bool = False) -> dict[str, str]:
    """Every path of the layout (:data:`FIELDS`), spelled as :func:`pure` spells it;
    ``local`` (``up`` on a laptop) falls back to ``./.pai`` when the default work dir is
    not writable."""
    env = os.environ if env is None else env
    work = env.get("PAI_WORK_DIR")
    on_host = local and not in_container(env)
    if not work:
        work = DEFAULT_WORK_DIR
        if on_host or (not _writable_dir(work) and (local or not os.path.exists(work))):
            work = _join(os.getcwd(), LOCAL_WORK_DIR)
    work_dir = pure(work)
    termination = env.get("PAI_TERMINATION_LOG") or (
        _join(work_dir, "termination-log") if on_host else DEFAULT_TERMINATION_LOG)
    pod_uid = env.get("FC_POD_UID") or "local"
    res: str | None = None

    def shipped(name: str) -> str:
        nonlocal res
        if res is None:
            res = _resource_dir()
        return _join(res, name)

    return {
        "work_dir": work_dir,
        "config_dir": pure(env.get("PAI_CONFIG_DIR") or DEFAULT_CONFIG_DIR),
        "init_dir": pure(env.get("PAI_INIT_DIR") or _join(work_dir, "init.d")),
        "runtime_dir": pure(env.get("PAI_RUNTIME_DIR") or _join(work_dir, "runtime.d")),
        "log_dir": pure(env.get("PAI_LOG_DIR") or _join(work_dir, _join("logs", pure(pod_uid)))),
        "termination_log": pure(termination),
        "specs_dir": pure(env.get("PAI_SPECS_DIR") or shipped("specs")),
        "plugins_dir": pure(env.get("PAI_PLUGINS_DIR") or shipped("plugins")),
    }


class Paths:
    """The resolved paths as strings: what ``run`` (PID 1) uses, with no pathlib import
    (pathlib pulls in ``re``, ``fnmatch``, ``urllib.parse`` and ``enum``, ~10 ms of every
    container start). Same fields and spelling as :class:`Layout`."""

    __slots__ = FIELDS

    def __init__(self, **paths: str) -> None:
        for name in FIELDS:
            setattr(self, name, paths[name])

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, local: bool = False) -> Paths:
        return cls(**resolve(env, local=local))

    def __repr__(self) -> str:
        return f"Paths({', '.join(f'{k}={getattr(self, k)!s}' for k in self.__slots__)})"

    def env(self) -> dict[str, str]:
        """The ``PAI_*`` path variables, for child processes and the runtime env file."""
        return _env(self)


def _env(layout: Layout | Paths) -> dict[str, str]:
    return {
        "PAI_WORK_DIR": str(layout.work_dir),
        "PAI_CONFIG_DIR": str(layout.config_dir),
        "PAI_INIT_DIR": str(layout.init_dir),
        "PAI_RUNTIME_DIR": str(layout.runtime_dir),
        "PAI_LOG_DIR": str(layout.log_dir),
        "PAI_TERMINATION_LOG": str(layout.termination_log),
    }


class Layout:
    """The resolved paths, each a :class:`PathStr` (a ``str``; a plain class, not a
    dataclass: ``dataclasses`` pulls in ``inspect``, which costs the PID-1 path several
    milliseconds). Use a field as a string: ``os.path.join(layout.log_dir, "init.log")``."""

    __slots__ = FIELDS

    def __init__(self, *, work_dir: str, config_dir: str, init_dir: str, runtime_dir: str, log_dir: str,
                 termination_log: str, specs_dir: str, plugins_dir: str) -> None:
        self.work_dir = PathStr(work_dir)
        self.config_dir = PathStr(config_dir)
        self.init_dir = PathStr(init_dir)
        self.runtime_dir = PathStr(runtime_dir)
        self.log_dir = PathStr(log_dir)
        self.termination_log = PathStr(termination_log)
        self.specs_dir = PathStr(specs_dir)
        self.plugins_dir = PathStr(plugins_dir)

    def __repr__(self) -> str:
        return f"Layout({', '.join(f'{k}={getattr(self, k)!s}' for k in self.__slots__)})"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, local: bool = False) -> Layout:
        """Resolve every path; ``local`` (``up`` on a laptop) falls back to ``./.pai``
        when the default work dir is not writable."""
        return cls(**resolve(env, local=local))

    def env(self) -> dict[str, str]:
        """The ``PAI_*`` path variables, for child processes and the runtime env file."""
        return _env(self)

"""The small API a Python runtime plugin's init entry uses (stdlib only).

Why: every plugin needs the same four things: read its input, quote values for sh,
append snippets to the pre/post scripts, and fail with one clear line and the right
exit code. Getting quoting right once here is what keeps a parameter like
``clone_dir: "x; rm -rf /"`` a path. An executable in another language does the same by
reading ``$PAI_PLUGIN_INPUT`` (JSON) and appending to ``$PAI_PRE_COMMANDS``.

One input for every plugin: runtime plugins and external init plugins (``command:`` in
the init plugin spec, ``init.d`` scripts) get the same JSON file (keys:
:data:`INPUT_FIELDS`, ``kind`` says which). An init plugin has no pre/post snippet files
(``null``) but an ``envOut`` file for ``KEY=VALUE`` lines. The job config's task roles are
in it (``taskRoles``), so :meth:`PluginInput.role` and :func:`platform_name` resolve a role
name in either spelling without the runtime's internals.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # every plugin process starts with this module: typing and dataclasses cost it ms
    from collections.abc import Iterable
    from pathlib import Path
    from typing import Any, NoReturn

#: exit code for a parameter or config problem (the init container exits 247)
CONFIG_INVALID = 247

#: the keys of the input JSON (docs/plugins.md "Input"), in the order the runtime writes them
INPUT_FIELDS = ("name", "instance", "kind", "parameters", "failurePolicy", "taskRole", "taskIndex", "taskRoles",
                "jobConfig", "preCommands", "postCommands", "envOut", "outDir", "runtimeOutDir", "pluginDir",
                "local", "env")


def q(value: Any) -> str:
    """``shlex.quote`` of ``str(value)``: the only way a value may reach a shell line.
    (:mod:`shlex` is imported here, at the first quote: it compiles a regex as it loads,
    and a plugin like ``cmd`` that writes the user's own lines never quotes.)"""
    import shlex

    return shlex.quote(str(value))


#: the first release's name of :func:`q` (one helper, two names: plugins written against it keep working)
quote = q


def platform_name(name: str) -> str:
    """A task-role name as the platform spells it: lower case, only ``[a-z0-9]`` kept
    (``taskrole_1`` -> ``taskrole1``), as OpenPAI converts it when it builds the Framework.
    The job model's own rule, imported when first used (a plugin that never asks does not
    pay for it)."""
    from pai_runtime.openpai.roles import platform_name as rule

    return rule(name)


class _PathField:
    """A :class:`PluginInput` field that reads as a :class:`pathlib.Path` (or None) and may
    be given as a str: :func:`load` stores the strings of the input file, and the Path is
    made at the first read. Why: ``import pathlib`` costs a process some 5 ms (it pulls in
    ``urllib.parse``, ``ipaddress``, ``fnmatch``), and a plugin like ``cmd`` that only
    appends to its snippet files never needs a Path; the shipped ones run inside init."""

    __slots__ = ("slot",)

    def __set_name__(self, owner: type, name: str) -> None:
        self.slot = "_" + name

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = getattr(obj, self.slot)
        if isinstance(value, str):
            from pathlib import Path

            value = Path(value)
            setattr(obj, self.slot, value)
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        setattr(obj, self.slot, value)


#: the fields of a :class:`PluginInput`, in order (its equality, repr and constructor)
_FIELDS = ("name", "instance", "parameters", "failure_policy", "task_role", "task_index", "job_config",
           "pre_path", "post_path", "out_dir", "runtime_out_dir", "plugin_dir", "local", "env",
           "task_roles", "kind", "env_out")
_PATHS = ("pre_path", "post_path", "out_dir", "runtime_out_dir", "plugin_dir", "env_out")


class PluginInput:
    """What the runtime hands one plugin run (keyword construction, equality on all fields,
    like the dataclass it was; a plain class because a plugin process should not pay for
    importing ``dataclasses``). The path fields read as :class:`pathlib.Path`."""

    __slots__ = tuple("_" + n if n in _PATHS else n for n in _FIELDS)
    #: fields a caller may leave out (they came after the first release)
    _DEFAULTS: Any = {"task_roles": (), "kind": "runtime", "env_out": None}
    name: str
    instance: str
    parameters: dict[str, Any]
    failure_policy: str
    task_role: str | None
    task_index: int | None
    job_config: dict[str, Any] | None
    pre_path: Path | None = _PathField()  # type: ignore[assignment]  # None for an init plugin (kind "init")
    post_path: Path | None = _PathField()  # type: ignore[assignment]
    out_dir: Path = _PathField()  # type: ignore[assignment]
    runtime_out_dir: Path = _PathField()  # type: ignore[assignment]
    plugin_dir: Path = _PathField()  # type: ignore[assignment]
    local: bool
    env: dict[str, str]
    #: the job config's task roles, in its spelling (empty without a job config)
    task_roles: list[str]
    #: "runtime" (a runtime plugin's init entry) or "init" (an external init plugin)
    kind: str
    #: an init plugin's file for KEY=VALUE lines added to the job's env (None for a runtime plugin)
    env_out: Path | None = _PathField()  # type: ignore[assignment]

    def __init__(self, **fields: Any) -> None:
        missing = [n for n in _FIELDS if n not in fields and n not in self._DEFAULTS]
        unknown = [n for n in fields if n not in _FIELDS]
        if missing or unknown:
            raise TypeError(f"PluginInput: missing {missing}, unexpected {unknown}")
        for name in _FIELDS:
            value = fields.get(name, self._DEFAULTS.get(name))
            setattr(self, name, list(value) if name == "task_roles" else value)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and all(getattr(self, n) == getattr(other, n) for n in _FIELDS)

    __hash__ = None  # type: ignore[assignment] - mutable, like the dataclass

    def __repr__(self) -> str:
        return "PluginInput(" + ", ".join(f"{n}={getattr(self, n)!r}" for n in _FIELDS) + ")"

    def role(self, name: str) -> str | None:
        """The job config's spelling of task role ``name`` (given in either spelling), or
        None when the job config has no such role."""
        if name in self.task_roles:
            return name
        want = platform_name(name)
        return next((r for r in self.task_roles if platform_name(r) == want), None)

    def getenv(self, key: str, default: str | None = None) -> str | None:
        """A runtime env variable (exported by earlier init plugins), else the process env."""
        return self.env.get(key, os.environ.get(key, default))

    def pre(self, lines: Iterable[str] | str) -> None:
        """Append shell lines to this plugin's pre-commands."""
        if self._pre_path is None:
            fail("an init plugin has no pre-commands (only runtime plugins do)", code=248)
        _append(self._pre_path, lines)

    def post(self, lines: Iterable[str] | str) -> None:
        """Append shell lines to this plugin's post-commands."""
        if self._post_path is None:
            fail("an init plugin has no post-commands (only runtime plugins do)", code=248)
        _append(self._post_path, lines)

    def out_file(self, name: str, content: str | bytes, mode: int = 0o644) -> str:
        """Write a file the job container needs; returns its path *in the job container*."""
        path = self.out_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        data = content.encode("utf-8") if isinstance(content, str) else content
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        return str(self.runtime_out_dir / name)


def _append(path: str | os.PathLike[str], lines: Iterable[str] | str) -> None:
    if isinstance(lines, str):
        lines = [lines]
    with open(path, "a", encoding="utf-8") as f:
        for line in lines:
            f.write(line.rstrip("\n") + "\n")


#: input files' text by path, handed over in memory while init runs a shipped plugin in its
#: own interpreter (:mod:`pai_runtime.runtimeplugins.inprocess`): the file is not written
#: (a file created and removed again costs init about a millisecond on a slow disk)
HANDED: dict[str, str] = {}


def load(path: str | None = None) -> PluginInput:
    """The input the runtime wrote for this run (``$PAI_PLUGIN_INPUT``), or handed over
    in memory under that path (:data:`HANDED`)."""
    path = path or os.environ.get("PAI_PLUGIN_INPUT")
    if not path:
        fail("PAI_PLUGIN_INPUT is not set: run this plugin through `pai-runtime init`", code=248)
    from pai_runtime import fastjson  # json.load's values, without importing json (and re)

    text = HANDED.get(path)
    if text is None:
        with open(path, encoding="utf-8") as f:
            text = f.read()
    data = fastjson.loads(text)

    def opt_path(key: str) -> str | None:  # the Path is made when a plugin reads the field
        return str(data[key]) if data.get(key) else None

    return PluginInput(
        name=data["name"], instance=data.get("instance") or data["name"], parameters=data.get("parameters") or {},
        failure_policy=data.get("failurePolicy", "fail"), task_role=data.get("taskRole"),
        task_index=data.get("taskIndex"), job_config=data.get("jobConfig"),
        pre_path=opt_path("preCommands"), post_path=opt_path("postCommands"),
        out_dir=str(data["outDir"]), runtime_out_dir=str(data["runtimeOutDir"]),
        plugin_dir=str(data["pluginDir"]), local=bool(data.get("local")), env=dict(data.get("env") or {}),
        task_roles=[str(r) for r in data.get("taskRoles") or ()], kind=data.get("kind") or "runtime",
        env_out=opt_path("envOut"),
    )


def input_text(data: dict[str, Any]) -> str:
    """The text of the input file for ``data`` (exactly the keys of :data:`INPUT_FIELDS`,
    in that order): ``json.dumps``'s, through its C encoder without importing json."""
    if set(data) != set(INPUT_FIELDS):
        raise ValueError(f"plugin input keys differ from INPUT_FIELDS: {sorted(set(data) ^ set(INPUT_FIELDS))}")
    from pai_runtime import fastjson

    return fastjson.dumps({k: data[k] for k in INPUT_FIELDS})


def write_input(path: str | os.PathLike[str], data: dict[str, Any]) -> None:
    """The runtime's side of the contract: write ``data`` (exactly the keys of
    :data:`INPUT_FIELDS`) owner-only, since rendered parameters may hold secrets."""
    text = input_text(data)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def fail(message: str, *, hint: str | None = None, code: int = CONFIG_INVALID) -> NoReturn:
    """One line on stderr (what, and how to fix it) and exit ``code``; the runtime turns
    the last line into the init container's error."""
    sys.stderr.write("error: " + message + (f" ({hint})" if hint else "") + "\n")
    sys.stderr.flush()
    raise SystemExit(code)


def read_yaml(path: str | os.PathLike[str], what: str) -> Any:
    """The YAML (or JSON) document in ``path`` through the runtime's bounded loader (size,
    depth and alias limits), None when the file does not exist; a bad document is one
    :func:`fail` line naming the file and the line. For files the runtime does not hand
    over itself, e.g. OpenPAI's mounted ``userExtensionSecrets.yaml``; only read, never
    rewritten (a mounted secret is read-only). The loader is imported when first used."""
    from pathlib import Path

    from pai_runtime.config import yamlsource
    from pai_runtime.errors import ConfigError

    try:
        raw = yamlsource.optional_file(Path(path), what)
        return yamlsource.parse(raw, str(path)).data if raw is not None else None
    except ConfigError as exc:
        fail(exc.line())


def die_sh(message: str, code: int = 1) -> str:
    """A sh group that prints ``message`` to stderr and exits ``code`` (for checks that can
    only happen in the job container, like a missing binary in the user's image); safe
    after ``||``."""
    return f"{{ echo {q(message)} >&2; exit {int(code)}; }}"

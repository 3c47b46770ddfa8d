"""Find runtime plugins: ``plugins/`` and ``PAI_PLUGIN_PATH`` dirs, each folder's
``desc.yaml`` read and checked, and the listing ``pai-runtime plugins`` prints.

Why operator dirs first: like ``PATH``, a plugin an operator installs shadows the shipped one
of the same name, and the listing shows which one won.

Paths are strings spelled with :mod:`os.path` (a Layout field may be a str or a Path):
``import pathlib`` alone costs init some 5 ms, and this is init's path.
"""

from __future__ import annotations

import os

from pai_runtime.errors import ConfigError, PaiError
from pai_runtime.layout import pure

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.layout import Layout

DESC_FILE = "desc.yaml"
PLUGIN_PATH_VAR = "PAI_PLUGIN_PATH"


class PluginDesc:
    """One plugin folder, as its ``desc.yaml`` describes it (read-only once built); its
    paths are strings."""

    __slots__ = ("name", "description", "directory", "init_kind", "init_target", "schema", "shadows", "aliases")

    def __init__(self, name: str, description: str, directory: str, init_kind: str, init_target: str,
                 schema: dict[str, Any], shadows: tuple[str, ...] = (), aliases: tuple[str, ...] = ()) -> None:
        self.name = name
        self.description = description
        self.directory = directory
        self.init_kind = init_kind  # "python" | "exec"
        self.init_target = init_target
        self.schema = schema
        self.shadows = shadows
        #: other names jobs may use for it (OpenPAI's ``teamwise_storage`` for ``storage``)
        self.aliases = aliases

    @property
    def readme(self) -> str:
        return os.path.join(self.directory, "README.md")


def search_dirs(layout: Layout, environ: Any = None) -> list[str]:
    """``PAI_PLUGIN_PATH`` dirs (in order) before the shipped ``plugins/`` dir, each
    spelled as ``str(pathlib.Path(d))`` (:func:`pai_runtime.layout.pure`)."""
    environ = os.environ if environ is None else environ
    extra = [p for p in (environ.get(PLUGIN_PATH_VAR) or "").split(os.pathsep) if p.strip()]
    out: list[str] = []
    for d in [*extra, os.fspath(layout.plugins_dir)]:
        d = pure(d)
        if d not in out:
            out.append(d)
    return out


def discover(layout: Layout, environ: Any = None, names: Any = None) -> dict[str, PluginDesc]:
    """Every plugin found, by name; the first dir of the search path wins a name.

    With ``names`` (what a job asks for), only those: each from the first dir that has a
    folder of that name, as the full search would give it (a plugin's own name wins over
    an alias); only when one of them is no folder anywhere (an alias, or unknown) is
    every ``desc.yaml`` read. Init reads one or two plugin descriptions instead of all
    of them (each is a YAML document and a schema check)."""
    if names is not None:
        dirs = [d for d in search_dirs(layout, environ) if os.path.isdir(d)]
        wanted: dict[str, PluginDesc] = {}
        for name in names:
            if name in wanted:
                continue
            if not name or name in (".", "..") or "/" in name or "\0" in name:
                break  # not a folder name: the full search says what is known
            home = next((os.path.join(d, name) for d in dirs if os.path.lexists(os.path.join(d, name, DESC_FILE))),
                        None)
            if home is None:
                break
            wanted[name] = load_desc(home)
        else:
            return wanted
    found: dict[str, PluginDesc] = {}
    shadowed: dict[str, list[str]] = {}
    for root in search_dirs(layout, environ):
        if not os.path.isdir(root):
            continue
        for entry in sorted(os.listdir(root)):
            sub = os.path.join(root, entry)
            # a desc.yaml that is a FIFO, a device, a directory or a dangling link names
            # itself (the loader refuses it), not "unknown plugin" (issue 18)
            if not os.path.lexists(os.path.join(sub, DESC_FILE)):
                continue
            desc = load_desc(sub)
            if desc.name in found:
                shadowed.setdefault(desc.name, []).append(sub)
                continue
            found[desc.name] = desc
    for name, dirs in shadowed.items():
        d = found[name]
        found[name] = PluginDesc(d.name, d.description, d.directory, d.init_kind, d.init_target, d.schema,
                                 shadows=tuple(dirs), aliases=d.aliases)
    return found


def by_name(plugins: dict[str, PluginDesc]) -> dict[str, PluginDesc]:
    """``plugins`` plus their aliases; a plugin's own name always wins over an alias."""
    out = dict(plugins)
    for desc in plugins.values():
        for alias in desc.aliases:
            out.setdefault(alias, desc)
    return out


def load_desc(directory: str | os.PathLike[str]) -> PluginDesc:
    """Parse and check ``directory/desc.yaml``; any problem is a ConfigError (247) that
    names the file, because a broken plugin must be fixed by whoever installed it."""
    from pai_runtime.config import yamlsource

    directory = pure(os.fspath(directory))
    folder = os.path.basename(directory)
    path = os.path.join(directory, DESC_FILE)
    doc = yamlsource.parse(yamlsource.read_file(path, "plugin description"), path)
    data = doc.data
    if not isinstance(data, dict):
        raise ConfigError("a plugin desc.yaml must be a mapping", where=doc.where(),
                          hint="see docs/plugins.md for name, description, init, parameters")
    for key in ("name", "description", "init"):
        if key not in data:
            raise ConfigError(f"missing required key {key!r}", where=doc.where(),
                              hint="see docs/plugins.md (copy plugins/_template)")
    name = data["name"]
    if not isinstance(name, str) or not name or name != folder:
        raise ConfigError(f"plugin name {name!r} must equal its folder name {folder!r}",
                          where=doc.where(("name",)), hint="rename the folder or fix 'name'")
    init = data["init"]
    if isinstance(init, str):
        init = {"python": init} if init.endswith(".py") else {"exec": init}
    if not isinstance(init, dict) or len(init) != 1 or next(iter(init)) not in ("python", "exec"):
        raise ConfigError("'init' must be {python: FILE.py} or {exec: FILE}", where=doc.where(("init",)),
                          hint="python entries run with the runtime's interpreter; exec entries need +x")
    kind, target = next(iter(init.items()))
    target_path = os.path.realpath(os.path.join(directory, str(target)))  # Path.resolve(): links followed
    if not os.path.isfile(target_path):
        raise ConfigError(f"init entry {str(target)!r} does not exist in {directory}",
                          where=doc.where(("init", kind)), hint="fix the path (relative to the plugin folder)")
    if kind == "exec" and not os.access(target_path, os.X_OK):
        raise ConfigError(f"init entry {str(target_path)!r} is not executable", where=doc.where(("init", kind)),
                          hint=f"chmod +x {target_path}")
    aliases = data.get("aliases") or []
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise ConfigError("'aliases' must be a list of names", where=doc.where(("aliases",)),
                          hint="e.g. aliases: [teamwise_storage]")
    schema = data.get("parameters", {"type": "object"})
    if not isinstance(schema, dict):
        raise ConfigError("'parameters' must be a JSON schema (a mapping)", where=doc.where(("parameters",)))
    from pai_runtime.config import quickcheck

    if not quickcheck.schema_ok(schema):  # jsonschema only where the quick check cannot vouch
        import jsonschema

        try:
            jsonschema.Draft202012Validator.check_schema(schema)
        except jsonschema.SchemaError as exc:
            raise ConfigError(f"'parameters' is not a valid JSON schema: {exc.message}",
                              where=doc.where(("parameters",)), hint="see https://json-schema.org") from None
    return PluginDesc(name=name, description=str(data["description"]).strip(), directory=directory,
                      init_kind=kind, init_target=target_path, schema=schema, aliases=tuple(aliases))


def summarize_schema(schema: dict[str, Any]) -> str:
    """``name*: type (default x)`` for every top-level parameter; ``*`` = required."""
    import json

    props = schema.get("properties") or {}
    required = set(schema.get("required") or [])
    parts = []
    for key, sub in props.items():
        parts.append(f"{key}{'*' if key in required else ''}: {_type_of(sub)}"
                     + (f" = {json.dumps(sub['default'])}" if isinstance(sub, dict) and "default" in sub else ""))
    return ", ".join(parts) if parts else "(no parameters)"


def _type_of(sub: Any) -> str:
    if not isinstance(sub, dict):
        return "any"
    if "enum" in sub:
        return "|".join(map(str, sub["enum"]))
    t = sub.get("type")
    if isinstance(t, list):
        return "|".join(t)
    if t == "array":
        return f"list of {_type_of(sub.get('items') or {})}"
    if t == "object" and sub.get("properties"):
        required = set(sub.get("required") or [])
        return "{" + ", ".join(k + ("*" if k in required else "") for k in sub["properties"]) + "}"
    if t:
        return str(t)
    for key in ("anyOf", "oneOf"):
        if key in sub:
            return "|".join(_type_of(s) for s in sub[key])
    return "any"


def first_sentence(text: str, width: int = 110) -> str:
    """The description's first sentence on one line (descriptions wrap in desc.yaml)."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    flat = flat if end < 0 else flat[:end + 1]
    return flat if len(flat) <= width else flat[:width - 3].rsplit(" ", 1)[0] + "..."


def describe_all(layout: Layout) -> list[str]:
    """Lines for ``pai-runtime plugins``: name, source dir, description, parameters."""
    try:
        plugins = discover(layout)
    except PaiError as exc:
        return [f"error: {exc.line()}"]
    if not plugins:
        return [f"none (searched {', '.join(map(str, search_dirs(layout)))})"]
    lines = []
    for desc in plugins.values():
        kind = " (template: copy it to start a plugin)" if desc.name.startswith("_") else ""
        first = first_sentence(desc.description)
        lines.append(f"{desc.name:<12} {desc.directory}{kind}")
        lines.append(f"  {first}")
        lines.append(f"  init: {desc.init_kind} {os.path.basename(desc.init_target)}")
        if desc.aliases:
            lines.append(f"  also named: {', '.join(desc.aliases)}")
        lines.append(f"  parameters: {summarize_schema(desc.schema)}")
        for other in desc.shadows:
            lines.append(f"  (shadows {other})")
    return lines

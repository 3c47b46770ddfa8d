"""Where the init plugin spec and the runtime spec come from, and their validation.

One rule each (DESIGN.md): ``INIT_CONFIG`` (YAML text) > ``$PAI_CONFIG_DIR/init_plugins.yaml``
> ``specs/init_plugins_default.yaml``; ``RUNTIME_CONFIG`` > ``$PAI_CONFIG_DIR/runtime_plugin.yaml``
> nothing. The source that won is recorded so every error can name it.
"""

from __future__ import annotations

import os

from pai_runtime.config import bounds, schema, yamlsource
from pai_runtime.errors import ConfigError

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from pai_runtime.config.yamlsource import Document
    from pai_runtime.layout import Layout


class PluginSpec:
    """One entry of ``initPlugins``."""

    __slots__ = ("name", "builtin", "command", "parameters", "failure_policy", "timeout", "where", "enabled")

    def __init__(self, name: str, builtin: str | None, command: str | list[str] | None, parameters: dict[str, Any],
                 failure_policy: str, timeout: float | None, where: str, enabled: bool = True) -> None:
        self.name = name
        self.builtin = builtin
        self.command = command
        self.parameters = parameters
        self.failure_policy = failure_policy
        self.timeout = timeout
        self.where = where
        self.enabled = enabled


class InitSpec:
    """The init plugin spec: its plugins in order, where it came from, when init.d runs."""

    __slots__ = ("plugins", "source", "init_scripts", "document")

    def __init__(self, plugins: list[PluginSpec], source: str, init_scripts: str = "after",
                 document: Document | None = None) -> None:
        self.plugins = plugins
        self.source = source
        self.init_scripts = init_scripts
        self.document = document


def _env_or_file(env: Mapping[str, str], var: str, layout: Layout, filename: str,
                 what: str) -> Document | None:
    text = env.get(var)
    if text is not None and text.strip():
        return yamlsource.parse(text, f"{var} (env)")
    path = os.path.join(layout.config_dir, filename)
    raw = yamlsource.optional_file(path, what)
    if raw is not None:
        return yamlsource.parse(raw, path)
    return None


def load_init_spec(layout: Layout, env: Mapping[str, str] | None = None) -> InitSpec:
    env = os.environ if env is None else env
    doc = _env_or_file(env, "INIT_CONFIG", layout, "init_plugins.yaml", "init plugin spec")
    if doc is None:
        path = os.path.join(layout.specs_dir, "init_plugins_default.yaml")
        if not os.path.isfile(path):
            raise ConfigError("the shipped default init plugin spec is missing", where=path,
                              hint="reinstall pai-runtime, or set PAI_HOME to a directory holding its specs/ "
                                   "and plugins/ (or give INIT_CONFIG)")
        doc = yamlsource.parse(yamlsource.read_file(path, "default init plugin spec"), path)
    if doc.data is None:
        raise ConfigError("the init plugin spec is empty", where=doc.source,
                          hint="give a mapping with an 'initPlugins' list")
    schema.validate(doc, os.path.join(layout.specs_dir, "schemas", "init_plugins.schema.json"),
                    what="init plugin spec")
    plugins: list[PluginSpec] = []
    seen: dict[str, str] = {}
    for i, item in enumerate(doc.data["initPlugins"]):
        where = doc.where(("initPlugins", i))
        name = item["name"]
        if name in seen:
            raise ConfigError(f"duplicate plugin name {name!r} (first at {seen[name]})", where=where,
                              hint="give every init plugin a unique name")
        seen[name] = where
        timeout = bounds.duration(item.get("timeout"), doc.where(("initPlugins", i, "timeout")), "timeout")
        if timeout == 0:
            raise ConfigError("invalid timeout: 0 would stop the plugin at once",
                              where=doc.where(("initPlugins", i, "timeout")),
                              hint="use a positive duration or -1 for no limit")
        plugins.append(PluginSpec(
            name=name, builtin=item.get("builtin"), command=item.get("command"),
            parameters=dict(item.get("parameters") or {}),
            failure_policy=item.get("failurePolicy", "fail"), timeout=timeout, where=where,
            enabled=item.get("enabled", True),
        ))
    return InitSpec(plugins, doc.source, doc.data.get("initScripts", "after"), doc)


def load_runtime_config(layout: Layout, env: Mapping[str, str] | None = None) -> Document:
    """The validated runtime spec; an absent one is an empty mapping."""
    env = os.environ if env is None else env
    doc = _env_or_file(env, "RUNTIME_CONFIG", layout, "runtime_plugin.yaml", "runtime spec")
    if doc is None:
        return yamlsource.Document("RUNTIME_CONFIG (not set)", {}, {(): 1})
    if doc.data is None:
        doc.data = {}
    schema.validate(doc, os.path.join(layout.specs_dir, "schemas", "runtime_config.schema.json"),
                    what="runtime spec")
    bounds.job_settings(doc)  # here, not in the job container: run never meets a value init could refuse
    return doc

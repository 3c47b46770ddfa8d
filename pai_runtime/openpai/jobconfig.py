"""The OpenPAI job config a job was submitted with (optional).

Why one loader: the framework parser (task roles, ports), the runtime plugins
(``extras.com.microsoft.pai.runtimeplugin``, ``prerequisites``) and ``config`` all read it,
and must agree on where it comes from: ``jobConfig`` in RUNTIME_CONFIG (a mapping, or a
path relative to the config dir) > ``$PAI_CONFIG_DIR/job_config.yaml`` > the Framework's
``config`` annotation (as OpenPAI's init reads it) > none.
"""

from __future__ import annotations

import os

from pai_runtime.config import yamlsource
from pai_runtime.config.secrets import JobScope
from pai_runtime.errors import ConfigError
from pai_runtime.openpai.roles import RoleMap

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.config.yamlsource import Document
    from pai_runtime.init.context import InitContext
    from pai_runtime.layout import Layout


def load(layout: Layout, runtime_config: Document, parsed: Document | None = None) -> Document | None:
    """The job config; ``parsed`` (the one the ``framework`` built-in read from the
    Framework's ``config`` annotation) is used when neither RUNTIME_CONFIG nor the
    config dir names one, so every reader sees the job config OpenPAI's init would."""
    spec = (runtime_config.data or {}).get("jobConfig")
    if isinstance(spec, dict):
        lines = {k[1:]: v for k, v in runtime_config.lines.items() if k[:1] == ("jobConfig",)}
        doc = yamlsource.Document(f"{runtime_config.source} jobConfig", spec, lines)
    elif isinstance(spec, str):
        path = _join(layout.config_dir, spec)  # an absolute spec stays itself, as pathlib joins it
        raw = _optional_file(path)
        if raw is None:
            raise ConfigError(f"job config {path!r} does not exist",
                              where=runtime_config.where(("jobConfig",)), hint="fix the path")
        doc = yamlsource.parse(raw, path)
    else:
        path = _join(layout.config_dir, "job_config.yaml")
        raw = _optional_file(path)
        if raw is None:
            return parsed
        doc = yamlsource.parse(raw, path)
    if not isinstance(doc.data, dict):
        raise ConfigError("a job config must be a mapping", where=doc.where(),
                          hint="see OpenPAI's job protocol (protocolVersion, taskRoles, ...)")
    return doc


def _join(base: str | os.PathLike[str], name: str) -> str:
    """``str(Path(base) / name)`` with :mod:`os.path` (a Layout field is a str or a Path)."""
    from pai_runtime.layout import pure

    return pure(os.path.join(base, name))


def _optional_file(path: str) -> bytes | None:
    """:func:`yamlsource.optional_file` of ``path`` (a str: no pathlib on init's path)."""
    return yamlsource.optional_file(path, "job config")


def roles(doc: Document | None) -> RoleMap:
    """The task roles of the job config (empty map without one)."""
    if doc is None:
        return RoleMap([])
    task_roles = doc.data.get("taskRoles") or {}
    if not isinstance(task_roles, dict):
        raise ConfigError("taskRoles must be a mapping of role names", where=doc.where(("taskRoles",)))
    return RoleMap(task_roles, source=doc.where(("taskRoles",)))


def prerequisite(doc: Document, role: str, kind: str, field: str) -> tuple[dict[str, Any], str] | None:
    """The prerequisite of type ``kind`` that ``role``'s ``field`` names (OpenPAI
    protocol v2: ``dockerImage: image`` -> the ``dockerimage`` prerequisite ``image``),
    with where it is written; None when the role names none."""
    role_def = roles(doc).get(doc.data.get("taskRoles") or {}, role)
    name = role_def.get(field) if isinstance(role_def, dict) else None
    if not isinstance(name, str):
        return None
    for i, d in enumerate(doc.data.get("prerequisites") or []):
        if isinstance(d, dict) and d.get("name") == name and str(d.get("type", "")).lower() == kind:
            return d, doc.where(("prerequisites", i))
    raise ConfigError(f"task role {role!r} names {field} {name!r}, which is not a {kind} prerequisite",
                      where=doc.where(("taskRoles", role, field)),
                      hint=f"add a prerequisite {{name: {name}, type: {kind}, ...}} or fix the name")


def current_role(ctx: InitContext) -> str | None:
    """The task role this container runs, as its env says (OpenPAI's pod spec sets
    ``PAI_CURRENT_TASK_ROLE_NAME``; FrameworkController ``FC_TASKROLE_NAME``), else what
    the barrier/framework built-ins found, else RUNTIME_CONFIG ``taskRole``."""
    env = {**dict(ctx.environ), **dict(ctx.runtime_env)}
    return (env.get("PAI_CURRENT_TASK_ROLE_NAME") or env.get("FC_TASKROLE_NAME")
            or (ctx.current_task[0] if ctx.current_task else None)
            or (ctx.runtime_config.data or {}).get("taskRole") or None)


def scope(doc: Document | None, role: str | None) -> JobScope | None:
    """What ``<% $parameters.x %>`` and ``<% $data.* %>`` (``$script``, ``$output``)
    resolve against for ``role`` (either spelling); None without a job config."""
    if doc is None:
        return None
    names = roles(doc)
    resolved = names.resolve(role) if role else None
    role_def = names.get(doc.data.get("taskRoles") or {}, resolved) if resolved else None
    prerequisites = doc.data.get("prerequisites") or []
    return JobScope(parameters=doc.data.get("parameters"),
                    prerequisites=prerequisites if isinstance(prerequisites, list) else [],
                    role=resolved, role_def=role_def if isinstance(role_def, dict) else None,
                    source=doc.source)


def current_scope(ctx: InitContext) -> JobScope | None:
    """The scope of this container's job config and task role (see :func:`scope`)."""
    return scope(load(ctx.layout, ctx.runtime_config, ctx.job_config), current_role(ctx))

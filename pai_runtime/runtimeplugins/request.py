"""What the job asks for: the runtime plugins named in RUNTIME_CONFIG ``runtimePlugin``,
in the job config's extras and in task-role prerequisites, and which task runs each.

Why one list of :class:`Request`: every source ends up as the same record, so validation
and execution never care where a plugin was named (only the error lines do).
"""

from __future__ import annotations

from pai_runtime.errors import ConfigError
from pai_runtime.openpai.roles import RoleMap, platform_name

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.config.yamlsource import Document
    from pai_runtime.init.context import InitContext
    from pai_runtime.runtimeplugins.discover import PluginDesc

EXTRAS_KEY = "com.microsoft.pai.runtimeplugin"
PREREQ_PREFIX = "com.microsoft.pai.runtimeplugin."
#: keys of an OpenPAI prerequisite that are not the plugin's parameters
#: (OpenPAI's protocol fields ``protocolVersion``, ``version``, ``contributor``,
#: ``description`` describe the prerequisite and are dropped too)
PREREQ_META = frozenset({"name", "type", "plugin", "failurePolicy", "taskroles",
                         "protocolVersion", "version", "contributor", "description"})

_ENTRY_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["plugin"],
    "properties": {
        "plugin": {"type": "string", "minLength": 1},
        "parameters": {"type": "object"},
        "failurePolicy": {"enum": ["fail", "ignore"]},
        "taskroles": {"type": "array", "items": {"type": "string"}},
    },
}


class Request:
    """One runtime plugin the job names, where it was named, and its parameters."""

    __slots__ = ("plugin", "parameters", "failure_policy", "taskroles", "where", "doc", "path", "desc", "instance")

    def __init__(self, plugin: str, parameters: dict[str, Any], failure_policy: str, taskroles: list[str] | None,
                 where: str, doc: Document | None = None, path: tuple[Any, ...] = (), desc: PluginDesc | None = None,
                 instance: str = "") -> None:
        self.plugin = plugin
        self.parameters = parameters
        self.failure_policy = failure_policy
        self.taskroles = taskroles
        self.where = where
        self.doc = doc
        self.path = path
        self.desc = desc
        self.instance = instance

    def param_where(self, sub: tuple[Any, ...]) -> str:
        if self.doc is None:
            return self.where
        return self.doc.where(self.path + ("parameters", *sub))


class TaskInfo:
    """The current task: job-config role name (or platform name), index, job config."""

    __slots__ = ("role", "index", "job_config", "roles")

    def __init__(self, role: str | None, index: int | None, job_config: Document | None,
                 roles: RoleMap | None = None) -> None:
        self.role = role
        self.index = index
        self.job_config = job_config
        self.roles = RoleMap([]) if roles is None else roles


def _check_entry(item: Any, doc: Document, path: tuple[Any, ...]) -> None:
    from pai_runtime.config.schema import problem

    found = problem(_ENTRY_SCHEMA, item)
    if found:
        msg, hint, sub = found
        raise ConfigError(f"invalid runtime plugin entry: {msg}", where=doc.where(path + tuple(sub)),
                          hint=hint or "write it as {plugin: NAME, parameters: {...}, failurePolicy: fail|ignore}")


def requests_from(runtime_config: Document, job_config: Document | None, task: TaskInfo) -> list[Request]:
    """Plugins named by RUNTIME_CONFIG ``runtimePlugin``, then the current role's
    ``prerequisites`` whose ``plugin`` is ``com.microsoft.pai.runtimeplugin.<name>``, then
    the job config's ``extras.com.microsoft.pai.runtimeplugin`` (in that order). The last
    two in OpenPAI's order (its initializer's ``collect_plugin_configs``): a prerequisite's
    commands run before the storage mounts and ssh of the extras."""
    out: list[Request] = []
    items = (runtime_config.data or {}).get("runtimePlugin") or []
    for i, item in enumerate(items):
        path = ("runtimePlugin", i)
        _check_entry(item, runtime_config, path)
        out.append(_request(item, runtime_config, path))
    if job_config is None:
        return out
    extras = job_config.data.get("extras") or {}
    if not isinstance(extras, dict):
        raise ConfigError("extras must be a mapping", where=job_config.where(("extras",)))
    listed = extras.get(EXTRAS_KEY) or []
    if not isinstance(listed, list):
        raise ConfigError(f"extras.{EXTRAS_KEY} must be a list of plugins",
                          where=job_config.where(("extras", EXTRAS_KEY)),
                          hint="write it as a list of {plugin: NAME, parameters: {...}}")
    checked = []
    for i, item in enumerate(listed):
        path = ("extras", EXTRAS_KEY, i)
        _check_entry(item, job_config, path)
        checked.append(_request(item, job_config, path))
    return out + _prerequisites(job_config, task) + checked


def _request(item: dict[str, Any], doc: Document, path: tuple[Any, ...]) -> Request:
    return Request(plugin=item["plugin"], parameters=dict(item.get("parameters") or {}),
                   failure_policy=item.get("failurePolicy", "fail"), taskroles=item.get("taskroles"),
                   where=doc.where(path), doc=doc, path=path)


def _prerequisites(job_config: Document, task: TaskInfo) -> list[Request]:
    """OpenPAI protocol v2: a role lists prerequisite names; the top-level
    ``prerequisites`` holds their definitions. Only this role's runtime-plugin ones apply."""
    defs = job_config.data.get("prerequisites") or []
    if not defs or task.role is None:
        return []
    if not isinstance(defs, list):
        raise ConfigError("prerequisites must be a list", where=job_config.where(("prerequisites",)))
    by_name: dict[str, int] = {}
    for i, d in enumerate(defs):
        if isinstance(d, dict) and isinstance(d.get("name"), str):
            by_name[d["name"]] = i
    role_def = task.roles.get(job_config.data.get("taskRoles") or {}, task.role) or {}
    wanted = role_def.get("prerequisites") or [] if isinstance(role_def, dict) else []
    out = []
    for j, name in enumerate(wanted):
        if name not in by_name:
            raise ConfigError(f"prerequisite {name!r} is not defined",
                              where=job_config.where(("taskRoles", task.role, "prerequisites", j)),
                              hint=f"defined prerequisites: {', '.join(by_name) or 'none'}")
        i = by_name[name]
        d = defs[i]
        plugin = str(d.get("plugin") or "")
        if not plugin.startswith(PREREQ_PREFIX):
            continue  # data / dockerimage prerequisites are not runtime plugins
        params = {k: v for k, v in d.items() if k not in PREREQ_META}
        policy = d.get("failurePolicy", "fail")
        if policy not in ("fail", "ignore"):
            raise ConfigError(f"failurePolicy {policy!r} is not one of 'fail', 'ignore'",
                              where=job_config.where(("prerequisites", i, "failurePolicy")))
        out.append(Request(plugin=plugin[len(PREREQ_PREFIX):], parameters=params, failure_policy=policy,
                           taskroles=None, where=job_config.where(("prerequisites", i)),
                           doc=None, path=("prerequisites", i)))
    return out


def current_task(ctx: InitContext, job_config: Document | None) -> TaskInfo:
    """The role this container runs, in the job config's spelling when there is one."""
    from pai_runtime.openpai import jobconfig

    env = {**dict(ctx.environ), **dict(ctx.runtime_env)}
    raw = jobconfig.current_role(ctx)
    roles = jobconfig.roles(job_config)
    role = raw
    if raw and job_config is not None:
        role = roles.resolve(raw) or raw
    idx_text = env.get("PAI_CURRENT_TASK_ROLE_CURRENT_TASK_INDEX") or env.get("FC_TASK_INDEX")
    try:
        index = int(idx_text) if idx_text not in (None, "") else None
    except ValueError:
        index = None
    return TaskInfo(role=role, index=index, job_config=job_config, roles=roles)


def applies(req: Request, task: TaskInfo) -> tuple[bool, str]:
    """Whether ``req`` runs for this task role (``taskroles`` filter), and why not.

    Names listed in ``taskroles`` must exist in the job config (in either spelling);
    a really missing one is a ConfigError naming the roles there are.
    """
    if not req.taskroles:
        return True, ""
    if task.job_config is not None and task.roles.names:
        for j, name in enumerate(req.taskroles):
            task.roles.require(name, where=req.doc.where(req.path + ("taskroles", j)) if req.doc else req.where)
    if task.role is None:
        return True, "task role unknown (no FC_TASKROLE_NAME): taskroles filter not applied"
    mine = platform_name(task.role)
    if any(platform_name(r) == mine for r in req.taskroles):
        return True, ""
    return False, f"not for task role {task.role!r} (taskroles: {', '.join(req.taskroles)})"

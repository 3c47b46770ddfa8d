"""Check every requested plugin against its ``desc.yaml`` schema before any plugin runs.

Why before: a typo in the third plugin's parameters must fail init before the first one
clones a repository.
"""

from __future__ import annotations

from pai_runtime.errors import ConfigError
from pai_runtime.runtimeplugins.discover import PLUGIN_PATH_VAR, by_name

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.runtimeplugins.discover import PluginDesc
    from pai_runtime.runtimeplugins.request import Request


def resolve(requests: list[Request], plugins: dict[str, PluginDesc]) -> None:
    """Attach each request's plugin and validate its parameters (ConfigError 247)."""
    named = by_name(plugins)
    for n, req in enumerate(requests, 1):
        desc = named.get(req.plugin)
        if desc is None:
            known = sorted(k for k in plugins if not k.startswith("_"))
            import difflib

            close = difflib.get_close_matches(req.plugin, known, n=1)
            hint = (f"did you mean {close[0]!r}? " if close else "") + f"known plugins: {', '.join(known) or 'none'}"
            raise ConfigError(f"unknown runtime plugin {req.plugin!r}", where=req.where,
                              hint=hint + f" (add one to {PLUGIN_PATH_VAR} or plugins/)")
        req.desc = desc
        req.instance = f"{n:02d}-{desc.name}"
        validate_params(req)


def validate_params(req: Request) -> None:
    from pai_runtime.config.schema import problem

    assert req.desc is not None
    found = problem(req.desc.schema, req.parameters)
    if found is None:
        return
    msg, hint, sub = found
    name = ".".join(map(str, sub)) or "(parameters)"
    fix = hint or _param_hint(req.desc.schema, sub) or f"see {req.desc.readme}"
    raise ConfigError(f"runtime plugin {req.plugin!r}: parameter {name}: {msg}",
                      where=req.param_where(tuple(sub)), hint=fix)


def _param_hint(schema: dict[str, Any], path: tuple[Any, ...]) -> str | None:
    sub: Any = schema
    for p in path:
        if not isinstance(sub, dict):
            return None
        sub = sub.get("items") if isinstance(p, int) else (sub.get("properties") or {}).get(p)
    if isinstance(sub, dict) and sub.get("description"):
        return f"{path[-1]}: {sub['description']}"
    return None

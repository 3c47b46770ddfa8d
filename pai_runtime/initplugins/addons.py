"""Built-in ``addons``: extract enabled runtime addons and plan their links for ``run``.

Why split from the links: this container's filesystem is not the workload's; only the
work dir is shared. The links are made by ``pai-runtime run`` from ``runtime.d/addons.json``
before any user code; under ``up`` (one filesystem) the plan is also dry-run here so a
conflict fails init, not the job. Any failure exits 33 with
``Failed setting up runtime addons: <addon>: <path>: <reason>``.
"""

from __future__ import annotations

from pathlib import Path

from pai_runtime.errors import ADDON_FAILED, Skip

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.init.context import InitContext

#: A mount stopped by the spec's ``timeout`` is an addon failure too.
TIMEOUT_CODE = ADDON_FAILED

PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "catalog": {"type": "string", "description": "catalog dir (default PAI_ADDON_CATALOG, "
                                                    "else $PAI_CONFIG_DIR/addons)"},
    },
}


def run(ctx: InitContext, params: dict[str, Any]) -> str:
    from pai_runtime.addons import apply, tarsafe
    from pai_runtime.addons.catalog import Catalog, catalog_dir

    root = Path(params["catalog"]) if params.get("catalog") else catalog_dir(ctx.layout.config_dir, ctx.environ)
    catalog = Catalog(root)
    if not catalog.exists():
        raise Skip(f"no addon catalog at {root}")
    entries = catalog.entries()
    enabled = [e for e in entries if e.enabled]
    if not enabled:
        raise Skip(f"no enabled addon in {root} ({len(entries)} registered)")
    from pai_runtime.addons.mount import mount

    limits = tarsafe.Limits.from_env(dict(ctx.environ))

    def progress(m: Any) -> None:
        ctx.progress("addon extracted" if m.extracted else "addon already extracted (same sha256)",
                     addon=m.entry.name, dir=str(m.dir), seconds=round(m.seconds, 3),
                     **({"members": m.members} if m.extracted else {}))

    result = mount(catalog, ctx.layout.work_dir, ctx.staging, limits=limits,
                   should_stop=ctx.cancelled.is_set, progress=progress)
    if ctx.local:
        apply.check_plan(ctx.staging)
    for link in result.links:
        ctx.progress("addon link planned", addon=link.addon, path=link.path, target=link.target)
    names = ", ".join(m.entry.name for m in result.addons)
    return f"{len(result.addons)} addon(s), {len(result.links)} link(s) planned: {names}"

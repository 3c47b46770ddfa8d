"""Built-in ``runtimeplugins``: run the init step of every runtime plugin the job names.

Why a built-in: the plugins a user names (cmd, ssh, git, storage, initscripts, or one an
operator dropped into ``PAI_PLUGIN_PATH``) must all be checked before any of them runs,
and their snippets collected into the two scripts the job container runs
(``runtime.d/precommands.sh`` before the user's command, ``postcommands.sh`` after it
succeeded). The machinery lives in :mod:`pai_runtime.runtimeplugins`.
"""

from __future__ import annotations

from pai_runtime.errors import Skip

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.init.context import InitContext

PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {},
}


def run(ctx: InitContext, params: dict[str, Any]) -> str:
    from pai_runtime.openpai import jobconfig
    from pai_runtime.runtimeplugins.discover import discover
    from pai_runtime.runtimeplugins.request import applies, current_task, requests_from
    from pai_runtime.runtimeplugins.run import Result, run_one
    from pai_runtime.runtimeplugins.scripts import write_scripts
    from pai_runtime.runtimeplugins.validate import resolve

    job = jobconfig.load(ctx.layout, ctx.runtime_config, ctx.job_config)
    task = current_task(ctx, job)
    requests = requests_from(ctx.runtime_config, job, task)
    if not requests:
        raise Skip("no runtime plugins named (RUNTIME_CONFIG runtimePlugin, job config extras/prerequisites)")
    scope = jobconfig.scope(job, task.role)  # $parameters, $data, ... as OpenPAI's initializer
    for req in requests:
        req.parameters = ctx.secrets.render_tree(req.parameters, used_in=req.param_where(()), job=scope)
    plugins = discover(ctx.layout, ctx.environ, [req.plugin for req in requests])
    resolve(requests, plugins)  # every plugin's parameters checked before any runs
    results: list[Result] = []
    cancelled = ctx.cancelled  # this run's: the pipeline gives the plugins after a timeout a new one
    for req in requests:
        if cancelled.is_set():
            break
        ok, why = applies(req, task)
        if not ok:
            ctx.log.info("runtime plugin skipped", runtime_plugin=req.plugin, reason=why)
            results.append(Result(req, "skipped", why))
            continue
        if why:
            ctx.log.info(why, runtime_plugin=req.plugin)
        ctx.progress("runtime plugin init", runtime_plugin=req.instance, source=req.where)
        results.append(run_one(ctx, req, task))
    pre, post = write_scripts(ctx.staging, ctx.layout.runtime_dir, results)
    applied = [r.request.plugin for r in results if r.verdict == "applied"]
    skipped = sum(1 for r in results if r.verdict != "applied")
    ctx.runtime_plugins = applied
    return (f"{', '.join(applied) or 'none'} applied"
            + (f", {skipped} skipped/ignored" if skipped else "")
            + f"; {pre} pre / {post} post snippet(s)")

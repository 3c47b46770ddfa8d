"""Run one runtime plugin's init entry (Python in isolated mode, or any executable).

Why isolated: the plugin runs with the runtime's own interpreter and must see exactly
``pai_runtime`` and its own folder, whatever else is installed in the image.
"""

from __future__ import annotations

import os
import sys
import time

from pai_runtime import errors, redact
from pai_runtime.errors import ConfigError, InternalError, PaiError
from pai_runtime.runtimeplugins import api, inprocess

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.init.context import InitContext
    from pai_runtime.runtimeplugins.discover import PluginDesc
    from pai_runtime.runtimeplugins.request import Request, TaskInfo

#: default time one plugin's init step may take when the pipeline gives no timeout
DEFAULT_INIT_SECONDS = 300.0
#: output lines of a plugin's init entry kept for its error line (every line goes to init.log)
TAIL_LINES = 200


def python_argv(script: str | os.PathLike[str], plugin_dir: str | os.PathLike[str]) -> list[str]:
    """The runtime's own interpreter in isolated mode, ``pai_runtime`` importable.

    ``-I`` drops PYTHONPATH, PYTHONHOME-style env, the user site and the script's dir;
    the bootstrap then puts exactly the runtime's package root and the plugin's folder on
    ``sys.path``, so whatever else is installed around cannot shadow what the plugin uses.
    """
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(__file__))))
    boot = ("import runpy, sys; sys.path[:0] = [sys.argv[2], sys.argv[3]]; "
            "sys.argv = sys.argv[1:2]; runpy.run_path(sys.argv[0], run_name='__main__')")
    return [sys.executable, "-I", "-c", boot, os.fspath(script), root, os.fspath(plugin_dir)]


def entry_argv(desc: PluginDesc) -> list[str]:
    if desc.init_kind == "python":
        return python_argv(desc.init_target, desc.directory)
    return [str(desc.init_target)]


class Result:
    """What one plugin's init step produced (snippet files in the staging dir; paths as
    strings)."""

    __slots__ = ("request", "verdict", "detail", "pre", "post")

    def __init__(self, request: Request, verdict: str, detail: str = "", pre: str | None = None,
                 post: str | None = None) -> None:
        self.request = request
        self.verdict = verdict  # applied | skipped | ignored
        self.detail = detail
        self.pre = pre
        self.post = post


def run_one(ctx: InitContext, req: Request, task: TaskInfo) -> Result:
    """Run one plugin's init entry; its snippets land in ``staging/plugins/<instance>/``.
    Paths through :mod:`os.path` (the staging dir and Layout fields: str or os.PathLike)."""
    assert req.desc is not None
    out_dir = os.path.join(ctx.staging, "plugins", req.instance)
    os.makedirs(out_dir, exist_ok=True)
    final_dir = os.path.join(ctx.layout.runtime_dir, "plugins", req.instance)
    pre, post = os.path.join(out_dir, "pre.sh"), os.path.join(out_dir, "post.sh")
    for snippet in (pre, post):  # owner-only: a plugin's snippets may hold rendered secrets
        os.close(os.open(snippet, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600))  # Path.touch(mode=0o600)
    payload = {
        "name": req.desc.name,
        "instance": req.instance,
        "kind": "runtime",
        "parameters": req.parameters,
        "failurePolicy": req.failure_policy,
        **task_fields(task),
        "preCommands": pre,
        "postCommands": post,
        "envOut": None,
        "outDir": out_dir,
        "runtimeOutDir": final_dir,
        "pluginDir": str(req.desc.directory),
        "local": bool(ctx.local),
        "env": dict(ctx.runtime_env),
    }
    input_path = os.path.join(ctx.staging, f".plugin-input-{req.instance}.json")
    here = inprocess.eligible(req.desc)  # shipped cmd: no interpreter of its own (inprocess.py)
    if here:  # its input handed over in memory, under the path PAI_PLUGIN_INPUT names
        inputs = {input_path: api.input_text(payload)}
    else:
        api.write_input(input_path, payload)
    env = dict(ctx.environ)
    env.update(ctx.layout.env())
    env.update(ctx.runtime_env)
    env.update({
        "PAI_PLUGIN_NAME": req.desc.name, "PAI_PLUGIN_INSTANCE": req.instance,
        "PAI_PLUGIN_DIR": str(req.desc.directory), "PAI_PLUGIN_INPUT": input_path,
        "PAI_PLUGIN_OUT_DIR": out_dir, "PAI_PLUGIN_RUNTIME_OUT_DIR": final_dir,
        "PAI_PRE_COMMANDS": pre, "PAI_POST_COMMANDS": post,
    })
    timeout = ctx.remaining(DEFAULT_INIT_SECONDS) or DEFAULT_INIT_SECONDS
    if here:
        code, output = _in_process(req.desc.init_target, env, ctx, req.instance, inputs)
    else:
        try:
            code, output = _execute(entry_argv(req.desc), env, req.desc.directory, timeout, ctx, req.instance)
        finally:
            try:
                os.unlink(input_path)
            except FileNotFoundError:
                pass
    if code == 0:
        return Result(req, "applied", pre=pre, post=post)
    last = next((ln for ln in reversed(output) if ln.strip()), "")
    reason = last or (f"killed by signal {-code}" if code < 0 else f"exited with code {code}")
    if req.failure_policy == "ignore":
        ctx.log.warning("runtime plugin init failed; ignored (failurePolicy: ignore)",
                        runtime_plugin=req.instance, code=code, error=reason)
        for f in (pre, post):
            open(f, "w", encoding="utf-8").close()  # emptied: a failed plugin's snippets never run
        return Result(req, "ignored", detail=reason)
    if code == errors.CONFIG_INVALID:
        raise ConfigError(f"runtime plugin {req.plugin!r}: {_strip_prefix(reason)}", where=req.where)
    mapped = code if code in errors.PLUGIN_PASSTHROUGH_CODES else errors.UNKNOWN_INIT_ERROR
    raise PaiError(f"runtime plugin {req.plugin!r} init failed: {_strip_prefix(reason)}", code=mapped,
                   where=req.where, hint="its output is in init.log")


def _strip_prefix(line: str) -> str:
    for p in ("error: ", "ERROR: "):
        if line.startswith(p):
            return line[len(p):]
    return line


def task_fields(task: TaskInfo) -> dict[str, Any]:
    """The task part of the plugin input JSON (runtime plugins and external init plugins
    alike): role and index, every role of the job config in its spelling, the job config."""
    return {
        "taskRole": task.role,
        "taskIndex": task.index,
        "taskRoles": list(task.roles.names),
        "jobConfig": task.job_config.data if task.job_config is not None else None,
    }


def _in_process(script: str, env: dict[str, str], ctx: InitContext, instance: str,
                inputs: dict[str, str]) -> tuple[int, list[str]]:
    """:func:`inprocess.run`, its output logged and kept as :func:`_execute` does."""
    code, raw = inprocess.run(script, env, inputs)
    lines = [redact.scrub(line) for line in raw]
    for line in lines:
        ctx.log.info(line, runtime_plugin=instance, stream="output")
    return code, lines[-TAIL_LINES:]


def _execute(argv: list[str], env: dict[str, str], cwd: str, timeout: float,
             ctx: InitContext, instance: str) -> tuple[int, list[str]]:
    """Run to its exit, its timeout or a signal to init through the one child runner
    (:mod:`pai_runtime.childproc`: TERM to the process group, KILL after a grace, the group
    stopped once the entry exits). Each output line goes to init.log as it comes; the last
    :data:`TAIL_LINES` are kept for the error line."""
    import collections
    import signal

    from pai_runtime import childproc

    last: collections.deque[str] = collections.deque(maxlen=TAIL_LINES)

    def on_line(raw: bytes) -> None:
        line = redact.scrub(raw.decode("utf-8", "replace"))
        last.append(line)
        ctx.log.info(line, runtime_plugin=instance, stream="output")

    try:
        outcome = childproc.run(argv, cwd=cwd, env=env, on_line=on_line, deadline=time.monotonic() + timeout,
                                cancelled=ctx.cancelled)
    except childproc.StartError as exc:
        raise InternalError(f"cannot start runtime plugin init {argv[0]!r}: {exc.strerror}") from None
    if outcome.dropped:
        ctx.log.warning(f"{outcome.dropped} bytes of the plugin's output were not logged "
                        f"(init.log keeps the first {childproc.MAX_OUTPUT >> 20} MiB of each plugin's output)",
                        runtime_plugin=instance, dropped=outcome.dropped)
    if outcome.cancelled:
        raise errors.Terminated(ctx.stop_signal or signal.SIGTERM)
    if outcome.left_behind:
        ctx.log.warning("the plugin's init entry exited and left processes running; they were stopped",
                        runtime_plugin=instance)
    lines = list(last)
    if outcome.timed_out:
        lines.append(f"timed out after {timeout:g}s")
        return -signal.SIGKILL, lines
    return outcome.code, lines

"""Run one runtime plugin's init entry (Python in isolated mode, or any executable).

Why isolated: the plugin runs with the runtime's own interpreter and must see exactly
``pai_runtime`` and its own folder, whatever else is installed in the image.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from pai_runtime import errors, redact
from pai_runtime.errors import ConfigError, InternalError, PaiError
from pai_runtime.runtimeplugins.discover import PluginDesc
from pai_runtime.runtimeplugins.request import Request, TaskInfo

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pai_runtime.init.context import InitContext

#: default time one plugin's init step may take when the pipeline gives no timeout
DEFAULT_INIT_SECONDS = 300.0


def python_argv(script: Path, plugin_dir: Path) -> list[str]:
    """The runtime's own interpreter in isolated mode, ``pai_runtime`` importable.

    ``-I`` drops PYTHONPATH, PYTHONHOME-style env, the user site and the script's dir;
    the bootstrap then puts exactly the runtime's package root and the plugin's folder on
    ``sys.path``, so whatever else is installed around cannot shadow what the plugin uses.
    """
    root = str(Path(__file__).resolve().parents[2])
    boot = ("import runpy, sys; sys.path[:0] = [sys.argv[2], sys.argv[3]]; "
            "sys.argv = sys.argv[1:2]; runpy.run_path(sys.argv[0], run_name='__main__')")
    return [sys.executable, "-I", "-c", boot, str(script), root, str(plugin_dir)]


def entry_argv(desc: PluginDesc) -> list[str]:
    if desc.init_kind == "python":
        return python_argv(desc.init_target, desc.directory)
    return [str(desc.init_target)]


@dataclass
class Result:
    """What one plugin's init step produced (snippet files in the staging dir)."""

    request: Request
    verdict: str  # applied | skipped | ignored
    detail: str = ""
    pre: Path | None = None
    post: Path | None = None


def run_one(ctx: InitContext, req: Request, task: TaskInfo) -> Result:
    """Run one plugin's init entry; its snippets land in ``staging/plugins/<instance>/``."""
    assert req.desc is not None
    out_dir = ctx.staging / "plugins" / req.instance
    out_dir.mkdir(parents=True, exist_ok=True)
    final_dir = ctx.layout.runtime_dir / "plugins" / req.instance
    pre, post = out_dir / "pre.sh", out_dir / "post.sh"
    pre.touch(mode=0o600)  # owner-only: a plugin's snippets may hold rendered secrets
    post.touch(mode=0o600)
    payload = {
        "name": req.desc.name,
        "instance": req.instance,
        "parameters": req.parameters,
        "failurePolicy": req.failure_policy,
        "taskRole": task.role,
        "taskIndex": task.index,
        "jobConfig": task.job_config.data if task.job_config is not None else None,
        "preCommands": str(pre),
        "postCommands": str(post),
        "outDir": str(out_dir),
        "runtimeOutDir": str(final_dir),
        "pluginDir": str(req.desc.directory),
        "local": bool(ctx.local),
        "env": dict(ctx.runtime_env),
    }
    input_path = ctx.staging / f".plugin-input-{req.instance}.json"
    fd = os.open(input_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(payload, f)
    env = dict(ctx.environ)
    env.update(ctx.layout.env())
    env.update(ctx.runtime_env)
    env.update({
        "PAI_PLUGIN_NAME": req.desc.name, "PAI_PLUGIN_INSTANCE": req.instance,
        "PAI_PLUGIN_DIR": str(req.desc.directory), "PAI_PLUGIN_INPUT": str(input_path),
        "PAI_PLUGIN_OUT_DIR": str(out_dir), "PAI_PLUGIN_RUNTIME_OUT_DIR": str(final_dir),
        "PAI_PRE_COMMANDS": str(pre), "PAI_POST_COMMANDS": str(post),
    })
    timeout = ctx.remaining(DEFAULT_INIT_SECONDS) or DEFAULT_INIT_SECONDS
    try:
        code, output = _execute(entry_argv(req.desc), env, req.desc.directory, timeout, ctx)
    finally:
        input_path.unlink(missing_ok=True)
    for line in output:
        ctx.log.info(line, runtime_plugin=req.instance, stream="output")
    if code == 0:
        return Result(req, "applied", pre=pre, post=post)
    last = next((ln for ln in reversed(output) if ln.strip()), "")
    reason = last or (f"killed by signal {-code}" if code < 0 else f"exited with code {code}")
    if req.failure_policy == "ignore":
        ctx.log.warning("runtime plugin init failed; ignored (failurePolicy: ignore)",
                        runtime_plugin=req.instance, code=code, error=reason)
        for f in (pre, post):
            f.write_text("", encoding="utf-8")
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


def _execute(argv: list[str], env: dict[str, str], cwd: Path, timeout: float,
             ctx: InitContext) -> tuple[int, list[str]]:
    """Run to completion (or timeout / cancellation, then kill its process group)."""
    import signal

    try:
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, start_new_session=True)
    except OSError as exc:
        raise InternalError(f"cannot start runtime plugin init {argv[0]!r}: {exc.strerror}") from None
    deadline = time.monotonic() + timeout
    while True:
        try:
            out, _ = proc.communicate(timeout=0.2)
            break
        except subprocess.TimeoutExpired:
            if ctx.cancelled.is_set() or time.monotonic() >= deadline:
                try:
                    os.killpg(proc.pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass
                out, _ = proc.communicate()
                lines = _lines(out)
                if ctx.cancelled.is_set():
                    raise errors.Terminated(signal.SIGTERM) from None
                lines.append(f"timed out after {timeout:g}s")
                return -signal.SIGKILL, lines
    return proc.returncode, _lines(out)


def _lines(out: bytes | None) -> list[str]:
    return [redact.scrub(line) for line in (out or b"").decode("utf-8", "replace").splitlines()]

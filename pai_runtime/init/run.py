"""``pai-runtime init`` (and the init half of ``up``): load config, run the pipeline,
write the runtime env and settings, publish ``runtime.d``, print the summary.

Why a module of its own: the CLI only parses; this is the one place that knows the order
of the init container's work and turns every failure into its exit code.
"""

from __future__ import annotations

import os
import sys
import threading
import time

from pai_runtime import envfile, errors, fastjson, redact
from pai_runtime import log as logmod
from pai_runtime.errors import ConfigError, PaiError, Terminated
from pai_runtime.layout import Layout

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from pai_runtime.init.context import InitContext

SETTINGS_FILE = "settings.json"
#: secret values the job container must mask in runtime.log and the termination message
REDACT_FILE = "redact.json"


def user_env(ctx: InitContext) -> dict[str, str]:
    """``env`` and ``envFile`` of RUNTIME_CONFIG, references rendered (bounded reads, NUL
    refused); ``$parameters``, ``$data``, ... against the job config, as everywhere."""
    from pai_runtime.config import userenv
    from pai_runtime.openpai import jobconfig

    return userenv.render(ctx.runtime_config, ctx.layout.config_dir, ctx.environ, ctx.secrets,
                          jobconfig.current_scope(ctx))


def job_settings(ctx: InitContext) -> dict[str, Any]:
    """What the job container needs from RUNTIME_CONFIG, resolved once here so ``run``
    reads one small JSON file instead of parsing YAML on the PID-1 path."""
    from pai_runtime.config import bounds

    data = ctx.runtime_config.data
    settings: dict[str, Any] = {
        **bounds.job_settings(ctx.runtime_config),  # resolved and within bounds: run never refuses them
        "exitSpec": data.get("exitSpec"),
        "hasUserCommand": os.path.exists(os.path.join(ctx.staging, "user.sh")),
    }
    settings.update(ctx.settings)
    return settings


def run_init(environ: Mapping[str, str] | None = None, *, local: bool = False) -> int:
    """The whole init container; returns the exit code (never raises)."""
    from pai_runtime.config import secrets as secrets_mod
    from pai_runtime.config import sources
    from pai_runtime.init import pipeline, watchdog

    environ = dict(os.environ if environ is None else environ)
    logmod.configure("init")
    log = logmod.get()
    layout = Layout.from_env(environ, local=local)
    started = time.monotonic()
    pipe: Any = None
    staging: str | None = None
    failure = ""
    signalled: list[int] = []

    def on_signal(signum: int) -> None:
        if signalled:  # already stopping: the watchdog bounds the time it takes
            return
        signalled.append(signum)
        if pipe is not None and pipe.terminate(signum):
            return  # a child runs: its runner stops the group and init exits 128+N after it
        raise Terminated(signum)  # a built-in, or between steps: stop waiting now

    # before anything else: as PID 1 of an init container, a signal without a handler is dropped
    pipeline.on_signals(on_signal)
    grace, grace_problem = watchdog.grace_from(environ)
    dog = watchdog.Watchdog(grace)
    if threading.current_thread() is threading.main_thread():
        dog.start()
    if grace_problem:
        log.warning(grace_problem)
    try:
        try:
            logmod.add_file(os.path.join(layout.log_dir, "init.log"))  # the log dir made with its parents
        except OSError as exc:
            raise ConfigError(f"cannot create the log dir: {exc.strerror}", where=layout.log_dir,
                              hint="make PAI_WORK_DIR a writable volume") from None
        log.info("init starting", work_dir=str(layout.work_dir), local=local)
        secrets = secrets_mod.load(layout.config_dir, layout.specs_dir, environ=environ,
                                      work_dir=layout.work_dir)
        spec = sources.load_init_spec(layout, environ)
        runtime_config = sources.load_runtime_config(layout, environ)
        log.info("config loaded", init_spec=spec.source, runtime_spec=runtime_config.source,
                 plugins=[p.name for p in spec.plugins])
        pipeline.retract(layout)
        staging = pipeline.new_staging(layout)
        ctx = pipeline.InitContext(layout=layout, environ=environ, runtime_config=runtime_config,
                                   secrets=secrets, staging=staging, local=local, log=log)
        from pai_runtime.exitspec import install_spec
        install_spec(ctx)
        pipe = pipeline.Pipeline(spec, ctx)
        pipe.run()
        env = dict(layout.env())
        env.update(ctx.runtime_env)
        env.update(user_env(ctx))
        envfile.write(os.path.join(staging, "env"), env)
        with open(os.path.join(staging, SETTINGS_FILE), "w", encoding="utf-8") as f:
            # one line through json's C encoder (pai_runtime.fastjson): ``import json`` (its
            # regexes compiled at import) and indent's pure-Python encoder cost init ~2 ms
            f.write(fastjson.dumps(job_settings(ctx)))
        used = sorted(v for v in secrets.used if len(v) >= redact.MIN_LENGTH)
        if used:  # owner-only, like the credential files plugins write
            fd = os.open(os.path.join(staging, REDACT_FILE), os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as f:
                f.write(fastjson.dumps(used))
        from pai_runtime.init import selfcopy

        try:  # before publishing: a failed or interrupted init never leaves a runtime.d
            selfcopy.install(layout, log)
        except OSError as exc:
            raise ConfigError(f"cannot copy the runtime into the work dir: {exc.strerror or exc}",
                              where=os.fspath(exc.filename or layout.work_dir),
                              hint="make PAI_WORK_DIR a writable volume (an emptyDir shared with the job container)"
                              ) from None
        pipeline.publish(staging, layout)
        staging = None
        code = errors.OK
    except Terminated as exc:
        log.error("init stopped by signal", signal=exc.signum)
        code = errors.signal_exit_code(exc.signum)
        failure = f"init stopped by signal {exc.signum}"
    except PaiError as exc:
        log.error("init failed", error=exc.line(), code=exc.code)
        code = exc.code
        failure = exc.line()
    except Exception as exc:  # noqa: BLE001 - our bug: one line out, details in init.log
        import traceback

        code = errors.UNKNOWN_INIT_ERROR
        failure = f"internal error (a bug): {type(exc).__name__}: {exc}"
        log.error("init failed: internal error (a bug)", error=redact.scrub(f"{type(exc).__name__}: {exc}"),
                  code=code, traceback=redact.scrub(traceback.format_exc()))
    finally:
        if staging is not None:
            import shutil

            shutil.rmtree(staging, ignore_errors=True)
    if code != errors.OK:
        _termination_message(layout, code, failure, log)
        _failure_event(environ, code, failure, log)
    _summary(pipe, code, time.monotonic() - started, log)
    logmod.close_files()
    dog.stop()
    if code != errors.OK and any(t.is_alive() for t in pipeline.ABANDONED):
        # a built-in is still blocked where it was abandoned (its timeout, a signal): the
        # interpreter's teardown could wait on it (a lock it holds), so end here, now
        try:
            sys.stderr.flush()
        finally:
            os._exit(code)
    return code


def _failure_event(environ: Mapping[str, str], code: int, failure: str, log: Any) -> None:
    """A Warning Event on our pod for `kubectl describe pod` (best effort, bounded:
    pai_runtime.kube.events); never changes the exit code."""
    try:
        from pai_runtime.kube import events

        events.post_init_failure(code, errors.INIT_PHRASES.get(code, "PAIRuntimeInitFailed"), redact.scrub(failure),
                                 environ=environ, warn=lambda line: log.warning(line))
    except Exception as exc:  # noqa: BLE001 - an Event must never fail init
        log.warning("cannot post the init failure Event", error=f"{type(exc).__name__}: {exc}")


def _termination_message(layout: Layout, code: int, failure: str, log: Any) -> None:
    """The init container's own termination message: why init failed, in the exit-info
    format of the job container, so `kubectl describe pod` shows the reason (and, under
    ``up``, a failed init never leaves an older run's message behind)."""
    from pai_runtime.exitspec import message

    info = {"exitCode": code, "phrase": errors.INIT_PHRASES.get(code, "PAIRuntimeInitFailed"),
            "stage": "init", "reason": redact.scrub(failure)}
    data = redact.scrub_bytes(message.render(info))
    for target in (layout.termination_log, os.path.join(layout.log_dir, "termination-log")):
        try:
            with open(target, "wb") as f:
                f.write(data)
        except OSError as exc:
            log.warning("cannot write the termination message", path=str(target), error=exc.strerror)


def _summary(pipe: Any, code: int, seconds: float, log: Any) -> None:
    rows = pipe.outcomes if pipe is not None else []
    lines = ["init summary:"]
    width = max([len(o.name) for o in rows] + [6])
    for o in rows:
        detail = f"  {o.detail}" if o.detail else ""
        lines.append(f"  {o.name:<{width}}  {o.verdict:<7}  {o.seconds:7.2f}s{detail}")
    lines.append(f"  {'result':<{width}}  {'ok' if code == 0 else 'FAILED':<7}  {seconds:7.2f}s"
                 + ("" if code == 0 else f"  exit {code}"))
    if logmod.use_json():  # collectors get fields; the table would arrive as one string full of \n
        log.info("init summary", summary=[
            {"plugin": o.name, "verdict": o.verdict, "seconds": round(o.seconds, 3), "detail": o.detail or ""}
            for o in rows], result="ok" if code == 0 else "failed", seconds=round(seconds, 3), exit_code=code)
    else:  # the table already says it all; key=value pairs would repeat it on one long line
        log.info("\n".join(lines))

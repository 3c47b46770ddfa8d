"""Built-in ``barrier``: wait until every task of the job has a pod IP (gang barrier).

Why list + watch instead of frameworkbarrier's 10 s poll: with a watch the API server
tells us the moment the last pod IP lands, so the barrier passes within about a second
of it, and a 1 000-task job costs a handful of requests instead of one GET of a
megabyte-sized object every 10 s per task. Why classify errors: frameworkbarrier
retried 401 and 403 for its full 10 minutes and then exited with an unexplained code;
here a refused credential, an RBAC refusal or a missing object ends the wait at once
with one line saying what to fix (252), an API server that stays unreachable ends as
250, and a gang that is not complete at the deadline as 251 naming who is missing.

Sources: ``frameworkcontroller`` (GET the Framework, then watch it with
``fieldSelector=metadata.name``), ``pods`` (list + watch pods by label selector, with an
expected count), ``file`` (a framework.json on disk, re-read when it changes; for local
runs), ``none``. See docs/barrier.md.

The sources that talk to the API server (and the gang ConfigMap, the error classes) are
:mod:`pai_runtime.initplugins.barrier_cluster`, imported only by them: the file source
is the whole barrier of many inits, and its import was two thirds Kubernetes code.
"""

from __future__ import annotations

import os
import time

from pai_runtime import errors
from pai_runtime.errors import (  # noqa: F401 - BarrierTransientError: the barrier's errors, by this module's name
    BarrierPermanentError,
    BarrierTransientError,
    ConfigError,
    GangTimeoutError,
    Skip,
)
from pai_runtime.openpai import framework as fwstatus
from pai_runtime.units import format_duration

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from pai_runtime.init.context import InitContext

TIMEOUT_CODE = errors.GANG_TIMEOUT
DEFAULT_INTERVAL = 10.0  # frameworkbarrier's BARRIER_CHECK_INTERVAL_SEC default
DEFAULT_TIMEOUT = 600.0  # frameworkbarrier's BARRIER_CHECK_TIMEOUT_SEC default
NO_LIMIT_CAP = 7 * 86400.0
PROGRESS_EVERY = 1.0
HEARTBEAT_EVERY = 30.0

_duration = {"type": ["string", "number"]}
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "source": {"enum": ["frameworkcontroller", "pods", "file", "none"]},
        "apiServer": {"type": "string", "minLength": 1},
        "serviceAccountDir": {"type": "string", "minLength": 1},
        "kubeconfig": {"type": "string", "minLength": 1},
        "namespace": {"type": "string"},
        "name": {"type": "string"},
        "selector": {"type": "string", "minLength": 1},
        "expected": {"type": "integer", "minimum": 1},
        "roleLabel": {"type": "string", "minLength": 1},
        "file": {"type": "string", "minLength": 1},
        "interval": _duration,
        "timeout": _duration,
        "share": {"enum": ["addresses", "count", "off"]},
        "gangKey": {"type": "string", "minLength": 1},
        "leader": {"type": "boolean"},
        "configMap": {"type": "string", "minLength": 1, "maxLength": 253},
        "leaderTimeout": _duration,
        "fallbackJitter": _duration,
    },
}


# -- settings -------------------------------------------------------------------------------
def _seconds(params: Mapping[str, Any], key: str, environ: Mapping[str, str], env: str,
             default: float) -> float | None:
    if key in params:
        value, where = params[key], f"parameters.{key}"
    elif environ.get(env, "").strip():
        value, where = environ[env].strip(), f"env {env}"
    else:
        return default
    from pai_runtime.config.bounds import duration

    # the shared bounds: 99999999999999d was accepted here while every other duration
    # stops at 366d (issue 18)
    seconds = duration(value, f"barrier {where}", key)
    if seconds is not None and seconds <= 0:
        raise ConfigError(f"{value!r} must be positive", where=f"barrier {where}",
                          hint="give e.g. \"10s\", \"10m\" or -1 for no limit of its own")
    return seconds


class _Reporter:
    """Progress lines: on change (at most once a second) and a heartbeat."""

    def __init__(self, ctx: InitContext) -> None:
        self.ctx = ctx
        self.last_text = ""
        self.last_at = 0.0
        self.last: fwstatus.Readiness | None = None

    def __call__(self, r: fwstatus.Readiness, *, force: bool = False) -> None:
        text = r.summary()
        self.last = r
        now = time.monotonic()
        changed = text != self.last_text
        if force or (changed and now - self.last_at >= PROGRESS_EVERY) or now - self.last_at >= HEARTBEAT_EVERY:
            extra: dict[str, Any] = {}
            if not r.passed and r.waiting:
                extra["waiting"] = r.waiting_text()
            if r.stale:
                extra["stale"] = r.stale
            self.ctx.progress(text, **extra)
            self.last_text, self.last_at = text, now


def _wait_file(path: str, own: dict[str, str], deadline: float, report: _Reporter, cancelled: Any,
               where: str) -> dict[str, Any]:
    last_sig: tuple[float, int] | None = None
    fw: dict[str, Any] | None = None
    while True:
        try:
            st = os.stat(path)
        except OSError as exc:
            raise ConfigError(f"framework file {str(path)!r} cannot be read: {exc.strerror}", where=where,
                              hint="give the path of a framework.json") from None
        sig = (st.st_mtime, st.st_size)
        if sig != last_sig:
            last_sig = sig
            from pai_runtime.config import yamlsource

            try:  # bounded, and a FIFO or a device is refused: /dev/zero once filled 4 GB in 5 s
                fw = fwstatus.decompress(yamlsource.load_json_file(path, "framework file",
                                                                   max_bytes=fwstatus.MAX_FILE_BYTES))
            except ConfigError as exc:
                raise ConfigError(f"framework file {str(path)!r} is not a Framework JSON: {exc.line()}", where=where,
                                  hint="give a framework.json as FrameworkController stores it") from None
            except (OSError, ValueError, fwstatus.FrameworkFormatError) as exc:
                raise ConfigError(f"framework file {str(path)!r} is not a Framework JSON: {exc}".splitlines()[0],
                                  where=where, hint="give a framework.json as FrameworkController stores it") \
                    from None
            if not isinstance(fw, dict):
                raise ConfigError(f"framework file {str(path)!r} is not a JSON object", where=where)
            r = fwstatus.readiness(fw, own_uid=own.get("uid", ""), own_role=own.get("role", ""),
                                   own_index=own.get("index", ""))
            report(r)
            if r.passed:
                return fw
        left = deadline - time.monotonic()
        if left <= 0:
            assert fw is not None
            raise _timeout(fwstatus.readiness(fw, own_uid=own.get("uid", ""), own_role=own.get("role", ""),
                                              own_index=own.get("index", "")), None)
        if cancelled.wait(min(0.2, left)):
            raise GangTimeoutError("barrier cancelled")


def _timeout(r: fwstatus.Readiness, timeout: float | None) -> GangTimeoutError:
    waited = f"waited {format_duration(timeout)}; " if timeout else ""
    if r.ready >= r.total and r.stale:
        return GangTimeoutError(f"gang allocation timeout: {r.summary()}, but {r.stale}",
                                hint=f"{waited}FrameworkController has not recorded this pod; check its health")
    return GangTimeoutError(f"gang allocation timeout: {r.summary()}, waiting for {r.waiting_text()}",
                            hint=f"{waited}check why those pods have no IP (kubectl describe pod), or raise "
                                 "parameters.timeout / BARRIER_CHECK_TIMEOUT_SEC")


# -- entry point -----------------------------------------------------------------------------
def run(ctx: InitContext, params: dict[str, Any]) -> str:
    # The Kubernetes modules (and barrier_cluster) are imported only by the sources that
    # talk to the API: the file source (a recorded Framework) is the whole barrier of many
    # inits, and it needs none of them (issue 19).
    env = ctx.environ
    own = {"uid": env.get("FC_POD_UID", "").strip(), "role": env.get("FC_TASKROLE_NAME", "").strip(),
           "index": env.get("FC_TASK_INDEX", "").strip(), "hostname": ""}
    source = params.get("source")
    file_param = params.get("file")
    name = params.get("name") or env.get("FC_FRAMEWORK_NAME", "").strip()
    selector = params.get("selector")
    interval = _seconds(params, "interval", env, "BARRIER_CHECK_INTERVAL_SEC", DEFAULT_INTERVAL) or DEFAULT_INTERVAL
    timeout = _seconds(params, "timeout", env, "BARRIER_CHECK_TIMEOUT_SEC", DEFAULT_TIMEOUT)
    conn: Any = None

    if source is None:
        if file_param:
            source = "file"
        elif ctx.local:
            raise Skip("local run (pai-runtime up): no gang to wait for (set parameters.file to use a framework.json)")
        else:
            from pai_runtime.initplugins import barrier_cluster

            conn = barrier_cluster.connect(env, params)
            if conn is None:
                raise Skip("no Kubernetes API here: KUBERNETES_SERVICE_HOST is unset and no apiServer, "
                           "kubeconfig or file is given")
            if selector:
                source = "pods"
            elif name:
                source = "frameworkcontroller"
            else:
                raise Skip("in a cluster, but nothing to wait for: FC_FRAMEWORK_NAME is unset and no "
                           "parameters.selector is given")
    if source == "none":
        raise Skip("parameters.source is none")

    start = time.monotonic()
    span = timeout if timeout is not None else NO_LIMIT_CAP
    left = ctx.remaining()
    if left is not None:
        span = min(span, max(0.0, left - 0.5))
    deadline = start + span
    report = _Reporter(ctx)

    if source == "file":
        if not file_param:
            raise ConfigError("source file needs parameters.file", where="barrier parameters",
                              hint="give the path of a framework.json")
        from pai_runtime.layout import pure

        # the path as a str (str(Path(file)): the spelling of its error lines); no pathlib on init's path
        fw = _wait_file(pure(file_param), own, deadline, report, ctx.cancelled, "barrier parameters.file")
        _publish(ctx, fw, f"file {file_param}")
        r = fwstatus.readiness(fw)
        return f"{r.summary()} (file {file_param})"

    from pai_runtime.initplugins import barrier_cluster

    return barrier_cluster.wait(ctx, params, source=source, conn=conn, own=own, name=name, selector=selector,
                                interval=interval, timeout=timeout, span=span, deadline=deadline, start=start,
                                report=report)


def _publish(ctx: InitContext, fw: dict[str, Any], what: str) -> None:
    """framework.json (decompressed) into runtime.d, the object for later plugins, and
    frameworkbarrier's FB_<ROLE>_IPS / FB_<ROLE>_ADDRESSES."""
    from pai_runtime import fastjson
    from pai_runtime.openpai import env as frameworkenv

    path = os.path.join(ctx.staging, "framework.json")  # the staging dir: str or os.PathLike
    tmp = os.path.join(ctx.staging, ".framework.json.tmp")
    # compact, as FrameworkController's own JSON: json.dumps with indent encodes in Python,
    # ~10x slower (~80 ms for a Framework of 2000 tasks, ~1 ms for a small one); json.dumps's
    # text through its C encoder, without importing json (and re)
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(fastjson.dumps(fw))
    os.replace(tmp, path)
    ctx.framework = fw
    ctx.framework_source = what
    ctx.runtime_env.update(frameworkenv.barrier_env(fw, ctx.environ))

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
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pai_runtime import errors
from pai_runtime.errors import (
    BarrierPermanentError,
    BarrierTransientError,
    ConfigError,
    GangTimeoutError,
    Skip,
)
from pai_runtime.kube import pods as podsmod
from pai_runtime.kube.connection import DEFAULT_SA_DIR, Connection, ConnectionSetupError, resolve
from pai_runtime.openpai import framework as fwstatus
from pai_runtime.units import UnitError, format_duration, parse_duration

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pai_runtime.init.context import InitContext

TIMEOUT_CODE = errors.GANG_TIMEOUT
FC_GROUP = "frameworkcontroller.microsoft.com"
FC_VERSION = "v1"
DEFAULT_INTERVAL = 10.0  # frameworkbarrier's BARRIER_CHECK_INTERVAL_SEC default
DEFAULT_TIMEOUT = 600.0  # frameworkbarrier's BARRIER_CHECK_TIMEOUT_SEC default
NO_LIMIT_CAP = 7 * 86400.0
WATCH_SECONDS = 300  # one watch request lasts at most this long, then it is resumed
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
    try:
        seconds = parse_duration(value)
    except UnitError as exc:
        raise ConfigError(str(exc), where=f"barrier {where}") from None
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

    def __call__(self, r: fwstatus.Readiness, *, force: bool = False) -> None:
        text = r.summary()
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


# -- what we wait on --------------------------------------------------------------------------
class _FrameworkView:
    """One Framework: GET it, then watch the collection filtered to its name."""

    def __init__(self, namespace: str, name: str, own: dict[str, str]) -> None:
        self.namespace, self.name, self.own = namespace, name, own
        base = f"/apis/{FC_GROUP}/{FC_VERSION}/namespaces/{namespace}/frameworks"
        self.collection = base
        self.object_path = f"{base}/{name}"
        self.obj: dict[str, Any] | None = None
        self.what = f'Framework "{namespace}/{name}"'

    def load(self, client: Any) -> str:
        self._set(client.get(self.object_path))
        return str((self.obj or {}).get("metadata", {}).get("resourceVersion") or "")

    def _set(self, obj: dict[str, Any]) -> None:
        try:
            self.obj = fwstatus.decompress(obj)
        except fwstatus.FrameworkFormatError as exc:
            raise BarrierPermanentError(f"{self.what}: {exc}", hint="the Framework's status is corrupt") from None

    def watch_params(self, rv: str) -> dict[str, Any]:
        return {"fieldSelector": f"metadata.name={self.name}", "resourceVersion": rv, "allowWatchBookmarks": "true"}

    def apply(self, etype: str, obj: dict[str, Any], client: Any = None) -> None:
        if etype == "DELETED":
            raise BarrierPermanentError(f"{self.what} was deleted while the barrier waited",
                                        hint="the job was stopped or deleted; nothing to wait for")
        if (obj.get("metadata") or {}).get("name") == self.name:
            self._set(obj)

    def readiness(self) -> fwstatus.Readiness:
        if self.obj is None:
            return fwstatus.Readiness(0, 0)
        return fwstatus.readiness(self.obj, own_uid=self.own.get("uid", ""), own_role=self.own.get("role", ""),
                                  own_index=self.own.get("index", ""))

    def result(self) -> dict[str, Any]:
        assert self.obj is not None
        return self.obj


class _PodsView:
    """The pods matching a label selector: list, then watch from the list's version."""

    def __init__(self, namespace: str, selector: str, expected: int | None, role_label: str | None,
                 own: dict[str, str], name: str) -> None:
        self.namespace, self.selector, self.expected = namespace, selector, expected
        self.role_label, self.own, self.name = role_label, own, name
        self.collection = f"/api/v1/namespaces/{namespace}/pods"
        self.object_path = self.collection
        self.pods: dict[str, dict[str, Any]] = {}
        self.what = f'pods with labels "{selector}" in namespace "{namespace}"'
        self.expected_from = "parameters.expected" if expected is not None else ""

    def load(self, client: Any) -> str:
        body = client.get(self.collection, {"labelSelector": self.selector}, verb="list")
        self.pods = {self._key(p): p for p in body.get("items") or []}
        if self.expected is None:
            self._expected_from_owner(client)
        return str((body.get("metadata") or {}).get("resourceVersion") or "")

    def _expected_from_owner(self, client: Any) -> None:
        """``expected`` not given: the size of the JobSet / Job that owns the pods (this
        pod's owner when it is among them, else the first pod's); read once."""
        from pai_runtime.kube import owner as ownermod
        from pai_runtime.kube.client import StatusError

        pods = self._mine() or podsmod.live(list(self.pods.values()))
        if not pods:
            return  # none of the job's pods is visible yet: read it once one is
        pod_name = (pods[0].get("metadata") or {}).get("name", "?")
        found = ownermod.owner_of(pods[0], self.namespace)
        if found is None:
            raise ConfigError(f"source pods: pod {pod_name!r} belongs to no JobSet or Job, so the gang size is unknown",
                              where="barrier parameters", hint="set parameters.expected (how many pods make the gang)")
        try:
            self.expected = ownermod.expected_pods(found, client.get(found.path))
        except StatusError as exc:
            if exc.code != 404:
                raise
            what = (f"{found.what}, which owns pod {pod_name!r}, not found" if exc.details.get("name")
                    else f"the API server does not serve {found.kind} objects ({found.path})")
            raise BarrierPermanentError(what, hint="set parameters.expected (how many pods make the gang)") from None
        except ownermod.OwnerError as exc:
            raise BarrierPermanentError(f"{found.what}: {exc}", hint="set parameters.expected") from None
        self.expected_from = found.what

    def _mine(self) -> list[dict[str, Any]]:
        uid, hostname = self.own.get("uid", ""), self.own.get("hostname", "")
        if not (uid or hostname):
            return []
        return [p for p in podsmod.live(list(self.pods.values()))
                if (uid and (p.get("metadata") or {}).get("uid") == uid)
                or (hostname and (p.get("metadata") or {}).get("name") == hostname)]

    @staticmethod
    def _key(pod: dict[str, Any]) -> str:
        meta = pod.get("metadata") or {}
        return str(meta.get("uid") or meta.get("name"))

    def watch_params(self, rv: str) -> dict[str, Any]:
        return {"labelSelector": self.selector, "resourceVersion": rv, "allowWatchBookmarks": "true"}

    def apply(self, etype: str, obj: dict[str, Any], client: Any = None) -> None:
        if etype == "DELETED":
            self.pods.pop(self._key(obj), None)
        else:
            self.pods[self._key(obj)] = obj
            if self.expected is None and client is not None:
                self._expected_from_owner(client)

    def readiness(self) -> fwstatus.Readiness:
        if self.expected is None:
            r = podsmod.readiness(list(self.pods.values()), 0)
            r.stale = "no pod of the job is visible yet to read the gang size from its JobSet or Job"
            return r
        r = podsmod.readiness(list(self.pods.values()), self.expected)
        if (self.own.get("uid") or self.own.get("hostname")) and not self._mine():
            r.stale = f"this pod ({self.own.get('uid') or self.own.get('hostname')}) is not among the selected pods"
        return r

    def result(self) -> dict[str, Any]:
        return podsmod.to_framework(list(self.pods.values()), name=self.name, namespace=self.namespace,
                                    role_label=self.role_label)

    def current_task(self) -> tuple[str, int] | None:
        fw = self.result()
        uid, hostname = self.own.get("uid", ""), self.own.get("hostname", "")
        for rs in fw["status"]["attemptStatus"]["taskRoleStatuses"]:
            for t in rs["taskStatuses"]:
                a = t["attemptStatus"]
                if (uid and a.get("podUID") == uid) or (hostname and a.get("podName") == hostname):
                    return rs["name"], int(t["index"])
        return None


# -- the wait loop ------------------------------------------------------------------------------
def _wait(client: Any, view: Any, *, interval: float, report: _Reporter, log: Any) -> None:
    """GET/list, then watch from its resourceVersion until ready. Raises
    :class:`_Deadline` at the deadline, kube errors as they come."""
    from pai_runtime.kube.client import StatusError, WatchBroken

    rv = ""
    need_load = True
    can_watch = True
    quick_closes = 0
    broken = 0
    while True:
        if need_load:
            rv = view.load(client)
            need_load = False
            r = view.readiness()
            report(r)
            if r.passed:
                return
        if client.left() <= 0:
            raise _Deadline()
        if not can_watch:
            client.sleep(interval)
            need_load = True
            continue
        started = time.monotonic()
        events = 0
        seconds = max(1, min(WATCH_SECONDS, int(client.left() + 0.999)))
        try:
            for ev in client.watch(view.collection, view.watch_params(rv), timeout_seconds=seconds):
                events += 1
                obj = ev.get("object") or {}
                new_rv = str((obj.get("metadata") or {}).get("resourceVersion") or "")
                if ev.get("type") != "BOOKMARK":
                    view.apply(str(ev.get("type")), obj, client)
                    r = view.readiness()
                    report(r)
                    if r.passed:
                        return
                if new_rv:
                    rv = new_rv
        except StatusError as exc:
            if exc.code == 410:
                log.info("watch expired (410 Gone): reading the current state again", message=exc.message)
                need_load = True
                continue
            if exc.code in (403, 405):
                can_watch = False
                log.warning("cannot watch; polling instead", every=f"{interval:g}s", reason=exc.message,
                            hint="grant the 'watch' verb for a faster barrier")
                continue
            raise
        except WatchBroken as exc:
            broken += 1
            log.info("watch stream broke; resuming", error=str(exc))
            client.sleep(client._backoff(broken - 1))
            continue
        broken = 0
        if events == 0 and time.monotonic() - started < 1.0 and client.left() > 0:
            quick_closes += 1
            client.sleep(min(interval, 0.25 * 2 ** (quick_closes - 1)))
            if quick_closes % 3 == 0:
                need_load = True
        else:
            quick_closes = 0


class _Deadline(Exception):
    pass


def _wait_file(path: Path, own: dict[str, str], deadline: float, report: _Reporter, cancelled: Any,
               where: str) -> dict[str, Any]:
    last_sig: tuple[float, int] | None = None
    fw: dict[str, Any] | None = None
    while True:
        try:
            st = path.stat()
        except OSError as exc:
            raise ConfigError(f"framework file {str(path)!r} cannot be read: {exc.strerror}", where=where,
                              hint="give the path of a framework.json") from None
        sig = (st.st_mtime, st.st_size)
        if sig != last_sig:
            last_sig = sig
            try:
                fw = fwstatus.decompress(json.loads(path.read_text(encoding="utf-8")))
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


# -- error classification ---------------------------------------------------------------------
_FORBIDDEN = re.compile(r'User "(?P<user>[^"]*)" cannot (?P<verb>\S+) resource "(?P<res>[^"]*)"'
                        r'(?: in API group "(?P<group>[^"]*)")?(?: in the namespace "(?P<ns>[^"]*)")?')


def _classify(exc: Exception, conn: Connection, view: Any, last: fwstatus.Readiness | None,
              timeout: float | None) -> errors.PaiError:
    from pai_runtime.kube.client import Cancelled, KubeError, StatusError, TLSFailure, Unreachable

    seen = f"; last seen {last.summary()}" if last is not None and last.total else ""
    if isinstance(exc, Unreachable):
        span = f" for {format_duration(timeout)}" if timeout else ""
        return BarrierTransientError(
            f"Kubernetes API at {conn.server} unreachable{span}: {exc.last_error}{seen}",
            hint=f"check the API server and the network from this node ({conn.source})")
    if isinstance(exc, TLSFailure):
        return BarrierPermanentError(
            f"TLS: the API server {conn.server} is not trusted: {exc}",
            hint=f"check the CA ({conn.verify if isinstance(conn.verify, str) else 'system CAs'}) and the server "
                 "address")
    if isinstance(exc, Cancelled):
        return errors.PaiError("barrier cancelled")
    if isinstance(exc, StatusError):
        if exc.code == 401:
            return BarrierPermanentError(
                f"Unauthorized: {conn.credential()} is not accepted by the API server at {conn.server}",
                hint="the token expired or was revoked, the service account was re-created, or the clocks differ;"
                     " re-create the pod and check its serviceAccountName")
        if exc.code == 403:
            m = _FORBIDDEN.search(exc.message)
            if m:
                ns = f' in namespace "{m["ns"]}"' if m["ns"] else " at cluster scope"
                group = f' (API group "{m["group"]}")' if m["group"] else ""
                return BarrierPermanentError(
                    f'Forbidden: user "{m["user"]}" may not {m["verb"]} "{m["res"]}"{group}{ns}',
                    hint=f'grant get, list and watch on {m["res"]} to this identity (Role + RoleBinding)')
            return BarrierPermanentError(f"Forbidden: {exc.verb} {exc.path}: {exc.message}",
                                         hint="grant get, list and watch on it to this identity")
        if exc.code == 404:
            if exc.details.get("name"):
                return BarrierPermanentError(
                    f"{view.what} not found",
                    hint="the job was deleted, or FC_FRAMEWORK_NAME/FC_FRAMEWORK_NAMESPACE (parameters.name/"
                         "namespace) name another one")
            resource = "frameworks.frameworkcontroller.microsoft.com/v1" if isinstance(view, _FrameworkView) \
                else "pods/v1"
            return BarrierPermanentError(
                f"the API server at {conn.server} does not serve {resource} ({exc.path})",
                hint="is FrameworkController's CRD installed? check the API group, version and namespace"
                if isinstance(view, _FrameworkView) else "check the API server address")
        return BarrierPermanentError(f"the API server refused {exc.verb} {exc.path}: {exc}",
                                     hint="see the API server's message")
    if isinstance(exc, KubeError):
        return BarrierPermanentError(str(exc))
    raise exc


# -- entry point -----------------------------------------------------------------------------
def run(ctx: InitContext, params: dict[str, Any]) -> str:
    env = ctx.environ
    own = {"uid": env.get("FC_POD_UID", "").strip(), "role": env.get("FC_TASKROLE_NAME", "").strip(),
           "index": env.get("FC_TASK_INDEX", "").strip(), "hostname": ""}
    source = params.get("source")
    file_param = params.get("file")
    name = params.get("name") or env.get("FC_FRAMEWORK_NAME", "").strip()
    selector = params.get("selector")
    interval = _seconds(params, "interval", env, "BARRIER_CHECK_INTERVAL_SEC", DEFAULT_INTERVAL) or DEFAULT_INTERVAL
    timeout = _seconds(params, "timeout", env, "BARRIER_CHECK_TIMEOUT_SEC", DEFAULT_TIMEOUT)
    conn: Connection | None = None

    def connect() -> Connection | None:
        try:
            return resolve(env, api_server=params.get("apiServer"), kubeconfig=params.get("kubeconfig"),
                           sa_dir=params.get("serviceAccountDir") or DEFAULT_SA_DIR)
        except ConnectionSetupError as exc:
            raise BarrierPermanentError(exc.message, hint=exc.hint or None) from None

    if source is None:
        if file_param:
            source = "file"
        elif ctx.local:
            raise Skip("local run (pai-runtime up): no gang to wait for (set parameters.file to use a framework.json)")
        else:
            conn = connect()
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
        fw = _wait_file(Path(file_param), own, deadline, report, ctx.cancelled, "barrier parameters.file")
        _publish(ctx, fw, f"file {file_param}")
        r = fwstatus.readiness(fw)
        return f"{r.summary()} (file {file_param})"

    if conn is None:
        conn = connect()
    if conn is None:
        raise ConfigError(f"source {source} needs a Kubernetes API, and none is configured",
                          where="barrier parameters",
                          hint="run in a pod (KUBERNETES_SERVICE_HOST) or give apiServer or kubeconfig")
    namespace = (params.get("namespace") or env.get("FC_FRAMEWORK_NAMESPACE", "").strip() or conn.namespace
                 or "default")
    if source == "frameworkcontroller":
        if not name:
            raise ConfigError("source frameworkcontroller needs the Framework's name", where="barrier parameters",
                              hint="set FC_FRAMEWORK_NAME (FrameworkController does) or parameters.name")
        view: Any = _FrameworkView(namespace, name, own)
    else:
        if not selector:
            raise ConfigError("source pods needs parameters.selector", where="barrier parameters",
                              hint='e.g. selector: "jobset.sigs.k8s.io/jobset-name=my-job"')
        expected = params.get("expected")  # None: the size of the JobSet / Job owning the pods
        own["hostname"] = env.get("HOSTNAME", "").strip()
        own["uid"] = own["uid"] or env.get("POD_UID", "").strip()
        view = _PodsView(namespace, selector, None if expected is None else int(expected), params.get("roleLabel"),
                         own, name or selector)

    from pai_runtime.kube.client import Client

    log = ctx.log if ctx.log is not None else _NullLog()

    def on_wait(reason: str, delay: float) -> None:
        ctx.progress(f"API not available, retrying in {delay:.1f}s", reason=reason)

    client = Client(conn, deadline=deadline, cancelled=ctx.cancelled, on_wait=on_wait)
    log.info("barrier waiting", source=source, target=view.what, server=conn.server, via=conn.source,
             timeout=format_duration(span))
    try:
        try:
            _wait(client, view, interval=interval, report=report, log=log)
        except _Deadline:
            raise _timeout(view.readiness(), timeout) from None
        except errors.PaiError:
            raise
        except Exception as exc:  # noqa: BLE001 - classified into exit codes, re-raised if unknown
            last = None
            try:
                last = view.readiness()
            except Exception:  # noqa: BLE001
                last = None
            raise _classify(exc, conn, view, last, timeout) from None
    finally:
        client.close()
    r = view.readiness()
    report(r, force=True)
    fw = view.result()
    if isinstance(view, _PodsView):
        cur = view.current_task()
        if cur is not None:
            ctx.current_task = cur
    _publish(ctx, fw, view.what)
    stats = {"requests": client.requests_made, "seconds": round(time.monotonic() - start, 3), "tasks": r.total}
    ctx.barrier_stats = stats
    size = f"; gang size {r.total} from {view.expected_from}" if getattr(view, "expected_from", "") else ""
    return f"{r.summary()} after {stats['seconds']:.1f}s ({client.requests_made} API requests){size}"


class _NullLog:
    def info(self, *a: Any, **k: Any) -> None:
        pass

    warning = error = info


def _publish(ctx: InitContext, fw: dict[str, Any], what: str) -> None:
    """framework.json (decompressed) into runtime.d, the object for later plugins, and
    frameworkbarrier's FB_<ROLE>_IPS / FB_<ROLE>_ADDRESSES."""
    from pai_runtime.openpai import env as frameworkenv

    path = ctx.staging / "framework.json"
    tmp = path.with_name(".framework.json.tmp")
    tmp.write_text(json.dumps(fw, indent=1), encoding="utf-8")
    os.replace(tmp, path)
    ctx.framework = fw
    ctx.framework_source = what
    ctx.runtime_env.update(frameworkenv.barrier_env(fw, ctx.environ))

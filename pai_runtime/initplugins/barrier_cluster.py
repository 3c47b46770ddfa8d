"""The barrier's sources that talk to the API server: ``frameworkcontroller`` (GET the
Framework, then watch it by name) and ``pods`` (list + watch by label selector), the gang
ConfigMap (one leader watches, the others read its result), and the classification of
API errors into the barrier's exit codes. See docs/barrier.md and
:mod:`pai_runtime.initplugins.barrier` (the built-in itself, and the ``file`` source).

Why a module of its own: the ``file`` source is the whole barrier of many inits (a
recorded Framework), and it needs none of this; importing it cost every such init its
load (issue 19).
"""

from __future__ import annotations

import threading
import time

from pai_runtime import errors
from pai_runtime.errors import BarrierPermanentError, BarrierTransientError, ConfigError
from pai_runtime.initplugins.barrier import _publish, _seconds, _timeout
from pai_runtime.openpai import framework as fwstatus
from pai_runtime.units import format_duration

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping
    from typing import Any

    from pai_runtime.init.context import InitContext
    from pai_runtime.initplugins.barrier import _Reporter
    from pai_runtime.kube import gang as gangmod
    from pai_runtime.kube.connection import Connection

FC_GROUP = "frameworkcontroller.microsoft.com"
FC_VERSION = "v1"
WATCH_SECONDS = 300  # one watch request lasts at most this long, then it is resumed
DEFAULT_LEADER_TIMEOUT = 60.0  # a follower falls back when the gang ConfigMap is silent this long
DEFAULT_FALLBACK_JITTER = 30.0  # ... after a random wait of up to this, so N followers do not list at once


def connect(env: Mapping[str, str], params: Mapping[str, Any]) -> Connection | None:
    """The API server to talk to (service account, kubeconfig or ``apiServer``); None
    when there is none here."""
    from pai_runtime.kube.connection import DEFAULT_SA_DIR, ConnectionSetupError, resolve

    try:
        return resolve(env, api_server=params.get("apiServer"), kubeconfig=params.get("kubeconfig"),
                       sa_dir=params.get("serviceAccountDir") or DEFAULT_SA_DIR)
    except ConnectionSetupError as exc:
        raise BarrierPermanentError(exc.message, hint=exc.hint or None) from None


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
        self.owner_obj: tuple[Any, dict[str, Any]] | None = None

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
        from pai_runtime.kube import pods as podsmod
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
            obj = client.get(found.path)
            self.owner_obj = (found, obj)
            self.expected = ownermod.expected_pods(found, obj)
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
        from pai_runtime.kube import pods as podsmod

        uid, hostname = self.own.get("uid", ""), self.own.get("hostname", "")
        if not (uid or hostname):
            return []
        return [p for p in podsmod.live(list(self.pods.values()))
                if (uid and (p.get("metadata") or {}).get("uid") == uid)
                or (hostname and (p.get("metadata") or {}).get("name") == hostname)]

    def owner_ref(self, client: Any) -> gangmod.Owner | None:
        """The JobSet / Job owning the pods, for the gang ConfigMap's ownerReferences
        (read once; None for pods of neither, or when it cannot be read)."""
        from pai_runtime.kube import gang as gangmod
        from pai_runtime.kube import owner as ownermod
        from pai_runtime.kube import pods as podsmod
        from pai_runtime.kube.client import StatusError

        if self.owner_obj is None:
            pods = self._mine() or podsmod.live(list(self.pods.values()))
            found = ownermod.owner_of(pods[0], self.namespace) if pods else None
            if found is None:
                return None
            try:
                self.owner_obj = (found, client.get(found.path))
            except StatusError:
                return None
        found, obj = self.owner_obj
        uid = (obj.get("metadata") or {}).get("uid")
        api = {"JobSet": "jobset.x-k8s.io/v1alpha2", "Job": "batch/v1"}.get(found.kind, "v1")
        return gangmod.Owner(api, found.kind, found.name, str(uid)) if uid else None

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
        from pai_runtime.kube import pods as podsmod

        if self.expected is None:
            r = podsmod.readiness(list(self.pods.values()), 0)
            r.stale = "no pod of the job is visible yet to read the gang size from its JobSet or Job"
            return r
        r = podsmod.readiness(list(self.pods.values()), self.expected)
        if (self.own.get("uid") or self.own.get("hostname")) and not self._mine():
            r.stale = f"this pod ({self.own.get('uid') or self.own.get('hostname')}) is not among the selected pods"
        return r

    def result(self) -> dict[str, Any]:
        from pai_runtime.kube import pods as podsmod

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
def _wait(client: Any, view: Any, *, interval: float, report: Any, log: Any, loaded_rv: str | None = None) -> None:
    """GET/list, then watch from its resourceVersion until ready. Raises
    :class:`_Deadline` at the deadline, kube errors as they come. ``loaded_rv``: the
    view was just loaded at that resourceVersion (do not read it again)."""
    from pai_runtime.kube.client import StatusError, WatchBroken

    rv = loaded_rv or ""
    need_load = loaded_rv is None
    if not need_load:
        r = view.readiness()
        report(r)
        if r.passed:
            return
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
            client.sleep(client.backoff(broken - 1))
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


# -- the gang ConfigMap: one leader watches, the others read its result -------------------------
class _Share:
    """How this task takes part in the gang ConfigMap (see docs/barrier.md "At scale")."""

    __slots__ = ("mode", "key", "name", "namespace", "job", "leader", "own_index", "own_role", "leader_timeout",
                 "jitter", "me")

    def __init__(self, *, mode: str, key: str, name: str, namespace: str, job: str, leader: bool | None,
                 own_index: str, own_role: str, leader_timeout: float, jitter: float, me: str = "") -> None:
        self.mode = mode  # addresses | count
        self.key = key
        self.name = name
        self.namespace = namespace
        self.job = job
        self.leader = leader  # None: by the rule (index 0 of the first role)
        self.own_index = own_index
        self.own_role = own_role
        self.leader_timeout = leader_timeout
        self.jitter = jitter
        self.me = me

    @property
    def collection(self) -> str:
        return f"/api/v1/namespaces/{self.namespace}/configmaps"

    @property
    def path(self) -> str:
        return f"{self.collection}/{self.name}"

    @property
    def what(self) -> str:
        return f'gang ConfigMap "{self.namespace}/{self.name}"'

    @property
    def heartbeat(self) -> float:
        return max(0.5, self.leader_timeout / 4)


def _share_settings(params: Mapping[str, Any], env: Mapping[str, str], source: str, job: str,
                    selector: str, namespace: str) -> _Share | None:
    """The gang ConfigMap settings, or None for the direct path (every task watches)."""
    from pai_runtime.kube import gang as gangmod

    mode = params.get("share")
    if mode == "off":
        return None
    where = "barrier parameters"
    if source == "frameworkcontroller":
        key = params.get("gangKey") or env.get("FC_FRAMEWORK_ATTEMPT_INSTANCE_UID", "").strip()
        key_hint = "FrameworkController sets FC_FRAMEWORK_ATTEMPT_INSTANCE_UID in every pod; or set parameters.gangKey"
    else:
        key = params.get("gangKey") or env.get("PAI_GANG_KEY", "").strip()
        key_hint = ("give every pod of the job the same PAI_GANG_KEY, unique per job attempt (e.g. the JobSet's "
                    "jobset.sigs.k8s.io/jobset-uid label and restart-attempt through the downward API), "
                    "or set parameters.gangKey")
    if not key:
        if mode:
            raise ConfigError(f"share: {mode} needs the gang's key", where=where, hint=key_hint)
        return None
    index = (env.get("FC_TASK_INDEX", "") or env.get("JOB_COMPLETION_INDEX", "")).strip()
    leader = params.get("leader")
    if leader is None and not index.isdigit():
        if mode:
            raise ConfigError(f"share: {mode} cannot tell the leader: FC_TASK_INDEX (or JOB_COMPLETION_INDEX) is "
                              f"{index or 'unset'}", where=where, hint="set parameters.leader: true on one task")
        return None
    timeout = _seconds(params, "leaderTimeout", env, "", DEFAULT_LEADER_TIMEOUT) or DEFAULT_LEADER_TIMEOUT
    jitter = _seconds(params, "fallbackJitter", env, "", DEFAULT_FALLBACK_JITTER) or DEFAULT_FALLBACK_JITTER
    cm_name = params.get("configMap") or gangmod.configmap_name(job, selector)
    return _Share(mode=mode or "addresses", key=key, name=cm_name, namespace=namespace, job=job, leader=leader,
                  own_index=index, own_role=env.get("FC_TASKROLE_NAME", "").strip(), leader_timeout=timeout,
                  jitter=jitter,
                  me=(env.get("FC_POD_NAME", "") or env.get("HOSTNAME", "")).strip()
                  or f"{env.get('FC_TASKROLE_NAME', '').strip()}-{index}")


def _first_role(view: Any, share: _Share) -> bool:
    """Whether this task's role is the first one (the leader is index 0 of it)."""
    from pai_runtime.kube import pods as podsmod

    if isinstance(view, _FrameworkView):
        roles = [r for r, _ in fwstatus.spec_roles(view.obj or {})]
        return not roles or not share.own_role or share.own_role == roles[0]
    pods = podsmod.live(list(view.pods.values()))
    roles = sorted({podsmod.role_of(p, view.role_label) for p in pods})
    mine = view._mine()
    own = share.own_role or (podsmod.role_of(mine[0], view.role_label) if mine else "")
    return not roles or not own or own == roles[0]


class _Publisher:
    """The leader's side: create the ConfigMap (state waiting), renew it every heartbeat
    from a thread of its own (followers read silence as a dead leader), write the result
    once complete. A refused write (RBAC) is one warning: the followers then fall back."""

    def __init__(self, conn: Connection, share: _Share, owner: gangmod.Owner | None, leader: str, log: Any,
                 deadline: float, cancelled: threading.Event) -> None:
        from pai_runtime.kube.client import Client

        self.share, self.owner, self.leader, self.log = share, owner, leader, log
        self.client = Client(conn, deadline=deadline, cancelled=cancelled)
        self.rv = ""
        self.disabled = False
        self.counts = (0, 0)
        self.lock = threading.Lock()
        self.stopped = threading.Event()
        self.cancelled = cancelled
        self.thread: threading.Thread | None = None

    def start(self, ready: int, total: int) -> None:
        self.counts = (ready, total)
        self.write("waiting")
        if not self.disabled:
            self.thread = threading.Thread(target=self._renew, name="barrier-gang-heartbeat", daemon=True)
            self.thread.start()

    def _renew(self) -> None:
        from pai_runtime.kube.client import KubeError

        while not self.stopped.wait(self.share.heartbeat):
            if self.cancelled.is_set():
                return
            try:
                self.write("waiting")
            except KubeError:
                return

    def stop(self) -> None:
        self.stopped.set()
        if self.thread is not None:
            self.thread.join(10)

    def write(self, state: str, fw: dict[str, Any] | None = None) -> None:
        from pai_runtime.kube import gang as gangmod
        from pai_runtime.kube.client import Cancelled, KubeError, StatusError

        with self.lock:
            if self.disabled:
                return
            sh = self.share
            for _ in range(4):
                cm = gangmod.build(name=sh.name, namespace=sh.namespace, key=sh.key, leader=self.leader, state=state,
                                   ready=self.counts[0], total=self.counts[1], owner=self.owner, job=sh.job, fw=fw,
                                   count_only=sh.mode == "count", resource_version=self.rv)
                try:
                    out = self.client.replace(sh.path, cm) if self.rv else self.client.create(sh.collection, cm)
                    self.rv = str((out.get("metadata") or {}).get("resourceVersion") or "")
                    return
                except StatusError as exc:
                    if exc.code == 409:  # there already (a previous attempt's, another candidate's): take it over
                        try:
                            self.rv = str((self.client.get(sh.path).get("metadata") or {}).get("resourceVersion") or "")
                        except StatusError as again:
                            if again.code != 404:
                                raise
                            self.rv = ""
                        continue
                    if exc.code == 404 and self.rv:  # deleted under us: create it again
                        self.rv = ""
                        continue
                    self.disabled = True
                    self.log.warning("the barrier cannot publish the gang ConfigMap; the other tasks will wait on "
                                     "the job directly after leaderTimeout", configmap=sh.what, error=str(exc),
                                     hint="grant create and update on configmaps to the leader's service account")
                    return
                except Cancelled:
                    raise
                except KubeError as exc:
                    self.log.warning("the gang ConfigMap could not be written", configmap=sh.what, error=str(exc))
                    return
                except gangmod.GangFormatError as exc:
                    self.disabled = True
                    self.log.warning("the gang does not fit a ConfigMap; the other tasks wait on the job directly",
                                     error=str(exc), hint="use share: count when peers use DNS names")
                    return


def _follow(client: Any, share: _Share, *, interval: float, report: Any, log: Any) -> gangmod.Gang | None:
    """Read and watch the gang ConfigMap until the leader says ready. ``None``: fall back
    to the direct path (the leader was silent for leaderTimeout, then a random wait of up
    to fallbackJitter passed without news; or this task may not read ConfigMaps)."""
    import math
    import random

    from pai_runtime.kube import gang as gangmod
    from pai_runtime.kube.client import StatusError, WatchBroken

    silent_until = time.monotonic() + share.leader_timeout
    fallback_at: float | None = None
    rv = ""
    need_get = True
    broken = quick = 0
    last_version = [""]

    def seen(obj: dict[str, Any]) -> gangmod.Gang | None:
        nonlocal silent_until, fallback_at
        try:
            g = gangmod.read(obj, share.key)
        except gangmod.GangFormatError as exc:
            log.warning("the gang ConfigMap cannot be read; waiting for the leader to rewrite it",
                        configmap=share.what, error=str(exc))
            return None
        version = str((obj.get("metadata") or {}).get("resourceVersion") or "")
        if g is not None and version != last_version[0]:  # a new write (heartbeat): the leader lives
            last_version[0] = version
            silent_until, fallback_at = time.monotonic() + share.leader_timeout, None
            report(fwstatus.Readiness(g.total, g.ready))
        return g

    while True:
        if need_get:
            need_get = False
            try:
                obj = client.get(share.path, {"resourceVersion": "0"})
                rv = str((obj.get("metadata") or {}).get("resourceVersion") or "")
                g = seen(obj)
                if g is not None and g.passed:
                    return g
            except StatusError as exc:
                if exc.code == 403:
                    log.warning("this task may not read the gang ConfigMap: waiting on the job directly",
                                configmap=share.what, reason=exc.message,
                                hint="grant get and watch on configmaps to the tasks' service account")
                    return None
                if exc.code != 404:
                    raise
                rv = ""  # not written yet: a watch without a version starts with it when it appears
        now = time.monotonic()
        if client.left() <= 0:
            raise _Deadline()
        if fallback_at is None and now >= silent_until:
            fallback_at = now + random.uniform(0, share.jitter)
            log.info("the gang's leader is silent; waiting on the job directly soon", configmap=share.what,
                     silent=f"{share.leader_timeout:g}s", after=f"{fallback_at - now:.1f}s")
        if fallback_at is not None:
            if now < fallback_at:
                # sleep to the exact moment (a watch ends on whole seconds, which would bunch
                # the followers up again), then one last look at the ConfigMap
                client.sleep(fallback_at - now)
                need_get = True
                continue
            return None
        until = silent_until
        seconds = max(1, min(WATCH_SECONDS, math.ceil(until - now), math.ceil(client.left())))
        params = {"fieldSelector": f"metadata.name={share.name}", "allowWatchBookmarks": "true"}
        if rv:
            params["resourceVersion"] = rv
        started, events = time.monotonic(), 0
        try:
            for ev in client.watch(share.collection, params, timeout_seconds=seconds):
                events += 1
                obj = ev.get("object") or {}
                rv = str((obj.get("metadata") or {}).get("resourceVersion") or "") or rv
                if ev.get("type") in ("ADDED", "MODIFIED"):
                    g = seen(obj)
                    if g is not None and g.passed:
                        return g
                if time.monotonic() >= silent_until:
                    break
        except StatusError as exc:
            if exc.code == 410:
                need_get = True
                continue
            if exc.code in (403, 405):
                client.sleep(min(interval, max(0.0, until - time.monotonic())) or 0.5)
                need_get = True
                continue
            raise
        except WatchBroken:
            broken += 1
            client.sleep(client.backoff(broken - 1))
            continue
        broken = 0
        if events == 0 and time.monotonic() - started < 1.0:
            quick += 1
            client.sleep(min(interval, 0.25 * 2 ** (quick - 1)))
        else:
            quick = 0


def _owner(view: Any, client: Any) -> gangmod.Owner | None:
    """The job object the ConfigMap belongs to (garbage-collected with it)."""
    from pai_runtime.kube import gang as gangmod

    if isinstance(view, _FrameworkView):
        meta = (view.obj or {}).get("metadata") or {}
        if meta.get("uid"):
            return gangmod.Owner(f"{FC_GROUP}/{FC_VERSION}", "Framework", view.name, str(meta["uid"]))
        return None
    return view.owner_ref(client)


def _gang(ctx: Any, client: Any, conn: Connection, view: Any, share: _Share, *, interval: float, report: _Reporter,
          log: Any, deadline: float) -> tuple[str, gangmod.Gang | None]:
    """Leader or follower. Returns (role, the gang read from the ConfigMap or None when
    this task waited on the job itself: the leader, or a follower that fell back)."""
    loaded: str | None = None
    leader = bool(share.leader)
    if share.leader is None and share.own_index == "0":
        loaded = view.load(client)  # index 0 of some role: the first role's is the leader
        leader = _first_role(view, share)
    if leader:
        pub = _Publisher(conn, share, _owner(view, client) if loaded is not None else None, share.me, log, deadline,
                         ctx.cancelled)
        if loaded is None:
            loaded = view.load(client)
            pub.owner = _owner(view, client)
        r0 = view.readiness()
        pub.start(r0.ready, r0.total)

        def report_and_count(r: fwstatus.Readiness, **kw: Any) -> None:
            pub.counts = (r.ready, r.total)
            report(r, **kw)

        try:
            _wait(client, view, interval=interval, report=report_and_count, log=log, loaded_rv=loaded)
        finally:
            pub.stop()
        r = view.readiness()
        pub.counts = (r.ready, r.total)
        pub.write("ready", view.result())
        return "leader", None
    got = _follow(client, share, interval=interval, report=report, log=log)
    if got is not None:
        return "follower", got
    _wait(client, view, interval=interval, report=report, log=log)
    return "fallback", None


# -- error classification ---------------------------------------------------------------------
_FORBIDDEN = (r'User "(?P<user>[^"]*)" cannot (?P<verb>\S+) resource "(?P<res>[^"]*)"'
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
            import re

            m = re.search(_FORBIDDEN, exc.message)
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


# -- entry point (from barrier.run) -------------------------------------------------------------
def wait(ctx: InitContext, params: dict[str, Any], *, source: str, conn: Connection | None, own: dict[str, str],
         name: str, selector: str | None, interval: float, timeout: float | None, span: float, deadline: float,
         start: float, report: _Reporter) -> str:
    """The ``frameworkcontroller`` and ``pods`` sources: wait until the gang is complete,
    publish its Framework; returns the barrier's summary line."""
    env = ctx.environ
    if conn is None:
        conn = connect(env, params)
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

    job = name if source == "frameworkcontroller" else (params.get("name") or "")
    share = _share_settings(params, env, source, job, selector or "", namespace)
    client = Client(conn, deadline=deadline, cancelled=ctx.cancelled, on_wait=on_wait)
    log.info("barrier waiting", source=source, target=view.what, server=conn.server, via=conn.source,
             timeout=format_duration(span), **({"gang": share.what} if share is not None else {}))
    role, got = "direct", None
    try:
        try:
            if share is None:
                _wait(client, view, interval=interval, report=report, log=log)
            else:
                role, got = _gang(ctx, client, conn, view, share, interval=interval, report=report, log=log,
                                  deadline=deadline)
        except _Deadline:
            seen = view.readiness()
            if seen.total == 0 and report.last is not None:  # a follower: what the gang ConfigMap said
                seen = report.last
            raise _timeout(seen, timeout) from None
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
    stats: dict[str, Any]
    if got is not None:
        assert share is not None
        r = fwstatus.Readiness(got.total, got.ready)
        report(r, force=True)
        from pai_runtime.kube import gang as gangmod

        fw = got.framework or gangmod.counts_framework(name or share.name, namespace, [])
        _publish(ctx, fw, f"{share.what} (leader {got.leader or '?'})")
        stats = {"requests": client.requests_made, "seconds": round(time.monotonic() - start, 3), "tasks": r.total,
                 "role": role}
        ctx.barrier_stats = stats
        return (f"{r.summary()} after {stats['seconds']:.1f}s ({client.requests_made} API requests; "
                f"from the {share.what}, leader {got.leader or '?'})")
    r = view.readiness()
    report(r, force=True)
    fw = view.result()
    if isinstance(view, _PodsView):
        cur = view.current_task()
        if cur is not None:
            ctx.current_task = cur
    _publish(ctx, fw, view.what)
    stats = {"requests": client.requests_made, "seconds": round(time.monotonic() - start, 3), "tasks": r.total,
             "role": role}
    ctx.barrier_stats = stats
    size = f"; gang size {r.total} from {view.expected_from}" if getattr(view, "expected_from", "") else ""
    how = {"leader": f"; published as the {share.what if share else ''}",
           "fallback": "; the gang's leader was silent, waited on the job directly"}.get(role, "")
    return f"{r.summary()} after {stats['seconds']:.1f}s ({client.requests_made} API requests){size}{how}"


class _NullLog:
    def info(self, *a: Any, **k: Any) -> None:
        pass

    warning = error = info

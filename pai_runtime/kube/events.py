"""Kubernetes Events (events.k8s.io/v1) about the pod we run in.

Why: ``kubectl describe pod`` is where an operator looks first, and without an Event it
shows only "Init:Error" or an exit code. Init posts one for a failed init and for a slow
step (the barrier still waiting, the image check throttled); the job container posts one
with the final diagnosis. Reason = the exit spec phrase, note = the one-line reason.

Best effort by contract: an Event never fails a job and never holds it up. Every post
has a deadline (:data:`DEFAULT_DEADLINE` seconds, one retry on 429/5xx/connection
errors inside it, waiting as the one HTTP retry policy says, :mod:`pai_runtime.http`:
``Retry-After``, else backoff); a refusal (403: the service account may not create
Events) or any other failure is one warning line, after which this recorder posts
nothing more. Stdlib only (``http.client`` + ``ssl``, and ``pai_runtime.http``'s
stdlib parts, imported only to retry): the job container (PID 1, any image) posts too.

The object is the one client-go's ``tools/events`` recorder sends: ``regarding`` (the
pod: kind, namespace, name, uid), ``reason``, ``note``, ``type``, ``action``,
``reportingController`` ``pai-runtime``, ``reportingInstance`` ``POD/CONTAINER``,
``eventTime`` in microseconds; a repeat of the same (reason, action, note) by the same
recorder is a PATCH of ``series`` (``count``, ``lastObservedTime``), as client-go does.

The pod: ``PAI_POD_NAME`` (downward API ``metadata.name``), else FrameworkController's
``FC_POD_NAME`` (not ``HOSTNAME``: an Indexed Job's pods are named apart from their
hostnames); ``PAI_POD_NAMESPACE``, else ``FC_FRAMEWORK_NAMESPACE``, else the service
account's namespace; uid ``PAI_POD_UID`` or ``FC_POD_UID``. The API server: as for the
barrier (``pai_runtime.kube.connection.resolve``: ``KUBECONFIG``, in-cluster, ...).
``PAI_EVENTS=0`` turns Events off. No cluster (``up`` on a laptop): nothing is posted.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Callable, Mapping
from typing import Any

API = "events.k8s.io/v1"
CONTROLLER = "pai-runtime"
DEFAULT_DEADLINE = 5.0
#: kube-apiserver's limits for an events.k8s.io/v1 Event (bytes, as Go's len())
NOTE_LIMIT = 1024
FIELD_LIMIT = 128
NAME_LIMIT = 253
RETRYABLE = {429, 500, 502, 503, 504}


def _micro_time(t: float | None = None) -> str:
    """metav1.MicroTime: RFC 3339 in UTC with six fraction digits."""
    t = time.time() if t is None else t
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + f".{int((t % 1) * 1e6):06d}Z"


def _cut(text: str, limit: int) -> str:
    """At most ``limit`` UTF-8 bytes, cut on a character boundary."""
    raw = text.encode("utf-8", "replace")
    if len(raw) <= limit:
        return text
    return raw[: limit - 3].decode("utf-8", "ignore") + "..."


def _stderr_warning(line: str) -> None:
    try:
        sys.stderr.write(f"pai-runtime: warning: {line}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


class EventRecorder:
    """Posts Events about one pod from one container. Build it with :func:`recorder`."""

    def __init__(self, conn: Any, *, pod: str, namespace: str, uid: str | None, container: str, action: str,
                 warn: Callable[[str], None] | None = None, deadline: float = DEFAULT_DEADLINE) -> None:
        self.conn = conn
        self.pod = pod
        self.namespace = namespace
        self.uid = uid
        self.container = container
        self.action = _cut(action, FIELD_LIMIT)
        self.warn = warn or _stderr_warning
        self.deadline = deadline
        self.disabled = False
        self.posted: list[dict[str, Any]] = []
        self._series: dict[tuple[str, str, str], tuple[str, int]] = {}

    # -- the object ----------------------------------------------------------------------
    def _event(self, reason: str, note: str, type_: str, now: float) -> dict[str, Any]:
        regarding: dict[str, Any] = {"apiVersion": "v1", "kind": "Pod", "namespace": self.namespace,
                                     "name": self.pod}
        if self.uid:
            regarding["uid"] = self.uid
            regarding["fieldPath"] = f"spec.{'initContainers' if self.action == 'Init' else 'containers'}" \
                                     f"{{{self.container}}}"
        stamp = f"{int(now * 1e9):x}"
        name = f"{self.pod[: NAME_LIMIT - len(stamp) - 1]}.{stamp}"
        return {"apiVersion": API, "kind": "Event",
                "metadata": {"name": name, "namespace": self.namespace},
                "eventTime": _micro_time(now), "regarding": regarding,
                "reason": _cut(reason, FIELD_LIMIT), "note": _cut(note, NOTE_LIMIT), "type": type_,
                "action": self.action, "reportingController": CONTROLLER,
                "reportingInstance": _cut(f"{self.pod}/{self.container}", FIELD_LIMIT)}

    # -- posting -------------------------------------------------------------------------
    def post(self, reason: str, note: str, *, warning: bool = True) -> bool:
        """Post (or count a repeat of) one Event; ``True`` when the API server took it."""
        if self.disabled:
            return False
        now = time.time()
        ev = self._event(reason, note, "Warning" if warning else "Normal", now)
        key = (ev["reason"], ev["action"], ev["note"])
        end = time.monotonic() + self.deadline
        base = f"/apis/{API}/namespaces/{self.namespace}/events"
        seen = self._series.get(key)
        if seen is not None:
            name, count = seen
            patch = {"series": {"count": count + 1, "lastObservedTime": _micro_time(now)}}
            code, body = self._call("PATCH", f"{base}/{name}", patch, end)
            if 200 <= code < 300:
                self._series[key] = (name, count + 1)
                self.posted.append(body)
                return True
            if code != 404:  # 404: the Event expired (1 h TTL): post a new one
                return self._failed(code, body, "patch")
        code, body = self._call("POST", base, ev, end)
        if 200 <= code < 300:
            self._series[key] = (ev["metadata"]["name"], 1)
            self.posted.append(body)
            return True
        return self._failed(code, body, "create")

    def _failed(self, code: int, body: Any, verb: str) -> bool:
        self.disabled = True
        message = body.get("message") if isinstance(body, dict) else None
        what = message or (f"HTTP {code}" if code else str(body))
        hint = ("grant the pod's service account create and patch on events.k8s.io events "
                "(build/k8s/rbac.yaml, Role pai-runtime-events)") if code == 403 else "the job goes on without them"
        self.warn(f"cannot {verb} Kubernetes Events on pod {self.namespace}/{self.pod}: {what} ({hint})")
        return False

    def _call(self, method: str, path: str, body: dict[str, Any], end: float) -> tuple[int, Any]:
        """One request with a retry inside the deadline: (HTTP status or 0, parsed body or error text).

        The wait is the one HTTP retry policy's (:mod:`pai_runtime.http`, stdlib only):
        a 429's ``Retry-After`` header, else its Status body's ``details.retryAfterSeconds``,
        else full-jitter backoff; an unusable value (negative, not a number, ``details`` not
        an object) is one warning line and the backoff, never an exception."""
        from pai_runtime import http

        last: tuple[int, Any] = (0, "no attempt")
        for attempt in range(2):
            left = end - time.monotonic()
            if left <= 0.05:
                return last if attempt else (0, f"deadline of {self.deadline:g}s passed")
            code, data, headers = self._once(method, path, body, left)
            last = (code, data)
            if code not in RETRYABLE and code != 0:
                return last
            wait = http.backoff(attempt, base=0.2, cap=1.0)
            if code == 429:
                told = http.retry_after(headers, data)
                if told is not None:
                    wait = told
                elif self._unusable_retry_after(headers, data):
                    self.warn(f"Kubernetes API server {self.conn.server} answered 429 with an unusable "
                              f"Retry-After ({self._unusable_retry_after(headers, data)}); backing off "
                              f"{wait:.1f}s instead (a proxy or API server bug: report it to its operator)")
            if time.monotonic() + wait >= end - 0.05:
                return last
            time.sleep(wait)
        return last

    @staticmethod
    def _unusable_retry_after(headers: Any, data: Any) -> str:
        """What in a 429 answer gave a wait that cannot be used ("" when none was given)."""
        value = headers.get("Retry-After") if headers is not None else None
        if value is not None:
            return f"header {value[:40]!r}"
        if isinstance(data, dict) and "details" in data:
            details = data["details"]
            if not isinstance(details, dict):
                return f"details {str(details)[:40]!r} is not an object"
            if "retryAfterSeconds" in details:
                return f"details.retryAfterSeconds {str(details['retryAfterSeconds'])[:40]!r}"
        return ""

    def _once(self, method: str, path: str, body: dict[str, Any], timeout: float) -> tuple[int, Any, Any]:
        """One request: (status or 0, parsed body or error text, response headers or None)."""
        import http.client
        import ssl
        from urllib.parse import urlsplit

        url = urlsplit(self.conn.server)
        try:
            token = self.conn.token()
        except Exception as exc:  # noqa: BLE001 - ConnectionSetupError: an unreadable token is a finding
            return 0, str(getattr(exc, "message", exc)), None
        headers = {"Accept": "application/json", "User-Agent": "pai-runtime-events",
                   "Content-Type": "application/strategic-merge-patch+json" if method == "PATCH"
                   else "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        try:
            if url.scheme == "https":
                verify = self.conn.verify
                if verify is False:
                    ctx = ssl._create_unverified_context()  # noqa: S323 - the operator's insecure-skip-tls-verify
                else:
                    ctx = ssl.create_default_context(cafile=verify if isinstance(verify, str) else None)
                if self.conn.client_cert:
                    ctx.load_cert_chain(*self.conn.client_cert)
                c: http.client.HTTPConnection = http.client.HTTPSConnection(url.hostname or "", url.port or 443,
                                                                            context=ctx, timeout=timeout)
            else:
                c = http.client.HTTPConnection(url.hostname or "", url.port or 80, timeout=timeout)
            try:
                c.request(method, url.path.rstrip("/") + path, body=json.dumps(body).encode(), headers=headers)
                resp = c.getresponse()
                raw = resp.read(1 << 20)
            finally:
                c.close()
        except (OSError, http.client.HTTPException, ssl.SSLError) as exc:
            return 0, f"{self.conn.server}: {exc.__class__.__name__}: {exc}", None
        try:
            data: Any = json.loads(raw) if raw else {}
        except ValueError:
            data = raw[:200].decode("utf-8", "replace")
        return resp.status, data, resp.headers


def recorder(container: str, action: str, *, environ: Mapping[str, str] | None = None,
             warn: Callable[[str], None] | None = None, deadline: float = DEFAULT_DEADLINE) -> EventRecorder | None:
    """A recorder for this pod, or ``None`` where Events cannot be posted (no cluster, no
    pod name, ``PAI_EVENTS=0``): callers then post nothing and say nothing."""
    env = os.environ if environ is None else environ
    if env.get("PAI_EVENTS", "").strip().lower() in ("0", "false", "no", "off"):
        return None
    pod = (env.get("PAI_POD_NAME") or env.get("FC_POD_NAME") or "").strip()
    if not pod:
        return None
    from pai_runtime.kube.connection import ConnectionSetupError, resolve

    try:
        conn = resolve(env)
    except ConnectionSetupError as exc:
        (warn or _stderr_warning)(f"no Kubernetes Events: {exc.message}")
        return None
    except Exception as exc:  # noqa: BLE001 - a broken kubeconfig must not fail the job here
        (warn or _stderr_warning)(f"no Kubernetes Events: {exc}")
        return None
    if conn is None:
        return None
    namespace = (env.get("PAI_POD_NAMESPACE") or env.get("FC_FRAMEWORK_NAMESPACE") or conn.namespace
                 or "default").strip()
    uid = (env.get("PAI_POD_UID") or env.get("FC_POD_UID") or "").strip() or None
    return EventRecorder(conn, pod=pod, namespace=namespace, uid=uid, container=container, action=action,
                         warn=warn, deadline=deadline)


# -- what the two containers post ---------------------------------------------------------
def _unquote(text: str) -> str:
    """A YAML double-quoted scalar as the termination message writes it (JSON escapes
    plus ``\\xNN``)."""
    import re

    body = re.sub(r"\\x([0-9a-fA-F]{2})", r"\\u00\1", text)
    body = re.sub(r"\\U([0-9a-fA-F]{8})", lambda m: chr(int(m.group(1), 16)), body)  # only >= U+10000
    try:
        value = json.loads(body)
    except ValueError:
        return text.strip('"')
    return value if isinstance(value, str) else text


def diagnosis(message: bytes) -> tuple[str | None, str | None]:
    """(phrase, reason) from a termination message (exit info between the markers)."""
    text = message.decode("utf-8", "replace")
    fields: dict[str, str] = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.startswith((" ", "[")) or ": " not in line:
            continue
        key, _, value = line.partition(": ")
        if key not in ("phrase", "reason") or key in fields:
            continue
        if value.startswith("|"):
            block = []
            for nxt in lines[i + 1:]:
                if nxt and not nxt.startswith(" "):
                    break
                block.append(nxt.strip())
            value = " ".join(b for b in block if b)
        elif value.startswith('"'):
            value = _unquote(value)
        fields[key] = value
    return fields.get("phrase"), fields.get("reason")


def post_init_failure(code: int, phrase: str, failure: str, *, environ: Mapping[str, str] | None = None,
                      warn: Callable[[str], None] | None = None) -> None:
    """The Event of a failed init: reason = the init code's phrase, note = the one-line
    reason (already scrubbed of secrets by the caller)."""
    rec = recorder("pai-init", "Init", environ=environ, warn=warn)
    if rec is not None:
        rec.post(phrase, f"init exited {code}: {failure}")


def post_job_diagnosis(code: int, message_file: Any, *, environ: Mapping[str, str] | None = None,
                       warn: Callable[[str], None] | None = None) -> None:
    """The Event of a failed job container: the phrase and reason of the termination
    message just written (so the Event says exactly what the message says)."""
    if code == 0:
        return
    rec = recorder("job", "Run", environ=environ, warn=warn)
    if rec is None:
        return
    try:
        with open(message_file, "rb") as f:
            phrase, reason = diagnosis(f.read(8192))
    except OSError:
        phrase, reason = None, None
    note = f"exited {code}" + (f": {reason}" if reason else "")
    rec.post(phrase or f"ExitCode{code}", note)

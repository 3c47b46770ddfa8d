"""events.k8s.io/v1 Events for the test API server (tests/rigs/kube_apiserver.py): create
(POST) and patch (PATCH, strategic-merge or JSON merge patch) of Events, with the checks
kube-apiserver makes and its real answers.

Kept apart from kube_apiserver.py (which serves reads) so the write path stays in one
place. Shaped after kube-apiserver:

* RBAC verbs ``create`` (POST) and ``patch`` (PATCH); a refusal is the real 403 Status
  (``events.events.k8s.io is forbidden: User "u" cannot create resource "events" in API
  group "events.k8s.io" in the namespace "n"``);
* the strict validation events.k8s.io/v1 applies to a new Event
  (``pkg/apis/core/validation/events.go``: ``eventTime``, ``reportingController`` as a
  qualified name, ``reportingInstance``/``action``/``reason`` required and at most 128
  characters, ``note`` at most 1 KiB, ``type`` Normal or Warning, ``series.count`` >= 2
  with ``lastObservedTime``, deprecated fields unset), answered as a 422 ``Invalid``
  Status with ``details.causes``;
* 409 ``AlreadyExists``, 404 ``NotFound`` for a patch of a missing Event, 400 for a
  namespace mismatch, 415 for a patch type it does not take;
* the stored object gets uid, resourceVersion, creationTimestamp and the deprecated
  fields the v1 view shows (``deprecatedSource: {}``, null timestamps), and is listed,
  got and watched like any other resource.
"""

from __future__ import annotations

import copy
import json
import re
import socket
import ssl
import time
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

if TYPE_CHECKING:
    from tests.rigs.kube_apiserver import _Handler

GROUP = "events.k8s.io"
VERSION = "v1"
MAX_BODY = 3 * 1024 * 1024  # kube-apiserver's request body limit
LIMIT = 128
NOTE_LIMIT = 1024
_QUALIFIED = re.compile(r"^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$")
_DNS1123_SUB = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$")
PATCH_TYPES = ("application/strategic-merge-patch+json", "application/merge-patch+json")


def _route(path: str) -> tuple[str, str | None] | None:
    """(namespace, name) of an events.k8s.io/v1 path."""
    parts = path.strip("/").split("/")
    if parts[:3] != ["apis", GROUP, VERSION] or len(parts) not in (6, 7) or parts[3] != "namespaces" \
            or parts[5] != "events":
        return None
    return parts[4], (parts[6] if len(parts) == 7 else None)


def _required(field: str) -> dict[str, str]:
    return {"reason": "FieldValueRequired", "message": "Required value", "field": field}


def _invalid(field: str, value: Any, detail: str) -> dict[str, str]:
    return {"reason": "FieldValueInvalid", "message": f"Invalid value: {json.dumps(value)}: {detail}",
            "field": field}


def _qualified_name(value: str, field: str) -> list[dict[str, str]]:
    prefix, _, name = value.rpartition("/")
    errs = []
    if prefix and (len(prefix) > 253 or not _DNS1123_SUB.match(prefix)):
        errs.append(_invalid(field, value, "prefix part a lowercase RFC 1123 subdomain must consist of lower case "
                                           "alphanumeric characters, '-' or '.', and must start and end with an "
                                           "alphanumeric character"))
    if not name or len(name) > 63 or not _QUALIFIED.match(name):
        errs.append(_invalid(field, value, "name part must consist of alphanumeric characters, '-', '_' or '.', "
                                           "and must start and end with an alphanumeric character"))
    return errs


def validate(ev: dict[str, Any], namespace: str) -> list[dict[str, str]]:
    """The causes kube-apiserver gives for an events.k8s.io/v1 Event (empty: valid)."""
    causes: list[dict[str, str]] = []
    meta = ev.get("metadata") or {}
    if not meta.get("name") and not meta.get("generateName"):
        causes.append(_required("metadata.name"))
    if not ev.get("eventTime"):
        causes.append(_required("eventTime"))
    regarding = ev.get("regarding") or {}
    if not regarding.get("namespace") and namespace not in ("default", "kube-system"):
        causes.append(_invalid("regarding.namespace", regarding.get("namespace", ""), "does not match event.namespace"))
    rc = ev.get("reportingController") or ""
    if not rc:
        causes.append(_required("reportingController"))
    else:
        causes += _qualified_name(rc, "reportingController")
    for field in ("reportingInstance", "action", "reason"):
        value = ev.get(field) or ""
        if not value:
            causes.append(_required(field))
        elif len(value) > LIMIT:
            causes.append(_invalid(field, "", f"can have at most {LIMIT} characters"))
    if len(ev.get("note") or "") > NOTE_LIMIT:
        causes.append(_invalid("note", "", f"can have at most {NOTE_LIMIT} characters"))
    if ev.get("type") not in ("Normal", "Warning"):
        causes.append(_invalid("type", "", f"has invalid value: {ev.get('type') or ''}"))
    series = ev.get("series")
    if series is not None:
        if not isinstance(series.get("count"), int) or series["count"] < 2:
            causes.append(_invalid("series.count", "", "should be at least 2"))
        if not series.get("lastObservedTime"):
            causes.append(_required("series.lastObservedTime"))
    for field in ("deprecatedFirstTimestamp", "deprecatedLastTimestamp"):
        if ev.get(field):
            causes.append(_invalid(field, "", "needs to be unset"))
    if ev.get("deprecatedCount"):
        causes.append(_invalid("deprecatedCount", "", "needs to be unset"))
    if any((ev.get("deprecatedSource") or {}).values()):
        causes.append(_invalid("deprecatedSource", "", "needs to be unset"))
    return causes


def _merge(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch (what a strategic-merge patch of an Event amounts to:
    none of its fields has a merge strategy)."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge(out.get(k), v)
    return out


def serve_write(h: _Handler, method: str) -> None:
    """Answer one POST or PATCH (called from the rig's request handler)."""
    from tests.rigs.kube_apiserver import RequestRecord

    rig = h.server_rig
    h._rec = None
    url = urlsplit(h.path)
    path = url.path.rstrip("/") or "/"
    query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
    length = int(h.headers.get("Content-Length") or 0)
    body = h.rfile.read(min(length, MAX_BODY + 1)) if length else b""
    if rig.down:
        h.close_connection = True
        try:
            h.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return
    scheme, _, token = (h.headers.get("Authorization") or "").strip().partition(" ")
    user = rig.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
    rec = RequestRecord(method, path, query, user, token=token.strip())
    rig.requests.append(rec)
    h._rec = rec
    try:
        _dispatch(h, method, path, body, user)
    except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
        h.close_connection = True
    finally:
        rec.end = time.monotonic()


def _dispatch(h: _Handler, method: str, path: str, body: bytes, user: str | None) -> None:
    rig = h.server_rig
    delay = rig._take_fault(path, False, ("delay",))
    if delay is not None:
        time.sleep(delay.seconds)
    fault = rig._take_fault(path, False, ("status", "drop"))
    if fault is not None:
        if fault.kind == "drop":
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
        details = {"retryAfterSeconds": fault.retry_after} if fault.retry_after is not None else None
        if fault.details is not None:  # what a buggy proxy or server sends instead ({} = the header only)
            details = fault.details
        h._status(fault.status, fault.message or "injected", details, headers)
        return
    if user is None:
        h._status(401, "Unauthorized")
        return
    route = _route(path)
    if route is None or (method == "POST") != (route[1] is None):
        h._status(405 if route else 404, "the server does not allow this method on the requested resource"
                  if route else "the server could not find the requested resource", {})
        return
    ns, name = route
    verb = "create" if method == "POST" else "patch"
    if not rig.allowed(user, verb, "events"):
        h._forbidden(user, verb, "events", GROUP, ns, name)
        return
    if len(body) > MAX_BODY:
        h._status(413, "Request entity too large: limit is 3145728", reason="RequestEntityTooLarge")
        return
    if method == "PATCH":
        ctype = (h.headers.get("Content-Type") or "").split(";")[0].strip()
        if ctype not in PATCH_TYPES:
            h._status(415, f"the body of the request was in an unknown format - accepted media types include: "
                           f"{', '.join(PATCH_TYPES)}", reason="UnsupportedMediaType")
            return
    try:
        doc = json.loads(body or b"null")
    except ValueError as exc:
        h._status(400, f"couldn't get version/kind; json parse error: {exc}")
        return
    if not isinstance(doc, dict):
        h._status(400, "the object provided is unrecognized (must be of type Event)")
        return
    with rig._lock:
        if method == "POST":
            _create(h, ns, doc)
        else:
            _patch(h, ns, name or "", doc)


def _not_found(h: _Handler, name: str) -> None:
    h._status(404, f'events.{GROUP} "{name}" not found', {"name": name, "group": GROUP, "kind": "events"})


def _reject(h: _Handler, name: str, causes: list[dict[str, str]]) -> None:
    text = [f"{c['field']}: {c['message']}" for c in causes]
    joined = text[0] if len(text) == 1 else f"[{', '.join(text)}]"
    h._status(422, f'Event.{GROUP} "{name}" is invalid: {joined}',
              {"name": name, "group": GROUP, "kind": "Event", "causes": causes}, reason="Invalid")


def _store(h: _Handler, ev: dict[str, Any], code: int) -> None:
    ev.setdefault("deprecatedSource", {})
    ev.setdefault("deprecatedFirstTimestamp", None)
    ev.setdefault("deprecatedLastTimestamp", None)
    stored = h.server_rig.put(ev)
    h._send_json(code, stored)


def _create(h: _Handler, ns: str, ev: dict[str, Any]) -> None:
    rig = h.server_rig
    ev.setdefault("kind", "Event")
    ev.setdefault("apiVersion", f"{GROUP}/{VERSION}")
    if ev["kind"] != "Event" or ev["apiVersion"] != f"{GROUP}/{VERSION}":
        h._status(400, f"the API version in the data ({ev['apiVersion']}) does not match the expected API version "
                       f"({GROUP}/{VERSION})")
        return
    meta = ev.setdefault("metadata", {})
    if meta.get("namespace") not in (None, "", ns):
        h._status(400, "the namespace of the provided object does not match the namespace sent on the request")
        return
    meta["namespace"] = ns
    if not meta.get("name") and meta.get("generateName"):
        meta["name"] = meta["generateName"] + format(int(time.time() * 1e6) % 36**5, "x")
    causes = validate(ev, ns)
    name = meta.get("name") or ""
    if causes:
        _reject(h, name, causes)
        return
    if rig._objects.get(("events", ns, name)) is not None:
        h._status(409, f'events.{GROUP} "{name}" already exists', {"name": name, "group": GROUP, "kind": "events"},
                  reason="AlreadyExists")
        return
    for k in ("uid", "resourceVersion", "creationTimestamp"):
        meta.pop(k, None)
    _store(h, ev, 201)


def _patch(h: _Handler, ns: str, name: str, patch: dict[str, Any]) -> None:
    rig = h.server_rig
    old = rig._objects.get(("events", ns, name))
    if old is None:
        _not_found(h, name)
        return
    new = _merge(old, patch)
    new["metadata"] = {**old["metadata"], **{k: v for k, v in (new.get("metadata") or {}).items()
                                            if k in ("labels", "annotations")}}
    new["kind"], new["apiVersion"] = old["kind"], old["apiVersion"]
    causes = validate(new, ns)
    if causes:
        _reject(h, name, causes)
        return
    _store(h, new, 200)


def events(rig: Any, namespace: str = "default", *, regarding: str | None = None) -> list[dict[str, Any]]:
    """The Events stored in ``namespace`` (optionally only those about the object named
    ``regarding``), oldest first."""
    with rig._lock:
        items = rig._list("events", namespace, "", "")
    return [e for e in items if regarding is None or (e.get("regarding") or {}).get("name") == regarding]

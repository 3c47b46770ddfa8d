"""A test Kubernetes API server: list, get and watch of pods and FrameworkController
Frameworks, over TLS with a test CA, with bearer tokens, RBAC refusals and injectable
faults.

Why a fake: a real kube-apiserver cannot run on this machine (no container engine, not
packaged in Debian, see ``shared/research/barrier-k8s.md``). Everything a client sees is
shaped after kube-apiserver's real responses, so the official ``kubernetes`` Python client
and ``kubectl`` (client-go) accept it (``tests/test_barrier_rig.py`` proves that):

* ``Status`` bodies (kind, apiVersion, metadata, status, message, reason, details, code)
  and their messages are those of apimachinery's ``pkg/api/errors`` constructors
  (NotFound with ``details.name`` for a missing object vs. the bare "the server could
  not find the requested resource" for a type that is not served; Forbidden's
  ``User "u" cannot VERB resource "R" in API group "G" in the namespace "N"``; 410
  ``Expired`` "too old resource version"; 429 ``TooManyRequests`` with ``Retry-After``
  and ``details.retryAfterSeconds``; 401 ``Unauthorized``).
* lists carry ``metadata.resourceVersion``; built-in list items omit kind/apiVersion,
  custom-resource items keep them; resourceVersions are decimal strings of one counter.
* watches are chunked ``application/json`` streams of ``{"type","object"}`` lines;
  ``resourceVersion`` unset or "0" first replays the current state as ADDED;
  ``timeoutSeconds`` ends the stream; ``allowWatchBookmarks`` adds BOOKMARK events whose
  object carries only kind, apiVersion and ``metadata.resourceVersion``; a
  resourceVersion older than the compacted history gets an in-stream ERROR event with a
  410 Status (what the watch cache does) or, when asked, an HTTP 410.
* discovery (``/api``, ``/apis``, ``/api/v1``, ``/apis/<group>/<version>``, ``/version``)
  and server-side ``Table`` output for ``kubectl get``.
* events.k8s.io/v1 Events are also created and patched (``tests/rigs/kube_events.py``).

Tests drive the store through Python (:meth:`KubeApiServer.put`, :meth:`delete`,
:meth:`compact`) and inject faults with :meth:`KubeApiServer.inject`. The server runs in
daemon threads on 127.0.0.1 and a free port and stops itself on ``stop()``/context exit.
"""

from __future__ import annotations

import copy
import datetime as _dt
import itertools
import json
import os
import secrets as _secrets
import socket
import ssl
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

FC_GROUP = "frameworkcontroller.microsoft.com"
FC_VERSION = "v1"

#: resource plural -> (group, version, kind, namespaced, short names)
RESOURCES: dict[str, tuple[str, str, str, list[str]]] = {
    "pods": ("", "v1", "Pod", ["po"]),
    "frameworks": (FC_GROUP, FC_VERSION, "Framework", ["fw"]),
    "jobs": ("batch", "v1", "Job", []),
    "jobsets": ("jobset.x-k8s.io", "v1alpha2", "JobSet", []),
    "configmaps": ("", "v1", "ConfigMap", ["cm"]),
    "events": ("events.k8s.io", "v1", "Event", ["ev"]),  # created and patched: tests/rigs/kube_events.py
    "secrets": ("", "v1", "Secret", []),
}
#: resources a client may create and replace (POST to the collection, PUT to the object)
WRITABLE = {"configmaps"}
KIND_TO_RESOURCE = {v[2]: k for k, v in RESOURCES.items()}


# -- TLS material ------------------------------------------------------------------------
@dataclass
class TestCA:
    ca_cert: Path
    server_cert: Path
    server_key: Path


def make_test_ca(directory: Path, hosts: tuple[str, ...] = ("127.0.0.1", "localhost")) -> TestCA:
    """A throw-away CA and a server certificate for ``hosts`` (IP and DNS SANs)."""
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    directory.mkdir(parents=True, exist_ok=True)
    now = _dt.datetime.now(_dt.timezone.utc)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "pai-runtime test CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name)
          .public_key(ca_key.public_key()).serial_number(x509.random_serial_number())
          .not_valid_before(now - _dt.timedelta(hours=1)).not_valid_after(now + _dt.timedelta(days=2))
          .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True,
                                       content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False,
                                       encipher_only=False, decipher_only=False), critical=True)
          .sign(ca_key, hashes.SHA256()))
    key = ec.generate_private_key(ec.SECP256R1())
    sans: list[x509.GeneralName] = []
    for h in hosts:
        try:
            sans.append(x509.IPAddress(ipaddress.ip_address(h)))
        except ValueError:
            sans.append(x509.DNSName(h))
    cert = (x509.CertificateBuilder()
            .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "kube-apiserver")]))
            .issuer_name(ca_name).public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - _dt.timedelta(hours=1)).not_valid_after(now + _dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName(sans), critical=False)
            .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .sign(ca_key, hashes.SHA256()))
    out = TestCA(directory / "ca.crt", directory / "apiserver.crt", directory / "apiserver.key")
    out.ca_cert.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    out.server_cert.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    out.server_key.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                 serialization.PrivateFormat.PKCS8,
                                                 serialization.NoEncryption()))
    return out


# -- service account directories --------------------------------------------------------
class ServiceAccountDir:
    """A pod's ``/var/run/secrets/kubernetes.io/serviceaccount``: token, ca.crt, namespace.

    :meth:`rotate` replaces the token the way the kubelet's atomic writer does (new data
    dir, then the ``..data`` symlink swapped), optionally revoking the old one.
    """

    def __init__(self, server: KubeApiServer, path: Path, user: str, namespace: str = "default") -> None:
        self.server = server
        self.path = path
        self.user = user
        self.namespace = namespace
        self._gen = 0
        path.mkdir(parents=True, exist_ok=True)
        self.token = ""
        self._write(server.issue_token(user))
        for name in ("token", "ca.crt", "namespace"):
            link = path / name
            if not link.is_symlink():
                link.symlink_to(f"..data/{name}")

    @property
    def token_file(self) -> Path:
        return self.path / "token"

    def _write(self, token: str) -> None:
        self._gen += 1
        data = self.path / f"..{self._gen}_data"
        data.mkdir()
        (data / "token").write_text(token)
        (data / "namespace").write_text(self.namespace)
        if self.server.tls is not None:
            (data / "ca.crt").write_bytes(self.server.tls.ca_cert.read_bytes())
        else:
            (data / "ca.crt").write_text("")
        tmp = self.path / "..data_tmp"
        if tmp.is_symlink():
            tmp.unlink()
        tmp.symlink_to(data.name)
        os.replace(tmp, self.path / "..data")
        self.token = token

    def rotate(self, *, revoke_old: bool = True) -> str:
        old = self.token
        self._write(self.server.issue_token(self.user))
        if revoke_old:
            self.server.revoke_token(old)
        return self.token


# -- faults --------------------------------------------------------------------------------
@dataclass
class Fault:
    """One injected misbehaviour for requests whose path contains ``match``.

    kind: ``status`` (answer ``status`` with a real Status body, ``retry_after`` header,
    on an Event write ``details`` as given, also a bad one),
    ``drop`` (close the connection without an answer), ``watch_gone`` (a watch gets an
    in-stream ERROR 410 after ``after_events`` events), ``watch_close`` (a watch ends at
    once with no events), ``delay`` (sleep ``seconds`` first). ``times`` None = forever.
    """

    kind: str
    match: str = ""
    times: int | None = 1
    status: int = 0
    retry_after: int | None = None
    message: str = ""
    details: Any = None  # an Event write's Status details instead of retryAfterSeconds (tests/rigs/kube_events.py)
    watch: bool | None = None
    after_events: int = 0
    seconds: float = 0.0
    hits: int = 0

    def applies(self, path: str, is_watch: bool) -> bool:
        if self.times is not None and self.hits >= self.times:
            return False
        if self.watch is not None and self.watch != is_watch:
            return False
        return self.match in path


@dataclass
class RequestRecord:
    method: str
    path: str
    query: dict[str, str]
    user: str | None
    status: int = 0
    watch: bool = False
    token: str = ""  # the bearer token sent: tells one test's requests from a stray one's
    events: int = 0
    bytes: int = 0  # what the server wrote for it: status line, headers, body, watch events (uncompressed)
    start: float = field(default_factory=time.monotonic)
    end: float = 0.0


@dataclass
class ClientStats:
    requests: int = 0
    watches: int = 0
    events: int = 0
    bytes: int = 0
    writes: int = 0


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def status_body(code: int, reason: str, message: str, details: dict[str, Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                            "message": message, "reason": reason}
    if details is not None:
        body["details"] = details
    body["code"] = code
    return body


REASONS = {400: "BadRequest", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound", 405: "MethodNotAllowed",
           410: "Expired", 429: "TooManyRequests", 500: "InternalError", 503: "ServiceUnavailable",
           504: "Timeout"}


# -- selectors ---------------------------------------------------------------------------
def _label_matcher(selector: str) -> Callable[[dict[str, str]], bool]:
    """Kubernetes label selector syntax: ``a=b``, ``a==b``, ``a!=b``, ``a``, ``!a``,
    ``a in (x,y)``, ``a notin (x,y)``, comma-separated (AND)."""
    reqs: list[Callable[[dict[str, str]], bool]] = []
    parts, depth, cur = [], 0, ""
    for ch in selector:
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(cur)
            cur = ""
        else:
            cur += ch
    if cur.strip():
        parts.append(cur)
    for raw in parts:
        p = raw.strip()
        if " notin " in p or " in " in p:
            neg = " notin " in p
            key, _, vals = p.partition(" notin " if neg else " in ")
            values = {v.strip() for v in vals.strip().strip("()").split(",")}
            k = key.strip()
            reqs.append(lambda labels, k=k, values=values, neg=neg:
                        (labels.get(k) in values) != neg if k in labels else neg)
        elif "!=" in p:
            k, v = (s.strip() for s in p.split("!=", 1))
            reqs.append(lambda labels, k=k, v=v: labels.get(k) != v)
        elif "=" in p:
            k, v = (s.strip() for s in p.replace("==", "=").split("=", 1))
            reqs.append(lambda labels, k=k, v=v: labels.get(k) == v)
        elif p.startswith("!"):
            neg_key = p[1:].strip()
            reqs.append(lambda labels, k=neg_key: k not in labels)
        else:
            reqs.append(lambda labels, k=p: k in labels)
    return lambda labels: all(r(labels) for r in reqs)


def _field_matcher(selector: str) -> Callable[[dict[str, Any]], bool]:
    reqs = []
    for p in filter(None, (s.strip() for s in selector.split(","))):
        neg = "!=" in p
        k, v = (s.strip() for s in p.replace("==", "=").replace("!=", "=").split("=", 1))
        reqs.append((k, v, neg))

    def get(obj: dict[str, Any], path: str) -> str:
        cur: Any = obj
        for part in path.split("."):
            cur = cur.get(part) if isinstance(cur, dict) else None
        return "" if cur is None else str(cur)

    return lambda obj: all((get(obj, k) == v) != neg for k, v, neg in reqs)


# -- the server ----------------------------------------------------------------------------
class KubeApiServer:
    """See the module docstring. ``tls=True`` makes a test CA in ``workdir``."""

    def __init__(self, workdir: Path, *, tls: bool = True, serve_frameworks: bool = True,
                 bookmark_interval: float = 1.0, max_watch_seconds: float = 1800.0) -> None:
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.tls: TestCA | None = make_test_ca(workdir / "pki") if tls else None
        self.serve_frameworks = serve_frameworks
        self.bookmark_interval = bookmark_interval
        self.max_watch_seconds = max_watch_seconds
        self.watch_gone_as_http = False
        self.down = False
        self._lock = threading.Condition()
        self._rv = itertools.count(100)
        self.resource_version = next(self._rv)
        self._compacted = 0
        self._objects: dict[tuple[str, str, str], dict[str, Any]] = {}
        self._history: list[tuple[int, str, str, str, dict[str, Any]]] = []
        self.tokens: dict[str, str] = {}
        self.grants: dict[str, set[tuple[str, str]]] = {}
        self.faults: list[Fault] = []
        self.requests: list[RequestRecord] = []
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.port = 0
        self.admin_token = self.issue_token("kubernetes-admin")
        self.grant("kubernetes-admin", "*", "*")

    # -- lifecycle --------------------------------------------------------------------
    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://127.0.0.1:{self.port}"

    def start(self) -> KubeApiServer:
        rig = self

        class Handler(_Handler):
            server_rig = rig

        httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        httpd.daemon_threads = True
        if self.tls is not None:
            ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            ctx.load_cert_chain(self.tls.server_cert, self.tls.server_key)
            httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        self._httpd = httpd
        self.port = httpd.server_address[1]
        self._thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="kube-apiserver-rig", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        with self._lock:
            self._lock.notify_all()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    def __enter__(self) -> KubeApiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- identities -------------------------------------------------------------------
    def issue_token(self, user: str, *, ttl: int = 3607) -> str:
        import jwt

        claims = {"iss": "https://kubernetes.default.svc.cluster.local", "sub": user,
                  "exp": int(time.time()) + ttl, "iat": int(time.time()), "jti": _secrets.token_hex(8)}
        token = jwt.encode(claims, "rig-signing-key-not-a-secret-0123456789", algorithm="HS256")
        self.tokens[token] = user
        return token

    def revoke_token(self, token: str) -> None:
        self.tokens.pop(token, None)

    def grant(self, user: str, verbs: str, resources: str) -> None:
        """RBAC: ``verbs`` and ``resources`` are comma lists or ``*``."""
        g = self.grants.setdefault(user, set())
        for v in verbs.split(","):
            for r in resources.split(","):
                g.add((v.strip(), r.strip()))

    def revoke_grants(self, user: str) -> None:
        self.grants.pop(user, None)

    def allowed(self, user: str, verb: str, resource: str) -> bool:
        g = self.grants.get(user, set())
        return any(v in (verb, "*") and r in (resource, "*") for v, r in g)

    def service_account(self, path: Path, name: str = "runtime-account", namespace: str = "default",
                        *, verbs: str = "get,list,watch", resources: str = "frameworks,pods") -> ServiceAccountDir:
        user = f"system:serviceaccount:{namespace}:{name}"
        if verbs:
            self.grant(user, verbs, resources)
        return ServiceAccountDir(self, path, user, namespace)

    def kubeconfig(self, path: Path, token: str | None = None, namespace: str = "default") -> Path:
        import yaml

        cluster: dict[str, Any] = {"server": self.url}
        if self.tls is not None:
            cluster["certificate-authority"] = str(self.tls.ca_cert)
        doc = {"apiVersion": "v1", "kind": "Config", "current-context": "rig",
               "clusters": [{"name": "rig", "cluster": cluster}],
               "users": [{"name": "rig-user", "user": {"token": token or self.admin_token}}],
               "contexts": [{"name": "rig", "context": {"cluster": "rig", "user": "rig-user",
                                                         "namespace": namespace}}]}
        path.write_text(yaml.safe_dump(doc))
        return path

    # -- faults -------------------------------------------------------------------------
    def inject(self, kind: str, match: str = "", **kw: Any) -> Fault:
        f = Fault(kind=kind, match=match, **kw)
        with self._lock:
            self.faults.append(f)
        return f

    def clear_faults(self) -> None:
        with self._lock:
            self.faults.clear()

    def _take_fault(self, path: str, is_watch: bool, kinds: tuple[str, ...]) -> Fault | None:
        with self._lock:
            for f in self.faults:
                if f.kind in kinds and f.applies(path, is_watch):
                    f.hits += 1
                    return f
        return None

    # -- the store ----------------------------------------------------------------------
    def _bump(self) -> int:
        self.resource_version = next(self._rv)
        return self.resource_version

    def put(self, obj: dict[str, Any]) -> dict[str, Any]:
        """Create or replace an object (ADDED or MODIFIED event); returns the stored copy."""
        obj = copy.deepcopy(obj)
        resource = KIND_TO_RESOURCE[obj["kind"]]
        meta = obj.setdefault("metadata", {})
        ns = meta.setdefault("namespace", "default")
        key = (resource, ns, meta["name"])
        with self._lock:
            old = self._objects.get(key)
            rv = self._bump()
            meta["resourceVersion"] = str(rv)
            if old is None:
                meta.setdefault("uid", str(uuid.uuid4()))
                meta.setdefault("creationTimestamp", now_iso())
                meta.setdefault("generation", 1)
            else:
                meta["uid"] = old["metadata"]["uid"]
                meta["creationTimestamp"] = old["metadata"]["creationTimestamp"]
            if resource == "pods":
                obj.setdefault("spec", {}).setdefault("containers", [{"name": "main", "image": "busybox"}])
                obj.setdefault("status", {}).setdefault("phase", "Pending")
            self._objects[key] = obj
            self._history.append((rv, "MODIFIED" if old else "ADDED", resource, ns, copy.deepcopy(obj)))
            self._lock.notify_all()
            return copy.deepcopy(obj)

    def get(self, resource: str, name: str, namespace: str = "default") -> dict[str, Any] | None:
        with self._lock:
            obj = self._objects.get((resource, namespace, name))
            return copy.deepcopy(obj) if obj else None

    def delete(self, resource: str, name: str, namespace: str = "default") -> None:
        with self._lock:
            obj = self._objects.pop((resource, namespace, name))
            rv = self._bump()
            obj["metadata"]["resourceVersion"] = str(rv)
            self._history.append((rv, "DELETED", resource, namespace, obj))
            self._lock.notify_all()

    def compact(self) -> int:
        """Forget the event history: a watch from an older resourceVersion gets 410."""
        with self._lock:
            self._compacted = self.resource_version
            self._history.clear()
            return self._compacted

    def _list(self, resource: str, ns: str | None, labels: str, fields: str) -> list[dict[str, Any]]:
        lm = _label_matcher(labels) if labels else (lambda _l: True)
        fm = _field_matcher(fields) if fields else (lambda _o: True)
        out = []
        by_rv = sorted(self._objects.items(), key=lambda kv: int(kv[1]["metadata"]["resourceVersion"]))
        for (res, ons, _), obj in by_rv:
            if res == resource and (ns is None or ons == ns) and lm(obj["metadata"].get("labels") or {}) and fm(obj):
                out.append(copy.deepcopy(obj))
        return out

    # -- stats for tests and the bench ----------------------------------------------------
    def count(self, *, watch: bool | None = None, match: str = "") -> int:
        return sum(1 for r in list(self.requests)
                   if (watch is None or r.watch == watch) and match in r.path)

    def per_client(self, key: str = "token") -> dict[str, ClientStats]:
        """Requests, watch events and bytes served, per client: ``key`` is ``token`` (one
        bearer token = one pod's barrier, when each pod has its own token) or ``user``."""
        out: dict[str, ClientStats] = {}
        for r in list(self.requests):
            who = str(getattr(r, key) or "")
            st = out.setdefault(who, ClientStats())
            st.requests += 1
            st.watches += int(r.watch)
            st.events += r.events
            st.bytes += r.bytes
            st.writes += int(r.method in ("POST", "PUT"))
        return out

    def timeline(self, token: str | None = None) -> list[RequestRecord]:
        """The requests in arrival order (of one client when ``token`` is given)."""
        return sorted((r for r in list(self.requests) if token is None or r.token == token), key=lambda r: r.start)


def _age(ts: str) -> str:
    try:
        t = _dt.datetime.strptime(ts, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=_dt.timezone.utc)
    except (TypeError, ValueError):
        return "<unknown>"
    secs = int((_dt.datetime.now(_dt.timezone.utc) - t).total_seconds())
    return f"{secs}s" if secs < 120 else f"{secs // 60}m"


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_rig: KubeApiServer

    def log_message(self, fmt: str, *args: Any) -> None:  # quiet
        pass

    # -- plumbing -------------------------------------------------------------------------
    def _count(self, n: int) -> None:
        rec = getattr(self, "_rec", None)
        if rec is not None:
            rec.bytes += n

    def flush_headers(self) -> None:
        self._count(sum(len(b) for b in getattr(self, "_headers_buffer", [])))
        super().flush_headers()

    def _send_json(self, code: int, body: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(body).encode()
        if self._rec is not None:  # before the answer leaves: the client may read the records at once
            self._rec.status = code
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Audit-Id", str(uuid.uuid4()))
        self.send_header("X-Kubernetes-Pf-Flowschema-Uid", "c0ffee00-0000-4000-8000-000000000001")
        self.send_header("X-Kubernetes-Pf-Prioritylevel-Uid", "c0ffee00-0000-4000-8000-000000000002")
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self._count(len(data))
        self.wfile.write(data)

    def _status(self, code: int, message: str, details: dict[str, Any] | None = None,
                headers: dict[str, str] | None = None, reason: str | None = None) -> None:
        self._send_json(code, status_body(code, reason or REASONS.get(code, "Unknown"), message, details), headers)

    def _chunk(self, data: bytes) -> None:
        frame = f"{len(data):x}\r\n".encode() + data + b"\r\n"
        self._count(len(frame))
        self.wfile.write(frame)
        self.wfile.flush()

    # -- dispatch -----------------------------------------------------------------------
    def do_PATCH(self) -> None:  # noqa: N802 - http.server API
        from tests.rigs.kube_events import serve_write

        serve_write(self, "PATCH")

    def do_GET(self) -> None:  # noqa: N802 - http.server API
        self._serve("GET")

    def do_POST(self) -> None:  # noqa: N802 - http.server API
        if self.path.startswith("/apis/events.k8s.io/"):  # Events: tests/rigs/kube_events.py
            from tests.rigs.kube_events import serve_write

            serve_write(self, "POST")
            return
        self._serve("POST")

    def do_PUT(self) -> None:  # noqa: N802 - http.server API
        self._serve("PUT")

    def _serve(self, method: str) -> None:
        rig = self.server_rig
        self._rec: RequestRecord | None = None
        body = b""
        if method != "GET":
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length > 0 else b""
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        query = {k: v[-1] for k, v in parse_qs(url.query, keep_blank_values=True).items()}
        is_watch = query.get("watch", "") in ("1", "true", "True")
        if rig.down:
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        # like kube-apiserver's bearer token authenticator: the scheme is case-insensitive
        scheme, _, token = (self.headers.get("Authorization") or "").strip().partition(" ")
        user = rig.tokens.get(token.strip()) if scheme.lower() == "bearer" else None
        rec = RequestRecord(method, path, query, user, watch=is_watch and method == "GET", token=token.strip())
        rig.requests.append(rec)
        self._rec = rec
        try:
            if method == "GET":
                self._dispatch(path, query, is_watch, user)
            else:
                self._write(method, path, body, user)
        except (BrokenPipeError, ConnectionResetError, ssl.SSLError):
            self.close_connection = True
        finally:
            rec.end = time.monotonic()

    def _dispatch(self, path: str, query: dict[str, str], is_watch: bool, user: str | None) -> None:
        rig = self.server_rig
        delay = rig._take_fault(path, is_watch, ("delay",))
        if delay is not None:
            time.sleep(delay.seconds)
        fault = rig._take_fault(path, is_watch, ("status", "drop"))
        if fault is not None:
            if fault.kind == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
            details = {"retryAfterSeconds": fault.retry_after} if fault.retry_after is not None else None
            default_msg = {429: "Too many requests, please try again later.",
                           503: "the server is currently unable to handle the request",
                           500: "Internal error occurred: injected by the test rig",
                           504: "Timeout: Too large resource version"}.get(fault.status, "injected")
            self._status(fault.status, fault.message or default_msg, details, headers)
            return
        if user is None:
            self._status(401, "Unauthorized")
            return
        if path == "/version":
            self._send_json(200, {"major": "1", "minor": "32", "gitVersion": "v1.32.0-pai-rig",
                                  "gitCommit": "0" * 40, "gitTreeState": "clean", "buildDate": "2025-01-01T00:00:00Z",
                                  "goVersion": "go1.23.4", "compiler": "gc", "platform": "linux/amd64"})
            return
        if path == "/api":
            self._send_json(200, {"kind": "APIVersions", "versions": ["v1"], "serverAddressByClientCIDRs": [
                {"clientCIDR": "0.0.0.0/0", "serverAddress": f"127.0.0.1:{rig.port}"}]})
            return
        served = {(g, v): [r for r, (rg, rv, _, _) in RESOURCES.items() if (rg, rv) == (g, v)]
                  for g, v, _, _ in RESOURCES.values() if g and (g != FC_GROUP or rig.serve_frameworks)}
        if path == "/apis":
            groups = []
            for g, v in served:
                gv = {"groupVersion": f"{g}/{v}", "version": v}
                groups.append({"name": g, "versions": [gv], "preferredVersion": gv})
            self._send_json(200, {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups})
            return
        if path == "/api/v1":
            self._send_json(200, self._resource_list("v1", ["pods", "configmaps"]))
            return
        gv_path = tuple(path.strip("/").split("/")[1:])
        if path.startswith("/apis/") and gv_path in served:
            self._send_json(200, self._resource_list("/".join(gv_path), served[gv_path]))
            return
        route = self._route(path)
        if route is None:
            self._status(404, "the server could not find the requested resource", {})
            return
        resource, ns, name = route
        group = RESOURCES[resource][0]
        verb = "watch" if is_watch else ("get" if name else "list")
        if not rig.allowed(user, verb, resource):
            self._forbidden(user, verb, resource, group, ns, name)
            return
        if is_watch:
            self._watch(resource, ns, name, query)
        elif name:
            with rig._lock:
                obj = rig._objects.get((resource, ns or "", name))
                obj = copy.deepcopy(obj) if obj else None
            if obj is None:
                qual = f"{resource}.{group}" if group else resource
                details = {"name": name, "kind": resource}
                if group:
                    details = {"name": name, "group": group, "kind": resource}
                self._status(404, f'{qual} "{name}" not found', details)
                return
            self._send_json(200, obj)
        else:
            self._list(resource, ns, query)

    def _write(self, method: str, path: str, body: bytes, user: str | None) -> None:
        """POST (create) to a collection and PUT (replace) of an object, for WRITABLE
        resources: 201/200 with the stored object, 409 AlreadyExists / Conflict (a stale
        ``metadata.resourceVersion``), 404, 400 for a body that does not fit the URL. A
        PUT that changes nothing is answered without a new resourceVersion or event, as
        kube-apiserver skips no-op updates."""
        rig = self.server_rig
        fault = rig._take_fault(path, False, ("status", "drop"))
        if fault is not None:
            if fault.kind == "drop":
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)
                return
            headers = {"Retry-After": str(fault.retry_after)} if fault.retry_after is not None else None
            self._status(fault.status, fault.message or "injected", None, headers)
            return
        if user is None:
            self._status(401, "Unauthorized")
            return
        route = self._route(path)
        if route is None or route[0] not in WRITABLE or route[1] is None or (method == "POST") != (route[2] is None):
            self._status(405, f"the server does not allow this method on the requested resource ({method} {path})")
            return
        resource, ns, name = route
        verb = "create" if method == "POST" else "update"
        if not rig.allowed(user, verb, resource):
            self._forbidden(user, verb, resource, RESOURCES[resource][0], ns, name)
            return
        try:
            obj = json.loads(body or b"null")
        except ValueError as exc:
            self._status(400, f"the body of the request was in an unknown format: {exc}")
            return
        kind = RESOURCES[resource][2]
        if not isinstance(obj, dict) or obj.get("kind", kind) != kind or not isinstance(obj.get("metadata"), dict):
            self._status(400, f"the body is not a {kind}")
            return
        meta = obj["metadata"]
        obj_name = str(meta.get("name") or "")
        if not obj_name:
            self._status(422, f'{kind} "" is invalid: metadata.name: Required value: name or generateName is required',
                         reason="Invalid")
            return
        if name is not None and obj_name != name:
            self._status(400, f"the name of the object ({obj_name}) does not match the name on the URL ({name})")
            return
        if meta.get("namespace", ns) != ns:
            self._status(400, "the namespace of the provided object does not match the namespace sent on the request")
            return
        obj["kind"], obj["apiVersion"] = kind, RESOURCES[resource][1]
        meta["namespace"] = ns
        details = {"name": obj_name, "kind": resource}
        with rig._lock:
            old = rig._objects.get((resource, ns, obj_name))
            if method == "POST" and old is not None:
                self._status(409, f'{resource} "{obj_name}" already exists', details, reason="AlreadyExists")
                return
            if method == "PUT":
                if old is None:
                    self._status(404, f'{resource} "{obj_name}" not found', details)
                    return
                want = str(meta.get("resourceVersion") or "")
                if want and want != old["metadata"]["resourceVersion"]:
                    self._status(409, f'Operation cannot be fulfilled on {resource} "{obj_name}": the object has '
                                      "been modified; please apply your changes to the latest version and try again",
                                 details, reason="Conflict")
                    return
                unchanged = ({k: v for k, v in obj.items() if k != "metadata"}
                             == {k: v for k, v in old.items() if k != "metadata"}
                             and all(meta.get(k) == old["metadata"].get(k) for k in ("labels", "annotations",
                                                                                      "ownerReferences")))
                if unchanged:
                    self._send_json(200, copy.deepcopy(old))
                    return
            meta.pop("resourceVersion", None)
            if old is None:
                meta.pop("uid", None)  # the server assigns it
            stored = rig.put(obj)
        self._send_json(201 if method == "POST" else 200, stored)

    def _resource_list(self, gv: str, names: list[str]) -> dict[str, Any]:
        res = []
        for n in names:
            _, _, kind, short = RESOURCES[n]
            res.append({"name": n, "singularName": kind.lower(), "namespaced": True, "kind": kind,
                        "verbs": ["get", "list", "watch"] + (["create", "update"] if n in WRITABLE else []),
                        "shortNames": short,
                        "storageVersionHash": "rigrig00000="})
        return {"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": gv, "resources": res}

    def _route(self, path: str) -> tuple[str, str | None, str | None] | None:
        """(resource, namespace, name) of a collection or object path we serve."""
        rig = self.server_rig
        parts = path.strip("/").split("/")
        served = {(g, v) for g, v, _, _ in RESOURCES.values() if g and (g != FC_GROUP or rig.serve_frameworks)}
        if parts[:2] == ["api", "v1"]:
            rest, group = parts[2:], ""
        elif parts[0] == "apis" and len(parts) >= 3 and (parts[1], parts[2]) in served:
            rest, group = parts[3:], parts[1]
        else:
            return None
        ns = None
        if len(rest) >= 2 and rest[0] == "namespaces":
            ns, rest = rest[1], rest[2:]
        if not rest or len(rest) > 2:
            return None
        resource = rest[0]
        if resource not in RESOURCES or RESOURCES[resource][0] != group:
            return None
        name = rest[1] if len(rest) == 2 else None
        if name is not None and ns is None:
            return None
        return resource, ns, name

    def _forbidden(self, user: str, verb: str, resource: str, group: str, ns: str | None, name: str | None) -> None:
        qual = f"{resource}.{group}" if group else resource
        subject = f'{qual} "{name}"' if name else qual
        scope = f' in the namespace "{ns}"' if ns else " at the cluster scope"
        msg = (f'{subject} is forbidden: User "{user}" cannot {verb} resource "{resource}" '
               f'in API group "{group}"{scope}')
        details: dict[str, Any] = {"kind": resource}
        if name:
            details = {"name": name, **({"group": group} if group else {}), "kind": resource}
        elif group:
            details = {"group": group, "kind": resource}
        self._status(403, msg, details)

    def _wants_table(self) -> bool:
        return "as=Table" in (self.headers.get("Accept") or "")

    def _list(self, resource: str, ns: str | None, query: dict[str, str]) -> None:
        rig = self.server_rig
        with rig._lock:
            items = rig._list(resource, ns, query.get("labelSelector", ""), query.get("fieldSelector", ""))
            rv = str(rig.resource_version)
        group, version, kind, _ = RESOURCES[resource]
        if self._wants_table():
            rows = [{"cells": [o["metadata"]["name"], _age(o["metadata"].get("creationTimestamp", ""))],
                     "object": {"kind": "PartialObjectMetadata", "apiVersion": "meta.k8s.io/v1",
                                "metadata": o["metadata"]}} for o in items]
            self._send_json(200, {"kind": "Table", "apiVersion": "meta.k8s.io/v1", "metadata": {"resourceVersion": rv},
                                  "columnDefinitions": [
                                      {"name": "Name", "type": "string", "format": "name", "priority": 0,
                                       "description": "Name must be unique within a namespace."},
                                      {"name": "Age", "type": "string", "format": "", "priority": 0,
                                       "description": "CreationTimestamp is a timestamp."}],
                                  "rows": rows})
            return
        if group:
            body = {"apiVersion": f"{group}/{version}", "items": items, "kind": f"{kind}List",
                    "metadata": {"continue": "", "resourceVersion": rv}}
        else:
            for o in items:
                o.pop("kind", None)
                o.pop("apiVersion", None)
            body = {"kind": f"{kind}List", "apiVersion": version, "metadata": {"resourceVersion": rv}, "items": items}
        self._send_json(200, body)

    # -- watch -----------------------------------------------------------------------------
    def _event(self, etype: str, obj: dict[str, Any]) -> None:
        self._chunk(json.dumps({"type": etype, "object": obj}).encode() + b"\n")
        if self._rec is not None:
            self._rec.events += 1

    def _watch(self, resource: str, ns: str | None, name: str | None, query: dict[str, str]) -> None:
        rig = self.server_rig
        group, version, kind, _ = RESOURCES[resource]
        api_version = f"{group}/{version}" if group else version
        lm = _label_matcher(query.get("labelSelector", "")) if query.get("labelSelector") else (lambda _l: True)
        fields = query.get("fieldSelector", "")
        if name:
            fields = f"metadata.name={name}" + (f",{fields}" if fields else "")
        fm = _field_matcher(fields) if fields else (lambda _o: True)
        bookmarks = query.get("allowWatchBookmarks") in ("1", "true", "True")
        try:
            timeout = float(query.get("timeoutSeconds") or rig.max_watch_seconds)
        except ValueError:
            timeout = rig.max_watch_seconds
        end = time.monotonic() + min(timeout, rig.max_watch_seconds)
        rv_param = query.get("resourceVersion", "")

        def match(res: str, ons: str, obj: dict[str, Any]) -> bool:
            return res == resource and (ns is None or ons == ns) and lm(obj["metadata"].get("labels") or {}) and fm(obj)

        def full(obj: dict[str, Any]) -> dict[str, Any]:
            return {"kind": kind, "apiVersion": api_version, **{k: v for k, v in obj.items()
                                                                 if k not in ("kind", "apiVersion")}}

        with rig._lock:
            too_old = bool(rv_param) and rv_param != "0" and int(rv_param) < rig._compacted
            if too_old and rig.watch_gone_as_http:
                self._status(410, f"too old resource version: {rv_param} ({rig._compacted})", reason="Expired")
                return
        if self._rec is not None:
            self._rec.status = 200
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-cache, private")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        if too_old:
            msg = f"too old resource version: {rv_param} ({rig._compacted})"
            self._event("ERROR", status_body(410, "Expired", msg))
            self._chunk(b"")
            return
        if rig._take_fault(self.path, True, ("watch_close",)) is not None:
            self._chunk(b"")
            return
        gone = rig._take_fault(self.path, True, ("watch_gone",))
        sent = 0
        with rig._lock:
            if not rv_param or rv_param == "0":
                last = rig.resource_version
                initial = [full(o) for o in rig._list(resource, ns, query.get("labelSelector", ""), fields)]
            else:
                last = int(rv_param)
                initial = []
        for obj in initial:
            self._event("ADDED", obj)
            sent += 1
        next_bookmark = time.monotonic() + rig.bookmark_interval
        while not rig._stopping.is_set():
            if gone is not None and sent >= gone.after_events:
                msg = f"too old resource version: {last} ({rig.resource_version})"
                self._event("ERROR", status_body(410, "Expired", msg))
                break
            with rig._lock:
                pending = [(rv, t, res, ons, o) for rv, t, res, ons, o in rig._history if rv > last]
                if not pending:
                    now = time.monotonic()
                    wait = min(end, next_bookmark if bookmarks else end) - now
                    if wait > 0:
                        rig._lock.wait(wait)
                    pending = [(rv, t, res, ons, o) for rv, t, res, ons, o in rig._history if rv > last]
                current = rig.resource_version
            for rv, etype, res, ons, obj in pending:
                last = rv
                if match(res, ons, obj):
                    self._event(etype, full(copy.deepcopy(obj)))
                    sent += 1
                    if gone is not None and sent >= gone.after_events:
                        break
            now = time.monotonic()
            if now >= end:
                break
            if bookmarks and now >= next_bookmark:
                last = max(last, current)
                self._event("BOOKMARK", {"kind": kind, "apiVersion": api_version,
                                         "metadata": {"resourceVersion": str(last), "creationTimestamp": None}})
                next_bookmark = now + rig.bookmark_interval
        self._chunk(b"")


def iter_watch_lines(resp: Any) -> Iterator[dict[str, Any]]:
    """Events of a ``requests`` watch response (for tests that talk to the rig directly)."""
    for line in resp.iter_lines():
        if line:
            yield json.loads(line)


# -- Framework and pod fixtures -----------------------------------------------------------------
def framework(name: str, roles: dict[str, int], *, namespace: str = "default", ready: dict[str, int] | None = None,
              ports: dict[str, dict[str, int]] | None = None, uid_prefix: str = "pod",
              compressed: bool = False, config: str | None = None, ip_base: str = "10.1") -> dict[str, Any]:
    """A FrameworkController Framework shaped like OpenPAI's (``rest-server`` port
    scheduling annotation, attemptStatus per task). ``ready[role]`` tasks of each role
    have a pod IP (all by default)."""
    spec_roles = []
    for i, (role, n) in enumerate(roles.items()):
        ann = {}
        if ports is not None:
            ann["rest-server/port-scheduling-spec"] = json.dumps(
                {"schedulePortStart": 20000, "schedulePortEnd": 40000,
                 "ports": {p: {"count": c} for p, c in ports.get(role, {"ssh": 1, "http": 1}).items()}})
        spec_roles.append({"name": role, "taskNumber": n, "frameworkAttemptCompletionPolicy":
                           {"minFailedTaskCount": 1, "minSucceededTaskCount": -1},
                           "task": {"pod": {"metadata": {"annotations": ann},
                                            "spec": {"hostNetwork": True, "restartPolicy": "Never",
                                                     "containers": [{"name": "app", "image": "busybox"}]}}},
                           "_i": i})
    statuses = []
    for rs in spec_roles:
        role, n, ri = rs["name"], rs["taskNumber"], rs.pop("_i")
        k = n if ready is None else ready.get(role, n)
        tasks = []
        for idx in range(n):
            ip = f"{ip_base}.{ri}.{idx}" if idx < k else None
            tasks.append(task_status(role, idx, ip, uid=f"{uid_prefix}-{role}-{idx}", name=name))
        statuses.append({"name": role, "taskStatuses": tasks})
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "annotations": {}}
    if config is not None:
        meta["annotations"]["config"] = config
    obj = {"apiVersion": f"{FC_GROUP}/{FC_VERSION}", "kind": "Framework", "metadata": meta,
           "spec": {"executionType": "Start", "retryPolicy": {"fancyRetryPolicy": True, "maxRetryCount": 0},
                    "taskRoles": spec_roles},
           "status": {"state": "AttemptRunning", "attemptStatus": {"id": 0, "taskRoleStatuses": statuses}}}
    if compressed:
        compress_status(obj)
    return obj


def task_status(role: str, idx: int, ip: str | None, *, uid: str, name: str = "fw") -> dict[str, Any]:
    return {"index": idx, "state": "AttemptRunning" if ip else "AttemptPreparing", "deletionPending": False,
            "retryPolicyStatus": {"accountableRetriedCount": 0, "retryDelaySec": None, "totalRetriedCount": 0},
            "attemptStatus": {"id": 0, "podName": f"{name}-{role}-{idx}", "podUID": uid,
                              "podIP": ip, "podHostIP": ip, "podNodeName": f"node-{idx}" if ip else None,
                              "instanceUID": f"0_{uid}"}}


def compress_status(obj: dict[str, Any]) -> None:
    """FrameworkController's LargeFrameworkCompression: gzip + base64 of the role statuses."""
    import base64
    import gzip

    att = obj["status"]["attemptStatus"]
    raw = json.dumps(att["taskRoleStatuses"]).encode()
    att["taskRoleStatusesCompressed"] = base64.b64encode(gzip.compress(raw)).decode()
    att["taskRoleStatuses"] = None


def decompress_status(obj: dict[str, Any]) -> None:
    import base64
    import gzip

    att = obj["status"]["attemptStatus"]
    if att.get("taskRoleStatuses") is None and att.get("taskRoleStatusesCompressed"):
        att["taskRoleStatuses"] = json.loads(gzip.decompress(base64.b64decode(att["taskRoleStatusesCompressed"])))
        att["taskRoleStatusesCompressed"] = None

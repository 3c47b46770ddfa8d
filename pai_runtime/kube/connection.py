"""Where the Kubernetes API server is and how to authenticate to it.

Why re-read the token on every request: bound service-account tokens expire (about an
hour) and the kubelet rotates the file on disk; a client that caches the token for the
whole barrier wait gets 401 halfway through (OpenPAI's "Unauthorized" loop). The token
file is therefore read per request, never stored beyond one request.

Order (first that applies): a kubeconfig (``kubeconfig`` parameter or ``KUBECONFIG``,
in a pod too: frameworkbarrier hands both ``KUBE_APISERVER_ADDRESS`` and ``KUBECONFIG``
to client-go's ``BuildConfigFromFlags``, where an explicit kubeconfig beats in-cluster and
the address overrides its server), an explicit ``apiServer`` parameter, in-cluster
(``KUBERNETES_SERVICE_HOST``/``PORT`` and the service-account directory),
``KUBE_APISERVER_ADDRESS`` (like OpenPAI's init, in-cluster config wins over it when a
token is mounted).
"""

from __future__ import annotations

import atexit
import base64
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pai_runtime import redact

DEFAULT_SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount"


class ConnectionSetupError(Exception):
    """The connection cannot be built (missing token, unreadable kubeconfig, ...)."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


@dataclass
class Connection:
    server: str
    source: str
    verify: bool | str = True
    token_file: Path | None = None
    static_token: str | None = None
    client_cert: tuple[str, str] | None = None
    namespace: str | None = None
    user: str = ""

    def token(self) -> str | None:
        """The bearer token, read from disk now (``None`` without one)."""
        if self.token_file is not None:
            try:
                token = self.token_file.read_text(encoding="utf-8").strip()
            except OSError as exc:
                raise ConnectionSetupError(
                    f"cannot read the service account token {self.token_file}: {exc.strerror}",
                    "check the pod's automountServiceAccountToken and its token volume") from None
            if token:
                redact.register(token)
            return token or None
        return self.static_token

    def credential(self) -> str:
        """What the user should look at when the credential is refused."""
        if self.token_file is not None:
            return f"the service account token at {self.token_file}"
        if self.static_token:
            return f"the token of {self.user or 'the kubeconfig user'} ({self.source})"
        if self.client_cert:
            return f"the client certificate {self.client_cert[0]} ({self.source})"
        return f"the anonymous request ({self.source} gives no credential)"


def _host_url(host: str, port: str) -> str:
    if ":" in host and not host.startswith("["):
        host = f"[{host}]"
    return f"https://{host}:{port}"


def _sa_files(sa_dir: Path) -> tuple[Path | None, str | None, str | None]:
    token = sa_dir / "token"
    ca = sa_dir / "ca.crt"
    ns = sa_dir / "namespace"
    namespace = None
    if ns.is_file():
        try:
            namespace = ns.read_text(encoding="utf-8").strip() or None
        except OSError:
            namespace = None
    ca_path = str(ca) if ca.is_file() and ca.stat().st_size > 0 else None
    return (token if token.is_file() else None), ca_path, namespace


def resolve(environ: Mapping[str, str], *, api_server: str | None = None, kubeconfig: str | None = None,
            sa_dir: str | None = None) -> Connection | None:
    """The connection to use, or ``None`` when nothing points at a cluster."""
    sa = Path(sa_dir or DEFAULT_SA_DIR)
    kc = kubeconfig or environ.get("KUBECONFIG", "").strip() or None
    if kc:
        conn = from_kubeconfig(kc)
        override, what = (api_server, "parameters.apiServer") if api_server else (
            environ.get("KUBE_APISERVER_ADDRESS", "").strip(), "KUBE_APISERVER_ADDRESS")
        if override:
            conn.server = override.rstrip("/")
            conn.source += f", server from {what} {override}"
        return conn
    if api_server:
        return _with_sa(api_server.rstrip("/"), f"parameters.apiServer {api_server}", sa)
    host = environ.get("KUBERNETES_SERVICE_HOST", "").strip()
    port = environ.get("KUBERNETES_SERVICE_PORT", "").strip()
    if host:
        if not port:
            raise ConnectionSetupError("KUBERNETES_SERVICE_HOST is set but KUBERNETES_SERVICE_PORT is empty",
                                       "this pod's environment is incomplete; set both or neither")
        token, ca, namespace = _sa_files(sa)
        if token is None:
            raise ConnectionSetupError(
                f"in a cluster (KUBERNETES_SERVICE_HOST={host}) but there is no service account token at {sa}/token",
                "mount one (automountServiceAccountToken: true, serviceAccountName with get/list/watch rights)"
                " or set parameters.kubeconfig")
        if ca is None:
            raise ConnectionSetupError(f"no CA certificate at {sa}/ca.crt to verify the API server",
                                       "mount the service account volume with its ca.crt (kube-root-ca.crt)")
        return Connection(server=_host_url(host, port), source=f"in-cluster ({sa})", verify=ca,
                          token_file=token, namespace=namespace, user="the pod's service account")
    address = environ.get("KUBE_APISERVER_ADDRESS", "").strip()
    if address:
        return _with_sa(address.rstrip("/"), "KUBE_APISERVER_ADDRESS", sa)
    return None


def _with_sa(server: str, source: str, sa: Path) -> Connection:
    if "://" not in server:
        server = "https://" + server
    token, ca, namespace = _sa_files(sa)
    return Connection(server=server, source=source, verify=ca or True, token_file=token, namespace=namespace,
                      user="the pod's service account" if token else "")


_tmpdirs: list[str] = []


def _data_file(data_b64: str, name: str) -> str:
    """Write a ``*-data`` field of a kubeconfig to a private temp file (requests needs paths)."""
    if not _tmpdirs:
        import tempfile

        _tmpdirs.append(tempfile.mkdtemp(prefix="pai-kube-"))
        atexit.register(lambda: [shutil.rmtree(d, ignore_errors=True) for d in _tmpdirs])
    path = Path(_tmpdirs[0]) / name
    try:
        raw = base64.b64decode(data_b64, validate=False)
    except ValueError as exc:
        raise ConnectionSetupError(f"{name} is not valid base64: {exc}") from None
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(raw)
    return str(path)


def _named(items: Any, name: str, what: str, path: str) -> dict[str, Any]:
    for item in items or []:
        if isinstance(item, dict) and item.get("name") == name:
            return item.get(what) or {}
    raise ConnectionSetupError(f"kubeconfig {path}: no {what} named {name!r}",
                               f"fix the current context's {what} reference")


def from_kubeconfig(spec: str) -> Connection:
    """The current context of a kubeconfig (the first existing file of a ``:`` list)."""
    from pai_runtime.config import yamlsource
    from pai_runtime.errors import ConfigError

    paths = [p for p in spec.split(os.pathsep) if p]
    path = next((p for p in paths if Path(p).is_file()), None)
    if path is None:
        raise ConnectionSetupError(f"kubeconfig {spec} does not exist", "fix parameters.kubeconfig or KUBECONFIG")
    try:  # the one bounded loader: size, alias expansion and depth capped
        doc = yamlsource.parse(yamlsource.read_file(path, "kubeconfig"), path).data or {}
    except ConfigError as exc:
        raise ConnectionSetupError(f"kubeconfig {path} cannot be read: {exc.line()}",
                                   "give a valid kubeconfig file") from None
    if not isinstance(doc, dict):
        raise ConnectionSetupError(f"kubeconfig {path} is not a mapping", "give a valid kubeconfig file")
    base = Path(path).resolve().parent
    ctx_name = doc.get("current-context")
    if not ctx_name:
        raise ConnectionSetupError(f"kubeconfig {path} has no current-context", "kubectl config use-context NAME")
    context = _named(doc.get("contexts"), ctx_name, "context", path)
    cluster = _named(doc.get("clusters"), context.get("cluster", ""), "cluster", path)
    user_name = context.get("user", "")
    user = _named(doc.get("users"), user_name, "user", path) if user_name else {}
    server = str(cluster.get("server") or "").rstrip("/")
    if not server:
        raise ConnectionSetupError(f"kubeconfig {path}: cluster {context.get('cluster')!r} has no server")

    def rel(p: str) -> str:
        return str(p if os.path.isabs(p) else base / p)

    verify: bool | str = True
    if cluster.get("insecure-skip-tls-verify"):
        verify = False
    elif cluster.get("certificate-authority-data"):
        verify = _data_file(cluster["certificate-authority-data"], "ca.crt")
    elif cluster.get("certificate-authority"):
        verify = rel(cluster["certificate-authority"])
    if user.get("exec") or user.get("auth-provider"):
        raise ConnectionSetupError(
            f"kubeconfig {path}: user {user_name!r} authenticates with an exec/auth-provider plugin, "
            "which the init container cannot run", "use a kubeconfig with a token or a client certificate")
    token = user.get("token")
    token_file = Path(rel(user["tokenFile"])) if user.get("tokenFile") else None
    cert = None
    if user.get("client-certificate-data") or user.get("client-certificate"):
        c = (_data_file(user["client-certificate-data"], "client.crt") if user.get("client-certificate-data")
             else rel(user["client-certificate"]))
        k = (_data_file(user["client-key-data"], "client.key") if user.get("client-key-data")
             else rel(user.get("client-key", "")))
        cert = (c, k)
    if token:
        redact.register(token)
    return Connection(server=server, source=f"kubeconfig {path} (context {ctx_name})", verify=verify,
                      token_file=token_file, static_token=token, client_cert=cert,
                      namespace=context.get("namespace") or None, user=f"user {user_name!r}")

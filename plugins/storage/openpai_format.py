"""OpenPAI's storage secrets (``storage-config`` and ``storage-server`` in namespace
``pai-storage``), read where an OpenPAI cluster keeps them, turned into this plugin's own
config form.

Why: an unchanged OpenPAI job names configs of its cluster's storage (``STORAGE_NFS``)
and its pod spec mounts nothing for them; OpenPAI's teamwise_storage plugin reads the two
secrets from the Kubernetes API. We read them from the API too (in-cluster service
account, or ``KUBE_APISERVER_ADDRESS`` as OpenPAI's pod spec sets it), or from the two
secrets mounted as volumes at ``$PAI_CONFIG_DIR/storage-config/`` and
``$PAI_CONFIG_DIR/storage-server/`` (one file per key, as a secret volume holds them).

A storage config is ``{name, default, mountInfos: [{mountPoint, path, server,
permission}]}``; a server ``{spn, type: nfs|samba|azurefile|azureblob, ...}``. Per-user
paths (``users/${PAI_USER_NAME}``, ``%USER``, ``%JOB``) are expanded here from the task's
env, so the generated command holds the real path (quoting can never stop an expansion).
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from pathlib import Path
from typing import Any

from storage_mounts import StorageError

NAMESPACE = "pai-storage"
MAX_BYTES = 1 << 20
_VAR = re.compile(r"\$\{(PAI_USER_NAME|PAI_JOB_NAME)\}|\$(PAI_USER_NAME|PAI_JOB_NAME)\b|%(USER|JOB)", re.IGNORECASE)


def _decode(value: Any, what: str) -> dict[str, Any]:
    text = value
    if isinstance(value, str) and not value.lstrip().startswith("{"):
        try:
            text = base64.b64decode(value, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise StorageError(f"{what} is neither JSON nor base64 JSON", what) from None
    try:
        data = json.loads(text)
    except (TypeError, ValueError) as exc:
        raise StorageError(f"{what} is not JSON: {exc}".splitlines()[0], what) from None
    if not isinstance(data, dict):
        raise StorageError(f"{what} must be a JSON object", what)
    return data


def from_dirs(config_dir: Path) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]] | None:
    """(configs by name, servers by spn) from the two secrets mounted as volumes, or None."""
    cdir, sdir = config_dir / "storage-config", config_dir / "storage-server"
    if not cdir.is_dir():
        return None

    def read(d: Path) -> dict[str, dict[str, Any]]:
        out = {}
        if not d.is_dir():
            return out
        for f in sorted(d.iterdir()):
            if f.name.startswith(".") or not f.is_file():  # ..data and friends of a secret volume
                continue
            if f.stat().st_size > MAX_BYTES:
                raise StorageError(f"{f} is larger than 1 MiB", str(f))
            out[f.name] = _decode(f.read_text(encoding="utf-8"), str(f))
        return out

    return read(cdir), read(sdir)


def from_api(environ: dict[str, str], namespace: str = NAMESPACE,
             deadline_s: float = 30.0) -> tuple[dict[str, dict[str, Any]], dict[str, dict[str, Any]]] | None:
    """The two secrets from the Kubernetes API, or None when nothing points at a cluster."""
    import time

    from pai_runtime.kube import connection
    from pai_runtime.kube.client import Client, KubeError, StatusError, describe_exception

    try:
        conn = connection.resolve(environ)
    except connection.ConnectionSetupError as exc:
        raise StorageError(f"cannot reach the Kubernetes API for OpenPAI's storage secrets: {exc}",
                           "storage plugin") from None
    if conn is None:
        return None
    client = Client(conn, deadline=time.monotonic() + deadline_s)
    out = []
    try:
        for name in ("storage-config", "storage-server"):
            path = f"/api/v1/namespaces/{namespace}/secrets/{name}"
            try:
                obj = client.get(path)
            except StatusError as exc:
                if exc.code == 404:
                    if name == "storage-config":
                        return None
                    raise StorageError(f"secret {namespace}/{name} does not exist", conn.source) from None
                raise StorageError(f"reading secret {namespace}/{name}: {exc}", conn.source,
                                   "the pod's service account needs get on secrets in " + namespace) from None
            except KubeError as exc:
                raise StorageError(f"reading secret {namespace}/{name}: {describe_exception(exc)}",
                                   conn.source) from None
            data = obj.get("data") or {}
            out.append({k: _decode(v, f"secret {namespace}/{name} key {k}") for k, v in data.items()})
    finally:
        client.close()
    return out[0], out[1]


def expand(text: str, environ: dict[str, str], where: str) -> str:
    """``${PAI_USER_NAME}``, ``$PAI_JOB_NAME``, ``%USER``, ``%JOB`` from the task's env."""
    def sub(m: re.Match[str]) -> str:
        key = (m.group(1) or m.group(2) or ("PAI_" + m.group(3).upper() + "_NAME")).upper()
        value = environ.get(key)
        if not value:
            raise StorageError(f"{m.group(0)} in {text!r} needs {key}, which is not set", where,
                               f"OpenPAI's pod spec sets {key}; set it in the task's env")
        if "/" in value or value in (".", ".."):
            raise StorageError(f"{key}={value!r} cannot be part of a path", where)
        return value
    return _VAR.sub(sub, text)


def _server(spn: str, s: dict[str, Any], where: str) -> dict[str, Any]:
    kind = str(s.get("type", "")).lower()
    ext = s.get("extension") if isinstance(s.get("extension"), dict) else {}
    opts = ext.get("options") if isinstance(ext.get("options"), list) else []
    if kind == "nfs":
        return {"type": "nfs", "address": s.get("address"), "rootPath": s.get("rootPath"), "options": opts}
    if kind == "samba":
        return {"type": "cifs", "address": s.get("address"), "share": str(s.get("rootPath") or "").strip("/"),
                "username": s.get("userName"), "password": s.get("password"), "domain": s.get("domain"),
                "options": opts or ["vers=3.0"]}
    if kind == "azurefile":
        if s.get("proxy"):
            raise StorageError(f"server {spn!r}: azurefile through an ssh proxy is not supported", where,
                               "reach the share directly, or through a private endpoint (dataStore)")
        return {"type": "azurefile", "endpoint": s.get("dataStore"), "accountName": s.get("accountName"),
                "accountKey": s.get("key"), "shareName": s.get("fileShare"), "options": opts}
    if kind == "azureblob":
        return {"type": "azureblob", "accountName": s.get("accountName"), "accountKey": s.get("key"),
                "containerName": s.get("containerName"), **({"endpoint": s["endpoint"]} if s.get("endpoint") else {})}
    raise StorageError(f"server {spn!r} has type {s.get('type')!r}", where,
                       "OpenPAI server types: nfs, samba, azurefile, azureblob")


def native(configs: dict[str, dict[str, Any]], servers: dict[str, dict[str, Any]], source: str,
           environ: dict[str, str]) -> dict[str, tuple[dict[str, Any], str]]:
    """OpenPAI configs as this plugin's configs (name -> (config, where))."""
    by_spn = {str(s.get("spn") or key): s for key, s in servers.items()}
    out: dict[str, tuple[dict[str, Any], str]] = {}
    for key, c in configs.items():
        name = str(c.get("name") or key)
        where = f"{source} storage-config {name}"
        mounts, used = [], {}
        for i, mi in enumerate(c.get("mountInfos") or []):
            if not isinstance(mi, dict) or "mountPoint" not in mi or "server" not in mi:
                raise StorageError(f"mountInfos[{i}] needs mountPoint and server", where)
            spn = str(mi["server"])
            if spn not in by_spn:
                raise StorageError(f"server {spn!r} is not in storage-server", where,
                                   f"servers: {', '.join(sorted(by_spn)) or 'none'}")
            used[spn] = _server(spn, by_spn[spn], where)
            mounts.append({"mountPoint": expand(str(mi["mountPoint"]), environ, where), "server": spn,
                           "path": expand(str(mi.get("path") or ""), environ, where),
                           "readOnly": str(mi.get("permission", "rw")).lower() == "ro", "createPath": True})
        out[name] = ({"name": name, "default": c.get("default") is True, "servers": used, "mounts": mounts}, where)
    return out


def allowed(environ: dict[str, str]) -> list[str] | None:
    """``STORAGE_CONFIGS`` (OpenPAI's pod env: the configs this user may mount), or None."""
    raw = environ.get("STORAGE_CONFIGS")
    if raw is None or not raw.strip():
        return None
    try:
        names = json.loads(raw)
    except ValueError:
        raise StorageError("STORAGE_CONFIGS is not a JSON list", "env STORAGE_CONFIGS",
                           'OpenPAI sets it like ["STORAGE_NFS"]') from None
    if not isinstance(names, list):
        raise StorageError("STORAGE_CONFIGS is not a JSON list", "env STORAGE_CONFIGS")
    return [str(n) for n in names]

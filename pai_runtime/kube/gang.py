"""The gang ConfigMap: one leader publishes the barrier's result, every other task reads it.

Why: with every task watching the Framework (or all N pods) the API server sends each
whole-object rewrite to N watchers: bytes grow with N² (a 1,000-task job ~13-15 GB, see
docs/barrier.md). With one leader doing that watch and writing the outcome once into a
small ConfigMap, each other task costs one GET and one watch of that ConfigMap and
receives the addresses once: O(N) bytes per task, O(N²) only in the unavoidable
addresses themselves (about 10 bytes per peer after gzip).

The ConfigMap (pure data, built and read here; the barrier does the I/O):

* ``data``: ``key`` (whose gang this is: FrameworkController's
  ``FC_FRAMEWORK_ATTEMPT_INSTANCE_UID``, unique per job attempt, or the ``gangKey`` given
  for pods), ``state`` (``waiting`` while the leader watches, ``ready`` once complete),
  ``ready``/``total``, ``leader``, ``renewed`` (the leader's heartbeat: every write
  changes it, so each heartbeat is an event the followers' silence timers see).
* ``binaryData["gang.json.gz"]``: only when ready with addresses: gzip'd JSON of the
  Framework cut to what the env generator reads (spec roles with their pod annotations
  and container resources, the job config annotation, and per task the pod IP, the host
  IP where it differs, the pod UID only where OpenPAI's hashed port scheduling needs it),
  in columns, so 10,000 addresses stay ~100 KB.
* ``metadata.ownerReferences``: the job object (Framework, JobSet or Job), so the
  garbage collector removes it with the job.

A follower accepts only a ConfigMap whose ``key`` is its own: a retried attempt (new
key) never passes on the previous attempt's addresses.
"""

from __future__ import annotations

import base64
import datetime as _dt
import gzip
import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

from pai_runtime.openpai import framework as fwstatus

PAYLOAD = "gang.json.gz"
FORMAT = 1
MANAGED_BY = "pai-runtime"
PORT_ANNOTATION = "rest-server/port-scheduling-spec"
MAX_PAYLOAD = 900 * 1024  # ConfigMaps are capped at 1 MiB; leave room for the rest


class GangFormatError(ValueError):
    """The ConfigMap is not one this module wrote (or it is corrupt)."""


@dataclass(frozen=True)
class Owner:
    api_version: str
    kind: str
    name: str
    uid: str

    def reference(self) -> dict[str, Any]:
        return {"apiVersion": self.api_version, "kind": self.kind, "name": self.name, "uid": self.uid}


@dataclass
class Gang:
    """What a follower learns from one ConfigMap."""

    state: str  # waiting | ready
    ready: int
    total: int
    leader: str
    framework: dict[str, Any] | None  # Framework-shaped, when ready with addresses
    count_only: bool = False

    @property
    def passed(self) -> bool:
        return self.state == "ready"


_NAME_OK = re.compile(r"^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$")


def configmap_name(job: str, selector: str = "") -> str:
    """``<job>-gang`` when the job's name is a valid object name, else a stable hash."""
    if job and len(job) <= 200 and _NAME_OK.match(job):
        return f"{job}-gang"
    digest = hashlib.sha256(f"{job}\n{selector}".encode()).hexdigest()[:16]
    return f"pai-gang-{digest}"


def now_iso() -> str:
    return _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _hashed_ports(role_spec: dict[str, Any]) -> bool:
    ann = ((((role_spec.get("task") or {}).get("pod") or {}).get("metadata") or {}).get("annotations")) or {}
    text = ann.get(PORT_ANNOTATION)
    if not text:
        return False
    from pai_runtime.config import yamlsource
    from pai_runtime.errors import ConfigError

    try:  # the bounded loader: deep nesting or a 5,000-digit number is "not hashed", not a traceback
        spec = yamlsource.parse_json(text, PORT_ANNOTATION) if isinstance(text, str) else None
    except ConfigError:
        return False
    return isinstance(spec, dict) and "schedulePortStart" in spec


def _cut_role_spec(r: dict[str, Any]) -> dict[str, Any]:
    pod = ((r.get("task") or {}).get("pod")) or {}
    ann = ((pod.get("metadata") or {}).get("annotations")) or {}
    containers = [{"name": c.get("name"), "resources": c.get("resources") or {}}
                  for c in ((pod.get("spec") or {}).get("containers") or []) if isinstance(c, dict)]
    return {"name": r.get("name"), "taskNumber": r.get("taskNumber"),
            "task": {"pod": {"metadata": {"annotations": ann}, "spec": {"containers": containers}}}}


def _computed_ports(role_spec: dict[str, Any], tasks: list[tuple[int, dict[str, Any]]]) -> dict[str, str]:
    """OpenPAI hashed ports computed here, by the leader, one column per port name
    ("p1/p2,p1/p2,..."), so followers need neither pod UIDs nor pod lists (issue 17)."""
    from pai_runtime.openpai import env as openpai_env

    try:
        ps = openpai_env.port_spec(role_spec)
    except Exception:  # a bad annotation: followers report it themselves from the spec
        ps = None
    if ps is None:
        return {}
    per_task = [ps.for_task(fwstatus.pod_uid(t), i) for i, t in tasks]
    return {name: ",".join("/".join(str(x) for x in p.get(name, [])) for p in per_task) for name in ps.ports}


def pack(fw: dict[str, Any]) -> dict[str, Any]:
    """The columns of ``fw`` (a decompressed, ready Framework-shaped object)."""
    meta = fw.get("metadata") or {}
    spec_roles = [r for r in ((fw.get("spec") or {}).get("taskRoles") or []) if isinstance(r, dict)]
    hashed = {str(r.get("name")) for r in spec_roles if _hashed_ports(r)}
    spec_by_name = {str(r.get("name")): r for r in spec_roles}
    roles = []
    for rs in fwstatus.role_statuses(fw):
        name = str(rs.get("name"))
        tasks = [(i, t) for i, t in sorted(fwstatus.tasks_by_index(rs).items()) if not t.get("deletionPending")]
        ips = [fwstatus.pod_ip(t) for _, t in tasks]
        hosts = [str((t.get("attemptStatus") or {}).get("podHostIP") or "") for _, t in tasks]
        col: dict[str, Any] = {"name": name, "ips": ",".join(ips)}
        indexes = [i for i, _ in tasks]
        if indexes != list(range(len(indexes))):
            col["indexes"] = indexes
        if hosts != ips:
            col["hostIPs"] = ",".join(hosts)
        if name in hashed:
            col["ports"] = _computed_ports(spec_by_name[name], tasks)
        roles.append(col)
    return {"format": FORMAT, "kind": fw.get("kind"), "apiVersion": fw.get("apiVersion"),
            "metadata": {"name": meta.get("name"), "namespace": meta.get("namespace"), "uid": meta.get("uid"),
                         "annotations": meta.get("annotations") or {}},
            "spec": {"taskRoles": [_cut_role_spec(r) for r in spec_roles]}, "roles": roles}


def unpack(doc: dict[str, Any]) -> dict[str, Any]:
    """The Framework-shaped object back from :func:`pack`'s columns."""
    from pai_runtime.openpai.env import COMPUTED_PORTS  # the one name the env generator reads

    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise GangFormatError(f"payload format {doc.get('format') if isinstance(doc, dict) else '?'!r}, "
                              f"expected {FORMAT}")
    statuses = []
    for col in doc.get("roles") or []:
        ips = str(col.get("ips") or "").split(",") if col.get("ips") is not None else []
        n = len(ips)
        hosts = str(col["hostIPs"]).split(",") if "hostIPs" in col else ips
        uids = str(col["uids"]).split(",") if "uids" in col else [""] * n
        indexes = col.get("indexes") or list(range(n))
        ports = {str(k): str(v).split(",") for k, v in (col.get("ports") or {}).items()}
        if not (len(hosts) == len(uids) == len(indexes) == n) or any(len(v) != n for v in ports.values()):
            raise GangFormatError(f"role {col.get('name')!r}: columns of different lengths")
        tasks = []
        for i in range(n):
            att: dict[str, Any] = {"podIP": ips[i] or None, "podHostIP": hosts[i] or None}
            if uids[i]:
                att["podUID"] = uids[i]
            if ports:
                att[COMPUTED_PORTS] = {k: [int(x) for x in v[i].split("/") if x] for k, v in ports.items()}
            tasks.append({"index": int(indexes[i]), "deletionPending": False, "attemptStatus": att})
        statuses.append({"name": col.get("name"), "taskStatuses": tasks})
    return {"apiVersion": doc.get("apiVersion") or "v1", "kind": doc.get("kind") or "Framework",
            "metadata": doc.get("metadata") or {}, "spec": doc.get("spec") or {"taskRoles": []},
            "status": {"attemptStatus": {"taskRoleStatuses": statuses}}}


def counts_framework(name: str, namespace: str, roles: list[tuple[str, int]]) -> dict[str, Any]:
    """Count-only mode: a Framework-shaped object with the roles and no addresses (peers
    use stable DNS names)."""
    return {"apiVersion": "v1", "kind": "PodGroup", "metadata": {"name": name, "namespace": namespace},
            "spec": {"taskRoles": [{"name": r, "taskNumber": n} for r, n in roles]},
            "status": {"attemptStatus": {"taskRoleStatuses": [
                {"name": r, "taskStatuses": [{"index": i, "attemptStatus": {}} for i in range(n)]}
                for r, n in roles]}}}


def build(*, name: str, namespace: str, key: str, leader: str, state: str, ready: int, total: int,
          owner: Owner | None, job: str, fw: dict[str, Any] | None = None, count_only: bool = False,
          resource_version: str = "") -> dict[str, Any]:
    """The ConfigMap to create or replace (``resource_version`` makes the replace
    conditional)."""
    labels = {"app.kubernetes.io/managed-by": MANAGED_BY}
    if job and len(job) <= 63 and re.match(r"^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$", job):
        labels["pai.microsoft.com/gang-of"] = job
    meta: dict[str, Any] = {"name": name, "namespace": namespace, "labels": labels}
    if owner is not None:
        meta["ownerReferences"] = [owner.reference()]
    if resource_version:
        meta["resourceVersion"] = resource_version
    data = {"key": key, "state": state, "ready": str(ready), "total": str(total), "leader": leader,
            "renewed": now_iso(), "mode": "count" if count_only else "addresses"}
    cm: dict[str, Any] = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": meta, "data": data}
    if state == "ready" and fw is not None:
        if count_only:
            roles = fwstatus.spec_roles(fw)
            data["roles"] = ",".join(f"{r}={n}" for r, n in roles)
        else:
            raw = json.dumps(pack(fw), separators=(",", ":")).encode()
            packed = gzip.compress(raw, compresslevel=9, mtime=0)
            if len(packed) > MAX_PAYLOAD:
                raise GangFormatError(f"the addresses take {len(packed)} bytes gzip'd, over a ConfigMap's "
                                      f"{MAX_PAYLOAD} limit")
            cm["binaryData"] = {PAYLOAD: base64.b64encode(packed).decode()}
    return cm


def read(cm: dict[str, Any], key: str) -> Gang | None:
    """The gang in ``cm`` when it is ours (``key`` matches), else ``None`` (another job's
    or a previous attempt's: wait for the leader to replace it)."""
    data = cm.get("data") or {}
    if not isinstance(data, dict) or data.get("key") != key:
        return None
    state = str(data.get("state") or "")
    try:
        ready, total = int(data.get("ready") or 0), int(data.get("total") or 0)
    except ValueError:
        raise GangFormatError("ready/total are not numbers") from None
    count_only = data.get("mode") == "count"
    fw = None
    if state == "ready":
        meta = cm.get("metadata") or {}
        if count_only:
            roles = []
            for part in filter(None, str(data.get("roles") or "").split(",")):
                r, _, n = part.rpartition("=")
                roles.append((r, int(n) if n.isdigit() else 0))
            fw = counts_framework(str(meta.get("name") or ""), str(meta.get("namespace") or ""), roles)
        else:
            blob = (cm.get("binaryData") or {}).get(PAYLOAD)
            if not blob:
                raise GangFormatError(f"state ready but no binaryData {PAYLOAD}")
            from pai_runtime.config import yamlsource
            from pai_runtime.errors import ConfigError
            from pai_runtime.openpai.framework import MAX_FILE_BYTES

            try:  # inflated and parsed within bounds: a few KB of gzip can hold gigabytes
                fw = unpack(yamlsource.parse_json(yamlsource.gunzip(base64.b64decode(blob), PAYLOAD,
                                                                    max_bytes=MAX_FILE_BYTES), PAYLOAD,
                                                  max_bytes=MAX_FILE_BYTES))
            except ConfigError as exc:
                raise GangFormatError(f"{PAYLOAD} cannot be read: {exc.line()}") from None
            except (ValueError, OSError, EOFError) as exc:
                raise GangFormatError(f"{PAYLOAD} cannot be read: {exc}") from None
    elif state != "waiting":
        raise GangFormatError(f"unknown state {state!r}")
    return Gang(state, ready, total, str(data.get("leader") or ""), fw, count_only)

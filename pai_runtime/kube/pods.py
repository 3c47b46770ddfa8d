"""Pods of a job (JobSet, Indexed Job, Volcano, Kubeflow, plain pods) seen as a
Framework-shaped object.

Why the same shape: the env generator and ``framework.json`` then work for every
source; only the barrier's readiness differs (an expected count, because pods that do
not exist yet cannot be named).
"""

from __future__ import annotations

from typing import Any

from pai_runtime.openpai.framework import Readiness

#: Labels that name a pod's role, most specific first.
ROLE_LABELS = (
    "pai.microsoft.com/task-role",
    "jobset.sigs.k8s.io/replicatedjob-name",
    "training.kubeflow.org/replica-type",
    "volcano.sh/task-spec",
    "job-name",
)
#: Labels or annotations with a pod's index within its role.
INDEX_KEYS = (
    "pai.microsoft.com/task-index",
    "batch.kubernetes.io/job-completion-index",
    "training.kubeflow.org/replica-index",
    "volcano.sh/task-index",
)


def _meta_value(pod: dict[str, Any], keys: tuple[str, ...]) -> str:
    meta = pod.get("metadata") or {}
    for source in (meta.get("labels") or {}, meta.get("annotations") or {}):
        for k in keys:
            if source.get(k) not in (None, ""):
                return str(source[k])
    return ""


def live(pods: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Pods not being deleted and not finished (a Failed pod will be replaced)."""
    return [p for p in pods if not (p.get("metadata") or {}).get("deletionTimestamp")
            and ((p.get("status") or {}).get("phase") not in ("Failed", "Succeeded"))]


def role_of(pod: dict[str, Any], role_label: str | None = None) -> str:
    keys = (role_label,) if role_label else ROLE_LABELS
    return _meta_value(pod, keys) or "task"


def to_framework(pods: list[dict[str, Any]], *, name: str, namespace: str,
                 role_label: str | None = None) -> dict[str, Any]:
    """A Framework-shaped dict: one task role per role label value, tasks indexed by
    the pod's index label (else by pod name order)."""
    roles: dict[str, list[dict[str, Any]]] = {}
    for p in live(pods):
        roles.setdefault(role_of(p, role_label), []).append(p)
    spec_roles, statuses = [], []
    for role in sorted(roles):
        members = roles[role]

        def key(p: dict[str, Any]) -> tuple[int, str]:
            idx = _meta_value(p, INDEX_KEYS)
            return (int(idx) if idx.isdigit() else 1 << 30, (p.get("metadata") or {}).get("name", ""))

        members.sort(key=key)
        tasks = []
        for pos, p in enumerate(members):
            idx = _meta_value(p, INDEX_KEYS)
            meta, status = p.get("metadata") or {}, p.get("status") or {}
            tasks.append({"index": int(idx) if idx.isdigit() else pos, "deletionPending": False,
                          "attemptStatus": {"podName": meta.get("name"), "podUID": meta.get("uid"),
                                            "podIP": status.get("podIP"), "podHostIP": status.get("hostIP"),
                                            "podNodeName": (p.get("spec") or {}).get("nodeName")}})
        spec_roles.append({"name": role, "taskNumber": len(tasks), "task": {"pod": {"metadata": {}}}})
        statuses.append({"name": role, "taskStatuses": tasks})
    return {"apiVersion": "v1", "kind": "PodGroup", "metadata": {"name": name, "namespace": namespace},
            "spec": {"taskRoles": spec_roles},
            "status": {"attemptStatus": {"taskRoleStatuses": statuses}}}


def readiness(pods: list[dict[str, Any]], expected: int) -> Readiness:
    alive = live(pods)
    with_ip = [p for p in alive if (p.get("status") or {}).get("podIP")]
    waiting = sorted((p.get("metadata") or {}).get("name", "?") for p in alive
                     if not (p.get("status") or {}).get("podIP"))
    missing = max(0, expected - len(alive))
    r = Readiness(total=expected, ready=min(len(with_ip), expected), waiting=waiting)
    r.extra_waiting = missing
    return r

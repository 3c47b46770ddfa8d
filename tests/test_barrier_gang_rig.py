"""The test API server's ConfigMaps and per-client accounting (what the gang barrier and
its bench rely on), and the gang ConfigMap's format."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
import requests

from pai_runtime.kube import gang
from tests.rigs.kube_apiserver import KubeApiServer, framework, iter_watch_lines

CM = "/api/v1/namespaces/default/configmaps"


@pytest.fixture()
def rig(tmp_path: Path):
    with KubeApiServer(tmp_path / "rig", tls=False, bookmark_interval=0.2) as server:
        yield server


def _hdr(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}


def test_configmap_create_conflict_update_and_rbac(rig: KubeApiServer) -> None:
    reader = rig.issue_token("reader")
    rig.grant("reader", "get,list,watch", "configmaps")
    body = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "g"}, "data": {"a": "1"}}
    r = requests.post(rig.url + CM, json=body, headers=_hdr(reader), timeout=5)
    assert r.status_code == 403
    assert 'User "reader" cannot create resource "configmaps" in API group "" in the namespace "default"' \
        in r.json()["message"]

    admin = rig.admin_token
    r = requests.post(rig.url + CM, json=body, headers=_hdr(admin), timeout=5)
    assert r.status_code == 201, r.text
    created = r.json()
    assert created["metadata"]["uid"] and created["metadata"]["resourceVersion"]
    again = requests.post(rig.url + CM, json=body, headers=_hdr(admin), timeout=5)
    assert again.status_code == 409 and again.json()["reason"] == "AlreadyExists"

    stale = {**body, "metadata": {"name": "g", "resourceVersion": "1"}, "data": {"a": "2"}}
    r = requests.put(f"{rig.url}{CM}/g", json=stale, headers=_hdr(admin), timeout=5)
    assert r.status_code == 409 and r.json()["reason"] == "Conflict"
    fresh = {**body, "metadata": {"name": "g", "resourceVersion": created["metadata"]["resourceVersion"]},
             "data": {"a": "2"}}
    r = requests.put(f"{rig.url}{CM}/g", json=fresh, headers=_hdr(admin), timeout=5)
    assert r.status_code == 200 and r.json()["data"] == {"a": "2"}
    rv = r.json()["metadata"]["resourceVersion"]
    # a no-op replace keeps the resourceVersion (no event), as kube-apiserver does
    same = requests.put(f"{rig.url}{CM}/g", json={**fresh, "metadata": {"name": "g"}}, headers=_hdr(admin), timeout=5)
    assert same.status_code == 200 and same.json()["metadata"]["resourceVersion"] == rv
    missing = requests.put(f"{rig.url}{CM}/nope", json={**body, "metadata": {"name": "nope"}}, headers=_hdr(admin),
                           timeout=5)
    assert missing.status_code == 404 and missing.json()["details"]["name"] == "nope"
    got = requests.get(f"{rig.url}{CM}/g", params={"resourceVersion": "0"}, headers=_hdr(reader), timeout=5)
    assert got.status_code == 200 and got.json()["data"] == {"a": "2"}


def test_watch_one_configmap_and_count_per_client(rig: KubeApiServer) -> None:
    a, b = rig.issue_token("reader"), rig.issue_token("reader")
    rig.grant("reader", "get,list,watch", "configmaps")
    rig.put({"kind": "ConfigMap", "metadata": {"name": "other"}, "data": {}})
    events: list[dict] = []

    def watch() -> None:
        with requests.get(rig.url + CM, params={"watch": "1", "fieldSelector": "metadata.name=g",
                                                "resourceVersion": "0", "timeoutSeconds": "2"},
                          headers=_hdr(a), stream=True, timeout=5) as resp:
            for ev in iter_watch_lines(resp):
                events.append(ev)
                if ev["object"].get("data", {}).get("state") == "ready":
                    return

    t = threading.Thread(target=watch)
    t.start()
    rig.put({"kind": "ConfigMap", "metadata": {"name": "other"}, "data": {"x": "1"}})
    rig.put({"kind": "ConfigMap", "metadata": {"name": "g"}, "data": {"state": "ready"}})
    t.join(5)
    assert [e["type"] for e in events] == ["ADDED"] and events[0]["object"]["kind"] == "ConfigMap"
    requests.get(f"{rig.url}{CM}/g", headers=_hdr(b), timeout=5)
    stats = rig.per_client()
    assert stats[a].requests == 1 and stats[a].watches == 1 and stats[a].events == 1
    assert stats[b].requests == 1 and stats[b].events == 0
    # bytes: what went out on the socket for that client (headers, body, chunk framing)
    one = len(json.dumps(rig.get("configmaps", "g")))
    assert one < stats[b].bytes < one + 600
    assert stats[a].bytes > one


def test_gang_configmap_roundtrip_and_key() -> None:
    fw = framework("job", {"master": 1, "worker": 3}, ports={"master": {"ssh": 1}, "worker": {"ssh": 1}},
                   config="jobName: job\n")
    cm = gang.build(name="job-gang", namespace="default", key="0_abc", leader="master-0", state="ready",
                    ready=4, total=4, owner=gang.Owner("frameworkcontroller.microsoft.com/v1", "Framework",
                                                       "job", "uid-1"), job="job", fw=fw)
    assert cm["metadata"]["ownerReferences"][0]["uid"] == "uid-1"
    assert gang.read(cm, "1_other") is None  # another attempt's: not ours
    got = gang.read(cm, "0_abc")
    assert got is not None and got.passed and got.total == 4
    back = got.framework
    assert back is not None
    assert [(r["name"], r["taskNumber"]) for r in back["spec"]["taskRoles"]] == [("master", 1), ("worker", 3)]
    tasks = back["status"]["attemptStatus"]["taskRoleStatuses"][1]["taskStatuses"]
    orig = fw["status"]["attemptStatus"]["taskRoleStatuses"][1]["taskStatuses"]
    assert [t["attemptStatus"]["podIP"] for t in tasks] == [t["attemptStatus"]["podIP"] for t in orig]
    # hashed port scheduling: the leader computes the ports from the pod UIDs; the ports travel, the UIDs do not
    from pai_runtime.openpai import env as openpai_env

    assert all("podUID" not in t["attemptStatus"] for t in tasks)
    assert ([t.ports for t in openpai_env._tasks(back, [])[1]["worker"]]
            == [t.ports for t in openpai_env._tasks(fw, [])[1]["worker"]])
    assert back["metadata"]["annotations"]["config"] == "jobName: job\n"

    count = gang.build(name="job-gang", namespace="default", key="k", leader="l", state="ready", ready=4, total=4,
                       owner=None, job="job", fw=fw, count_only=True)
    assert "binaryData" not in count and gang.read(count, "k").framework["spec"]["taskRoles"][1]["taskNumber"] == 3


def test_gang_configmap_name() -> None:
    assert gang.configmap_name("job1") == "job1-gang"
    odd = gang.configmap_name("jobset.sigs.k8s.io/jobset-name=Demo", "x")
    assert odd.startswith("pai-gang-") and odd == gang.configmap_name("jobset.sigs.k8s.io/jobset-name=Demo", "x")

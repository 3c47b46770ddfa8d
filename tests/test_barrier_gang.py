"""The gang barrier at scale: one leader watches the job and publishes the result in a
ConfigMap; the other tasks read and watch only that ConfigMap; when the leader dies they
fall back to the direct path, spread out in time (no thundering herd of lists)."""

# ruff: noqa: F811  (pytest fixtures imported from tests.rigs.barrier_fixtures are used as arguments)
from __future__ import annotations

import random
import time
from pathlib import Path

import pytest

from pai_runtime.errors import ConfigError
from pai_runtime.initplugins import barrier
from pai_runtime.kube import gang
from tests.rigs.barrier_fixtures import in_cluster_env, kube_rig, make_ctx, rig, run_in_thread  # noqa: F401
from tests.rigs.kube_apiserver import KubeApiServer, framework

pytestmark = pytest.mark.timeout(60)
FW = "/apis/frameworkcontroller.microsoft.com/v1/namespaces/default/frameworks"
CMS = "/api/v1/namespaces/default/configmaps"
KEY = "0_7f1c2d9e-attempt-instance"


def _task(rig: KubeApiServer, tmp: Path, role: str, index: int, *, verbs: str = "get,list,watch",
          cm_verbs: str = "get,list,watch,create,update", key: str = KEY, account: str = "runtime-account",
          **extra: str):
    """One task's barrier: its own service-account token (so the rig counts it apart)."""
    sa = rig.service_account(tmp / f"sa-{role}-{index}", name=account, verbs=verbs)
    if cm_verbs:
        rig.grant(sa.user, cm_verbs, "configmaps")
    env = in_cluster_env(rig, sa, FC_TASKROLE_NAME=role, FC_TASK_INDEX=str(index),
                         FC_FRAMEWORK_ATTEMPT_INSTANCE_UID=key, FC_POD_UID=f"pod-{role}-{index}", **extra)
    ctx = make_ctx(tmp / f"t-{role}-{index}", env)
    return sa, ctx


def _params(sa, **kw):
    return {"serviceAccountDir": str(sa.path), "timeout": "30s", **kw}


def _set_ips(rig: KubeApiServer, role_pos: int, indexes: range, base: str = "10.7") -> None:
    fw = rig.get("frameworks", "job1")
    for i in indexes:
        t = fw["status"]["attemptStatus"]["taskRoleStatuses"][role_pos]["taskStatuses"][i]
        t["attemptStatus"]["podIP"] = t["attemptStatus"]["podHostIP"] = f"{base}.{role_pos}.{i}"
    rig.put(fw)


def _start(rig, tmp, tasks, **params):
    runs = []
    for role, index in tasks:
        sa, ctx = _task(rig, tmp, role, index)
        t, out = run_in_thread(barrier.run, ctx, _params(sa, **params))
        runs.append((role, index, sa, ctx, t, out))
    return runs


def test_followers_read_only_the_configmap_and_pass_with_the_leader(rig, tmp_path):
    rig.put(framework("job1", {"master": 1, "worker": 3}, ready={"master": 0, "worker": 0}))
    runs = _start(rig, tmp_path, [("master", 0), ("worker", 0), ("worker", 1), ("worker", 2)])
    time.sleep(0.8)
    _set_ips(rig, 0, range(1))
    _set_ips(rig, 1, range(3))
    last_ip = time.monotonic()
    for *_, t, _ in runs:
        t.join(20)
    for role, index, _, ctx, _, out in runs:
        assert "error" not in out, (role, index, out.get("error"))
        assert out["end"] - last_ip < 2.0
        assert ctx.runtime_env["FB_WORKER_IPS"] == "10.7.1.0,10.7.1.1,10.7.1.2"
        assert ctx.runtime_env["FB_MASTER_IPS"] == "10.7.0.0"
    roles = {(r, i): ctx.barrier_stats["role"] for r, i, _, ctx, _, _ in runs}
    assert roles == {("master", 0): "leader", ("worker", 0): "follower", ("worker", 1): "follower",
                     ("worker", 2): "follower"}
    per = rig.per_client()
    for role, index, sa, _, _, _ in runs:
        mine = rig.timeline(sa.token)
        if role == "worker" and index > 0:
            # a follower: a GET (resourceVersion=0) and one watch of the ConfigMap, never the Framework
            assert [r.path for r in mine] == [f"{CMS}/job1-gang", CMS], mine
            assert mine[0].query.get("resourceVersion") == "0"
            assert mine[1].query["fieldSelector"] == "metadata.name=job1-gang"
            assert per[sa.token].requests <= 3
    # index 0 of the second role reads the Framework once (is my role the first?) and then follows
    w0 = rig.timeline(runs[1][2].token)
    assert [r.path for r in w0] == [f"{FW}/job1", f"{CMS}/job1-gang", CMS]
    cm = rig.get("configmaps", "job1-gang")
    assert cm["data"]["key"] == KEY and cm["data"]["state"] == "ready" and cm["data"]["total"] == "4"
    assert cm["metadata"]["ownerReferences"][0]["kind"] == "Framework"
    assert "4/4 tasks ready" in runs[2][5]["value"] and "gang ConfigMap" in runs[2][5]["value"]


def test_a_previous_attempts_configmap_is_never_taken(rig, tmp_path):
    old = framework("job1", {"worker": 2}, ip_base="10.99")
    rig.put(gang.build(name="job1-gang", namespace="default", key="0_previous-attempt", leader="old", state="ready",
                       ready=2, total=2, owner=None, job="job1", fw=old))
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 0}))
    runs = _start(rig, tmp_path, [("worker", 1), ("worker", 0)])
    time.sleep(0.8)
    assert all("end" not in out for *_, out in runs)  # the stale "ready" did not pass anyone
    _set_ips(rig, 0, range(2))
    for *_, t, _ in runs:
        t.join(20)
    for *_, ctx, _, out in runs:
        assert "error" not in out, out.get("error")
        assert ctx.runtime_env["FB_WORKER_IPS"] == "10.7.0.0,10.7.0.1"
    assert rig.get("configmaps", "job1-gang")["data"]["key"] == KEY


def test_killing_the_leader_mid_barrier_falls_back_without_a_herd(rig, tmp_path):
    """Followers of a dead leader spread their direct reads over the jitter window.

    The draws are seeded so the planned spread is the same every run; the bound leaves room
    for a loaded CI machine, where threads woken at their planned times run late and bunch up
    (without jitter all seven would fall in one window)."""
    random.seed(20261207)
    n = 8
    rig.put(framework("job1", {"worker": n}, ready={"worker": 0}))
    params = {"leaderTimeout": "1s", "fallbackJitter": "4s"}
    runs = _start(rig, tmp_path, [("worker", i) for i in range(n)], **params)
    leader_ctx = runs[0][3]
    deadline = time.monotonic() + 5
    while rig.get("configmaps", "job1-gang") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert rig.get("configmaps", "job1-gang")["data"]["state"] == "waiting"
    time.sleep(0.5)
    killed = time.monotonic()
    leader_ctx.cancelled.set()  # the leader dies: its heartbeat stops, it never writes "ready"
    runs[0][4].join(5)
    _set_ips(rig, 0, range(n))
    for *_, t, _ in runs[1:]:
        t.join(30)
    for _, index, _, ctx, _, out in runs[1:]:
        assert "error" not in out, (index, out.get("error"))
        assert ctx.barrier_stats["role"] == "fallback"
        assert ctx.runtime_env["FB_WORKER_IPS"].count(",") == n - 1
    # the request timeline: each follower's first direct read of the Framework
    firsts = []
    for _, index, sa, _, _, _ in runs[1:]:
        fw_reads = [r for r in rig.timeline(sa.token) if r.path == f"{FW}/job1" and not r.watch]
        firsts.append((fw_reads[0].start - killed, index))
    firsts.sort()
    print("\nfallback timeline (s after the leader died):")
    for at, index in firsts:
        print(f"  {at:6.2f}s  worker-{index}: GET {FW}/job1")
    times = [at for at, _ in firsts]
    assert times[0] >= 0.5  # nobody before the silence timeout
    # spread over the jitter window, not a burst: at most 4 of the 7 first reads in any 0.3 s
    assert max(sum(1 for u in times if t <= u < t + 0.3) for t in times) <= 4
    assert times[-1] - times[0] >= 1.0


def test_a_follower_that_may_not_read_configmaps_waits_directly(rig, tmp_path):
    rig.put(framework("job1", {"worker": 2}))
    sa, ctx = _task(rig, tmp_path, "worker", 1, cm_verbs="", account="no-configmaps")
    out = barrier.run(ctx, _params(sa))
    assert out.startswith("2/2 tasks ready")
    assert ctx.barrier_stats["role"] == "fallback"
    assert any("may not read the gang ConfigMap" in m for m in ctx.log.messages())


def test_a_leader_that_may_not_write_says_so_and_passes(rig, tmp_path):
    rig.put(framework("job1", {"worker": 2}))
    sa, ctx = _task(rig, tmp_path, "worker", 0, cm_verbs="get,list,watch", account="read-only")
    out = barrier.run(ctx, _params(sa))
    assert out.startswith("2/2 tasks ready")
    warn = [(m, kw) for lvl, m, kw in ctx.log.lines if lvl == "warning"]
    assert warn and "cannot publish the gang ConfigMap" in warn[0][0]
    assert "create and update on configmaps" in warn[0][1]["hint"]


def test_count_only(rig, tmp_path):
    rig.put(framework("job1", {"worker": 3}, ready={"worker": 0}))
    runs = _start(rig, tmp_path, [("worker", 0), ("worker", 1)], share="count")
    time.sleep(0.6)
    _set_ips(rig, 0, range(3))
    for *_, t, _ in runs:
        t.join(20)
    assert all("error" not in out for *_, out in runs), [out.get("error") for *_, out in runs]
    cm = rig.get("configmaps", "job1-gang")
    assert "binaryData" not in cm and cm["data"]["mode"] == "count" and cm["data"]["roles"] == "worker=3"
    follower = runs[1][3]
    assert follower.framework["spec"]["taskRoles"] == [{"name": "worker", "taskNumber": 3}]


def test_pods_source_with_a_gang_key(rig, tmp_path):
    def pod(i: int, ip: str | None):
        return {"kind": "Pod", "metadata": {"name": f"demo-w-{i}", "uid": f"uid-{i}",
                                            "labels": {"jobset.sigs.k8s.io/jobset-name": "demo",
                                                       "batch.kubernetes.io/job-completion-index": str(i)}},
                "status": {"phase": "Pending", **({"podIP": ip} if ip else {})}}

    for i in range(3):
        rig.put(pod(i, None))
    runs = []
    for i in (0, 1, 2):
        sa, ctx = _task(rig, tmp_path, "w", i, PAI_GANG_KEY="jobset-uid-1-attempt-0", HOSTNAME=f"demo-w-{i}")
        ctx.environ.pop("FC_TASKROLE_NAME")
        t, out = run_in_thread(barrier.run, ctx, _params(sa, source="pods", expected=3, name="demo",
                                                         selector="jobset.sigs.k8s.io/jobset-name=demo"))
        runs.append((i, sa, ctx, t, out))
    time.sleep(0.6)
    for i in range(3):
        rig.put(pod(i, f"10.5.0.{i}"))
    for *_, t, _ in runs:
        t.join(20)
    for i, sa, ctx, _, out in runs:
        assert "error" not in out, out.get("error")
        assert ctx.barrier_stats["role"] == ("leader" if i == 0 else "follower")
        assert ctx.runtime_env["FB_TASK_IPS"] == "10.5.0.0,10.5.0.1,10.5.0.2"
        if i:
            assert all("/pods" not in r.path for r in rig.timeline(sa.token))


def test_share_needs_a_key_and_a_leader_rule(rig, tmp_path):
    rig.put(framework("job1", {"worker": 1}))
    sa, ctx = _task(rig, tmp_path, "worker", 0, key="")
    with pytest.raises(ConfigError, match="needs the gang's key"):
        barrier.run(ctx, _params(sa, share="addresses"))
    # without share, no key means the direct path, as before
    assert barrier.run(ctx, _params(sa)).startswith("1/1 tasks ready")
    assert ctx.barrier_stats["role"] == "direct"


def test_hashed_ports_are_computed_by_the_leader_and_need_no_pod_uids():
    """Issue 17: followers get OpenPAI hashed ports from the ConfigMap, not pod UIDs."""
    import json
    import uuid

    from pai_runtime.openpai import env as openpai_env

    fw = framework("job", {"worker": 3}, ready={"worker": 3}, ports={"worker": {"ssh": 1, "http": 2}})
    for t in fw["status"]["attemptStatus"]["taskRoleStatuses"][0]["taskStatuses"]:
        t["attemptStatus"]["podUID"] = str(uuid.uuid4())
    doc = gang.pack(fw)
    text = json.dumps(doc)
    assert "podUID" not in text and "uids" not in text and doc["roles"][0]["ports"]
    want = {(t.role, t.index): t.ports for ts in openpai_env._tasks(fw, [])[1].values() for t in ts}
    got = {(t.role, t.index): t.ports for ts in openpai_env._tasks(gang.unpack(doc), [])[1].values() for t in ts}
    assert got == want
    assert all(len(p["http"]) == 2 and len(p["ssh"]) == 1 for p in got.values())

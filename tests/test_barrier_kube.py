"""The ``barrier`` built-in against the test API server: passing, waiting, and every
error class with its exit code and one-line message."""

# ruff: noqa: F811  (pytest fixtures imported from tests.rigs.barrier_fixtures are used as arguments)
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pai_runtime.errors import Skip
from pai_runtime.initplugins import barrier
from tests.rigs.barrier_fixtures import in_cluster_env, kube_rig, make_ctx, rig, run_in_thread  # noqa: F401
from tests.rigs.kube_apiserver import KubeApiServer, framework, task_status

pytestmark = pytest.mark.timeout(60)
FW_PATH = "/apis/frameworkcontroller.microsoft.com/v1/namespaces/default/frameworks"


@pytest.fixture()
def sa(rig: KubeApiServer, tmp_path: Path):
    return rig.service_account(tmp_path / "sa")


def _params(sa, **kw):
    return {"serviceAccountDir": str(sa.path), **kw}


def _set_ip(rig: KubeApiServer, name: str, role_pos: int, idx: int, ip: str) -> None:
    fw = rig.get("frameworks", name)
    t = fw["status"]["attemptStatus"]["taskRoleStatuses"][role_pos]["taskStatuses"][idx]
    t["attemptStatus"]["podIP"] = t["attemptStatus"]["podHostIP"] = ip
    rig.put(fw)


def test_all_ready_passes_and_writes_outputs(rig, sa, tmp_path):
    rig.put(framework("job1", {"master": 1, "worker": 2}))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    summary = barrier.run(ctx, _params(sa))
    assert summary.startswith("3/3 tasks ready")
    written = json.loads((ctx.staging / "framework.json").read_text())
    assert written["metadata"]["name"] == "job1"
    assert ctx.framework["metadata"]["name"] == "job1"
    assert ctx.runtime_env["FB_WORKER_IPS"] == "10.1.1.0,10.1.1.1"
    assert ctx.runtime_env["FB_MASTER_IPS"] == "10.1.0.0"
    assert "3/3 tasks ready" in ctx.log.messages()


def test_slow_pod_ips_pass_within_seconds_of_the_last_ip(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 4}, ready={"worker": 0}))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    t, out = run_in_thread(barrier.run, ctx, _params(sa, timeout="30s"))
    for i in range(4):
        time.sleep(0.6)
        _set_ip(rig, "job1", 0, i, f"10.9.0.{i}")
    last_ip = time.monotonic()
    t.join(20)
    assert "error" not in out, out.get("error")
    assert out["end"] - last_ip < 3.0
    # list + watch, not a poll: a handful of requests, not one per progress step
    assert ctx.barrier_stats["requests"] <= 4
    assert any(m.endswith("tasks ready") and m.startswith(("1/4", "2/4", "3/4")) for m in ctx.log.messages())


def test_revoked_token_fails_fast_with_252(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}))
    rig.revoke_token(sa.token)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    start = time.monotonic()
    with pytest.raises(barrier.BarrierPermanentError) as ei:
        barrier.run(ctx, _params(sa))
    assert time.monotonic() - start < 5
    assert ei.value.code == 252
    token = sa.path / "token"
    assert ei.value.message.startswith(f"Unauthorized: the service account token at {token} is not accepted")
    assert sa.token not in ei.value.line()


def test_token_rotated_mid_wait_is_picked_up(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 1}))
    rig.max_watch_seconds = 0.7  # watches end often, so requests after the rotation happen
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    t, out = run_in_thread(barrier.run, ctx, _params(sa, timeout="30s"))
    time.sleep(1.0)
    old_token = sa.token
    sa.rotate(revoke_old=True)
    time.sleep(1.5)
    _set_ip(rig, "job1", 0, 1, "10.9.0.1")
    t.join(20)
    assert "error" not in out, out.get("error")
    mine = [r for r in rig.requests if r.token in (old_token, sa.token)]
    swap = next(i for i, r in enumerate(mine) if r.token == sa.token)
    # the new token is read from disk and accepted; at most the one request in flight at the
    # swap carried the revoked token (401), and it was retried with the new one
    assert all(r.token == sa.token and r.status != 401 for r in mine[swap:])
    assert sum(r.status == 401 for r in mine[:swap]) <= 1


def test_forbidden_names_user_verb_and_resource(rig, tmp_path):
    sa = rig.service_account(tmp_path / "sa", name="nobody", verbs="")
    rig.put(framework("job1", {"worker": 1}))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    with pytest.raises(barrier.BarrierPermanentError) as ei:
        barrier.run(ctx, _params(sa))
    assert ei.value.code == 252
    assert ei.value.message == ('Forbidden: user "system:serviceaccount:default:nobody" may not get "frameworks" '
                                '(API group "frameworkcontroller.microsoft.com") in namespace "default"')


def test_missing_framework_vs_missing_crd(rig, sa, tmp_path):
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa, FC_FRAMEWORK_NAME="gone"))
    with pytest.raises(barrier.BarrierPermanentError) as ei:
        barrier.run(ctx, _params(sa))
    assert ei.value.message == 'Framework "default/gone" not found'
    rig.serve_frameworks = False
    with pytest.raises(barrier.BarrierPermanentError) as ei2:
        barrier.run(ctx, _params(sa))
    assert ei2.value.code == 252
    assert "does not serve frameworks.frameworkcontroller.microsoft.com/v1" in ei2.value.message
    assert "CRD" in ei2.value.line()


def test_410_inside_the_watch_stream_relists(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 1}))
    rig.inject("watch_gone", "frameworks", times=1, after_events=0)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    t, out = run_in_thread(barrier.run, ctx, _params(sa, timeout="30s"))
    time.sleep(1.0)
    _set_ip(rig, "job1", 0, 1, "10.9.0.1")
    t.join(20)
    assert "error" not in out, out.get("error")
    gets = [r for r in rig.requests if r.path == f"{FW_PATH}/job1"]
    assert len(gets) >= 2
    assert any("410" in m for m in ctx.log.messages())


def test_410_as_http_status_after_compaction_relists(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 1}))
    rig.watch_gone_as_http = True
    rig.inject("delay", "frameworks", watch=True, times=1, seconds=0.3)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    t, out = run_in_thread(barrier.run, ctx, _params(sa, timeout="30s"))
    time.sleep(0.1)
    rig.put(framework("other", {"x": 1}))
    rig.compact()
    time.sleep(1.0)
    _set_ip(rig, "job1", 0, 1, "10.9.0.1")
    t.join(20)
    assert "error" not in out, out.get("error")
    assert any(r.watch and r.status == 410 for r in rig.requests)


def test_watches_that_close_at_once_do_not_spin(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 1}))
    rig.inject("watch_close", "frameworks", times=None)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    t, out = run_in_thread(barrier.run, ctx, _params(sa, timeout="30s", interval="2s"))
    time.sleep(3.0)
    watches = rig.count(watch=True)
    rig.clear_faults()
    _set_ip(rig, "job1", 0, 1, "10.9.0.1")
    t.join(20)
    assert "error" not in out, out.get("error")
    assert 2 <= watches <= 8


def test_429_retry_after_is_obeyed(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 1}))
    rig.inject("status", "frameworks/job1", times=2, status=429, retry_after=1)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    start = time.monotonic()
    barrier.run(ctx, _params(sa))
    assert time.monotonic() - start >= 2.0
    assert [r.status for r in rig.requests if r.path == f"{FW_PATH}/job1" and r.token == sa.token] == [429, 429, 200]
    assert any("retrying in 1.0s" in m for m in ctx.log.messages())


def test_5xx_is_retried_with_backoff(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 1}))
    rig.inject("status", "frameworks/job1", times=2, status=503)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    assert barrier.run(ctx, _params(sa)).startswith("1/1 tasks ready")
    assert [r.status for r in rig.requests if r.path == f"{FW_PATH}/job1" and r.token == sa.token] == [503, 503, 200]


def test_api_unreachable_until_the_deadline_is_250(rig, sa, tmp_path):
    rig.down = True
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    start = time.monotonic()
    with pytest.raises(barrier.BarrierTransientError) as ei:
        barrier.run(ctx, _params(sa, timeout="3s"))
    assert 2.5 <= time.monotonic() - start < 8
    assert ei.value.code == 250
    assert ei.value.message.startswith(f"Kubernetes API at https://127.0.0.1:{rig.port} unreachable for 3s: ")


def test_throttled_until_the_deadline_is_250(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 1}))
    rig.inject("status", "frameworks", times=None, status=429, retry_after=1)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    with pytest.raises(barrier.BarrierTransientError) as ei:
        barrier.run(ctx, _params(sa, timeout="2s"))
    assert "HTTP 429 TooManyRequests" in ei.value.message


def test_large_compressed_framework(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 1500}, compressed=True))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa, FC_POD_UID="pod-worker-7", FC_TASKROLE_NAME="worker",
                                             FC_TASK_INDEX="7"))
    assert barrier.run(ctx, _params(sa)).startswith("1500/1500 tasks ready")
    written = json.loads((ctx.staging / "framework.json").read_text())
    att = written["status"]["attemptStatus"]
    assert att["taskRoleStatusesCompressed"] is None
    assert len(att["taskRoleStatuses"][0]["taskStatuses"]) == 1500
    assert len(ctx.runtime_env["FB_WORKER_IPS"].split(",")) == 1500


def test_gang_timeout_names_the_missing_tasks(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 4}, ready={"worker": 2}))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    with pytest.raises(barrier.GangTimeoutError) as ei:
        barrier.run(ctx, _params(sa, timeout="2s"))
    assert ei.value.code == 251
    assert ei.value.message == "gang allocation timeout: 2/4 tasks ready, waiting for worker-2, worker-3"


def test_stale_status_is_not_ready(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}))  # status lists pod-worker-1 for worker-1
    env = in_cluster_env(rig, sa, FC_POD_UID="new-uid", FC_TASKROLE_NAME="worker", FC_TASK_INDEX="1")
    ctx = make_ctx(tmp_path, env)
    with pytest.raises(barrier.GangTimeoutError) as ei:
        barrier.run(ctx, _params(sa, timeout="1.5s"))
    assert ei.value.message == ("gang allocation timeout: 2/2 tasks ready, but the status of worker-1 still shows "
                                "pod pod-worker-1, not this pod (FC_POD_UID=new-uid)")
    # the controller catches up: the barrier passes
    t, out = run_in_thread(barrier.run, make_ctx(tmp_path / "b", env), _params(sa, timeout="20s"))
    time.sleep(0.5)
    fw = rig.get("frameworks", "job1")
    fw["status"]["attemptStatus"]["taskRoleStatuses"][0]["taskStatuses"][1]["attemptStatus"]["podUID"] = "new-uid"
    rig.put(fw)
    t.join(20)
    assert "error" not in out, out.get("error")


def test_deletion_pending_tasks_are_ignored(rig, sa, tmp_path):
    fw = framework("job1", {"worker": 2})
    extra = task_status("worker", 2, None, uid="old")
    extra["deletionPending"] = True
    fw["status"]["attemptStatus"]["taskRoleStatuses"][0]["taskStatuses"].append(extra)
    fw["spec"]["taskRoles"][0]["taskNumber"] = 3
    rig.put(fw)
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    assert barrier.run(ctx, _params(sa)).startswith("2/2 tasks ready")


def test_framework_deleted_while_waiting_is_252(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 0}))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    t, out = run_in_thread(barrier.run, ctx, _params(sa, timeout="20s"))
    time.sleep(0.7)
    rig.delete("frameworks", "job1")
    t.join(10)
    assert out["error"].code == 252
    assert "was deleted" in out["error"].message


def test_watch_forbidden_falls_back_to_polling(rig, tmp_path):
    sa = rig.service_account(tmp_path / "sa", name="getonly", verbs="get")
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 1}))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa))
    t, out = run_in_thread(barrier.run, ctx, _params(sa, timeout="20s", interval="0.5s"))
    time.sleep(1.0)
    _set_ip(rig, "job1", 0, 1, "10.9.0.1")
    t.join(15)
    assert "error" not in out, out.get("error")
    assert any(lvl == "warning" and "polling" in m for lvl, m, _ in ctx.log.lines)


def test_empty_namespace_falls_back_to_the_namespace_file(rig, tmp_path):
    sa = rig.service_account(tmp_path / "sa", namespace="team-a")
    rig.put(framework("job1", {"worker": 1}, namespace="team-a"))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa, FC_FRAMEWORK_NAMESPACE=""))
    assert barrier.run(ctx, _params(sa)).startswith("1/1 tasks ready")
    assert rig.requests[0].path.startswith("/apis/frameworkcontroller.microsoft.com/v1/namespaces/team-a/")


def test_kubeconfig_and_kube_apiserver_address(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 1}))
    kc = rig.kubeconfig(tmp_path / "kubeconfig")
    ctx = make_ctx(tmp_path, {"FC_FRAMEWORK_NAME": "job1"})
    assert barrier.run(ctx, {"kubeconfig": str(kc)}).startswith("1/1 tasks ready")
    ctx = make_ctx(tmp_path / "b", {"FC_FRAMEWORK_NAME": "job1", "KUBE_APISERVER_ADDRESS": rig.url})
    assert barrier.run(ctx, {"serviceAccountDir": str(sa.path), "source": "frameworkcontroller"}).startswith("1/1")


def test_kubeconfig_env_wins_over_in_cluster_like_frameworkbarrier(rig, sa, tmp_path):
    # frameworkbarrier: BuildConfigFromFlags(KUBE_APISERVER_ADDRESS, KUBECONFIG); an explicit
    # kubeconfig beats the in-cluster config, and the address overrides its server
    rig.put(framework("job1", {"worker": 1}))
    kc = rig.kubeconfig(tmp_path / "kubeconfig")
    kc.write_text(kc.read_text().replace(rig.url, "https://127.0.0.1:9"))  # wrong server, fixed by the address
    env = in_cluster_env(rig, sa, KUBECONFIG=str(kc), KUBE_APISERVER_ADDRESS=rig.url)
    ctx = make_ctx(tmp_path, env)
    assert barrier.run(ctx, _params(sa)).startswith("1/1 tasks ready")
    mine = [r for r in rig.requests if r.token in (rig.admin_token, sa.token)]
    assert mine and all(r.token == rig.admin_token for r in mine)
    gone = make_ctx(tmp_path / "b", in_cluster_env(rig, sa, KUBECONFIG=str(tmp_path / "nope")))
    with pytest.raises(barrier.BarrierPermanentError) as ei:
        barrier.run(gone, _params(sa))
    assert ei.value.code == 252 and "does not exist" in ei.value.message


def test_untrusted_server_certificate_is_252(rig, sa, tmp_path):
    from tests.rigs.kube_apiserver import make_test_ca

    other = make_test_ca(tmp_path / "other")
    kc = rig.kubeconfig(tmp_path / "kubeconfig")
    kc.write_text(kc.read_text().replace(str(rig.tls.ca_cert), str(other.ca_cert)))
    ctx = make_ctx(tmp_path, {"FC_FRAMEWORK_NAME": "job1"})
    with pytest.raises(barrier.BarrierPermanentError) as ei:
        barrier.run(ctx, {"kubeconfig": str(kc)})
    assert ei.value.message.startswith(f"TLS: the API server {rig.url} is not trusted")


def test_frameworkbarrier_env_names_are_honoured(rig, sa, tmp_path):
    rig.put(framework("job1", {"worker": 2}, ready={"worker": 1}))
    ctx = make_ctx(tmp_path, in_cluster_env(rig, sa, BARRIER_CHECK_TIMEOUT_SEC="2", BARRIER_CHECK_INTERVAL_SEC="1"))
    start = time.monotonic()
    with pytest.raises(barrier.GangTimeoutError):
        barrier.run(ctx, _params(sa))
    assert time.monotonic() - start < 6
    bad = make_ctx(tmp_path / "b", in_cluster_env(rig, sa, BARRIER_CHECK_TIMEOUT_SEC="ten"))
    with pytest.raises(barrier.ConfigError) as ei:
        barrier.run(bad, _params(sa))
    assert ei.value.code == 247
    assert ei.value.where == "barrier env BARRIER_CHECK_TIMEOUT_SEC"


def test_skips_without_a_cluster_or_when_local(tmp_path):
    with pytest.raises(Skip, match="no Kubernetes API here"):
        barrier.run(make_ctx(tmp_path, {}), {})
    with pytest.raises(Skip, match="local run"):
        barrier.run(make_ctx(tmp_path, {"KUBERNETES_SERVICE_HOST": "10.0.0.1"}, local=True), {})
    with pytest.raises(Skip, match="source is none"):
        barrier.run(make_ctx(tmp_path, {}), {"source": "none"})


def test_missing_token_in_cluster_is_252(tmp_path):
    (tmp_path / "sa").mkdir()
    ctx = make_ctx(tmp_path, {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": "1",
                              "FC_FRAMEWORK_NAME": "x"})
    with pytest.raises(barrier.BarrierPermanentError, match="no service account token"):
        barrier.run(ctx, {"serviceAccountDir": str(tmp_path / "sa")})


def test_file_source_waits_for_the_file_to_become_ready(tmp_path):
    from tests.rigs.kube_apiserver import compress_status

    fw = framework("local", {"worker": 2}, ready={"worker": 1})
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(fw))
    ctx = make_ctx(tmp_path, {})
    t, out = run_in_thread(barrier.run, ctx, {"file": str(path), "timeout": "10s"})
    time.sleep(0.5)
    ready = framework("local", {"worker": 2})
    compress_status(ready)
    path.write_text(json.dumps(ready))
    t.join(10)
    assert "error" not in out, out.get("error")
    assert ctx.runtime_env["FB_WORKER_IPS"] == "10.1.0.0,10.1.0.1"

"""The ``pods`` source (JobSet / Indexed Job / plain pods) and the ``framework``
built-in on top of any source, including the local single-task env."""

# ruff: noqa: F811  (pytest fixtures imported from tests.rigs.barrier_fixtures are used as arguments)
from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from pai_runtime.errors import ConfigError, Skip
from pai_runtime.initplugins import barrier, framework
from tests.rigs.barrier_fixtures import kube_rig, make_ctx, rig, run_in_thread  # noqa: F401
from tests.rigs.kube_apiserver import KubeApiServer

pytestmark = pytest.mark.timeout(60)
DATA = Path(__file__).parent / "data" / "framework"
JOBSET = "jobset.sigs.k8s.io/jobset-name"


def pod(name: str, rjob: str, idx: int, ip: str | None = None) -> dict:
    p = {"apiVersion": "v1", "kind": "Pod",
         "metadata": {"name": name, "labels": {JOBSET: "train", "jobset.sigs.k8s.io/replicatedjob-name": rjob,
                                               "batch.kubernetes.io/job-completion-index": str(idx)}},
         "spec": {"containers": [{"name": "main", "image": "busybox"}], "nodeName": f"node-{idx}"},
         "status": {"phase": "Running" if ip else "Pending"}}
    if ip:
        p["status"].update({"podIP": ip, "hostIP": "192.0.2.1"})
    return p


def test_pods_source_lists_watches_and_feeds_the_env(rig: KubeApiServer, tmp_path):
    sa = rig.service_account(tmp_path / "sa")
    rig.put(pod("train-workers-0-0", "workers", 0))
    rig.put(pod("train-workers-0-1", "workers", 1))
    env = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(rig.port),
           "HOSTNAME": "train-workers-0-1"}
    ctx = make_ctx(tmp_path, env)
    params = {"serviceAccountDir": str(sa.path), "selector": f"{JOBSET}=train", "expected": 3, "timeout": "20s"}
    t, out = run_in_thread(barrier.run, ctx, params)
    time.sleep(0.5)
    rig.put(pod("train-launcher-0-0", "launcher", 0, "10.2.0.9"))
    rig.put(pod("train-workers-0-0", "workers", 0, "10.2.0.1"))
    time.sleep(0.3)
    rig.put(pod("train-workers-0-1", "workers", 1, "10.2.0.2"))
    last = time.monotonic()
    t.join(20)
    assert "error" not in out, out.get("error")
    assert out["end"] - last < 3
    assert rig.count(match="/pods", watch=False) == 1  # one list, then the watch
    assert ctx.runtime_env["FB_WORKERS_IPS"] == "10.2.0.1,10.2.0.2"
    assert ctx.runtime_env["FB_LAUNCHER_IPS"] == "10.2.0.9"
    assert ctx.current_task == ("workers", 1)
    written = json.loads((ctx.staging / "framework.json").read_text())
    assert [r["name"] for r in written["spec"]["taskRoles"]] == ["launcher", "workers"]
    assert "variables for workers-1" in framework.run(ctx, {"masterRole": "launcher"})
    assert ctx.runtime_env["PAI_HOST_IP_workers_1"] == "192.0.2.1"
    assert (ctx.runtime_env["MASTER_ADDR"], ctx.runtime_env["RANK"], ctx.runtime_env["WORLD_SIZE"]) == \
        ("10.2.0.9", "2", "3")


def test_pods_source_timeout_names_pods_and_missing_ones(rig: KubeApiServer, tmp_path):
    sa = rig.service_account(tmp_path / "sa")
    rig.put(pod("train-workers-0-0", "workers", 0, "10.2.0.1"))
    rig.put(pod("train-workers-0-1", "workers", 1))
    env = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(rig.port)}
    ctx = make_ctx(tmp_path, env)
    with pytest.raises(barrier.GangTimeoutError) as ei:
        barrier.run(ctx, {"serviceAccountDir": str(sa.path), "selector": f"{JOBSET}=train", "expected": 4,
                          "timeout": "1.5s"})
    assert ei.value.message == "gang allocation timeout: 1/4 tasks ready, waiting for train-workers-0-1, and 2 more"


def _in_cluster(rig: KubeApiServer, **extra: str) -> dict[str, str]:
    return {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(rig.port), **extra}


def test_pods_source_reads_the_gang_size_from_the_jobset(rig: KubeApiServer, tmp_path):
    # no parameters.expected: 2 worker Jobs of 2 pods each + 1 launcher pod = 5
    sa = rig.service_account(tmp_path / "sa", resources="pods,jobsets")
    rig.put({"apiVersion": "jobset.x-k8s.io/v1alpha2", "kind": "JobSet", "metadata": {"name": "train"},
             "spec": {"replicatedJobs": [
                 {"name": "workers", "replicas": 2, "template": {"spec": {"parallelism": 2, "completions": 2}}},
                 {"name": "launcher", "template": {"spec": {}}}]}})
    names = [("train-workers-0-0", "workers", 0), ("train-workers-0-1", "workers", 1),
             ("train-workers-1-0", "workers", 2), ("train-workers-1-1", "workers", 3),
             ("train-launcher-0-0", "launcher", 0)]
    for n, rjob, idx in names[:4]:
        rig.put(pod(n, rjob, idx, f"10.2.0.{idx + 1}"))
    ctx = make_ctx(tmp_path, _in_cluster(rig, HOSTNAME="train-workers-0-1"))
    params = {"serviceAccountDir": str(sa.path), "selector": f"{JOBSET}=train", "timeout": "20s"}
    t, out = run_in_thread(barrier.run, ctx, params)
    time.sleep(1.0)
    assert t.is_alive()  # 4 of 5: the JobSet says 5, so it keeps waiting
    rig.put(pod(*names[4], "10.2.0.9"))
    t.join(20)
    assert "error" not in out, out.get("error")
    assert out["value"].startswith("5/5 tasks ready")
    assert out["value"].endswith('; gang size 5 from JobSet "train"')
    assert rig.count(match="/jobsets/train") == 1  # read once


def test_pods_source_reads_the_gang_size_from_an_indexed_job(rig: KubeApiServer, tmp_path):
    sa = rig.service_account(tmp_path / "sa", resources="pods,jobs")
    rig.put({"apiVersion": "batch/v1", "kind": "Job", "metadata": {"name": "ddp"},
             "spec": {"completionMode": "Indexed", "completions": 3, "parallelism": 3}})
    for i in range(2):
        p = pod(f"ddp-{i}-x", "ddp", i, f"10.3.0.{i}")
        del p["metadata"]["labels"][JOBSET]
        p["metadata"]["labels"]["batch.kubernetes.io/job-name"] = "ddp"
        p["metadata"]["ownerReferences"] = [{"apiVersion": "batch/v1", "kind": "Job", "name": "ddp",
                                             "uid": "0b1c2d3e-0000-4000-8000-000000000001", "controller": True}]
        rig.put(p)
    ctx = make_ctx(tmp_path, _in_cluster(rig))
    with pytest.raises(barrier.GangTimeoutError) as ei:
        barrier.run(ctx, {"serviceAccountDir": str(sa.path), "selector": "batch.kubernetes.io/job-name=ddp",
                          "timeout": "1.5s"})
    assert ei.value.code == 251
    assert ei.value.message == "gang allocation timeout: 2/3 tasks ready, waiting for 1 more"


def test_pods_source_without_expected_or_owner_is_a_clear_error(rig: KubeApiServer, tmp_path):
    sa = rig.service_account(tmp_path / "sa", resources="pods,jobsets")
    bare = pod("solo", "x", 0, "10.4.0.1")
    del bare["metadata"]["labels"][JOBSET]
    rig.put(bare)
    ctx = make_ctx(tmp_path, _in_cluster(rig))
    with pytest.raises(ConfigError) as ei:
        barrier.run(ctx, {"serviceAccountDir": str(sa.path), "selector": "jobset.sigs.k8s.io/replicatedjob-name=x"})
    assert ei.value.code == 247
    assert "pod 'solo' belongs to no JobSet or Job, so the gang size is unknown" in ei.value.message
    assert "parameters.expected" in ei.value.line()
    # a JobSet label whose JobSet is gone: 252 naming it
    rig.put(pod("train-workers-0-0", "workers", 0, "10.2.0.1"))
    ctx = make_ctx(tmp_path / "b", _in_cluster(rig))
    with pytest.raises(barrier.BarrierPermanentError) as ei2:
        barrier.run(ctx, {"serviceAccountDir": str(sa.path), "selector": f"{JOBSET}=train"})
    assert ei2.value.message == "JobSet \"train\", which owns pod 'train-workers-0-0', not found"
    # no pod of the job visible at all: it waits, then says why
    ctx = make_ctx(tmp_path / "c", _in_cluster(rig))
    with pytest.raises(barrier.GangTimeoutError) as ei3:
        barrier.run(ctx, {"serviceAccountDir": str(sa.path), "selector": f"{JOBSET}=nothing", "timeout": "1s"})
    assert "no pod of the job is visible yet" in ei3.value.message


def test_framework_plugin_maps_job_config_names(tmp_path):
    env = {"PAI_CURRENT_TASK_ROLE_NAME": "taskrole_1", "FC_TASK_INDEX": "0"}
    ctx = make_ctx(tmp_path, env)
    summary = framework.run(ctx, {"file": str(DATA / "openpai_taskrole1.json")})
    assert "variables for taskrole1-0 (file " in summary
    assert ctx.runtime_env["PAI_CURRENT_TASK_ROLE_NAME"] == "taskrole_1"
    assert ctx.runtime_env["PAI_CURRENT_CONTAINER_IP"] == "10.151.40.109"
    assert ctx.current_ports["http"] == [34320]
    assert (ctx.staging / "job_config.yaml").exists()


def test_framework_plugin_unknown_current_role_is_247(tmp_path):
    ctx = make_ctx(tmp_path, {"PAI_CURRENT_TASK_ROLE_NAME": "ps", "FC_TASK_INDEX": "0"})
    with pytest.raises(ConfigError) as ei:
        framework.run(ctx, {"file": str(DATA / "openpai_taskrole1.json")})
    assert ei.value.code == 247
    assert "this task's role 'ps' is not a task role of the Framework" in ei.value.message


def test_framework_plugin_hostfile_goes_to_runtime_d(tmp_path):
    ctx = make_ctx(tmp_path, {"FC_TASKROLE_NAME": "worker", "FC_TASK_INDEX": "0"})
    framework.run(ctx, {"file": str(DATA / "openpai_hashed.json"), "mpiHostfile": True})
    # GPUs per task come from the job config in the Framework's annotation
    assert (ctx.staging / "mpi-hostfile").read_text() == ("10.151.40.11 slots=1\n10.151.40.12 slots=2\n"
                                                         "10.151.40.13 slots=2\n")
    assert ctx.runtime_env["OMPI_MCA_orte_default_hostfile"] == str(ctx.layout.runtime_dir / "mpi-hostfile")


def test_framework_plugin_local_single_task_and_cluster_skip(tmp_path):
    ctx = make_ctx(tmp_path, {}, local=True)
    framework.run(ctx, {})
    env = ctx.runtime_env
    assert (env["MASTER_ADDR"], env["MASTER_PORT"], env["WORLD_SIZE"], env["RANK"]) == ("127.0.0.1", "29500", "1", "0")
    assert env["PAI_CURRENT_CONTAINER_IP"] == "127.0.0.1"
    assert env["PAI_TASK_ROLE_INSTANCES"] == "taskrole:0"
    assert env["PAI_CURRENT_TASK_ROLE_NAME"] == "taskrole"
    with pytest.raises(Skip, match="no Framework"):
        framework.run(make_ctx(tmp_path / "c", {}), {})

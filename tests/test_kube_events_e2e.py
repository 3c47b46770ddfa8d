"""A failed init leaves an Event on its pod in the test API server (`kubectl describe pod`
shows it); without the RBAC permission init still ends with its own exit code, one
warning line and no hang."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.rigs.kube_apiserver import KubeApiServer
from tests.rigs.kube_events import events as stored_events

pytestmark = pytest.mark.timeout(180)
POD = "pai-job-0-x7k2q"
NS = "team-b"


@pytest.fixture()
def rig(events_rig: KubeApiServer) -> KubeApiServer:
    return events_rig


def _env(rig: KubeApiServer, tmp: Path, *, may_post: bool = True) -> dict[str, str]:
    user = f"system:serviceaccount:{NS}:pai-runtime-{tmp.name}"
    rig.grant(user, "get,list,watch", "pods")
    if may_post:
        rig.grant(user, "create,patch", "events")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAI_", "FC_", "KUBE"))
           and k not in ("INIT_CONFIG", "RUNTIME_CONFIG")}
    (tmp / "config").mkdir(exist_ok=True)
    env.update({"KUBECONFIG": str(rig.kubeconfig(tmp / "kubeconfig", token=rig.issue_token(user), namespace=NS)),
                "PAI_POD_NAME": POD, "PAI_POD_NAMESPACE": NS, "FC_POD_UID": "5f0c3f7e-aaaa-4bbb-8ccc-000000000001",
                "PAI_WORK_DIR": str(tmp / "work"), "PAI_CONFIG_DIR": str(tmp / "config"),
                "PAI_TERMINATION_LOG": str(tmp / "termination-log")})
    return env


def _pai(env: dict[str, str], *args: str, timeout: float = 90) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "pai_runtime", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


def _barrier_spec(timeout: str) -> str:
    return yaml.safe_dump({"initPlugins": [{"name": "barrier", "builtin": "barrier", "parameters": {
        "source": "pods", "selector": "batch.kubernetes.io/job-name=pai-job", "expected": 2, "timeout": timeout,
        "namespace": NS, "interval": "1s"}}]})


def test_a_failed_init_leaves_an_event_on_its_pod(rig: KubeApiServer, tmp_path: Path) -> None:
    env = _env(rig, tmp_path)
    env["INIT_CONFIG"] = _barrier_spec("4s")
    t0 = time.monotonic()
    res = _pai(env, "init")
    assert res.returncode == 251, res.stderr
    evs = stored_events(rig, NS, regarding=POD)
    failed = [e for e in evs if e["type"] == "Warning"]
    assert len(failed) == 1, evs
    (ev,) = failed
    assert ev["reason"] == "JobGangAllocationTimeout" and ev["action"] == "Init"
    assert ev["regarding"]["uid"] == env["FC_POD_UID"]
    assert ev["reportingInstance"] == f"{POD}/pai-init"
    assert "0 of 2" in ev["note"] or "0/2" in ev["note"], ev["note"]
    assert time.monotonic() - t0 < 60


def test_a_successful_job_posts_nothing(rig: KubeApiServer, tmp_path: Path) -> None:
    res = _pai(_env(rig, tmp_path), "run", "--", "true")
    assert res.returncode == 0, res.stderr
    assert stored_events(rig, NS) == []


def test_without_the_permission_the_codes_stay_and_one_warning_is_logged(rig: KubeApiServer,
                                                                         tmp_path: Path) -> None:
    env = _env(rig, tmp_path, may_post=False)
    env["INIT_CONFIG"] = _barrier_spec("2s")
    res = _pai(env, "init")
    assert res.returncode == 251, res.stderr
    lines = [ln for ln in (res.stdout + res.stderr).splitlines() if "events.events.k8s.io is forbidden" in ln]
    assert len(lines) == 1, res.stdout + res.stderr
    assert stored_events(rig, NS) == []


def test_a_failed_job_leaves_its_diagnosis_as_an_event(rig: KubeApiServer, tmp_path: Path) -> None:
    env = _env(rig, tmp_path)
    oom = "echo 'RuntimeError: CUDA out of memory. Tried to allocate 2.00 GiB' >&2; exit 1"
    res = _pai(env, "run", "--", "sh", "-c", oom)
    assert res.returncode == 226, res.stderr
    (ev,) = [e for e in stored_events(rig, NS, regarding=POD) if e["type"] == "Warning"]
    assert ev["reason"] == "ContainerCudaOOMKilled" and ev["action"] == "Run"
    assert ev["reportingInstance"] == f"{POD}/job"
    assert ev["note"].startswith("exited 226"), ev["note"]


def test_a_failed_job_without_the_permission_keeps_its_code(rig: KubeApiServer, tmp_path: Path) -> None:
    res = _pai(_env(rig, tmp_path, may_post=False), "run", "--", "sh", "-c", "exit 3")
    assert res.returncode == 255, res.stderr
    assert [ln for ln in res.stderr.splitlines() if "forbidden" in ln], res.stderr
    assert stored_events(rig, NS) == []

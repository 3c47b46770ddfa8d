"""The example manifests in build/k8s/: valid for the Kubernetes version targeted (1.33,
strict OpenAPI-derived schemas of ``kubernetes-validate``; the JobSet and Framework CRDs
against schemas written from their published CRD shapes), wired the way the runtime needs,
and carrying configs that pai-runtime itself accepts."""

from __future__ import annotations

import copy
import importlib.util
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pytestmark = pytest.mark.timeout(300)
REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "build" / "k8s"
MANIFESTS = ["pod.yaml", "indexed-job.yaml", "jobset.yaml", "framework.yaml", "rbac.yaml"]


def _validator() -> Any:
    spec = importlib.util.spec_from_file_location("pai_k8s_validate", K8S / "validate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


V = _validator()


def _doc(file: str, kind: str) -> dict[str, Any]:
    return copy.deepcopy(next(d for d in V.load_documents(K8S / file) if d["kind"] == kind))


def test_every_manifest_validates_from_the_command_line() -> None:
    res = subprocess.run([sys.executable, str(K8S / "validate.py")], capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stderr
    for name in MANIFESTS:
        assert f"{name}: ok (Kubernetes 1.33)" in res.stdout


@pytest.mark.parametrize("file,kind", [("pod.yaml", "Pod"), ("indexed-job.yaml", "Job"),
                                       ("jobset.yaml", "JobSet"), ("framework.yaml", "Framework")])
def test_each_workload_runs_init_then_the_launcher(file: str, kind: str) -> None:
    doc = _doc(file, kind)
    templates = list(V.pod_templates(doc))
    assert templates
    for where, spec in templates:
        assert V.contract_errors(where, spec) == []
        (init,) = spec["initContainers"]
        (job,) = spec["containers"]
        assert init["args"] == ["init"] and job["command"] == ["/usr/local/pai/runtime"]
        assert init["terminationMessagePolicy"] == job["terminationMessagePolicy"] == "FallbackToLogsOnError"


def test_schema_errors_are_found_in_builtin_kinds_and_crds() -> None:
    pod = _doc("pod.yaml", "Pod")
    pod["spec"]["containers"][0]["volumeMount"] = []
    assert any("volumeMount" in e for e in V.schema_errors(pod))
    job = _doc("indexed-job.yaml", "Job")
    job["spec"]["completions"] = "two"
    assert any("completions" in e for e in V.schema_errors(job))
    fw = _doc("framework.yaml", "Framework")
    fw["spec"]["taskRoles"][0]["taskNumbr"] = 1
    assert any("taskNumbr" in e for e in V.schema_errors(fw))
    fw = _doc("framework.yaml", "Framework")
    fw["spec"]["taskRoles"][1]["task"]["pod"]["spec"]["containers"][0]["commands"] = ["x"]
    assert any("commands" in e for e in V.schema_errors(fw))  # the embedded PodTemplateSpec is checked
    js = _doc("jobset.yaml", "JobSet")
    js["spec"]["replicatedJobs"][0]["template"]["spec"]["template"]["spec"]["restartPolicy"] = 7
    assert any("restartPolicy" in e for e in V.schema_errors(js))
    js = _doc("jobset.yaml", "JobSet")
    js["spec"]["successPolicy"]["operator"] = "Most"
    assert any("Most" in e for e in V.schema_errors(js))


def test_wiring_mistakes_are_found() -> None:
    spec = _doc("pod.yaml", "Pod")["spec"]
    broken = copy.deepcopy(spec)
    broken["containers"][0]["volumeMounts"] = [m for m in broken["containers"][0]["volumeMounts"]
                                               if m["mountPath"] != "/usr/local/pai"]
    assert any("shared work dir" in e for e in V.contract_errors("spec", broken))
    broken = copy.deepcopy(spec)
    broken["volumes"] = [{"name": "pai-work", "hostPath": {"path": "/srv"}} if v["name"] == "pai-work" else v
                         for v in broken["volumes"]]
    assert any("emptyDir" in e for e in V.contract_errors("spec", broken))
    broken = copy.deepcopy(spec)
    del broken["initContainers"][0]["terminationMessagePolicy"]
    assert any("FallbackToLogsOnError" in e for e in V.contract_errors("spec", broken))
    broken = copy.deepcopy(spec)
    broken["containers"][0]["volumeMounts"][1]["readOnly"] = False
    assert any("read-only" in e for e in V.contract_errors("spec", broken))
    broken = copy.deepcopy(spec)
    del broken["initContainers"][0]["resources"]["requests"]["cpu"]
    assert any("resources.requests" in e for e in V.contract_errors("spec", broken))
    broken = copy.deepcopy(spec)
    broken["automountServiceAccountToken"] = False
    assert any("serviceAccountToken" in e for e in V.contract_errors("spec", broken))
    broken["volumes"].append({"name": "token", "projected": {"sources": [
        {"serviceAccountToken": {"path": "token", "expirationSeconds": 3600}}]}})
    broken["initContainers"][0]["volumeMounts"].append(
        {"name": "token", "mountPath": "/var/run/secrets/kubernetes.io/serviceaccount", "readOnly": True})
    assert V.contract_errors("spec", broken) == []


def test_rbac_grants_read_only_access_to_pods_and_frameworks() -> None:
    docs = V.load_documents(K8S / "rbac.yaml")
    assert V.rbac_errors(docs) == []
    roles = {d["metadata"]["name"]: d for d in docs if d["kind"] == "Role"}
    assert set(roles) == {"pai-runtime-barrier", "pai-runtime-barrier-leader", "pai-runtime-events"}
    role = roles["pai-runtime-barrier"]
    verbs = {v for rule in role["rules"] for v in rule["verbs"]}
    assert verbs == {"get", "list", "watch"}  # the barrier itself writes nothing
    # the gang leader's Role writes configmaps, and nothing else
    leader = roles["pai-runtime-barrier-leader"]["rules"]
    assert leader == [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create", "update"]}]
    # Events: create, patch for repeats, in events.k8s.io, nothing else
    assert roles["pai-runtime-events"]["rules"] == [
        {"apiGroups": ["events.k8s.io"], "resources": ["events"], "verbs": ["create", "patch"]}]
    bound = {b["roleRef"]["name"] for b in docs if b["kind"] == "RoleBinding"}
    assert {"pai-runtime-barrier", "pai-runtime-events"} <= bound
    role["rules"][0]["verbs"] = ["get", "list"]
    assert any("pods" in e for e in V.rbac_errors(docs))
    # every workload uses the service account the Role is bound to
    sa = next(d for d in docs if d["kind"] == "ServiceAccount")["metadata"]["name"]
    for file, kind in [("pod.yaml", "Pod"), ("indexed-job.yaml", "Job"), ("jobset.yaml", "JobSet"),
                       ("framework.yaml", "Framework")]:
        for _where, spec in V.pod_templates(_doc(file, kind)):
            assert spec["serviceAccountName"] == sa


def _config_dir(file: str, dest: Path) -> Path:
    """What the kubelet would project at /usr/local/pai-config for this manifest."""
    dest.mkdir()
    for doc in yaml.safe_load_all((K8S / file).read_text()):
        if doc and doc["kind"] == "ConfigMap":
            for name, text in doc["data"].items():
                (dest / name).write_text(text)
        if doc and doc["kind"] == "Secret":
            for name, text in doc.get("stringData", {}).items():
                (dest / name).write_text(text)
    return dest


@pytest.mark.parametrize("file", ["pod.yaml", "indexed-job.yaml", "jobset.yaml", "framework.yaml"])
def test_the_configs_in_the_manifests_are_accepted_by_pai_runtime(file: str, tmp_path: Path) -> None:
    config = _config_dir(file, tmp_path / "config")
    env = {"PATH": os.environ["PATH"], "PAI_CONFIG_DIR": str(config), "PAI_WORK_DIR": str(tmp_path / "work")}
    res = subprocess.run([sys.executable, "-m", "pai_runtime", "config"], capture_output=True, text=True, env=env,
                         timeout=60, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    out = yaml.safe_load(res.stdout)
    assert out["initConfig"]["source"].endswith("init_plugins.yaml")
    assert out["runtimeConfig"]["source"].endswith("runtime_plugin.yaml")
    if (config / "secrets.yaml").exists():
        assert "replace-me" not in res.stdout  # the Secret's value is redacted
    if (config / "runtime-exit-spec.yaml").exists():
        spec = str(config / "runtime-exit-spec.yaml")
        lint = subprocess.run([sys.executable, "-m", "pai_runtime", "spec", "lint", spec],
                              capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)
        assert lint.returncode == 0, lint.stderr

"""Kubernetes failure policies derived from the exit spec's retry advice: what they say,
that the strict Kubernetes 1.33 schema accepts them inside a Job, and that the shipped
manifests carry the current ones (build/k8s/generate.py --check)."""

from __future__ import annotations

import copy
import importlib.util
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from pai_runtime.exitspec import k8spolicy

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "build" / "k8s"
PAI = [sys.executable, "-m", "pai_runtime"]


def _load(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"pai_k8s_{name}", K8S / f"{name}.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


V = _load("validate")
G = _load("generate")

ADVISED = """\
- containerExitCode: 137
  phrase: ContainerSigKillReceived
  behavior: TRANSIENT
  patterns: [{exitCode: 137}]
- containerExitCode: 221
  phrase: UserCommandNotFound
  behavior: PERMANENT
  patterns: [{exitCode: 127}]
- containerExitCode: 230
  phrase: UserPythonImportError
  behavior: PERMANENT
  patterns: [{exitCode: 1, userLogRegex: "ModuleNotFoundError"}]
- containerExitCode: 230
  phrase: UserPythonImportError
  behavior: PERMANENT
  patterns: [{exitCode: 1, userLogRegex: "ImportError"}]
- containerExitCode: 251
  phrase: JobGangAllocationTimeout
  behavior: TRANSIENT_CONFLICT
  patterns: []
- containerExitCode: 225
  phrase: UserSomethingAmbiguous
  behavior: PERMANENT
  patterns: [{exitCode: 3}]
- containerExitCode: 225
  phrase: UserSomethingAmbiguous
  behavior: TRANSIENT
  patterns: [{exitCode: 4}]
- containerExitCode: 229
  phrase: NoAdvice
  patterns: [{exitCode: 5}]
"""


def _job() -> dict[str, Any]:
    return copy.deepcopy(next(d for d in V.load_documents(K8S / "indexed-job.yaml") if d["kind"] == "Job"))


@pytest.fixture()
def advised(tmp_path: Path) -> Path:
    p = tmp_path / "spec.yaml"
    p.write_text(ADVISED)
    return p


def test_permanent_codes_fail_the_job_transient_ones_count_disruptions_are_ignored(advised: Path) -> None:
    advice = k8spolicy.read_advice(advised)
    assert advice.codes == {137: "TRANSIENT", 221: "PERMANENT", 225: "UNKNOWN", 229: "UNKNOWN", 230: "PERMANENT",
                            251: "TRANSIENT_CONFLICT"}
    assert advice.conflicts == [225]  # advised both ways: Kubernetes sees only the code
    rules = k8spolicy.pod_failure_policy(advice)["rules"]
    assert rules == [
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
        {"action": "FailJob", "onExitCodes": {"containerName": "pai-init", "operator": "In",
                                              "values": [247, 252, 253, 254]}},
        {"action": "FailJob", "onExitCodes": {"containerName": "job", "operator": "In", "values": [221, 230]}},
        {"action": "Count", "onExitCodes": {"containerName": "job", "operator": "In", "values": [137, 251]}},
    ]


def test_a_spec_without_advice_still_fails_permanent_init_failures_and_ignores_disruptions(tmp_path: Path) -> None:
    p = tmp_path / "plain.yaml"
    p.write_text("- containerExitCode: 221\n  patterns: [{exitCode: 127}]\n")
    rules = k8spolicy.pod_failure_policy(k8spolicy.read_advice(p))["rules"]
    assert [r["action"] for r in rules] == ["Ignore", "FailJob"]
    assert rules[1]["onExitCodes"]["containerName"] == "pai-init"


def test_openpai_job_exit_spec_behaviors_are_read(tmp_path: Path) -> None:
    p = tmp_path / "job-exit-spec.yaml"
    p.write_text(yaml.safe_dump({"spec": [
        {"code": 0, "phrase": "Succeeded", "behavior": "UNKNOWN"},
        {"code": -1000, "phrase": "PAIUnknown", "behavior": "TRANSIENT"},  # platform codes never reach a Job
        {"code": 221, "phrase": "UserCommandNotFound", "behavior": "PERMANENT",
         "pattern": {"runtimeContainerPatterns": [{"exitCode": 127}]}},
        {"code": 250, "phrase": "BarrierTransient", "behavior": "TRANSIENT"}]}))
    assert k8spolicy.read_advice(p).codes == {221: "PERMANENT", 250: "TRANSIENT"}


def test_policy_validates_inside_a_job_and_the_schema_would_notice_a_broken_one(advised: Path) -> None:
    policy = yaml.safe_load(k8spolicy.render(k8spolicy.read_advice(advised), target="job"))
    job = _job()
    job["spec"]["podFailurePolicy"] = policy["podFailurePolicy"]
    assert V.schema_errors(job) == []
    broken = copy.deepcopy(job)
    broken["spec"]["podFailurePolicy"]["rules"][1]["onExitCodes"]["operatr"] = "In"
    assert any("operatr" in e for e in V.schema_errors(broken))  # strict: unknown fields are errors
    broken = copy.deepcopy(job)
    broken["spec"]["podFailurePolicy"]["rules"][0]["onPodConditions"] = "DisruptionTarget"
    assert any("onPodConditions" in e for e in V.schema_errors(broken))


def test_jobset_policy_validates_and_fails_the_jobset_on_a_permanent_pod_failure(advised: Path) -> None:
    text = k8spolicy.render(k8spolicy.read_advice(advised), target="jobset", max_restarts=2)
    assert "replicatedJobs[*].template.spec" in text
    parts = yaml.safe_load(text)
    js = next(d for d in V.load_documents(K8S / "jobset.yaml") if d["kind"] == "JobSet")
    js["spec"]["failurePolicy"] = parts["failurePolicy"]
    js["spec"]["replicatedJobs"][0]["template"]["spec"]["podFailurePolicy"] = parts["podFailurePolicy"]
    assert V.schema_errors(js) == []
    rules = {r["name"]: r for r in parts["failurePolicy"]["rules"]}
    assert parts["failurePolicy"]["maxRestarts"] == 2
    assert rules["permanent-failure"] == {"name": "permanent-failure", "action": "FailJobSet",
                                          "onJobFailureReasons": ["PodFailurePolicy"]}
    assert rules["retries-exhausted"]["action"] == "RestartJobSet"


def test_a_bad_behavior_is_one_line_naming_file_line_and_choices(tmp_path: Path) -> None:
    p = tmp_path / "bad.yaml"
    p.write_text("- containerExitCode: 221\n  behavior: SOMETIMES\n  patterns: []\n")
    from pai_runtime.errors import ConfigError

    with pytest.raises(ConfigError) as err:
        k8spolicy.read_advice(p)
    line = err.value.line()
    assert "line 2" in line and "SOMETIMES" in line and "PERMANENT" in line and err.value.code == 247


def test_shipped_manifests_are_current_and_their_jobs_retry() -> None:
    res = subprocess.run([sys.executable, str(K8S / "generate.py"), "--check"], capture_output=True, text=True,
                         timeout=60)
    assert res.returncode == 0, res.stderr
    want = k8spolicy.pod_failure_policy(k8spolicy.read_advice(REPO / "specs" / "runtime-exit-spec.yaml"))
    job = _job()
    assert job["spec"]["podFailurePolicy"] == want
    assert job["spec"]["backoffLimit"] > 0  # else FailJob and Count mean the same
    base = next(d for d in V.load_documents(K8S / "base" / "job.yaml") if d["kind"] == "Job")
    assert base["spec"]["podFailurePolicy"] == want and base["spec"]["backoffLimit"] > 0
    js = next(d for d in V.load_documents(K8S / "jobset.yaml") if d["kind"] == "JobSet")
    assert js["spec"]["failurePolicy"] == k8spolicy.jobset_failure_policy()
    assert js["spec"]["failurePolicy"]["maxRestarts"] > 0
    for rj in js["spec"]["replicatedJobs"]:
        assert rj["template"]["spec"]["podFailurePolicy"] == want


def test_a_stale_block_is_rewritten_and_the_text_around_it_kept() -> None:
    text = ("spec:\n  # a comment that stays\n  # BEGIN generated podFailurePolicy (make k8s)\n"
            "  podFailurePolicy: {rules: []}\n  # END generated podFailurePolicy\n  template: {}\n")
    out = G.regenerate(text, "x.yaml")
    assert out.startswith("spec:\n  # a comment that stays\n  # BEGIN generated podFailurePolicy (make k8s)\n")
    assert out.endswith("  # END generated podFailurePolicy\n  template: {}\n")
    doc = yaml.safe_load(out)
    assert doc["spec"]["podFailurePolicy"]["rules"][0]["action"] == "Ignore"
    with pytest.raises(SystemExit, match="no '# END generated podFailurePolicy'"):
        G.regenerate("  # BEGIN generated podFailurePolicy (make k8s)\n  x: 1\n", "y.yaml")


def _cli(*args: str, tmp: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith("PAI_")}
    env["PAI_CONFIG_DIR"] = str(tmp / "no-config")
    return subprocess.run([*PAI, "spec", "k8s-policy", *args], capture_output=True, text=True, env=env, timeout=60)


def test_the_command_prints_a_policy_that_validates_inside_a_job(advised: Path, tmp_path: Path) -> None:
    res = _cli("--spec", str(advised), "--container", "trainer", "--init-container", "init", tmp=tmp_path)
    assert res.returncode == 0, res.stderr
    assert res.stdout.startswith("# generated by `pai-runtime spec k8s-policy` from spec.yaml")
    job = _job()
    job["spec"]["podFailurePolicy"] = yaml.safe_load(res.stdout)["podFailurePolicy"]
    tpl = job["spec"]["template"]["spec"]
    tpl["initContainers"][0]["name"], tpl["containers"][0]["name"] = "init", "trainer"
    assert V.schema_errors(job) == []
    rules = job["spec"]["podFailurePolicy"]["rules"]
    assert {r["onExitCodes"]["containerName"] for r in rules if "onExitCodes" in r} == {"init", "trainer"}


def test_the_command_defaults_to_the_shipped_spec_and_does_jobsets(tmp_path: Path) -> None:
    res = _cli(tmp=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "from runtime-exit-spec.yaml" in res.stdout
    want = k8spolicy.pod_failure_policy(k8spolicy.read_advice(REPO / "specs" / "runtime-exit-spec.yaml"))
    assert yaml.safe_load(res.stdout)["podFailurePolicy"] == want
    res = _cli("--for", "jobset", "--max-restarts", "5", tmp=tmp_path)
    assert res.returncode == 0, res.stderr
    assert yaml.safe_load(res.stdout)["failurePolicy"]["maxRestarts"] == 5


def test_the_command_refuses_bad_input_in_one_line(tmp_path: Path) -> None:
    res = _cli("--spec", str(tmp_path / "missing.yaml"), tmp=tmp_path)
    assert res.returncode == 247 and len(res.stderr.strip().splitlines()) == 1 and "missing.yaml" in res.stderr
    bad = tmp_path / "bad.yaml"
    bad.write_text("- containerExitCode: 221\n  behavior: maybe\n  patterns: []\n")
    res = _cli("--spec", str(bad), tmp=tmp_path)
    assert res.returncode == 247 and "Traceback" not in res.stderr and "line 2" in res.stderr
    res = _cli("--for", "deployment", tmp=tmp_path)
    assert res.returncode == 2 and "deployment" in res.stderr

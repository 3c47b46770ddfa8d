"""``pai-runtime classify`` and ``pai-runtime spec lint|show`` through the installed CLI."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "pai-runtime"
OPENPAI_JOB_SPEC = REPO.parent / "shared" / "reference" / "openpai-job-exit-spec.yaml"


def cli(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PAI_")}
    full.update({"PAI_CONFIG_DIR": str(cwd / "no-config"), "PATH": "/usr/bin:/bin"})
    full.update(env or {})
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=cwd, env=full, timeout=60)


def framed(stdout: str) -> dict:
    start, end = "[PAI_RUNTIME_ERROR_START]\n", "\n[PAI_RUNTIME_ERROR_END]"
    assert stdout.startswith(start) and stdout.rstrip("\n").endswith(end), stdout
    return yaml.safe_load(stdout[len(start):stdout.rindex(end)])


def test_classify_prints_exit_info_and_exits_with_code(tmp_path):
    (tmp_path / "user.log").write_text("epoch 1\nRuntimeError: CUDA error: out of memory\n")
    (tmp_path / "runtime.log").write_text("2024 [pai-runtime] user command started\n")
    r = cli("classify", "--exit-code", "1", "--user-log", "user.log", "--platform-log", "runtime.log",
            cwd=tmp_path)
    assert r.returncode == 226, r.stderr
    info = framed(r.stdout)
    assert info["exitCode"] == 226 and info["phrase"] == "ContainerCudaOOMKilled"
    assert info["matchedUserLogString"] == "CUDA error: out of memory"
    assert "entry" in r.stderr and "GPU ECC fact: unknown" in r.stderr
    assert "Traceback" not in r.stderr


def test_classify_json_and_ssh_barrier(tmp_path):
    (tmp_path / "user.log").write_text("")
    (tmp_path / "runtime.log").write_text("ssh: SSH barrier reaches max retry count\n")
    r = cli("classify", "--exit-code", "10", "--user-log", "user.log", "--platform-log", "runtime.log", "--json",
            cwd=tmp_path)
    assert r.returncode == 249, r.stderr
    info = json.loads(r.stdout)
    assert info["phrase"] == "PAIRuntimeSSHBarrierTimeout"
    assert info["matchedPlatformLogString"] == "SSH barrier reaches max retry count"


def test_classify_with_openpai_job_spec_and_ecc_override(tmp_path):
    (tmp_path / "u.log").write_text("RuntimeError: cuda runtime error (2) : out of memory at x.cu:58\n")
    r = cli("classify", "--exit-code", "1", "--user-log", "u.log", "--spec", str(OPENPAI_JOB_SPEC),
            "--ecc", "false", cwd=tmp_path)
    assert r.returncode == 255  # OpenPAI's unescaped (2) never matches the real message
    r = cli("classify", "--exit-code", "1", "--user-log", "u.log", "--spec", str(OPENPAI_JOB_SPEC),
            "--ecc", "true", cwd=tmp_path)
    assert r.returncode == 128


def test_classify_signal_missing_log_and_success(tmp_path):
    r = cli("classify", "--exit-code", "-15", "--user-log", "missing.log", cwd=tmp_path)
    assert r.returncode == 143 and "no such log" in r.stderr
    assert framed(r.stdout)["originUserExitCode"] == 143
    r = cli("classify", "--exit-code", "0", "--user-log", "missing.log", cwd=tmp_path)
    assert r.returncode == 0 and "Succeeded" in r.stdout


def test_classify_bad_input(tmp_path):
    (tmp_path / "bad.yaml").write_text("- containerExitCode: 201\n  patterns: []\n")
    r = cli("classify", "--exit-code", "1", "--user-log", "x", "--spec", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 247 and "reserved range 200-219" in r.stderr and "bad.yaml line 1" in r.stderr
    assert "Traceback" not in r.stderr
    r = cli("classify", "--exit-code", "999", "--user-log", "x", cwd=tmp_path)
    assert r.returncode == 247 and "not an exit code" in r.stderr
    r = cli("classify", "--exit-code", "1", "--user-log", "x", "--search-window", "huge", cwd=tmp_path)
    assert r.returncode == 247 and r.stderr.count("--search-window") == 1, r.stderr  # named once


def test_spec_lint(tmp_path):
    r = cli("spec", "lint", str(OPENPAI_JOB_SPEC), cwd=tmp_path)
    assert r.returncode == 1
    assert "`(2)`" in r.stdout and "`[errno 2]`" in r.stdout and "`()`" in r.stdout
    assert "line 1016" in r.stdout
    r = cli("spec", "lint", str(REPO / "specs" / "runtime-exit-spec.yaml"), cwd=tmp_path)
    assert r.returncode == 0 and r.stdout == ""
    (tmp_path / "s.yaml").write_text("- containerExitCode: 137\n  patterns: [{exitCode: 137}]\n"
                                     "- containerExitCode: 234\n  patterns: [{exitCode: 137}]\n")
    r = cli("spec", "lint", "s.yaml", cwd=tmp_path)
    assert r.returncode == 1 and "shadowed" in r.stdout and "entry 1 (code 234)" in r.stdout
    (tmp_path / "bad.yaml").write_text("{a: 1}\n")
    r = cli("spec", "lint", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 247 and "must be a list" in r.stderr and "Traceback" not in r.stderr


def test_spec_lint_json_has_the_findings_and_the_same_exit_codes(tmp_path):
    (tmp_path / "s.yaml").write_text("- containerExitCode: 137\n  patterns: [{exitCode: 137}]\n"
                                     "- containerExitCode: 234\n  patterns: [{exitCode: 137}]\n")
    r = cli("spec", "lint", "--json", "s.yaml", cwd=tmp_path)
    assert r.returncode == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["file"] == "s.yaml" and doc["entries"] == 2
    assert [f["kind"] for f in doc["findings"]] == ["shadowed"]
    assert "entry 1 (code 234)" in doc["findings"][0]["where"] + doc["findings"][0]["subject"]
    text = cli("spec", "lint", "s.yaml", cwd=tmp_path).stdout.splitlines()
    assert len(text) == len(doc["findings"])
    r = cli("spec", "lint", "--json", str(REPO / "specs" / "runtime-exit-spec.yaml"), cwd=tmp_path)
    assert r.returncode == 0 and json.loads(r.stdout)["findings"] == []
    (tmp_path / "bad.yaml").write_text("{a: 1}\n")
    r = cli("spec", "lint", "--json", "bad.yaml", cwd=tmp_path)
    assert r.returncode == 247 and "must be a list" in r.stderr and r.stdout == ""


def test_spec_show_derives_runtime_entries(tmp_path):
    r = cli("spec", "show", str(OPENPAI_JOB_SPEC), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    data = yaml.safe_load(r.stdout)
    assert data["entries"][0] == {"containerExitCode": 128, "phrase": "ContainerMayFailDueToGpuDeviceEccError",
                                  "behavior": "UNKNOWN", "reason": "Container failed may due to GPU ecc error",
                                  "patterns": [{"gpuInfo": {"nvidiaDoubleEccError": True}}]}
    assert data["behaviors"][254] == "PERMANENT"  # codes without runtime patterns keep their behavior


def test_classify_json_carries_retry_advice_and_reads_only_the_latest_attempt(tmp_path):
    """A log dir written by two runs: classify, like run, searches only the latest
    attempt's output unless told otherwise; the JSON carries behavior and retry."""
    logs = tmp_path / "logs"
    (logs / "user-all").mkdir(parents=True)
    first = "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB\n"
    second = "step 10 loss 0.5\nNCCL error in: ProcessGroupNCCL.cpp:1275, unhandled system error\n"
    (logs / "user-all" / "current").write_text(first + second)
    (logs / "attempt.json").write_text(json.dumps({"attempt": 2, "userAllBytes": len(second)}))
    r = cli("classify", "--exit-code", "1", "--user-log", str(logs / "user-all"), "--json", cwd=tmp_path)
    assert r.returncode == 238, r.stderr
    info = json.loads(r.stdout)
    assert (info["phrase"], info["behavior"], info["retry"]) == ("ContainerCollectiveCommunicationFailed",
                                                                 "TRANSIENT", "transient")
    assert "attempt 2: only its output is searched" in r.stderr
    r = cli("classify", "--exit-code", "1", "--user-log", str(logs / "user-all"), "--json", "--all-attempts",
            cwd=tmp_path)
    assert r.returncode == 226 and json.loads(r.stdout)["retry"] == "permanent"  # file order: GPU memory first

"""Attempts in one log dir, the summary block on stderr, and a real OOM kill in a memory cgroup.

Every run here is the installed ``pai-runtime run`` with real processes: two runs sharing a
log dir (a container restarted in its pod), a run whose output rotates across files, the
kernel's OOM killer in a memory cgroup (v2 ``memory.max``, or v1 ``memory.limit_in_bytes``
where the host has the v1 hierarchy) killing the user command and a pool worker.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rigs import pid1_ns
from tests.test_supervisor_job import prepare, rlog, run, termination

PY = sys.executable
pytestmark = pytest.mark.timeout(120)
CUDA_OOM = ("Traceback (most recent call last):\n  File \"train.py\", line 9, in <module>\n"
            "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB")


def test_two_runs_in_one_log_dir_are_each_classified_on_their_own_output(pai):
    prepare(pai, user=f"echo '{CUDA_OOM}' >&2\nexit 1\n")
    first = run(pai)
    assert first.returncode == 226, first.stderr
    assert "CUDA out of memory" in termination(pai)
    prepare(pai, user="echo 'step 10 loss 0.5'\nexit 1\n")  # the restarted container fails plainly
    second = run(pai)
    assert second.returncode == 255, second.stderr
    message = termination(pai)
    assert "CUDA out of memory" not in message and "step 10 loss 0.5" in message
    assert "CUDA out of memory" in (pai.log_dir / "user-all" / "current").read_text()  # still in the log
    log = rlog(pai)
    assert "attempt 1: the first in this log dir" in log and "attempt 2: earlier attempts' output" in log
    record = json.loads((pai.log_dir / "attempt.json").read_text())
    assert record["attempt"] == 2 and record["userAllBytes"] == len("step 10 loss 0.5\n")


def test_a_success_after_a_failure_leaves_exactly_its_own_record_and_message(pai):
    """Both files are rewritten in place (no rename, no truncation to zero): what a longer
    record or message of the attempt before left must be gone, in both message copies."""
    prepare(pai, user=f"echo '{CUDA_OOM}' >&2\nexit 1\n")
    assert run(pai).returncode == 226
    assert len(termination(pai)) > 100
    first = json.loads((pai.log_dir / "attempt.json").read_text())
    long = json.dumps(first, indent=60).encode()  # an earlier record longer than the next one
    (pai.log_dir / "attempt.json").write_bytes(long)
    prepare(pai, user="true\n")
    r = run(pai)
    assert r.returncode == 0, r.stderr
    assert termination(pai) == "exitCode: 0\nphrase: Succeeded\n"
    assert (pai.log_dir / "termination-log").read_text() == termination(pai)
    raw = (pai.log_dir / "attempt.json").read_bytes()
    record = json.loads(raw)
    assert raw == json.dumps(record).encode() + b"\n" and len(raw) < len(long)
    assert record["attempt"] == 2 and record["userAllBytes"] == 0
    assert record["userAllStart"]["offset"] == len(CUDA_OOM) + 1


def test_a_symlink_left_at_the_record_is_replaced_not_written_through(pai, tmp_path):
    """The record is rewritten in place only when it is a regular file: a link the job left
    in the log dir (to a file of the image, say) is replaced, as a rename always did."""
    prepare(pai, user="true\n")
    pai.log_dir.mkdir(parents=True)
    target = tmp_path / "not-ours"
    target.write_text("keep me\n")
    (pai.log_dir / "attempt.json").symlink_to(target)
    r = run(pai)
    assert r.returncode == 0, r.stderr
    assert target.read_text() == "keep me\n"
    assert not (pai.log_dir / "attempt.json").is_symlink()
    assert json.loads((pai.log_dir / "attempt.json").read_text())["attempt"] == 1


def test_an_earlier_attempts_platform_line_does_not_decide(pai):
    """249 needs "SSH barrier reaches max retry count" in runtime.log: only this attempt's lines count."""
    prepare(pai, pre="echo 'SSH barrier reaches max retry count'\nexit 10\n", user="true\n")
    assert run(pai).returncode == 249
    os.unlink(pai.runtime_dir / "precommands.sh")
    prepare(pai, user="exit 10\n")
    r = run(pai)
    assert r.returncode == 255, r.stderr


def test_this_attempts_output_across_rotation(pai):
    """The attempt writes more than a log file holds: what it wrote is found in the rotated
    files too, and nothing of the attempt before it is."""
    prepare(pai, user=f"echo '{CUDA_OOM}'\nexit 1\n", settings={"logs": {"maxSize": 8192, "maxFiles": 4}})
    assert run(pai).returncode == 226
    body = (f"{PY} -c \"import sys; sys.stdout.write('ImportError: x\\\\n' + 'step loss 0.5\\\\n' * 1200)\"\n"
            "exit 1\n")
    prepare(pai, user=body, settings={"logs": {"maxSize": 8192, "maxFiles": 4}})
    r = run(pai)
    assert (pai.log_dir / "user-all" / "current.1").exists()
    assert "ImportError" not in (pai.log_dir / "user-all" / "current").read_text()  # rotated out of current
    assert r.returncode == 232, r.stderr  # found in this attempt's rotated files
    assert "CUDA out of memory" not in termination(pai)


def test_failed_run_ends_with_the_summary_on_stderr(pai):
    prepare(pai, user=f"echo 'epoch 1'\necho '{CUDA_OOM}' >&2\nexit 1\n")
    r = run(pai)
    assert r.returncode == 226
    lines = r.stderr.rstrip("\n").splitlines()
    assert lines[-1].startswith("====")  # the block is the last thing on stderr
    start = len(lines) - 2 - lines[-2::-1].index(lines[-1])
    text = "\n".join(lines[start:])
    assert "exit code 226 ContainerCudaOOMKilled" in text
    assert "matched line: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB" in text
    assert "reason:       the GPU ran out of memory" in text
    assert "retry:        permanent" in text
    assert str(pai.log_dir / "user-all" / "current") in text
    assert "exited with code 1 (attempt 1 in this log dir)" in text
    assert "retry: permanent" in termination(pai) and "behavior: PERMANENT" in termination(pai)


def test_unmatched_failure_summary_shows_the_last_line(pai):
    prepare(pai, user="echo 'step 10 loss 0.5'\necho 'giving up' >&2\nexit 3\n")
    r = run(pai)
    assert r.returncode == 255
    assert "matched line: none (no exit spec entry matched" in r.stderr
    assert "last line:    giving up" in r.stderr and "retry:        unknown" in r.stderr


def test_success_prints_no_summary(pai):
    prepare(pai, user="echo ok\n")
    r = run(pai)
    assert r.returncode == 0 and "the job failed" not in r.stderr


# -- a real OOM kill in a memory cgroup --------------------------------------------------------
def _memory_cgroup(tmp: Path, limit: int) -> tuple[Path, Path]:
    """A child memory cgroup of our own with ``limit`` bytes: (dir, cgroup.procs)."""
    own = Path("/proc/self/cgroup").read_text().splitlines()
    v1 = next((line.split(":", 2)[2] for line in own if "memory" in line.split(":")[1].split(",")), None)
    v2 = next((line.split(":", 2)[2] for line in own if line.startswith("0::")), None)
    if v1 is not None and Path("/sys/fs/cgroup/memory").is_dir():
        d = Path("/sys/fs/cgroup/memory") / v1.lstrip("/") / f"pai-test-{os.getpid()}-{tmp.name}"
        d.mkdir()
        (d / "memory.limit_in_bytes").write_text(str(limit))
        return d, d / "cgroup.procs"
    assert v2 is not None, "no memory cgroup on this host (needs cgroup v2 or the v1 memory hierarchy)"
    parent = Path("/sys/fs/cgroup") / v2.lstrip("/")
    d = parent / f"pai-test-{os.getpid()}-{tmp.name}"
    d.mkdir()
    (d / "memory.max").write_text(str(limit))
    (d / "memory.swap.max").write_text("0") if (d / "memory.swap.max").exists() else None
    return d, d / "cgroup.procs"


def _run_in_cgroup(pai, procs: Path) -> subprocess.CompletedProcess[str]:
    """``pai-runtime run`` started inside the cgroup (the container's cgroup, in a pod)."""
    argv = ["sh", "-c", f'echo $$ > {procs} && exec "$0" run', str(pid1_ns.BIN)]
    return subprocess.run(argv, env=pai.env, capture_output=True, text=True, timeout=90)


@pytest.fixture
def cgroup(tmp_path):
    d, procs = _memory_cgroup(tmp_path, 96 << 20)
    yield procs
    for _ in range(50):
        try:
            d.rmdir()
            break
        except OSError:
            import time

            time.sleep(0.1)


def test_real_oom_kill_of_the_user_command(pai, cgroup):
    prepare(pai, user=f"{PY} -c \"x = bytearray(1 << 30); print('survived')\"\n")
    r = _run_in_cgroup(pai, cgroup)
    assert r.returncode == 237, r.stderr
    assert "the kernel's OOM killer killed 1 process(es)" in rlog(pai)
    assert "ContainerHostMemoryOOMKilled" in termination(pai)


def test_real_oom_kill_of_a_pool_worker(pai, cgroup):
    """A data-loader-style worker pool: the worker that loads too much is OOM-killed, the
    parent sees its pool broken and exits 1; the cgroup's count says why."""
    code = ("import concurrent.futures as f\n"
            "def load(n):\n    return len(bytearray(n))\n"
            "with f.ProcessPoolExecutor(2) as pool:\n    print(list(pool.map(load, [1 << 10, 1 << 30])))\n")
    (pai.runtime_dir).mkdir(parents=True, exist_ok=True)
    (pai.runtime_dir / "loader.py").write_text(code)
    prepare(pai, user=f"{PY} {pai.runtime_dir / 'loader.py'}\n")
    r = _run_in_cgroup(pai, cgroup)
    assert "BrokenProcessPool" in (pai.log_dir / "user-all" / "current").read_text()
    assert r.returncode == 237, r.stderr
    assert "ContainerHostMemoryOOMKilled" in r.stderr

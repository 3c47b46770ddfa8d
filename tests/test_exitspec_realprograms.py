"""The new families of the default exit spec against the real thing, where it runs here.

Disk full is a real tmpfs of 64 KiB filled by Python and by tar (in a private mount
namespace); the missing ``python -m`` module, the permission error (a real setuid to
``nobody`` reading a root-only file), the truncated pickle checkpoint and the host
``MemoryError`` under ``prlimit --as`` are CPython's own output and exit codes. The memory
cgroup OOM kill is in ``test_supervisor_attempts.py`` (it needs the supervisor's fact).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pai_runtime.exitspec import spec
from pai_runtime.exitspec.classify import classify
from pai_runtime.exitspec.logtail import LogTail

REPO = Path(__file__).resolve().parent.parent
DEFAULT = spec.load_file(REPO / "specs" / "runtime-exit-spec.yaml")


def run(argv: list[str], cwd: Path) -> tuple[int, str]:
    r = subprocess.run(argv, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60,
                       env={**os.environ, "LC_ALL": "C"})
    return r.returncode, r.stdout


def code_of(rc: int, out: str) -> tuple[int, str | None]:
    v = classify(DEFAULT, rc, LogTail(data=out.encode(), found=True), LogTail(found=True), lambda: None)
    return v.exit_code, v.phrase


def in_full_tmpfs(tmp: Path, script: str) -> tuple[int, str]:
    """Run ``script`` (sh) with ``$FULL`` a 64 KiB tmpfs, in a mount namespace of its own."""
    full = tmp / "full"
    full.mkdir()
    body = f"mount -t tmpfs -o size=64k tmpfs {full} && FULL={full} && export FULL && {script}"
    return run(["unshare", "--mount", "--propagation", "private", "sh", "-c", body], tmp)


def disk_full_python_write(tmp: Path) -> tuple[int, str]:
    rc, out = in_full_tmpfs(tmp, f"{sys.executable} -c \"open('$FULL/ckpt.pt', 'wb').write(bytes(1 << 20))\"")
    assert rc == 1 and "No space left on device" in out, out
    return rc, out


def disk_full_tar_extract(tmp: Path) -> tuple[int, str]:
    (tmp / "data.bin").write_bytes(os.urandom(300_000))
    subprocess.run(["tar", "-cf", str(tmp / "a.tar"), "-C", str(tmp), "data.bin"], check=True)
    rc, out = in_full_tmpfs(tmp, f"tar -xf {tmp / 'a.tar'} -C $FULL")
    # GNU tar says either "Cannot write: No space left on device" or, for a short write,
    # "Wrote only 4608 of 10240 bytes", depending on where the tmpfs fills up
    assert rc == 2 and ("No space left on device" in out or "Wrote only" in out), out
    return rc, out


def python_m_missing_module(tmp: Path) -> tuple[int, str]:
    rc, out = run([sys.executable, "-m", "trainer_not_installed", "--epochs", "3"], tmp)
    assert rc == 1 and "No module named trainer_not_installed" in out and "Error:" not in out, out
    return rc, out


def permission_denied_on_data(tmp: Path) -> tuple[int, str]:
    data = tmp / "train.idx"
    data.write_bytes(b"x")
    data.chmod(0o600)  # root's; nobody may not read it
    tmp.chmod(0o755)
    code = f"import os; os.setgid(65534); os.setuid(65534); open({str(data)!r}, 'rb')"
    rc, out = run([sys.executable, "-c", code], tmp)
    assert rc == 1 and "PermissionError: [Errno 13] Permission denied" in out, out
    return rc, out


def truncated_pickle_checkpoint(tmp: Path) -> tuple[int, str]:
    import pickle

    blob = pickle.dumps({"step": 1200, "weights": list(range(5000))})
    (tmp / "ckpt.pkl").write_bytes(blob[: len(blob) // 2])  # the copy stopped half way
    rc, out = run([sys.executable, "-c", "import pickle; pickle.load(open('ckpt.pkl', 'rb'))"], tmp)
    assert rc == 1 and "pickle data was truncated" in out, out
    return rc, out


def host_memory_error_under_prlimit(tmp: Path) -> tuple[int, str]:
    rc, out = run(["prlimit", f"--as={512 << 20}", sys.executable, "-c", "x = bytearray(2 << 30)"], tmp)
    assert rc == 1 and "MemoryError" in out, out
    return rc, out


def worker_sigkill_reported_by_bash(tmp: Path) -> tuple[int, str]:
    """A script whose training step is killed by SIGKILL and that then fails: bash's own
    "line N: PID Killed" wording, the script's exit 1."""
    script = tmp / "train.sh"
    script.write_text(f"{sys.executable} -c 'import os, signal; os.kill(os.getpid(), signal.SIGKILL)'\n"
                      "echo 'evaluation skipped: no checkpoint' >&2\nexit 1\n")
    rc, out = run(["bash", str(script)], tmp)
    assert rc == 1 and " Killed " in out, out
    return rc, out


def launcher_sees_worker_sigkill(tmp: Path) -> tuple[int, str]:
    """A Python launcher whose worker is SIGKILLed: subprocess's CalledProcessError says
    "died with <Signals.SIGKILL: 9>" and the launcher exits 1."""
    worker = "import os, signal; os.kill(os.getpid(), signal.SIGKILL)"
    code = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {worker!r}], check=True)"
    rc, out = run([sys.executable, "-c", code], tmp)
    assert rc == 1 and "died with <Signals.SIGKILL: 9>" in out, out
    return rc, out


#: name: (the real program, the code and phrase the default spec must give)
PROGRAMS = {
    "disk full: python write": (disk_full_python_write, (242, "ContainerDiskFull")),
    "disk full: tar extract": (disk_full_tar_extract, (242, "ContainerDiskFull")),
    "python -m missing module": (python_m_missing_module, (232, "ContainerImportError")),
    "permission denied on data": (permission_denied_on_data, (245, "ContainerDataPermissionDenied")),
    "truncated pickle checkpoint": (truncated_pickle_checkpoint, (243, "ContainerCorruptCheckpoint")),
    "MemoryError under prlimit --as": (host_memory_error_under_prlimit, (237, "ContainerHostMemoryOOMKilled")),
    "worker SIGKILL reported by bash": (worker_sigkill_reported_by_bash, (237, "ContainerHostMemoryOOMKilled")),
    "worker SIGKILL reported by subprocess": (launcher_sees_worker_sigkill, (237, "ContainerHostMemoryOOMKilled")),
}


@pytest.mark.parametrize("name", list(PROGRAMS))
def test_real_program(name, tmp_path):
    produce, expected = PROGRAMS[name]
    assert code_of(*produce(tmp_path)) == expected

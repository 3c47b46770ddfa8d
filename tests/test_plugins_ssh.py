"""ssh plugin with a real sshd (Debian openssh-server) for two simulated tasks on two
loopback ports (tests/rigs/sshd_tasks.py)."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from pai_runtime import envfile
from tests.rigs.plugins import Job
from tests.rigs.sshd_tasks import SshJob, keypair, ssh_job_fixture  # noqa: F401

pytestmark = pytest.mark.timeout(120)

KEYS = {"privateKey": "<% $secrets.jobssh.private %>", "publicKey": "<% $secrets.jobssh.public %>"}


def init_all(job: SshJob, params: dict) -> None:
    for task in job.tasks:
        res = task.init({"commands": ["echo user-command-ran"],
                         "runtimePlugin": [{"plugin": "ssh", "parameters": params}]})
        assert res.returncode == 0, res.stderr


def run_pre_parallel(tasks: list[Job]) -> list[subprocess.CompletedProcess[str]]:
    results: list[subprocess.CompletedProcess[str] | None] = [None] * len(tasks)

    def go(i: int) -> None:
        results[i] = tasks[i].sh("precommands.sh", timeout=90)

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(tasks))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(100)
    assert all(r is not None for r in results)
    return results  # type: ignore[return-value]


def ssh(task: Job, alias: str, *cmd: str) -> subprocess.CompletedProcess[str]:
    cfg = str(Path(task.env["HOME"]) / ".ssh" / "config")  # ssh reads the passwd home, not $HOME
    return subprocess.run(["ssh", "-F", cfg, "-o", "BatchMode=yes", "-o", "ConnectTimeout=5", alias, *cmd],
                          env={**task.env, "HOME": task.env["HOME"]}, capture_output=True, text=True, timeout=30)


def test_barrier_passes_when_both_up_and_peers_reachable(ssh_job: SshJob) -> None:
    init_all(ssh_job, {**KEYS, "sshbarrier": True, "sshbarrierTimeout": 1})
    results = run_pre_parallel(ssh_job.tasks)
    for r in results:
        assert r.returncode == 0, r.stdout + r.stderr
        assert "ssh barrier: all 2 task(s) accept ssh" in r.stdout
    t0 = ssh_job.tasks[0]
    cfg = (Path(t0.env["HOME"]) / ".ssh" / "config").read_text()
    assert "Host worker-0" in cfg and "Host worker-1" in cfg
    assert f"Port {ssh_job.ports[1]}" in cfg
    out = ssh(t0, "worker-1", "echo", "hello-from-1")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "hello-from-1"
    # the job key is the one from secrets, and it never reached a log
    assert ssh_job.private.strip() not in t0.init_log()
    assert "PRIVATE KEY" not in results[0].stdout + results[0].stderr


def test_barrier_times_out_exit_10_when_a_peer_is_down(ssh_job: SshJob) -> None:
    init_all(ssh_job, {**KEYS, "sshbarrier": True, "sshbarrierTimeout": 0.05})
    r = ssh_job.tasks[0].sh("precommands.sh", timeout=60)
    assert r.returncode == 10, r.stdout + r.stderr
    assert "SSH barrier reaches max retry count" in r.stdout
    assert "worker-1" in r.stdout.split("SSH barrier reaches max retry count")[1]


def test_barrier_timeout_classified_249_through_run(ssh_job: SshJob) -> None:
    init_all(ssh_job, {**KEYS, "sshbarrier": True, "sshbarrierTimeout": 0.05})
    task = ssh_job.tasks[0]
    r = task.run(timeout=90)
    assert r.returncode == 249, r.stdout + r.stderr
    assert "SSH barrier reaches max retry count" in task.runtime_log()
    assert "user-command-ran" not in r.stdout + r.stderr
    term = Path(task.env["PAI_TERMINATION_LOG"]).read_text()
    assert "249" in term and "SSHBarrier" in term.replace(" ", "")


def test_user_key_and_taskrole_aliases(tmp_path: Path) -> None:
    job = SshJob(tmp_path, count=1, role="taskrole1", openpai_env=True)
    try:
        user_priv_dir = tmp_path / "user"
        user_priv_dir.mkdir()
        _, user_pub = keypair(user_priv_dir, "me")
        task = job.tasks[0]
        job_config = {"protocolVersion": 2, "taskRoles": {"taskrole_1": {"instances": 1}}}
        res = task.init({"jobConfig": job_config, "runtimePlugin": [{"plugin": "ssh", "parameters": {
            "userssh": {"type": "custom", "value": user_pub}}}]})
        assert res.returncode == 0, res.stderr
        r = task.sh("precommands.sh")
        assert r.returncode == 0, r.stdout + r.stderr
        cfg = (Path(task.env["HOME"]) / ".ssh" / "config").read_text()
        assert "Host taskrole_1-0 taskrole1-0" in cfg
        login = subprocess.run(["ssh", "-i", str(user_priv_dir / "me"), "-o", "BatchMode=yes", "-o",
                                "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null", "-p",
                                str(job.ports[0]), "root@127.0.0.1", "echo", "user-key-ok"],
                               capture_output=True, text=True, timeout=30)
        assert login.stdout.strip() == "user-key-ok", login.stderr
        # restarting keeps one managed block in ~/.ssh/config
        job.stop()
        r = task.sh("precommands.sh")
        assert r.returncode == 0, r.stderr
        environment = Path(task.env["HOME"]) / ".ssh" / "environment"
        environment.write_text(environment.read_text() + "MINE=kept\n")
        job.stop()
        r = task.sh("precommands.sh")
        assert r.returncode == 0, r.stderr
        cfg = (Path(task.env["HOME"]) / ".ssh" / "config").read_text()
        assert cfg.count(">>> pai-runtime ssh plugin >>>") == 1
        # ... and one in ~/.ssh/environment (the job's env for ssh sessions, as OpenPAI),
        # the user's own lines kept, owner-only
        env_text = environment.read_text()
        assert env_text.count(">>> pai-runtime ssh plugin >>>") == 1 and "MINE=kept" in env_text
        assert f"PAI_WORK_DIR={task.env['PAI_WORK_DIR']}" in env_text and "\nHOME=" not in env_text
        assert environment.stat().st_mode & 0o777 == 0o600
    finally:
        job.stop()


def test_openssh_server_missing_fails_clearly(ssh_job: SshJob) -> None:
    init_all(ssh_job, KEYS)
    task = ssh_job.tasks[0]
    script = task.runtime_dir / "precommands.sh"
    # an image without sshd: hide the binary in a private mount namespace
    r = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c",
                        'mount --bind /dev/null /usr/sbin/sshd && exec /bin/sh "$0"', str(script)],
                       env={**task.env}, capture_output=True, text=True, timeout=60)
    assert r.returncode == 127, r.stdout + r.stderr
    assert "openssh-server is not installed in the job image" in r.stderr


@pytest.mark.parametrize("params,needle,code", [
    ({"userssh": {"type": "github", "value": "x"}}, "parameter userssh.type:", 247),
    ({"userssh": {"type": "custom", "value": "not a key"}}, "is not an ssh public key", 247),
    ({"sshbarrierTimeout": "ten"}, "parameter sshbarrierTimeout:", 247),
    ({"privateKey": "x"}, "must be given together", 247),
    ({}, "needs one job key pair shared by every task", 247),
    ({**KEYS, "sshbarrier": True, "sshbarrierTaskroles": ["ps"]}, "available roles: worker", 247),
    ({**KEYS, "jobssh": False, "sshbarrier": True}, "sshbarrier needs jobssh", 247),
    ({"userssh": {"type": "custom", "value": "ssh-ed25519 AAAA x"}, "sshbarrier": True},
     "needs one job key pair shared by every task", 247),
])
def test_bad_parameters(ssh_job: SshJob, params: dict, needle: str, code: int) -> None:
    task = ssh_job.tasks[0]
    res = task.init({"runtimePlugin": [{"plugin": "ssh", "parameters": params}]})
    assert res.returncode == code, res.stderr
    assert needle in res.stderr
    assert "runtime plugin 'ssh'" in res.stderr
    assert "Traceback" not in res.stderr


def as_job_user(root: Path, uid: int = 4242) -> list[str]:
    """argv prefix running a command as a non-root job user whose passwd entry (home
    ``root/home-<uid>``, shell /bin/sh) exists only in a private mount namespace, as a user
    baked into a job image would."""
    home = root / f"home-{uid}"
    home.mkdir(exist_ok=True)
    os.chown(home, uid, uid)
    passwd = root / "passwd"
    passwd.write_text(Path("/etc/passwd").read_text() + f"pjob:x:{uid}:{uid}:job user:{home}:/bin/sh\n")
    setup = f'mount --bind {shlex.quote(str(passwd))} /etc/passwd && exec setpriv --reuid={uid} --regid={uid} ' \
            f'--clear-groups env HOME={shlex.quote(str(home))} "$@"'
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", setup, "as-job-user"]


def test_sshd_and_barrier_as_non_root_job_user() -> None:
    """A job image running as a non-root user: sshd runs as that user on a high port, the
    barrier logs in as that user; a port below 1024 fails with a line saying why."""
    # pytest's tmp dirs are 0700 root; a space and a % in the work dir must survive ssh(d)_config
    root = Path(tempfile.mkdtemp(prefix="pai ssh %u-nonroot-"))
    root.chmod(0o755)
    job = SshJob(root, count=1)
    task = job.tasks[0]
    try:
        res = task.init({"runtimePlugin": [{"plugin": "ssh", "parameters": {"sshbarrier": True,
                                                                         "sshbarrierTimeout": 0.5}}]})
        assert res.returncode == 0, res.stderr
        subprocess.run(["chown", "-R", "4242:4242", str(task.work)], check=True)  # pod-wide runAsUser
        prefix = as_job_user(root)
        env = {**task.env, **envfile.read(task.runtime_dir / "env")}
        script = str(task.runtime_dir / "precommands.sh")
        r = subprocess.run([*prefix, "sh", "-c", f"/bin/sh {shlex.quote(script)} && ssh worker-0 id -un"],
                           env=env, capture_output=True, text=True, timeout=90)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "ssh barrier: all 1 task(s) accept ssh" in r.stdout
        assert r.stdout.strip().endswith("pjob")
        job.stop()
        cfg = next(task.runtime_dir.glob("plugins/*-ssh/sshd_config"))
        cfg.write_text(re.sub(r"(?m)^Port .*$", "Port 22", cfg.read_text()))
        r = subprocess.run([*prefix, "/bin/sh", script], env=env, capture_output=True, text=True, timeout=90)
        assert r.returncode == 1, r.stdout + r.stderr
        assert "sshd could not listen on port 22 (a non-root user can only listen on ports above 1023" in r.stderr
    finally:
        job.stop()
        shutil.rmtree(root, ignore_errors=True)


def test_openpai_userssh_alone_in_several_task_job(ssh_job: SshJob) -> None:
    """OpenPAI's ssh plugin defaults jobssh to false: {userssh} alone in a 2-task job only
    lets the user's key in, it does not fail for want of a job key pair."""
    task = ssh_job.tasks[0]
    res = task.init({"runtimePlugin": [{"plugin": "ssh", "parameters": {
        "userssh": {"type": "custom", "value": ssh_job.public}}}]})
    assert res.returncode == 0, res.stderr
    assert "jobssh off" in res.stderr
    d = next(task.runtime_dir.glob("plugins/*-ssh"))
    assert (d / "jobssh").read_text().strip() == "0" and (d / "user_keys").read_text() == ssh_job.public

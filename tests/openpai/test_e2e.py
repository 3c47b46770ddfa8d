"""The issue's "Done when": an unchanged OpenPAI job (ssh across two task roles, one of
them ``taskrole_1``; teamwise storage; cmd as a task-role prerequisite with ``$data``
references; a private image with ``auth``) given only as OpenPAI gives it to its pods (the
Framework with the job config in its ``config`` annotation, on an API server; OpenPAI's
pod env; the secrets mounted read-only under the work dir; the storage secrets in
``pai-storage``) runs through ``pai-runtime init`` and ``run`` for both tasks.

Expected values come from OpenPAI's code: its initializer turns the ``load-data``
prerequisite into a cmd plugin whose ``<% $data.uri[0] %>``/``<% $data.name %>`` resolve
against the task role's ``data`` prerequisite; its rest-server puts the task role's
commands, joined with newlines and ``$parameters`` rendered, into ``USER_CMD``; its ssh
plugin installs ``jobSSH`` from userExtensionSecrets; its storage plugin mounts
``<address>:<rootPath>/<path>`` with the per-user path, creating it first; its image
checker logs in with the prerequisite's ``auth``.

What runs differently, on purpose or because of this machine: the storage plugin's
``failurePolicy: ignore`` lets the job go on here, where the kernel has no NFS client (or
no NFS server answers): the mount fails at once (``retry=0``) inside a private mount
namespace, and the rest of the job runs. sshd and the ssh barrier are real (two sshd on
loopback ports, as tests/rigs/sshd_tasks.py does)."""

# ruff: noqa: F811  (pytest fixtures imported from tests.rigs are used as arguments)
from __future__ import annotations

import base64
import json
import os
import pwd
import signal
import subprocess
import threading
from pathlib import Path

import pytest
import yaml

from pai_runtime import envfile
from tests.openpai.jobs import BIN, framework, keypair, mount, platform, postcommands, pre_snippets, precommands, read
from tests.rigs.barrier_fixtures import kube_rig, rig  # noqa: F401
from tests.rigs.kube_apiserver import KubeApiServer
from tests.rigs.registry_rig import RegistryRig, registry_rig  # noqa: F401

pytestmark = pytest.mark.timeout(240)
JOB = """\
protocolVersion: 2
name: e2e_job
type: job
version: 1
contributor: OpenPAI
parameters: {epochs: 3}
prerequisites:
  - {protocolVersion: 2, name: private_image, type: dockerimage, uri: "%(image)s",
     auth: {username: alice, password: "<%% $secrets.docker_password_0 %%>", registryuri: "%(registry)s"}}
  - {protocolVersion: 2, name: mnist, type: data, version: 1, uri: ["%(data)s"]}
  - protocolVersion: 2
    name: load-data
    type: script
    version: 1.0
    contributor: OpenPAI
    description: copy the data set next to the code
    plugin: com.microsoft.pai.runtimeplugin.cmd
    callbacks:
      - event: taskStarts
        commands:
          - cat <%% $data.uri[0] %%> > data_<%% $data.name %%>.txt
          - echo LOADED <%% $data.name %%> from <%% $data.uri.0 %%>
      - event: taskSucceeds
        commands:
          - echo SUCCEEDED <%% $data.name %%>
taskRoles:
  taskrole:
    instances: 1
    dockerImage: private_image
    data: mnist
    prerequisites: [load-data]
    resourcePerInstance: {cpu: 1, memoryMB: 1024, gpu: 0, ports: {tcp: 1}}
    commands:
      - cat data_mnist.txt
      - echo TRAIN epochs=<%% $parameters.epochs %%> role=$PAI_CURRENT_TASK_ROLE_NAME
      - ssh taskrole1-0 echo PEER-OK-from-\\$PAI_CURRENT_TASK_ROLE_NAME
      - touch %(flag)s
  taskrole_1:
    instances: 1
    dockerImage: private_image
    data: mnist
    prerequisites: [load-data]
    resourcePerInstance: {cpu: 1, memoryMB: 1024, gpu: 0, ports: {mpi: 2}}
    commands:
      - echo WORKER epochs=<%% $parameters.epochs %%> role=$PAI_CURRENT_TASK_ROLE_NAME
      - i=0; while [ ! -f %(flag)s ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done
extras:
  com.microsoft.pai.runtimeplugin:
    - plugin: ssh
      parameters: {jobssh: true, sshbarrier: true, sshbarrierTimeout: 1, userssh: {type: custom, value: ""}}
    - plugin: teamwise_storage
      failurePolicy: ignore
      parameters: {storageConfigNames: [STORAGE_E2E]}
"""
#: USER_CMD as OpenPAI's rest-server writes it into each pod (commands trimmed, joined with
#: newlines, $parameters rendered; $secrets left for the runtime). taskrole_1 waits until
#: taskrole's ssh session with it has ended (its sshd ends with its command).
USER_CMD = {"taskrole": "cat data_mnist.txt\necho TRAIN epochs=3 role=$PAI_CURRENT_TASK_ROLE_NAME\n"
                        "ssh taskrole1-0 echo PEER-OK-from-\\$PAI_CURRENT_TASK_ROLE_NAME\ntouch %(flag)s",
            "taskrole_1": "echo WORKER epochs=3 role=$PAI_CURRENT_TASK_ROLE_NAME\n"
                          "i=0; while [ ! -f %(flag)s ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done"}
STORAGE_CONFIG = {"name": "STORAGE_E2E", "default": True, "mountInfos": [
    {"mountPoint": "/mnt/data", "path": "data", "server": "nfs_e2e", "permission": "rw"},
    {"mountPoint": "/mnt/home", "path": "users/${PAI_USER_NAME}", "server": "nfs_e2e", "permission": "rw"}]}
STORAGE_SERVER = {"spn": "nfs_e2e", "type": "nfs", "address": "127.0.0.1", "rootPath": "/export",
                  "extension": {"options": ["retry=0", "timeo=5", "retrans=0"]}}


def b64(obj: dict) -> str:
    return base64.b64encode(json.dumps(obj).encode()).decode()


def init_spec(rig: RegistryRig) -> str:
    """OpenPAI's init chain, in order: barrier, env, plugins, ports, image (the default spec
    with the registry rig's plain-http hosts allowed)."""
    return yaml.safe_dump({"initPlugins": [
        {"name": "barrier", "builtin": "barrier", "parameters": {"timeout": "30s"}},
        {"name": "framework", "builtin": "framework"},
        {"name": "image-check", "builtin": "image_check",
         "parameters": {"insecureRegistries": list(rig.insecure), "deadline": "20s"}},
        {"name": "ports", "builtin": "ports"},
        {"name": "runtime-plugins", "builtin": "runtimeplugins"},
        {"name": "render", "builtin": "render"}]})


class Task:
    def __init__(self, root: Path, role: str, fw: dict, env: dict[str, str], user_ext: dict, spec: str,
                 user_cmd: str) -> None:
        self.role, self.root = role, root
        self.work, self.config, home = root / "work", root / "config", root / "home"
        for d in (self.work, self.config, home):
            d.mkdir(parents=True)
        (self.config / "init_plugins.yaml").write_text(spec)
        pname = platform(role)
        uid = next(t["attemptStatus"]["podUID"] for r in fw["status"]["attemptStatus"]["taskRoleStatuses"]
                   if r["name"] == pname for t in r["taskStatuses"])
        self.log_dir = self.work / "logs" / uid
        base = {k: v for k, v in os.environ.items() if k in ("PATH", "LANG", "LC_ALL", "TMPDIR")}
        self.env = {**base, **env, "HOME": str(home), "PAI_WORK_DIR": str(self.work),
                    "PAI_CONFIG_DIR": str(self.config), "PAI_TERMINATION_LOG": str(root / "termination-log"),
                    "PAI_LOG_FORMAT": "console", "FC_FRAMEWORK_NAME": fw["metadata"]["name"],
                    "FC_FRAMEWORK_NAMESPACE": "default", "FC_TASKROLE_NAME": pname, "FC_TASK_INDEX": "0",
                    "FC_POD_UID": uid, "PAI_CURRENT_TASK_ROLE_NAME": role, "USER_CMD": user_cmd,
                    "PAI_USER_NAME": "test_user", "PAI_JOB_NAME": "test_user~e2e_job", "GANG_ALLOCATION": "true",
                    "STORAGE_CONFIGS": '["STORAGE_E2E"]', "PAI_TASK_ROLE_LIST": "taskrole,taskrole_1",
                    "PAI_TASK_ROLE_COUNT": "2", "PAI_TASK_ROLE_TASK_COUNT_taskrole": "1",
                    "PAI_TASK_ROLE_TASK_COUNT_taskrole_1": "1"}
        mount(self.work / "secrets", "secrets.yaml", {"docker_password_0": "alice-secret"})
        mount(self.work / "user-extension-secrets", "userExtensionSecrets.yaml", user_ext)
        mount(self.work / "token-secrets", "token", "application-token")
        self.runtime_dir = self.work / "runtime.d"

    def cli(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run(list(args), env=self.env, capture_output=True, text=True, timeout=timeout,
                              cwd=self.root)

    def stop_sshd(self) -> None:
        for pid_file in self.runtime_dir.rglob("sshd.pid"):
            try:
                os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)
            except (ValueError, ProcessLookupError):
                pass


def test_unchanged_openpai_job_through_init_and_run(tmp_path: Path, rig: KubeApiServer,
                                                    registry_rig: RegistryRig) -> None:
    host = registry_rig.host("basic")
    data = tmp_path / "mnist.txt"
    data.write_text("MNIST-BYTES\n")
    flag = tmp_path / "peer-ok"
    text = JOB % {"image": f"{host}/private/app:v1", "registry": host, "data": str(data), "flag": flag}
    user_cmd = {role: cmd % {"flag": flag} for role, cmd in USER_CMD.items()}
    fw = framework(text)
    for r in fw["status"]["attemptStatus"]["taskRoleStatuses"]:
        for t in r["taskStatuses"]:
            t["attemptStatus"]["podIP"] = t["attemptStatus"]["podHostIP"] = "127.0.0.1"
    rig.put(fw)
    for name, item in (("storage-config", {"STORAGE_E2E": STORAGE_CONFIG}),
                       ("storage-server", {"nfs_e2e": STORAGE_SERVER})):
        rig.put({"apiVersion": "v1", "kind": "Secret", "type": "Opaque",
                 "metadata": {"name": name, "namespace": "pai-storage"},
                 "data": {k: b64(v) for k, v in item.items()}})
    key, pub = keypair(tmp_path)
    user_ext = {"jobSSH": {"key": key, "pubKey": pub}, "sshKeys": []}
    env = {"KUBECONFIG": str(rig.kubeconfig(tmp_path / "kubeconfig"))}
    spec = init_spec(registry_rig)
    tasks = [Task(tmp_path / role, role, fw, env, user_ext, spec, user_cmd[role])
             for role in ("taskrole", "taskrole_1")]
    try:
        # -- init, both tasks (the barrier waits for the gang) ---------------------------
        results: dict[str, subprocess.CompletedProcess[str]] = {}
        threads = [threading.Thread(target=lambda t=t: results.__setitem__(t.role, t.cli(str(BIN), "init")))
                   for t in tasks]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for t in tasks:
            res = results[t.role]
            assert res.returncode == 0, (t.role, res.stderr[-3000:])
            assert "private/app:v1: found" in res.stderr, res.stderr[-2000:]
            assert "alice-secret" not in res.stderr
        for t in tasks:
            env_file = envfile.read(t.runtime_dir / "env")
            assert env_file["PAI_CURRENT_TASK_ROLE_NAME"] == t.role
            assert env_file["PAI_CURRENT_TASK_ROLE_CURRENT_TASK_INDEX"] == "0"
            assert env_file["PAI_TASK_ROLE_INSTANCES"] == "taskrole:0,taskrole1:0"
            assert env_file["PAI_HOST_IP_taskrole1_0"] == "127.0.0.1"
            pre, post = precommands(t), postcommands(t)  # type: ignore[arg-type]
            assert f"cat {data} > data_mnist.txt" in pre
            assert f"echo LOADED mnist from {data}" in pre
            assert "echo SUCCEEDED mnist" in post
            assert "mount -t nfs -o retry=0,timeo=5,retrans=0 127.0.0.1:/export/data /mnt/data" in pre
            assert "mount -t nfs -o retry=0,timeo=5,retrans=0 127.0.0.1:/export/users/test_user /mnt/home" in pre
            assert "mkdir -p /tmp/pai-storage-root-1/users/test_user" in pre
            assert user_cmd[t.role] in read(t, "user.sh")  # type: ignore[arg-type]
            assert "<%" not in pre + post + read(t, "user.sh")  # type: ignore[arg-type]
            jobkey = next(t.runtime_dir.rglob("jobkey"))
            assert jobkey.read_text().strip() == key.strip()
            assert "/barrier.sh" in pre_snippets(t)  # type: ignore[arg-type]
            ext = t.work / "user-extension-secrets" / "userExtensionSecrets.yaml"
            assert yaml.safe_load(ext.read_text()) == user_ext  # mounted read-only: untouched
        # -- run, both tasks, each in its own mount namespace -----------------------------
        runs: dict[str, subprocess.CompletedProcess[str]] = {}
        # ssh reads ~/.ssh/config under the passwd entry's home, not $HOME; in a container
        # the two are the same, so each task's $HOME/.ssh is bound over it in its own namespace
        dot_ssh = Path(pwd.getpwuid(os.getuid()).pw_dir) / ".ssh"
        dot_ssh.mkdir(mode=0o700, exist_ok=True)
        bind = f'mkdir -p -m 700 "$HOME/.ssh" && mount --bind "$HOME/.ssh" {dot_ssh} && exec "$0" run'
        threads = [threading.Thread(target=lambda t=t: runs.__setitem__(
            t.role, t.cli("unshare", "--mount", "--fork", "sh", "-c", bind, str(BIN), timeout=180))) for t in tasks]
        for th in threads:
            th.start()
        for th in threads:
            th.join()
        for t in tasks:
            run = runs[t.role]
            log = (t.log_dir / "runtime.log").read_text(errors="replace")
            user = (t.log_dir / "user-all" / "current").read_text(errors="replace")
            assert run.returncode == 0, (t.role, run.stderr[-2000:], log[-3000:], user[-2000:])
            assert "LOADED mnist from" in log and "SUCCEEDED mnist" in log
            assert "ignored (failurePolicy: ignore)" in log  # the NFS mount, here
            assert "sshd started" in log
        user0 = (tasks[0].log_dir / "user-all" / "current").read_text()
        assert "MNIST-BYTES" in user0 and "TRAIN epochs=3 role=taskrole" in user0
        assert "PEER-OK-from-taskrole_1" in user0  # the peer's env in the ssh session, as in OpenPAI
        user1 = (tasks[1].log_dir / "user-all" / "current").read_text()
        assert "WORKER epochs=3 role=taskrole_1" in user1
    finally:
        for t in tasks:
            t.stop_sshd()

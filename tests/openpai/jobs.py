"""Build what OpenPAI's rest-server hands the runtime for a job config: the Framework
(job config in the ``config`` annotation, task roles under their converted names, the
port-scheduling annotation, a status with pod IPs and UIDs) and the mounted secret dirs.

Why build it: the peer's unit tests give its plugin initializer the job config directly;
our surface is the init container, which gets the job config only through the Framework.
The shape follows the peer's ``fixtures/framework.json``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

from pai_runtime.plugin_testing import Job

BIN = Path(sys.executable).parent / "pai-runtime"
FW_SPEC = ("initPlugins: [{name: framework, builtin: framework, parameters: {file: %s}}, "
           "{name: runtime-plugins, builtin: runtimeplugins}, {name: render, builtin: render}]")


def platform(role: str) -> str:
    """OpenPAI's rest-server keeps only [a-z0-9] of a task role name (taskrole_1 -> taskrole1)."""
    return "".join(c for c in role.lower() if c.isascii() and c.isalnum())


def framework(job_text: str, *, name: str = "0123456789abcdef0123456789abcdef", base_ip: str = "10.151.40",
              user: str = "test_user") -> dict[str, Any]:
    job = yaml.safe_load(job_text)
    roles, statuses = [], []
    n = 10
    for role, spec in job["taskRoles"].items():
        count = int(spec.get("instances", 1))
        ports = {p: {"count": int(c)} for p, c in ((spec.get("resourcePerInstance") or {}).get("ports") or {}).items()}
        ports.setdefault("ssh", {"count": 1})
        ports.setdefault("http", {"count": 1})
        pname = platform(role)
        roles.append({"name": pname, "taskNumber": count, "task": {"pod": {"metadata": {"annotations": {
            "rest-server/port-scheduling-spec": json.dumps(
                {"schedulePortStart": 20000, "schedulePortEnd": 40000, "ports": ports})}}, "spec": {}}}})
        tasks = []
        for i in range(count):
            n += 1
            uid = f"{n:08d}-0000-4000-8000-{n:012d}"
            tasks.append({"index": i, "attemptStatus": {"podIP": f"{base_ip}.{n}", "podHostIP": f"{base_ip}.{n}",
                                                        "podUID": uid, "podName": f"{name[:4]}-{pname}-{i}"}})
        statuses.append({"name": pname, "taskStatuses": tasks})
    return {"apiVersion": "frameworkcontroller.microsoft.com/v1", "kind": "Framework",
            "metadata": {"name": name, "namespace": "default", "labels": {"userName": user},
                         "annotations": {"config": job_text, "jobName": job.get("name", "job")}},
            "spec": {"taskRoles": roles},
            "status": {"state": "AttemptRunning",
                       "attemptStatus": {"id": 0, "taskRoleStatuses": statuses}}}


def openpai_job(tmp: Path, job_text: str, role: str, index: int = 0, *, init_spec: str | None = None,
                secrets: dict | None = None, user_extension: dict | None = None,
                env: dict[str, str] | None = None) -> tuple[Job, dict[str, Any]]:
    """A :class:`Job` whose init container sees what OpenPAI's pod spec gives it: the
    Framework (here from a file), the task's FC_* / PAI_* variables and the read-only
    secret mounts ``secrets/``, ``user-extension-secrets/``, ``token-secrets/`` under the
    work dir (OpenPAI's default paths)."""
    fw = framework(job_text)
    fw_file = tmp / "framework.json"
    fw_file.parent.mkdir(parents=True, exist_ok=True)
    fw_file.write_text(json.dumps(fw))
    pname = platform(role)
    uid = next(t["attemptStatus"]["podUID"] for r in fw["status"]["attemptStatus"]["taskRoleStatuses"]
               if r["name"] == pname for t in r["taskStatuses"] if t["index"] == index)
    job = Job(tmp, env={"INIT_CONFIG": init_spec or FW_SPEC % json.dumps(str(fw_file)),
                        "FC_TASKROLE_NAME": pname, "FC_TASK_INDEX": str(index), "FC_POD_UID": uid,
                        "FC_FRAMEWORK_NAME": fw["metadata"]["name"],
                        "PAI_CURRENT_TASK_ROLE_NAME": role, "PAI_USER_NAME": "test_user",
                        "PAI_JOB_NAME": "test_user~" + str(yaml.safe_load(job_text).get("name")),
                        **(env or {})})
    mount(job.work / "secrets", "secrets.yaml", secrets)
    mount(job.work / "user-extension-secrets", "userExtensionSecrets.yaml", user_extension)
    mount(job.work / "token-secrets", "token", None if secrets is None else "a-token")
    return job, fw


def mount(directory: Path, name: str, data: Any) -> None:
    """A secret volume as Kubernetes mounts it: read-only files, the dir read-only too."""
    if data is None:
        return
    directory.mkdir(parents=True, exist_ok=True)
    f = directory / name
    f.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    f.chmod(0o444)
    directory.chmod(0o555)


def keypair(tmp: Path) -> tuple[str, str]:
    """A real ed25519 key pair from ssh-keygen (what OpenPAI's rest-server puts in jobSSH)."""
    key = tmp / "jobkey"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "pai-job", "-f", str(key)], check=True)
    return key.read_text(), (tmp / "jobkey.pub").read_text()


def read(job: Job, name: str) -> str:
    p = job.runtime_dir / name
    return p.read_text() if p.exists() else ""


def precommands(job: Job) -> str:
    """precommands.sh plus every script file the plugins wrote under runtime.d/plugins but
    their post-command snippets (plugin snippets live in their own files)."""
    text = read(job, "precommands.sh")
    for p in sorted((job.runtime_dir / "plugins").rglob("*.sh")):
        if p.name != "post.sh" and os.access(p, os.R_OK):
            text += "\n" + p.read_text(errors="replace")
    return text


def postcommands(job: Job) -> str:
    """postcommands.sh plus each plugin's post-command snippet."""
    return read(job, "postcommands.sh") + "".join(
        "\n" + p.read_text() for p in sorted((job.runtime_dir / "plugins").glob("*/post.sh")))


def pre_snippets(job: Job) -> str:
    """What the plugins put in the pre-commands themselves (not the files they ship):
    e.g. the ssh plugin's call of its barrier."""
    return "".join(p.read_text() for p in sorted((job.runtime_dir / "plugins").glob("*/pre.sh")))

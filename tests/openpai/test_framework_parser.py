"""OpenPAI's ``test/test_framework_parser.py`` (genenv) and its ``genconf`` step, with the
peer's own framework.json, through ``pai-runtime init``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from pai_runtime import envfile
from pai_runtime.plugin_testing import Job
from tests.openpai import FIXTURES

pytestmark = pytest.mark.timeout(60)

EXPECTED = {  # the peer's expect_lines, as values
    "PAI_PORT_LIST_taskrole_0_tcp": "29877,22353,29076",
    "PAI_CONTAINER_HOST_PORT_LIST": "tcp:29877,22353,29076;udp:31903,33486,35953;ssh:39080;http:30643;",
    "PAI_taskrole1_0_mpi_PORT": "20966,21891",
    "PAI_CONTAINER_HOST_http_PORT_LIST": "30643",
    "PAI_PORT_LIST_taskrole_0_udp": "31903,33486,35953",
    "PAI_CONTAINER_SSH_PORT": "39080",
}


def init(tmp: Path, role: str, env: dict[str, str]) -> Job:
    path = json.dumps(str(FIXTURES / "framework.json"))
    spec = f"initPlugins: [{{name: framework, builtin: framework, parameters: {{file: {path}}}}}]"
    job = Job(tmp, env={"INIT_CONFIG": spec, "FC_TASKROLE_NAME": role, "FC_TASK_INDEX": "0", **env})
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    return job


def test_generate_runtime_env(tmp_path: Path) -> None:
    """test_generate_runtime_env: FC_TASKROLE_NAME=taskrole, FC_TASK_INDEX=0."""
    env = envfile.read(init(tmp_path, "taskrole", {}).runtime_dir / "env")
    for key, value in EXPECTED.items():
        assert env.get(key) == value, key


def test_generate_jobconfig_and_taskrole_1(tmp_path: Path) -> None:
    """genconf: runtime.d/job_config.yaml is the Framework's ``config`` annotation. For the
    task of ``taskrole_1`` (platform name ``taskrole1``), OpenPAI's own code raised
    ``KeyError: 'taskrole1'`` looking the role up in the job config; we resolve both
    spellings, so the current role is the job config's ``taskrole_1``."""
    job = init(tmp_path, "taskrole1", {"PAI_CURRENT_TASK_ROLE_NAME": "taskrole_1"})
    fw = json.loads((FIXTURES / "framework.json").read_text())
    assert (job.runtime_dir / "job_config.yaml").read_text() == fw["metadata"]["annotations"]["config"]
    env = envfile.read(job.runtime_dir / "env")
    assert env["PAI_CURRENT_TASK_ROLE_NAME"] == "taskrole_1"
    assert env["PAI_taskrole1_0_mpi_PORT"] == "20966,21891"
    assert env["PAI_CONTAINER_HOST_mpi_PORT_LIST"] == "20966,21891"

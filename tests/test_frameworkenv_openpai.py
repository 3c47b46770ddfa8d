"""The runtime env generator against OpenPAI-shaped framework.json files
(tests/data/framework/): every variable and every port number.

Expected hashed ports are computed independently of the product code, with coreutils'
``md5sum`` and bash arithmetic, following OpenPAI's documented formula."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest

from pai_runtime.errors import ConfigError
from pai_runtime.openpai import env as frameworkenv
from pai_runtime.openpai.env import Options, generate
from pai_runtime.openpai.roles import RoleMap
from tests.rigs.kube_apiserver import compress_status

DATA = Path(__file__).parent / "data" / "framework"


def load(name: str) -> dict:
    return json.loads((DATA / name).read_text())


def openpai_port(uid: str, name: str, i: int, start: int = 20000, end: int = 40000) -> int:
    """``(int(md5[0:12]) + int(md5[12:24]) + int(md5[24:32])) % (end - start) + start`` in bash."""
    script = ('h=$(printf "%s" "$1" | md5sum | cut -c1-32); '
              'echo $(( (16#${h:0:12} + 16#${h:12:12} + 16#${h:24:8}) % ($3 - $2) + $2 ))')
    out = subprocess.run(["bash", "-c", script, "_", f"[{uid}][{name}][{i}]", str(start), str(end)],
                         capture_output=True, text=True, check=True)
    return int(out.stdout)


def test_known_answer_of_the_hashed_allocation():
    # md5("[9dd75861-...][http][0]") = 5f19270acc6de8bf671e8273a74d57b0 -> 34320 (checked with md5sum)
    assert frameworkenv.hashed_ports("9dd75861-f050-4a24-9cd6-b48a180571d2", "http", 1, 20000, 40000) == [34320]
    assert frameworkenv.hashed_ports("9dd75861-f050-4a24-9cd6-b48a180571d2", "ssh", 1, 20000, 40000) == [28326]


UIDS = {("master", 0): "5e1f3c8a-2b7d-4c61-9a0e-7d3b2f1c4e5a", ("worker", 0): "9dd75861-f050-4a24-9cd6-b48a180571d2",
        ("worker", 1): "2320bc0d-db98-4969-965f-077953c6aee9"}
IPS = {("master", 0): "10.151.40.11", ("worker", 0): "10.151.40.12", ("worker", 1): "10.151.40.13"}
PORTS = {"master": {"torch": 1, "ssh": 1, "http": 1}, "worker": {"tcp": 2, "ssh": 1, "http": 1}}


def expected_hashed_env(cur_role: str, cur_idx: int) -> dict[str, str]:
    env: dict[str, str] = {}
    ports: dict[tuple[str, int], dict[str, list[int]]] = {}
    for (role, idx), uid in UIDS.items():
        ports[(role, idx)] = {p: [openpai_port(uid, p, i) for i in range(n)] for p, n in PORTS[role].items()}
        for p, nums in ports[(role, idx)].items():
            env[f"PAI_PORT_LIST_{role}_{idx}_{p}"] = ",".join(map(str, nums))
            env[f"PAI_{role}_{idx}_{p}_PORT"] = ",".join(map(str, nums))
        env[f"PAI_HOST_IP_{role}_{idx}"] = IPS[(role, idx)]
    for role in ("master", "worker"):
        env[f"PAI_TASK_ROLE_{role}_HOST_LIST"] = ",".join(
            f"{IPS[k]}:{ports[k]['http'][0]}" for k in UIDS if k[0] == role)
    env["PAI_TASK_ROLE_INSTANCES"] = "master:0,worker:0,worker:1"
    me = ports[(cur_role, cur_idx)]
    ip = IPS[(cur_role, cur_idx)]
    env.update({"PAI_CURRENT_CONTAINER_IP": ip, "PAI_CONTAINER_HOST_IP": ip,
                "PAI_CURRENT_CONTAINER_PORT": str(me["http"][0]), "PAI_CONTAINER_HOST_PORT": str(me["http"][0]),
                "PAI_CONTAINER_SSH_PORT": str(me["ssh"][0])})
    listing = ""
    for p, nums in me.items():
        env[f"PAI_CONTAINER_HOST_{p}_PORT_LIST"] = ",".join(map(str, nums))
        listing += f"{p}:{','.join(map(str, nums))};"
    env["PAI_CONTAINER_HOST_PORT_LIST"] = listing
    master_torch = ports[("master", 0)]["torch"][0]
    rank = {"master": 0, "worker": 1}[cur_role] + cur_idx
    env.update({"MASTER_ADDR": "10.151.40.11", "MASTER_PORT": str(master_torch), "WORLD_SIZE": "3",
                "RANK": str(rank), "PET_NNODES": "3", "PET_NODE_RANK": str(rank), "PET_MASTER_ADDR": "10.151.40.11",
                "PET_MASTER_PORT": str(master_torch)})
    return env


@pytest.mark.parametrize("compressed", [False, True])
def test_every_variable_of_a_hashed_port_job(compressed):
    fw = load("openpai_hashed.json")
    if compressed:
        compress_status(fw)
        from pai_runtime.openpai.framework import decompress

        decompress(fw)
    result = generate(fw, current_role="worker", current_index=1)
    assert result.env == expected_hashed_env("worker", 1)
    assert result.current.ports == {p: [openpai_port(UIDS[("worker", 1)], p, i) for i in range(n)]
                                    for p, n in PORTS["worker"].items()}
    assert result.warnings == []


def test_every_variable_of_a_sequential_port_job():
    fw = load("openpai_sequential.json")
    env = generate(fw, current_role="taskrole", current_index=1).env
    # older spec: start + count * taskIndex, then count consecutive ports
    assert env == {
        "PAI_PORT_LIST_taskrole_0_mpi": "22000,22001", "PAI_taskrole_0_mpi_PORT": "22000,22001",
        "PAI_PORT_LIST_taskrole_0_ssh": "21000", "PAI_taskrole_0_ssh_PORT": "21000",
        "PAI_PORT_LIST_taskrole_0_http": "20000", "PAI_taskrole_0_http_PORT": "20000",
        "PAI_HOST_IP_taskrole_0": "10.0.0.5",
        "PAI_PORT_LIST_taskrole_1_mpi": "22002,22003", "PAI_taskrole_1_mpi_PORT": "22002,22003",
        "PAI_PORT_LIST_taskrole_1_ssh": "21001", "PAI_taskrole_1_ssh_PORT": "21001",
        "PAI_PORT_LIST_taskrole_1_http": "20001", "PAI_taskrole_1_http_PORT": "20001",
        "PAI_HOST_IP_taskrole_1": "10.0.0.6",
        "PAI_CURRENT_CONTAINER_IP": "10.0.0.6", "PAI_CONTAINER_HOST_IP": "10.0.0.6",
        "PAI_CURRENT_CONTAINER_PORT": "20001", "PAI_CONTAINER_HOST_PORT": "20001", "PAI_CONTAINER_SSH_PORT": "21001",
        "PAI_CONTAINER_HOST_mpi_PORT_LIST": "22002,22003", "PAI_CONTAINER_HOST_ssh_PORT_LIST": "21001",
        "PAI_CONTAINER_HOST_http_PORT_LIST": "20001",
        "PAI_CONTAINER_HOST_PORT_LIST": "mpi:22002,22003;ssh:21001;http:20001;",
        "PAI_TASK_ROLE_taskrole_HOST_LIST": "10.0.0.5:20000,10.0.0.6:20001",
        "PAI_TASK_ROLE_INSTANCES": "taskrole:0,taskrole:1",
        "MASTER_ADDR": "10.0.0.5", "MASTER_PORT": "29500", "WORLD_SIZE": "2", "RANK": "1",
        "PET_NNODES": "2", "PET_NODE_RANK": "1", "PET_MASTER_ADDR": "10.0.0.5", "PET_MASTER_PORT": "29500",
    }


def test_no_http_or_ssh_port_and_a_role_only_in_status_do_not_crash():
    fw = load("openpai_no_http_ssh.json")
    result = generate(fw, current_role="train", current_index=0)
    n0 = openpai_port("33333333-3333-4333-8333-333333333333", "nccl", 0, 30000, 30100)
    n1 = openpai_port("44444444-4444-4444-8444-444444444444", "nccl", 0, 30000, 30100)
    assert result.env == {
        "PAI_PORT_LIST_train_0_nccl": str(n0), "PAI_train_0_nccl_PORT": str(n0), "PAI_HOST_IP_train_0": "192.168.7.1",
        "PAI_PORT_LIST_train_1_nccl": str(n1), "PAI_train_1_nccl_PORT": str(n1), "PAI_HOST_IP_train_1": "192.168.7.2",
        "PAI_TASK_ROLE_train_HOST_LIST": "192.168.7.1,192.168.7.2",
        "PAI_HOST_IP_eval_0": "192.168.7.3", "PAI_TASK_ROLE_eval_HOST_LIST": "192.168.7.3",
        "PAI_TASK_ROLE_INSTANCES": "train:0,train:1,eval:0",
        "PAI_CURRENT_CONTAINER_IP": "192.168.7.1", "PAI_CONTAINER_HOST_IP": "192.168.7.1",
        "PAI_CONTAINER_HOST_nccl_PORT_LIST": str(n0), "PAI_CONTAINER_HOST_PORT_LIST": f"nccl:{n0};",
        # a port named torch/master/rdzv/nccl is the default MASTER_PORT
        "MASTER_ADDR": "192.168.7.1", "MASTER_PORT": str(n0), "WORLD_SIZE": "3", "RANK": "0",
        "PET_NNODES": "3", "PET_NODE_RANK": "0", "PET_MASTER_ADDR": "192.168.7.1", "PET_MASTER_PORT": str(n0),
    }
    assert result.warnings == ["task role 'oldrole' is in the Framework status but not in its spec; skipped"]
    eval_env = generate(fw, current_role="eval", current_index=0).env
    assert (eval_env["RANK"], eval_env["MASTER_PORT"]) == ("2", str(n0))
    assert "PAI_CURRENT_CONTAINER_PORT" not in eval_env and "PAI_CONTAINER_SSH_PORT" not in eval_env
    assert eval_env["PAI_CONTAINER_HOST_PORT_LIST"] == ""


def test_torch_master_role_and_port_are_configurable():
    fw = load("openpai_hashed.json")
    env = generate(fw, current_role="master", current_index=0, options=Options(master_role="worker",
                                                                               master_port="tcp")).env
    assert env["MASTER_ADDR"] == "10.151.40.12"
    assert env["MASTER_PORT"] == str(openpai_port(UIDS[("worker", 0)], "tcp", 0))
    assert env["RANK"] == "0"
    env = generate(fw, current_role="worker", current_index=0, options=Options(torch_roles=["worker"],
                                                                               master_port=23456)).env
    assert (env["WORLD_SIZE"], env["RANK"], env["MASTER_ADDR"], env["MASTER_PORT"]) == ("2", "0", "10.151.40.12",
                                                                                        "23456")
    assert "MASTER_ADDR" not in generate(fw, current_role="master", current_index=0,
                                         options=Options(torch_roles=["worker"])).env
    assert "RANK" not in generate(fw, current_role="worker", current_index=0, options=Options(torch=False)).env
    with pytest.raises(ConfigError, match="masterRole 'ps' is not a task role"):
        generate(fw, current_role="worker", current_index=0, options=Options(master_role="ps"))
    with pytest.raises(ConfigError, match="masterPort 'nope' is not a port of task role 'master'"):
        generate(fw, current_role="worker", current_index=0, options=Options(master_port="nope"))


def test_opt_in_tf_config_mpi_hostfile_and_volcano():
    fw = load("openpai_hashed.json")
    roles = RoleMap(["master", "worker"])
    result = generate(fw, current_role="worker", current_index=1, roles=roles, hostfile_path="/run/hf",
                      options=Options(tf_config=True, tf_port="http", mpi_hostfile=True, volcano=True,
                                      gpus={"master": 1, "worker": 2}))
    http = {k: openpai_port(u, "http", 0) for k, u in UIDS.items()}
    assert json.loads(result.env["TF_CONFIG"]) == {
        "cluster": {"master": [f"10.151.40.11:{http[('master', 0)]}"],
                    "worker": [f"10.151.40.12:{http[('worker', 0)]}", f"10.151.40.13:{http[('worker', 1)]}"]},
        "task": {"type": "worker", "index": 1}, "environment": "cloud"}
    assert result.hostfile == "10.151.40.11 slots=1\n10.151.40.12 slots=2\n10.151.40.13 slots=2\n"
    assert result.env["OMPI_MCA_orte_default_hostfile"] == "/run/hf"
    assert result.env["VC_MASTER_HOSTS"] == "10.151.40.11"
    assert result.env["VC_WORKER_HOSTS"] == "10.151.40.12,10.151.40.13"
    assert (result.env["VC_MASTER_NUM"], result.env["VC_WORKER_NUM"], result.env["VC_TASK_INDEX"]) == ("1", "2", "1")
    assert result.env["VK_TASK_INDEX"] == "1"  # Volcano's env plugin sets both names
    plain = generate(fw, current_role="worker", current_index=1)
    assert not {"TF_CONFIG", "OMPI_MCA_orte_default_hostfile", "VC_TASK_INDEX", "VK_TASK_INDEX"} & set(plain.env)


def test_tf_config_job_types_are_lower_case_like_tfjob():
    # TensorFlow matches "chief"/"worker"/"ps" case-sensitively; TFJob lower-cases replica types
    fw = load("openpai_hashed.json")
    env = generate(fw, current_role="worker", current_index=0, roles=RoleMap(["Master", "Worker"]),
                   options=Options(tf_config=True, tf_port=2222)).env
    doc = json.loads(env["TF_CONFIG"])
    assert sorted(doc["cluster"]) == ["master", "worker"]
    assert doc["task"] == {"type": "worker", "index": 0}


def test_role_names_become_safe_identifiers_and_collisions_are_247():
    fw = load("openpai_no_http_ssh.json")
    fw["spec"]["taskRoles"][1]["name"] = "eval-x"
    fw["status"]["attemptStatus"]["taskRoleStatuses"][1]["name"] = "eval-x"
    env = generate(fw, current_role="eval-x", current_index=0).env
    assert env["PAI_HOST_IP_eval_x_0"] == "192.168.7.3"
    assert env["PAI_TASK_ROLE_eval_x_HOST_LIST"] == "192.168.7.3"
    fb = frameworkenv.barrier_env(fw, {})
    assert fb["FB_EVAL_X_IPS"] == "192.168.7.3"
    bad = copy.deepcopy(fw)
    bad["spec"]["taskRoles"][0]["name"] = "eval_x"
    bad["status"]["attemptStatus"]["taskRoleStatuses"][0]["name"] = "eval_x"
    with pytest.raises(ConfigError) as ei:
        generate(bad, current_role="eval_x", current_index=0)
    assert ei.value.code == 247 and "give the same variable names (EVAL_X)" in ei.value.message


def test_barrier_env_addresses():
    fw = load("openpai_hashed.json")
    env = frameworkenv.barrier_env(fw, {"FB_WORKER_PORT": "1234"})
    assert env["FB_WORKER_IPS"] == "10.151.40.12,10.151.40.13"
    assert env["FB_WORKER_ADDRESSES"] == "10.151.40.12:1234,10.151.40.13:1234"
    # without FB_MASTER_PORT: the task's first scheduled port (torch here)
    assert env["FB_MASTER_ADDRESSES"] == f"10.151.40.11:{openpai_port(UIDS[('master', 0)], 'torch', 0)}"


def test_bad_port_spec_is_a_clear_config_error():
    fw = load("openpai_hashed.json")
    fw["spec"]["taskRoles"][0]["task"]["pod"]["metadata"]["annotations"]["rest-server/port-scheduling-spec"] = "{"
    with pytest.raises(ConfigError, match="annotation rest-server/port-scheduling-spec is not JSON"):
        generate(fw, current_role="worker", current_index=0)


def _upstream_framework(roles: dict[str, tuple[dict[str, int], list[str]]]) -> dict:
    """A Framework as OpenPAI's rest-server writes it: one hashed port spec per role
    (20000..40000) and one pod UID per task."""
    spec, status = [], []
    for name, (ports, uids) in roles.items():
        ann = json.dumps({"schedulePortStart": 20000, "schedulePortEnd": 40000,
                          "ports": {p: {"count": n} for p, n in ports.items()}})
        spec.append({"name": name, "taskNumber": len(uids),
                     "task": {"pod": {"metadata": {"annotations": {"rest-server/port-scheduling-spec": ann}}}}})
        status.append({"name": name, "taskStatuses": [
            {"index": i, "attemptStatus": {"podIP": f"10.151.41.{i + 9}", "podHostIP": f"10.151.41.{i + 9}",
                                           "podUID": uid}} for i, uid in enumerate(uids)]})
    return {"spec": {"taskRoles": spec}, "status": {"attemptStatus": {"taskRoleStatuses": status}}}


def test_port_numbers_equal_openpai_runtimes_own_expected_values():
    # Pod UIDs, port specs and expected lines of microsoft/openpai-runtime's
    # test/test_framework_parser.py (framework.json and framework_multi_instances.json)
    fw = _upstream_framework({"taskrole": ({"tcp": 2, "ssh": 1, "http": 1}, ["2320bc0d-db98-4969-965f-077953c6aee9"]),
                              "taskrole1": ({"udp": 2, "mpi": 1, "ssh": 1, "http": 1},
                                            ["9dd75861-f050-4a24-9cd6-b48a180571d2"])})
    env = generate(fw, current_role="taskrole", current_index=0).env
    assert env["PAI_CONTAINER_HOST_PORT_LIST"] == "tcp:23652,22505;ssh:31055;http:25895;"
    assert env["PAI_CONTAINER_HOST_tcp_PORT_LIST"] == "23652,22505"
    assert env["PAI_CONTAINER_HOST_ssh_PORT_LIST"] == "31055"
    assert env["PAI_PORT_LIST_taskrole_0_tcp"] == "23652,22505"
    assert env["PAI_taskrole1_0_udp_PORT"] == "37633,27232"
    assert env["PAI_taskrole1_0_mpi_PORT"] == "27760"
    assert env["PAI_CONTAINER_HOST_PORT"] == "25895"
    assert env["PAI_CONTAINER_SSH_PORT"] == "31055"

    multi = _upstream_framework({"taskrole": ({"tpc": 10, "udp": 10, "ssh": 1, "http": 1},
                                              ["8c9b72bf-9684-11ea-830b-000d3ab25bb6",
                                               "8c9be76b-9684-11ea-830b-000d3ab25bb6"])})
    env = generate(multi, current_role="taskrole", current_index=0).env
    assert env["PAI_PORT_LIST_taskrole_0_tpc"] == "37594,23725,27746,33765,36824,31446,25354,22922,25183,23174"
    assert env["PAI_CONTAINER_HOST_PORT_LIST"] == (
        "tpc:37594,23725,27746,33765,36824,31446,25354,22922,25183,23174;"
        "udp:32700,37444,26550,35841,33489,28822,25998,34164,21585,26715;ssh:32859;http:37991;")
    assert env["PAI_taskrole_1_tpc_PORT"] == "27769,31957,23668,28129,38436,38270,28092,33059,38318,29327"
    assert env["PAI_PORT_LIST_taskrole_0_http"] == "37991"
    assert env["PAI_taskrole_0_udp_PORT"] == "32700,37444,26550,35841,33489,28822,25998,34164,21585,26715"
    assert env["PAI_CONTAINER_SSH_PORT"] == "32859"
    assert env["PAI_TASK_ROLE_taskrole_HOST_LIST"] == "10.151.41.9:37991,10.151.41.10:" + env[
        "PAI_PORT_LIST_taskrole_1_http"]

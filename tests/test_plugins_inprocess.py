"""The shipped ``cmd`` and ``ssh`` plugins run in init's own interpreter (issue 19), with
what a child process of them gives: the same snippet and output files, output lines and
exit code, for each of their input forms, bad inputs included; a copy anywhere else runs
as a child."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from pai_runtime.layout import resource_dir
from pai_runtime.runtimeplugins import inprocess
from pai_runtime.runtimeplugins.discover import load_desc
from pai_runtime.runtimeplugins.run import entry_argv

SHIPPED = resource_dir() / "plugins" / "cmd"

CASES = [
    {"preCommands": ["echo PRE 'quoted'", "true"], "postCommands": "echo POST"},
    {"callbacks": [{"event": "taskStarts", "commands": ["echo A"]}, {"event": "containerEnds", "commands": "echo B"}]},
    {},
    {"preCommands": ["x"], "callbacks": []},  # both forms: the plugin fails with 247
]


def _input(tmp: Path, params: dict, name: str = "cmd", env: dict[str, str] | None = None) -> dict[str, str]:
    tmp.mkdir(parents=True)
    pre, post = tmp / "pre.sh", tmp / "post.sh"
    pre.touch()
    post.touch()
    payload = {"name": name, "instance": f"01-{name}", "parameters": params, "failurePolicy": "fail",
               "taskRole": "worker", "taskIndex": 0, "jobConfig": None, "preCommands": str(pre),
               "postCommands": str(post), "outDir": str(tmp), "runtimeOutDir": f"/job/plugins/01-{name}",
               "pluginDir": str(resource_dir() / "plugins" / name), "local": False, "env": env or {}}
    (tmp / "input.json").write_text(json.dumps(payload), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAI_")}
    return {**env, "PAI_PLUGIN_INPUT": str(tmp / "input.json"), "PAI_PRE_COMMANDS": str(pre),
            "PAI_POST_COMMANDS": str(post)}


def _child(argv: list[str], env: dict[str, str], cwd: Path) -> tuple[int, list[str]]:
    import subprocess

    r = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=60)
    return r.returncode, r.stdout.decode("utf-8", "replace").splitlines()


@pytest.mark.parametrize("params", CASES)
def test_in_process_gives_what_a_child_gives(params: dict, tmp_path: Path) -> None:
    desc = load_desc(SHIPPED)
    assert inprocess.eligible(desc)
    env_a, env_b = _input(tmp_path / "child", params), _input(tmp_path / "here", params)
    before = dict(os.environ), sys.stdout, sys.stderr, list(sys.argv)
    child = _child(entry_argv(desc), env_a, desc.directory)
    here = inprocess.run(desc.init_target, env_b)
    assert (dict(os.environ), sys.stdout, sys.stderr, list(sys.argv)) == before  # nothing of the run stays
    assert here == child
    for name in ("pre.sh", "post.sh"):
        assert (tmp_path / "here" / name).read_bytes() == (tmp_path / "child" / name).read_bytes()
    if "callbacks" in params and "preCommands" in params:
        assert here[0] == 247 and here[1] == ["error: parameters preCommands and callbacks are both given "
                                             "(use either preCommands/postCommands or callbacks, not both)"]


#: two tasks of role "worker" as the framework plugin exports them, this one's ssh port
SSH_ENV = {"PAI_TASK_ROLE_INSTANCES": "worker:0,worker:1", "PAI_HOST_IP_worker_0": "10.0.0.1",
           "PAI_HOST_IP_worker_1": "10.0.0.2", "PAI_PORT_LIST_worker_0_ssh": "30022",
           "PAI_PORT_LIST_worker_1_ssh": "30023", "PAI_CONTAINER_SSH_PORT": "30022",
           "PAI_CURRENT_TASK_ROLE_NAME": "worker", "PAI_TASK_INDEX": "0"}
KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGv0pRrl2bH0d2Dd1mJ9wW2n5S3qQ2n8rVw0mYl9Zk1H user@host"
#: (plugin, parameters, environment, refused) of the other shipped plugins that run here
OTHER_CASES = [
    ("ssh", {"jobssh": True, "sshbarrier": True, "privateKey": "-----BEGIN OPENSSH PRIVATE KEY-----\nx\n",
             "publicKey": KEY}, SSH_ENV, False),
    ("ssh", {"jobssh": False, "userssh": {"type": "custom", "value": KEY}}, SSH_ENV, False),
    ("ssh", {"userssh": {"type": "custom", "value": KEY}}, {"PAI_CONTAINER_SSH_PORT": "30022"}, False),  # one task
    ("ssh", {"jobssh": True}, SSH_ENV, True),  # several tasks without a job key pair
    ("ssh", {"jobssh": False}, SSH_ENV, True),  # nobody could log in
    ("ssh", {"sshbarrier": True, "jobssh": False, "userssh": {"type": "custom", "value": KEY}}, SSH_ENV, True),
    ("git", {"repo_uri": "https://someone:s3cret@example.com/x/y.git", "branch": "main", "deadline": "2m"}, {}, False),
    ("git", {"repo_uri": "https://example.com/x/y.git", "clone_dir": "/data/code", "options": ["--depth", "1"]},
     {"PAI_WORK_DIR": "/job"}, False),
    ("git", {"repo_uri": "https://example.com/x\ny.git"}, {}, True),  # a newline in the URL
    ("initscripts", {"initScripts": [{"file": {"destination": "file:/opt/setup.sh"}},
                                     {"file": {"destination": "file:/opt/b c.sh"}}]}, {}, False),
    ("initscripts", {"initScripts": [{"s3": {"destination": "s3://bucket/x.sh"}}]}, {}, True),
]


@pytest.mark.parametrize(("name", "params", "env", "refused"), OTHER_CASES)
def test_other_plugins_in_process_give_what_a_child_gives(name: str, params: dict, env: dict[str, str],
                                                          refused: bool, tmp_path: Path) -> None:
    desc = load_desc(resource_dir() / "plugins" / name)
    assert inprocess.eligible(desc)
    no_secrets = {"PAI_USER_EXTENSION_SECRET_DIR": str(tmp_path / "no-secrets")}
    env_a = _input(tmp_path / "child", params, name, {**env, **no_secrets})
    env_b = _input(tmp_path / "here", params, name, {**env, **no_secrets})
    env_a.update(env, **no_secrets)
    env_b.update(env, **no_secrets)
    before = dict(os.environ), sys.stdout, sys.stderr, list(sys.argv)
    child = _child(entry_argv(desc), env_a, desc.directory)
    here = inprocess.run(desc.init_target, env_b)
    assert (dict(os.environ), sys.stdout, sys.stderr, list(sys.argv)) == before
    assert here == child
    files = sorted(str(p.relative_to(tmp_path / "child")) for p in (tmp_path / "child").rglob("*") if p.is_file())
    assert sorted(str(p.relative_to(tmp_path / "here")) for p in (tmp_path / "here").rglob("*") if p.is_file()) == files
    for rel in (f for f in files if f != "input.json"):  # the input names its own folder
        a, b = tmp_path / "child" / rel, tmp_path / "here" / rel
        assert (b.read_bytes(), b.stat().st_mode) == (a.read_bytes(), a.stat().st_mode), rel
    if params.get("sshbarrier") and params.get("privateKey"):
        assert here[0] == 0 and "ssh_config" in files and "barrier.sh" in (tmp_path / "here" / "pre.sh").read_text()
    assert (here[0] != 0) == refused, here  # a refusal is a refusal in both, with the same line
    if name == "git" and "s3cret" in str(params):
        assert all("s3cret" not in line for line in here[1])  # the credential is moved out of the URL


def test_exit_codes_and_crashes_as_the_interpreter_reports_them(tmp_path: Path) -> None:
    cases = {"pass": 0, "import sys; sys.exit(3)": 3, "import sys; sys.exit(300)": 300 & 0xFF,
             "import sys; sys.exit('bye')": 1, "raise ValueError('boom')": 1, "print('a'); print('b', flush=True)": 0}
    for n, (source, code) in enumerate(cases.items()):
        script = tmp_path / f"s{n}.py"
        script.write_text(source + "\n", encoding="utf-8")
        got, lines = inprocess.run(script, dict(os.environ))
        want, want_lines = _child([sys.executable, "-I", str(script)], dict(os.environ), tmp_path)
        assert (got, code) == (want, want)
        assert lines[-1:] == want_lines[-1:]  # the message / the traceback's last line


def test_the_shipped_plugins_that_run_here_are_these() -> None:
    """A new shipped plugin runs as a child until someone checks that its init step only
    reads its input and writes files (and adds a parity case above)."""
    assert {"cmd", "ssh", "git", "initscripts"} == inprocess.IN_PROCESS
    assert {c[0] for c in OTHER_CASES} | {"cmd"} == inprocess.IN_PROCESS


def test_a_copy_elsewhere_runs_as_a_child(tmp_path: Path) -> None:
    copy = tmp_path / "cmd"
    shutil.copytree(SHIPPED, copy)
    desc = load_desc(copy)
    assert desc.name == "cmd" and not inprocess.eligible(desc)

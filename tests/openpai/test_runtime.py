"""OpenPAI's ``test/test_runtime.py`` and ``test/test_render_with_secret.py``: the plugin
initializer, the cmd and ssh plugins and the secret renderer, each case given to
``pai-runtime init`` the way OpenPAI gives it to its init container (the job config only
in the Framework's ``config`` annotation, secrets in OpenPAI's mounted secret dirs), and
run with ``pai-runtime run`` where the peer's commands can run here.

Expected command lines are what the peer's initializer and plugins write for these
fixtures (derived by running its Python code on them): e.g. for cmd_test_job.yaml its
``plugin_pre0.sh`` holds ``echo "PreCommands start ..."`` and
``wget -qO- https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz | tar xvz && mv
cifar-10-batches-py data_cifar10``."""

from __future__ import annotations

import stat
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.openpai import FIXTURES
from tests.openpai.jobs import keypair, openpai_job, postcommands, pre_snippets, precommands, read
from tests.rigs.git_server import GitServer, git_server_fixture  # noqa: F401

pytestmark = pytest.mark.timeout(120)

PRE = ['echo "PreCommands start ..."',
       "wget -qO- https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz | tar xvz && mv cifar-10-batches-py "
       "data_cifar10"]
POST = ['echo "PostCommands start ..."']


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text()


@pytest.mark.parametrize("name", ["cmd_test_job.yaml", "cmd_with_callbacks_test_job.yaml",
                                  "cmd_with_prerequisites_test_job.yaml"])
def test_cmd_plugin_renders_data_references(tmp_path: Path, name: str) -> None:
    """test_cmd_plugin / _with_callbacks / _with_prerequisites: the plugin named in
    ``extras`` or as a task role prerequisite (``plugin: com.microsoft.pai.runtimeplugin.cmd``
    with its protocol fields) runs, and ``<% $data.uri[0] %>`` / ``<% $data.name %>``
    resolve against the task role's ``data`` prerequisite."""
    job, _ = openpai_job(tmp_path, fixture(name), "worker")
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    pre, post = precommands(job), postcommands(job)
    for line in PRE:
        assert line in pre
    for line in POST:
        assert line in post
    assert "<%" not in pre + post
    assert "cmd applied" in res.stderr + job.init_log()


def test_cmd_plugin_commands_run_in_order(tmp_path: Path) -> None:
    """The rendered callbacks run as OpenPAI runs them: taskStarts before the user's
    commands (the job config's ``commands``), taskSucceeds after."""
    text = fixture("cmd_with_prerequisites_test_job.yaml").replace(
        "wget -qO- <% $data.uri[0] %> | tar xvz && mv cifar-10-batches-py\n            data_<% $data.name %>",
        "echo FETCH <% $data.uri[0] %> AS data_<% $data.name %>")
    job, _ = openpai_job(tmp_path, text, "worker")
    res = job.init({"commands": ['echo "Commands start ..."']})
    assert res.returncode == 0, res.stderr
    run = job.run()
    assert run.returncode == 0, run.stderr
    log = job.runtime_log()
    assert "FETCH https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz AS data_cifar10" in log
    assert log.index("PreCommands start") < log.index("PostCommands start")
    assert "Commands start ..." in (job.log_dir / "user-all" / "current").read_text()


def test_ssh_plugin_user_key(tmp_path: Path) -> None:
    """test_ssh_plugin: one task, ``jobssh: true`` and the user's key from the job's own
    ``secrets`` passed as OpenPAI's secrets.yaml (mounted at PAI_SECRET_DIR)."""
    text = fixture("ssh_test_job.yaml")
    userssh = yaml.safe_load(text)["secrets"]["userssh"]
    job, _ = openpai_job(tmp_path, text, "worker", secrets={"userssh": userssh})
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    keys = (job.runtime_dir / "plugins").rglob("user_keys")
    assert any(userssh in p.read_text() for p in keys)


@pytest.mark.parametrize("role,barrier", [("master", True), ("worker", False)])
def test_ssh_plugin_barrier_with_openpai_job_key(tmp_path: Path, role: str, barrier: bool) -> None:
    """test_ssh_plugin_barrier: two task roles share OpenPAI's job key pair from
    ``userExtensionSecrets.yaml`` (``jobSSH: {key, pubKey}``, mounted read-only at
    PAI_USER_EXTENSION_SECRET_DIR); master waits in the ssh barrier, worker does not."""
    key, pub = keypair(tmp_path)
    job, _ = openpai_job(tmp_path / "job", fixture("sshbarrier_test_job.yaml"), role,
                         user_extension={"jobSSH": {"key": key, "pubKey": pub}, "sshKeys": []})
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    jobkeys = list((job.runtime_dir / "plugins").rglob("jobkey"))
    assert jobkeys and jobkeys[0].read_text().strip() == key.strip()
    assert stat.S_IMODE(jobkeys[0].stat().st_mode) == 0o600
    assert [p.read_text().strip() for p in (job.runtime_dir / "plugins").rglob("jobkey.pub")] == [pub.strip()]
    assert ("/barrier.sh" in pre_snippets(job)) is barrier
    ext = job.work / "user-extension-secrets" / "userExtensionSecrets.yaml"
    assert ext.exists() and yaml.safe_load(ext.read_text())["jobSSH"]["key"] == key  # never removed or rewritten


def test_ssh_user_keys_from_user_extension(tmp_path: Path) -> None:
    """OpenPAI's ssh plugin adds the user's profile keys (userExtensionSecrets ``sshKeys``)
    to ``userssh``'s value."""
    key, pub = keypair(tmp_path)
    text = fixture("ssh_test_job.yaml")
    userssh = yaml.safe_load(text)["secrets"]["userssh"]
    job, _ = openpai_job(tmp_path / "job", text, "worker", secrets={"userssh": userssh},
                         user_extension={"sshKeys": [{"title": "laptop", "value": pub.strip(), "time": "1"}]})
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    keys = "".join(p.read_text() for p in (job.runtime_dir / "plugins").rglob("user_keys"))
    assert userssh in keys and pub.strip() in keys


def test_git_plugin(tmp_path: Path, git_server: GitServer) -> None:
    """test_git_plugin: git_repo_test_job.yaml's git plugin (``repo_uri``, ``options: [--depth
    1]``, ``clone_dir``) clones the repository before the user's commands. The peer's
    github.com URL and ``/code`` become the git rig's repository and a temp dir (this
    machine reaches no GitHub); the parameters are OpenPAI's, unchanged."""
    dest = tmp_path / "code"
    text = (fixture("git_repo_test_job.yaml")
            .replace("https://github.com/microsoft/openpai-runtime.git", git_server.url(area="open"))
            .replace("clone_dir: /code", f"clone_dir: {dest}"))
    job, _ = openpai_job(tmp_path / "job", text, "worker")
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    run = job.run()
    assert run.returncode == 0, run.stderr
    head = subprocess.run(["git", "-C", str(dest), "rev-parse", "HEAD"], capture_output=True, text=True, check=True)
    assert head.stdout.strip() == git_server.commits["main"]
    shallow = subprocess.run(["git", "-C", str(dest), "rev-parse", "--is-shallow-repository"], capture_output=True,
                             text=True, check=True)
    assert shallow.stdout.strip() == "true"  # --depth 1
    assert "Commands start ..." in (job.log_dir / "user-all" / "current").read_text()


def test_plugin_failure_policy(tmp_path: Path) -> None:
    """test_plugin_failure_policy: ``ignore`` lets the job go on past a failing snippet,
    ``fail`` (and no policy, the default) stops it. (OpenPAI's ``set +o errexit`` wrapping
    is how its bash does it; the behaviour is what we compare.)"""
    docs = list(yaml.safe_load_all(fixture("plugin_with_failure_policy.yaml")))
    assert [d.get("failurePolicy", "fail") for d in docs] == ["ignore", "fail", "fail"]
    for doc, ok in zip(docs, [True, False, False], strict=True):
        job, _ = openpai_job(tmp_path / doc["plugin"], yaml.safe_dump({
            "protocolVersion": 2, "name": "policy", "type": "job",
            "taskRoles": {"worker": {"instances": 1, "commands": ["echo USER-RAN"]}},
            "extras": {"com.microsoft.pai.runtimeplugin": [{
                "plugin": "cmd", "parameters": {"preCommands": ["false", "echo AFTER-FALSE"]},
                **({"failurePolicy": doc["failurePolicy"]} if "failurePolicy" in doc else {})}]}}), "worker")
        assert job.init({"commands": ["echo USER-RAN"]}).returncode == 0
        run = job.run()
        user = job.log_dir / "user-all" / "current"
        assert (run.returncode == 0) is ok, run.stderr
        assert ("USER-RAN" in (user.read_text() if user.exists() else "")) is ok


RENDER_CASES = [("sleep <% $secrets.time %>", "sleep 10"), ("sleep <% $secrets.time[0] %>", "sleep 10"),
                ("sleep <% $secrets.time.time1 %>", "sleep 10"),
                ("echo <% $secrets.time.date.year %> && sleep <% $secrets.time.date.workingDay.0 %>",
                 "echo 2019 && sleep 1")]


@pytest.mark.parametrize("case", range(4))
def test_render_with_secret(tmp_path: Path, case: int) -> None:
    """test_render_with_secret: the four commands against the four secrets documents of
    render_test_secrets.yaml, secrets mounted at PAI_SECRET_DIR as OpenPAI's pod spec does;
    ``.0`` is a list index like ``[0]``."""
    secrets = list(yaml.safe_load_all(fixture("render_test_secrets.yaml")))[case]
    command, expected = RENDER_CASES[case]
    job, _ = openpai_job(tmp_path, yaml.safe_dump({"protocolVersion": 2, "name": "r", "type": "job",
                                                   "taskRoles": {"worker": {"instances": 1}}}),
                         "worker", secrets=secrets)
    res = job.init({"commands": [command]})
    assert res.returncode == 0, res.stderr
    assert read(job, "user.sh").splitlines()[-1] == expected


def test_missing_key_hint_lists_list_indexes(tmp_path: Path) -> None:
    """A wrong reference into a list says which indexes exist (not "keys available: none")."""
    job, _ = openpai_job(tmp_path, yaml.safe_dump({"protocolVersion": 2, "name": "r", "type": "job",
                                                   "taskRoles": {"worker": {"instances": 1}}}),
                         "worker", secrets={"time": [10, 20]})
    res = job.init({"commands": ["sleep <% $secrets.time.5 %>"]})
    assert res.returncode == 247
    assert "indexes available at $secrets.time: 0-1" in res.stderr
    assert "Traceback" not in res.stderr


def test_parameters_reference_in_plugin_parameters(tmp_path: Path) -> None:
    """``<% $parameters.x %>`` in a runtime plugin's parameters resolves against the job
    config's ``parameters`` (OpenPAI's initializer replace_ref)."""
    text = fixture("sshbarrier_test_job.yaml")
    job_doc = yaml.safe_load(text)
    job_doc["extras"]["com.microsoft.pai.runtimeplugin"] = [{"plugin": "cmd", "parameters": {
        "preCommands": ["echo MODEL=<% $parameters.model %> BATCH=<% $parameters.batchsize %>"]}}]
    job, _ = openpai_job(tmp_path, yaml.safe_dump(job_doc), "worker")
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    assert "echo MODEL=resnet50 BATCH=64" in precommands(job)


def test_unknown_data_reference_is_one_clear_line(tmp_path: Path) -> None:
    """Where OpenPAI raises StopIteration/KeyError (a traceback, init fails with 1), a bad
    reference is 247 with one line naming it."""
    text = fixture("cmd_test_job.yaml").replace("<% $data.name %>", "<% $data.nope %>")
    job, _ = openpai_job(tmp_path, text, "worker")
    res = job.init(None)
    assert res.returncode == 247
    assert "$data.nope" in res.stderr and "Traceback" not in res.stderr


def test_broken_user_extension_secrets_is_one_line(tmp_path: Path) -> None:
    """A userExtensionSecrets.yaml that is not YAML: 247, one line naming the file (the
    ssh plugin reads it through the plugin API's bounded loader), the mount untouched."""
    job, _ = openpai_job(tmp_path, fixture("sshbarrier_test_job.yaml"), "worker", user_extension="jobSSH: [unclosed\n")
    res = job.init(None)
    assert res.returncode == 247
    assert "userExtensionSecrets.yaml" in res.stderr and "Traceback" not in res.stderr
    assert (job.work / "user-extension-secrets" / "userExtensionSecrets.yaml").read_text() == "jobSSH: [unclosed\n"


def test_user_cmd_when_there_is_no_job_config(tmp_path: Path) -> None:
    """Without a job config (or commands in RUNTIME_CONFIG), the user command is OpenPAI's
    ``USER_CMD`` env, its secrets rendered, as OpenPAI's user_command_renderer does."""
    from pai_runtime.plugin_testing import Job

    job = Job(tmp_path, env={"INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]",
                             "USER_CMD": "echo USER-CMD <% $secrets.word %> && echo TWO"})
    job.secrets({"word": "rendered-word"})
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    assert read(job, "user.sh").splitlines()[-1] == "echo USER-CMD rendered-word && echo TWO"
    run = job.run()
    assert run.returncode == 0, run.stderr
    assert "USER-CMD" in (job.log_dir / "user-all" / "current").read_text()


def test_role_commands_come_with_the_default_deployment(tmp_path: Path) -> None:
    """OpenPAI's rest-server puts the default deployment's preCommands/postCommands around
    the role's commands, each trimmed, joined with newlines (protocol.js since OpenPAI
    v0.17); so does the render built-in, under OpenPAI's bash options."""
    job_doc = {"protocolVersion": 2, "name": "d", "type": "job", "parameters": {"n": 2},
               "taskRoles": {"taskrole_1": {"instances": 1, "commands": ["  echo MAIN <% $parameters.n %>  "]}},
               "defaults": {"deployment": "dep"},
               "deployments": [{"name": "dep", "taskRoles": {"taskrole_1": {"preCommands": ["echo PRE"],
                                                                             "postCommands": ["echo POST"]}}}]}
    job, _ = openpai_job(tmp_path, yaml.safe_dump(job_doc), "taskrole_1")
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    script = read(job, "user.sh").splitlines()
    assert script[0] == "#!/bin/bash"
    assert script[-3:] == ["echo PRE", "echo MAIN 2", "echo POST"]


def test_multiline_role_commands_run_like_openpai(tmp_path: Path) -> None:
    """A multi-line ``if``/``fi`` in a role's commands stays one statement (OpenPAI joins
    with newlines), the script runs with bash and OpenPAI's options: ``[[`` works, a failing
    stage of a pipe fails the job (pipefail) and an unset variable is an error (nounset)."""
    commands = ["if true; then", "  echo IF-BRANCH", "fi", '[[ -n "x" ]] && echo DOUBLE-BRACKET',
                "false | cat", "echo NOT-REACHED"]
    job_doc = {"protocolVersion": 2, "name": "m", "type": "job",
               "taskRoles": {"taskrole_1": {"instances": 1, "commands": commands}}}
    job, _ = openpai_job(tmp_path, yaml.safe_dump(job_doc), "taskrole_1")
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    run = job.run()
    out = (job.log_dir / "user-all" / "current").read_text()
    assert "IF-BRANCH" in out and "DOUBLE-BRACKET" in out and "NOT-REACHED" not in out
    assert run.returncode != 0 and "user command exited with code 1" in run.stderr, run.stderr


def test_user_sh_without_its_interpreter_runs_with_sh(tmp_path: Path) -> None:
    """An image without the interpreter user.sh names (OpenPAI's ``#!/bin/bash`` in an
    image without bash, here a path that does not exist) runs it with sh, says so, and
    still applies errexit/nounset (pipefail only where that sh has it)."""
    job_doc = {"protocolVersion": 2, "name": "n", "type": "job",
               "taskRoles": {"taskrole_1": {"instances": 1, "commands": ["echo SH-RAN", "echo $UNSET_VAR_X",
                                                                         "echo NOT-REACHED"]}}}
    job, _ = openpai_job(tmp_path, yaml.safe_dump(job_doc), "taskrole_1")
    job.env["INIT_CONFIG"] = job.env["INIT_CONFIG"].replace(
        "{name: render, builtin: render}", "{name: render, builtin: render, parameters: {shell: /nonexistent/bash}}")
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    run = job.run()
    out = (job.log_dir / "user-all" / "current").read_text()
    assert "SH-RAN" in out and "NOT-REACHED" not in out
    assert run.returncode != 0
    assert "/nonexistent/bash" in run.stderr + (job.log_dir / "runtime.log").read_text(errors="replace")


def test_job_references_in_runtime_config_env(tmp_path: Path) -> None:
    """The one renderer also fills RUNTIME_CONFIG ``env``: ``$parameters`` and ``$data``
    of the job config, like commands and plugin parameters."""
    from pai_runtime import envfile

    job, _ = openpai_job(tmp_path, fixture("cmd_test_job.yaml"), "worker")
    res = job.init({"env": {"DATA_URI": "<% $data.uri[0] %>", "MODEL": "<% $parameters.modelPath %>"}})
    assert res.returncode == 0, res.stderr
    env = envfile.read(job.runtime_dir / "env")
    assert env["DATA_URI"] == "https://www.cs.toronto.edu/~kriz/cifar-10-python.tar.gz"
    assert env["MODEL"] == yaml.safe_load(fixture("cmd_test_job.yaml"))["parameters"]["modelPath"]


def test_prerequisite_plugins_come_before_extras(tmp_path: Path) -> None:
    """OpenPAI's initializer (``collect_plugin_configs``) takes the role's prerequisite
    plugins first, then ``extras.com.microsoft.pai.runtimeplugin``: a prerequisite's
    commands run before the extras' (before their storage mounts and ssh)."""
    job_doc = {
        "protocolVersion": 2, "name": "o", "type": "job",
        "prerequisites": [{"name": "prep", "type": "script", "plugin": "com.microsoft.pai.runtimeplugin.cmd",
                           "callbacks": [{"event": "taskStarts", "commands": ["echo ORDER-PREREQUISITE"]}]}],
        "taskRoles": {"taskrole_1": {"instances": 1, "prerequisites": ["prep"], "commands": ["true"]}},
        "extras": {"com.microsoft.pai.runtimeplugin": [
            {"plugin": "cmd", "parameters": {"callbacks": [{"event": "taskStarts",
                                                            "commands": ["echo ORDER-EXTRAS"]}]}}]}}
    job, _ = openpai_job(tmp_path, yaml.safe_dump(job_doc), "taskrole_1")
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    run = job.run()
    assert run.returncode == 0, run.stderr
    log = job.runtime_log()
    assert log.index("ORDER-PREREQUISITE") < log.index("ORDER-EXTRAS"), log

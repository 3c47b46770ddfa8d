"""Runtime plugin machinery end to end: `pai-runtime init` + `pai-runtime run` as
subprocesses with temp work/config dirs, for cmd, initscripts, discovery, isolation,
validation, task roles, job-config plugins and `pai-runtime plugins`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rigs.plugins import BIN, HERE, REPO, Job

pytestmark = pytest.mark.timeout(120)
TEST_PLUGINS = {"PAI_PLUGIN_PATH": str(HERE)}


def cmd(params: dict, policy: str = "fail", **kw) -> dict:
    return {"plugin": "cmd", "parameters": params, "failurePolicy": policy, **kw}


# -- cmd ------------------------------------------------------------------------------------
def test_cmd_pre_user_post_order(tmp_path: Path) -> None:
    job = Job(tmp_path)
    res = job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [
        cmd({"preCommands": ["echo PRE-ONE", "echo PRE-TWO"], "postCommands": ["echo POST-ONE"]})]})
    assert res.returncode == 0, res.stderr
    run = job.run()
    assert run.returncode == 0, run.stderr
    log = job.runtime_log()
    assert log.index("PRE-ONE") < log.index("PRE-TWO") < log.index("POST-ONE")
    user = (job.log_dir / "user-all" / "current").read_text()
    assert "USER-RAN" in user and "PRE-ONE" not in user


def test_cmd_callbacks_form(tmp_path: Path) -> None:
    job = Job(tmp_path)
    res = job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [cmd({"callbacks": [
        {"event": "taskStarts", "commands": ["echo CB-START"]},
        {"event": "taskSucceeds", "commands": ["echo CB-OK"]}]})]})
    assert res.returncode == 0, res.stderr
    assert job.run().returncode == 0
    log = job.runtime_log()
    assert log.index("CB-START") < log.index("CB-OK")


def test_cmd_openpai_runtime_event_names(tmp_path: Path) -> None:
    job = Job(tmp_path)
    res = job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [cmd({"callbacks": [
        {"event": "containerEnds", "commands": ["echo CB-END"]},
        {"event": "containerStarts", "commands": "echo CB-START"}]})]})
    assert res.returncode == 0, res.stderr
    assert job.run().returncode == 0
    log = job.runtime_log()
    assert log.index("CB-START") < log.index("CB-END")


def test_cmd_both_forms_is_a_clear_error(tmp_path: Path) -> None:
    job = Job(tmp_path)
    res = job.init({"runtimePlugin": [cmd({"preCommands": ["x"], "callbacks": [
        {"event": "taskStarts", "commands": ["y"]}]})]})
    assert res.returncode == 247
    assert "runtime plugin 'cmd': parameters preCommands and callbacks are both given" in res.stderr
    assert "not both" in res.stderr


def test_cmd_failing_pre_stops_job_with_its_code(tmp_path: Path) -> None:
    job = Job(tmp_path)
    res = job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [
        cmd({"preCommands": ["echo BEFORE", "exit 7", "echo AFTER"]})]})
    assert res.returncode == 0, res.stderr
    run = job.run()
    log = job.runtime_log()
    assert "BEFORE" in log and "AFTER" not in log
    assert "failed with exit code 7" in log
    assert "USER-RAN" not in (job.log_dir / "user-all" / "current").read_text() if (
        job.log_dir / "user-all" / "current").exists() else True
    assert run.returncode != 0


def test_cmd_ignore_policy_logs_and_goes_on(tmp_path: Path) -> None:
    job = Job(tmp_path)
    res = job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [
        cmd({"preCommands": ["false", "echo NOT-REACHED"]}, "ignore"),
        cmd({"preCommands": ["echo SECOND-PLUGIN"], "postCommands": ["exit 3"]}, "ignore")]})
    assert res.returncode == 0, res.stderr
    run = job.run()
    assert run.returncode == 0, run.stderr
    log = job.runtime_log()
    assert "ignored (failurePolicy: ignore)" in log
    assert "NOT-REACHED" not in log and "SECOND-PLUGIN" in log
    assert "USER-RAN" in (job.log_dir / "user-all" / "current").read_text()


def test_cmd_failing_post_becomes_job_code(tmp_path: Path) -> None:
    job = Job(tmp_path)
    job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [cmd({"postCommands": ["exit 5"]})]})
    run = job.run()
    assert run.returncode != 0
    assert "post-commands failed with exit code 5" in job.runtime_log()


# -- initscripts ------------------------------------------------------------------------------
def test_initscripts_in_order_before_user_command(tmp_path: Path) -> None:
    a, b = tmp_path / "a.sh", tmp_path / "b b.sh"
    a.write_text("echo SCRIPT-A $0\n")
    b.write_text("#!/bin/sh\necho SCRIPT-B\n")
    b.chmod(0o755)
    job = Job(tmp_path / "job")
    res = job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [{"plugin": "initscripts", "parameters": {
        "initScripts": [{"file": {"destination": f"file:{a}"}}, {"file": {"destination": f"file://{b}"}}]}}]})
    assert res.returncode == 0, res.stderr
    run = job.run()
    assert run.returncode == 0, run.stderr
    log = job.runtime_log()
    assert log.index("SCRIPT-A") < log.index("SCRIPT-B")
    assert "initscripts: running" in log


@pytest.mark.parametrize("policy", ["fail", "ignore"])
def test_initscripts_missing_or_failing(tmp_path: Path, policy: str) -> None:
    bad = tmp_path / "bad.sh"
    bad.write_text("echo BAD-RUNS; exit 9\n")
    job = Job(tmp_path / "job")
    job.init({"commands": ["echo USER-RAN"], "runtimePlugin": [{"plugin": "initscripts", "failurePolicy": policy,
              "parameters": {"initScripts": [{"file": {"destination": f"file:{bad}"}}]}}]})
    run = job.run()
    assert "BAD-RUNS" in job.runtime_log()
    assert (run.returncode == 0) == (policy == "ignore")
    job2 = Job(tmp_path / "job2")
    job2.init({"commands": ["echo USER-RAN"], "runtimePlugin": [{"plugin": "initscripts", "failurePolicy": policy,
               "parameters": {"initScripts": [{"file": {"destination": "file:/nonexistent/x.sh"}}]}}]})
    run = job2.run()
    assert "init script /nonexistent/x.sh (initScripts[0]) does not exist" in job2.runtime_log()
    assert (run.returncode == 0) == (policy == "ignore")


@pytest.mark.parametrize("item,needle", [
    ({"workspace": {"destination": "/Users/me/x.sh"}}, "'workspace' init scripts are not supported here"),
    ({"dbfs": {"destination": "dbfs:/x.sh"}}, "'dbfs' init scripts are not supported here"),
    ({"file": {"destination": "s3://bucket/x.sh"}}, "must start with 'file:'"),
    ({"file": {"destination": "file:relative.sh"}}, "is not an absolute file path"),
])
def test_initscripts_other_forms_rejected(tmp_path: Path, item: dict, needle: str) -> None:
    job = Job(tmp_path)
    res = job.init({"runtimePlugin": [{"plugin": "initscripts", "parameters": {"initScripts": [item]}}]})
    assert res.returncode == 247
    assert needle in res.stderr and "initScripts[0]" in res.stderr


# -- contract ---------------------------------------------------------------------------------
def test_exec_plugin_any_language(tmp_path: Path) -> None:
    job = Job(tmp_path, env=TEST_PLUGINS)
    res = job.init({"commands": ["true"], "runtimePlugin": [{"plugin": "echo_exec"}]})
    assert res.returncode == 0, res.stderr
    assert job.run().returncode == 0
    assert "echo_exec pre: plugin=echo_exec instance=01-echo_exec" in job.runtime_log()
    assert "echo_exec post" in job.runtime_log()


@pytest.mark.parametrize("policy,code", [("fail", 248), ("ignore", 0)])
def test_plugin_init_failure_policy(tmp_path: Path, policy: str, code: int) -> None:
    job = Job(tmp_path, env=TEST_PLUGINS)
    res = job.init({"commands": ["true"], "runtimePlugin": [
        {"plugin": "echo_exec", "parameters": {"fail": 3}, "failurePolicy": policy},
        cmd({"preCommands": ["echo OTHER"]})]})
    assert res.returncode == code, res.stderr
    if code:
        assert "runtime plugin 'echo_exec' init failed: echo_exec was asked to fail with 3" in res.stderr
    else:
        assert job.run().returncode == 0
        assert "OTHER" in job.runtime_log() and "echo_exec pre" not in job.runtime_log()


def test_plugin_exit_247_is_a_config_error(tmp_path: Path) -> None:
    job = Job(tmp_path, env=TEST_PLUGINS)
    res = job.init({"runtimePlugin": [{"plugin": "echo_exec", "parameters": {"fail": 247}}]})
    assert res.returncode == 247
    assert "runtime plugin 'echo_exec': echo_exec was asked to fail with 247" in res.stderr


def test_every_plugin_validated_before_any_runs(tmp_path: Path) -> None:
    job = Job(tmp_path, env=TEST_PLUGINS)
    res = job.init({"runtimePlugin": [{"plugin": "echo_exec"}, cmd({"preCommands": 42})]})
    assert res.returncode == 247
    assert "runtime plugin 'cmd': parameter preCommands:" in res.stderr
    assert "field runtimePlugin[1].parameters.preCommands" in res.stderr
    assert "echo_exec: wrote snippets" not in res.stderr


def test_unknown_plugin_did_you_mean(tmp_path: Path) -> None:
    res = Job(tmp_path).init({"runtimePlugin": [{"plugin": "gti"}]})
    assert res.returncode == 247
    assert "unknown runtime plugin 'gti'" in res.stderr and "did you mean 'git'?" in res.stderr


def test_plugin_path_shadows_shipped_and_bad_desc(tmp_path: Path) -> None:
    extra = tmp_path / "extra"
    shutil.copytree(REPO / "plugins" / "_template", extra / "cmd")
    desc = (extra / "cmd" / "desc.yaml").read_text().replace("name: _template", "name: cmd")
    (extra / "cmd" / "desc.yaml").write_text(desc)
    job = Job(tmp_path / "job", env={"PAI_PLUGIN_PATH": str(extra)})
    res = job.init({"commands": ["true"], "runtimePlugin": [{"plugin": "cmd", "parameters": {"greeting": "SHADOW"}}]})
    assert res.returncode == 0, res.stderr
    job.run()
    assert "SHADOW" in job.runtime_log()
    (extra / "cmd" / "desc.yaml").write_text(desc.replace("name: cmd", "name: other"))
    res = job.init({"runtimePlugin": [{"plugin": "cmd", "parameters": {"greeting": "x"}}]})
    assert res.returncode == 247
    assert f"{extra / 'cmd' / 'desc.yaml'} line" in res.stderr and "must equal its folder name" in res.stderr


def test_init_reads_the_descs_of_the_plugins_it_names(tmp_path: Path) -> None:
    """A job that names cmd reads cmd's desc.yaml, not every plugin's: a broken plugin
    that no job names leaves it alone; an alias or an unknown name is still resolved
    against every plugin found (and the broken one is then named)."""
    extra = tmp_path / "extra"
    (extra / "broken").mkdir(parents=True)
    (extra / "broken" / "desc.yaml").write_text("name: other\ndescription: x\ninit: {exec: ./x}\n")
    job = Job(tmp_path / "job", env={"PAI_PLUGIN_PATH": str(extra)})
    res = job.init({"commands": ["true"], "runtimePlugin": [{"plugin": "cmd", "parameters": {"preCommands": ["x"]}}]})
    assert res.returncode == 0, res.stderr
    res = job.init({"commands": ["true"], "runtimePlugin": [{"plugin": "teamwise_storage"}]})
    assert res.returncode == 247
    assert f"{extra / 'broken' / 'desc.yaml'} line" in res.stderr and "must equal its folder name" in res.stderr
    shutil.rmtree(extra / "broken")
    res = job.init({"commands": ["true"], "runtimePlugin": [{"plugin": "cmd"}, {"plugin": "teamwise_storage"}]})
    assert "unknown runtime plugin" not in res.stderr, res.stderr  # the alias names the storage plugin
    res = job.init({"commands": ["true"], "runtimePlugin": [{"plugin": "gti"}]})
    assert res.returncode == 247 and "did you mean 'git'?" in res.stderr


def test_python_entry_isolated_from_ambient_packages(tmp_path: Path) -> None:
    """A PYTHONPATH full of broken modules (as a drifted jinja2/markupsafe pair would be)
    cannot reach the plugin: it runs with the runtime's interpreter in isolated mode."""
    poison = tmp_path / "poison"
    poison.mkdir()
    # colorsys: imported by the probe plugin, never by `pai-runtime init` itself
    (poison / "colorsys.py").write_text("raise ImportError('ambient package broke the plugin')\n")
    probe = subprocess.run([sys.executable, "-c", "import colorsys"], env={"PYTHONPATH": str(poison)},
                           capture_output=True, text=True)
    assert "ambient package broke the plugin" in probe.stderr  # the poison works without -I
    job = Job(tmp_path / "job", env={"PYTHONPATH": str(poison), **TEST_PLUGINS})
    res = job.init({"commands": ["true"], "runtimePlugin": [{"plugin": "isolation_probe"}]})
    assert res.returncode == 0, res.stderr
    assert "ambient package" not in res.stderr
    assert f"pai_runtime={REPO / 'pai_runtime' / '__init__.py'}" in res.stderr
    assert "flags.isolated=1" in res.stderr and str(poison) not in res.stderr.split("probe:")[1]


def test_no_plugins_skips(tmp_path: Path) -> None:
    job = Job(tmp_path)
    res = job.init({"commands": ["true"]})
    assert res.returncode == 0, res.stderr
    assert "no runtime plugins named" in res.stderr
    assert not (job.runtime_dir / "precommands.sh").exists()


# -- task roles and job config ------------------------------------------------------------------
JOB_CONFIG = {
    "protocolVersion": 2, "name": "j",
    "prerequisites": [
        {"name": "setup", "type": "script", "plugin": "com.microsoft.pai.runtimeplugin.cmd",
         "callbacks": [{"event": "taskStarts", "commands": ["echo PREREQ-SETUP"]}]},
        {"name": "other", "type": "script", "plugin": "com.microsoft.pai.runtimeplugin.cmd",
         "callbacks": [{"event": "taskStarts", "commands": ["echo PREREQ-OTHER"]}]},
        {"name": "img", "type": "dockerimage", "uri": "ubuntu"},
    ],
    "taskRoles": {"taskrole_1": {"instances": 1, "dockerImage": "img", "prerequisites": ["setup"]},
                  "ps": {"instances": 1, "dockerImage": "img", "prerequisites": ["other"]}},
    "extras": {"com.microsoft.pai.runtimeplugin": [
        {"plugin": "cmd", "parameters": {"preCommands": ["echo EXTRAS-ALL"]}},
        {"plugin": "cmd", "parameters": {"preCommands": ["echo EXTRAS-WORKER"]}, "taskroles": ["taskrole_1"]},
        {"plugin": "cmd", "parameters": {"preCommands": ["echo EXTRAS-PS"]}, "taskroles": ["ps"]}]},
}


def test_job_config_extras_prerequisites_and_role_rename(tmp_path: Path) -> None:
    job = Job(tmp_path, env={"FC_TASKROLE_NAME": "taskrole1", "FC_TASK_INDEX": "0"})
    res = job.init({"commands": ["true"], "jobConfig": JOB_CONFIG,
                    "runtimePlugin": [cmd({"preCommands": ["echo RUNTIME-CONFIG"]}, taskroles=["taskrole1"])]})
    assert res.returncode == 0, res.stderr
    assert job.run().returncode == 0
    log = job.runtime_log()
    for seen in ("RUNTIME-CONFIG", "EXTRAS-ALL", "EXTRAS-WORKER", "PREREQ-SETUP"):
        assert seen in log
    for unseen in ("EXTRAS-PS", "PREREQ-OTHER"):
        assert unseen not in log
    # OpenPAI's initializer order: prerequisites before extras
    assert log.index("RUNTIME-CONFIG") < log.index("PREREQ-SETUP") < log.index("EXTRAS-ALL")


def test_missing_taskrole_names_available_roles(tmp_path: Path) -> None:
    job = Job(tmp_path, env={"FC_TASKROLE_NAME": "taskrole1"})
    res = job.init({"jobConfig": JOB_CONFIG, "runtimePlugin": [cmd({"preCommands": ["x"]}, taskroles=["worker"])]})
    assert res.returncode == 247
    assert "task role 'worker' not found" in res.stderr
    assert "available roles: " in res.stderr
    roles = res.stderr.split("available roles: ")[1].split(")")[0]
    assert sorted(roles.split(", ")) == ["ps", "taskrole_1"]
    assert "runtimePlugin[0].taskroles[0]" in res.stderr


def test_job_config_file_in_config_dir(tmp_path: Path) -> None:
    import yaml

    job = Job(tmp_path, env={"FC_TASKROLE_NAME": "ps"})
    (job.config / "job_config.yaml").write_text(yaml.safe_dump(JOB_CONFIG))
    assert job.init({"commands": ["true"]}).returncode == 0
    job.run()
    log = job.runtime_log()
    assert "EXTRAS-PS" in log and "PREREQ-OTHER" in log and "EXTRAS-WORKER" not in log


# -- listing ----------------------------------------------------------------------------------
def test_plugins_command_lists_every_plugin_with_schema(tmp_path: Path) -> None:
    env = {**Job(tmp_path).env, **TEST_PLUGINS}
    out = subprocess.run([str(BIN), "plugins"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    text = out.stdout
    for name in ("cmd", "initscripts", "git", "ssh", "storage", "_template", "echo_exec"):
        assert f"\n  {name} " in text, name
    assert "repo_uri*: string" in text
    assert "storageConfigNames: list of string" in text
    assert "userssh: {type*, value*}" in text
    assert "  Run your own shell lines in the job container: preCommands before the user's command, postCommands" \
        in text
    assert "sshbarrier: boolean = false" in text
    assert "also named: teamwise_storage" in text
    assert str(REPO / "plugins" / "git") in text


def test_template_example_test_passes(tmp_path: Path) -> None:
    """The template's own test, as a new author runs it: in the repository, and on a copy
    renamed `hello` in a fresh dir outside it (the docs/plugins.md walkthrough)."""
    mine = tmp_path / "myplugins" / "hello"
    shutil.copytree(REPO / "plugins" / "_template", mine, ignore=shutil.ignore_patterns("__pycache__"))
    desc = mine / "desc.yaml"
    desc.write_text(desc.read_text().replace("name: _template", "name: hello"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAI_")}
    for test, cwd in ((REPO / "plugins" / "_template" / "test_example.py", REPO),
                      (mine / "test_example.py", tmp_path)):
        res = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(test)], cwd=cwd,
                             capture_output=True, text=True, timeout=110, env=env)
        assert res.returncode == 0, res.stdout + res.stderr
        assert "2 passed" in res.stdout
    listed = subprocess.run([str(BIN), "plugins"], env={**env, "PAI_WORK_DIR": str(tmp_path / "w"),
                                                        "PAI_PLUGIN_PATH": str(mine.parent)},
                            capture_output=True, text=True, timeout=60)
    assert f"  hello        {mine}\n" in listed.stdout

"""Bad input to `pai-runtime init`: one clear line naming the source and the fix, exit
247, no traceback, and no runtime.d that `run` could mistake for a good init."""

from __future__ import annotations

import os
import subprocess

import pytest

RENDER_ONLY = "initPlugins:\n- name: render\n  builtin: render\n"


def assert_config_error(result: subprocess.CompletedProcess[str], pai, *needles: str) -> str:
    assert result.returncode == 247, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if '"init failed"' in line]
    assert len(errors) == 1, result.stderr
    line = errors[0]
    for needle in needles:
        assert needle in line, (needle, line)
    assert not pai.runtime_dir.exists(), "a failed init must not leave runtime.d behind"
    assert not list(pai.work.glob(".runtime.d.staging-*")), "staging dir left behind"
    return line


def test_malformed_yaml_in_init_config(pai):
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: [render\n"})
    assert_config_error(r, pai, "INIT_CONFIG (env)", "line 2", "invalid YAML")


def test_malformed_yaml_in_runtime_config(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands: ['echo hi'\n"})
    assert_config_error(r, pai, "RUNTIME_CONFIG (env)", "invalid YAML")


def test_list_where_mapping_expected(pai):
    r = pai.run("init", env={"INIT_CONFIG": "- name: render\n  builtin: render\n"})
    assert_config_error(r, pai, "INIT_CONFIG (env) line 1", "expected a mapping, got a list")


def test_mapping_where_list_expected(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands: echo\nenv: [A, B]\n"})
    assert_config_error(r, pai, "RUNTIME_CONFIG (env) line 2", "field env", "expected a mapping")


def test_unknown_key_gets_did_you_mean(pai):
    spec = RENDER_ONLY + "  failurPolicy: ignore\n"
    r = pai.run("init", env={"INIT_CONFIG": spec})
    assert_config_error(r, pai, "line 4", "unknown key 'failurPolicy'", "did you mean 'failurePolicy'")


def test_unknown_builtin(pai):
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: x\n  builtin: rendr\n"})
    assert_config_error(r, pai, "INIT_CONFIG (env) line 2", "unknown built-in plugin 'rendr'",
                        "did you mean 'render'")


def test_command_that_does_not_exist(pai):
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: x\n  command: ./no-such-check --strict\n"})
    assert_config_error(r, pai, "line 2", "does not exist")
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: x\n  command: no-such-program-xyz\n"})
    assert_config_error(r, pai, "not found")


def test_command_not_executable(pai):
    init_d = pai.work / "init.d"
    init_d.mkdir()
    script = init_d / "check.sh"
    script.write_text("#!/bin/sh\nexit 0\n")
    script.chmod(0o644)
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: x\n  command: ./check.sh\n"})
    assert_config_error(r, pai, "is not executable", "chmod +x")


def test_unquoted_yaml_boolean_as_command_says_what_to_quote(pai):
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: x\n  command: true\n"})
    assert_config_error(r, pai, "line 3", "field initPlugins[0].command", "expected a string or a list, got true/false",
                        "quote the value")


def test_both_builtin_and_command(pai):
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: x\n  builtin: render\n  command: 'true'\n"})
    assert_config_error(r, pai, "line 2", "exactly one of 'builtin' or 'command'")


def test_duplicate_plugin_name(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY + "- name: render\n  command: 'true'\n"})
    assert_config_error(r, pai, "line 4", "duplicate plugin name 'render'", "first at")


@pytest.mark.parametrize("value,needle", [("-5m", "negative"), ("soon", "not a duration"),
                                          ("10 parsecs", "not a duration"), ("0", "0 would stop")])
def test_bad_timeout(pai, value, needle):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY + f"  timeout: '{value}'\n"})
    assert_config_error(r, pai, "field initPlugins[0].timeout", needle)


def test_bad_running_threshold(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY,
                             "RUNTIME_CONFIG": "commands: [x]\nthresholds: {running: 'forever'}\n"})
    assert_config_error(r, pai, "thresholds.running", "not a duration")


def test_missing_secret(pai):
    (pai.config / "secrets.yaml").write_text("registry: {user: bob, password: hunter2hunter2}\n")
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY,
                             "RUNTIME_CONFIG": "commands: ['echo <% $secrets.registry.token %>']\n"})
    line = assert_config_error(r, pai, "RUNTIME_CONFIG (env) line 1", "commands[0]",
                               "$secrets.registry has no 'token'", "password, user")
    assert "hunter2hunter2" not in r.stderr + line


def test_secrets_file_not_a_mapping(pai):
    (pai.config / "secrets.yaml").write_text("- a\n- b\n")
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY})
    assert_config_error(r, pai, "secrets.yaml", "must be a mapping")


def test_non_utf8_config_file(pai):
    (pai.config / "init_plugins.yaml").write_bytes(b"initPlugins:\n- name: r\xe9nder\n  builtin: render\n")
    r = pai.run("init")
    assert_config_error(r, pai, "init_plugins.yaml line 2", "not valid UTF-8", "save the file as UTF-8")


def test_unreadable_config_dir(pai):
    """Run as an unprivileged user (root reads everything): the config dir is 0700 root,
    everything else is reachable by that user."""
    import shutil
    import tempfile

    from tests.conftest import BIN

    root = tempfile.mkdtemp(prefix="pai-unreadable-")
    try:
        os.chmod(root, 0o755)
        work, config = os.path.join(root, "work"), os.path.join(root, "config")
        os.mkdir(work, 0o777)
        os.chmod(work, 0o777)
        os.mkdir(config, 0o700)
        with open(os.path.join(config, "runtime_plugin.yaml"), "w") as f:
            f.write("commands: [x]\n")
        env = dict(pai.env, INIT_CONFIG=RENDER_ONLY, HOME=root, PAI_WORK_DIR=work, PAI_CONFIG_DIR=config)
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(BIN), "init"],
                           env=env, capture_output=True, text=True, timeout=60)
        assert r.returncode == 247, r.stderr
        assert "Traceback" not in r.stderr
        assert "cannot read the config directory" in r.stderr and config in r.stderr
        assert not os.path.exists(os.path.join(work, "runtime.d"))
    finally:
        shutil.rmtree(root, ignore_errors=True)


def test_bad_runtime_env_name(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "env: {'1BAD': x}\n"})
    assert_config_error(r, pai, "'1BAD' is not a valid environment variable name")


def test_failed_init_removes_previous_runtime_dir(pai):
    ok = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands: ['echo one']"})
    assert ok.returncode == 0, ok.stderr
    assert (pai.runtime_dir / "user.sh").exists()
    bad = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY + "- name: x\n  command: 'false'\n",
                               "RUNTIME_CONFIG": "commands: ['echo two']"})
    assert bad.returncode == 248
    assert not pai.runtime_dir.exists()
    run = pai.run("run")
    assert run.returncode == 247 and "check that init succeeded" in run.stderr


def test_secrets_name_that_no_reference_can_reach(pai):
    (pai.config / "secrets.yaml").write_text("good: x\n'my token': Passw0rd-123\n")
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY})
    line = assert_config_error(r, pai, "secrets.yaml", "'my token' has the wrong format", "letters, digits")
    assert "Passw0rd-123" not in r.stderr + line


def test_non_utf8_bytes_in_init_config_env(pai):
    env = dict(pai.env)
    env_bytes = {k.encode(): v.encode() for k, v in env.items()}
    env_bytes[b"INIT_CONFIG"] = b"initPlugins:\n- name: r\xe9nder\n  builtin: render\n"
    from tests.conftest import BIN

    r = subprocess.run([str(BIN), "init"], env=env_bytes, capture_output=True, text=True, timeout=60)
    assert_config_error(r, pai, "INIT_CONFIG (env) line 2", "not valid UTF-8 (byte 0xe9")


def test_control_character_in_runtime_config(pai):
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands:\n- echo \x01\n"})
    line = assert_config_error(r, pai, "RUNTIME_CONFIG (env) line 2", "U+0001", "is not allowed")
    assert "\\n" not in line


def test_config_dir_that_is_a_file(pai, tmp_path):
    not_a_dir = tmp_path / "pai-config"
    not_a_dir.write_text("")
    r = pai.run("init", env={"PAI_CONFIG_DIR": str(not_a_dir)})
    assert_config_error(r, pai, str(not_a_dir), "not a directory", "PAI_CONFIG_DIR")


def test_runtime_dir_that_cannot_be_created(pai, tmp_path):
    not_a_dir = tmp_path / "blocker"
    not_a_dir.write_text("")
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY, "PAI_RUNTIME_DIR": str(not_a_dir / "runtime.d")})
    line = assert_config_error(r, pai, str(not_a_dir), "cannot create runtime.d", "PAI_RUNTIME_DIR")
    assert "Traceback" not in line


def test_a_log_dir_that_cannot_be_made_is_one_line(pai):
    """The log dir (with its parents) is made where init.log is opened; a file in its way
    is the one line that names the dir and the fix."""
    (pai.work / "logs").write_text("not a dir")
    r = pai.run("init", env={"INIT_CONFIG": RENDER_ONLY})
    assert_config_error(r, pai, "cannot create the log dir", str(pai.log_dir), "PAI_WORK_DIR")

"""The init pipeline through the real CLI: order, failure policies, timeouts, exit-code
mapping of external plugins, init.d drop-ins, signals, logs, secrets, and init -> run."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time

import pytest

from tests.conftest import BIN

RENDER = "- name: render\n  builtin: render\n"


def spec(*entries: str) -> str:
    return "initPlugins:\n" + "".join(entries)


def cmd(name: str, shell: str, extra: str = "") -> str:
    return f"- name: {name}\n  command: [sh, -c, {json.dumps(shell)}]\n{extra}"


def log_events(pai) -> list[dict]:
    return [json.loads(line) for line in (pai.log_dir / "init.log").read_text().splitlines()]


def test_init_then_run_end_to_end(pai):
    (pai.config / "secrets.yaml").write_text("db: {password: pa55word-xyz}\n")
    r = pai.run("init", env={
        "INIT_CONFIG": spec(RENDER),
        "RUNTIME_CONFIG": "commands:\n- 'echo \"user: $GREETING $PASS\"'\n- exit 3\n"
                          "env: {GREETING: hello, PASS: '<% $secrets.db.password %>'}\n"})
    assert r.returncode == 0, r.stderr
    env = (pai.runtime_dir / "env").read_text()
    assert "GREETING=hello" in env and f"PAI_WORK_DIR={pai.work}" in env
    settings = json.loads((pai.runtime_dir / "settings.json").read_text())
    assert settings["hasUserCommand"] is True
    run = pai.run("run")
    assert "user: hello pa55word-xyz" in run.stdout
    assert run.returncode != 0
    # the secret was used, but no init log line shows it
    assert "pa55word-xyz" not in (pai.log_dir / "init.log").read_text()


def test_plugins_run_in_order_and_pass_env(pai):
    r = pai.run("init", env={"INIT_CONFIG": spec(
        cmd("first", "echo ORDER=first > \"$PAI_PLUGIN_ENV\""),
        cmd("second", "echo seen=$ORDER; echo ORDER2=second-after-$ORDER > \"$PAI_PLUGIN_ENV\""),
        RENDER)})
    assert r.returncode == 0, r.stderr
    events = log_events(pai)
    started = [e["plugin"] for e in events if e["event"] == "plugin starting"]
    assert started == ["first", "second", "render"]
    assert any(e["event"] == "seen=first" and e["plugin"] == "second" for e in events)
    env = (pai.runtime_dir / "env").read_text()
    assert "ORDER2=second-after-first" in env


def test_external_plugin_parameters_and_secrets(pai):
    (pai.config / "secrets.yaml").write_text("token: tok-123456\n")
    r = pai.run("init", env={"INIT_CONFIG": spec(
        cmd("p", "cat \"$PAI_PLUGIN_PARAMS\"; echo; echo name=$PAI_PLUGIN_NAME",
            "  parameters: {level: 3, token: '<% $secrets.token %>'}\n"))})
    assert r.returncode == 0, r.stderr
    outputs = [e["event"] for e in log_events(pai) if e.get("stream") == "output"]
    params = json.loads(outputs[0].replace("***", "tok-123456"))
    assert params == {"level": 3, "token": "tok-123456"}
    assert "tok-123456" not in (pai.log_dir / "init.log").read_text()
    assert "name=p" in outputs


@pytest.mark.parametrize("code,expected", [(253, 253), (254, 254), (33, 33), (7, 248), (1, 248), (255, 248)])
def test_external_exit_codes(pai, code, expected):
    r = pai.run("init", env={"INIT_CONFIG": spec(cmd("x", f"exit {code}"), RENDER)})
    assert r.returncode == expected, r.stderr
    assert "Traceback" not in r.stderr
    assert not pai.runtime_dir.exists()


def test_failure_policy_ignore_goes_on(pai):
    r = pai.run("init", env={"INIT_CONFIG": spec(cmd("flaky", "echo broken; exit 9",
                                                     "  failurePolicy: ignore\n"), RENDER),
                             "RUNTIME_CONFIG": "commands: [echo ok]"})
    assert r.returncode == 0, r.stderr
    summary = next(e for e in log_events(pai) if "summary" in e)
    verdicts = {row["plugin"]: row["verdict"] for row in summary["summary"]}
    assert verdicts == {"flaky": "ignored", "render": "passed"}
    assert (pai.runtime_dir / "user.sh").exists()


def test_command_timeout_kills_the_plugin_group(pai, tmp_path):
    marker = tmp_path / "grandchild-survived"
    r = pai.run("init", env={"INIT_CONFIG": spec(cmd(
        "slow", f"(sleep 3; touch {marker}) & sleep 30", "  timeout: 1s\n"))})
    assert r.returncode == 248
    assert "timed out after 1s" in r.stderr
    time.sleep(3.5)
    assert not marker.exists(), "the plugin's background child outlived the timeout"


def _pipeline(pai, monkeypatch, plugin_yaml: str):
    from pai_runtime import log as logmod
    from pai_runtime.config import secrets, sources
    from pai_runtime.init import pipeline
    from pai_runtime.initplugins import BUILTINS
    from pai_runtime.layout import Layout

    monkeypatch.setitem(BUILTINS, "sample", "tests.sample_builtins")
    env = dict(pai.env, INIT_CONFIG=spec(plugin_yaml))
    layout = Layout.from_env(env)
    logmod.configure("test", fmt="json")
    ctx = pipeline.InitContext(layout=layout, environ=env, runtime_config=sources.load_runtime_config(layout, env),
                               secrets=secrets.Secrets({}), staging=pipeline.new_staging(layout), log=logmod.get())
    return pipeline.Pipeline(sources.load_init_spec(layout, env), ctx)


def test_builtin_timeout_maps_to_its_timeout_code(pai, monkeypatch):
    from pai_runtime.errors import PaiError

    pipe = _pipeline(pai, monkeypatch, "- name: s\n  builtin: sample\n  timeout: 0.5s\n"
                                       "  parameters: {mode: slow, seconds: 5}\n")
    told = pipe.ctx.cancelled
    start = time.monotonic()
    with pytest.raises(PaiError) as info:
        pipe.run()
    assert info.value.code == 250 and "timed out after 0.5s" in info.value.line()
    assert time.monotonic() - start < 3
    assert told.is_set(), "the abandoned built-in is told to stop"
    assert not pipe.ctx.cancelled.is_set(), "the plugins after it get an event of their own"


def test_builtin_crash_is_248_and_skip_and_fail(pai, monkeypatch):
    from pai_runtime.errors import InternalError, PortConflictError

    pipe = _pipeline(pai, monkeypatch, "- name: c\n  builtin: sample\n  parameters: {mode: crash}\n")
    with pytest.raises(InternalError) as info:
        pipe.run()
    assert "crashed: ValueError: boom" in info.value.line()
    pipe = _pipeline(pai, monkeypatch, "- name: k\n  builtin: sample\n  parameters: {mode: skip}\n"
                                       "- name: f\n  builtin: sample\n  parameters: {mode: fail}\n")
    with pytest.raises(PortConflictError):
        pipe.run()
    assert [(o.name, o.verdict, o.code) for o in pipe.outcomes] == [("k", "skipped", 0), ("f", "failed", 253)]


def test_builtin_parameters_checked_before_anything_runs(pai, monkeypatch):
    from pai_runtime.errors import ConfigError

    with pytest.raises(ConfigError) as info:
        _pipeline(pai, monkeypatch, "- name: a\n  builtin: sample\n"
                                    "- name: b\n  builtin: sample\n  parameters: {mode: sideways}\n")
    assert "invalid parameters of 'sample'" in info.value.line() and "line 4" in info.value.line()
    with pytest.raises(ConfigError) as info:
        _pipeline(pai, monkeypatch, "- name: b\n  builtin: sample\n  parameters: {mdoe: ok}\n")
    assert "did you mean 'mode'" in info.value.line()


def test_init_d_scripts_run_in_run_parts_order(pai):
    init_d = pai.work / "init.d"
    init_d.mkdir()
    for name in ("20-second", "10-first", "README.md", "30-not-executable", "40_third"):
        p = init_d / name
        p.write_text(f"#!/bin/sh\necho script {name}\n")
        p.chmod(0o644 if "not-exec" in name or name.endswith(".md") else 0o755)
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER)})
    assert r.returncode == 0, r.stderr
    out = [e["event"] for e in log_events(pai) if e.get("stream") == "output"]
    assert out == ["script 10-first", "script 20-second", "script 40_third"]
    started = [e["plugin"] for e in log_events(pai) if e["event"] == "plugin starting"]
    assert started == ["render", "10-first", "20-second", "40_third"]
    skipped = [(e["file"].rsplit("/", 1)[-1], e["level"], e["reason"]) for e in log_events(pai)
               if e["event"].startswith("init.d script skipped")]
    assert skipped == [("30-not-executable", "warning", "no execute bit"),
                       ("README.md", "warning", "name is not run-parts style")]
    assert "README.md" in r.stderr and "skipped" in r.stderr.split("init summary:")[-1]


def test_init_d_script_failure_fails_init(pai):
    init_d = pai.work / "init.d"
    init_d.mkdir()
    p = init_d / "50-check"
    p.write_text("#!/bin/sh\necho 'port 8080 busy' >&2\nexit 253\n")
    p.chmod(0o755)
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER)})
    assert r.returncode == 253
    assert "port 8080 busy" in (pai.log_dir / "init.log").read_text()


@pytest.mark.timeout(30)
def test_sigterm_stops_running_plugin_and_exits_143(pai, tmp_path):
    pidfile = tmp_path / "plugin.pid"
    # the plugin ignores SIGTERM (so does its child): init must kill its group after the grace
    env = dict(pai.env, PAI_LOG_FORMAT="text",  # the summary table
               INIT_CONFIG=spec(cmd("sleeper", f"trap '' TERM; echo $$ > {pidfile}; sleep 60; sleep 60")))
    proc = subprocess.Popen([str(BIN), "init"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    deadline = time.monotonic() + 15
    while not pidfile.exists() or not pidfile.read_text().strip():
        assert time.monotonic() < deadline, "plugin never started"
        time.sleep(0.05)
    child = int(pidfile.read_text())
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert re.search(r"sleeper\s+stopped\s+[0-9.]+s\s+by signal 15", err), err
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(child, 0)
            time.sleep(0.05)
    assert not pai.runtime_dir.exists()


def test_summary_lists_every_plugin_with_verdict_and_duration(pai):
    r = pai.run("init", env={"INIT_CONFIG": spec(cmd("a", "true"), RENDER), "PAI_LOG_FORMAT": "console"})
    assert r.returncode == 0
    text = r.stderr
    assert "init summary:" in text
    for row in ("a", "render"):
        assert any(line.strip().startswith(row) and ("passed" in line or "skipped" in line)
                   and line.rstrip().split()[2].endswith("s") for line in text.splitlines()), text


def test_render_skips_without_commands_and_run_says_why(pai):
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER)})
    assert r.returncode == 0
    assert "no commands in RUNTIME_CONFIG" in r.stderr
    run = pai.run("run")
    assert run.returncode == 247 and "user.sh" in run.stderr


def test_env_file_values_cannot_inject_shell(pai, tmp_path):
    hostile = "$(touch " + str(tmp_path / "pwned") + "); `id` ' \" \n done"
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER),
                             "RUNTIME_CONFIG": json.dumps({"env": {"HOSTILE": hostile},
                                                           "commands": ['printf %s "$HOSTILE"']})})
    assert r.returncode == 0, r.stderr
    sourced = subprocess.run(["sh", "-c", f". {pai.runtime_dir / 'env'}; printf %s \"$HOSTILE\""],
                             capture_output=True, text=True)
    assert sourced.stdout == hostile
    run = pai.run("run")
    assert run.stdout == hostile
    assert not (tmp_path / "pwned").exists()


def test_env_file_from_runtime_config(pai):
    (pai.config / "job.env").write_text("# comment\nA=1\nB=two words\nHOME\n")
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER),
                             "RUNTIME_CONFIG": "envFile: job.env\nenv: {A: override}\ncommands: ['echo $A $B']"})
    assert r.returncode == 0, r.stderr
    assert pai.run("run").stdout.strip() == "override two words"


def test_config_command_redacts_secrets(pai):
    (pai.config / "secrets.yaml").write_text("registry: {password: Sup3rSecretPw}\n")
    r = pai.run("config", env={"RUNTIME_CONFIG": "commands: ['login Sup3rSecretPw']\n",
                               "INIT_CONFIG": spec(RENDER)})
    assert r.returncode == 0, r.stderr
    assert "Sup3rSecretPw" not in r.stdout
    assert "login ***" in r.stdout and "RUNTIME_CONFIG (env)" in r.stdout


def test_config_source_precedence(pai):
    (pai.config / "init_plugins.yaml").write_text(spec("- name: from-file\n  builtin: render\n"))
    r = pai.run("config")
    assert "from-file" in r.stdout and str(pai.config / "init_plugins.yaml") in r.stdout
    r = pai.run("config", env={"INIT_CONFIG": spec("- name: from-env\n  builtin: render\n")})
    assert "from-env" in r.stdout and "from-file" not in r.stdout
    (pai.config / "init_plugins.yaml").unlink()
    r = pai.run("config")
    assert "init_plugins_default.yaml" in r.stdout


def test_up_falls_back_to_local_work_dir(pai, tmp_path):
    """As an unprivileged user /usr/local/pai is not writable: `up` uses ./.pai."""
    import shutil
    import tempfile

    cwd = tempfile.mkdtemp(prefix="pai-up-")
    try:
        os.chmod(cwd, 0o777)
        env = {k: v for k, v in pai.env.items() if k not in ("PAI_WORK_DIR",)}
        env.update(INIT_CONFIG=spec(RENDER), RUNTIME_CONFIG="commands: ['echo hi from up; pwd']",
                   HOME=cwd, PAI_CONFIG_DIR=os.path.join(cwd, "no-config"))
        r = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", str(BIN), "up"],
                           env=env, capture_output=True, text=True, timeout=60, cwd=cwd)
        assert r.returncode == 0, r.stderr
        assert "hi from up" in r.stdout
        assert os.path.exists(os.path.join(cwd, ".pai", "runtime.d", "user.sh"))
    finally:
        shutil.rmtree(cwd, ignore_errors=True)


def test_help_of_every_command():
    top = subprocess.run([str(BIN), "--help"], capture_output=True, text=True)
    assert top.returncode == 0
    for name in ("init", "run", "up", "config", "plugins", "check-image", "classify", "spec", "addon"):
        assert name in top.stdout
    for name in ("init", "run", "up", "config", "plugins"):
        r = subprocess.run([str(BIN), name, "--help"], capture_output=True, text=True)
        assert r.returncode == 0 and "Usage: pai-runtime " + name in r.stdout, r.stderr


def test_run_fast_path_imports_no_click_or_yaml(pai):
    r = subprocess.run([str(BIN).replace("pai-runtime", "python"), "-X", "importtime", "-m", "pai_runtime",
                        "run", "--", "true"], env=pai.env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    imported = {line.split("|")[-1].strip() for line in r.stderr.splitlines() if "|" in line}
    for heavy in ("click", "yaml", "structlog", "jsonschema", "requests"):
        assert heavy not in imported, heavy


def test_builtin_log_lines_carry_plugin_and_phase(pai, monkeypatch):
    """Built-ins run in a worker thread: their own log lines keep the plugin tag."""
    import io
    import sys as _sys

    buf = io.StringIO()
    monkeypatch.setattr(_sys, "stderr", buf)
    pipe = _pipeline(pai, monkeypatch, "- name: tagged\n  builtin: sample\n  parameters: {mode: ok}\n")

    def progress_run(ctx, params):
        ctx.progress("halfway there", done=1)
        return None

    monkeypatch.setattr(pipe.steps[0].module, "run", progress_run)
    pipe.run()
    line = next(json.loads(raw) for raw in buf.getvalue().splitlines() if "halfway there" in raw)
    assert line["plugin"] == "tagged" and line["phase"] == "test"


def test_job_container_masks_secrets_init_rendered(pai):
    """The job container cannot read secrets.yaml: init hands over the values it rendered
    into runtime.d, and runtime.log and the termination message mask them."""
    (pai.config / "secrets.yaml").write_text("api: {token: tok-9f8e7d6c}\nunused: never-handed-over\n")
    r = pai.run("init", env={
        "INIT_CONFIG": "initPlugins:\n- name: rp\n  builtin: runtimeplugins\n" + RENDER,
        "RUNTIME_CONFIG": "commands: ['echo \"login with $TOKEN\" >&2', 'exit 3']\n"
                          "env: {TOKEN: '<% $secrets.api.token %>'}\n"
                          "runtimePlugin:\n- plugin: cmd\n  parameters: {preCommands: ['echo pre sees $TOKEN']}\n"})
    assert r.returncode == 0, r.stderr
    handed = json.loads((pai.runtime_dir / "redact.json").read_text())
    assert handed == ["tok-9f8e7d6c"]
    assert (pai.runtime_dir / "redact.json").stat().st_mode & 0o777 == 0o600
    run = pai.run("run")
    assert run.returncode != 0
    runtime_log = (pai.log_dir / "runtime.log").read_text()
    assert "pre sees ***" in runtime_log and "tok-9f8e7d6c" not in runtime_log
    message = (pai.root / "termination-log").read_text()
    assert "login with ***" in message and "tok-9f8e7d6c" not in message
    # the user's own log keeps what the user wrote
    assert "login with tok-9f8e7d6c" in (pai.log_dir / "user-stderr" / "current").read_text()


def test_failed_init_writes_its_reason_as_termination_message(pai):
    (pai.root / "termination-log").write_text("exitCode: 0\nphrase: Succeeded\n")  # an older run's
    r = pai.run("init", env={"INIT_CONFIG": spec(cmd("ports", "exit 253"))})
    assert r.returncode == 253
    import yaml

    for path in (pai.root / "termination-log", pai.log_dir / "termination-log"):
        text = path.read_text()
        assert text.startswith("[PAI_RUNTIME_ERROR_START]\n") and text.rstrip().endswith("[PAI_RUNTIME_ERROR_END]")
        info = yaml.safe_load(text.split("\n", 1)[1].rsplit("[PAI_RUNTIME_ERROR_END]", 1)[0])
        assert info["exitCode"] == 253 and info["phrase"] == "ContainerPortConflict"
        assert info["stage"] == "init" and "init plugin ports: exited with code 253" in info["reason"]


def test_config_masks_passwords_written_into_urls(pai):
    r = pai.run("config", env={"INIT_CONFIG": spec(RENDER),
                               "RUNTIME_CONFIG": "runtimePlugin:\n- plugin: git\n  parameters:\n"
                                                 "    repo_uri: https://bob:hunter2xyz@git.example.com/r.git\n"})
    assert r.returncode == 0, r.stderr
    assert "hunter2xyz" not in r.stdout and "https://bob:***@git.example.com/r.git" in r.stdout


def test_run_option_without_double_dash_is_a_usage_error(pai):
    r = pai.run("run", "--bogus")
    assert r.returncode == 2
    assert "no such option: --bogus" in r.stderr and "pai-runtime run -- --bogus" in r.stderr


def test_settings_carry_every_log_setting(pai):
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER), "RUNTIME_CONFIG": "logs: {searchWindow: 4Mi}\n"})
    assert r.returncode == 0, r.stderr
    logs = json.loads((pai.runtime_dir / "settings.json").read_text())["logs"]
    assert logs == {"maxSize": 256 * 1024 * 1024, "maxFiles": 2, "mode": "split", "searchWindow": 4 * 1024 * 1024}


def test_env_file_values_render_secrets(pai):
    (pai.config / "secrets.yaml").write_text("db: {password: s3cret-db-pw}\n")
    (pai.config / "job.env").write_text("DB_PASSWORD=<% $secrets.db.password %>\nMISSING=<% $secrets.db.user %>\n")
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER), "RUNTIME_CONFIG": "envFile: job.env\n"})
    assert r.returncode == 247 and "job.env, MISSING" in r.stderr and "has no 'user'" in r.stderr
    (pai.config / "job.env").write_text("DB_PASSWORD=<% $secrets.db.password %>\n")
    r = pai.run("init", env={"INIT_CONFIG": spec(RENDER), "RUNTIME_CONFIG": "envFile: job.env\n"})
    assert r.returncode == 0, r.stderr
    assert "DB_PASSWORD=s3cret-db-pw" in (pai.runtime_dir / "env").read_text()
    assert "s3cret-db-pw" not in r.stderr

"""Issue 18, "never hang, never lie" (the config and supervisor side): each adversarial
case of the issue, through the real CLI, bounded in time (``timeout -s KILL``) and memory
(``prlimit --as``).

A hostile config ends with 247 and one line naming the source (and the line); a device
or a FIFO given as a file is refused at once; a setting ``run`` could not use fails init,
not the job container; a failing log disk never changes the verdict. The init.d and
signal cases are in tests/test_hostile_init.py.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import BIN

#: address-space cap of every bounded run: init needs a few hundred MiB of it (threads'
#: stacks included); the alias bomb of the issue grew ~55 MB/s without end
MEM_LIMIT = 1 << 30
RENDER = "initPlugins:\n- name: render\n  builtin: render\n"
RUNTIME_PLUGINS = RENDER + "- name: rp\n  builtin: runtimeplugins\n"
#: "billion laughs": 9 levels of 9 aliases each, 9^9 = 387,420,489 strings once expanded
BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f'{c}: &{c} [{",".join(["*" + p] * 9)}]\n' for p, c in zip("abcdefgh", "bcdefghi", strict=True))


def bounded(pai, *args: str, env: dict[str, str] | None = None, seconds: float = 20,
            argv: list[str] | None = None) -> tuple[subprocess.CompletedProcess[str], float]:
    """Run the CLI under a hard time and memory cap; returns the result and the wall time."""
    full = dict(pai.env)
    full.update(env or {})
    cmd = ["prlimit", f"--as={MEM_LIMIT}", "--", "timeout", "-s", "KILL", str(seconds),
           *(argv or [str(BIN), *args])]
    start = time.monotonic()
    r = subprocess.run(cmd, env=full, capture_output=True, text=True, cwd=pai.root)
    return r, time.monotonic() - start


def one_config_error(r: subprocess.CompletedProcess[str], *needles: str) -> str:
    """247, no traceback, exactly one "init failed" line, holding every needle."""
    assert r.returncode == 247, (r.returncode, r.stderr[-3000:])
    assert "Traceback" not in r.stderr, r.stderr[-3000:]
    lines = [line for line in r.stderr.splitlines() if '"init failed"' in line]
    assert len(lines) == 1, r.stderr[-3000:]
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    return lines[0]


# -- bounded YAML --------------------------------------------------------------------------
@pytest.mark.parametrize("var", ["RUNTIME_CONFIG", "INIT_CONFIG"])
def test_alias_bomb_in_an_env_var_is_247_at_once(pai, var):
    env = {"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: [echo]\n"}
    env[var] = BOMB
    r, took = bounded(pai, "init", env=env)
    one_config_error(r, f"{var} (env) line ", "aliases expand to more than")
    assert took < 10


def test_alias_bomb_in_a_plugin_desc_is_247_naming_the_file(pai, tmp_path):
    plugin = tmp_path / "myplugins" / "bomb"
    plugin.mkdir(parents=True)
    (plugin / "desc.yaml").write_text("name: bomb\ndescription: x\ninit: {exec: ./x}\n" + BOMB)
    env = {"INIT_CONFIG": RUNTIME_PLUGINS, "RUNTIME_CONFIG": "commands: [echo]\nruntimePlugin:\n- plugin: bomb\n",
           "PAI_PLUGIN_PATH": str(tmp_path / "myplugins")}
    r, took = bounded(pai, "init", env=env)
    one_config_error(r, str(plugin / "desc.yaml"), "aliases expand to more than")
    assert took < 10


@pytest.mark.parametrize("name", ["runtime_plugin.yaml", "secrets.yaml", "job_config.yaml", "init_plugins.yaml"])
def test_alias_bomb_in_a_config_dir_file_is_247(pai, name):
    (pai.config / name).write_text(BOMB)
    env = {"INIT_CONFIG": RUNTIME_PLUGINS, "RUNTIME_CONFIG": "commands: [echo]\n"}
    if name == "runtime_plugin.yaml":
        del env["RUNTIME_CONFIG"]
    if name == "init_plugins.yaml":
        del env["INIT_CONFIG"]
    r, took = bounded(pai, "init", env=env)
    one_config_error(r, name, "aliases expand to more than")
    assert took < 10


def test_a_string_aliased_many_times_is_a_bomb_too(pai):
    """Few values, much text: 1 MiB referenced 100 times."""
    text = "commands: [echo]\nenv: {A: &a " + "x" * (1 << 20) + "}\njobConfig: {x: [" + ",".join(["*a"] * 100) + "]}\n"
    (pai.config / "runtime_plugin.yaml").write_text(text)
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER})
    one_config_error(r, "runtime_plugin.yaml line ", "of text")
    assert took < 10


def test_an_exit_spec_bomb_is_247(pai):
    (pai.config / "bomb-spec.yaml").write_text(BOMB)
    cfg = f"commands: [echo]\nexitSpec: {pai.config}/bomb-spec.yaml\n"
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": cfg})
    one_config_error(r, "bomb-spec.yaml line ", "aliases expand to more than")
    assert took < 10


@pytest.mark.parametrize("text", ["[" * 5000 + "]" * 5000, "\n" + "- " * 5000 + "x",
                                  "\n" + "".join(" " * i + f"k{i}:\n" for i in range(1, 300)) + " " * 300 + "x"],
                         ids=["flow", "compact-block", "indented-block"])
def test_deep_nesting_is_247_not_a_traceback(pai, text):
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: " + text + "\n"})
    one_config_error(r, "RUNTIME_CONFIG (env) line ", "nested deeper than 64 levels")
    assert took < 10


def test_nesting_that_would_crash_libyaml_is_247(pai):
    """200,000 brackets: libyaml's recursive composer dies of SIGSEGV on these."""
    (pai.config / "runtime_plugin.yaml").write_text("commands: " + "[" * 200_000 + "]" * 200_000 + "\n")
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER})
    one_config_error(r, "runtime_plugin.yaml line 1", "nested deeper than")
    assert took < 10


def test_alias_that_contains_itself_is_247(pai):
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: &a [*a]\n"})
    one_config_error(r, "RUNTIME_CONFIG (env) line 1", "contains it")


@pytest.mark.parametrize("where", ["thresholds: {running: NUMBER}", "env: {A: NUMBER}", "logs: {maxFiles: NUMBER}"])
def test_a_5000_digit_integer_is_247(pai, where):
    cfg = "commands: [echo]\n" + where.replace("NUMBER", "9" * 5000) + "\n"
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": cfg})
    one_config_error(r, "RUNTIME_CONFIG (env) line 2", "5000 digits")


@pytest.mark.parametrize("value", ['"x\\0y"', '"\\0"', '"tail\\x00"'])
def test_a_nul_in_an_env_value_is_247(pai, value):
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": RENDER,
                                      "RUNTIME_CONFIG": f"commands: [echo]\nenv: {{A: {value}}}\n"})
    one_config_error(r, "RUNTIME_CONFIG (env) line 2", "field env.A", "NUL")


def test_a_nul_in_an_env_file_value_is_247(pai):
    (pai.config / "vars.env").write_bytes(b"A=ok\nB=x\0y\n")
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: [echo]\nenvFile: vars.env\n"})
    one_config_error(r, "vars.env", "B", "NUL")


def test_a_document_over_the_size_cap_is_247_before_parsing(pai):
    big = "commands: [echo]\nenv:\n" + "".join(f"  K{i}: {'v' * 100}\n" for i in range(60_000))
    (pai.config / "runtime_plugin.yaml").write_text(big)
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER})
    one_config_error(r, "runtime_plugin.yaml", "too large", "4 MiB")
    assert took < 10


# -- bounded files ---------------------------------------------------------------------------
def test_envfile_on_a_device_is_refused_at_once(pai):
    """Before: 550 MB read after 3 s, still alive 3 s after SIGTERM."""
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER,
                                         "RUNTIME_CONFIG": "commands: [echo]\nenvFile: /dev/urandom\n"})
    one_config_error(r, "RUNTIME_CONFIG (env) line 2, field envFile", "/dev/urandom",
                     "a device, expected a regular file")
    assert took < 10


def test_envfile_on_a_fifo_without_writer_is_refused_not_waited_for(pai):
    fifo = pai.config / "env.fifo"
    os.mkfifo(fifo)
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER,
                                         "RUNTIME_CONFIG": f"commands: [echo]\nenvFile: {fifo}\n"})
    one_config_error(r, str(fifo), "a FIFO")
    assert took < 10


def test_envfile_too_large_is_refused(pai):
    (pai.config / "big.env").write_text("A=" + "x" * (2 << 20) + "\n")
    cfg = "commands: [echo]\nenvFile: big.env\n"
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": cfg})
    one_config_error(r, "big.env", "too large")
    assert took < 10


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_job_config_on_a_device_is_refused(pai, device):
    """Before: /dev/zero as jobConfig took 3.4 GB after 3 s."""
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RUNTIME_PLUGINS,
                                         "RUNTIME_CONFIG": f"commands: [echo]\njobConfig: {device}\n"})
    one_config_error(r, device, "a device")
    assert took < 10


def test_framework_file_on_dev_zero_is_refused(pai):
    spec = "initPlugins:\n- name: framework\n  builtin: framework\n  parameters: {file: /dev/zero}\n"
    r, took = bounded(pai, "init", env={"INIT_CONFIG": spec, "RUNTIME_CONFIG": "commands: [echo]\n"})
    one_config_error(r, "/dev/zero", "a device")
    assert took < 10


def test_barrier_file_on_dev_zero_is_refused_within_its_timeout(pai):
    """Before: 4.3 GB after 5 s, its 3 s timeout not applied."""
    spec = ("initPlugins:\n- name: barrier\n  builtin: barrier\n"
            "  parameters: {source: file, file: /dev/zero, timeout: 3s}\n")
    r, took = bounded(pai, "init", env={"INIT_CONFIG": spec, "RUNTIME_CONFIG": "commands: [echo]\n"})
    one_config_error(r, "/dev/zero", "a device")
    assert took < 8


def test_a_gzip_bomb_in_a_framework_status_is_refused(pai):
    """taskRoleStatusesCompressed: 64 KiB of gzip that inflates to 128 MiB."""
    import base64
    import gzip

    packed = base64.b64encode(gzip.compress(b"[" + b" " * (128 << 20) + b"]", 9)).decode()
    fw = {"metadata": {"name": "j"}, "spec": {"taskRoles": [{"name": "r", "taskNumber": 1}]},
          "status": {"attemptStatus": {"taskRoleStatusesCompressed": packed}}}
    path = pai.config / "framework.json"
    path.write_text(json.dumps(fw))
    spec = f"initPlugins:\n- name: framework\n  builtin: framework\n  parameters: {{file: {path}}}\n"
    r, took = bounded(pai, "init", env={"INIT_CONFIG": spec, "RUNTIME_CONFIG": "commands: [echo]\n"})
    one_config_error(r, "taskRoleStatusesCompressed", "inflates to more than 64 MiB")
    assert took < 10


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000, '{"schedulePortStart": ' + "9" * 5000 + "}"])
def test_a_hostile_port_annotation_is_no_traceback(text):
    """A Framework's port-scheduling annotation is input too: deep nesting or a 5,000-digit
    number means "not hashed ports" (kube/gang.py), or a 247 line (openpai/env.py)."""
    from pai_runtime.errors import ConfigError
    from pai_runtime.kube.gang import PORT_ANNOTATION, _hashed_ports
    from pai_runtime.openpai.env import PORT_SPEC_ANNOTATION, port_spec

    role = {"name": "r", "task": {"pod": {"metadata": {"annotations": {PORT_ANNOTATION: text,
                                                                       PORT_SPEC_ANNOTATION: text}}}}}
    assert _hashed_ports(role) is False
    with pytest.raises(ConfigError, match="is not JSON"):
        port_spec(role)


# -- settings checked at init ------------------------------------------------------------------
@pytest.mark.parametrize(("setting", "field"), [
    ("logs: {maxSize: 99999999999999999999Ei}", "logs.maxSize"),
    ("logs: {maxSize: 17Ti}", "logs.maxSize"),
    ("logs: {maxSize: 100}", "logs.maxSize"),
    ("logs: {maxFiles: 1000000000}", "logs.maxFiles"),
    ("logs: {maxFiles: 0}", "logs.maxFiles"),
    ("logs: {maxFiles: 101}", "logs.maxFiles"),
    ("logs: {searchWindow: 99999999999999999999Ei}", "logs.searchWindow"),
    ("killGrace: 99999999h", "killGrace"),
    ("thresholds: {running: 99999999999d}", "running threshold"),
    ("thresholds: {running: 1e300}", "running threshold"),
    # issue 18 review: infinity or an empty string meant "no limit" or the 10 s default;
    # 0 was accepted and never applied
    ("thresholds: {running: .inf}", "running threshold"),
    ("thresholds: {running: '1e400'}", "running threshold"),
    ("thresholds: {running: '0'}", "0 would stop the job at once"),
    ("killGrace: .inf", "killGrace"),
    ("killGrace: inf", "killGrace"),
    ("killGrace: ''", "killGrace"),
    ("killGrace: '1e400'", "killGrace"),
])
def test_absurd_settings_fail_init_not_the_job_container(pai, setting, field):
    """Before: ``logs.maxSize: 99999999999999999999Ei`` passed init and failed ``run``."""
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": f"commands: [echo]\n{setting}\n"})
    one_config_error(r, "RUNTIME_CONFIG (env) line 2", field)
    assert not (pai.runtime_dir / "settings.json").exists()


@pytest.mark.parametrize("value", ["99999999999999d", "inf", "'1e400'", ".inf", "''"])
def test_an_absurd_init_plugin_timeout_is_247(pai, value):
    spec = RENDER + f"  timeout: {value}\n"
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": spec, "RUNTIME_CONFIG": "commands: [echo]\n"})
    one_config_error(r, "INIT_CONFIG (env) line 4", "timeout")


def test_a_barrier_timeout_beyond_a_year_is_247(pai):
    """Every other duration stops at 366d; the barrier's took 99999999999999d."""
    spec = ("initPlugins:\n- name: barrier\n  builtin: barrier\n"
            "  parameters: {source: none, timeout: 99999999999999d}\n")
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": spec, "RUNTIME_CONFIG": "commands: [echo]\n"})
    one_config_error(r, "parameters.timeout", "longer than")


def test_settings_json_holds_resolved_values_run_accepts(pai):
    """Whatever init accepted, ``run`` accepts: sizes in bytes, within bounds."""
    cfg = "logs: {maxSize: 1Gi, maxFiles: 100, searchWindow: 1Mi}\nthresholds: {running: 1h}\n"
    r = pai.run("init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: [echo]\n" + cfg})
    assert r.returncode == 0, r.stderr[-2000:]
    settings = json.loads((pai.runtime_dir / "settings.json").read_text())
    assert settings["logs"] == {"maxSize": 1 << 30, "maxFiles": 100, "mode": "split", "searchWindow": 1 << 20}
    assert settings["running"] == 3600
    r = pai.run("run", "--", "true")
    assert r.returncode == 0, r.stderr[-2000:]


def test_run_refuses_an_absurd_max_files_it_did_not_get_from_init(pai):
    """A hand-edited settings.json: ``run`` refuses it with one line (247), never loops."""
    r = pai.run("init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: [echo]\n"})
    assert r.returncode == 0, r.stderr[-2000:]
    path = pai.runtime_dir / "settings.json"
    settings = json.loads(path.read_text())
    settings["logs"]["maxFiles"] = 1_000_000_000
    path.write_text(json.dumps(settings))
    r, took = bounded(pai, "run", "--", "true")
    assert r.returncode == 247, r.stderr[-2000:]
    assert "logs.maxFiles" in r.stderr and "Traceback" not in r.stderr
    assert took < 10


# -- rotation ----------------------------------------------------------------------------------
CHATTY = ("i=0; while [ $i -lt 20000 ]; do echo \"line $i of a chatty job, padded to look like a log line\"; "
          "i=$((i+1)); done")


def test_rotation_with_the_largest_max_files_stays_fast(pai):
    """The largest maxFiles init accepts and the smallest maxSize: ~1.3 MB of output
    rotates ~300 times, each rotation renaming only the files kept; the job ends in
    seconds with its own exit code and every file in place."""
    cfg = "commands: [echo]\nlogs: {maxSize: 4Ki, maxFiles: 100}\n"
    r, took = bounded(pai, "up", "--", "sh", "-c", CHATTY, env={"INIT_CONFIG": RENDER,
                                                                              "RUNTIME_CONFIG": cfg}, seconds=60)
    assert r.returncode == 0, r.stderr[-2000:]
    assert took < 30
    out = pai.log_dir / "user-stdout"
    assert sorted(os.listdir(out)) == sorted(["current"] + [f"current.{i}" for i in range(1, 100)])
    assert (out / "current").read_text().endswith("line 19999 of a chatty job, padded to look like a log line\n")


def test_a_rotation_never_walks_max_files_names(tmp_path):
    """The rotation itself, whatever ``maxFiles`` says (init refuses more than 100; this is
    the module ``run`` uses): 50 rotations with ``max_files=10**9`` cost what 50 rotations
    with 51 files cost. Before: the first one looped over ~10^9 names."""
    from pai_runtime.supervisor.logs import RotatingFile

    chunk = b"a log line\n" * 400  # 4400 bytes: one rotation per write at 4096
    f = RotatingFile(tmp_path / "s", 4096, 10**9)
    start = time.monotonic()
    for _ in range(50):
        f.write(chunk)
    took = time.monotonic() - start
    f.close()
    assert f.rotations >= 50 and f.kept == f.rotations
    assert sorted(os.listdir(tmp_path / "s")) == sorted(["current"] + [f"current.{i}" for i in range(1, f.kept + 1)])
    assert took < 5


def test_sigterm_during_a_rotation_storm_is_handled_at_once(pai):
    """PID 1 rotating every 4 KiB with 100 files (99 renames a rotation) answers SIGTERM
    at once and exits 143 within the grace (before: ``maxFiles: 1000000000`` kept PID 1
    busy for more than 10 minutes, deaf to SIGTERM)."""
    import signal

    cfg = "commands: [echo]\nlogs: {maxSize: 4Ki, maxFiles: 100}\nkillGrace: 5s\n"
    assert pai.run("init", env={"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": cfg}).returncode == 0
    job = "while :; do echo \"a line of a job that never stops talking, padded a little\"; done"
    proc = subprocess.Popen([str(BIN), "run", "--", "sh", "-c", job], env=pai.env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, text=True, cwd=pai.root)
    out = pai.log_dir / "user-stdout"
    deadline = time.monotonic() + 20
    while not (out / "current.99").exists():  # every file kept: each rotation renames 99
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.1)
    sent, sent_at = time.monotonic(), time.time()
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        raise
    took = time.monotonic() - sent
    log = (pai.log_dir / "runtime.log").read_text()
    assert proc.returncode == 143, proc.stderr.read()[-2000:]
    # answered at once; the exit waits only for the pipes' last MiB to be written and rotated
    stamp = next(line.split()[0] for line in log.splitlines() if "received SIGTERM" in line)
    import calendar

    answered = calendar.timegm(time.strptime(stamp[:19], "%Y-%m-%dT%H:%M:%S")) + float(stamp[19:-1])
    assert answered - sent_at < 1.0, (answered - sent_at, log[-3000:])
    assert took < 10, log[-3000:]


# -- a full log disk ---------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["split", "merged-only"])
def test_a_full_log_disk_leaves_a_successful_job_successful(pai, tmp_path, mode):
    """A 512 KiB tmpfs for the log dir; the job fills it on stdout, then writes to stderr
    (before: exit 248 "internal error", the rest SIGTERMed), then ends well: exit 0, its
    output still on the console, runtime.log (on stderr) says how many bytes were lost,
    and the termination message (on another filesystem) is written."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    job = (CHATTY + "; i=0; while [ $i -lt 2000 ]; do echo \"err line $i\" >&2; i=$((i+1)); done; echo last-line")
    script = f"mount -t tmpfs -o size=512k tmpfs {log_dir} && exec {BIN} up -- sh -c '{job}'"
    env = {"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": f"commands: [echo]\nlogs: {{mode: {mode}}}\n",
           "PAI_LOG_DIR": str(log_dir), "PAI_LOG_FORMAT": "text"}
    r, took = bounded(pai, env=env, seconds=90,
                      argv=["unshare", "--mount", "--propagation", "private", "sh", "-c", script])
    assert r.returncode == 0, r.stderr[-3000:]
    assert "line 19999 of a chatty job" in r.stdout and "last-line" in r.stdout
    assert "err line 1999" in (r.stderr if mode == "split" else r.stdout)
    lost = [line for line in r.stderr.splitlines() if "bytes of output could not be written" in line]
    assert len(lost) == 1, r.stderr[-3000:]
    assert int(lost[0].split("] ", 1)[1].split()[0]) > 500_000, lost
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert Path(pai.env["PAI_TERMINATION_LOG"]).exists()


def test_a_full_log_disk_does_not_change_the_classification(pai, tmp_path):
    """3 MB of stdout fill a 256 KiB log tmpfs, then a CUDA OOM line goes to stderr and the
    job exits 134. Before: the line never reached the files and the verdict was 134
    ContainerSigAbrtReceived; now the supervisor's in-memory tail is searched: 226, as on a
    disk with room."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    job = ('head -c 3000000 /dev/zero | tr "\\0" x | fold -w 100; '
           'echo "RuntimeError: CUDA out of memory. Tried to allocate 2 GiB" >&2; exit 134')
    (tmp_path / "job.sh").write_text(job + "\n")
    script = f"mount -t tmpfs -o size=256k tmpfs {log_dir} && exec {BIN} up -- sh {tmp_path / 'job.sh'}"
    env = {"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: [echo]\n", "PAI_LOG_DIR": str(log_dir),
           "PAI_LOG_FORMAT": "text"}
    r, _ = bounded(pai, env=env, seconds=90,
                   argv=["unshare", "--mount", "--propagation", "private", "sh", "-c", script])
    assert r.returncode == 226, r.stderr[-3000:]
    assert "CUDA out of memory" in r.stderr
    assert "bytes of output could not be written to the log files" in r.stderr
    assert "Traceback" not in r.stderr
    message = Path(pai.env["PAI_TERMINATION_LOG"]).read_text()
    assert "exitCode: 226" in message or '"exitCode": 226' in message, message


def test_a_log_disk_full_before_the_job_starts_leaves_its_exit_code(pai, tmp_path):
    """The log dir has no room at all, before init writes init.log: init and run go on,
    the job ends with its own code (0), its output on the console, the loss counted."""
    log_dir = tmp_path / "logs"
    log_dir.mkdir()
    script = (f"mount -t tmpfs -o size=256k tmpfs {log_dir} && "
              f"(dd if=/dev/zero of={log_dir}/fill bs=1k count=600 2>/dev/null; true) && "
              f"exec {BIN} up -- sh -c 'echo hello; echo oops >&2; exit 0'")
    env = {"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: [echo]\n", "PAI_LOG_DIR": str(log_dir),
           "PAI_LOG_FORMAT": "text"}
    r, _ = bounded(pai, env=env, seconds=60,
                   argv=["unshare", "--mount", "--propagation", "private", "sh", "-c", script])
    assert r.returncode == 0, r.stderr[-3000:]
    assert "hello" in r.stdout and "oops" in r.stderr
    assert "bytes of output could not be written to the log files" in r.stderr
    assert "Traceback" not in r.stderr


# -- secret files ----------------------------------------------------------------------------
def test_runtime_files_holding_a_secret_are_owner_only(pai):
    """runtime.d/env held a rendered secret at 0644."""
    (pai.config / "secrets.yaml").write_text("token: s3cr3t-value-123\n")
    cfg = ("commands: ['echo <% $secrets.token %>']\nenv: {TOKEN: '<% $secrets.token %>'}\n"
           "runtimePlugin:\n- plugin: cmd\n  parameters: {preCommands: ['echo <% $secrets.token %>'],"
           " postCommands: ['echo <% $secrets.token %>']}\n")
    r = pai.run("init", env={"INIT_CONFIG": RUNTIME_PLUGINS, "RUNTIME_CONFIG": cfg})
    assert r.returncode == 0, r.stderr[-2000:]
    holding = []
    for path in sorted(p for p in pai.runtime_dir.rglob("*") if p.is_file()):
        if b"s3cr3t-value-123" in path.read_bytes():
            holding.append(path.relative_to(pai.runtime_dir))
            mode = stat.S_IMODE(path.stat().st_mode)
            assert mode & 0o077 == 0, f"{path.relative_to(pai.runtime_dir)} holds the secret at {oct(mode)}"
    assert Path("env") in holding and Path("user.sh") in holding, holding
    r = pai.run("run")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "s3cr3t-value-123" in r.stdout


# -- messages that name the real problem (issue 18 review) -----------------------------------
def _make_odd(path: Path, kind: str) -> None:
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "dir":
        path.mkdir()
    elif kind == "device":
        os.symlink("/dev/null", path)
    else:  # dangling
        os.symlink(path.parent / "missing-target", path)


@pytest.mark.parametrize(("kind", "says"), [("fifo", "is a FIFO"), ("dir", "is a directory"),
                                            ("device", "is a device"), ("dangling", "dangling symlink")])
def test_an_exit_spec_that_is_not_a_file_says_what_it_is(pai, kind, says):
    """Before: every one of them "does not exist"."""
    _make_odd(pai.config / "odd-spec", kind)
    r, took = bounded(pai, "init", env={"INIT_CONFIG": RENDER,
                                        "RUNTIME_CONFIG": "commands: [echo]\nexitSpec: odd-spec\n"})
    one_config_error(r, "odd-spec", says, "exitSpec")
    assert took < 10


@pytest.mark.parametrize(("kind", "says"), [("fifo", "is a FIFO"), ("dir", "is a directory"),
                                            ("device", "is a device"), ("dangling", "dangling symlink")])
def test_a_plugin_desc_that_is_not_a_file_is_named(pai, tmp_path, kind, says):
    """Before: the plugin was "unknown"."""
    plugin = tmp_path / "myplugins" / "odd"
    plugin.mkdir(parents=True)
    _make_odd(plugin / "desc.yaml", kind)
    env = {"INIT_CONFIG": RUNTIME_PLUGINS, "RUNTIME_CONFIG": "commands: [echo]\nruntimePlugin:\n- plugin: odd\n",
           "PAI_PLUGIN_PATH": str(tmp_path / "myplugins")}
    r, took = bounded(pai, "init", env=env)
    one_config_error(r, str(plugin / "desc.yaml"), says)
    assert took < 10


@pytest.mark.parametrize("name", ["init_plugins.yaml", "runtime_plugin.yaml", "secrets.yaml"])
def test_a_dangling_config_file_link_is_247_not_absent(pai, name):
    """A broken ConfigMap mount was silently "no file"."""
    os.symlink(pai.config / "..data" / name, pai.config / name)
    env = {"INIT_CONFIG": RENDER, "RUNTIME_CONFIG": "commands: [echo]\n"}
    env.pop("INIT_CONFIG" if name == "init_plugins.yaml" else "RUNTIME_CONFIG" if name == "runtime_plugin.yaml"
            else "", None)
    r, took = bounded(pai, "init", env=env)
    one_config_error(r, name, "dangling symlink")
    assert took < 10


def test_a_yaml_merge_key_gets_a_hint(pai):
    spec = "base: &b {builtin: render}\ninitPlugins:\n- <<: *b\n  name: render\n"
    r, _ = bounded(pai, "init", env={"INIT_CONFIG": spec, "RUNTIME_CONFIG": "commands: [echo]\n"})
    line = one_config_error(r, "INIT_CONFIG (env) line 3", "merge keys (<<:) are not supported")
    assert "could not determine a constructor" not in line

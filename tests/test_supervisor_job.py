"""The job container sequence of ``pai-runtime run``: runtime env, settings, addons,
pre-commands, the user command (runtime.d/user.sh or ``-- CMD``), post-commands, exit
classification; and the light start-up path."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tests.rigs import pid1_ns

PY = sys.executable
pytestmark = pytest.mark.timeout(90)


def prepare(pai, *, user: str | None = None, pre: str | None = None, post: str | None = None,
            env: dict[str, str] | None = None, settings: dict | None = None) -> Path:
    rd = pai.runtime_dir
    rd.mkdir(parents=True, exist_ok=True)
    if user is not None:
        (rd / "user.sh").write_text(user)
    if pre is not None:
        (rd / "precommands.sh").write_text(pre)
    if post is not None:
        (rd / "postcommands.sh").write_text(post)
    if env is not None:
        from pai_runtime import envfile

        envfile.write(rd / "env", env)
    if settings is not None:
        (rd / "settings.json").write_text(json.dumps(settings))
    return rd


def run(pai, *argv: str, env: dict | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(pid1_ns.BIN), "run", *argv], env={**pai.env, **(env or {})}, capture_output=True,
                          text=True, timeout=60)


def rlog(pai) -> str:
    return (pai.log_dir / "runtime.log").read_text()


def termination(pai) -> str:
    return Path(pai.env["PAI_TERMINATION_LOG"]).read_text()


def test_user_sh_with_runtime_env_pre_and_post_in_order(pai, tmp_path: Path) -> None:
    trail = tmp_path / "trail"
    prepare(pai, env={"JOB_GREETING": "hello 'quoted' $x"},
            pre=f'echo "pre sees $JOB_GREETING"; echo pre >> {trail}\n',
            user=f'echo "user sees $JOB_GREETING"; echo user >> {trail}\n',
            post=f'echo "post ran"; echo post >> {trail}\n',
            settings={"hasUserCommand": True})
    r = run(pai)
    assert r.returncode == 0, r.stderr
    assert trail.read_text() == "pre\nuser\npost\n"
    log = rlog(pai)
    assert "[precommands] pre sees hello 'quoted' $x" in log
    assert "[postcommands] post ran" in log
    assert (pai.log_dir / "user-stdout" / "current").read_text() == "user sees hello 'quoted' $x\n"
    assert "[PAI_RUNTIME_ERROR_START]" not in termination(pai)


def test_failing_precommands_stop_the_job_with_their_code_and_classification(pai, tmp_path: Path) -> None:
    marker = tmp_path / "user-ran"
    # The ssh runtime plugin's barrier timeout: exit 10 + its line in runtime.log -> 249.
    prepare(pai, pre="echo 'SSH barrier reaches max retry count' >&2\nexit 10\n", user=f"touch {marker}\n")
    r = run(pai)
    assert r.returncode == 249, rlog(pai)
    assert not marker.exists()
    assert "pre-commands failed with code 10; the user command is not run" in rlog(pai)
    assert "PAIRuntimeSSHBarrierTimeout" in termination(pai)


def test_post_commands_only_after_success_and_their_failure_is_the_code(pai, tmp_path: Path) -> None:
    marker = tmp_path / "post-ran"
    prepare(pai, user="exit 0\n", post=f"touch {marker}\nexit 4\n")
    r = run(pai)
    assert marker.exists()
    assert "post-commands failed with code 4" in rlog(pai)
    assert "originUserExitCode: 4" in termination(pai)
    assert r.returncode != 0


def test_post_commands_skipped_after_user_failure(pai, tmp_path: Path) -> None:
    marker = tmp_path / "post-ran"
    prepare(pai, user="exit 3\n", post=f"touch {marker}\n")
    r = run(pai)
    assert not marker.exists()
    assert "originUserExitCode: 3" in termination(pai)
    assert r.returncode == 255  # nothing in the default spec matches a plain 3


def test_command_after_dashdash_wins_over_user_sh(pai, tmp_path: Path) -> None:
    prepare(pai, user="echo from-user-sh\n")
    r = run(pai, "--", "echo", "from-argv")
    assert r.returncode == 0
    assert (pai.log_dir / "user-stdout" / "current").read_text() == "from-argv\n"


def test_no_command_is_one_clear_line_247(pai) -> None:
    r = run(pai)
    assert r.returncode == 247
    errors = [ln for ln in r.stderr.splitlines() if "error" in ln]
    assert len(errors) == 1 and "user.sh does not exist" in errors[0] and "-- CMD" in errors[0], r.stderr
    assert "Traceback" not in r.stderr


def test_broken_settings_json_is_247(pai) -> None:
    rd = prepare(pai)
    (rd / "settings.json").write_text("{not json")
    r = run(pai, "--", "true")
    assert r.returncode == 247
    assert "settings.json" in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("bad", [{"killGrace": "soon"}, {"running": -5}, {"logs": {"maxFiles": 0}},
                                 {"logs": {"mode": "interleaved"}}])
def test_bad_settings_name_the_field(pai, bad: dict) -> None:
    prepare(pai, settings=bad)
    r = run(pai, "--", "true")
    assert r.returncode == 247, r.stderr
    field = next(iter(bad)) if next(iter(bad)) != "logs" else f"logs.{next(iter(bad['logs']))}"
    errors = [ln for ln in r.stderr.splitlines() if "error" in ln]
    assert len(errors) == 1 and field in errors[0], r.stderr


def test_bad_kill_grace_env_is_247(pai) -> None:
    r = run(pai, "--", "true", env={"PAI_KILL_GRACE": "a while"})
    assert r.returncode == 247 and "PAI_KILL_GRACE" in r.stderr


def test_kill_grace_accepts_durations_and_settings_override_env(pai) -> None:
    prepare(pai, settings={"killGrace": 3})
    run(pai, "--", "true", env={"PAI_KILL_GRACE": "1m"})
    assert "grace 3s" in rlog(pai)
    prepare(pai, settings={})
    run(pai, "--", "true", env={"PAI_KILL_GRACE": "1m 30s"})
    assert "grace 90s" in rlog(pai)  # units.format_duration, the one formatter: 1m 30s is 90s


def test_grace_is_capped_below_the_pod_termination_grace(pai) -> None:
    run(pai, "--", "true", env={"PAI_KILL_GRACE": "60", "PAI_TERMINATION_GRACE": "30"})
    assert "grace 27s" in rlog(pai)


def _plan(pai, tmp_path: Path, path: Path) -> None:
    root = tmp_path / "addons"
    (root / "tools").mkdir(parents=True)
    (root / "tools" / "bin").write_text("#!/bin/sh\n")
    plan = {"version": 1, "root": str(root), "addons": [],
            "links": [{"addon": "tools", "path": str(path), "target": str(root / "tools" / "bin")}]}
    (pai.runtime_dir / "addons.json").write_text(json.dumps(plan))


def test_addons_applied_before_precommands(pai, tmp_path: Path) -> None:
    link = tmp_path / "mnt" / "tool"
    prepare(pai, pre=f"test -L {link} || exit 9\n")
    _plan(pai, tmp_path, link)
    r = run(pai, "--", "true")
    assert r.returncode == 0, rlog(pai)
    assert "runtime addons: 1 link(s) made" in rlog(pai)


def test_addon_failure_is_33_with_its_message_everywhere(pai, tmp_path: Path) -> None:
    taken = tmp_path / "taken"
    taken.write_text("mine")
    prepare(pai)
    _plan(pai, tmp_path, taken)
    r = run(pai, "--", "true")
    assert r.returncode == 33, r.stderr
    assert "Failed setting up runtime addons: tools:" in r.stderr
    assert "Failed setting up runtime addons: tools:" in rlog(pai)
    assert "Failed setting up runtime addons" in termination(pai)
    assert taken.read_text() == "mine"


def test_sigterm_during_precommands_stops_before_the_user_command(pai, tmp_path: Path) -> None:
    marker = tmp_path / "user-ran"
    prepare(pai, pre="echo pre-started\nsleep 60\n", user=f"touch {marker}\n")
    rt = pid1_ns.start([], pai.env)
    try:
        pid1_ns.wait_for(lambda: "pre-started" in (rlog(pai) if (pai.log_dir / "runtime.log").exists() else ""),
                         30)
        rt.signal(signal.SIGTERM)
        code = rt.wait(timeout=30)
    finally:
        rt.kill()
    assert code == 143, rlog(pai)
    assert not marker.exists()


def test_nothing_heavy_is_imported_before_the_user_command(pai, tmp_path: Path) -> None:
    """The path from start to the user's first instruction stays stdlib-only."""
    spy_out = tmp_path / "spy"
    link = tmp_path / "mnt" / "tool"
    prepare(pai, env={"A": "1"}, settings={"running": 3600, "killGrace": 5, "logs": {"maxSize": "64Mi"}},
            pre="true\n", user="true\n", post="true\n")
    _plan(pai, tmp_path, link)
    prog = textwrap.dedent("""
        import os, sys
        from pai_runtime.supervisor import pid1
        HEAVY = ("yaml", "click", "structlog", "requests", "re2", "jsonschema", "asyncio", "tenacity", "psutil",
                 "urllib3", "logging", "subprocess")
        real = pid1.spawn
        def spy(argv, env, fds):
            loaded = sorted(m for m in HEAVY if m in sys.modules)
            with open(os.environ["SPY_OUT"], "a") as f:
                f.write(os.path.basename(argv[-1]) + "|" + ",".join(loaded) + "\\n")
            return real(argv, env, fds)
        pid1.spawn = spy
        from pai_runtime.cli import main
        sys.argv = ["pai-runtime", "run"]
        main()
    """)
    r = subprocess.run([PY, "-c", prog], env={**pai.env, "SPY_OUT": str(spy_out)}, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0, r.stderr
    spawned = dict(line.split("|") for line in spy_out.read_text().splitlines())
    assert set(spawned) == {"precommands.sh", "user.sh", "postcommands.sh"}
    assert spawned["precommands.sh"] == ""
    assert spawned["user.sh"] == "", f"imported before the user command: {spawned['user.sh']}"


def _run_modules(pai, *argv: str) -> set[str]:
    """The modules ``run ARGV`` imports, from the interpreter's own ``-X importtime`` report."""
    r = subprocess.run([PY, "-X", "importtime", str(pid1_ns.BIN), "run", *argv], env=pai.env, capture_output=True,
                       text=True, timeout=60)
    return {line.rsplit("|", 1)[1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}


def test_a_successful_run_loads_no_classifier_and_a_failed_one_does(pai) -> None:
    """Issue 19: a job that succeeds writes its short termination message from the exit
    spec package itself; the classifier, the message renderer, the spec loader and init's
    spec installer stay unloaded (each module is ~0.1 ms of every job start). A failed run
    still classifies (the same check, the other way round)."""
    ok = _run_modules(pai, "--", "true")
    assert termination(pai) == "exitCode: 0\nphrase: Succeeded\n"
    assert "pai_runtime.supervisor.job" in ok  # it is the report of a run
    assert sorted(m for m in ok if m.startswith("pai_runtime.exitspec")) == [
        "pai_runtime.exitspec"]  # the attempt record and the success message, one module
    # no runtime.d/redact.json: no secret can be registered, so the masking module stays unloaded
    # (test_foundation_pipeline's secrets test holds the other side: masked with a redact.json)
    assert "pai_runtime.redact" not in ok
    failed = _run_modules(pai, "--", "sh", "-c", "exit 3")
    for module in ("pai_runtime.exitspec.jobexit", "pai_runtime.exitspec.classify", "pai_runtime.exitspec.message"):
        assert module in failed, module
    assert "pai_runtime.exitspec.install" not in failed  # init's half of the exit spec
    assert "originUserExitCode: 3" in termination(pai)


def test_run_s_own_modules_import_no_future_module(pai) -> None:
    """Issue 19: ``from __future__ import annotations`` is an import of ``__future__`` on
    PID 1's path; run's own modules keep their annotations as strings instead. Checked on
    what ``run -- true`` really loads, so a module added to the path is checked too (the
    shared modules below the supervisor, pai_runtime's root, are their owners' to add)."""
    import ast
    import importlib.util

    mods = sorted(m for m in _run_modules(pai, "--", "true")
                  if m.startswith(("pai_runtime.supervisor", "pai_runtime.exitspec")))
    assert "pai_runtime.supervisor.pid1" in mods and "pai_runtime.exitspec" in mods, mods
    for name in mods:
        origin = importlib.util.find_spec(name).origin
        with open(origin, encoding="utf-8") as f:
            tree = ast.parse(f.read())
        future = [n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module == "__future__"]
        assert not future, f"{name} imports __future__ (line {future[0].lineno})"


def test_the_success_message_replaces_a_longer_older_one_exactly(pai) -> None:
    """The message is written over the old file in place (no truncation to zero first);
    what an older, longer message left beyond it is cut, in both copies."""
    old = "[PAI_RUNTIME_ERROR_START]\nexitCode: 226\n" + "x" * 500 + "\n[PAI_RUNTIME_ERROR_END]\n"
    Path(pai.env["PAI_TERMINATION_LOG"]).write_text(old)
    pai.log_dir.mkdir(parents=True, exist_ok=True)
    (pai.log_dir / "termination-log").write_text(old)
    assert run(pai, "--", "true").returncode == 0
    assert termination(pai) == "exitCode: 0\nphrase: Succeeded\n"
    assert (pai.log_dir / "termination-log").read_text() == "exitCode: 0\nphrase: Succeeded\n"


def test_the_success_message_cannot_be_written_is_a_note_and_still_0(pai, tmp_path: Path) -> None:
    """The success path's own writer keeps the contract of the classifying one: a
    termination path it cannot write is a runtime.log line, never another exit code."""
    r = run(pai, "--", "true", env={"PAI_TERMINATION_LOG": str(tmp_path / "no" / "such" / "dir" / "t")})
    assert r.returncode == 0, r.stderr
    assert "exit-spec: cannot write the termination message to " + str(tmp_path / "no") in rlog(pai)
    assert (pai.log_dir / "termination-log").read_text() == "exitCode: 0\nphrase: Succeeded\n"


def test_start_up_to_the_user_command_is_fast(pai, tmp_path: Path) -> None:
    """Generous bound; the bench measures it against tini."""
    stamp = tmp_path / "t"
    t0 = time.time()
    r = run(pai, "--", PY, "-c", f"import time; open({str(stamp)!r}, 'w').write(repr(time.time()))")
    assert r.returncode == 0
    assert float(stamp.read_text()) - t0 < 2.0


def test_runtime_log_masks_registered_secrets_only_where_told(pai) -> None:
    """runtime.log passes every line through redact.scrub (secrets registered in-process)."""
    from pai_runtime import redact
    from pai_runtime.supervisor.logs import RuntimeLog

    path = pai.root / "rt.log"
    redact.register("hunter2-secret")
    try:
        log = RuntimeLog(path)
        log.line("precommands", "password is hunter2-secret")
        log.close()
    finally:
        redact.clear()
    text = path.read_text()
    assert "hunter2-secret" not in text and "password is ***" in text


def test_env_file_cannot_be_read_is_247(pai) -> None:
    rd = prepare(pai)
    (rd / "env").write_text("NOT A LINE\n")
    r = run(pai, "--", "true")
    assert r.returncode == 247 and "runtime env" in r.stderr and "Traceback" not in r.stderr


def test_os_environ_is_passed_and_paths_exported(pai) -> None:
    r = run(pai, "--", "sh", "-c", 'echo "$MY_VAR|$PAI_LOG_DIR"', env={"MY_VAR": "abc"})
    assert r.returncode == 0
    assert (pai.log_dir / "user-stdout" / "current").read_text() == f"abc|{pai.log_dir}\n"
    assert os.environ.get("MY_VAR") is None


def test_services_started_by_precommands_keep_running_for_the_user_command(pai, tmp_path: Path) -> None:
    """Like the ssh plugin starting sshd: the pre-commands' background process is a
    service for the job, not a leftover; it is stopped with the job at the end."""
    pidfile = tmp_path / "svc.pid"
    pre = (f"(trap 'echo service stopping; exit 0' TERM; echo service up; while :; do sleep 0.1; done) &\n"
           f"echo $! > {pidfile}\necho pre done\n")
    user = f'kill -0 "$(cat {pidfile})" && echo service-alive-for-user\n'
    prepare(pai, pre=pre, user=user, settings={"killGrace": 5})
    t0 = time.monotonic()
    r = run(pai)
    elapsed = time.monotonic() - t0
    assert r.returncode == 0, rlog(pai)
    assert (pai.log_dir / "user-stdout" / "current").read_text() == "service-alive-for-user\n"
    log = rlog(pai)
    assert "[precommands] pre done" in log and "[precommands] service up" in log
    assert "[precommands] service stopping" in log  # got TERM at the end, output still read
    assert not Path(f"/proc/{pidfile.read_text().strip()}").exists()
    assert elapsed < 5


def test_services_are_stopped_when_precommands_fail(pai, tmp_path: Path) -> None:
    pidfile = tmp_path / "svc.pid"
    ready = tmp_path / "svc.ready"  # the trap is set: the TERM cannot come too early
    pre = (f"(trap 'echo service stopping; exit 0' TERM; : > {ready}; while :; do sleep 0.1; done) &\n"
           f"echo $! > {pidfile}\nwhile [ ! -e {ready} ]; do sleep 0.01; done\nexit 5\n")
    prepare(pai, pre=pre, user="true\n", settings={"killGrace": 5})
    r = run(pai)
    assert "originUserExitCode: 5" in termination(pai), r.stderr
    log = rlog(pai)
    assert "the job is over; sending SIGTERM to the remaining processes" in log
    assert "[precommands] service stopping" in log
    assert not Path(f"/proc/{pidfile.read_text().strip()}").exists()


def test_a_services_last_words_are_read_before_its_pipe_is_closed(tmp_path: Path) -> None:
    """A service stopped at the end may exit before the selector read what it wrote on its
    way out; closing its sink must still read it into runtime.log."""
    from pai_runtime.supervisor.logs import LineSink, RuntimeLog

    log = RuntimeLog(tmp_path / "runtime.log")
    sink = LineSink(log, "precommands")
    (w,) = sink.write_ends()
    os.write(w, b"service stopping\nno newline at the end")
    os.close(w)
    sink.close()
    log.close()
    text = (tmp_path / "runtime.log").read_text()
    assert "[precommands] service stopping\n" in text
    assert text.endswith("[precommands] no newline at the end\n")


@pytest.mark.parametrize("text, says", [
    ('{"logs": {"maxSize": ' + "9" * 70 + "}}", "a number with 70 digits is too long (at most 64)"),
    ("[" * 70 + "]" * 70, "nested deeper than 64 levels"),
    ('{"a": 1} trailing', "invalid JSON: Extra data"),
])
def test_settings_json_past_the_loader_s_caps_is_its_one_line(pai, text: str, says: str) -> None:
    """``run`` reads init's settings.json without importing the bounded loader; a document
    the loader refuses is still refused with the loader's own line (247)."""
    rd = prepare(pai)
    (rd / "settings.json").write_text(text)
    r = run(pai, "--", "true")
    assert r.returncode == 247, r.stderr[-2000:]
    assert says in r.stderr and "settings.json" in r.stderr and "(re-run init)" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


def test_runtime_env_that_is_a_fifo_is_refused_at_once(pai) -> None:
    """A FIFO without a writer in place of runtime.d/env: the loader's one line, no hang."""
    rd = prepare(pai)
    os.mkfifo(rd / "env")
    r = run(pai, "--", "true")
    assert r.returncode == 247, r.stderr[-2000:]
    assert "the runtime env is a FIFO, expected a regular file" in r.stderr and "Traceback" not in r.stderr

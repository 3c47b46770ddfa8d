"""Issue 18, the init side: nothing an init.d script or a stuck built-in does keeps init
from ending, with its documented code, in a bounded time.

Real processes through the real CLI; where signals matter init runs as PID 1 of a new
PID namespace (``unshare --pid --fork --mount-proc``), as in an init container: there
orphans are re-parented to init itself and a signal without a handler is dropped.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import BIN
from tests.rigs.pid1_ns import UNSHARE, children, gone, mode, wait_for

pytestmark = pytest.mark.timeout(120)
DATA = Path(__file__).resolve().parent / "data" / "framework"
RENDER = "- name: render\n  builtin: render\n"


def _script(pai, name: str, body: str) -> Path:
    d = pai.work / "init.d"
    d.mkdir(exist_ok=True)
    p = d / name
    p.write_text("#!/bin/sh\n" + body)
    p.chmod(0o755)
    return p


def _events(pai) -> list[dict]:
    return [json.loads(line) for line in (pai.log_dir / "init.log").read_text().splitlines()]


class _Pid1Init:
    """``pai-runtime init`` as PID 1 of a fresh PID namespace; ``pid`` is its host pid."""

    def __init__(self, pai, env: dict[str, str]) -> None:
        assert mode()[0] == "pid1", mode()[1]
        self.popen = subprocess.Popen([*UNSHARE, str(BIN), "init"], env={**pai.env, **env},
                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.pid = int(wait_for(lambda: (children(self.popen.pid) or [0])[0], 20))  # type: ignore[arg-type]

    def signal_and_wait(self, sig: int, timeout: float) -> tuple[int, str, float]:
        start = time.monotonic()
        os.kill(self.pid, sig)
        _, err = self.popen.communicate(timeout=timeout)
        return self.popen.returncode, err, time.monotonic() - start

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.kill()
            self.popen.communicate()


# -- init.d scripts -------------------------------------------------------------------------
def test_a_script_whose_daemon_keeps_its_stdout_does_not_hold_init(pai, tmp_path):
    pidfile = tmp_path / "daemon.pid"
    _script(pai, "10-daemon", f"(sh -c 'echo $$ > {pidfile}; exec sleep 1000' &)\necho daemon started\n")
    start = time.monotonic()
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n" + RENDER}, timeout=60)
    took = time.monotonic() - start
    assert r.returncode == 0, r.stderr[-2000:]
    assert took < 15, f"init waited {took:.1f}s for the daemon's pipe"
    assert wait_for(lambda: gone(int(pidfile.read_text())), 5), "the script's group is stopped once it exits"
    warned = [e for e in _events(pai) if "left processes" in e["event"]]
    assert warned and warned[0]["plugin"] == "10-daemon" and warned[0]["level"] == "warning"


def test_a_script_that_never_ends_is_stopped_at_the_init_script_timeout(pai, tmp_path):
    pidfile = tmp_path / "script.pid"
    _script(pai, "20-forever", f"trap '' TERM\necho $$ > {pidfile}\nwhile :; do sleep 0.1; done\n")
    spec = "initPlugins:\n" + RENDER + "initScriptTimeout: 1s\n"
    start = time.monotonic()
    r = pai.run("init", env={"INIT_CONFIG": spec}, timeout=60)
    took = time.monotonic() - start
    assert r.returncode == 248, r.stderr[-2000:]
    assert "init plugin 20-forever: timed out after 1s" in r.stderr
    assert "raise initScriptTimeout in the init plugin spec (default 10m; -1 = none)" in r.stderr
    assert "Traceback" not in r.stderr
    assert took < 15
    assert wait_for(lambda: gone(int(pidfile.read_text())), 5), "TERM ignored: KILL after the grace"
    assert not pai.runtime_dir.exists()


def test_init_d_scripts_have_a_ten_minute_default_timeout(pai):
    _script(pai, "30-quick", "echo quick\n")
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n" + RENDER})
    assert r.returncode == 0, r.stderr[-2000:]
    started = {e["plugin"]: e["timeout"] for e in _events(pai) if e["event"] == "plugin starting"}
    assert started == {"render": "none", "30-quick": 600.0}


@pytest.mark.parametrize(("value", "message"), [
    ("0", "invalid initScriptTimeout: 0 would stop every init.d script at once"),
    ("soon", "invalid initScriptTimeout: 'soon' is not a duration"),
    ("400d", "invalid initScriptTimeout: '400d' is longer than"), ("1e300", "is longer than"),
    # issue 18 review: these meant "no limit" silently; only -1 does
    ("'1e400'", "'1e400' is not a finite duration"), ("inf", "'inf' is not a finite duration"),
    (".inf", "inf is not a finite duration"), ("''", "an empty string is not a duration"),
])
def test_a_bad_init_script_timeout_is_one_line_and_247(pai, value, message):
    _script(pai, "40-any", "true\n")
    r = pai.run("init", env={"INIT_CONFIG": f"initPlugins:\n{RENDER}initScriptTimeout: {value}\n"})
    assert r.returncode == 247, r.stderr[-2000:]
    assert message in r.stderr and "initScriptTimeout" in r.stderr
    assert "Traceback" not in r.stderr


def test_a_script_flooding_its_output_is_capped_in_init_log(pai):
    """``exec cat /dev/zero`` with initScriptTimeout 5s wrote a 497 MB init.log in 5 s,
    into the log volume the job shares: init.log keeps the first 8 MiB of a plugin's
    output and says once how many bytes it dropped."""
    _script(pai, "60-flood", "exec cat /dev/zero\n")
    r = pai.run("init", env={"INIT_CONFIG": f"initPlugins:\n{RENDER}initScriptTimeout: 3s\n",
                             "PAI_LOG_FORMAT": "text"}, timeout=60)
    assert r.returncode != 0 and "timed out after 3s" in r.stderr, r.stderr[-2000:]
    size = (pai.log_dir / "init.log").stat().st_size
    assert size < 40 << 20, size  # 8 MiB of NUL bytes, escaped in the log lines
    dropped = [line for line in r.stderr.splitlines() if "bytes of the plugin's output were not logged" in line]
    assert len(dropped) == 1, r.stderr[-2000:]
    assert int(dropped[0].split("bytes of the plugin")[0].split()[-1]) > 8 << 20, dropped
    assert "Traceback" not in r.stderr


def test_an_env_file_a_script_writes_is_read_within_the_bound(pai):
    """What a plugin writes for the job's env is an input too: a 5 MiB one (or a FIFO,
    which would block the read) is one line naming the file, not an unbounded read."""
    _script(pai, "50-big-env", 'head -c 5000000 /dev/zero | tr "\\0" a | sed "s/^/A=/" > "$PAI_PLUGIN_ENV"\n')
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n" + RENDER}, timeout=60)
    assert r.returncode == 247, r.stderr[-2000:]
    assert "the env file it wrote" in r.stderr and "more than 4 MiB" in r.stderr, r.stderr[-2000:]
    assert "Traceback" not in r.stderr


# -- signals --------------------------------------------------------------------------------
def _never_ready_framework(tmp_path: Path) -> Path:
    fw = json.loads((DATA / "openpai_taskrole1.json").read_text())
    fw["status"]["attemptStatus"]["taskRoleStatuses"][0]["taskStatuses"][0]["attemptStatus"]["podIP"] = None
    path = tmp_path / "framework.json"
    path.write_text(json.dumps(fw))
    return path


def test_sigterm_to_init_waiting_in_a_builtin_ends_143_at_once(pai, tmp_path):
    path = _never_ready_framework(tmp_path)
    spec = ("initPlugins:\n- name: gang\n  builtin: barrier\n"
            f"  parameters: {{file: {json.dumps(str(path))}, timeout: 10m}}\n")
    init = _Pid1Init(pai, {"INIT_CONFIG": spec, "PAI_LOG_FORMAT": "text"})
    try:
        wait_for(lambda: (pai.log_dir / "init.log").exists()
                 and "1/2 tasks ready" in (pai.log_dir / "init.log").read_text(), 30)
        code, err, took = init.signal_and_wait(signal.SIGTERM, 30)
    finally:
        init.kill()
    assert code == 143, err[-2000:]
    assert took < 5, f"{took:.1f}s from SIGTERM to the end"
    assert "Traceback" not in err
    assert "gang" in err.split("init summary:")[-1] and "by signal 15" in err
    assert not pai.runtime_dir.exists()


def test_sigterm_ends_143_within_the_grace_when_init_itself_is_stuck(pai, tmp_path):
    """init.log is a FIFO that nobody reads (a log volume whose writes hang): the chatty
    plugin's output blocks init's main thread in a write, where no Python handler can act.
    The watchdog ends init with 143 after PAI_INIT_STOP_GRACE."""
    pai.log_dir.mkdir(parents=True)
    fifo = pai.log_dir / "init.log"
    os.mkfifo(fifo)
    hold = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)  # a reader that never reads
    pidfile = tmp_path / "chatty.pid"
    chatty = f"echo $$ > {pidfile}; while :; do echo a line of output that fills the log pipe; done"
    spec = f"initPlugins:\n- name: chatty\n  command: [sh, -c, {json.dumps(chatty)}]\n"
    init = _Pid1Init(pai, {"INIT_CONFIG": spec, "PAI_INIT_STOP_GRACE": "2s"})
    try:
        wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), 20)
        time.sleep(1.0)  # the pipe (64 KiB) is full long before this
        code, err, took = init.signal_and_wait(signal.SIGTERM, 30)
    finally:
        init.kill()
        os.close(hold)
    assert code == 143, err[-2000:]
    assert 2 <= took < 8, f"{took:.1f}s from SIGTERM to the end"
    assert "pai-runtime init: still stopping 2s after signal 15; exiting 143 now" in err


def test_sigterm_as_the_first_script_starts_ends_143_without_a_traceback(pai):
    """A SIGTERM right at "plugin starting" could land while init imported its child
    runner: the handler met a partial module, and init ended 248 with a traceback."""
    _script(pai, "20-slow", "exec sleep 30\n")
    init = _Pid1Init(pai, {"INIT_CONFIG": "initPlugins:\n" + RENDER, "PAI_LOG_FORMAT": "text"})
    try:
        wait_for(lambda: (pai.log_dir / "init.log").exists()
                 and "20-slow" in (pai.log_dir / "init.log").read_text(), 30)
        code, err, took = init.signal_and_wait(signal.SIGTERM, 30)
    finally:
        init.kill()
    assert code == 143, err[-2000:]
    assert "Traceback" not in err and "partially initialized" not in err, err[-2000:]


@pytest.mark.parametrize("grace", ["1e300", "1e400", "999999d"])
def test_an_absurd_stop_grace_is_ignored_with_a_warning_and_sigterm_still_ends_143(pai, grace):
    """PAI_INIT_STOP_GRACE=1e300 killed the watchdog thread (select: "timestamp out of
    range for platform time_t"): now the default grace holds, with the same warning other
    bad values get."""
    pidfile = pai.root / "slow.pid"
    _script(pai, "20-slow", f"echo $$ > {pidfile}; exec sleep 30\n")
    init = _Pid1Init(pai, {"INIT_CONFIG": "initPlugins:\n" + RENDER, "PAI_INIT_STOP_GRACE": grace,
                           "PAI_LOG_FORMAT": "text"})
    try:
        wait_for(lambda: pidfile.exists() and pidfile.read_text().strip(), 30)
        code, err, took = init.signal_and_wait(signal.SIGTERM, 30)
    finally:
        init.kill()
    assert code == 143, err[-2000:]
    assert took < 8, f"{took:.1f}s"
    assert "PAI_INIT_STOP_GRACE ignored" in err, err[-2000:]
    assert "Traceback" not in err and "OverflowError" not in err, err[-2000:]


# -- built-ins ------------------------------------------------------------------------------
def _pipeline(pai, spec: str):
    """Init's pipeline on ``spec`` (INIT_CONFIG) as run_init builds it, JSON log lines; (pipeline, context)."""
    from pai_runtime import log as logmod
    from pai_runtime.config import secrets, sources
    from pai_runtime.init import pipeline
    from pai_runtime.layout import Layout

    env = dict(pai.env, INIT_CONFIG=spec)
    layout = Layout.from_env(env)
    logmod.configure("test", fmt="json")
    ctx = pipeline.InitContext(layout=layout, environ=env, runtime_config=sources.load_runtime_config(layout, env),
                               secrets=secrets.Secrets({}), staging=pipeline.new_staging(layout), log=logmod.get())
    pipe = pipeline.Pipeline(sources.load_init_spec(layout, env), ctx)
    return pipe, ctx


def test_the_plugins_after_an_ignored_builtin_timeout_still_run(pai, monkeypatch):
    """A built-in abandoned at its timeout with failurePolicy: ignore: the rest of the
    spec runs (it once stopped silently and init still said ok)."""
    from pai_runtime.initplugins import BUILTINS

    monkeypatch.setitem(BUILTINS, "sample", "tests.sample_builtins")
    spec = ("initPlugins:\n- name: stuck\n  builtin: sample\n  timeout: 0.5s\n  failurePolicy: ignore\n"
            "  parameters: {mode: slow, seconds: 30}\n"
            "- name: after\n  builtin: sample\n"
            "- name: command\n  command: [sh, -c, 'echo still running']\n")
    pipe, ctx = _pipeline(pai, spec)
    start = time.monotonic()
    assert pipe.run() == 0
    assert time.monotonic() - start < 10
    assert [(o.name, o.verdict) for o in pipe.outcomes] == [("stuck", "ignored"), ("after", "passed"),
                                                            ("command", "passed")]
    assert ctx.runtime_env["SAMPLE"] == "1"


@pytest.mark.parametrize("timeout", ["", "  timeout: 1m\n"])
def test_sigterm_stops_a_builtin_that_swallows_what_it_raises(pai, monkeypatch, timeout):
    """A built-in without a timeout runs in init's main thread (no worker thread to start
    and join, issue 19), so the signal handler raises inside the built-in's own code; one
    that catches Exception and carries on still ends its step as stopped by the signal,
    at once, as in the worker thread a timeout needs."""
    from pai_runtime.errors import Terminated
    from pai_runtime.init import pipeline
    from pai_runtime.initplugins import BUILTINS

    monkeypatch.setitem(BUILTINS, "sample", "tests.sample_builtins")
    spec = (f"initPlugins:\n- name: eater\n  builtin: sample\n{timeout}  parameters: {{mode: swallow, seconds: 3}}\n"
            "- name: after\n  builtin: sample\n")
    pipe, ctx = _pipeline(pai, spec)

    def on_signal(signum: int) -> None:  # what run_init installs
        if not pipe.terminate(signum):
            raise Terminated(signum)

    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)}
    pipeline.on_signals(on_signal)
    start = time.monotonic()
    try:
        with pytest.raises(Terminated) as got:
            pipe.run()
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)
    assert got.value.signum == signal.SIGTERM
    assert time.monotonic() - start < 2.5  # not after the built-in's 3 s
    assert [(o.name, o.verdict, o.code) for o in pipe.outcomes] == [("eater", "stopped", 143)]
    assert "SAMPLE" not in ctx.runtime_env

"""``pai-runtime run`` as a real PID 1 (unshare PID namespace; subreaper fallback).

Each test prints the mode it ran in; see tests/rigs/pid1_ns.py.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.rigs import pid1_ns
from tests.rigs.pid1_ns import RIGS, start, wait_for

WORKLOADS = str(RIGS / "pid1_workloads.py")
PY = sys.executable
pytestmark = pytest.mark.timeout(90)


@pytest.fixture(autouse=True)
def _say_mode() -> None:
    how, why = pid1_ns.mode()
    print(f"[pid1 rig] mode={how}: {why}")


def runtime_log(pai) -> str:
    return (pai.log_dir / "runtime.log").read_text()


def termination(pai) -> str:
    return Path(pai.env["PAI_TERMINATION_LOG"]).read_text()


def origin_code(pai) -> int:
    for line in termination(pai).splitlines():
        if line.startswith("originUserExitCode:"):
            return int(line.split(":")[1])
    raise AssertionError(f"no originUserExitCode in the termination message:\n{termination(pai)}")


def classify(pai, code: int) -> int:
    """What the exit classification makes of ``code`` with our logs (the CLI's classify)."""
    r = subprocess.run([str(pid1_ns.BIN), "classify", "--exit-code", str(code),
                        "--user-log", str(pai.log_dir / "user-all" / "current"),
                        "--platform-log", str(pai.log_dir / "runtime.log")],
                       env=pai.env, capture_output=True, text=True, timeout=60)
    return r.returncode


def test_sigterm_from_outside_exits_143_promptly(pai) -> None:
    rt = start(["--", "sleep", "1000"], pai.env)
    try:
        rt.user_started()
        t0 = time.monotonic()
        rt.signal(signal.SIGTERM)
        code = rt.wait(timeout=30)
        elapsed = time.monotonic() - t0
    finally:
        rt.kill()
    assert code == 143, f"mode={rt.mode}\n{runtime_log(pai)}"
    log = runtime_log(pai)
    assert "user command killed by SIGTERM (code 143)" in log
    # `sleep` dies at once; the supervisor's share (forward, reap, drain) is what the two
    # log stamps bracket; the exit classification comes after it.
    got = _stamp(log, "received SIGTERM")
    done = _stamp(log, "user command killed by SIGTERM")
    assert done - got < 0.1, f"{(done - got) * 1000:.0f} ms from SIGTERM to the command's end being handled"
    assert elapsed < 3.0, f"SIGTERM to exit took {elapsed:.2f}s (mode={rt.mode})"


def _stamp(log: str, needle: str) -> float:
    import datetime

    line = next(ln for ln in log.splitlines() if needle in ln)
    return datetime.datetime.strptime(line.split()[0], "%Y-%m-%dT%H:%M:%S.%fZ").timestamp()


def test_sigint_reaches_the_foreground_job_of_a_shell(pai) -> None:
    # bash waits for `sleep`; only a signal to the whole group interrupts it at once.
    rt = start(["--", "bash", "-c", "sleep 30; :"], pai.env)
    try:
        wait_for(lambda: len(pid1_ns.descendants(rt.pid)) >= 2, 20)  # bash and sleep
        t0 = time.monotonic()
        rt.signal(signal.SIGINT)
        code = rt.wait(timeout=30)
        elapsed = time.monotonic() - t0
    finally:
        rt.kill()
    assert code == 130, f"mode={rt.mode}\n{runtime_log(pai)}"
    assert elapsed < 5.0, f"SIGINT took {elapsed:.2f}s: it did not reach sleep (mode={rt.mode})"


def test_exit_code_sweep_0_to_255_and_signals() -> None:
    how = pid1_ns.mode()[0]
    cmd = [PY, str(RIGS / "pid1_sweep.py")]
    if how == "pid1":
        cmd = [*pid1_ns.UNSHARE, *cmd]
    env = {**os.environ, "PYTHONPATH": str(RIGS.parent.parent)}
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120, env=env, check=True).stdout
    data = json.loads(out)
    assert data["mode"] == how
    assert {int(k): v for k, v in data["exit"].items()} == {n: n for n in range(256)}
    assert {int(k): v for k, v in data["signal"].items()} == {s: 128 + s for s in map(int, data["signal"])}
    assert len(data["signal"]) >= 9


@pytest.mark.parametrize("code", [0, 1, 42, 255])
def test_exit_codes_through_the_cli(pai, code: int) -> None:
    rc, _, _, _ = pid1_ns.run(["--", "sh", "-c", f"exit {code}"], pai.env)
    assert f"user command exited with code {code}" in runtime_log(pai)
    if code == 0:
        assert rc == 0
    else:
        assert origin_code(pai) == code
        assert rc == classify(pai, code)


def test_child_killing_itself_with_sigkill_gives_137(pai) -> None:
    rc, _, _, _ = pid1_ns.run(["--", PY, "-c", "import os; os.kill(os.getpid(), 9)"], pai.env)
    assert rc == 137, runtime_log(pai)
    assert "killed by SIGKILL (code 137)" in runtime_log(pai)


def test_missing_binary_is_127_with_one_line(pai) -> None:
    rc, _, err, _ = pid1_ns.run(["--", "no-such-binary-xyz", "arg"], pai.env)
    text = err.decode()
    # one line says it; the summary block at the end quotes it as the matched line
    lines = [ln for ln in text.splitlines() if "no-such-binary-xyz" in ln and not ln.startswith("  matched line:")]
    assert len(lines) == 1 and "command not found" in lines[0], text
    assert "Traceback" not in text
    assert origin_code(pai) == 127
    assert rc == classify(pai, 127)
    # The line sits where a shell would have put it, for the user-log patterns.
    assert b"no-such-binary-xyz: command not found" in (pai.log_dir / "user-stderr" / "current").read_bytes()


def test_non_executable_is_126_with_one_line(pai, tmp_path: Path) -> None:
    script = tmp_path / "train.sh"
    script.write_text("#!/bin/sh\necho hi\n")
    script.chmod(0o644)
    rc, _, err, _ = pid1_ns.run(["--", str(script)], pai.env)
    text = err.decode()
    lines = [ln for ln in text.splitlines() if "train.sh" in ln and "error" in ln]
    assert len(lines) == 1 and "not executable" in lines[0], text
    assert "Traceback" not in text
    assert origin_code(pai) == 126
    assert rc == classify(pai, 126)


def test_non_executable_found_on_path_is_126(pai, tmp_path: Path) -> None:
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "mytool").write_text("#!/bin/sh\n")
    env = {**pai.env, "PATH": f"{bindir}:{pai.env['PATH']}"}
    pid1_ns.run(["--", "mytool"], env)
    assert origin_code(pai) == 126


def test_no_zombies_after_many_orphans(pai) -> None:
    rc, _, _, _ = pid1_ns.run(["--", PY, WORKLOADS, "orphans", "25"], pai.env)
    out = (pai.log_dir / "user-stdout" / "current").read_text()
    assert rc == 0, runtime_log(pai)
    assert "zombies=0" in out, out
    reaped = int(runtime_log(pai).split("processes reaped: ")[1].split(";")[0])
    assert reaped >= 25


def test_grace_for_term_handler_and_kill_for_term_ignorer(pai, tmp_path: Path) -> None:
    h, i = tmp_path / "handler", tmp_path / "ignorer"
    script = (f"{PY} {WORKLOADS} worker handle {h} & {PY} {WORKLOADS} worker ignore {i} & "
              f"while [ ! -e {h}.ready ] || [ ! -e {i}.ready ]; do sleep 0.05; done; exit 0")
    env = {**pai.env, "PAI_KILL_GRACE": "2"}
    rc, _, _, elapsed = pid1_ns.run(["--", "sh", "-c", script], env)
    log = runtime_log(pai)
    assert rc == 0, log
    assert h.read_text() == "graceful\n", "the TERM-handling worker did not get its grace"
    # Only the TERM-ignoring worker was left when the grace ran out.
    assert "1 process(es) still running after the grace; sending SIGKILL" in log
    assert 2.0 <= elapsed < 15, f"{elapsed:.2f}s"


def test_term_handler_ends_the_wait_before_the_grace(pai, tmp_path: Path) -> None:
    h = tmp_path / "handler"
    script = f"{PY} {WORKLOADS} worker handle {h} & while [ ! -e {h}.ready ]; do sleep 0.05; done; exit 0"
    env = {**pai.env, "PAI_KILL_GRACE": "30"}
    rc, _, _, elapsed = pid1_ns.run(["--", "sh", "-c", script], env)
    assert rc == 0
    assert h.read_text() == "graceful\n"
    assert "still running after the grace" not in runtime_log(pai)
    assert elapsed < 20, f"waited {elapsed:.2f}s although the worker finished in 0.5s"


def test_sigterm_gives_the_command_its_grace_then_kill(pai) -> None:
    env = {**pai.env, "PAI_KILL_GRACE": "1.5"}
    rt = start(["--", PY, "-c", "import signal, time; signal.signal(15, signal.SIG_IGN); "
                                "print('ready', flush=True); time.sleep(600)"], env)
    try:
        wait_for(lambda: b"ready" in _read(pai.log_dir / "user-stdout" / "current"), 30)
        t0 = time.monotonic()
        rt.signal(signal.SIGTERM)
        code = rt.wait(timeout=30)
        elapsed = time.monotonic() - t0
    finally:
        rt.kill()
    assert code == 137, runtime_log(pai)
    assert 1.5 <= elapsed < 10, f"{elapsed:.2f}s"


def test_running_threshold_triggers_236(pai) -> None:
    pai.runtime_dir.mkdir(parents=True, exist_ok=True)
    (pai.runtime_dir / "settings.json").write_text(json.dumps({"running": 1, "killGrace": 1}))
    rc, _, _, elapsed = pid1_ns.run(["--", "sleep", "60"], pai.env)
    assert rc == 236, runtime_log(pai)
    assert "running threshold of 1s exceeded" in termination(pai)
    assert "running threshold of 1s exceeded" in runtime_log(pai)
    assert elapsed < 20


def _parse_mask(text: str) -> dict[str, int]:
    return {line.split(":")[0]: int(line.split(":")[1], 16) for line in text.splitlines() if line.startswith("Sig")}


def _dirty_signal_state() -> None:
    """What a careless parent leaves behind (the mask and SIG_IGN survive exec)."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGUSR1, signal.SIGTERM, signal.SIGINT})
    for sig in (signal.SIGUSR2, signal.SIGHUP, signal.SIGPIPE, signal.SIGQUIT, signal.SIGALRM, signal.SIGXFSZ):
        signal.signal(sig, signal.SIG_IGN)


def test_signal_mask_and_dispositions_clean_in_the_child(pai) -> None:
    # grep is spawned directly (a shell would reset its own mask and hide the bug).
    rc, _, _, _ = pid1_ns.run(["--", "grep", "-E", "^Sig(Blk|Ign)", "/proc/self/status"], pai.env,
                              preexec=_dirty_signal_state)
    assert rc == 0, runtime_log(pai)
    masks = _parse_mask((pai.log_dir / "user-stdout" / "current").read_text())
    assert masks == {"SigBlk": 0, "SigIgn": 0}


def test_sigterm_works_even_if_our_parent_blocked_it(pai) -> None:
    rt = start(["--", "sleep", "1000"], pai.env, preexec=_dirty_signal_state)
    try:
        rt.user_started()
        rt.signal(signal.SIGTERM)
        assert rt.wait(timeout=30) == 143
    finally:
        rt.kill()


def test_every_forwarded_signal_reaches_the_whole_group(pai) -> None:
    rt = start(["--", PY, WORKLOADS, "sigprinter", "child"], pai.env)
    out = pai.log_dir / "user-stdout" / "current"
    names = ["SIGHUP", "SIGINT", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH", "SIGCONT"]
    try:
        wait_for(lambda: b"main ready" in _read(out) and b"child ready" in _read(out), 30)
        for name in names:
            rt.signal(getattr(signal, name))
            wait_for(lambda n=name: f"main got {n}".encode() in _read(out) and f"child got {n}".encode()
                     in _read(out), 10)
        rt.signal(signal.SIGTERM)
        code = rt.wait(timeout=30)
    finally:
        rt.kill()
    text = out.read_text()
    assert "main got SIGTERM" in text and "child got SIGTERM" in text
    assert code == 0, runtime_log(pai)


def test_not_pid1_becomes_subreaper_and_stops_orphans(pai, tmp_path: Path) -> None:
    pidfile = tmp_path / "orphan.pid"
    env = {**pai.env, "PAI_KILL_GRACE": "5"}
    rc, _, _, elapsed = pid1_ns.run(["--", "sh", "-c", f"sleep 300 & echo $! > {pidfile}; exit 0"], env,
                                    use_mode="subreaper")
    assert rc == 0
    log = runtime_log(pai)
    assert "child subreaper" in log
    assert "the command exited while other processes are still running" in log
    orphan = int(pidfile.read_text())
    assert not Path(f"/proc/{orphan}").exists(), "the orphan outlived the runtime"
    assert elapsed < 10


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError:
        return b""


def test_drain_is_bounded_when_a_stranger_holds_the_pipe(tmp_path: Path) -> None:
    """A write end held by a process outside our tree (here: by the test script itself,
    which keeps a copy) must not keep us draining forever: the grace bounds it."""
    prog = f"""
import os, time
from pathlib import Path
from pai_runtime.supervisor.pid1 import Init
from pai_runtime.supervisor.logs import Capture
said = []
init = Init(grace=1.0, say=said.append)
cap = Capture(Path({str(tmp_path)!r}))
cap.attach(init)
ends = cap.write_ends()
kept = [os.dup(fd) for fd in ends]          # the "stranger"
t0 = time.monotonic()
res = init.run(["sh", "-c", "echo hi"], dict(os.environ), cap.child_fds, sources=[cap], close_after_spawn=ends)
print(res.code, round(time.monotonic() - t0, 1), cap.is_open(), "|".join(said))
"""
    env = {**os.environ, "PYTHONPATH": str(RIGS.parent.parent)}
    out = subprocess.run([PY, "-c", prog], capture_output=True, text=True, timeout=60, env=env).stdout.split(" ", 3)
    assert out[0] == "0"
    assert 1.0 <= float(out[1]) < 10
    assert out[2] == "False"
    assert "still held open after the grace" in out[3]
    assert (tmp_path / "user-stdout" / "current").read_text() == "hi\n"


def test_subreaper_shutdown_never_touches_unrelated_processes(pai, tmp_path: Path) -> None:
    """Outside PID 1 the shutdown must not use kill(-1): a process that is not ours survives."""
    bystander = subprocess.Popen(["sleep", "60"], start_new_session=True)
    try:
        env = {**pai.env, "PAI_KILL_GRACE": "1"}
        rc, _, _, _ = pid1_ns.run(["--", "sh", "-c", "sleep 300 & exit 0"], env, use_mode="subreaper")
        assert rc == 0
        assert "sending SIGTERM" in runtime_log(pai)
        assert bystander.poll() is None, "an unrelated process was signalled"
    finally:
        bystander.kill()
        bystander.wait()


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_while_run_is_still_importing_stops_cleanly(pai, sig: int) -> None:
    """A signal that lands while ``run`` imports its modules (before the supervisor's Init
    exists) is recorded and stops the job: no KeyboardInterrupt traceback, no default death,
    the user command is never started. An import hook delivers it at exactly that moment."""
    prog = f"""
import os, sys
class Deliver:
    def find_spec(self, name, path=None, target=None):
        if name == "pai_runtime.supervisor.job":
            os.kill(os.getpid(), {int(sig)})
        return None
sys.meta_path.insert(0, Deliver())
from pai_runtime import supervisor
sys.exit(supervisor.main(["--", "sleep", "1000"]))
"""
    env = {**pai.env, "PYTHONPATH": str(RIGS.parent.parent)}
    r = subprocess.run([PY, "-c", prog], capture_output=True, text=True, timeout=60, env=env,
                       stdin=subprocess.DEVNULL, start_new_session=True)
    log = runtime_log(pai)
    assert r.returncode == 128 + sig, f"{r.returncode}\n{r.stderr}\n{log}"
    assert "Traceback" not in r.stderr and "KeyboardInterrupt" not in r.stderr, r.stderr
    assert f"received {signal.Signals(sig).name}; stopping" in log
    assert "user command started" not in log


def _ignore_reserved_signals() -> None:
    """What GNU make does to its recipes: signals 32 and 33 ignored (glibc's sigaction
    refuses them, so the raw syscall; x86_64 and aarch64)."""
    import ctypes
    import struct

    number = {"x86_64": 13, "aarch64": 134}[os.uname().machine]
    ignore = ctypes.create_string_buffer(struct.pack("QQQQ", 1, 0, 0, 0))  # SIG_IGN
    libc = ctypes.CDLL(None, use_errno=True)
    for sig in (32, 33):
        assert libc.syscall(number, sig, ignore, None, 8) == 0


def test_reserved_signals_ignored_by_our_parent_are_reset(pai) -> None:
    rc, _, _, _ = pid1_ns.run(["--", "grep", "-E", "^SigIgn", "/proc/self/status"], pai.env,
                              preexec=_ignore_reserved_signals)
    assert rc == 0, runtime_log(pai)
    masks = _parse_mask((pai.log_dir / "user-stdout" / "current").read_text())
    assert masks == {"SigIgn": 0}

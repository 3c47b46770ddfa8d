"""One child runner and one plugin input contract (regroup 5/6), through the real CLI.

* An external init plugin gets the same JSON input file as a runtime plugin, with the task
  roles in it; the first release's ``PAI_PLUGIN_PARAMS`` / ``PAI_PLUGIN_ENV`` keep working.
* The pipeline and the runtime plugins stop a child the same way: the same stubborn
  script (it ignores SIGTERM) gets TERM at its timeout and KILL after the grace under both
  callers, and a background process that keeps the output pipe open holds neither.
* The ssh plugin needs nothing of the runtime but the plugin API.
"""

from __future__ import annotations

import ast
import json
import os
import sys
import time
from pathlib import Path

import pytest

from pai_runtime import childproc, plugin_api
from tests.rigs.pid1_ns import gone

pytestmark = pytest.mark.timeout(120)
REPO = Path(__file__).resolve().parent.parent
JOB = "protocolVersion: 2\ntaskRoles:\n  taskrole_1: {instances: 2}\n  ps: {instances: 1}\n"
RENDER = "- name: render\n  builtin: render\n"

# ignores SIGTERM (its sleeps do not): only the group's SIGKILL ends it
STUBBORN = """#!/bin/sh
trap 'echo got-TERM >> "$T_TRAPLOG"' TERM
echo $$ > "$T_PIDFILE"
while :; do sleep 0.1; done
"""
# leaves a grandchild behind that inherited the output pipe and never closes it
LEAVES_A_DAEMON = """#!/bin/sh
( sh -c 'echo $$ > "$T_PIDFILE"; exec sleep 1000' & )
echo started a daemon
"""


def _waitgone(pid: int, seconds: float = 3.0) -> bool:
    end = time.monotonic() + seconds
    while not gone(pid):
        if time.monotonic() > end:
            return False
        time.sleep(0.05)
    return True


def _script(path: Path, body: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(body)
    path.chmod(0o755)
    return path


def _runtime_plugin(root: Path, name: str, body: str) -> Path:
    """A runtime plugin whose init entry is the sh script ``body``; returns its search dir."""
    d = root / "plugins" / name
    d.mkdir(parents=True)
    (d / "desc.yaml").write_text(f"name: {name}\ndescription: test\ninit: {{exec: ./init.sh}}\n"
                                 "parameters: {type: object}\n")
    _script(d / "init.sh", body)
    return root / "plugins"


def _as_init_plugin(pai, tmp_path: Path, body: str, timeout: str) -> dict[str, str]:
    script = _script(tmp_path / "bin" / "child.sh", body)
    return {"INIT_CONFIG": f"initPlugins:\n- name: child\n  command: {script}\n  timeout: {timeout}\n{RENDER}",
            "RUNTIME_CONFIG": "commands: [echo]\n"}


def _as_runtime_plugin(pai, tmp_path: Path, body: str, timeout: str) -> dict[str, str]:
    path = _runtime_plugin(tmp_path, "child", body)
    return {"INIT_CONFIG": ("initPlugins:\n- name: runtime-plugins\n  builtin: runtimeplugins\n"
                            f"  timeout: {timeout}\n{RENDER}"),
            "RUNTIME_CONFIG": "commands: [echo]\nruntimePlugin: [{plugin: child}]\n",
            "PAI_PLUGIN_PATH": str(path)}


CALLERS = {"init plugin": _as_init_plugin, "runtime plugin": _as_runtime_plugin}


@pytest.mark.parametrize("caller", list(CALLERS))
def test_a_child_ignoring_term_is_killed_after_the_grace(pai, tmp_path, caller):
    pidfile, traplog = tmp_path / "pid", tmp_path / "trap.log"
    env = CALLERS[caller](pai, tmp_path, STUBBORN, "1s")
    start = time.monotonic()
    r = pai.run("init", env={**env, "T_PIDFILE": str(pidfile), "T_TRAPLOG": str(traplog)})
    took = time.monotonic() - start
    assert r.returncode == 248, r.stderr[-2000:]
    assert "timed out after 1s" in r.stderr
    assert traplog.read_text().split() == ["got-TERM"], "TERM first, once, to the whole group"
    assert _waitgone(int(pidfile.read_text())), "KILL after the grace"
    assert took >= 1 + childproc.DEFAULT_GRACE - 0.2, f"killed before the grace ran out ({took:.1f}s)"
    assert "Traceback" not in r.stderr
    assert not pai.runtime_dir.exists()


@pytest.mark.parametrize("caller", list(CALLERS))
def test_a_daemon_holding_the_output_pipe_does_not_hold_init(pai, tmp_path, caller):
    pidfile = tmp_path / "pid"
    env = CALLERS[caller](pai, tmp_path, LEAVES_A_DAEMON, "30s")
    start = time.monotonic()
    r = pai.run("init", env={**env, "T_PIDFILE": str(pidfile)}, timeout=30)
    took = time.monotonic() - start
    assert r.returncode == 0, r.stderr[-2000:]
    assert took < 15, f"init waited for the daemon's pipe ({took:.1f}s)"
    assert _waitgone(int(pidfile.read_text())), "the group is stopped once its leader exits"
    log = (pai.log_dir / "init.log").read_text()
    assert "started a daemon" in log
    assert "left processes" in log and "they were stopped" in log


def test_an_external_init_plugin_reads_the_runtime_plugin_input(pai, tmp_path):
    seen = tmp_path / "seen.json"
    init_d = pai.work / "init.d"
    _script(init_d / "check.py", f"""#!{sys.executable}
import json, os, stat
from pai_runtime import plugin_api
inp = plugin_api.load()
path = os.environ["PAI_PLUGIN_INPUT"]
raw = json.load(open(path))
json.dump({{"raw": raw, "mode": stat.S_IMODE(os.stat(path).st_mode), "role": inp.role("taskrole1"),
           "alias_params": json.load(open(os.environ["PAI_PLUGIN_PARAMS"])),
           "same_env_file": os.environ["PAI_PLUGIN_ENV"] == raw["envOut"] == str(inp.env_out)}},
          open({str(seen)!r}, "w"))
with open(inp.env_out, "a") as f:
    f.write("FROM_INIT_PLUGIN=yes\\n")
""")
    (pai.config / "job_config.yaml").write_text(JOB)
    spec = ("initPlugins:\n- name: check\n  command: ./check.py\n  parameters: {greeting: hi}\n" + RENDER)
    r = pai.run("init", env={"INIT_CONFIG": spec, "RUNTIME_CONFIG": "commands: [echo]\n",
                             "PAI_CURRENT_TASK_ROLE_NAME": "taskrole1", "FC_TASK_INDEX": "1"})
    assert r.returncode == 0, r.stderr[-2000:]
    got = json.loads(seen.read_text())
    raw = got["raw"]
    assert list(raw) == list(plugin_api.INPUT_FIELDS)
    assert raw["kind"] == "init" and raw["name"] == raw["instance"] == "check"
    assert raw["parameters"] == {"greeting": "hi"} and raw["failurePolicy"] == "fail"
    assert raw["taskRoles"] == ["taskrole_1", "ps"]
    assert raw["taskRole"] == "taskrole_1" and raw["taskIndex"] == 1
    assert raw["jobConfig"]["taskRoles"]["ps"] == {"instances": 1}
    assert raw["preCommands"] is None and raw["postCommands"] is None
    assert got["mode"] == 0o600
    assert got["role"] == "taskrole_1"
    assert got["alias_params"] == {"greeting": "hi"}
    assert got["same_env_file"]
    assert "FROM_INIT_PLUGIN=yes" in (pai.runtime_dir / "env").read_text()
    assert not list(pai.work.rglob(".plugin-input-*")), "the input file is removed after the run"


def test_a_runtime_plugin_gets_the_same_fields_with_kind_runtime(pai, tmp_path):
    seen = tmp_path / "seen.json"
    path = _runtime_plugin(tmp_path, "probe", f'#!/bin/sh\ncp "$PAI_PLUGIN_INPUT" {seen}\n')
    (pai.config / "job_config.yaml").write_text(JOB)
    r = pai.run("init", env={"INIT_CONFIG": "initPlugins:\n- name: rp\n  builtin: runtimeplugins\n" + RENDER,
                             "RUNTIME_CONFIG": "commands: [echo]\nruntimePlugin: [{plugin: probe}]\n",
                             "PAI_PLUGIN_PATH": str(path), "PAI_CURRENT_TASK_ROLE_NAME": "ps"})
    assert r.returncode == 0, r.stderr[-2000:]
    raw = json.loads(seen.read_text())
    assert list(raw) == list(plugin_api.INPUT_FIELDS)
    assert raw["kind"] == "runtime" and raw["envOut"] is None
    assert raw["taskRoles"] == ["taskrole_1", "ps"] and raw["taskRole"] == "ps"
    assert Path(raw["preCommands"]).name == "pre.sh"


def test_an_init_plugin_asking_for_pre_commands_gets_one_line(tmp_path):
    data = {k: None for k in plugin_api.INPUT_FIELDS}
    data.update(name="p", kind="init", outDir=str(tmp_path), runtimeOutDir=str(tmp_path), pluginDir=str(tmp_path),
                envOut=str(tmp_path / "env"))
    (tmp_path / "in.json").write_text(json.dumps(data))
    import subprocess

    r = subprocess.run([sys.executable, "-c", "from pai_runtime import plugin_api as a; a.load().pre('echo x')"],
                       env={**os.environ, "PAI_PLUGIN_INPUT": str(tmp_path / "in.json")},
                       capture_output=True, text=True, timeout=30)
    assert r.returncode == 248
    assert r.stderr == "error: an init plugin has no pre-commands (only runtime plugins do)\n"


def test_one_quoting_helper_quote_is_its_old_name():
    assert plugin_api.quote is plugin_api.q
    assert plugin_api.q("x; rm -rf /") == "'x; rm -rf /'"
    assert plugin_api.q(3) == "3"


def test_role_accepts_either_spelling_like_the_job_model():
    from pai_runtime.openpai.roles import RoleMap

    inp = plugin_api.PluginInput(name="p", instance="01-p", parameters={}, failure_policy="fail", task_role=None,
                                 task_index=None, job_config=None, pre_path=None, post_path=None,
                                 out_dir=Path("."), runtime_out_dir=Path("."), plugin_dir=Path("."), local=True,
                                 env={}, task_roles=["taskrole_1", "PS"])
    roles = RoleMap(["taskrole_1", "PS"])
    for name in ("taskrole1", "taskrole_1", "ps", "P-S", "worker"):
        assert inp.role(name) == roles.resolve(name)
    assert plugin_api.platform_name("Task_Role-1") == "taskrole1"


def test_the_ssh_plugin_imports_only_the_plugin_api():
    tree = ast.parse((REPO / "plugins" / "ssh" / "init.py").read_text())
    ours = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("pai_runtime"):
            ours |= {f"{node.module}.{a.name}" for a in node.names}
        elif isinstance(node, ast.Import):
            ours |= {a.name for a in node.names if a.name.startswith("pai_runtime")}
    assert ours == {"pai_runtime.plugin_api", "pai_runtime.plugin_api.platform_name", "pai_runtime.plugin_api.q"}


# -- the runner itself ----------------------------------------------------------------------
def test_the_runner_returns_when_its_child_exits_even_if_a_new_session_holds_the_pipe(tmp_path):
    """A daemon that left the group (setsid) is out of reach of a group signal, but it
    does not hold the runner either: the child is done when it exits."""
    pidfile = tmp_path / "daemon.pid"
    lines: list[bytes] = []
    start = time.monotonic()
    out = childproc.run(["sh", "-c", f"setsid sh -c 'echo $$ > {pidfile}; exec sleep 60' & echo hi"],
                        cwd=tmp_path, env=os.environ, on_line=lines.append)
    took = time.monotonic() - start
    try:
        assert out.code == 0 and not out.timed_out and not out.cancelled
        assert lines == [b"hi"]
        assert took < 5, f"{took:.1f}s"
    finally:
        end = time.monotonic() + 5
        while not pidfile.exists() and time.monotonic() < end:
            time.sleep(0.05)
        os.kill(int(pidfile.read_text()), 9)


def test_the_runner_cuts_output_into_lines_and_bounds_them(tmp_path):
    lines: list[bytes] = []
    script = f"printf 'a\\r\\nb\\n'; head -c {childproc.MAX_LINE + 10} /dev/zero | tr '\\\\0' x; printf '\\nlast'"
    out = childproc.run(["sh", "-c", script], cwd=tmp_path, env=os.environ, on_line=lines.append)
    assert out.code == 0
    assert lines[:2] == [b"a", b"b"]
    assert [len(x) for x in lines[2:]] == [childproc.MAX_LINE, 10, 4] and lines[-1] == b"last"


def test_the_runner_says_when_a_program_cannot_start(tmp_path):
    with pytest.raises(childproc.StartError) as info:
        childproc.run([str(tmp_path / "missing")], cwd=tmp_path, env=os.environ, on_line=print)
    assert info.value.strerror == "No such file or directory"
    assert childproc.active() == 0

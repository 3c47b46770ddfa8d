"""The shipped ``cmd`` plugin runs in init's own interpreter (issue 19), with what a child
process of it gives: the same snippet files, output lines and exit code, for each of its
input forms, a bad input included; a copy of it anywhere else runs as a child."""

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


def _input(tmp: Path, params: dict) -> dict[str, str]:
    tmp.mkdir(parents=True)
    pre, post = tmp / "pre.sh", tmp / "post.sh"
    pre.touch()
    post.touch()
    payload = {"name": "cmd", "instance": "01-cmd", "parameters": params, "failurePolicy": "fail",
               "taskRole": "worker", "taskIndex": 0, "jobConfig": None, "preCommands": str(pre),
               "postCommands": str(post), "outDir": str(tmp), "runtimeOutDir": "/job/plugins/01-cmd",
               "pluginDir": str(SHIPPED), "local": False, "env": {}}
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


def test_a_copy_elsewhere_runs_as_a_child(tmp_path: Path) -> None:
    copy = tmp_path / "cmd"
    shutil.copytree(SHIPPED, copy)
    desc = load_desc(copy)
    assert desc.name == "cmd" and not inprocess.eligible(desc)

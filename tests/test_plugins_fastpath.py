"""Init's plugin steps load only what the given spec uses (issue 19), and take a Layout
whose fields are plain strings (the shared decision: a field is str or os.PathLike).

Run in a fresh interpreter each (``python -I``), so ``sys.modules`` shows what the steps
themselves imported: a Framework read from a file needs no Kubernetes client, no zlib (its
status is not compressed), no json module (the C encoder through fastjson), no pathlib;
the shipped ``cmd`` plugin runs with neither pathlib, shlex nor json; the ports check
reads the kernel's tables without loading a codec of its own.
"""

from __future__ import annotations

import json
import shlex
import subprocess
import sys
import textwrap

import pytest

from pai_runtime.runtimeplugins.scripts import quote
from tests.conftest import REPO

FRAMEWORK = REPO / "tests" / "data" / "framework" / "openpai_taskrole1.json"
OWN = {"FC_TASKROLE_NAME": "taskrole", "FC_TASK_INDEX": "0", "FC_POD_UID": "2320bc0d-db98-4969-965f-077953c6aee9"}

#: a str-field layout (``Paths``, what ``run`` uses), a str staging dir, the built-ins called as
#: the pipeline calls them; prints what was imported on the way, as JSON
STEPS = textwrap.dedent('''
    import json, os, sys
    from pai_runtime.config.secrets import Secrets
    from pai_runtime.config.yamlsource import Document
    from pai_runtime.init.context import InitContext
    from pai_runtime.layout import Paths

    class Log:
        def __init__(self): self.lines = []
        def info(self, msg, **kw): self.lines.append(msg)
        warning = error = info

    env = json.loads(sys.argv[1])
    layout = Paths.from_env(env)
    staging = os.path.join(env["PAI_WORK_DIR"], "staging")
    os.makedirs(staging)
    runtime = {"commands": ["python train.py"],
               "runtimePlugin": [{"plugin": "cmd", "parameters": {"preCommands": ["nvidia-smi -L || true"],
                                                                 "postCommands": ["echo done"]}}]}
    if sys.argv[3:]:  # the job config inline: no file to look for
        runtime["jobConfig"] = {"protocolVersion": 2, "taskRoles": {"taskrole": {"instances": 2}}}
    ctx = InitContext(layout=layout, environ=env, runtime_config=Document("RUNTIME_CONFIG (test)", runtime),
                      secrets=Secrets(), staging=staging, log=Log())
    steps = sys.argv[2].split(",")
    before = set(sys.modules)
    out = {}
    for name in steps:
        module = __import__("pai_runtime.initplugins." + name, fromlist=["run"])
        params = {"file": env["FW"], "timeout": "30s"} if name in ("barrier", "framework") else {}
        if name == "ports" and "framework" not in steps:  # no framework step: ports given (1: tcpmux, unused)
            params = {"ports": {"tcp": [1]}}
        out[name] = module.run(ctx, params)
    out["imported"] = sorted(set(sys.modules) - before)
    out["files"] = sorted(os.listdir(staging))
    print(json.dumps(out))
''')


def _steps(tmp_path, steps: str, *extra: str) -> dict:
    env = {"PATH": "/usr/bin:/bin", "PAI_WORK_DIR": str(tmp_path / "work"),
           "PAI_CONFIG_DIR": str(tmp_path / "none"), "FW": str(FRAMEWORK), **OWN}
    r = subprocess.run([sys.executable, "-I", "-c", STEPS, json.dumps(env), steps, *extra], cwd=REPO,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-3000:]
    return json.loads(r.stdout)


def test_the_plugin_steps_on_a_layout_of_strings(tmp_path):
    """Every step of the bench's spec, with str paths everywhere, does its work."""
    got = _steps(tmp_path, "barrier,framework,ports,plugins,render")
    assert got["barrier"].startswith("2/2 tasks ready (file ")
    assert got["framework"].startswith("38 variables for taskrole-0")
    assert got["ports"].startswith("4 port(s) free")
    assert got["plugins"] == "cmd applied; 1 pre / 1 post snippet(s)"
    assert got["render"] == "1 command(s) -> user.sh"
    assert {"framework.json", "plugins", "precommands.sh", "postcommands.sh", "user.sh"} <= set(got["files"])
    for heavy in ("pai_runtime.initplugins.barrier_cluster", "pai_runtime.kube", "pai_runtime.kube.client",
                  "pai_runtime.kube.connection", "http.client",
                  "urllib.request", "ssl", "socket", "zlib", "json", "shlex", "encodings.ascii",
                  "psutil", "subprocess", "pai_runtime.childproc", "difflib", "jsonschema"):
        assert heavy not in got["imported"], f"the plugin steps imported {heavy}"


@pytest.mark.parametrize("steps", ["barrier", "barrier,ports", "barrier,framework,ports,plugins,render"])
def test_no_pathlib_in_the_plugin_steps(tmp_path, steps):
    """pathlib (with urllib.parse, ipaddress, fnmatch: ~5 ms) is not needed to read a
    Framework file, write the env, check ports, run the shipped cmd plugin or render.
    (The job config is given inline: a job_config.yaml is looked up through
    yamlsource.optional_file, which takes a Path until it takes a str.)"""
    got = _steps(tmp_path, steps, "inline")
    assert "pathlib" not in got["imported"], got["imported"]


def test_quote_is_shlex_quote():
    words = ["", "a", "cmd#1", "/usr/local/pai/runtime.d/plugins/01-cmd/pre.sh", "it's", "a b", "é", "-x", "$HOME",
             "a'b'c", "''", "x\ny", "%+=:,./-@_", "tab\there", '"', "\\"]
    for w in words:
        assert quote(w) == shlex.quote(w), w


def test_the_in_process_plugin_reads_its_input_handed_over_in_memory(tmp_path):
    """The shipped cmd run inside init gets its input without a file written and removed
    again: the same snippets and output as from the file, and no file appears."""
    import os

    from pai_runtime.layout import resource_dir
    from pai_runtime.runtimeplugins import api, inprocess
    from pai_runtime.runtimeplugins.discover import load_desc

    desc = load_desc(resource_dir() / "plugins" / "cmd")
    got = {}
    for how in ("file", "memory"):
        d = tmp_path / how
        d.mkdir()
        pre, post = d / "pre.sh", d / "post.sh"
        pre.touch()
        post.touch()
        payload = {k: None for k in api.INPUT_FIELDS}
        payload.update(name="cmd", instance="01-cmd", kind="runtime", failurePolicy="fail", taskRoles=[],
                       parameters={"preCommands": ["echo 'a b'"], "postCommands": "echo done"}, preCommands=str(pre),
                       postCommands=str(post), outDir=str(d), runtimeOutDir="/job/01-cmd", pluginDir=desc.directory,
                       local=False, env={})
        path = str(d / "input.json")
        inputs = None
        if how == "file":
            api.write_input(path, payload)
        else:
            inputs = {path: api.input_text(payload)}
        env = {**{k: v for k, v in os.environ.items() if not k.startswith("PAI_")}, "PAI_PLUGIN_INPUT": path}
        code, lines = inprocess.run(desc.init_target, env, inputs)
        got[how] = (code, lines, pre.read_text(), post.read_text())
        if how == "memory":
            assert not os.path.exists(path)
            assert api.HANDED == {}  # handed for that run only
    assert got["memory"] == got["file"] == (0, ["cmd: 1 pre-command(s), 1 post-command(s)"], "echo 'a b'\n",
                                            "echo done\n")


def test_the_in_process_entry_runs_from_installed_byte_code(tmp_path, monkeypatch):
    """Byte code compiled beside the entry (compileall, pip) is used as an import uses it,
    so init compiles nothing (the first compile() in a process costs ~1.3 ms); a stale one
    is not used; without one the source is compiled and nothing is written."""
    import os
    import py_compile
    import time

    from pai_runtime.runtimeplugins import inprocess

    script = tmp_path / "init.py"
    script.write_text("print('one')\n", encoding="utf-8")
    env = dict(os.environ)
    assert inprocess.run(script, env) == (0, ["one"])
    assert not (tmp_path / "__pycache__").exists()  # nothing written when nothing was installed

    py_compile.compile(str(script), doraise=True)  # what `compileall` / pip leave beside it

    def no_compile(*a, **k):
        raise AssertionError("compiled although current byte code is installed")

    monkeypatch.setattr(inprocess, "compile", no_compile, raising=False)  # the module's compile() only
    assert inprocess.run(script, env) == (0, ["one"])
    monkeypatch.delattr(inprocess, "compile")

    script.write_text("print('two')\n", encoding="utf-8")  # changed since: its byte code is stale
    st = os.stat(script)
    os.utime(script, (st.st_atime, time.time() + 5))
    before = {p.name: p.stat().st_mtime_ns for p in (tmp_path / "__pycache__").iterdir()}
    assert inprocess.run(script, env) == (0, ["two"])
    assert {p.name: p.stat().st_mtime_ns for p in (tmp_path / "__pycache__").iterdir()} == before  # not rewritten

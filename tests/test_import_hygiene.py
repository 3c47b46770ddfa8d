"""Init and run import only what the given spec uses (issue 19): a valid config never
imports jsonschema, init never imports asyncio or an HTTP client unless a network plugin
runs, psutil only to name the owner of a port in use; ``run`` (PID 1) none of the
init side's libraries. Read from the interpreter's own ``-X importtime`` report."""

from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import BIN, REPO

FRAMEWORK = REPO / "tests" / "data" / "framework" / "openpai_taskrole1.json"
INIT = f"""initPlugins:
- {{name: barrier, builtin: barrier, parameters: {{file: {json.dumps(str(FRAMEWORK))}}}}}
- {{name: framework, builtin: framework, parameters: {{file: {json.dumps(str(FRAMEWORK))}}}}}
- {{name: ports, builtin: ports}}
- {{name: runtime-plugins, builtin: runtimeplugins}}
- {{name: render, builtin: render}}
"""
RUNTIME = '{commands: ["python train.py"], runtimePlugin: [{plugin: cmd, parameters: {preCommands: ["true"]}}]}'
OWN = {"FC_TASKROLE_NAME": "taskrole", "FC_TASK_INDEX": "0", "FC_POD_UID": "2320bc0d-db98-4969-965f-077953c6aee9"}


def _imported(pai, *args: str, env: dict[str, str]) -> set[str]:
    full = {**pai.env, **env}
    r = subprocess.run([sys.executable, "-X", "importtime", str(BIN), *args], env=full, capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-3000:]
    return {line.rsplit("|", 1)[1].strip() for line in r.stderr.splitlines() if line.startswith("import time:")}


def test_init_of_a_framework_with_ports_and_a_runtime_plugin(pai):
    """structlog and logging neither: init's lines come from pai_runtime.log's
    own writer (structlog's import alone cost three bare interpreter starts); no
    dataclasses, typing or shutil (plain classes, annotations only, a fresh work dir
    needs no tree removed), no RE2 (the shipped exit spec is precompiled); no pathlib
    (with urllib.parse and ipaddress, ~5 ms: every step spells paths with os.path), json
    (fastjson), shlex, contextlib or the ascii codec (issue 19)."""
    # text lines, as a pod's init container writes them by default (JSON lines need json's encoder)
    mods = _imported(pai, "init", env={"INIT_CONFIG": INIT, "RUNTIME_CONFIG": RUNTIME, **OWN, "PAI_LOG_FORMAT": "text"})
    assert "pai_runtime.initplugins.render" in mods, sorted(m for m in mods if m.startswith("pai_runtime"))  # did it
    for heavy in ("structlog", "logging", "dataclasses", "typing", "inspect", "shutil", "re2", "jsonschema", "asyncio",
                  "urllib.request", "http.client", "requests", "ssl", "psutil", "pai_runtime.kube.gang",
                  "pai_runtime.kube.connection",
                  "subprocess", "pai_runtime.childproc", "_hashlib",  # the shipped cmd plugin runs in-process
                  "pathlib", "urllib.parse", "ipaddress", "json", "shlex", "contextlib", "encodings.ascii",
                  "pai_runtime.initplugins.barrier_cluster"):
        assert heavy not in mods, f"init imported {heavy}"  # a Framework from a file needs no API client


def test_run_imports_none_of_the_init_side(pai):
    assert pai.run("init", env={"INIT_CONFIG": INIT, "RUNTIME_CONFIG": '{env: {A: b}}', **OWN}).returncode == 0
    mods = _imported(pai, "run", "--", "true", env=OWN)
    for heavy in ("yaml", "re2", "structlog", "click", "jsonschema", "psutil", "typing", "asyncio", "subprocess",
                  "dataclasses", "logging"):
        assert heavy not in mods, f"run -- true imported {heavy}"
    # nor the stdlib modules that cost its start milliseconds each (issue 19: PID 1 at the
    # interpreter's floor): paths are strings, JSON goes through _json, the selector is an
    # epoll of our own, signals go through _signal, prctl through _ctypes
    # init's settings, env and secret list are read without the config loader (its caps kept),
    # and the log bounds are run's own copies
    for slow in ("pathlib", "re", "json", "enum", "selectors", "signal", "ctypes", "collections", "threading",
                 "functools", "math", "pai_runtime.config", "pai_runtime.config.yamlsource", "pai_runtime.errors"):
        assert slow not in mods, f"run -- true imported {slow}"
    from pai_runtime.supervisor import pid1

    if pid1._VFORK_EXEC:  # the child is started by vfork + exec in C, not by a fork of the interpreter
        assert "_posixsubprocess" in mods


def test_init_s_own_modules_import_no_dataclasses_typing_or_shutil():
    """The modules of init's path (its pipeline, config, job model, built-ins, runtime
    plugin machinery, logger) define plain classes and keep types for annotations: importing
    them all loads none of dataclasses (~10 ms with inspect), typing, shutil or a logging
    framework (issue 19)."""
    mods = ["pai_runtime.log", "pai_runtime.init.run", "pai_runtime.init.pipeline", "pai_runtime.init.context",
            "pai_runtime.init.watchdog", "pai_runtime.config.sources", "pai_runtime.config.secrets",
            "pai_runtime.config.schema", "pai_runtime.openpai.env", "pai_runtime.openpai.framework",
            "pai_runtime.openpai.jobconfig", "pai_runtime.openpai.roles", "pai_runtime.initplugins.barrier",
            "pai_runtime.initplugins.framework", "pai_runtime.initplugins.ports", "pai_runtime.initplugins.plugins",
            "pai_runtime.initplugins.render", "pai_runtime.runtimeplugins.discover",
            "pai_runtime.runtimeplugins.request", "pai_runtime.runtimeplugins.run",
            "pai_runtime.runtimeplugins.scripts", "pai_runtime.runtimeplugins.validate",
            "pai_runtime.runtimeplugins.inprocess", "pai_runtime.plugin_api"]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in mods)
            + "print(' '.join(m for m in ('dataclasses', 'typing', 'shutil', 'structlog', 'logging', 'inspect')"
              " if m in sys.modules))")
    r = subprocess.run([sys.executable, "-I", "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-3000:]
    assert r.stdout.split() == [], f"imported: {r.stdout}"

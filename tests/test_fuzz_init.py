"""Fuzzing ``pai-runtime init`` with generated configs (issue 18).

Why: the promise is "every bad input gets one line and 247, nothing hangs, nothing grows
without bound", for every input, and the shapes that broke it (alias bombs, deep nesting,
NUL bytes, 5,000-digit integers, absurd sizes, devices given as files) were found by
trying. So hypothesis generates configs (YAML structure and values, plus those shapes) for
each input of init: RUNTIME_CONFIG, the init plugin spec, secrets.yaml, job_config.yaml, an
envFile and a runtime plugin's desc.yaml. Each example runs the real CLI in a subprocess
under ``prlimit --as`` (memory) and ``timeout -s KILL`` (time): init must end with 0 or
247, with exactly one error line and no traceback.

Bounded and reproducible: ``PAI_FUZZ_EXAMPLES`` examples per input (6 in ``make test``,
300 in ``make fuzz``), a fixed seed (``PAI_FUZZ_SEED``, default 18; ``make fuzz`` draws a
new one each run and prints it), no example database. Every failure message starts with
the seed and the count; to reproduce it::

    PAI_FUZZ_SEED=<seed> PAI_FUZZ_EXAMPLES=<count> .venv/bin/python -m pytest -p no:cacheprovider \\
        tests/test_fuzz_init.py -k <test name>

(hypothesis also prints an ``@reproduce_failure(...)`` line: put it on the test to replay
that one example directly).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from typing import Any

import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from tests.conftest import BIN

EXAMPLES = int(os.environ.get("PAI_FUZZ_EXAMPLES", "6"))
SEED = int(os.environ.get("PAI_FUZZ_SEED", "18"))
#: per example: init ends in well under a second; a hang or a bomb hits these
SECONDS = 20
MEM_LIMIT = 1 << 30
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, print_blob=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large])
#: the built-ins that need no network and no cluster (the barrier and the image checker
#: would wait for an API server: their codes 250-254 are not config errors)
BUILTINS = ["render", "framework", "ports", "runtimeplugins", "nope"]

KEYS = ["commands", "env", "envFile", "logs", "maxSize", "maxFiles", "mode", "thresholds", "running",
        "killGrace", "jobConfig", "runtimePlugin", "plugin", "parameters", "failurePolicy", "taskroles",
        "exitSpec", "initPlugins", "name", "builtin", "command", "timeout", "initScripts", "enabled",
        "taskRoles", "extras", "prerequisites", "searchWindow", "<<", "x"]

HOSTILE_TEXT = [
    "99999999999999999999Ei", "-1", "1e400", ".nan", ".inf", "0", "1Mi", "10M", "1.5G", "30s", "1h 30m",
    "9" * 5000, "<% $secrets.a %>", "<% $secrets %>", "x; rm -rf /", "\ufeff", "\u202e", "a\nb", "/dev/zero",
    "/dev/urandom", "/proc/self/mem", "../../etc/passwd", "", " ", "~", "null", "yes", "no", "a\x00b",
]


def _scalars() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
        st.floats(allow_nan=True, allow_infinity=True), st.sampled_from(HOSTILE_TEXT),
        st.text(max_size=30),
    )


def _trees() -> st.SearchStrategy[Any]:
    keys = st.one_of(st.sampled_from(KEYS), st.text(max_size=8))
    return st.recursive(_scalars(), lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(keys, inner, max_size=5)), max_leaves=25)


def _dump(tree: Any) -> str:
    import yaml

    return yaml.safe_dump(tree, allow_unicode=True, default_flow_style=None, sort_keys=False)


def _shaped(depth: int, fan: int, kind: str) -> str:
    """The shapes the issue found: an alias bomb, deep flow nesting, deep block nesting,
    a huge integer."""
    if kind == "bomb":
        names = [f"n{i}" for i in range(depth + 1)]
        out = f"{names[0]}: &{names[0]} [" + ",".join(['"lol"'] * fan) + "]\n"
        for prev, cur in zip(names, names[1:], strict=False):
            out += f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * fan) + "]\n"
        return out
    if kind == "flow":
        return "commands: " + "[" * (depth * 200) + "]" * (depth * 200) + "\n"
    if kind == "digits":
        return "commands: [echo]\nlogs: {maxFiles: " + "7" * (depth * 600) + "}\n"
    return "commands:\n" + "- " * (depth * 100) + "x\n"


KINDS = st.sampled_from(["bomb", "flow", "block", "digits"])


def runtime_configs() -> st.SearchStrategy[str]:
    base = st.fixed_dictionaries({"commands": st.just(["echo hi"])}, optional={
        "env": st.dictionaries(st.one_of(st.sampled_from(["A", "B_1", "1X", "A-B", ""]), st.text(max_size=5)),
                               _scalars(), max_size=4),
        "logs": st.dictionaries(st.sampled_from(["maxSize", "maxFiles", "mode", "searchWindow", "x"]), _scalars(),
                                max_size=3),
        "thresholds": st.dictionaries(st.sampled_from(["running", "x"]), _scalars(), max_size=2),
        "killGrace": _scalars(),
        "envFile": _scalars(),
        "jobConfig": st.one_of(_scalars(), _trees()),
        "exitSpec": _scalars(),
        "runtimePlugin": st.lists(st.fixed_dictionaries(
            {"plugin": st.sampled_from(["cmd", "ssh", "git", "storage", "nope"])},
            optional={"parameters": _trees(), "failurePolicy": _scalars()}), max_size=2),
    })
    return st.one_of(
        base.map(_dump),
        _trees().map(_dump),
        st.builds(_shaped, st.integers(1, 9), st.integers(2, 9), KINDS),
        st.text(max_size=200),
    )


def init_configs() -> st.SearchStrategy[str]:
    plugin = st.fixed_dictionaries(
        {"name": st.one_of(st.sampled_from(["a", "b", "render"]), st.text(max_size=6))},
        optional={"builtin": st.sampled_from(BUILTINS),
                  "command": st.one_of(st.just("true"), _scalars()), "timeout": _scalars(),
                  "failurePolicy": _scalars(), "parameters": _trees(), "enabled": _scalars()})
    spec = st.fixed_dictionaries({"initPlugins": st.lists(plugin, max_size=3)},
                                 optional={"initScripts": _scalars(), "initScriptTimeout": _scalars()})
    return st.one_of(spec.map(_dump), _trees().map(_dump), st.builds(_shaped, st.integers(1, 9), st.integers(2, 9),
                                                                     KINDS))


def env_files() -> st.SearchStrategy[bytes]:
    line = st.one_of(
        st.builds(lambda k, v: f"{k}={v}", st.sampled_from(["A", "B_1", "1X", "A-B", "", "export A"]),
                  st.one_of(st.sampled_from(HOSTILE_TEXT), st.text(max_size=20))),
        st.sampled_from(["# a comment", "A", "=x", "PATH"]), st.text(max_size=30))
    return st.one_of(st.lists(line, max_size=6).map(lambda ls: "\n".join(ls).encode("utf-8", "surrogatepass")),
                     st.binary(max_size=200))


def check(pai, env: dict[str, str], what: str, text: str) -> None:
    """init under a time and memory cap: 0 or 247, one error line, no traceback."""
    full = dict(pai.env)
    full.update(env)
    start = time.monotonic()
    r = subprocess.run(["prlimit", f"--as={MEM_LIMIT}", "--", "timeout", "-s", "KILL", str(SECONDS),
                        str(BIN), "init"], env=full, capture_output=True, text=True, cwd=pai.root)
    took = time.monotonic() - start
    shown = text if len(text) < 600 else text[:600] + f"... ({len(text)} chars)"
    context = (f"PAI_FUZZ_SEED={SEED} PAI_FUZZ_EXAMPLES={EXAMPLES}: {what}:\n{shown!r}\n--- stderr tail:\n"
               f"{r.stderr[-1500:]}")
    assert r.returncode in (0, 247), f"exit {r.returncode} after {took:.1f}s for {context}"
    assert "Traceback" not in r.stderr, f"a traceback for {context}"
    if r.returncode == 247:
        errors = [line for line in r.stderr.splitlines() if '"init failed"' in line]
        assert len(errors) == 1, f"not one error line for {context}"


def _reset(pai) -> None:
    for p in (pai.work / "runtime.d", pai.work / "logs", pai.root / "plugins"):
        shutil.rmtree(p, ignore_errors=True)
    for p in pai.config.iterdir():
        if p.is_dir():
            shutil.rmtree(p)
        else:
            p.unlink()


def _write(path, text: str) -> None:
    path.write_text(text, encoding="utf-8", errors="surrogatepass")


RENDER = "initPlugins:\n- name: render\n  builtin: render\n"
RUNTIME_PLUGINS = RENDER + "- name: rp\n  builtin: runtimeplugins\n"
TIMEOUT = pytest.mark.timeout(EXAMPLES * SECONDS + 120)


@TIMEOUT
@seed(SEED)
@FUZZ
@given(text=runtime_configs())
def test_fuzz_runtime_config(pai, text):
    _reset(pai)
    if "\x00" in text:  # an env var cannot hold NUL: the same text goes through the file
        _write(pai.config / "runtime_plugin.yaml", text)
        check(pai, {"INIT_CONFIG": RUNTIME_PLUGINS}, "runtime_plugin.yaml", text)
    else:
        check(pai, {"INIT_CONFIG": RUNTIME_PLUGINS, "RUNTIME_CONFIG": text}, "RUNTIME_CONFIG", text)


@TIMEOUT
@seed(SEED)
@FUZZ
@given(text=init_configs())
def test_fuzz_init_config(pai, text):
    _reset(pai)
    script = pai.work / "init.d" / "10-ok"  # a drop-in, so initScripts/initScriptTimeout matter
    if not script.exists():
        script.parent.mkdir(exist_ok=True)
        script.write_text("#!/bin/sh\necho drop-in ran\n")
        script.chmod(0o755)
    _write(pai.config / "init_plugins.yaml", text)
    check(pai, {"RUNTIME_CONFIG": "commands: [echo hi]\n"}, "init_plugins.yaml", text)


@TIMEOUT
@seed(SEED)
@FUZZ
@given(secrets=st.one_of(_trees().map(_dump), runtime_configs()),
       job=st.one_of(_trees().map(_dump), runtime_configs()), env_file=env_files())
def test_fuzz_secrets_job_config_and_env_file(pai, secrets, job, env_file):
    _reset(pai)
    _write(pai.config / "secrets.yaml", secrets)
    _write(pai.config / "job_config.yaml", job)
    (pai.config / "vars.env").write_bytes(env_file)
    cfg = "commands: ['echo <% $secrets.a %>']\nenv: {S: '<% $secrets.b %>'}\nenvFile: vars.env\n"
    check(pai, {"INIT_CONFIG": RUNTIME_PLUGINS, "RUNTIME_CONFIG": cfg}, "secrets.yaml + job_config.yaml + vars.env",
          f"{secrets}\n--- job_config.yaml\n{job}\n--- vars.env\n{env_file!r}")


@TIMEOUT
@seed(SEED)
@FUZZ
@given(desc=st.one_of(
    st.fixed_dictionaries({"name": st.just("fz")}, optional={
        "description": _scalars(), "init": st.one_of(_trees(), st.just({"exec": "./x"})),
        "parameters": _trees(), "x": _trees()}).map(_dump),
    _trees().map(_dump), st.builds(_shaped, st.integers(1, 9), st.integers(2, 9), KINDS)),
    params=_trees())
def test_fuzz_plugin_description(pai, desc, params):
    _reset(pai)
    folder = pai.root / "plugins" / "fz"
    folder.mkdir(parents=True)
    _write(folder / "desc.yaml", desc)
    (folder / "x").write_text("#!/bin/sh\nexit 0\n")
    (folder / "x").chmod(0o755)
    cfg = _dump({"commands": ["echo hi"], "runtimePlugin": [{"plugin": "fz", "parameters": params}]})
    if "\x00" in cfg:
        return  # an env var cannot hold NUL (the runtime config fuzzer covers NUL in a file)
    check(pai, {"INIT_CONFIG": RUNTIME_PLUGINS, "RUNTIME_CONFIG": cfg, "PAI_PLUGIN_PATH": str(pai.root / "plugins")},
          "plugins/fz/desc.yaml", f"{desc}\n--- RUNTIME_CONFIG\n{cfg}")

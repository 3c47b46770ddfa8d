"""The PID-1 path's stand-ins for pathlib and json (issue 19) give what those give.

``run`` spells paths without pathlib (:func:`pai_runtime.layout.pure`, :class:`Paths`)
and reads and writes its JSON files through :mod:`pai_runtime.fastjson`: a user's
command must see the same ``PAI_*`` values, and every file the same bytes, as before.
"""

from __future__ import annotations

import copy
import itertools
import json
import math
import os
import pickle
from pathlib import Path, PurePosixPath

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_runtime import envfile, fastjson, layout


@settings(max_examples=2000, deadline=None)
@given(st.text(alphabet="/.ab", max_size=14))
def test_pure_spells_paths_as_pathlib_does(text: str) -> None:
    assert layout.pure(text) == str(PurePosixPath(text))


ENV_VALUES = {
    "PAI_WORK_DIR": [None, "/w/", "rel//x/.", ".", "//w"],
    "PAI_LOG_DIR": [None, "l/"],
    "FC_POD_UID": [None, "abc", "/abs", "a//b/."],
    "PAI_TERMINATION_LOG": [None, "t//l"],
    "PAI_SPECS_DIR": [None, "s/"],
    "PAI_CONFIG_DIR": [None, "c/./"],
    "PAI_RUNTIME_DIR": [None, "r/"],
}


@pytest.mark.parametrize("local", [False, True])
def test_paths_equal_the_layout(local: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for combo in itertools.product(*ENV_VALUES.values()):
        env = {k: v for k, v in zip(ENV_VALUES, combo, strict=True) if v is not None}
        full, strings = layout.Layout.from_env(env, local=local), layout.Paths.from_env(env, local=local)
        for name in layout.FIELDS:
            assert isinstance(getattr(full, name), str)
            assert getattr(full, name) == getattr(strings, name), (env, name)
        assert full.env() == strings.env()
    for name in layout.FIELDS:  # what a path joined by pathlib gives
        env = {"PAI_WORK_DIR": "/a//b/"}
        assert getattr(layout.Layout.from_env(env), name) == str(Path(getattr(layout.Paths.from_env(env), name)))
    assert layout.Layout.from_env({"PAI_WORK_DIR": "/a//b/"}).log_dir == "/a/b/logs/local"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="/.ab", min_size=1, max_size=10), st.text(alphabet="/.ab", min_size=1, max_size=6))
def test_a_layout_field_is_a_string_that_still_answers_as_a_path(text: str, name: str) -> None:
    """Layout's fields are strings (no pathlib on init's path); code written for Path
    fields (``field / "x"``, ``.parent``, ``.name``) gets what ``Path(field)`` gives."""
    p = layout.PathStr(layout.pure(text))
    assert type(str(p)) is str and str(p) == layout.pure(text) and os.fspath(p) == p
    assert p / name == Path(p) / name and isinstance(p / name, Path)
    assert Path("/r") / p == Path("/r") / Path(p)
    assert (p.parent, p.name, p.is_absolute()) == (Path(p).parent, Path(p).name, Path(p).is_absolute())
    assert p.replace("a", "b") == str(p).replace("a", "b")  # the string method, not a rename
    assert pickle.loads(pickle.dumps(p)) == p and copy.deepcopy(p) == p and json.dumps(p) == json.dumps(str(p))
    with pytest.raises(AttributeError):
        p.__no_such_protocol__  # noqa: B018


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner, max_size=4),
    max_leaves=12)


@settings(max_examples=500, deadline=None)
@given(json_values)
def test_fastjson_writes_and_reads_what_json_does(value: object) -> None:
    text = fastjson.dumps(value)
    assert text == json.dumps(value)
    assert fastjson.loads(text) == json.loads(text)
    assert fastjson.loads(f" \n{text}\t\r\n") == json.loads(text)


def test_fastjson_constants_and_errors_are_json_s() -> None:
    assert math.isnan(fastjson.loads("NaN")) and fastjson.loads("-Infinity") == -math.inf
    assert fastjson.dumps(math.inf) == "Infinity"
    for bad in ("", "{", '{"a": 1} x', "\ufeff{}", "[1,]", '{"a" 1}', '"\\x"', "[1e999999]x"):
        with pytest.raises(ValueError) as got:
            fastjson.loads(bad)
        with pytest.raises(ValueError) as want:
            json.loads(bad)
        assert str(got.value) == str(want.value)
    with pytest.raises(TypeError, match="not JSON serializable"):
        fastjson.dumps({"a": object()})
    with pytest.raises(ValueError, match="Circular reference"):
        loop: list[object] = []
        loop.append(loop)
        fastjson.dumps(loop)


@settings(max_examples=500, deadline=None)
@given(st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True),
                       st.text(max_size=24).filter(lambda v: "\0" not in v), max_size=6))
def test_env_file_round_trip(env: dict[str, str]) -> None:
    assert envfile.loads(envfile.dumps(env)) == env


def test_env_file_names() -> None:
    for good in ("A", "_", "a_1", "PAI_X"):
        assert envfile.valid_name(good)
    for bad in ("", "1A", "A-B", "Ä", "A B", "A=", "٣"):
        assert not envfile.valid_name(bad)


def test_fastjson_hooks_and_bytes_as_json() -> None:
    seen: list[str] = []

    def parse_int(s: str) -> int:
        seen.append(s)
        return int(s) * 2

    def pairs(items: list[tuple[str, object]]) -> dict[str, object]:
        if len(dict(items)) != len(items):
            raise ValueError("duplicate key")
        return dict(reversed(items))

    doc = '{"a": 1, "b": [2, 3.5, {"c": -4}]}'
    for text in (doc, doc.encode(), doc.encode("utf-16"), b"\xef\xbb\xbf" + doc.encode()):
        seen.clear()
        assert fastjson.loads(text, parse_int=parse_int, object_pairs_hook=pairs) == \
            json.loads(text, parse_int=parse_int, object_pairs_hook=pairs)
        assert seen == ["1", "2", "-4"] * 2
    for bad in (b'{"a": 1, "a": 2}', b"\xff{}", b'{"a": 1'):
        with pytest.raises(ValueError) as got:
            fastjson.loads(bad, object_pairs_hook=pairs)
        with pytest.raises(ValueError) as want:
            json.loads(bad, object_pairs_hook=pairs)
        assert (type(got.value), str(got.value)) == (type(want.value), str(want.value))
    deep = "[" * 100_000 + "]" * 100_000
    with pytest.raises(RecursionError):
        fastjson.loads(deep)


def test_fastjson_errors_before_json_is_imported() -> None:
    """The C scanner raises json.decoder's exception only once json is imported; before
    that (the PID-1 path never imports it) the error must still be json's own."""
    import subprocess
    import sys

    probe = ("import sys\nfrom pai_runtime import fastjson\nassert 'json' not in sys.modules\n"
             "for bad in ('{not json', '[1,]', b'{\"a\": 1', '{\"a\" 1}'):\n"
             "    try:\n        fastjson.loads(bad)\n    except ValueError as exc:\n"
             "        print(type(exc).__name__, exc)\n")
    r = subprocess.run([sys.executable, "-I", "-c", probe], capture_output=True, text=True, timeout=60,
                       cwd=str(Path(layout.__file__).parent.parent))
    assert r.returncode == 0, r.stderr
    want = []
    for bad in ("{not json", "[1,]", b'{"a": 1', '{"a" 1}'):
        try:
            json.loads(bad)
        except ValueError as exc:
            want.append(f"{type(exc).__name__} {exc}")
    assert r.stdout.splitlines() == want


def test_run_s_copies_of_the_bounds_are_the_bounds() -> None:
    """``run`` keeps its own copies of the numbers init checks against (importing the
    config modules for them cost every job start a millisecond): they must not drift."""
    from pai_runtime.config import bounds, yamlsource
    from pai_runtime.supervisor import job, logs

    assert (logs.DEFAULT_MAX_SIZE, logs.DEFAULT_MAX_FILES, logs.MIN_MAX_SIZE, logs.MAX_LOG_SIZE,
            logs.MAX_LOG_FILES) == (bounds.DEFAULT_LOG_SIZE, bounds.DEFAULT_LOG_FILES, bounds.MIN_LOG_SIZE,
                                    bounds.MAX_LOG_SIZE, bounds.MAX_LOG_FILES)
    assert job.INPUT_MAX_BYTES == yamlsource.MAX_BYTES and job.INPUT_MAX_DEPTH == yamlsource.MAX_DEPTH
    assert len(str(job.INPUT_MAX_INT)) == yamlsource.MAX_INT_DIGITS + 1


def test_each_exit_spec_regex_is_compiled_once() -> None:
    """Validation, lint and the compile cache share one RE2 object per regex text; a
    regex RE2 refuses is refused every time (never remembered as valid)."""
    import re2

    from pai_runtime.exitspec.spec import compile_regex

    first = compile_regex(r"CUDA out of memory\. Tried to allocate \d+")
    assert compile_regex(r"CUDA out of memory\. Tried to allocate \d+") is first
    for _ in range(2):
        with pytest.raises(re2.error):
            compile_regex("(unclosed")


#: what init's own steps (not the plugins', not the exit spec's) do, in a fresh interpreter
_INIT_CORE = r'''
import os, sys
work, cfg = sys.argv[1], sys.argv[2]
env = {"PAI_WORK_DIR": work, "PAI_CONFIG_DIR": cfg, "PAI_TERMINATION_LOG": os.path.join(work, "t"),
       "INIT_CONFIG": "initPlugins:\n- {name: a, command: [/bin/true], timeout: 5s}\n",
       "RUNTIME_CONFIG": '{"env": {"A": "b"}, "envFile": "vars.env", "logs": {"maxSize": "1Mi"}}'}
from pai_runtime import envfile
from pai_runtime import log as logmod
from pai_runtime.config import secrets, sources, userenv
from pai_runtime.init import pipeline, selfcopy, watchdog
from pai_runtime.layout import Layout
logmod.configure("init")
log = logmod.get()
layout = Layout.from_env(env)
logmod.add_file(os.path.join(layout.log_dir, "init.log"))
log.info("init starting", work_dir=layout.work_dir)
found = secrets.load(layout.config_dir, layout.specs_dir, environ=env, work_dir=layout.work_dir)
spec = sources.load_init_spec(layout, env)
rc = sources.load_runtime_config(layout, env)
pipeline.retract(layout)
staging = pipeline.new_staging(layout)
dog = watchdog.Watchdog(1.0)
dog.start()
envfile.write(os.path.join(staging, "env"), {**layout.env(), **userenv.render(rc, layout.config_dir, env, found)})
selfcopy.install(layout, log)
pipeline.publish(staging, layout)
dog.stop()
logmod.close_files()
print(" ".join(sorted(sys.modules)))
'''


def test_init_s_own_steps_import_no_pathlib_json_or_signal(tmp_path: Path) -> None:
    """Layout's fields are strings and init's own steps (config, staging, runtime env,
    self-copy, publish, logging, the watchdog) spell paths with os.path: none imports
    pathlib (with urllib.parse, ipaddress, fnmatch and warnings: ~5 ms of every init,
    issue 19); JSON goes through pai_runtime.fastjson, signals through _signal, the
    watchdog's timed wait is an event (no json, signal, select, contextlib: ~3 ms). The
    plugins and the exit spec are held to it by their own tests."""
    import subprocess
    import sys

    cfg = tmp_path / "cfg"
    cfg.mkdir()
    (cfg / "vars.env").write_text("B=c\n")
    r = subprocess.run([sys.executable, "-I", "-c", _INIT_CORE, str(tmp_path / "work"), str(cfg)],
                       capture_output=True, text=True, timeout=60, cwd=str(Path(layout.__file__).parent.parent))
    assert r.returncode == 0, r.stderr
    mods = set(r.stdout.split())
    assert "pai_runtime.init.selfcopy" in mods and "yaml" in mods  # it ran
    assert (tmp_path / "work" / "runtime.d" / "env").read_text().count("\n") >= 7
    assert "B=c" in (tmp_path / "work" / "runtime.d" / "env").read_text()
    for slow in ("pathlib", "urllib.parse", "ipaddress", "fnmatch", "warnings", "json", "signal", "select",
                 "contextlib", "shlex", "shutil", "typing", "dataclasses"):
        assert slow not in mods, f"init's own steps imported {slow}"


def test_init_runs_no_cyclic_collection_on_its_way(pai) -> None:
    """``pai-runtime init`` raises the collector's first threshold (issue 19): the
    ~19,000 containers its imports make ran 18-20 collections (3-6 ms) that found
    next to nothing. The bench's kind of init (barrier from a file, framework env,
    ports, the cmd runtime plugin, render) now runs none."""
    import subprocess
    import sys

    from tests.test_import_hygiene import INIT, OWN, RUNTIME

    probe = ("import atexit, gc, os, sys\n"
             "from pai_runtime.cli import main\n"  # as bin/pai-runtime does, then counted from main on
             "seen = []\n"
             "gc.callbacks.append(lambda phase, info: phase == 'start' and seen.append(info['generation']))\n"
             "atexit.register(lambda: os.write(1, ('collections %d' % len(seen)).encode()))\n"
             "main(['init'])\n")
    env = {**pai.env, "INIT_CONFIG": INIT, "RUNTIME_CONFIG": RUNTIME, **OWN}
    r = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "render" in r.stderr and "passed" in r.stderr  # it ran
    assert r.stdout.strip() == "collections 0", r.stdout

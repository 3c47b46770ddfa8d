"""The shipped exit spec precompiled for init (exitspec/shipped.py, ``make exit-spec``):
current with specs/, used only for a spec that is the shipped file byte for byte, and
installing exactly what the full load installs."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from pai_runtime.exitspec import cache, precompile, shipped
from pai_runtime.exitspec.spec import load_file

REPO = Path(__file__).resolve().parent.parent
SHIPPED = REPO / "specs" / "runtime-exit-spec.yaml"
RENDER_ONLY = "initPlugins:\n- name: render\n  builtin: render\n"
ENV = {"INIT_CONFIG": RENDER_ONLY, "RUNTIME_CONFIG": "commands: ['true']\n"}


def test_the_precompiled_spec_is_current():
    text = precompile.render(SHIPPED.read_bytes(), "specs/runtime-exit-spec.yaml")
    assert precompile.ARTEFACT.read_text(encoding="utf-8") == text, (
        "pai_runtime/exitspec/shipped.py is stale: specs/runtime-exit-spec.yaml changed since it was "
        "generated; run `make exit-spec` and commit the result")
    raw = SHIPPED.read_bytes()
    assert b"".join(shipped.SOURCE_LINES) == raw and len(raw) == shipped.SOURCE_SIZE
    assert hashlib.sha256(raw).hexdigest() == shipped.SOURCE_SHA256


def test_the_check_names_the_command_that_refreshes_it(tmp_path, monkeypatch, capsys):
    """The check the build runs: a stale artefact exits 1 with the command to run."""
    stale = tmp_path / "shipped.py"
    stale.write_text(precompile.ARTEFACT.read_text(encoding="utf-8").replace("SOURCE_SIZE = ", "SOURCE_SIZE = 1"))
    monkeypatch.setattr(precompile, "ARTEFACT", stale)
    monkeypatch.setattr(precompile, "REPO", tmp_path)  # names the artefact relative to it
    monkeypatch.setattr(precompile, "shipped_source", lambda: _copy(SHIPPED, tmp_path / "specs"))
    assert precompile.main(["--check"]) == 1
    assert "run `make exit-spec`" in capsys.readouterr().err
    assert precompile.main([]) == 0 and precompile.main(["--check"]) == 0
    assert stale.read_text(encoding="utf-8") == precompile.ARTEFACT.read_text(encoding="utf-8")


def _copy(src: Path, folder: Path, extra: bytes = b"") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    dst = folder / src.name
    dst.write_bytes(src.read_bytes() + extra)
    return dst


def _installed(pai, env: dict[str, str]) -> tuple[str, dict, Path]:
    r = pai.run("init", env=env)
    assert r.returncode == 0, r.stderr
    event = next(json.loads(ln) for ln in r.stderr.splitlines() if '"exit spec installed"' in ln)
    return r.stderr, event, pai.runtime_dir / "runtime-exit-spec.yaml"


def test_the_shipped_spec_installs_precompiled_as_the_full_load_installs_it(pai):
    """The precompiled install and the full load of the same spec (an appended comment
    sends it down the full path) write the same copy after its head, a cache that gives
    the spec the copy gives, and log the same summary."""
    _, fast, installed = _installed(pai, ENV)
    assert fast["origin"] == "shipped default"
    assert fast["precompiled"] is True, "the shipped spec was not installed precompiled: run `make exit-spec`"
    fast_text = installed.read_text(encoding="utf-8")
    fast_spec = cache.load(installed)
    assert fast_spec is not None and fast_spec == load_file(installed)
    head = f"# Exit spec installed by pai-runtime init from {fast['source']} ({shipped.FORMAT} format)"
    assert fast_text.startswith(head)

    edited = _copy(SHIPPED, pai.config, b"# an operator's note\n")
    _, full, installed = _installed(pai, ENV)
    assert full["precompiled"] is False and full["source"] == str(edited) and full["origin"] == "config dir"
    full_text = installed.read_text(encoding="utf-8")
    assert full_text.split("\n", 1)[1] == fast_text.split("\n", 1)[1]
    full_spec = cache.load(installed)
    assert full_spec is not None and full_spec == load_file(installed) == fast_spec  # same path, same spec
    for key in ("format", "entries", "default"):
        assert full[key] == fast[key], key


def test_a_byte_identical_copy_elsewhere_is_precompiled_and_names_its_own_path(pai):
    copy = _copy(SHIPPED, pai.config)
    _, event, installed = _installed(pai, ENV)
    assert event["source"] == str(copy)
    assert event["precompiled"] is True, "the shipped spec was not installed precompiled: run `make exit-spec`"
    assert installed.read_text(encoding="utf-8").startswith(f"# Exit spec installed by pai-runtime init from {copy} ")
    assert cache.load(installed) == load_file(installed)


def test_an_edited_shipped_spec_still_fails_init_with_its_line(pai):
    text = SHIPPED.read_text(encoding="utf-8")
    at = re.search(r"userLogRegex: ['\"]?", text).end()
    (pai.config / "runtime-exit-spec.yaml").write_text(text[:at] + "(unclosed " + text[at:], encoding="utf-8")
    r = pai.run("init", env=ENV)
    assert r.returncode == 247, r.stderr
    assert "Traceback" not in r.stderr
    line = next(ln for ln in r.stderr.splitlines() if '"init failed"' in ln)
    assert "runtime-exit-spec.yaml line" in line and "does not compile as RE2" in line and "(unclosed" in line


def test_lint_findings_of_another_spec_are_logged(pai):
    (pai.config / "runtime-exit-spec.yaml").write_text(
        "- containerExitCode: 239\n  patterns: [{exitCode: 1, userLogRegex: 'cuda error (2)'}]\n")
    stderr, event, _ = _installed(pai, ENV)
    assert event["precompiled"] is False and event["entries"] == 1
    lint = [json.loads(ln)["finding"] for ln in stderr.splitlines() if '"exit spec lint"' in ln]
    assert any("runtime-exit-spec.yaml line 2" in f and "(2)" in f and "is a group" in f for f in lint), lint

"""The exit-spec cache init writes for ``run``: the same spec as loading the file, and
never used when it does not fit the installed spec (stale, corrupt, another format)."""

from __future__ import annotations

import marshal
from pathlib import Path

import pytest

from pai_runtime.exitspec import cache
from pai_runtime.exitspec.spec import dump_installed, load_file

REPO = Path(__file__).resolve().parent.parent
SPECS = [REPO / "specs" / "runtime-exit-spec.yaml",
         REPO / "tests" / "data" / "exitspec" / "operator-runtime-exit-spec.yaml",
         *sorted((REPO / "tests" / "data").rglob("*exit-spec*.yaml"))]


def _install(tmp_path: Path, source: Path) -> Path:
    spec = load_file(source)
    installed = tmp_path / "runtime-exit-spec.yaml"
    installed.write_text(dump_installed(spec), encoding="utf-8")
    cache.write(spec, installed)
    return installed


@pytest.mark.parametrize("source", SPECS, ids=[p.name for p in SPECS])
def test_the_cache_gives_the_spec_the_file_gives(tmp_path, source):
    installed = _install(tmp_path, source)
    assert cache.load(installed) == load_file(installed)


TRICKY = """defaultExitCode: 241
defaultPhrase: Unrecognised
entries:
- containerExitCode: 220
  phrase: %s
  patterns:
  - {exitCode: 1, userLogRegex: "caf\u00e9 \u2028 (?i)oom"}
  - {platformLogRegex: "killed by the runtime", gpuInfo: {nvidiaDoubleEccError: true}}
- containerExitCode: 137
  behavior: TRANSIENT
  reason: "killed, often by the node"
  patterns: [{exitCode: 137}]
""" % ("P" * 300)


def test_the_cache_gives_the_spec_the_file_gives_for_every_field(tmp_path):
    source = tmp_path / "tricky.yaml"
    source.write_text(TRICKY, encoding="utf-8")
    (tmp_path / "inst").mkdir()
    installed = _install(tmp_path / "inst", source)
    loaded = load_file(installed)
    assert loaded.default_code == 241 and len(loaded.entries) == 2
    assert loaded.entries[1].behavior == "TRANSIENT"
    assert cache.load(installed) == loaded


def test_a_stale_cache_is_not_used(tmp_path):
    installed = _install(tmp_path, SPECS[0])
    text = installed.read_text(encoding="utf-8")
    changed = text.replace('"containerExitCode": 137', '"containerExitCode": 138', 1)
    assert changed != text
    installed.write_text(changed, encoding="utf-8")
    assert cache.load(installed) is None


def test_a_corrupt_or_foreign_cache_is_not_used(tmp_path):
    installed = _install(tmp_path, SPECS[0])
    path = tmp_path / cache.CACHE_FILE
    good = path.read_bytes()
    for bad in (b"", b"\x00garbage", good[: len(good) // 2], marshal.dumps(("x", 1, 2)),
                marshal.dumps((("pai-runtime exit spec cache", cache.FORMAT + 1, (3, 0), 0),
                               installed.read_bytes(), ()))):
        path.write_bytes(bad)
        assert cache.load(installed) is None
    path.unlink()
    assert cache.load(installed) is None

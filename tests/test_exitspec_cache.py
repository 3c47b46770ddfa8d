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
         REPO / "tests" / "data" / "exitspec" / "operator-runtime-exit-spec.yaml"]


def _install(tmp_path: Path, source: Path) -> Path:
    spec = load_file(source)
    installed = tmp_path / "runtime-exit-spec.yaml"
    installed.write_text(dump_installed(spec), encoding="utf-8")
    cache.write(load_file(installed), installed)
    return installed


@pytest.mark.parametrize("source", SPECS, ids=[p.name for p in SPECS])
def test_the_cache_gives_the_spec_the_file_gives(tmp_path, source):
    installed = _install(tmp_path, source)
    assert cache.load(installed) == load_file(installed)


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

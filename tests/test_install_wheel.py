"""The wheel alone: built from a clean copy of the checkout (what `pip install .` and
`python -m build` build), installed into a fresh venv outside the checkout, and run from
an empty directory: `up`, `plugins`, `classify` and `spec lint` find the shipped specs and
plugins as package data; `PAI_HOME` still overrides them; a missing resource is one line
naming PAI_HOME (247, never 248); the build leaves no setuptools droppings in the tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.timeout(600), pytest.mark.slow]
REPO = Path(__file__).resolve().parents[1]


def _clean_env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PAI_", "FC_", "KUBERNETES_", "PYTHON", "VIRTUAL_ENV"))
           and k not in ("INIT_CONFIG", "RUNTIME_CONFIG", "KUBECONFIG")}
    env["HOME"] = str(home)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return env


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, Path]]:
    """(source copy, venv, wheel): the checkout's files as git sees them, so a stale
    build/lib or egg-info of a developer's tree cannot hide a missing file."""
    root = tmp_path_factory.mktemp("wheel")
    src = root / "src"
    files = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=REPO,
                           capture_output=True, check=True, timeout=60).stdout.decode().split("\0")
    for name in filter(None, files):
        if (REPO / name).is_file():
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    env = _clean_env(root)
    dist = root / "dist"
    res = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(src)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    (wheel,) = dist.glob("pai_runtime-*.whl")
    venv = root / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120, env=env)
    res = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                         capture_output=True, text=True, env=env, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    yield src, venv, wheel


def _run(venv: Path, cwd: Path, *args: str, env: dict[str, str] | None = None,
         timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full = _clean_env(cwd)
    full.update(env or {})
    return subprocess.run([str(venv / "bin" / "pai-runtime"), *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=timeout)


def test_building_leaves_no_build_lib_or_egg_info_in_the_tree(installed: tuple[Path, Path, Path]) -> None:
    src, _, wheel = installed
    assert not (src / "build" / "lib").exists()
    assert not list(src.glob("*.egg-info")) and not list((src / "pai_runtime").glob("*.egg-info"))
    import zipfile

    names = set(zipfile.ZipFile(wheel).namelist())
    assert "pai_runtime/_home/specs/runtime-exit-spec.yaml" in names
    assert "pai_runtime/_home/specs/init_plugins_default.yaml" in names
    assert "pai_runtime/_home/plugins/cmd/desc.yaml" in names
    assert not [n for n in names if "__pycache__" in n or n.startswith("tests/")]


def test_the_wheel_alone_runs_up_plugins_classify_and_spec_lint(installed: tuple[Path, Path, Path],
                                                                tmp_path: Path) -> None:
    _, venv, _ = installed
    empty = tmp_path / "empty"
    empty.mkdir()
    res = _run(venv, empty, "plugins")
    assert res.returncode == 0, res.stderr
    assert "cmd" in res.stdout and "ssh" in res.stdout and "_home/plugins" in res.stdout
    log = empty / "user.log"
    log.write_text("bash: trainx: command not found\n")
    res = _run(venv, empty, "classify", "--exit-code", "127", "--user-log", str(log), "--json")
    assert res.returncode not in (0, 247, 248), res.stderr
    assert "_home/specs/runtime-exit-spec.yaml" in res.stdout + res.stderr or res.stdout.strip().startswith("{")
    spec = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages" / \
        "pai_runtime" / "_home" / "specs" / "runtime-exit-spec.yaml"
    res = _run(venv, empty, "spec", "lint", str(spec))
    assert res.returncode == 0, res.stdout + res.stderr
    # this test machine may itself be a container (then `up` would use /usr/local/pai): keep off the host
    where = {"PAI_WORK_DIR": str(empty / "work"), "PAI_TERMINATION_LOG": str(empty / "termination-log")}
    res = _run(venv, empty, "up", "--", "sh", "-c", "echo hello-from-the-wheel", env=where)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "hello-from-the-wheel" in res.stdout + res.stderr
    res = _run(venv, empty, "up", env={**where, "INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]",
                                       "RUNTIME_CONFIG": "commands: ['echo with-init-config']"})
    assert res.returncode == 0, res.stdout + res.stderr
    assert "with-init-config" in res.stdout + res.stderr


def test_pai_home_overrides_and_a_missing_resource_names_it(installed: tuple[Path, Path, Path],
                                                            tmp_path: Path) -> None:
    _, venv, _ = installed
    home = tmp_path / "home"
    shutil.copytree(REPO / "specs", home / "specs")
    (home / "plugins").mkdir()
    res = _run(venv, tmp_path, "plugins", env={"PAI_HOME": str(home)})
    assert res.returncode == 0 and "ssh" not in res.stdout, res.stdout + res.stderr
    (home / "specs" / "init_plugins_default.yaml").unlink()
    for args in (["up", "--", "true"], ["init"]):
        res = _run(venv, tmp_path, *args, env={"PAI_HOME": str(home), "PAI_WORK_DIR": str(tmp_path / "w"),
                                               "PAI_TERMINATION_LOG": str(tmp_path / "tl")})
        assert res.returncode == 247, res.stdout + res.stderr
        lines = [ln for ln in res.stderr.splitlines() if "PAI_HOME" in ln]
        assert len(lines) >= 1 and "Traceback" not in res.stderr

"""Machine-readable output of the small commands (issue 16, section 5), as real processes."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.timeout(60)


def pai(*args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PAI_", "INIT_CONFIG", "RUNTIME_CONFIG"))}
    return subprocess.run([sys.executable, "-m", "pai_runtime", *args], capture_output=True, text=True,
                          env=env, cwd=REPO_ROOT, timeout=30)


@pytest.mark.parametrize("order", [("--version", "--json"), ("--json", "--version")])
def test_version_json_names_version_python_platform_and_bundle(order: tuple[str, str]) -> None:
    r = pai(*order)
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    from pai_runtime import __version__

    assert info["version"] == __version__
    assert info["python"] == platform.python_version()
    assert info["platform"] == f"{sys.platform}-{platform.machine()}"
    assert info["bundle"] is False  # run from source: the `make bundle` launcher (-X pai_python) says true
    plain = pai("--version")
    assert plain.returncode == 0 and __version__ in plain.stdout and not plain.stdout.startswith("{")


def test_version_json_says_bundle_under_the_bundle_launcher_option() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAI_")}
    r = subprocess.run([sys.executable, "-X", "pai_python=/opt/pai/pai-runtime", "-m", "pai_runtime",
                        "--version", "--json"], capture_output=True, text=True, env=env, cwd=REPO_ROOT, timeout=30)
    assert r.returncode == 0 and json.loads(r.stdout)["bundle"] is True, r.stderr


def test_plugins_json_lists_what_the_text_listing_lists(tmp_path: Path) -> None:
    r = pai("plugins", "--local", "--json")
    assert r.returncode == 0, r.stderr
    doc = json.loads(r.stdout)
    names = [b["name"] for b in doc["builtins"]]
    assert {"barrier", "image_check"} <= set(names)
    assert doc["spec"]["plugins"] and all("failurePolicy" in p for p in doc["spec"]["plugins"])
    assert set(doc) == {"builtins", "spec", "initScripts", "runtimePlugins"}
    text = pai("plugins", "--local").stdout
    assert all(f"  {n} " in text for n in names)


def test_config_json_is_the_yaml_content_as_json() -> None:
    import yaml

    j, y = pai("config", "--local", "--json"), pai("config", "--local")
    assert j.returncode == 0 and y.returncode == 0, j.stderr + y.stderr
    assert json.loads(j.stdout) == yaml.safe_load(y.stdout)

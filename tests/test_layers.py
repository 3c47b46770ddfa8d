"""The layer contracts in setup.cfg hold, and they catch an import that runs back up.

Why a copy of the package: the test must show the contract failing on a real upward
import, without touching the tree under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root), "NO_COLOR": "1"}
    return subprocess.run([str(LINT), "--no-cache", "--config", str(REPO / "setup.cfg")], cwd=root, env=env,
                          capture_output=True, text=True, timeout=120)


def test_an_area_importing_the_init_side_breaks_the_layers(tmp_path):
    shutil.copytree(REPO / "pai_runtime", tmp_path / "pai_runtime",
                    ignore=shutil.ignore_patterns("__pycache__"))
    good = _lint(tmp_path)
    assert good.returncode == 0, good.stdout + good.stderr
    contracts = (REPO / "setup.cfg").read_text().count("[importlinter:contract:")
    assert contracts >= 3 and f"{contracts} kept, 0 broken" in good.stdout, good.stdout
    client = tmp_path / "pai_runtime" / "kube" / "client.py"
    client.write_text(client.read_text() + "\n\ndef _up():\n    from pai_runtime.init import pipeline  # noqa\n")
    bad = _lint(tmp_path)
    assert bad.returncode == 1
    assert "pai_runtime.kube is not allowed to import pai_runtime.init" in bad.stdout
    assert "pai_runtime.kube.client -> pai_runtime.init.pipeline" in bad.stdout

"""Fixtures shared by every area: a private work/config dir and the real CLI.

Why subprocesses: the CLI is the product surface (exit codes, one-line errors, no
traceback), so the tests run the installed ``pai-runtime`` exactly as a container would.
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

    from tests.rigs.kube_apiserver import KubeApiServer

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent / "pai-runtime"


@dataclass
class PaiEnv:
    root: Path
    work: Path
    config: Path
    env: dict[str, str]

    def run(self, *args: str, env: dict[str, str] | None = None, timeout: float = 60,
            input: str | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        full = dict(self.env)
        if env:
            full.update(env)
        full = {k: v for k, v in full.items() if v is not None}
        return subprocess.run([str(BIN), *args], env=full, capture_output=True, text=True,
                              timeout=timeout, input=input, cwd=cwd or self.root)

    @property
    def runtime_dir(self) -> Path:
        return self.work / "runtime.d"

    @property
    def log_dir(self) -> Path:
        return self.work / "logs" / "local"


@pytest.fixture
def pai(tmp_path: Path) -> PaiEnv:
    work = tmp_path / "work"
    config = tmp_path / "config"
    work.mkdir()
    config.mkdir()
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PAI_", "FC_", "KUBERNETES_")) and k not in ("INIT_CONFIG", "RUNTIME_CONFIG")}
    env.update({"PAI_WORK_DIR": str(work), "PAI_CONFIG_DIR": str(config),
                "PAI_TERMINATION_LOG": str(tmp_path / "termination-log"), "PAI_LOG_FORMAT": "json"})
    return PaiEnv(tmp_path, work, config, env)


# -- the Event tests: one API server per module, emptied before each test ------------
@pytest.fixture(scope="module")
def events_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeApiServer]:
    from tests.rigs.kube_apiserver import KubeApiServer

    rig = KubeApiServer(tmp_path_factory.mktemp("events")).start()
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture()
def events_rig(events_server: KubeApiServer) -> KubeApiServer:
    events_server.clear_faults()
    with events_server._lock:
        events_server._objects.clear()
    return events_server

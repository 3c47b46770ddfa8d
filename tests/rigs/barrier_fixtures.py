"""Fixtures of the barrier / framework env / ports tests: the test API server, pod-like
service-account dirs and an InitContext for running a built-in plugin directly."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from pai_runtime.config.secrets import Secrets
from pai_runtime.config.yamlsource import Document
from pai_runtime.init.pipeline import InitContext
from pai_runtime.layout import Layout
from tests.rigs.kube_apiserver import KubeApiServer, ServiceAccountDir


class RecordingLog:
    """Collects what a plugin logs (``ctx.progress`` goes through ``info``)."""

    def __init__(self) -> None:
        self.lines: list[tuple[str, str, dict[str, Any]]] = []
        self.lock = threading.Lock()

    def _add(self, level: str, msg: str, **kw: Any) -> None:
        with self.lock:
            self.lines.append((level, msg, kw))

    def info(self, msg: str, **kw: Any) -> None:
        self._add("info", msg, **kw)

    def warning(self, msg: str, **kw: Any) -> None:
        self._add("warning", msg, **kw)

    def error(self, msg: str, **kw: Any) -> None:
        self._add("error", msg, **kw)

    def messages(self) -> list[str]:
        with self.lock:
            return [m for _, m, _ in self.lines]


def make_ctx(tmp: Path, environ: dict[str, str], *, local: bool = False, timeout: float | None = None,
             runtime_config: dict[str, Any] | None = None) -> InitContext:
    work = tmp / "work"
    cfg = tmp / "config"
    cfg.mkdir(parents=True, exist_ok=True)
    layout = Layout.from_env({"PAI_WORK_DIR": str(work), "PAI_CONFIG_DIR": str(cfg)})
    staging = tmp / "staging"
    staging.mkdir(parents=True, exist_ok=True)
    ctx = InitContext(layout=layout, environ=dict(environ), runtime_config=Document("RUNTIME_CONFIG (test)",
                                                                                      runtime_config or {}),
                      secrets=Secrets(), staging=staging, local=local, log=RecordingLog())
    if timeout is not None:
        ctx.deadline = time.monotonic() + timeout
    return ctx


def in_cluster_env(rig: KubeApiServer, sa: ServiceAccountDir, **extra: str) -> dict[str, str]:
    env = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(rig.port),
           "FC_FRAMEWORK_NAMESPACE": "default", "FC_FRAMEWORK_NAME": "job1"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def kube_rig(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KubeApiServer]:
    rig = KubeApiServer(tmp_path_factory.mktemp("kube-rig"), bookmark_interval=0.5).start()
    try:
        yield rig
    finally:
        rig.stop()


@pytest.fixture()
def rig(kube_rig: KubeApiServer) -> Iterator[KubeApiServer]:
    """The module's API server with no faults and a clean store for each test."""
    kube_rig.clear_faults()
    kube_rig.down = False
    kube_rig.serve_frameworks = True
    kube_rig.watch_gone_as_http = False
    kube_rig.max_watch_seconds = 1800.0
    with kube_rig._lock:
        kube_rig._objects.clear()
        kube_rig._history.clear()
    kube_rig.requests.clear()
    yield kube_rig
    kube_rig.clear_faults()
    kube_rig.down = False


def run_in_thread(fn: Any, *args: Any, **kw: Any) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``fn`` in a thread; the dict gets ``value`` or ``error`` and ``end`` (monotonic)."""
    out: dict[str, Any] = {}

    def target() -> None:
        try:
            out["value"] = fn(*args, **kw)
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            out["error"] = exc
        out["end"] = time.monotonic()

    t = threading.Thread(target=target, daemon=True)
    t.start()
    return t, out

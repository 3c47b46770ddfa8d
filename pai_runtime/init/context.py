"""What an init plugin may read and write: one typed :class:`InitContext` per init run.

Why typed fields instead of a string-keyed dict: built-ins hand results to the plugins
after them (the barrier's Framework to the env generator, the env generator's ports to
the ports check). A named, typed field says who writes it and who reads it, and a typo
is a type error instead of a silent ``None``.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from pai_runtime.config.secrets import Secrets
    from pai_runtime.config.yamlsource import Document
    from pai_runtime.layout import Layout


@dataclass
class InitContext:
    """The run's inputs, the staging dir, and the results plugins pass on.

    ``staging`` becomes ``runtime.d``; ``runtime_env`` becomes ``runtime.d/env``.
    """

    layout: Layout
    environ: Mapping[str, str]
    runtime_config: Document
    secrets: Secrets
    staging: Path
    local: bool = False
    runtime_env: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Any] = field(default_factory=dict)
    deadline: float | None = None
    log: Any = None
    cancelled: threading.Event = field(default_factory=threading.Event)
    #: the signal that set ``cancelled`` (init then exits 128+N); None for a timeout
    stop_signal: int | None = None

    # -- results passed between built-ins (writer -> readers) ---------------------------
    #: the gang's Framework object, decompressed (barrier -> framework)
    framework: dict[str, Any] | None = None
    #: where ``framework`` came from: frameworkcontroller | pods | file (barrier -> framework)
    framework_source: str = "barrier"
    #: this pod's (role, index) when the source knows it (barrier, framework -> later plugins)
    current_task: tuple[str, int] | None = None
    #: the barrier's request count, duration and gang size (barrier -> summary)
    barrier_stats: dict[str, Any] | None = None
    #: the OpenPAI job config parsed from the Framework's ``config`` annotation, when no
    #: RUNTIME_CONFIG ``jobConfig`` / job_config.yaml gave one (framework -> runtimeplugins,
    #: image_check, render)
    job_config: Document | None = None
    #: this task's named ports (framework -> ports)
    current_ports: dict[str, list[int]] | None = None
    #: the image check's verdict: image, outcome, digest (image_check -> summary)
    image_check: dict[str, Any] | None = None
    #: runtime plugins applied, in order (runtimeplugins -> summary)
    runtime_plugins: list[str] | None = None

    def remaining(self, default: float | None = None) -> float | None:
        """Seconds left before the running plugin's timeout (``default`` if none)."""
        if self.deadline is None:
            return default
        left = self.deadline - time.monotonic()
        return max(0.0, left if default is None else min(left, default))

    def progress(self, message: str, **kw: Any) -> None:
        """One progress line ("3/4 tasks ready", "retry in 2 s: 429")."""
        if self.log is not None:
            self.log.info(message, **kw)

    @property
    def in_cluster(self) -> bool:
        return bool(self.environ.get("KUBERNETES_SERVICE_HOST")) and not self.local

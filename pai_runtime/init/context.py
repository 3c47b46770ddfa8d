"""What an init plugin may read and write: one typed :class:`InitContext` per init run.

Why typed fields instead of a string-keyed dict: built-ins hand results to the plugins
after them (the barrier's Framework to the env generator, the env generator's ports to
the ports check). A named, typed field says who writes it and who reads it, and a typo
is a type error instead of a silent ``None``.
"""

from __future__ import annotations

import threading
import time

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path
    from typing import Any

    from pai_runtime.config.secrets import Secrets
    from pai_runtime.config.yamlsource import Document
    from pai_runtime.layout import Layout


class InitContext:
    """The run's inputs, the staging dir, and the results plugins pass on.

    ``staging`` becomes ``runtime.d``; ``runtime_env`` becomes ``runtime.d/env``.
    A plain class with slots (not a dataclass: importing dataclasses cost init some 10 ms),
    so a misspelt field is an AttributeError, as a typed field is a type error.
    """

    __slots__ = ("layout", "environ", "runtime_config", "secrets", "staging", "local", "runtime_env", "settings",
                 "deadline", "log", "cancelled", "stop_signal", "framework", "framework_source", "current_task",
                 "barrier_stats", "job_config", "current_ports", "image_check", "runtime_plugins")

    def __init__(self, layout: Layout, environ: Mapping[str, str], runtime_config: Document, secrets: Secrets,
                 staging: Path, local: bool = False, runtime_env: dict[str, str] | None = None,
                 settings: dict[str, Any] | None = None, deadline: float | None = None, log: Any = None,
                 cancelled: threading.Event | None = None) -> None:
        self.layout = layout
        self.environ = environ
        self.runtime_config = runtime_config
        self.secrets = secrets
        self.staging = staging
        self.local = local
        self.runtime_env: dict[str, str] = {} if runtime_env is None else runtime_env
        self.settings: dict[str, Any] = {} if settings is None else settings
        self.deadline = deadline
        self.log = log
        self.cancelled = threading.Event() if cancelled is None else cancelled
        #: the signal that set ``cancelled`` (init then exits 128+N); None for a timeout
        self.stop_signal: int | None = None

        # -- results passed between built-ins (writer -> readers) -----------------------
        #: the gang's Framework object, decompressed (barrier -> framework)
        self.framework: dict[str, Any] | None = None
        #: where ``framework`` came from: frameworkcontroller | pods | file (barrier -> framework)
        self.framework_source = "barrier"
        #: this pod's (role, index) when the source knows it (barrier, framework -> later plugins)
        self.current_task: tuple[str, int] | None = None
        #: the barrier's request count, duration and gang size (barrier -> summary)
        self.barrier_stats: dict[str, Any] | None = None
        #: the OpenPAI job config parsed from the Framework's ``config`` annotation, when no
        #: RUNTIME_CONFIG ``jobConfig`` / job_config.yaml gave one (framework -> runtimeplugins,
        #: image_check, render)
        self.job_config: Document | None = None
        #: this task's named ports (framework -> ports)
        self.current_ports: dict[str, list[int]] | None = None
        #: the image check's verdict: image, outcome, digest (image_check -> summary)
        self.image_check: dict[str, Any] | None = None
        #: runtime plugins applied, in order (runtimeplugins -> summary)
        self.runtime_plugins: list[str] | None = None

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

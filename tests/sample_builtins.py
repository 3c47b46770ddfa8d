"""Built-in init plugins used only by the pipeline tests (registered by monkeypatch)."""

from __future__ import annotations

import os
import signal
import time

from pai_runtime.errors import PortConflictError, Skip

TIMEOUT_CODE = 250
PARAMS_SCHEMA = {"type": "object", "additionalProperties": False,
                 "properties": {"mode": {"enum": ["slow", "crash", "skip", "fail", "ok", "swallow"]},
                                "seconds": {"type": "number"}}}


def run(ctx, params):
    mode = params.get("mode", "ok")
    if mode == "slow":
        time.sleep(params.get("seconds", 30))
    if mode == "crash":
        raise ValueError("boom")
    if mode == "swallow":  # a SIGTERM to init while it waits, and a built-in that eats what it raises
        try:
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(params.get("seconds", 30))
        except Exception:  # noqa: BLE001 - the point of this mode
            return "carried on"
    if mode == "skip":
        raise Skip("not here")
    if mode == "fail":
        raise PortConflictError("port 80 in use")
    ctx.runtime_env["SAMPLE"] = "1"
    return "did the sample thing"

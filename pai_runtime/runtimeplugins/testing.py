"""Try a runtime plugin the way the product runs it: ``pai-runtime init`` then
``pai-runtime run`` as subprocesses, in a private work and config dir, no cluster.

Why in the package: a plugin author's test (``plugins/_template/test_example.py``) must
run from wherever the plugin lives (the repository's ``plugins/``, or any dir on
``PAI_PLUGIN_PATH``), with nothing but the runtime installed. The product surface is the
CLI (exit codes, one-line errors) and the generated POSIX sh, run by ``/bin/sh`` exactly
as the job container runs it. Imports PyYAML (a runtime dependency); never imported by
the runtime itself.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import yaml

#: only what runtime plugins need: no cluster, no image check
INIT_SPEC = "initPlugins: [{name: runtime-plugins, builtin: runtimeplugins}, {name: render, builtin: render}]"


def cli_path() -> str:
    """``pai-runtime`` beside this interpreter (a venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "pai-runtime"
    if beside.exists():
        return str(beside)
    found = shutil.which("pai-runtime")
    if found is None:
        raise RuntimeError("pai-runtime is not installed beside this Python nor on PATH (pip install -e .)")
    return found


class Job:
    def __init__(self, root: Path, *, env: dict[str, str] | None = None) -> None:
        self.root = root
        self.work = root / "work"
        self.config = root / "config"
        self.work.mkdir(parents=True, exist_ok=True)
        self.config.mkdir(parents=True, exist_ok=True)
        base = {k: v for k, v in os.environ.items()
                if k in ("PATH", "LANG", "LC_ALL", "TMPDIR", "USER", "LOGNAME")}
        self.env: dict[str, str] = {
            **base,
            "HOME": str(root / "home"),
            "PAI_WORK_DIR": str(self.work),
            "PAI_CONFIG_DIR": str(self.config),
            "PAI_TERMINATION_LOG": str(root / "termination-log"),
            "PAI_LOG_FORMAT": "console",
            "INIT_CONFIG": INIT_SPEC,
        }
        (root / "home").mkdir(exist_ok=True)
        if env:
            self.env.update(env)

    @property
    def runtime_dir(self) -> Path:
        return self.work / "runtime.d"

    @property
    def log_dir(self) -> Path:
        return self.work / "logs" / (self.env.get("FC_POD_UID") or "local")

    def secrets(self, data: dict[str, Any]) -> None:
        (self.config / "secrets.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")

    def _cli(self, args: list[str], env: dict[str, str] | None, timeout: float) -> subprocess.CompletedProcess[str]:
        full = {**self.env, **(env or {})}
        return subprocess.run([cli_path(), *args], env=full, capture_output=True, text=True, timeout=timeout,
                              cwd=self.root)

    def init(self, runtime_config: str | dict[str, Any] | None, *, env: dict[str, str] | None = None,
             timeout: float = 60) -> subprocess.CompletedProcess[str]:
        extra = dict(env or {})
        if runtime_config is not None:
            extra["RUNTIME_CONFIG"] = (runtime_config if isinstance(runtime_config, str)
                                       else yaml.safe_dump(runtime_config))
        return self._cli(["init"], extra, timeout)

    def run(self, *cmd: str, env: dict[str, str] | None = None,
            timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return self._cli(["run", *(["--", *cmd] if cmd else [])], env, timeout)

    def sh(self, script: str, *, env: dict[str, str] | None = None,
           timeout: float = 120) -> subprocess.CompletedProcess[str]:
        """Run ``runtime.d/<script>`` with ``/bin/sh`` and the runtime env, as the job
        container's supervisor does."""
        from pai_runtime import envfile

        full = {**self.env, **envfile.read(self.runtime_dir / "env"), **(env or {})}
        return subprocess.run(["/bin/sh", str(self.runtime_dir / script)], env=full, capture_output=True,
                              text=True, timeout=timeout, cwd=self.root)

    def init_log(self) -> str:
        p = self.log_dir / "init.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def runtime_log(self) -> str:
        p = self.log_dir / "runtime.log"
        return p.read_text(errors="replace") if p.exists() else ""

    def settings(self) -> dict[str, Any]:
        return json.loads((self.runtime_dir / "settings.json").read_text())

    def all_text(self) -> str:
        """Every file init and run wrote (logs, runtime.d), for leak checks; files of
        mode 0600 (credential files by design) and the ``cred/`` dir are left out."""
        out = []
        for p in self.work.rglob("*"):
            if p.is_file() and "cred" not in p.parts and p.stat().st_mode & 0o077:
                out.append(p.read_text(errors="replace"))
        return "\n".join(out)

"""Build hooks setuptools cannot express in setup.cfg.

Why: ``specs/`` and ``plugins/`` live at the top of the checkout (operators and plugin
authors edit them there), but an installed wheel has only site-packages. ``build_py``
copies both trees into the wheel as ``pai_runtime/_home/`` (found by
``pai_runtime.layout.resource_dir``); ``PAI_HOME`` still overrides them. And setuptools'
scratch files (``build/lib``, ``*.egg-info``) go to ``.setuptools-build/`` because our own
``build/`` folder holds the Dockerfile and the Kubernetes manifests.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.command.egg_info import egg_info

HERE = Path(__file__).resolve().parent
SCRATCH = ".setuptools-build"
SHIPPED = ("specs", "plugins")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.pyo")


class BuildPy(build_py):
    """Also copy ``specs/`` and ``plugins/`` (file modes kept: plugin scripts are executable)."""

    def run(self) -> None:
        super().run()
        home = Path(self.build_lib) / "pai_runtime" / "_home"
        for name in SHIPPED:
            src = HERE / name
            if src.is_dir():
                dst = home / name
                shutil.rmtree(dst, ignore_errors=True)
                shutil.copytree(src, dst, ignore=SKIP)


class EggInfo(egg_info):
    """Write ``*.egg-info`` under the scratch dir instead of the checkout's top."""

    def initialize_options(self) -> None:
        super().initialize_options()
        os.makedirs(HERE / SCRATCH, exist_ok=True)
        self.egg_base = SCRATCH


setup(cmdclass={"build_py": BuildPy, "egg_info": EggInfo})

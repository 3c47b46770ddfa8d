"""The plugin author's test helper, under its public name: ``from pai_runtime import plugin_testing``.

Why a re-export: the helper lives in :mod:`pai_runtime.runtimeplugins.testing`; tests written
against this name keep working.
"""

from pai_runtime.runtimeplugins.testing import INIT_SPEC, Job, cli_path  # noqa: F401

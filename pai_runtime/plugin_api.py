"""The runtime plugin API, under the name plugins import: ``from pai_runtime import plugin_api``.

Why a re-export: the API lives in :mod:`pai_runtime.runtimeplugins.api` beside the rest of
the runtime plugin machinery, and plugins written against this name keep working.
"""

from pai_runtime.runtimeplugins.api import (  # noqa: F401
    CONFIG_INVALID,
    INPUT_FIELDS,
    PluginInput,
    die_sh,
    fail,
    load,
    platform_name,
    q,
    quote,
    read_yaml,
)

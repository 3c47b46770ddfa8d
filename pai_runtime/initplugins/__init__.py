"""Built-in init plugins, by the name an init plugin spec uses in ``builtin:``.

A built-in is a module with ``run(ctx, params) -> str | None`` (the returned text is
its one-line summary), an optional ``PARAMS_SCHEMA`` (JSON schema of ``parameters``,
checked before any plugin runs) and an optional ``TIMEOUT_CODE`` (the exit code when
the pipeline's ``timeout`` stops it; 248 otherwise). It raises
:class:`pai_runtime.errors.Skip` when it does not apply here and a
:class:`pai_runtime.errors.PaiError` subclass, carrying its documented exit code, when
it fails. Modules are imported only when a spec names them.
"""

from __future__ import annotations

BUILTINS: dict[str, str] = {
    "barrier": "pai_runtime.initplugins.barrier",
    "framework": "pai_runtime.initplugins.framework",
    "image_check": "pai_runtime.initplugins.image_check",
    "ports": "pai_runtime.initplugins.ports",
    "addons": "pai_runtime.initplugins.addons",
    "runtimeplugins": "pai_runtime.initplugins.plugins",
    "render": "pai_runtime.initplugins.render",
}

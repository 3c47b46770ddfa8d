"""``env`` and ``envFile`` of RUNTIME_CONFIG: the user's variables, secrets rendered.

Why in config: both are user input, and both must be refused here, at init, with one
line when they cannot work in the job container: an ``envFile`` that is a device or a
FIFO (``/dev/urandom`` once filled 550 MB in 3 s and outlived SIGTERM) or too large, and
a value holding NUL (``execve`` cannot pass it; ``run`` would fail late).
"""

from __future__ import annotations

import os

from pai_runtime import envfile
from pai_runtime.config import yamlsource
from pai_runtime.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Mapping

    from pai_runtime.config.secrets import JobScope, Secrets
    from pai_runtime.config.yamlsource import Document

#: an env file larger than this is no list of variables (Linux caps one variable at 128 KiB)
MAX_ENV_FILE = 1 << 20


def render(doc: Document, config_dir: str | os.PathLike[str], environ: Mapping[str, str], secrets: Secrets,
           job: JobScope | None = None) -> dict[str, str]:
    """The variables of ``envFile`` then ``env`` (``env`` wins), references rendered
    (``$secrets``, and ``$parameters``/``$data``/... against ``job``, the job config)."""
    out: dict[str, str] = {}
    env_file = doc.data.get("envFile")
    if env_file:
        from pai_runtime.layout import pure

        path = pure(os.path.join(config_dir, env_file))  # an absolute envFile stays itself, as pathlib joins it
        try:  # bounded, and a FIFO or a device is refused, not read forever
            text = yamlsource.read_text(path, "envFile", max_bytes=MAX_ENV_FILE)
        except ConfigError as exc:
            raise ConfigError(exc.line(), where=doc.where(("envFile",)),
                              hint="give a readable KEY=VALUE file") from None
        try:
            from_file = envfile.parse_docker_env_file(text, path, environ)
        except ValueError as exc:
            raise ConfigError(str(exc), where=doc.where(("envFile",))) from None
        for key, value in from_file.items():
            out[key] = _no_nul(secrets.render(value, used_in=f"{path}, {key}", job=job), key, path)
    for key, value in (doc.data.get("env") or {}).items():
        if not envfile.valid_name(str(key)):
            raise ConfigError(f"{key!r} is not a valid environment variable name",
                              where=doc.where(("env", key)),
                              hint="use letters, digits and '_', not starting with a digit")
        text = str(value).lower() if isinstance(value, bool) else str(value)
        out[str(key)] = _no_nul(secrets.render(text, used_in=doc.where(("env", key)), job=job), str(key),
                                doc.where(("env", key)))
    return out


def _no_nul(value: str, key: str, where: str) -> str:
    """An environment value cannot hold NUL (``execve`` ends it there): refused by name."""
    if "\0" in value:
        raise ConfigError(f"the value of {key} contains a NUL character", where=where,
                          hint="remove the \\0 from the value (an environment variable cannot hold it)")
    return value

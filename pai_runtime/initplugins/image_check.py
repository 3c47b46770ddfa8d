"""Built-in ``image_check``: fail in seconds when the job's image does not exist or its
credentials are refused, instead of leaving the pod in ImagePullBackOff.

Why it never fails on doubt: a rate-limited, slow or unreachable registry says nothing
about the image, so those verdicts ("unknown") pass with a warning; only a sure answer
fails init with 254 (see :mod:`pai_runtime.registry.check`). The check's deadline is
clipped to the plugin's timeout, so the plugin ends by itself before the pipeline would
have to stop it.

Parameters: ``image`` (default: RUNTIME_CONFIG ``image``, then env ``PAI_JOB_IMAGE``),
``auth`` ({username, password, registryuri}, secrets already rendered), ``dockerConfig``,
``insecureRegistries``, ``caBundle`` (relative paths are under ``$PAI_CONFIG_DIR``),
``deadline`` (default 60s), ``mirror`` (Docker Hub mirror URL or list of them).
"""

from __future__ import annotations

from pathlib import Path

from pai_runtime.errors import ConfigError, Skip

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.init.context import InitContext

PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "image": {"type": "string", "minLength": 1, "description": "image reference to check"},
        "auth": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "username": {"type": "string"},
                "password": {"type": "string"},
                "registryuri": {"type": "string"},
                "registryUri": {"type": "string"},
            },
            "description": "the job's registry credentials",
        },
        "dockerConfig": {"type": "string", "description": "docker config.json path (or its directory)"},
        "insecureRegistries": {"type": "array", "items": {"type": "string"},
                               "description": "HOST[:PORT] or CIDR spoken to over plain http"},
        "caBundle": {"type": "string", "description": "CA certificates for registry TLS"},
        "deadline": {"type": ["string", "number"], "description": "whole-check deadline, e.g. 60s"},
        "mirror": {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
                   "description": "Docker Hub mirror URL(s), asked first"},
    },
}

DEFAULT_DEADLINE = 60.0
#: Seconds kept back from the plugin's timeout so the check ends first.
TIMEOUT_MARGIN = 1.0


def _path(value: str | None, ctx: InitContext) -> str | None:
    if not value:
        return None
    p = Path(value)
    return str(p if p.is_absolute() else ctx.layout.config_dir / p)


def _from_job_config(ctx: InitContext, auth: Any) -> tuple[str | None, Any]:
    """The current task role's ``dockerImage`` prerequisite (``uri``, ``auth`` with its
    ``<% $secrets.x %>`` references filled in), as OpenPAI's image checker reads it."""
    from pai_runtime.openpai import jobconfig

    doc = jobconfig.load(ctx.layout, ctx.runtime_config, ctx.job_config)
    role = jobconfig.current_role(ctx)
    if doc is None or not role:
        return None, auth
    found = jobconfig.prerequisite(doc, role, "dockerimage", "dockerImage")
    if found is None:
        return None, auth
    pre, where = found
    scope = jobconfig.scope(doc, role)
    uri = pre.get("uri")
    if not isinstance(uri, str) or not uri.strip():
        raise ConfigError("the dockerimage prerequisite has no uri", where=where, hint="add uri: IMAGE[:TAG]")
    if auth is None and isinstance(pre.get("auth"), dict):
        # stays in the init container: not handed to the job's redactor
        auth = ctx.secrets.render_tree(pre["auth"], used_in=f"{where}.auth", track=False, job=scope)
    return ctx.secrets.render(uri.strip(), used_in=f"{where}.uri", track=False, job=scope), auth


def run(ctx: InitContext, params: dict[str, Any]) -> str:
    from pai_runtime.registry.check import FAIL, UNKNOWN, check
    from pai_runtime.registry.client import Options, check_mirror
    from pai_runtime.units import UnitError, parse_duration

    image = params.get("image") or (ctx.runtime_config.data or {}).get("image")
    auth = params.get("auth")
    if not image:
        image, auth = _from_job_config(ctx, auth)
    image = image or ctx.environ.get("PAI_JOB_IMAGE")
    if not image:
        raise Skip("no image to check (set parameters.image, RUNTIME_CONFIG 'image', the task role's "
                   "dockerImage prerequisite or PAI_JOB_IMAGE)")
    try:
        deadline = parse_duration(params.get("deadline", DEFAULT_DEADLINE))
    except UnitError as exc:
        raise ConfigError(f"invalid image_check deadline: {exc}", hint="e.g. deadline: 60s") from None
    if deadline is None or deadline <= 0:
        raise ConfigError("invalid image_check deadline: it must be a positive duration",
                          hint="e.g. deadline: 60s")
    left = ctx.remaining()
    if left is not None:
        deadline = max(0.5, min(deadline, left - TIMEOUT_MARGIN))
    ca = _path(params.get("caBundle"), ctx)
    if ca and not Path(ca).is_file():
        raise ConfigError(f"image_check caBundle {ca!r} is not a file", hint="mount the CA bundle or fix the path")
    mirror = params.get("mirror") or ()
    mirror = tuple(check_mirror(m) for m in ((mirror,) if isinstance(mirror, str) else mirror))
    options = Options(deadline=deadline, insecure_registries=tuple(params.get("insecureRegistries") or ()),
                      ca_bundle=ca, mirrors=mirror)
    environ = dict(ctx.environ)
    environ["PAI_CONFIG_DIR"] = str(ctx.layout.config_dir)
    verdict = check(str(image), options=options, job_auth=auth,
                    docker_config=_path(params.get("dockerConfig"), ctx), environ=environ, log=ctx.log,
                    cancelled=ctx.cancelled)
    if verdict.outcome == FAIL:
        raise verdict.error()
    ctx.image_check = {"image": str(image), "outcome": verdict.outcome, "digest": verdict.digest}
    if verdict.outcome == UNKNOWN:
        return f"{image}: unknown ({verdict.reason}); not failing"
    return f"{image}: found" + (f" ({verdict.digest})" if verdict.digest else "")

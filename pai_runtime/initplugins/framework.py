"""Built-in ``framework``: the job's runtime env (``PAI_*``, torch, opt-in TF_CONFIG,
MPI hostfile, Volcano ``VC_*``) from the Framework the barrier read.

Why a plugin of its own: the barrier only knows *when* the gang is complete; this one
knows what the job's code expects to find in its environment, and it is where the task
role names of the job config (``taskrole_1``) meet the platform's converted names
(``taskrole1``): every lookup goes through :class:`pai_runtime.openpai.roles.RoleMap`, so the
old ``KeyError: 'taskrole1'`` cannot happen and two names that collide are a clear 247.

Without a Framework: under ``pai-runtime up`` it writes the env of a single local task
(127.0.0.1, rank 0 of 1) so distributed code runs unchanged on a laptop; in a cluster
where the barrier found nothing it skips. The pure logic is :mod:`pai_runtime.openpai.env`.
"""

from __future__ import annotations

import os

from pai_runtime.config import yamlsource
from pai_runtime.errors import ConfigError, Skip
from pai_runtime.openpai import env as frameworkenv
from pai_runtime.openpai import framework as fwstatus
from pai_runtime.openpai import jobconfig
from pai_runtime.openpai.roles import RoleMap, platform_name

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.init.context import InitContext

HOSTFILE = "mpi-hostfile"
_names = {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1}
_port = {"type": ["string", "integer"]}
PARAMS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "file": {"type": "string", "minLength": 1, "description": "framework.json when no barrier ran"},
        "torch": {"type": "boolean"},
        "masterRole": {"type": "string", "minLength": 1},
        "masterPort": _port,
        "torchRoles": _names,
        "tfConfig": {"type": "boolean"},
        "tfPort": _port,
        "mpiHostfile": {"type": "boolean"},
        "mpiSlots": {"type": "integer", "minimum": 1},
        "mpiRoles": _names,
        "volcano": {"type": "boolean"},
    },
}


def _load_file(path: str) -> dict[str, Any]:
    try:  # bounded, and a FIFO or a device is refused, not read forever
        fw = yamlsource.load_json_file(path, "framework file", max_bytes=fwstatus.MAX_FILE_BYTES)
    except ConfigError as exc:
        raise ConfigError(f"framework file {path!r} cannot be read: {exc.line()}",
                          where="framework parameters.file", hint="give the path of a framework.json") from None
    if not isinstance(fw, dict):
        raise ConfigError(f"framework file {path!r} is not a JSON object", where="framework parameters.file")
    try:
        return fwstatus.decompress(fw)
    except fwstatus.FrameworkFormatError as exc:
        raise ConfigError(f"framework file {path!r}: {exc}", where="framework parameters.file") from None


def _job_config(ctx: InitContext, fw: dict[str, Any] | None) -> tuple[Any, bool]:
    """The job config document and whether it came from the Framework's annotation."""
    doc = jobconfig.load(ctx.layout, ctx.runtime_config)
    if doc is not None or fw is None:
        return doc, False
    text = ((fw.get("metadata") or {}).get("annotations") or {}).get("config")
    if not isinstance(text, str) or not text.strip():
        return None, False
    doc = yamlsource.parse(text, "Framework annotation 'config'")
    if not isinstance(doc.data, dict):
        return None, False
    return doc, True


def _local_framework(roles: RoleMap, environ: Any) -> tuple[dict[str, Any], str]:
    role = environ.get("PAI_CURRENT_TASK_ROLE_NAME") or (roles.names[0] if roles.names else "taskrole")
    name = platform_name(role) or "taskrole"
    fw = {"metadata": {"name": "local"},
          "spec": {"taskRoles": [{"name": name, "taskNumber": 1, "task": {"pod": {"metadata": {}}}}]},
          "status": {"attemptStatus": {"taskRoleStatuses": [{"name": name, "taskStatuses": [
              {"index": 0, "attemptStatus": {"podIP": "127.0.0.1", "podHostIP": "127.0.0.1", "podUID": "local",
                                             "podName": "local"}}]}]}}}
    return fw, name


def _gpus(doc: Any) -> dict[str, int]:
    out = {}
    for role, spec in ((doc.data.get("taskRoles") or {}) if doc is not None else {}).items():
        try:
            gpu = int(((spec or {}).get("resourcePerInstance") or {}).get("gpu") or 0)
        except (TypeError, ValueError, AttributeError):
            continue
        if gpu > 0:
            out[str(role)] = gpu
    return out


def _write(path: str, text: str) -> None:
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def run(ctx: InitContext, params: dict[str, Any]) -> str:
    env = ctx.environ
    fw = ctx.framework
    source = ctx.framework_source
    if fw is None and params.get("file"):
        fw, source = _load_file(params["file"]), f"file {params['file']}"
    doc, from_annotation = _job_config(ctx, fw)
    if from_annotation:
        ctx.job_config = doc
    roles = jobconfig.roles(doc)
    local_role = None
    if fw is None:
        if not ctx.local:
            raise Skip("no Framework to read: the barrier did not run here (see its line above)")
        fw, local_role = _local_framework(roles, env)
        source = "local single task"
    spec_names = [n for n, _ in fwstatus.spec_roles(fw)]
    fw_roles = RoleMap(spec_names, source="Framework spec.taskRoles")

    wanted = (env.get("PAI_CURRENT_TASK_ROLE_NAME") or env.get("FC_TASKROLE_NAME") or "").strip()
    shared_task = ctx.current_task
    role: str | None = local_role
    if role is None and wanted:
        role = fw_roles.resolve(wanted)
        if role is None:
            raise ConfigError(f"this task's role {wanted!r} is not a task role of the Framework",
                              where="env PAI_CURRENT_TASK_ROLE_NAME / FC_TASKROLE_NAME",
                              hint=f"Framework roles: {', '.join(spec_names) or 'none'}")
    elif role is None and shared_task:
        role = shared_task[0]
    index_text = (env.get("FC_TASK_INDEX") or env.get("PAI_CURRENT_TASK_ROLE_CURRENT_TASK_INDEX")
                  or env.get("PAI_TASK_INDEX") or "").strip()
    index: int | None = None
    if local_role is not None:
        index = 0
    elif index_text:
        if not index_text.isdigit():
            raise ConfigError(f"task index {index_text!r} is not a number", where="env FC_TASK_INDEX")
        index = int(index_text)
    elif shared_task and role == shared_task[0]:
        index = int(shared_task[1])

    options = frameworkenv.Options(
        torch=params.get("torch", True), master_role=params.get("masterRole"), master_port=params.get("masterPort"),
        torch_roles=params.get("torchRoles"), tf_config=params.get("tfConfig", False), tf_port=params.get("tfPort"),
        mpi_hostfile=params.get("mpiHostfile", False), mpi_slots=params.get("mpiSlots"),
        mpi_roles=params.get("mpiRoles"), volcano=params.get("volcano", False), gpus=_gpus(doc))
    result = frameworkenv.generate(fw, current_role=role, current_index=index, roles=roles, options=options,
                                   hostfile_path=os.path.join(ctx.layout.runtime_dir, HOSTFILE))
    for w in result.warnings:
        ctx.progress(w)
    out = dict(result.env)
    if role is not None and index is not None:
        out["PAI_CURRENT_TASK_ROLE_NAME"] = roles.resolve(role) or env.get("PAI_CURRENT_TASK_ROLE_NAME") or role
        out["PAI_CURRENT_TASK_ROLE_CURRENT_TASK_INDEX"] = str(index)
        if result.current is None:
            ctx.progress(f"task {role}-{index} is not in the Framework status; PAI_CURRENT_* not set")
    ctx.runtime_env.update(out)
    # paths through os.path: the staging dir and Layout fields are str or os.PathLike
    if result.hostfile is not None:
        _write(os.path.join(ctx.staging, HOSTFILE), result.hostfile)
    job_file = os.path.join(ctx.staging, "job_config.yaml")
    if from_annotation and doc is not None and not os.path.exists(job_file):
        _write(job_file, fw["metadata"]["annotations"]["config"])
    ctx.current_ports = dict(result.current.ports) if result.current is not None else {}
    if role is not None and index is not None:
        ctx.current_task = (role, index)
    who = f"{role}-{index}" if role is not None and index is not None else "no current task"
    return f"{len(out)} variables for {who} ({source})"

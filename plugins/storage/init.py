"""storage plugin: mount the storage configs the job names (storageConfigNames).

Configs are the operator's (``$PAI_CONFIG_DIR/storage/*.yaml``); secret values in them may
be ``<% $secrets.x %>`` references. Credentials go into files (mode 0600) that the mount
helpers read, never onto a command line or into a log.
"""

import os
from pathlib import Path

import openpai_format as op
import storage_mounts as sm

from pai_runtime import plugin_api
from pai_runtime.plugin_api import q


def openpai_configs(config_dir: Path, environ: dict[str, str]) -> dict:
    """OpenPAI's storage-config / storage-server secrets: mounted under the config dir,
    else from the Kubernetes API (namespace ``PAI_STORAGE_NAMESPACE``, default pai-storage)."""
    found = op.from_dirs(config_dir)
    source = f"{config_dir}/storage-config"
    if found is None:
        namespace = environ.get("PAI_STORAGE_NAMESPACE") or op.NAMESPACE
        found = op.from_api(environ, namespace)
        source = f"secret {namespace}/storage-config"
    if found is None:
        return {}
    return op.native(found[0], found[1], source, environ)


def main() -> None:
    inp = plugin_api.load()
    from pai_runtime.config import secrets as secrets_mod
    from pai_runtime.errors import ConfigError

    config_dir = Path(inp.getenv("PAI_CONFIG_DIR") or "/usr/local/pai-config")
    environ = {**os.environ, **inp.env}
    try:
        secrets = secrets_mod.load(config_dir)
        configs = sm.load_configs(config_dir / "storage",
                                  lambda item, where: secrets.render_tree(item, used_in=where))
        names = inp.parameters.get("storageConfigNames") or []
        if not configs or any(n not in configs for n in names):
            configs.update(openpai_configs(config_dir, environ))
        for cfg, where in configs.values():
            for m in cfg.get("mounts") or []:
                if isinstance(m, dict):
                    for k in ("path", "mountPoint"):
                        if isinstance(m.get(k), str):
                            m[k] = op.expand(m[k], environ, where)
        permitted = op.allowed(environ)
        if permitted is not None:
            for n in names:
                if n not in permitted:
                    raise sm.StorageError(f"user {environ.get('PAI_USER_NAME') or '?'} may not mount storage config "
                                          f"{n!r}", "parameter storageConfigNames",
                                          f"configs allowed by STORAGE_CONFIGS: {', '.join(permitted) or 'none'}")
            if not names:
                configs = {k: v for k, v in configs.items() if k in permitted}
        mounts = sm.plan(names or sm.default_names(configs), configs)
    except sm.StorageError as exc:
        plugin_api.fail(exc.line())
    except ConfigError as exc:
        plugin_api.fail(exc.line())
    files_dir = str(inp.runtime_out_dir)
    for i, m in enumerate(mounts):
        try:
            argv, helper = sm.commands(m, files_dir, i)
        except sm.StorageError as exc:
            plugin_api.fail(exc.line())
        for name, (content, mode) in m.files.items():
            inp.out_file(name, content, mode)
        pkg = sm.HELPER_PACKAGE.get(helper, helper)
        what = f"{m.config}: {m.kind} -> {m.mount_point}" + (" (read-only)" if m.read_only else "")
        inp.pre([
            "PATH=$PATH:/sbin:/usr/sbin:/usr/local/sbin",
            f"command -v {q(helper)} >/dev/null 2>&1 || "
            + plugin_api.die_sh(f"storage: {helper} is not installed in the job image (install {pkg})", 127),
            f"echo {q('storage: mounting ' + what)}",
            f"mkdir -p {q(m.mount_point)}",
            *[" ".join(q(a) for a in line) for line in argv],
        ])
    print(f"storage: {len(mounts)} mount(s): " + ", ".join(f"{m.kind} {m.mount_point}" for m in mounts))


if __name__ == "__main__":
    main()

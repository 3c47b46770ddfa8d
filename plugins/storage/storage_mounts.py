"""Storage configs (operator files) and the mount commands they turn into.

Why a module of its own: the command lines are the contract with the real mount helpers
(mount.nfs, mount.cifs, mount --bind, blobfuse2); tests import :func:`commands` and check
each one against the helper's man page and its fake (-f) mode.

An operator file ``$PAI_CONFIG_DIR/storage/<file>.yaml`` holds one config or a list::

    name: team-data                      # what jobs list in storageConfigNames
    servers:
      nfs1: {type: nfs, address: 10.0.0.4, rootPath: /exports, options: [vers=4.1, hard]}
    mounts:
    - {mountPoint: /mnt/data, server: nfs1, path: datasets, readOnly: true}
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TYPES = {"nfs": "nfs", "cifs": "cifs", "samba": "cifs", "azurefile": "azurefile", "azureblob": "azureblob",
         "hostpath": "bind", "bind": "bind"}
REQUIRED = {"nfs": ["address", "rootPath"], "cifs": ["address", "share"], "azurefile": ["accountName", "accountKey",
            "shareName"], "azureblob": ["accountName", "accountKey", "containerName"], "bind": ["path"]}
AZUREFILE_OPTIONS = ["vers=3.1.1", "dir_mode=0777", "file_mode=0777", "serverino", "nosharesock", "actimeo=30"]


class StorageError(Exception):
    """A problem in an operator file or a job's names: what, where, how to fix."""

    def __init__(self, message: str, where: str = "", hint: str = "") -> None:
        super().__init__(message)
        self.message, self.where, self.hint = message, where, hint

    def line(self) -> str:
        return (f"{self.where}: " if self.where else "") + self.message + (f" ({self.hint})" if self.hint else "")


@dataclass
class Mount:
    config: str
    kind: str  # nfs | cifs | azurefile | azureblob | bind
    server: dict[str, Any]
    mount_point: str
    sub_path: str
    read_only: bool
    where: str
    files: dict[str, tuple[str, int]] = field(default_factory=dict)  # name -> (content, mode)
    #: create the sub-path on the share first (OpenPAI's per-user dirs need not exist yet)
    create_path: bool = False


def load_configs(directory: Path, render: Any = None) -> dict[str, tuple[dict[str, Any], str]]:
    """Every config in ``directory/*.yaml`` by name -> (config, where)."""
    from pai_runtime.config import yamlsource
    from pai_runtime.errors import ConfigError

    out: dict[str, tuple[dict[str, Any], str]] = {}
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*.y*ml")):
        try:
            doc = yamlsource.parse(yamlsource.read_file(path, "storage config"), str(path))
        except ConfigError as exc:
            raise StorageError(exc.message, exc.where or str(path), exc.hint or "") from None
        items = doc.data if isinstance(doc.data, list) else [doc.data]
        for i, item in enumerate(items):
            sub = (i,) if isinstance(doc.data, list) else ()
            where = doc.where(sub)
            if not isinstance(item, dict):
                raise StorageError("a storage config must be a mapping with servers and mounts", where)
            name = str(item.get("name") or path.stem)
            if name in out:
                raise StorageError(f"storage config {name!r} is defined twice (also at {out[name][1]})", where,
                                   "give every config a unique name")
            if render is not None:
                item = render(item, where)
            out[name] = (item, where)
    return out


def _clean_sub(path: str, where: str) -> str:
    if not path:
        return ""
    norm = posixpath.normpath("/" + path).lstrip("/")
    if path.startswith("/") or ".." in path.split("/") or norm in ("", "."):
        raise StorageError(f"sub-path {path!r} must be relative and stay inside the share", where,
                           "write it like team/datasets (no leading /, no ..)")
    return norm


def _options(server: dict[str, Any], where: str) -> list[str]:
    opts = server.get("options") or []
    if isinstance(opts, str):
        opts = [o for o in opts.split(",") if o]
    for o in opts:
        if not isinstance(o, str) or not o or any(c in o for c in ", \t\n'\"\\"):
            raise StorageError(f"mount option {o!r} is not a single option", where,
                               "give options as a list like [vers=4.1, hard]")
    return list(opts)


def default_names(configs: dict[str, tuple[dict[str, Any], str]]) -> list[str]:
    """Configs the operator marked ``default: true``: what a job gets when it names none
    (OpenPAI's teamwise storage does the same)."""
    names = [name for name, (cfg, _) in configs.items() if cfg.get("default") is True]
    if not names:
        known = ", ".join(sorted(configs)) or "none (the operator has defined none)"
        raise StorageError("no storageConfigNames given and no storage config is marked default: true",
                           "parameter storageConfigNames", f"name the configs to mount; known storage configs: {known}")
    return names


def plan(names: list[str], configs: dict[str, tuple[dict[str, Any], str]]) -> list[Mount]:
    """The mounts of the named configs, in order; unknown names list the known ones."""
    out: list[Mount] = []
    seen: dict[str, str] = {}
    for name in names:
        if name not in configs:
            known = ", ".join(sorted(configs)) or "none (the operator has defined none)"
            raise StorageError(f"unknown storage config {name!r}", "parameter storageConfigNames",
                               f"known storage configs: {known}")
        cfg, where = configs[name]
        servers = cfg.get("servers") or {}
        mounts = cfg.get("mounts") or []
        if not isinstance(servers, dict) or not isinstance(mounts, list) or not mounts:
            raise StorageError(f"storage config {name!r} needs servers (a mapping) and mounts (a list)", where)
        for j, m in enumerate(mounts):
            mwhere = f"{where}, mounts[{j}]"
            if not isinstance(m, dict) or "mountPoint" not in m or "server" not in m:
                raise StorageError("a mount needs mountPoint and server", mwhere)
            server = servers.get(m["server"])
            if not isinstance(server, dict):
                raise StorageError(f"server {m['server']!r} is not defined", mwhere,
                                   f"servers of {name!r}: {', '.join(map(str, servers)) or 'none'}")
            kind = TYPES.get(str(server.get("type", "")).lower())
            if kind is None:
                raise StorageError(f"server type {server.get('type')!r} is not supported", mwhere,
                                   "use nfs, cifs (samba), azurefile, azureblob or hostPath")
            missing = [k for k in REQUIRED[kind] if not server.get(k)]
            if missing:
                raise StorageError(f"server {m['server']!r} ({kind}) needs {', '.join(missing)}", mwhere)
            if kind == "bind" and not str(server["path"]).startswith("/"):
                raise StorageError(f"server {m['server']!r} (hostPath): path {server['path']!r} must be absolute",
                                   mwhere, "write the host directory from the root, e.g. /mnt/host/datasets")
            mp = str(m["mountPoint"])
            if not mp.startswith("/") or "\n" in mp or posixpath.normpath(mp) == "/":
                raise StorageError(f"mountPoint {mp!r} must be an absolute path other than /", mwhere)
            mp = posixpath.normpath(mp)
            if mp in seen:
                raise StorageError(f"mountPoint {mp} is used twice (also by {seen[mp]})", mwhere)
            seen[mp] = f"config {name!r}"
            _options(server, mwhere)
            out.append(Mount(name, kind, server, mp, _clean_sub(str(m.get("path") or ""), mwhere),
                             bool(m.get("readOnly", False)), mwhere, create_path=bool(m.get("createPath", False))))
    return out


def _scalar(value: Any) -> str:
    """A YAML scalar that stays a string whatever it holds (a key may contain ``#`` or
    ``: ``); JSON strings are valid YAML."""
    import json

    return json.dumps(str(value))


def _join(root: str, sub: str) -> str:
    return posixpath.join(root, sub) if sub else root


def azurefile_host(s: dict[str, Any]) -> str:
    """The share's host: ``endpoint`` (a sovereign cloud's or a private endpoint's host, as
    OpenPAI's ``dataStore``), else ``<account>.file.<endpointSuffix or core.windows.net>``."""
    endpoint = str(s.get("endpoint") or "").strip()
    if endpoint:
        host = endpoint.split("://", 1)[-1].strip("/")
        if not host or "/" in host or any(c.isspace() for c in host):
            raise StorageError(f"azurefile endpoint {endpoint!r} is not a host name", "",
                               "e.g. acct.file.core.chinacloudapi.cn or acct.privatelink.file.core.windows.net")
        return host
    suffix = str(s.get("endpointSuffix") or "core.windows.net").strip(".")
    return f"{s['accountName']}.file.{suffix}"


def commands(m: Mount, files_dir: str, index: int) -> tuple[list[list[str]], str]:
    """(argv lines, helper program) for one mount; secret files are put in ``m.files``
    (relative name -> content, mode) and referenced under ``files_dir``. With
    ``create_path`` the share's root is mounted on a temporary dir first to create the
    sub-path (as OpenPAI does), then the sub-path is mounted."""
    argv, helper = _commands(m, files_dir, index)
    if not (m.create_path and m.sub_path) or m.kind not in ("nfs", "cifs", "azurefile"):
        return argv, helper
    root = Mount(m.config, m.kind, m.server, f"/tmp/pai-storage-root-{index}", "", False, m.where)
    root_argv, _ = _commands(root, files_dir, index)
    m.files.update(root.files)
    tmp = root.mount_point
    return ([["mkdir", "-p", tmp], *root_argv, ["mkdir", "-p", posixpath.join(tmp, m.sub_path)],
             ["umount", "-l", tmp], ["rmdir", tmp], *argv], helper)


def _commands(m: Mount, files_dir: str, index: int) -> tuple[list[list[str]], str]:
    s = m.server
    opts = _options(s, m.where)
    ro = ["ro"] if m.read_only else []
    if m.kind == "nfs":
        root = str(s["rootPath"])
        host = str(s["address"])
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # nfs(5): an IPv6 address in brackets
        src = f"{host}:{_join(root, m.sub_path)}"
        o = ro + opts
        return [["mount", "-t", "nfs", *(["-o", ",".join(o)] if o else []), src, m.mount_point]], "mount.nfs"
    if m.kind in ("cifs", "azurefile"):
        cred = f"cifs-{index}.cred"
        if m.kind == "cifs":
            host, share = str(s["address"]), str(s["share"]).strip("/")
            user, password = s.get("username"), s.get("password")
            extra = opts
        else:
            host, share = azurefile_host(s), str(s["shareName"]).strip("/")
            user, password = s["accountName"], s["accountKey"]
            extra = AZUREFILE_OPTIONS + [o for o in opts if o.split("=")[0] not in
                                         {a.split("=")[0] for a in AZUREFILE_OPTIONS}]
        src = "//" + host + "/" + _join(share, m.sub_path)
        if user is not None or password is not None:
            lines = [f"username={user or ''}", f"password={password or ''}"]
            if s.get("domain"):
                lines.append(f"domain={s['domain']}")
            m.files[cred] = ("\n".join(lines) + "\n", 0o600)
            auth = [f"credentials={files_dir}/{cred}"]
        else:
            auth = ["guest"]
        return [["mount", "-t", "cifs", src, m.mount_point, "-o", ",".join(ro + auth + extra)]], "mount.cifs"
    if m.kind == "azureblob":
        cfg = f"blobfuse2-{index}.yaml"
        cache = f"/tmp/blobfuse2-cache-{index}"
        body = [
            "# blobfuse2 config generated by the pai-runtime storage plugin",
            f"read-only: {'true' if m.read_only else 'false'}",
            "components: [libfuse, file_cache, attr_cache, azstorage]",
            "file_cache:",
            f"  path: {_scalar(cache)}",
            "azstorage:",
            "  type: block",
            f"  account-name: {_scalar(s['accountName'])}",
            f"  account-key: {_scalar(s['accountKey'])}",
            "  mode: key",
            f"  container: {_scalar(s['containerName'])}",
        ]
        if s.get("endpoint"):
            body.append(f"  endpoint: {_scalar(s['endpoint'])}")
        if m.sub_path:
            body.append(f"  subdirectory: {_scalar(m.sub_path)}")
        m.files[cfg] = ("\n".join(body) + "\n", 0o600)
        return [["mkdir", "-p", cache],
                ["blobfuse2", "mount", m.mount_point, f"--config-file={files_dir}/{cfg}"]], "blobfuse2"
    src = _join(str(s["path"]), m.sub_path)
    argv = [["mount", "--bind", src, m.mount_point]]
    if m.read_only:
        argv.append(["mount", "-o", "remount,bind,ro", m.mount_point])
    return argv, "mount"


HELPER_PACKAGE = {"mount.nfs": "nfs-common", "mount.cifs": "cifs-utils", "blobfuse2": "blobfuse2",
                  "mount": "util-linux / mount"}

"""OpenPAI's teamwise storage tests (``test/test_runtime.py`` test_*_storage_plugin) with its
``storage-config`` / ``storage-server`` secrets (``fixtures/storage_test_*.json``), read from
a Kubernetes API server as OpenPAI's plugin reads them, and from the secrets mounted as
volumes.

What we compare is what gets mounted where (helper, source, mount point, options and
credentials), not OpenPAI's exact shell text: by design we pass credentials in 0600 files
(``credentials=``, blobfuse2's config file) instead of on the command line, mount Azure
Blob with blobfuse2 instead of the retired blobfuse + symlink, and do not ``apt-get``
inside the user's image. Like OpenPAI, a per-user sub-path is created on the share first
(mount root on a temporary dir, ``mkdir -p``, unmount) and the user name is the real one
(OpenPAI's bash expands ``${PAI_USER_NAME}``; we expand it at init: the same value)."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import pytest
import yaml

from tests.openpai import FIXTURES
from tests.openpai.jobs import openpai_job, precommands
from tests.rigs.kube_apiserver import KubeApiServer

pytestmark = pytest.mark.timeout(120)
ENV = {"PAI_USER_NAME": "test-user", "PAI_JOB_NAME": "job",
       "STORAGE_CONFIGS": json.dumps(["STORAGE_NFS", "STORAGE_TEST", "STORAGE_SAMBA", "STORAGE_AZURE_FILE",
                                      "STORAGE_AZURE_BLOB"])}


def secret(name: str) -> dict:
    obj = json.loads((FIXTURES / f"storage_test_{name}.json").read_text())
    obj["metadata"] = {"name": obj["metadata"]["name"], "namespace": obj["metadata"]["namespace"]}
    return obj


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):
    with KubeApiServer(tmp_path_factory.mktemp("kube"), tls=False) as rig:
        rig.start()
        rig.put(secret("config"))
        rig.put(secret("server"))
        yield rig


def job_text(names: list[str] | None) -> str:
    return yaml.safe_dump({"protocolVersion": 2, "name": "job", "type": "job",
                           "taskRoles": {"worker": {"instances": 1, "commands": ["ls /mnt"]}},
                           "extras": {"com.microsoft.pai.runtimeplugin": [
                               {"plugin": "teamwise_storage",
                                "parameters": {} if names is None else {"storageConfigNames": names}}]}})


def init(tmp: Path, api: KubeApiServer, names: list[str] | None, **env: str):
    job, _ = openpai_job(tmp, job_text(names), "worker",
                         env={**ENV, "KUBECONFIG": str(api.kubeconfig(tmp / "kubeconfig")), **env})
    return job, job.init(None)


def lines(job) -> list[list[str]]:
    out = []
    for line in precommands(job).splitlines():
        try:
            out.append(shlex.split(line))
        except ValueError:
            continue
    return out


def mounts(job) -> list[list[str]]:
    return [a for a in lines(job) if a[:1] == ["mount"] or a[:1] == ["blobfuse2"]]


NFS = [["mount", "-t", "nfs", "10.151.41.14:/data/share/drbdha", "/tmp/pai-storage-root-0"],
       ["mount", "-t", "nfs", "10.151.41.14:/data/share/drbdha/data", "/mnt/data"],
       ["mount", "-t", "nfs", "10.151.41.14:/data/share/drbdha", "/tmp/pai-storage-root-1"],
       ["mount", "-t", "nfs", "10.151.41.14:/data/share/drbdha/users/test-user", "/mnt/home"]]


def test_teamwise_nfs_storage_plugin(tmp_path: Path, api: KubeApiServer) -> None:
    """test_teamwise_nfs_storage_plugin: /mnt/data and the per-user /mnt/home from SRV_BJ;
    the sub-paths are created first (``mkdir --parents /tmp_SRV_BJ_root/users/${PAI_USER_NAME}``
    in OpenPAI)."""
    job, res = init(tmp_path, api, ["STORAGE_NFS"])
    assert res.returncode == 0, res.stderr
    assert mounts(job) == NFS
    assert ["mkdir", "-p", "/tmp/pai-storage-root-1/users/test-user"] in lines(job)
    assert "${PAI_USER_NAME}" not in precommands(job)


def test_default_storage_plugin(tmp_path: Path, api: KubeApiServer) -> None:
    """test_default_storage_plugin: no names -> the configs marked default (STORAGE_NFS)."""
    job, res = init(tmp_path, api, None)
    assert res.returncode == 0, res.stderr
    assert mounts(job) == NFS


def cred(job, line: list[str]) -> dict[str, str]:
    opts = dict(o.split("=", 1) if "=" in o else (o, "") for o in line[-1].split(","))
    path = Path(opts.pop("credentials"))
    return {**dict(x.split("=", 1) for x in path.read_text().splitlines()), **opts}


def test_teamwise_samba_storage_plugin(tmp_path: Path, api: KubeApiServer) -> None:
    """test_teamwise_samba_storage_plugin: //10.151.41.14/data/share/drbdha/data on
    /mnt/data, vers=3.0, user/password/domain from the server secret."""
    job, res = init(tmp_path, api, ["STORAGE_SAMBA"])
    assert res.returncode == 0, res.stderr
    real = mounts(job)[-1]
    assert real[:5] == ["mount", "-t", "cifs", "//10.151.41.14/data/share/drbdha/data", "/mnt/data"]
    c = cred(job, real)
    assert (c["username"], c["password"], c["domain"], c["vers"]) == ("user", "password", "domain", "3.0")
    assert "password=password" not in precommands(job)


def test_teamwise_azure_file_storage_plugin(tmp_path: Path, api: KubeApiServer) -> None:
    """test_teamwise_azure_file_storage_plugin: //datastore/fileshare/data on /mnt/data:
    the share's host is the server's ``dataStore`` (so sovereign clouds and private
    endpoints work), account name and key as credentials, 0777 modes, serverino."""
    job, res = init(tmp_path, api, ["STORAGE_AZURE_FILE"])
    assert res.returncode == 0, res.stderr
    real = mounts(job)[-1]
    assert real[:5] == ["mount", "-t", "cifs", "//datastore/fileshare/data", "/mnt/data"]
    c = cred(job, real)
    assert (c["username"], c["password"]) == ("accountname", "key")
    assert {"dir_mode": "0777", "file_mode": "0777", "serverino": ""}.items() <= c.items()


def test_teamwise_azure_blob_storage_plugin(tmp_path: Path, api: KubeApiServer) -> None:
    """test_teamwise_azure_blob_storage_plugin: container ``containername`` of account
    ``accountname``, its ``data`` folder on /mnt/data (OpenPAI: blobfuse + a symlink)."""
    job, res = init(tmp_path, api, ["STORAGE_AZURE_BLOB"])
    assert res.returncode == 0, res.stderr
    real = mounts(job)[-1]
    assert real[:3] == ["blobfuse2", "mount", "/mnt/data"]
    cfg = yaml.safe_load(Path(real[3].split("=", 1)[1]).read_text())
    assert cfg["azstorage"]["account-name"] == "accountname" and cfg["azstorage"]["account-key"] == "key"
    assert cfg["azstorage"]["container"] == "containername" and cfg["azstorage"]["subdirectory"] == "data"


def test_storage_secrets_mounted_as_volumes(tmp_path: Path) -> None:
    """The same secrets mounted as volumes under PAI_CONFIG_DIR (one file per key, the
    value base64-decoded as kubelet writes it) need no API server."""
    job, _ = openpai_job(tmp_path, job_text(["STORAGE_NFS"]), "worker", env=ENV)
    for kind in ("config", "server"):
        d = job.config / f"storage-{kind}"
        d.mkdir()
        import base64

        for k, v in secret(kind)["data"].items():
            (d / k).write_bytes(base64.b64decode(v))
    res = job.init(None)
    assert res.returncode == 0, res.stderr
    assert mounts(job) == NFS


def test_storage_configs_the_user_may_not_mount_are_refused(tmp_path: Path, api: KubeApiServer) -> None:
    """OpenPAI refuses a config not in the user's STORAGE_CONFIGS ("do not has permission")."""
    job, res = init(tmp_path, api, ["STORAGE_SAMBA"], STORAGE_CONFIGS='["STORAGE_NFS"]')
    assert res.returncode == 247
    assert "may not mount storage config 'STORAGE_SAMBA'" in res.stderr and "Traceback" not in res.stderr

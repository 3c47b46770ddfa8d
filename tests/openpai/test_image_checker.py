"""OpenPAI's ``test/test_image_checker.py``: the image of the current task role, named by
its ``dockerImage`` prerequisite (``uri``, ``auth`` with ``<% $secrets.x %>`` references),
checked by ``pai-runtime init`` against a real registry (distribution behind nginx,
tests/rigs/registry_rig.py) instead of the peer's mocked HTTP responses.

Differs on purpose: Docker Hub is ``registry-1.docker.io`` here (its real API host;
OpenPAI asked ``index.docker.io``, which only redirects), so credentials whose
``registryuri`` is ``https://index.docker.io/v1/`` are used for Docker Hub images as
docker does; no test here needs Docker Hub itself (a mirror stands in for it)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.openpai import FIXTURES
from tests.openpai.jobs import framework, openpai_job
from tests.rigs.registry_rig import RegistryRig, registry_rig  # noqa: F401 - fixture

pytestmark = pytest.mark.timeout(120)


def check(tmp: Path, rig: RegistryRig, name: str, *, uri: str | None = None, registry: str | None = None,
          password: str | None = None, username: str | None = None, mirror: str | None = None):
    docs = list(yaml.safe_load_all((FIXTURES / name).read_text()))
    job = docs[0]
    secrets = docs[1] if len(docs) > 1 else None
    pre = job["prerequisites"][0]
    if uri is not None:
        pre["uri"] = uri
    if registry is not None:
        pre["auth"]["registryuri"] = registry
    if username is not None:
        pre["auth"]["username"] = username
    if password is not None:
        secrets = {"docker_password_0": password}
    text = yaml.safe_dump(job)
    fw_file = tmp / "fw" / "framework.json"
    fw_file.parent.mkdir(parents=True)
    fw_file.write_text(json.dumps(framework(text)))
    params = {"insecureRegistries": list(rig.insecure), "deadline": "20s", **({"mirror": mirror} if mirror else {})}
    spec = {"initPlugins": [{"name": "framework", "builtin": "framework", "parameters": {"file": str(fw_file)}},
                            {"name": "image-check", "builtin": "image_check", "parameters": params}]}
    job_, _ = openpai_job(tmp / "job", text, "worker", init_spec=yaml.safe_dump(spec), secrets=secrets)
    return job_.init(None)


def test_official_image(tmp_path: Path, registry_rig: RegistryRig) -> None:  # noqa: F811
    """test_official_image: a one-name image is Docker Hub's ``library/<name>`` (the rig's
    registry stands in for Docker Hub as a mirror; ``busybox:v1`` is what it holds)."""
    res = check(tmp_path, registry_rig, "docker_official_image.yaml", uri="busybox:v1",
                mirror=registry_rig.url("noauth"))
    assert res.returncode == 0, res.stderr
    assert "busybox:v1: found" in res.stderr


def test_image_not_exist(tmp_path: Path, registry_rig: RegistryRig) -> None:  # noqa: F811
    """test_image_not_exist: ``openpai/fake_image`` -> the check fails (OpenPAI exit 1 -> 254)."""
    host = registry_rig.host("noauth")
    res = check(tmp_path, registry_rig, "docker_image_no_exist.yaml", uri=f"{host}/openpai/fake_image")
    assert res.returncode == 254, res.stderr


def test_acr_image_with_basic_auth(tmp_path: Path, registry_rig: RegistryRig) -> None:  # noqa: F811
    """test_acr_image / test_image_with_auth: a Basic-auth registry (ACR answers ``Basic
    realm="Azure Container Registry"``) with ``auth.username`` and the password from
    ``<% $secrets.docker_password_0 %>`` in OpenPAI's mounted secrets.yaml (the user is the
    rig's ``alice``; the fixture's ``openpai`` has no account there)."""
    host = registry_rig.host("basic")
    job = yaml.safe_load_all((FIXTURES / "docker_image_acr_registry.yaml").read_text())
    assert next(job)["prerequisites"][0]["auth"]["password"] == "<% $secrets.docker_password_0 %>"
    res = check(tmp_path, registry_rig, "docker_image_acr_registry.yaml", uri=f"{host}/private/app:v1",
                registry=host, username="alice", password="alice-secret")
    assert res.returncode == 0, res.stderr
    assert "private/app:v1: found" in res.stderr
    assert "alice-secret" not in res.stderr


def test_image_with_wrong_auth_fails(tmp_path: Path, registry_rig: RegistryRig) -> None:  # noqa: F811
    """A refused password is a sure answer: 254 (OpenPAI: "Login failed" -> exit 1 -> 254)."""
    host = registry_rig.host("basic")
    res = check(tmp_path, registry_rig, "docker_image_acr_registry.yaml", uri=f"{host}/private/app:v1",
                registry=host, password="password")
    assert res.returncode == 254, res.stderr


def test_image_with_token_auth(tmp_path: Path, registry_rig: RegistryRig) -> None:  # noqa: F811
    """test_acr_image_with_token: a Bearer realm (ACR's oauth2/token, Docker Hub's auth)."""
    host = registry_rig.host("token")
    res = check(tmp_path, registry_rig, "docker_image_acr_registry.yaml", uri=f"{host}/public/app:v1",
                registry=host, username="alice", password="alice-secret")
    assert res.returncode == 0, res.stderr
    assert "public/app:v1: found" in res.stderr


def test_image_with_unknown_ret(tmp_path: Path, registry_rig: RegistryRig) -> None:  # noqa: F811
    """test_image_with_unknown_ret: a registry answering 429 says nothing about the image:
    OpenPAI raises UnknownError and its checker passes with a warning; so do we."""
    host = registry_rig.host("always429")
    res = check(tmp_path, registry_rig, "docker_image_auth.yaml", uri=f"{host}/private/app:v1",
                registry=host, password="password")
    assert res.returncode == 0, res.stderr
    assert "unknown" in res.stderr and "not failing" in res.stderr


@pytest.mark.parametrize("uri", ["localhost:5000/~repo", "localhost/user@name/repo:tag"])
def test_invalid_image_uris(tmp_path: Path, registry_rig: RegistryRig, uri: str) -> None:  # noqa: F811
    """test_is_use_default_domain's invalid URIs: ImageNameError in OpenPAI -> exit 1 ->
    254; here 254 with no request sent and one line naming the broken rule."""
    res = check(tmp_path, registry_rig, "docker_image_no_exist.yaml", uri=uri)
    assert res.returncode == 254, res.stderr
    assert "invalid image reference" in res.stderr and "Traceback" not in res.stderr


#: test_is_use_default_domain: (image uri, the peer's expected repo and tag)
NORMALIZED = [("registry.domain/user-name/repo-0:tag-0.version", "user-name/repo-0", "tag-0.version"),
              ("username/repo:tag", "username/repo", "tag"), ("username/repo", "username/repo", "latest"),
              ("ubuntu", "library/ubuntu", "latest"), ("golang:1.12.6-alpine", "library/golang", "1.12.6-alpine"),
              ("pytorch/pytorch:1.3-cuda10.1-cudnn7-runtime", "pytorch/pytorch", "1.3-cuda10.1-cudnn7-runtime"),
              ("test.azurecr.io/test-base:4dc825cebeam2", "test-base", "4dc825cebeam2")]


@pytest.mark.parametrize("uri,repo,tag", NORMALIZED)
def test_is_use_default_domain(uri: str, repo: str, tag: str) -> None:
    """test_is_use_default_domain: the repository and tag asked for, the peer's values (its
    invalid URIs are :func:`test_invalid_image_uris`, checked through init)."""
    from pai_runtime.registry.reference import parse

    ref = parse(uri)
    assert (ref.path, ref.tag) == (repo, tag)


@pytest.mark.parametrize("uri,registry", [
    ("registry.domain:5000/user-name/repo-0:tag-0.version", "https://registry.domain:5000/v2/"),
    ("username/repo:tag", "https://registry-1.docker.io/v2/"),
    ("test.azurecr.io/test-base:4dc825cebeam2", "https://test.azurecr.io/v2/")])
def test_get_registry_from_image_uri(uri: str, registry: str) -> None:
    """test_get_registry_from_image_uri, the peer's values except Docker Hub, which differs
    on purpose: ``registry-1.docker.io`` is Docker Hub's registry API host; the peer's
    ``index.docker.io`` only answers with a redirect there (credentials for
    ``https://index.docker.io/v1/`` still apply, see the module docstring)."""
    from pai_runtime.registry.reference import parse

    assert f"https://{parse(uri).api_host}/v2/" == registry

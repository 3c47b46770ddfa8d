"""``pai-runtime check-image`` and ``pai-runtime init`` with the image_check built-in,
as real processes against the registry rig."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.rigs.registry_rig import REPO_ROOT, RegistryRig, registry_rig  # noqa: F401 - fixture

pytestmark = pytest.mark.timeout(120)


def pai(*args: str, env: dict[str, str] | None = None, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("PAI_", "INIT_CONFIG", "RUNTIME_CONFIG"))}
    full.update(env or {})
    return subprocess.run([sys.executable, "-m", "pai_runtime", *args], capture_output=True, text=True,
                          env=full, cwd=REPO_ROOT, input=stdin, timeout=60)


def test_check_image_pass_fail_unknown(registry_rig: RegistryRig) -> None:  # noqa: F811
    reg = registry_rig.host("basic")
    ok = pai("check-image", f"{reg}/private/app:v1-oci", "--insecure-registry", reg,
             "--username", "alice", "--password", "alice-secret")
    assert ok.returncode == 0, ok.stderr
    assert ok.stdout.strip().splitlines()[-1].startswith(f"image {reg}/private/app:v1-oci: pass")
    assert "alice-secret" not in ok.stdout + ok.stderr

    missing = pai("check-image", "-q", f"{reg}/private/app:nope", "--insecure-registry", reg,
                  "--username", "alice", "--password-stdin", stdin="alice-secret\n")
    assert missing.returncode == 254
    lines = missing.stderr.strip().splitlines()
    assert len(lines) == 1 and "fail" in lines[0] and "HTTP 404" in lines[0]

    busy = pai("check-image", "-q", f"{registry_rig.host('always503')}/a/b:v1", "--insecure-registry",
               registry_rig.host("always503"), "--deadline", "3s")
    assert busy.returncode == 0
    assert "unknown" in busy.stdout and "not failing" in busy.stdout


def test_check_image_docker_config_and_ca_bundle(registry_rig: RegistryRig, tmp_path: Path) -> None:  # noqa: F811
    reg = registry_rig.host("token")
    (tmp_path / "config.json").write_text(json.dumps({"auths": {reg: {"username": "alice",
                                                                        "password": "alice-secret"}}}))
    r = pai("check-image", "-q", f"{reg}/private/app:v1", "--insecure-registry", reg,
            "--docker-config", str(tmp_path))
    assert r.returncode == 0 and "pass" in r.stdout, r.stderr
    r = pai("check-image", "-q", f"{registry_rig.host('https')}/demo/app:v1", "--ca-bundle",
            str(registry_rig.ca_cert))
    assert r.returncode == 0 and ": pass:" in r.stdout, r.stdout + r.stderr


def test_check_image_through_an_https_proxy_from_the_environment(registry_rig: RegistryRig) -> None:  # noqa: F811
    """HTTPS_PROXY/NO_PROXY as a cluster sets them, through a real CONNECT proxy (tinyproxy)."""
    https = registry_rig.host("https")
    image = f"{https}/demo/app:v1-oci"
    proxy = f"http://user:proxy-pass-1@{registry_rig.host('proxy')}"

    def tunnels() -> int:
        return sum(line.startswith(f"CONNECT {https} ") for line in registry_rig.proxy_requests())

    before = tunnels()
    r = pai("check-image", image, "--ca-bundle", str(registry_rig.ca_cert), env={"HTTPS_PROXY": proxy})
    assert r.returncode == 0 and ": pass:" in r.stdout, r.stdout + r.stderr
    assert tunnels() == before + 1  # one tunnel, kept alive for both requests
    assert f"http://{registry_rig.host('proxy')}" in r.stderr and "proxy-pass-1" not in r.stdout + r.stderr

    # NO_PROXY names the registry: straight there
    r = pai("check-image", "-q", image, "--ca-bundle", str(registry_rig.ca_cert),
            env={"https_proxy": proxy, "NO_PROXY": "localhost,127.0.0.1"})
    assert r.returncode == 0 and ": pass:" in r.stdout, r.stdout + r.stderr
    assert tunnels() == before + 1

    # the proxy cannot reach the registry (CONNECT answered 500), or is not there: unknown, exit 0
    from tests.rigs.registry_rig import free_ports

    closed = free_ports(1)[0]
    for env, image_host, why in (
            ({"HTTPS_PROXY": proxy}, f"127.0.0.1:{closed}", "could not open a tunnel to the registry (500 "),
            ({"HTTPS_PROXY": f"http://127.0.0.1:{closed}"}, https, "cannot connect to the proxy")):
        r = pai("check-image", "-q", f"{image_host}/demo/app:v1", "--deadline", "3s", env=env)
        assert r.returncode == 0 and ": unknown: " in r.stdout and "proxy error via http://" in r.stdout, r.stdout
        assert why in r.stdout and "ConnectionPool" not in r.stdout, r.stdout
        assert "proxy-pass-1" not in r.stdout + r.stderr


@pytest.mark.parametrize("args,message", [
    (["img", "--deadline", "soon"], "--deadline"),
    (["img", "--username", "u"], "go together"),
    (["img", "--ca-bundle", "/no/such/ca.pem"], "--ca-bundle"),
    (["img", "--docker-config", "/no/such/config.json"], "does not exist"),
    (["img", "--mirror", "ftp://mirror.example.com"], "registry mirror 'ftp://mirror.example.com'"),
    (["img", "--mirror", "https://[bad"], "registry mirror"),
])
def test_check_image_bad_options_exit_247(args: list[str], message: str) -> None:
    r = pai("check-image", *args)
    assert r.returncode == 247, (r.returncode, r.stderr)
    assert message in r.stderr and "Traceback" not in r.stderr


@pytest.mark.parametrize("args,message", [(["img", "--bogus"], "No such option"),
                                          ([], "Missing argument 'IMAGE'")])
def test_check_image_usage_errors_exit_2_like_every_command(args: list[str], message: str) -> None:
    r = pai("check-image", *args)
    assert r.returncode == 2, (r.returncode, r.stderr)
    assert message in r.stderr and "Usage: pai-runtime check-image" in r.stderr


def test_check_image_empty_password_from_stdin_is_247() -> None:
    r = pai("check-image", "img", "--username", "u", "--password-stdin", stdin="\n")
    assert r.returncode == 247 and "empty password" in r.stderr, r.stderr


def test_check_image_invalid_reference_exits_254() -> None:
    r = pai("check-image", "-q", "Team/App:v1")
    assert r.returncode == 254 and "invalid image reference" in r.stderr and "lower case" in r.stderr
    for image, rule in (("", "the reference is empty"), ("team/" + "a" * 5000 + ":v1!", "tag")):
        r = pai("check-image", "-q", image)
        lines = r.stderr.strip().splitlines()
        assert r.returncode == 254 and len(lines) == 1 and rule in lines[0], r.stderr
        assert lines[0].startswith("pai-runtime check-image: fail: invalid image reference") and len(lines[0]) < 600


def _init(tmp: Path, init_config: str, *, secrets: str = "", runtime_config: str | None = None,
          extra: dict[str, str] | None = None) -> tuple[subprocess.CompletedProcess[str], str]:
    config = tmp / "config"
    config.mkdir(parents=True, exist_ok=True)
    if secrets:
        (config / "secrets.yaml").write_text(secrets)
    env = {"PAI_WORK_DIR": str(tmp / "work"), "PAI_CONFIG_DIR": str(config), "INIT_CONFIG": init_config,
           "PAI_TERMINATION_LOG": str(tmp / "termination-log"), "PAI_LOG_FORMAT": "json", **(extra or {})}
    if runtime_config is not None:
        env["RUNTIME_CONFIG"] = runtime_config
    r = pai("init", env=env)
    log = tmp / "work" / "logs" / "local" / "init.log"
    return r, log.read_text() if log.exists() else ""


def test_init_plugin_end_to_end(registry_rig: RegistryRig, tmp_path: Path) -> None:  # noqa: F811
    reg = registry_rig.host("token")
    spec = f"""
initPlugins:
- name: image-check
  builtin: image_check
  parameters:
    image: {reg}/private/app:v1-index
    auth: {{username: alice, password: "<% $secrets.registry.password %>", registryuri: "http://{reg}"}}
    insecureRegistries: ["{reg}"]
    deadline: 20s
"""
    r, log = _init(tmp_path / "ok", spec, secrets="registry:\n  password: alice-secret\n")
    assert r.returncode == 0, r.stderr
    verdicts = [json.loads(line) for line in log.splitlines() if '"image check verdict"' in line]
    assert verdicts and verdicts[-1]["outcome"] == "pass" and verdicts[-1]["host"] == reg
    assert "alice-secret" not in log + r.stderr

    bad = spec.replace("v1-index", "nosuchtag")
    r, log = _init(tmp_path / "missing", bad, secrets="registry:\n  password: alice-secret\n")
    assert r.returncode == 254
    assert "image check failed" in r.stderr and "HTTP 404" in r.stderr
    assert not (tmp_path / "missing" / "work" / "runtime.d").exists()


def test_init_plugin_image_from_runtime_config_or_env_or_skip(registry_rig: RegistryRig,  # noqa: F811
                                                              tmp_path: Path) -> None:
    reg = registry_rig.host("noauth")
    spec = (f"initPlugins:\n- name: image-check\n  builtin: image_check\n"
            f"  parameters: {{insecureRegistries: ['{reg}'], deadline: 10}}\n")
    r, log = _init(tmp_path / "rc", spec, runtime_config=f"image: {reg}/demo/app:v1-list\n")
    assert r.returncode == 0 and '"outcome": "pass"' in log, r.stderr
    r, log = _init(tmp_path / "env", spec, extra={"PAI_JOB_IMAGE": f"{reg}/demo/app:gone"})
    assert r.returncode == 254
    r, log = _init(tmp_path / "none", spec)
    assert r.returncode == 0 and "no image to check" in log


def test_init_plugin_unknown_passes_and_bad_parameters_are_247(registry_rig: RegistryRig,  # noqa: F811
                                                               tmp_path: Path) -> None:
    front = registry_rig.host("always429")
    spec = (f"initPlugins:\n- name: image-check\n  builtin: image_check\n  timeout: 4s\n"
            f"  parameters: {{image: '{front}/a/b:v1', insecureRegistries: ['{front}']}}\n")
    r, log = _init(tmp_path / "busy", spec)
    assert r.returncode == 0, r.stderr
    assert "unknown" in log and "not failing" in log
    r, _ = _init(tmp_path / "badparam", "initPlugins:\n- name: ic\n  builtin: image_check\n"
                                        "  parameters: {imgae: x}\n")
    assert r.returncode == 247 and "imgae" in r.stderr
    r, _ = _init(tmp_path / "badmirror", "initPlugins:\n- name: ic\n  builtin: image_check\n"
                                         "  parameters: {image: busybox, mirror: ['ftp://m.example.com']}\n")
    assert r.returncode == 247 and "registry mirror 'ftp://m.example.com'" in r.stderr, r.stderr
    assert "Traceback" not in r.stderr

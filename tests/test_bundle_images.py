"""The job container starts in every image people train in (issue 13).

Each case is one pod: ``init`` runs in the init image (a real Debian 12 root with the
bundle at /opt/pai-runtime, as build/Dockerfile ships it), then the job container's
command runs in the *user's* image, a real root filesystem from tests/rigs/rootfs.py:
Debian 12, 11 (glibc 2.31) and 13 (glibc 2.41) minbase without Python, glibc without any
shell, musl only, and a static busybox without any libc. Both roots are read-only and
``/tmp`` is a read-only tmpfs: only the work dir (the pod's emptyDir) is writable. Each
runs as root, as uid 10001 (build/k8s) and as an arbitrary uid with gid 0 and no passwd
entry (OpenShift's restricted policy).

The user's command prints its environment (``export -p``: a shell builtin, so it works
with busybox's sh too) and fails with a line the ConfigMap's exit spec matches: the
test checks the output in the logs, the classified exit code and ``originUserExitCode``
in the termination message, and that no variable of the runtime's own reached it while
the image's own ``LD_LIBRARY_PATH`` did, unchanged.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

from tests.conftest import PaiEnv
from tests.rigs.chroot_rootfs import build_bundle
from tests.rigs.podrig import BUNDLE_MOUNT, Run, run_in_root, run_runc
from tests.rigs.rootfs import NAMES, glibc_version, rootfs

pytestmark = pytest.mark.timeout(900)

INIT_SPEC = "initPlugins: [{name: render, builtin: render}]"
EXIT_SPEC = """\
- containerExitCode: 230
  phrase: DatasetNotFound
  patterns:
  - exitCode: 3
    userLogRegex: "dataset .* not found"
"""
USER_LIB = "/opt/user-lib:/usr/local/nvidia/lib64"
#: The user's command: its environment, who it is, then a failure the exit spec knows.
COMMAND = ('echo "user-start $(id -u 2>/dev/null || echo ?)"; export -p; echo "user-env-end"; '
           'echo "dataset /data/imagenet not found" >&2; exit 3')
#: Only what the pod spec, the image, the shell or DESIGN.md's documented PAI_* paths put there.
ALLOWED_PAI = {"PAI_WORK_DIR", "PAI_CONFIG_DIR", "PAI_INIT_DIR", "PAI_RUNTIME_DIR", "PAI_LOG_DIR",
               "PAI_TERMINATION_LOG"}
USERS = {"root": None, "uid-10001": "10001:10001", "arbitrary-uid-gid-0": "1000620000:0"}


@pytest.fixture(scope="session")
def bundle() -> Path:
    return build_bundle()


@pytest.fixture(scope="session")
def init_root() -> Path:
    return rootfs("bookworm")


class Pod:
    def __init__(self, base: Path, bundle: Path, init_root: Path, user: str | None) -> None:
        self.bundle, self.init_root, self.user = bundle, init_root, user
        self.work = base / "emptydir"
        self.config = base / "config"
        self.work.mkdir()
        self.config.mkdir()
        (self.config / "runtime-exit-spec.yaml").write_text(EXIT_SPEC)
        self.init_term = base / "init-termination-log"
        self.job_term = base / "job-termination-log"
        for f in (self.init_term, self.job_term):
            f.write_text("")
        if user:  # the kubelet's fsGroup: the emptyDir and the message files are the pod group's
            uid, gid = (int(x) for x in user.split(":"))
            for f in (self.work, self.init_term, self.job_term):
                os.chown(f, 0 if gid == 0 else uid, gid)
                f.chmod(0o2775 if f.is_dir() else 0o664)

    def init(self, runtime_config: str) -> Run:
        return run_in_root(self.init_root, [f"{BUNDLE_MOUNT}/pai-runtime", "init"], work=self.work,
                           termination=self.init_term, config=self.config, bundle=self.bundle, user=self.user,
                           tmp_read_only=True,
                           env={"FC_POD_UID": "pod-1", "INIT_CONFIG": INIT_SPEC, "RUNTIME_CONFIG": runtime_config})

    def run(self, root: Path, command: list[str], **env: str) -> Run:
        return run_in_root(root, command, work=self.work, termination=self.job_term, config=self.config,
                           user=self.user, tmp_read_only=True, env={"FC_POD_UID": "pod-1", **env})

    def log(self, name: str) -> str:
        p = self.work / "logs" / "pod-1" / name
        return p.read_text(errors="replace") if p.exists() else f"<{p} missing>"


def exported(text: str) -> dict[str, str]:
    """Variables from ``export -p`` output (dash: ``export K='v'``, busybox/bash: ``export K="v"``
    or ``declare -x``)."""
    out = {}
    for m in re.finditer(r"^(?:export|declare -x) ([A-Za-z_][A-Za-z0-9_]*)(?:=(['\"])(.*?)\2)?$", text, re.M):
        out[m.group(1)] = m.group(3) or ""
    return out


def leaked(env: dict[str, str]) -> list[str]:
    bad = []
    for k, v in env.items():
        if k in ("LD_LIBRARY_PATH_ORIG", "LD_PRELOAD", "PAI_HOME", "LC_CTYPE", "PYTHONHOME") or \
                k.startswith(("PYTHON", "_MEI", "_PYI")) or k.startswith("PAI_") and k not in ALLOWED_PAI:
            bad.append(f"{k}={v}")
    if env.get("LD_LIBRARY_PATH") != USER_LIB:
        bad.append(f"LD_LIBRARY_PATH={env.get('LD_LIBRARY_PATH')!r} (the image set {USER_LIB!r})")
    return bad


def job_command(root_name: str) -> list[str]:
    """The job container's command: the launcher where the image has a shell, else the
    runtime's own executable (the documented symlink in the work dir)."""
    return ["/usr/local/pai/pai-runtime", "run"] if root_name == "glibc-noshell" else ["/usr/local/pai/runtime"]


@pytest.mark.parametrize("user", list(USERS))
@pytest.mark.parametrize("image", NAMES)
def test_the_users_command_runs_in_the_image(image: str, user: str, bundle: Path, init_root: Path,
                                             tmp_path: Path) -> None:
    root = rootfs(image)
    pod = Pod(tmp_path, bundle, init_root, USERS[user])
    res = pod.init(json.dumps({"commands": [COMMAND]}))
    assert res.code == 0, res.stderr
    res = pod.run(root, job_command(image), LD_LIBRARY_PATH=USER_LIB, HOME="/")
    detail = f"image={image} user={user} glibc={glibc_version(root)} code={res.code}\nstderr={res.stderr[-3000:]}"
    out = pod.log("user-all/current")
    assert "user-start" in out, detail + f"\nuser log: {out}"
    env = exported(out.split("user-start", 1)[1].split("user-env-end", 1)[0])
    assert env, detail + f"\nuser log: {out}"
    assert not leaked(env), detail + f"\nleaked: {leaked(env)}"
    if USERS[user]:
        assert f"user-start {USERS[user].split(':')[0]}" in out or "user-start ?" in out, out
    assert "dataset /data/imagenet not found" in pod.log("user-stderr/current"), detail
    assert res.code == 230, detail  # classified by the ConfigMap's exit spec
    message = pod.job_term.read_text()
    assert "[PAI_RUNTIME_ERROR_START]" in message and "DatasetNotFound" in message, message
    assert re.search(r"originUserExitCode: 3\b", message), message


def test_a_runtime_that_cannot_run_here_says_so(bundle: Path, init_root: Path, tmp_path: Path) -> None:
    """The copy's loader replaced by a real ELF of another CPU architecture (Debian's arm64
    busybox): the kernel refuses it, the job gets one line, 127 and a termination message."""
    from tests.rigs.rootfs import foreign_elf

    pod = Pod(tmp_path, bundle, init_root, None)
    assert pod.init(json.dumps({"commands": ["echo should-not-run"]})).code == 0
    (loader,) = pod.work.glob(".pai-runtime/*/bundle/glibc/ld-linux*")
    loader.unlink()
    loader.write_bytes(foreign_elf().read_bytes())
    loader.chmod(0o755)
    res = pod.run(rootfs("bookworm"), ["/usr/local/pai/runtime"])
    assert res.code == 127, (res.stdout, res.stderr)
    lines = [line for line in res.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "cannot start the runtime" in lines[0] and "architecture" in lines[0], res.stderr
    message = pod.job_term.read_text()
    assert "[PAI_RUNTIME_ERROR_START]" in message and "containerExitCode: 127" in message, message
    assert "should-not-run" not in pod.log("user-all/current")


def test_init_and_job_under_runc(bundle: Path, init_root: Path, tmp_path: Path) -> None:
    """A real OCI runtime: read-only roots; pid, mount, ipc, uts and network namespaces;
    uid 10001; no capabilities; noNewPrivileges; the work dir bind-mounted into both."""
    work, config = tmp_path / "emptydir", tmp_path / "config"
    work.mkdir()
    config.mkdir()
    (config / "runtime-exit-spec.yaml").write_text(EXIT_SPEC)
    terms = {n: tmp_path / f"{n}-termination-log" for n in ("init", "job")}
    for f in (work, *terms.values()):
        if f.is_dir():
            f.chmod(0o2775)
        else:
            f.write_text("")
        os.chown(f, 10001, 10001)
    tmp_path.chmod(0o755)
    state = tmp_path / "runc"
    env = {"FC_POD_UID": "pod-1", "INIT_CONFIG": INIT_SPEC,
           "RUNTIME_CONFIG": json.dumps({"commands": [COMMAND + " # " + "caps: $(grep CapEff /proc/self/status)"]})}
    res = run_runc(init_root, [f"{BUNDLE_MOUNT}/pai-runtime", "init"], state=state, work=work,
                   termination=terms["init"], config=config, bundle=bundle, env=env)
    assert res.code == 0, res.stderr
    res = run_runc(rootfs("bullseye"), ["/usr/local/pai/runtime"], state=state, work=work,
                   termination=terms["job"], config=config, env={"FC_POD_UID": "pod-1", "LD_LIBRARY_PATH": USER_LIB})
    assert res.code == 230, (res.stdout, res.stderr)
    out = (work / "logs" / "pod-1" / "user-all" / "current").read_text()
    assert "user-start 10001" in out, out
    env_seen = exported(out.split("user-start", 1)[1].split("user-env-end", 1)[0])
    assert not leaked(env_seen), leaked(env_seen)
    assert "dataset /data/imagenet not found" in (work / "logs" / "pod-1" / "user-stderr" / "current").read_text()
    assert "user command exited with code 3" in (work / "logs" / "pod-1" / "runtime.log").read_text()
    message = terms["job"].read_text()
    assert "DatasetNotFound" in message and re.search(r"originUserExitCode: 3\b", message), message


@pytest.mark.parametrize("image_lc_ctype", [None, "C", "de_DE.UTF-8"])
def test_the_locale_the_user_gets_is_the_images(image_lc_ctype: str | None, pai: PaiEnv) -> None:
    """Python's C-locale coercion (PEP 538) puts LC_CTYPE=C.UTF-8 into the runtime's own
    environment under a C locale; the user's command gets the image's LC_CTYPE, or none."""
    env = {"LC_ALL": None, "LANG": "C", "LC_CTYPE": image_lc_ctype}
    res = pai.run("run", "--", "/bin/sh", "-c", 'echo "lc=${LC_CTYPE-unset}"', env=env)
    assert res.returncode == 0, res.stderr
    out = (pai.log_dir / "user-all" / "current").read_text()
    assert f"lc={image_lc_ctype or 'unset'}" in out, out


@pytest.mark.parametrize("image", ["busybox", "musl"])
def test_python_children_start_through_the_bundles_loader(image: str, bundle: Path, tmp_path: Path) -> None:
    """``sys.executable`` inside the bundle is its launcher: a Python child the runtime starts
    (runtime plugins' init.py, helpers) runs, with C extensions, in an image without glibc."""
    work, term = tmp_path / "work", tmp_path / "term"
    work.mkdir()
    term.write_text("")
    child = "import ssl, re2, yaml._yaml, psutil, sys; print('child-ok', sys.executable)"
    code = f"import subprocess, sys; sys.exit(subprocess.run([sys.executable, '-I', '-c', {child!r}]).returncode)"
    res = run_in_root(rootfs(image), [f"{BUNDLE_MOUNT}/pai-runtime", "-I", "-c", code], work=work, termination=term,
                      bundle=bundle, user="10001:10001", tmp_read_only=True)
    assert res.code == 0, res.stderr
    assert f"child-ok {BUNDLE_MOUNT}/pai-runtime" in res.stdout, res.stdout

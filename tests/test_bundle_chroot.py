"""The bundle in "any user image": ``init`` in one chroot, ``run`` in another.

This is the closest thing to "any user image" this machine can run (no container engine
here): each "container" is a fresh mount + PID namespace chrooted into a minimal root
filesystem that has no Python at all, only Debian's static busybox plus the glibc files
the bundle needs (see tests/rigs/chroot_rootfs.py). The init container's image also has
the bundle (bind-mounted read-only at /opt/pai-runtime, as the image would ship it); the
job container's image does not: it can only start the runtime that ``init`` copied into
the shared work dir (the pod's emptyDir), exactly as build/k8s/pod.yaml wires it:
ConfigMap (exit spec) at /usr/local/pai-config, the job command /usr/local/pai/runtime,
the termination message at /dev/termination-log.

Real images of every family (older and newer glibc, musl, no libc, no shell) are
tests/test_bundle_images.py, on real root filesystems.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from tests.rigs.chroot_rootfs import BUNDLE_MOUNT, GLIBC, RootFS, Run, build_bundle, elf_files, needed, run_container

pytestmark = pytest.mark.timeout(900)

INIT_SPEC = ("initPlugins: [{name: runtime-plugins, builtin: runtimeplugins}, "
             "{name: render, builtin: render}]")
EXIT_SPEC = """\
# what a cluster operator would put in the exit-spec ConfigMap
- containerExitCode: 230
  phrase: DatasetNotFound
  patterns:
  - exitCode: 3
    userLogRegex: "dataset .* not found"
"""


@pytest.fixture(scope="session")
def bundle() -> Path:
    return build_bundle()


@pytest.fixture(scope="module")
def images(bundle: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, RootFS]:
    base = tmp_path_factory.mktemp("images")
    return {
        "init": RootFS.create(base / "init", glibc_for=bundle, extra_dirs=[BUNDLE_MOUNT]),
        "user": RootFS.create(base / "user", glibc_for=bundle),
    }


class Pod:
    """One pod's shared state: the emptyDir, the config volume, termination files."""

    def __init__(self, base: Path, bundle: Path, images: dict[str, RootFS], uid: str = "pod-1",
                 user: str | None = None) -> None:
        self.base, self.bundle, self.images, self.uid, self.user = base, bundle, images, uid, user
        self.work = base / "emptydir"
        self.config = base / "config"
        self.work.mkdir(parents=True)
        self.config.mkdir()
        (self.config / "runtime-exit-spec.yaml").write_text(EXIT_SPEC)
        self.init_term = base / "init-termination-log"
        self.job_term = base / "job-termination-log"
        for f in (self.init_term, self.job_term):
            f.write_text("")
        if user:  # the kubelet's fsGroup: the emptyDir and the message files belong to the pod's group
            uid_, gid = (int(x) for x in user.split(":"))
            for f in (self.work, self.init_term, self.job_term):
                os.chown(f, uid_, gid)
            self.work.chmod(0o2775)

    @property
    def log_dir(self) -> Path:
        return self.work / "logs" / self.uid

    def init(self, runtime_config: str, **env: str) -> Run:
        return run_container(self.images["init"], [f"{BUNDLE_MOUNT}/pai-runtime", "init"], work=self.work,
                             termination=self.init_term, config=self.config, bundle=self.bundle,
                             env={"FC_POD_UID": self.uid, "INIT_CONFIG": INIT_SPEC,
                                  "RUNTIME_CONFIG": runtime_config, "PAI_LOG_FORMAT": "json", **env},
                             user=self.user)

    def run(self, *args: str, image: RootFS | None = None, **env: str) -> Run:
        return run_container(image or self.images["user"], ["/usr/local/pai/runtime", *args], work=self.work,
                             termination=self.job_term, config=self.config, env={"FC_POD_UID": self.uid, **env},
                             user=self.user)


def _read(p: Path) -> str:
    return p.read_text(errors="replace") if p.exists() else f"<{p} missing>"


def test_user_image_has_no_python(images: dict[str, RootFS]) -> None:
    for name, fs in images.items():
        assert fs.pythons() == [], f"{name} image must not contain a Python"
        assert not list(fs.path.rglob("*.py*")), f"{name} image must not contain Python modules"
        assert (fs.path / "bin" / "busybox").exists()


def test_the_job_runs_only_the_copy_in_the_work_dir(bundle: Path, images: dict[str, RootFS],
                                                   tmp_path: Path) -> None:
    """PID 1 of the job container is the bundle copied into the emptyDir, started through
    the copy's own dynamic loader, and every file it has mapped is part of that copy: not
    even the image's C library."""
    pod = Pod(tmp_path, bundle, images)
    assert pod.init(json.dumps({"commands": ["true"]})).code == 0
    res = pod.run("--", "/bin/sh", "-c",
                  "readlink /proc/1/exe > /usr/local/pai/exe; cat /proc/1/maps > /usr/local/pai/maps")
    assert res.code == 0, (res.stdout, res.stderr)
    exe = (pod.work / "exe").read_text().strip()
    assert exe.startswith("/usr/local/pai/.pai-runtime/") and "/bundle/glibc/ld-linux" in exe, exe
    copy = exe.rsplit("/bundle/", 1)[0] + "/bundle/"
    mapped = {line.split(None, 5)[5].strip() for line in (pod.work / "maps").read_text().splitlines()
              if len(line.split(None, 5)) == 6 and line.split(None, 5)[5].startswith("/")}
    foreign = sorted(m for m in mapped if not m.startswith(copy) and not m.startswith("/dev/"))
    assert not foreign, foreign
    assert any(m.startswith(copy + "glibc/libc.so") for m in mapped), sorted(mapped)
    assert any(m.startswith(copy + "lib/libpython") for m in mapped), sorted(mapped)


def test_bundle_needs_nothing_from_the_image(bundle: Path) -> None:
    """Every library any ELF file of the bundle names is in the bundle, glibc's own in
    glibc/ (a directory no process of the user searches), the rest in lib/."""
    shipped = {p.name for p in bundle.rglob("*.so*")}
    elves = elf_files(bundle)
    assert len(elves) > 10
    missing = {f"{elf.relative_to(bundle)}: {soname}" for elf in elves for soname in needed(elf)
               if soname not in shipped}
    assert not missing, sorted(missing)
    assert {p.name for p in (bundle / "glibc").iterdir() if GLIBC.match(p.name)} == \
        {p.name for p in (bundle / "glibc").iterdir()}
    assert not [p.name for p in (bundle / "lib").glob("*.so*") if GLIBC.match(p.name)]


def test_bundle_imports_its_lazy_modules_in_a_bare_image(bundle: Path, images: dict[str, RootFS],
                                                         tmp_path: Path) -> None:
    """Everything the runtime imports lazily (by importlib string or inside functions)
    is in the bundle and loads without any library from outside it."""
    code = ("import importlib, ssl, zlib, re2, yaml, psutil, jsonschema, requests, click, tenacity;"
            "from pai_runtime.cli import LAZY_COMMANDS; from pai_runtime.initplugins import BUILTINS;"
            "mods = [t.split(':')[0] for t in LAZY_COMMANDS.values()] + list(BUILTINS.values());"
            "[importlib.import_module(m) for m in mods];"
            "jsonschema.Draft202012Validator.check_schema({'type': 'object'});"
            "print('imported', len(mods), re2.compile('a+').search('caab') is not None)")
    pod = Pod(tmp_path, bundle, images)
    res = run_container(images["init"], [f"{BUNDLE_MOUNT}/pai-runtime", "-I", "-c", code], work=pod.work,
                        termination=pod.init_term, bundle=bundle)
    assert res.code == 0, res.stderr
    assert "imported" in res.stdout and res.stdout.strip().endswith("True")


def test_init_then_run_classifies_a_failed_user_command(bundle: Path, images: dict[str, RootFS],
                                                        tmp_path: Path) -> None:
    pod = Pod(tmp_path, bundle, images)
    cmd = 'echo "epoch 1 started"; echo "dataset /data/imagenet not found" >&2; exit 3'
    plugin = {"plugin": "cmd", "parameters": {"preCommands": ["echo pre-marker"]}}
    runtime_config = json.dumps({"commands": [cmd], "runtimePlugin": [plugin]})
    before = {name: _snapshot(fs.path) for name, fs in images.items()}
    res = pod.init(runtime_config)
    assert res.code == 0, res.stderr
    launcher = pod.work / "runtime"
    assert launcher.is_file() and launcher.stat().st_mode & 0o111
    assert (pod.work / "runtime.d" / "user.sh").exists()
    assert (pod.work / "specs").is_dir() and (pod.work / "plugins" / "cmd").is_dir()

    res = pod.run()
    detail = f"stdout={res.stdout!r} stderr={res.stderr!r}"
    # the exit spec from the ConfigMap classified the user's exit 3 with that log line
    assert res.code == 230, detail
    user_all = _read(pod.log_dir / "user-all" / "current")
    assert "epoch 1 started" in user_all and "dataset /data/imagenet not found" in user_all, detail
    assert "dataset /data/imagenet not found" in _read(pod.log_dir / "user-stderr" / "current")
    assert "epoch 1 started" in _read(pod.log_dir / "user-stdout" / "current")
    assert "pre-marker" in _read(pod.log_dir / "runtime.log")
    message = pod.job_term.read_text()
    assert "[PAI_RUNTIME_ERROR_START]" in message and "[PAI_RUNTIME_ERROR_END]" in message, message
    assert "230" in message and "DatasetNotFound" in message, message
    assert len(message.encode()) <= 4096
    assert _read(pod.log_dir / "termination-log") == message
    # both "images" are exactly as they were: everything went to the shared work dir
    assert {name: _snapshot(fs.path) for name, fs in images.items()} == before


def _snapshot(root: Path) -> set[tuple[str, int, int]]:
    return {(str(p.relative_to(root)), p.lstat().st_size, p.lstat().st_mtime_ns) for p in root.rglob("*")}


def test_init_and_run_as_the_manifests_non_root_user(bundle: Path, images: dict[str, RootFS], tmp_path: Path) -> None:
    """build/k8s runs both containers as uid/gid 10001 (runAsUser, fsGroup): no root anywhere."""
    pod = Pod(tmp_path, bundle, images, user="10001:10001")
    res = pod.init(json.dumps({"commands": ['echo "as $(id -u):$(id -g)"; exit 3']}))
    assert res.code == 0, res.stderr
    res = pod.run()
    assert res.code == 255, (res.stdout, res.stderr)  # exit 3 matches nothing in the ConfigMap's spec
    assert "as 10001:10001" in _read(pod.log_dir / "user-all" / "current")
    assert "[PAI_RUNTIME_ERROR_START]" in pod.job_term.read_text()
    assert {p.stat().st_uid for p in pod.work.rglob("*") if not p.is_symlink()} == {10001}


def test_run_passes_arguments_and_succeeds(bundle: Path, images: dict[str, RootFS], tmp_path: Path) -> None:
    pod = Pod(tmp_path, bundle, images)
    assert pod.init(json.dumps({"commands": ["exit 9"]})).code == 0
    res = pod.run("--", "/bin/sh", "-c", "echo args-ok-$((6*7)); test -d /usr/local/pai/runtime.d")
    assert res.code == 0, (res.stdout, res.stderr)
    assert "args-ok-42" in _read(pod.log_dir / "user-all" / "current")


def test_init_restart_reuses_the_complete_copy(bundle: Path, images: dict[str, RootFS], tmp_path: Path) -> None:
    pod = Pod(tmp_path, bundle, images)
    config = json.dumps({"commands": ["echo second-init-ok"]})
    assert pod.init(config).code == 0
    versions = sorted(p.name for p in (pod.work / ".pai-runtime").iterdir())
    # a restarted init container: a stale half copy from a killed one is lying around
    half = pod.work / ".pai-runtime" / f".tmp-{versions[0]}-999999"
    shutil.copytree(pod.work / ".pai-runtime" / versions[0] / "specs", half / "specs")
    res = pod.init(config)
    assert res.code == 0, res.stderr
    assert sorted(p.name for p in (pod.work / ".pai-runtime").iterdir()) == versions
    assert '"reused": true' in res.stderr
    res = pod.run()
    assert res.code == 0, (res.stdout, res.stderr)
    assert "second-init-ok" in _read(pod.log_dir / "user-all" / "current")

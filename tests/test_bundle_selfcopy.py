"""selfcopy: the runtime copied into the shared work dir, atomically and idempotently.

These run the non-frozen (venv) mode in-process, where the launcher starts this same
interpreter; the frozen bundle's copy and launcher run in tests/test_bundle_chroot.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from pai_runtime.errors import ConfigError
from pai_runtime.init import selfcopy
from pai_runtime.layout import Layout

pytestmark = pytest.mark.timeout(120)
REPO = Path(__file__).resolve().parents[1]


class RecordingLog:
    def __init__(self) -> None:
        self.events: list[tuple[str, str, dict[str, Any]]] = []

    def _rec(self, level: str) -> Any:
        return lambda event, **kw: self.events.append((level, event, kw))

    def __getattr__(self, level: str) -> Any:
        if level in ("info", "warning", "error", "debug"):
            return self._rec(level)
        raise AttributeError(level)

    def find(self, event: str) -> list[dict[str, Any]]:
        return [kw for _lvl, ev, kw in self.events if ev == event]


def _layout(work: Path) -> Layout:
    return Layout.from_env({"PAI_WORK_DIR": str(work), "PAI_CONFIG_DIR": str(work.parent / "config"),
                            "PAI_TERMINATION_LOG": str(work.parent / "termination-log")})


def _tree(root: Path) -> dict[str, tuple[str, int]]:
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        kind = "link" if p.is_symlink() else "dir" if p.is_dir() else "file"
        out[str(p.relative_to(root))] = (kind, st.st_ino)
    return out


def test_install_writes_launcher_links_and_a_complete_copy(tmp_path: Path) -> None:
    work = tmp_path / "work"
    log = RecordingLog()
    launcher = Path(selfcopy.install(_layout(work), log))
    assert launcher == work / "runtime"
    assert launcher.stat().st_mode & 0o777 == 0o755
    text = launcher.read_text()
    assert text.startswith("#!/bin/sh\n") and selfcopy.MARKER in text and sys.executable in text
    (installed,) = log.find("runtime installed in the work dir")
    version = installed["version"]
    assert installed["mode"] == "python" and installed["reused"] is False
    copy = work / selfcopy.STORE / version
    assert (copy / selfcopy.COMPLETE).is_file()
    assert os.readlink(work / "specs") == f"{selfcopy.STORE}/{version}/specs"
    assert (work / "specs" / "init_plugins_default.yaml").is_file()
    assert (work / "plugins").is_dir()
    assert not list(copy.rglob("__pycache__"))


def _sources(tmp_path: Path) -> dict[str, str]:
    """specs/ and plugins/ of this checkout copied under ``tmp_path`` (so on the work dir's
    filesystem), with a symlink, a read-only dir and bytecode in them."""
    layout = _layout(tmp_path / "work")
    out = {}
    for name, src in (("specs", layout.specs_dir), ("plugins", layout.plugins_dir)):
        dst = tmp_path / "src" / name
        shutil.copytree(src, dst, symlinks=True)
        out[f"PAI_{name.upper()}_DIR"] = str(dst)
    specs = Path(out["PAI_SPECS_DIR"])
    (specs / "latest.yaml").symlink_to("init_plugins_default.yaml")
    (specs / "locked").mkdir()
    (specs / "locked" / "x.json").write_text("{}\n")
    os.chmod(specs / "locked", 0o555)
    (specs / "__pycache__").mkdir()
    (specs / "__pycache__" / "x.cpython-311.pyc").write_bytes(b"\0")
    os.setxattr(specs / "init_plugins_default.yaml", "user.pai-test", b"kept")
    os.chmod(specs / "init_plugins_default.yaml", 0o640)
    return out


def _files(root: Path, xattrs: bool = True) -> dict[str, tuple[str, int, int, bytes | str, list[str]]]:
    """Relative path -> (kind, mode, mtime, content or link target, user xattrs)."""
    out = {}
    for p in sorted(root.rglob("*")):
        st = p.lstat()
        rel = str(p.relative_to(root))
        if p.is_symlink():
            out[rel] = ("link", 0, 0, os.readlink(p), [])
        elif p.is_dir():
            out[rel] = ("dir", st.st_mode & 0o7777, 0, "", [])
        else:
            names = [n for n in os.listxattr(p) if n.startswith("user.")] if xattrs else []
            attrs = sorted(f"{n}={os.getxattr(p, n)!r}" for n in names)
            out[rel] = ("file", st.st_mode & 0o7777, st.st_mtime_ns, p.read_bytes(), attrs)
    return out


def _inodes(root: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(root)): (p.lstat().st_dev, p.lstat().st_ino)
            for p in root.rglob("*") if p.is_file() and not p.is_symlink()}


def test_on_one_filesystem_the_copy_is_hard_links(tmp_path: Path) -> None:
    """Same filesystem: each file of the version is a link to its source (no inode made,
    no data written), symlinks and dirs are recreated with their modes, bytecode left out."""
    env = _sources(tmp_path)
    work = tmp_path / "work"
    log = RecordingLog()
    selfcopy.install(Layout.from_env({"PAI_WORK_DIR": str(work), **env}), log)
    (installed,) = log.find("runtime installed in the work dir")
    assert installed["files"] == "linked"
    for name in ("specs", "plugins"):
        src, copy = Path(env[f"PAI_{name.upper()}_DIR"]), work / name
        want = {k: v for k, v in _files(src).items() if "__pycache__" not in k}
        assert _files(copy) == want, name
        assert _inodes(copy) == {k: v for k, v in _inodes(src).items() if "__pycache__" not in k}, name
    assert os.readlink(work / "specs" / "latest.yaml") == "init_plugins_default.yaml"


def test_across_filesystems_the_files_are_copied(tmp_path: Path) -> None:
    """The usual pod: the work dir (an emptyDir) is another filesystem, where links are
    refused; the files are copied with their modes and times, and the copy is the same tree."""
    env = _sources(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    script = textwrap.dedent(f"""
        import json, subprocess, sys
        subprocess.run(["mount", "-t", "tmpfs", "tmpfs", "{work}"], check=True)
        sys.path.insert(0, "{REPO}")
        from pai_runtime.init import selfcopy
        from pai_runtime.layout import Layout
        from tests.test_bundle_selfcopy import RecordingLog, _files, _inodes
        from pathlib import Path
        import os
        probe = "{work}/.probe"
        open(probe, "w").close()
        try:  # tmpfs holds user xattrs since Linux 6.6: where it does not, they cannot be copied
            os.setxattr(probe, "user.probe", b"1")
            xattrs = True
        except OSError:
            xattrs = False
        os.unlink(probe)
        log = RecordingLog()
        selfcopy.install(Layout.from_env({{"PAI_WORK_DIR": "{work}", **{env!r}}}), log)
        (installed,) = log.find("runtime installed in the work dir")
        out = {{"files": installed["files"], "xattrs": xattrs}}
        for name in ("specs", "plugins"):
            copy = Path("{work}") / name
            out[name] = [repr(_files(copy, xattrs)), sorted(set(_inodes(copy).values()))]
        print(json.dumps(out))
    """)
    res = subprocess.run(["unshare", "--mount", "--", sys.executable, "-c", script],
                         capture_output=True, text=True, timeout=60, cwd=REPO)
    assert res.returncode == 0, res.stderr
    out = json.loads(res.stdout)
    assert out["files"] == "copied"
    for name in ("specs", "plugins"):
        src = Path(env[f"PAI_{name.upper()}_DIR"])
        want = {k: v for k, v in _files(src, out["xattrs"]).items() if "__pycache__" not in k}
        assert out[name][0] == repr(want), name
        assert not set(map(tuple, out[name][1])) & set(_inodes(src).values()), name


def test_a_fifo_among_the_files_fails_the_copy_in_one_line_and_leaves_nothing(tmp_path: Path) -> None:
    """A FIFO (or a socket, a device) is nothing the runtime ships: the copy stops with
    an OSError naming it (init turns it into its one line) instead of blocking on it."""
    env = _sources(tmp_path)
    fifo = Path(env["PAI_SPECS_DIR"]) / "schemas" / "pipe"
    os.mkfifo(fifo)
    work = tmp_path / "work"
    with pytest.raises(OSError) as caught:
        selfcopy.install(Layout.from_env({"PAI_WORK_DIR": str(work), **env}), RecordingLog())
    assert caught.value.filename == str(fifo) and "not a regular file" in caught.value.strerror
    assert list((work / selfcopy.STORE).iterdir()) == []  # the temp copy removed
    assert not (work / selfcopy.LAUNCHER).exists()


def test_launcher_starts_run_with_the_arguments(tmp_path: Path) -> None:
    work = tmp_path / "work"
    selfcopy.install(_layout(work), RecordingLog())
    env = {"PATH": os.environ["PATH"], "PAI_TERMINATION_LOG": str(tmp_path / "term"), "FC_POD_UID": "u1"}
    res = subprocess.run([str(work / "runtime"), "--", "/bin/sh", "-c", 'echo "in-job $PAI_WORK_DIR"; exit 5'],
                         capture_output=True, text=True, env=env, timeout=60, cwd=tmp_path)
    assert res.returncode != 0, res.stderr
    # the work dir is the launcher's own dir, whatever the caller's env says
    assert f"in-job {work}" in (work / "logs" / "u1" / "user-all" / "current").read_text()


def test_second_install_reuses_the_copy_and_changes_nothing(tmp_path: Path) -> None:
    work = tmp_path / "work"
    selfcopy.install(_layout(work), RecordingLog())
    before = _tree(work)
    launcher_text = (work / "runtime").read_text()
    log = RecordingLog()
    selfcopy.install(_layout(work), log)
    (installed,) = log.find("runtime installed in the work dir")
    assert installed["reused"] is True
    after = _tree(work)
    # same entries; the copy itself untouched (same inodes); only the launcher rewritten
    assert sorted(after) == sorted(before)
    assert {k: v for k, v in after.items() if k != "runtime"} == {k: v for k, v in before.items() if k != "runtime"}
    assert (work / "runtime").read_text() == launcher_text


def test_interrupted_copy_leaves_the_previous_runtime_working(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    work = tmp_path / "work"
    layout = _layout(work)
    selfcopy.install(layout, RecordingLog())
    old = (work / "runtime").read_text()
    old_versions = sorted(p.name for p in (work / selfcopy.STORE).iterdir())
    # a new image: its specs differ, and the copy dies half-way (init container killed)
    specs = tmp_path / "newspecs"
    shutil.copytree(layout.specs_dir, specs)
    (specs / "extra.yaml").write_text("x: 1\n")
    new_layout = Layout.from_env({"PAI_WORK_DIR": str(work), "PAI_SPECS_DIR": str(specs)})
    real_copy_tree = selfcopy._copy_tree
    calls = []

    def dying_copy_tree(src: Any, dst: Any, *args: Any) -> Any:
        calls.append(src)
        real_copy_tree(src, dst, *args)
        if len(calls) == 2:
            raise KeyboardInterrupt("killed")

    monkeypatch.setattr(selfcopy, "_copy_tree", dying_copy_tree)
    with pytest.raises(KeyboardInterrupt):
        selfcopy.install(new_layout, RecordingLog())
    monkeypatch.setattr(selfcopy, "_copy_tree", real_copy_tree)
    assert (work / "runtime").read_text() == old
    assert sorted(p.name for p in (work / selfcopy.STORE).iterdir()) == old_versions
    assert (work / "specs" / "init_plugins_default.yaml").is_file()
    # the restarted init completes the new version and retires the old one
    selfcopy.install(new_layout, RecordingLog())
    (version,) = [p.name for p in (work / selfcopy.STORE).iterdir()]
    assert version not in old_versions
    assert (work / "specs" / "extra.yaml").is_file()


def test_stale_temp_of_a_dead_init_is_removed_a_live_one_kept(tmp_path: Path) -> None:
    work = tmp_path / "work"
    layout = _layout(work)
    version = selfcopy.fingerprint([("specs", layout.specs_dir), ("plugins", layout.plugins_dir)], None)
    store = work / selfcopy.STORE
    dead = store / f".tmp-{version}-999999999"
    live = store / f".tmp-{version}-{os.getppid()}"
    for d in (dead, live):
        (d / "specs").mkdir(parents=True)
        (d / "specs" / "half.yaml").write_text("half")
    selfcopy.install(layout, RecordingLog())
    assert not dead.exists()
    assert (live / "specs" / "half.yaml").exists()


def test_entries_we_do_not_own_are_left_alone(tmp_path: Path) -> None:
    work = tmp_path / "work"
    (work / "plugins").mkdir(parents=True)
    (work / "plugins" / "site.txt").write_text("operator's")
    os.symlink("/etc", work / "specs")
    secret = work / "secrets" / "token"
    secret.parent.mkdir()
    secret.write_text("s3cret")
    secret.chmod(0o400)
    log = RecordingLog()
    selfcopy.install(_layout(work), log)
    assert (work / "plugins" / "site.txt").read_text() == "operator's"
    assert os.readlink(work / "specs") == "/etc"
    assert secret.read_text() == "s3cret" and secret.stat().st_mode & 0o777 == 0o400
    warned = [kw["path"] for lvl, _ev, kw in log.events if lvl == "warning"]
    assert str(work / "plugins") in warned and str(work / "specs") in warned


def test_a_symlinked_store_is_refused_and_foreign_store_entries_kept(tmp_path: Path) -> None:
    """Removal of old versions must never follow a link out of the work dir, nor remove
    what someone else put into the store."""
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "precious").mkdir(parents=True)
    work = tmp_path / "work"
    work.mkdir()
    os.symlink(elsewhere, work / selfcopy.STORE)
    with pytest.raises(ConfigError, match="symlink"):
        selfcopy.install(_layout(work), RecordingLog())
    assert (elsewhere / "precious").is_dir() and sorted(p.name for p in elsewhere.iterdir()) == ["precious"]
    os.unlink(work / selfcopy.STORE)
    foreign = work / selfcopy.STORE / "operator-cache"
    foreign.mkdir(parents=True)
    (foreign / "keep").write_text("x")
    selfcopy.install(_layout(work), RecordingLog())
    assert (foreign / "keep").read_text() == "x"


def test_a_foreign_runtime_file_is_not_overwritten(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / "runtime").write_text("#!/bin/sh\necho somebody else's\n")
    with pytest.raises(ConfigError, match="not written by pai-runtime"):
        selfcopy.install(_layout(work), RecordingLog())
    assert "somebody else's" in (work / "runtime").read_text()


def test_removal_never_crosses_a_mount_point(tmp_path: Path) -> None:
    """An old version dir with mounts inside (think: a secret volume, or a hostPath bind
    mount from the same filesystem, writable) is retired without touching mounted files."""
    work = tmp_path / "work"
    old = work / selfcopy.STORE / "0123456789abcdef"
    mounts = {}
    for name, opts in (("ro", "remount,bind,ro"), ("rw", None)):
        src = tmp_path / f"volume-{name}"
        src.mkdir()
        (src / "key").write_text(f"do-not-delete-{name}")
        (old / name).mkdir(parents=True)
        mounts[name] = (src, old / name, opts)
    (old / "junk").write_text("old")
    setup = "".join(
        f"subprocess.run(['mount', '--bind', '{src}', '{dst}'], check=True)\n"
        + (f"subprocess.run(['mount', '-o', '{opts}', '{dst}'], check=True)\n" if opts else "")
        for src, dst, opts in mounts.values())
    script = "import subprocess, sys\n" + setup + textwrap.dedent(f"""
        sys.path.insert(0, "{REPO}")
        from pai_runtime.init import selfcopy
        from pai_runtime.layout import Layout
        from tests.test_bundle_selfcopy import RecordingLog
        log = RecordingLog()
        selfcopy.install(Layout.from_env({{"PAI_WORK_DIR": "{work}"}}), log)
        print(sorted(os.path.basename(kw["path"]) for lvl, ev, kw in log.events
                     if ev == "not removing a mount point" and "/.del-0123456789abcdef-" in kw["path"]))
    """)
    res = subprocess.run(["unshare", "--mount", "--", sys.executable, "-c", "import os\n" + script],
                         capture_output=True, text=True, timeout=60, cwd=REPO)
    assert res.returncode == 0, res.stderr
    # the old version is retired (renamed away, then emptied) around the mounts it holds
    assert res.stdout.strip() == repr(sorted(mounts))
    for name, (src, _dst, _opts) in mounts.items():
        assert (src / "key").read_text() == f"do-not-delete-{name}"
    assert not (old / "junk").exists()


def test_init_reports_an_unwritable_work_dir_in_one_line(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    (work / selfcopy.STORE).write_text("a file where the runtime's dir goes")
    env = {"PATH": os.environ["PATH"], "PAI_WORK_DIR": str(work), "PAI_CONFIG_DIR": str(tmp_path / "cfg"),
           "INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]", "RUNTIME_CONFIG": "commands: ['true']",
           "PAI_LOG_FORMAT": "console"}
    res = subprocess.run([sys.executable, "-m", "pai_runtime", "init"], capture_output=True, text=True, env=env,
                         timeout=60, cwd=tmp_path)
    assert res.returncode == 247, res.stderr
    assert "cannot copy the runtime into the work dir" in res.stderr
    assert "Traceback" not in res.stderr


def test_python_launcher_without_that_python_says_so(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    launcher = work / "runtime"
    launcher.write_text(selfcopy.launcher_python("0" * 16, "/nonexistent/venv/bin/python3"))
    launcher.chmod(0o755)
    term = tmp_path / "term"
    res = subprocess.run([str(launcher)], capture_output=True, text=True, timeout=30,
                         env={"PATH": "/usr/bin:/bin", "PAI_TERMINATION_LOG": str(term)})
    assert res.returncode == 127
    assert res.stderr.count("\n") == 1 and "/nonexistent/venv/bin/python3" in res.stderr
    assert "[PAI_RUNTIME_ERROR_START]" in term.read_text()


def test_frozen_launcher_without_its_copy_says_so(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    launcher = work / "runtime"
    launcher.write_text(selfcopy.launcher_frozen("0" * 16, "pai-runtime"))
    launcher.chmod(0o755)
    term = tmp_path / "term"
    res = subprocess.run([str(launcher), "--", "true"], capture_output=True, text=True, timeout=30,
                         env={"PATH": "/usr/bin:/bin", "PAI_TERMINATION_LOG": str(term)})
    assert res.returncode == 127
    assert res.stderr.count("\n") == 1, res.stderr
    assert f"{work}/.pai-runtime/{'0' * 16}/bundle/pai-runtime is missing" in res.stderr
    assert "PAIRuntimeCannotStartInImage" in term.read_text()


def test_paths_that_would_break_the_launcher_are_refused() -> None:
    with pytest.raises(ConfigError):
        selfcopy.launcher_python("0" * 16, "/opt/it's/python3")


# -- an init container killed (SIGKILL, no cleanup) at any point, then restarted ------------
_KILLER = """
import os, shutil, signal, sys
sys.path.insert(0, sys.argv[1])
from pai_runtime.init import selfcopy
from pai_runtime.layout import Layout
from tests.test_bundle_selfcopy import RecordingLog

point, nth = sys.argv[2], int(sys.argv[3])
seen = {}

def hit(name):
    seen[name] = seen.get(name, 0) + 1
    if name == point and seen[name] == nth:
        os.kill(os.getpid(), signal.SIGKILL)  # what the kubelet does: no handler, no cleanup

def wrap(mod, attr, before, after=None):
    real = getattr(mod, attr)
    def f(*a, **kw):
        hit(before)
        out = real(*a, **kw)
        if after:
            hit(after)
        return out
    setattr(mod, attr, f)

wrap(selfcopy, "_copy_file", "copy-file")
wrap(os, "rename", "rename", "renamed")
wrap(os, "replace", "replace", "replaced")
wrap(os, "write", "write", "launcher-written")  # the launcher is the one file written with os.write
wrap(os, "unlink", "unlink")
wrap(os, "rmdir", "rmdir")
selfcopy.install(Layout.from_env({"PAI_WORK_DIR": sys.argv[4], "PAI_SPECS_DIR": sys.argv[5]}), RecordingLog())
print("not killed", seen)
"""

#: (operation, nth call): inside the copy, around the version's rename, the links' and the
#: launcher's replace, and inside the removal of the previous version.
KILL_POINTS = [("copy-file", 1), ("copy-file", 20), ("rename", 1), ("renamed", 1), ("replace", 1),
               ("replaced", 2), ("launcher-written", 1), ("replace", 3), ("rename", 2), ("unlink", 3),
               ("rmdir", 2)]


def _launcher_version(work: Path) -> str:
    text = (work / "runtime").read_text()
    return text.split(f'home="$here/{selfcopy.STORE}/', 1)[1].split('"', 1)[0]


@pytest.fixture(scope="module")
def previous_install(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A work dir holding the runtime of an older init image (the state a restart sees)."""
    work = tmp_path_factory.mktemp("previous") / "work"
    selfcopy.install(_layout(work), RecordingLog())
    return work


def test_init_killed_at_any_point_then_restarted(tmp_path: Path, previous_install: Path) -> None:
    specs = tmp_path / "newspecs"  # the new init image's files differ: a new version
    shutil.copytree(_layout(previous_install).specs_dir, specs)
    (specs / "new-image.yaml").write_text("x: 1\n")
    old_version = _launcher_version(previous_install)
    env = {"PATH": os.environ["PATH"], "PAI_TERMINATION_LOG": str(tmp_path / "term"), "FC_POD_UID": "k"}
    for point, nth in KILL_POINTS:
        case = f"{point}#{nth}"
        work = tmp_path / case / "work"
        shutil.copytree(previous_install, work, symlinks=True)
        res = subprocess.run([sys.executable, "-c", _KILLER, str(REPO), point, str(nth), str(work), str(specs)],
                             capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert res.returncode == -9, f"{case}: the kill point was not reached: {res.stdout} {res.stderr}"
        # whenever it died, the launcher starts a complete runtime (the old one or the new one)
        version = _launcher_version(work)
        assert (work / selfcopy.STORE / version / selfcopy.COMPLETE).is_file(), case
        # the restarted init container finishes the job and leaves nothing behind
        log = RecordingLog()
        selfcopy.install(Layout.from_env({"PAI_WORK_DIR": str(work), "PAI_SPECS_DIR": str(specs)}), log)
        (installed,) = log.find("runtime installed in the work dir")
        new_version = installed["version"]
        assert new_version != old_version
        assert sorted(p.name for p in (work / selfcopy.STORE).iterdir()) == [new_version], case
        assert sorted(p.name for p in work.iterdir()) == [selfcopy.STORE, "plugins", selfcopy.LAUNCHER, "specs"], case
        assert _launcher_version(work) == new_version, case
        assert (work / "specs" / "new-image.yaml").is_file(), case
        assert sorted(p.name for p in (work / "plugins").iterdir()) == sorted(
            p.name for p in _layout(work).plugins_dir.iterdir() if p.name != "__pycache__"), case
    res = subprocess.run([str(work / "runtime"), "--", "/bin/sh", "-c", "echo restarted-ok"], capture_output=True,
                         text=True, env=env, timeout=60, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    assert "restarted-ok" in (work / "logs" / "k" / "user-all" / "current").read_text()


def test_dead_temp_links_and_launchers_are_removed_live_ones_kept(tmp_path: Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    dead = [work / ".runtime.tmp-999999999", work / ".specs.tmp-999999999", work / ".plugins.tmp-999999998"]
    dead[0].write_text("#!/bin/sh\n")
    os.symlink(".pai-runtime/x/specs", dead[1])
    os.symlink(".pai-runtime/x/plugins", dead[2])
    live = work / f".runtime.tmp-{os.getppid()}"
    live.write_text("being written")
    users = work / ".specs.tmp-notapid"  # not a name we write: not ours
    users.write_text("someone else's")
    selfcopy.install(_layout(work), RecordingLog())
    assert not [p for p in dead if os.path.lexists(p)]
    assert live.exists() and users.exists()


def test_read_only_and_foreign_mounts_in_the_work_dir_are_never_touched(tmp_path: Path) -> None:
    """The kubelet mounts secrets and other volumes inside the work dir (OpenPAI's init
    broke on them with its ``rm -rf``): a read-only bind mount, a writable one, a mount
    sitting where one of our names goes and one inside our own store all survive two
    ``init``s of different images (the second retires the first's version)."""
    work = tmp_path / "work"
    store = work / selfcopy.STORE
    volumes = {}
    for name in ("secret", "data", "plugins-vol", "store-vol"):
        src = tmp_path / f"volume-{name}"
        src.mkdir()
        (src / "key").write_text(f"keep-{name}")
        volumes[name] = src
    mounts = [(volumes["secret"], work / "secret", True), (volumes["data"], work / "data", False),
              (volumes["plugins-vol"], work / "plugins", True),
              (volumes["store-vol"], store / "0123456789abcdef", False)]
    specs = tmp_path / "newspecs"
    shutil.copytree(_layout(work).specs_dir, specs)
    (specs / "new-image.yaml").write_text("x: 1\n")
    env_common = {"PATH": os.environ["PATH"], "PAI_WORK_DIR": str(work), "PAI_CONFIG_DIR": str(tmp_path / "cfg"),
                  "PAI_TERMINATION_LOG": str(tmp_path / "term"), "PAI_LOG_FORMAT": "json",
                  "INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]",
                  "RUNTIME_CONFIG": "commands: ['true']"}
    script = ["set -e"]
    for src, dst, ro in mounts:
        script += [f"mkdir -p '{dst}'", f"mount --bind '{src}' '{dst}'"]
        if ro:
            script.append(f"mount -o remount,bind,ro '{dst}'")
    init = f"'{sys.executable}' -m pai_runtime init"
    script += [f"{init} 2>'{tmp_path}/first.log'", f"PAI_SPECS_DIR='{specs}' {init} 2>'{tmp_path}/second.log'",
               f"ls -A '{store}'"]
    for _src, dst, _ro in mounts:
        script.append(f"cat '{dst}/key'; echo")
    res = subprocess.run(["unshare", "--mount", "--", "/bin/sh", "-c", "\n".join(script)], capture_output=True,
                         text=True, env=env_common, timeout=120, cwd=REPO)
    logs = (tmp_path / "first.log").read_text() + (tmp_path / "second.log").read_text()
    assert res.returncode == 0, res.stderr + logs
    assert "Traceback" not in logs
    out = res.stdout.split()
    assert out[-4:] == ["keep-secret", "keep-data", "keep-plugins-vol", "keep-store-vol"], res.stdout
    # the foreign mount in the store stays (with a warning), our older version is gone
    assert "0123456789abcdef" in out and not any(n.startswith((".tmp-", ".del-")) for n in out), res.stdout
    assert "not removing an old runtime version" in logs
    for name, src in volumes.items():
        assert sorted(p.name for p in src.iterdir()) == ["key"], name

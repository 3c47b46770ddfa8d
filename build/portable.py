"""Build the portable bundle: CPython, its libraries, glibc and its loader in one folder.

Why not PyInstaller (what build/bundle.sh used first): its bootloader is linked against the
image's dynamic loader, so an image with an older glibc (Debian 11, Ubuntu 20.04), musl
or no libc cannot start it; it exports ``LD_LIBRARY_PATH=<bundle>/_internal`` to every
child (the user's programs then load the bundle's libstdc++ and libssl); and it starts
about 2x slower than the venv (it re-executes itself and imports through its own Python
importer). This tree is the build machine's own interpreter and modules, relocated:

    pai-runtime            static launcher (build/launcher.c): the container command
    python -> pai-runtime  the same launcher as a plain Python (what sys.executable names)
    bin/python3            the interpreter (Debian's; PT_INTERP untouched, never exec'd directly)
    bin/busybox, bin/sh    a static shell for images without /bin/sh
    glibc/                 ld-linux-*.so.2, libc.so.6, libm.so.6, ...: the bundle's C library
    lib/                   every other shared library the interpreter and modules need
    lib/python311.zip      the standard library (byte code only, deflated)
    lib/python3.11/        lib-dynload (the standard library's extension modules), os.pyc
    lib/python3.11/site-packages/  pai_runtime and its pinned dependencies
    specs/, plugins/       data
    .bundle-id             fingerprint of the inputs (build/bundle.sh skips unchanged builds)

The launcher execs ``glibc/ld-linux-*.so.2 --library-path glibc:lib bin/python3 ...``: the
loader's --library-path is an argument of this one process, so nothing the user runs
inherits it, and the image's loader and C library are never used.

Usage: ``python build/portable.py DEST`` with the venv's interpreter (it reads the
installed distributions to find the runtime's dependencies).
"""

from __future__ import annotations

import compileall
import os
import re
import shutil
import subprocess
import sys
import sysconfig
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLIBC = re.compile(r"^(ld-linux[-.\w]*|libc|libm|libdl|libpthread|librt|libutil|libresolv|libanl|libnss_\w+|"
                   r"libmvec|libBrokenLocale|libc_malloc_debug|libthread_db)\.so(\.\d+)*$")
#: Standard-library parts the runtime never imports: tests, GUIs, installers, 2to3.
STDLIB_SKIP = {"test", "idlelib", "tkinter", "turtledemo", "ensurepip", "lib2to3", "pydoc_data", "venv",
               "site-packages", "dist-packages", "__pycache__", "turtle.py", "unittest", "distutils"}
#: Extension modules the runtime never imports, and that would pull in libsqlite3, readline,
#: ncurses, Kerberos (nis) and libcrypt.
STDLIB_SKIP_DYNLOAD = re.compile(r"^(_tkinter|_test\w*|xxtest\w*|_ctypes_test|_xxsubinterpreters|xxlimited\w*|"
                                 r"_sqlite3|readline|_curses\w*|_dbm|_gdbm|nis|_crypt|audioop|ossaudiodev|"
                                 r"spwd|_lsprof|_xxtestfuzz)\.")


def requirement_closure(top: str) -> list[metadata.Distribution]:
    """The installed distributions ``top`` needs (its Requires-Dist, recursively, without extras)."""
    seen: dict[str, metadata.Distribution] = {}
    todo = [top]
    while todo:
        name = re.split(r"[ ;<>=!~\[(]", todo.pop(), maxsplit=1)[0].strip()
        key = name.lower().replace("_", "-")
        if not key or key in seen:
            continue
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        seen[key] = dist
        for req in dist.requires or []:
            if "extra ==" in req:
                continue
            todo.append(req)
    return list(seen.values())


def copy_stdlib(dest: Path) -> None:
    src = Path(sysconfig.get_paths()["stdlib"])
    for entry in sorted(src.iterdir()):
        if entry.name in STDLIB_SKIP or entry.name.startswith("config-"):
            continue
        if entry.is_dir():
            shutil.copytree(entry, dest / entry.name, ignore=shutil.ignore_patterns("__pycache__", "test", "tests"))
        else:
            shutil.copy2(entry, dest / entry.name)
    dyn = dest / "lib-dynload"
    for so in list(dyn.iterdir()):
        if STDLIB_SKIP_DYNLOAD.match(so.name):
            so.unlink()


def copy_distributions(dest: Path) -> None:
    site = Path(sysconfig.get_paths()["purelib"])
    for dist in requirement_closure("pai-runtime"):
        if dist.metadata["Name"].lower() == "pai-runtime":
            continue
        for f in dist.files or []:
            p = Path(dist.locate_file(f)).resolve()
            try:
                rel = p.relative_to(site)
            except ValueError:
                continue  # scripts in bin/
            if "__pycache__" in rel.parts or not p.is_file():
                continue
            out = dest / rel
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(p, out)
    shutil.copytree(ROOT / "pai_runtime", dest / "pai_runtime", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    (dest / "sitecustomize.py").write_text(
        '"""The bundle\'s Python re-executes itself through the bundle\'s launcher (build/launcher.c),\n'
        'which passes -X pai_python=<bundle>/python: children started with sys.executable then use\n'
        'the bundle\'s own loader and C library too, never the image\'s."""\n'
        "import sys\n\n"
        "_exe = sys._xoptions.get('pai_python')\n"
        "if isinstance(_exe, str):\n"
        "    sys.executable = sys._base_executable = _exe\n"
        "    # the runtime finds its specs/ and plugins/ and copies itself as it did from PyInstaller\n"
        "    sys.frozen = True\n"
        "    sys._MEIPASS = _exe.rsplit('/', 1)[0]\n", encoding="utf-8")


def byte_compile(tree: Path, *, sourceless: bool) -> None:
    """Byte code next to the sources (``-b``, no __pycache__) and the sources removed, or the
    usual __pycache__ with unchecked hashes (no source stat at import time) for our own code."""
    if sourceless:
        compileall.compile_dir(str(tree), quiet=2, legacy=True, optimize=0, workers=1)
        for py in tree.rglob("*.py"):
            if py.with_suffix(".pyc").exists():
                py.unlink()
    else:
        import py_compile

        compileall.compile_dir(str(tree), quiet=2, workers=1,
                               invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)


def hot_modules(dest: Path) -> set[str]:
    """Standard-library files the job container's start-up path imports (``run -- true``,
    ``--version``), as ``-X importtime`` of the built bundle reports them."""
    env = {"PATH": "/usr/bin:/bin", "PAI_WORK_DIR": str(dest / ".probe"), "PAI_CONFIG_DIR": str(dest / ".none"),
           "PAI_TERMINATION_LOG": str(dest / ".probe" / "termination-log")}
    boot = "import sys;sys.argv[0]='pai-runtime';from pai_runtime.cli import main;main()"
    names: set[str] = set()
    for args in (["run", "--", "true"], ["--version"]):
        res = subprocess.run([str(dest / "pai-runtime"), "-X", "importtime", "-I", "-c", boot, *args], env=env,
                             capture_output=True, text=True, timeout=120)
        names.update(line.rsplit("|", 1)[-1].strip() for line in res.stderr.splitlines()
                     if line.startswith("import time:") and "|" in line)
    shutil.rmtree(dest / ".probe", ignore_errors=True)
    return names


def zip_stdlib(dest: Path, stdlib: Path, hot: set[str]) -> None:
    """The standard library's byte code in ``lib/python3XY.zip`` (on CPython's default
    sys.path, before lib/python3.XY), deflated: a third of the
    bytes and a few files instead of a thousand, which is what init copies into every pod's
    work dir. Modules the start-up path imports (``hot``) stay loose, because zipimport
    costs the job container's PID 1 about 10 ms (whole top-level packages: a package is
    found in one place only); ``os.pyc`` stays loose too: it is the
    landmark CPython finds its prefix by. CPython searches the zip first, so a hot module
    is left out of the zip, not just kept beside it."""
    import zipfile

    zpath = dest / "lib" / f"python{sys.version_info.major}{sys.version_info.minor}.zip"
    keep = {"lib-dynload", "site-packages"}

    def module(rel: Path) -> str:
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)

    loose: list[Path] = []
    # whole top-level packages: a package split between the zip and the dir loses half of it
    tops = {m.split(".")[0] for m in hot}
    with zipfile.ZipFile(zpath, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        for p in sorted(stdlib.rglob("*")):
            rel = p.relative_to(stdlib)
            if rel.parts[0] in keep or not p.is_file():
                continue
            if module(rel).split(".")[0] in tops or rel.as_posix() == "os.pyc":
                loose.append(rel)
                continue
            z.write(p, rel.as_posix())
            p.unlink()
    for d in sorted((p for p in stdlib.rglob("*") if p.is_dir()), key=lambda p: len(p.parts), reverse=True):
        if d.relative_to(stdlib).parts[0] not in keep and not any(d.iterdir()):
            d.rmdir()


def elf(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def copy_libraries(dest: Path) -> None:
    """Every shared library any ELF file of the tree needs (ldd: transitive), into glibc/ or lib/."""
    (dest / "glibc").mkdir()
    (dest / "lib").mkdir(exist_ok=True)
    done: set[str] = set()
    elves = [p for p in dest.rglob("*") if p.is_file() and not p.is_symlink() and elf(p)]
    extra = ["libgcc_s.so.1"]  # glibc dlopens it for pthread_cancel / backtraces
    for p in elves:
        res = subprocess.run(["ldd", str(p)], capture_output=True, text=True, timeout=60)
        for line in res.stdout.splitlines():
            m = re.search(r"=>\s*(/\S+)", line) or re.match(r"\s*(/\S+)\s+\(0x", line)
            if not m:
                continue
            lib = Path(m.group(1))
            if lib.name in done or str(lib).startswith(str(dest)):
                continue
            done.add(lib.name)
            sub = "glibc" if GLIBC.match(lib.name) else "lib"
            shutil.copy2(lib.resolve(), dest / sub / lib.name)
    for name in extra:
        if name not in done:
            for d in ("/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64"):
                if Path(d, name).exists():
                    shutil.copy2(Path(d, name).resolve(), dest / "lib" / name)
                    break
    if not list((dest / "glibc").glob("ld-linux*.so.*")):
        raise SystemExit("portable: no dynamic loader found by ldd")


def strip(dest: Path) -> None:
    """Debug symbols are most of a shared libpython's size, copied into every pod: strip
    everything but the C library and its loader (kept byte for byte, as Debian ships them)."""
    files = [str(p) for p in dest.rglob("*") if p.is_file() and not p.is_symlink() and elf(p)
             and p.parent.name != "glibc"]
    if files:
        subprocess.run(["strip", "--strip-unneeded", *files], check=True, timeout=300)


def main(argv: list[str]) -> int:
    dest = Path(argv[0]).resolve()
    if dest.exists():
        shutil.rmtree(dest)
    (dest / "bin").mkdir(parents=True)
    python = Path(os.path.realpath(getattr(sys, "_base_executable", sys.executable)))
    shutil.copy2(python, dest / "bin" / "python3")
    ver = f"python{sys.version_info.major}.{sys.version_info.minor}"
    stdlib = dest / "lib" / ver
    stdlib.mkdir(parents=True)
    copy_stdlib(stdlib)
    byte_compile(stdlib, sourceless=True)
    site = stdlib / "site-packages"
    site.mkdir(parents=True)
    copy_distributions(site)
    ours = site / "pai_runtime"
    byte_compile(site, sourceless=True)  # third-party: byte code only
    shutil.rmtree(ours)
    shutil.copytree(ROOT / "pai_runtime", ours, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    byte_compile(ours, sourceless=False)  # ours: sources kept for tracebacks
    # the regexes PyYAML compiles at import, kept as byte code is (pai_runtime.regexcache):
    # the same interpreter as the bundle's, importing the bundle's own yaml and pai_runtime
    subprocess.run([sys.executable, "-I", "-c", "import sys; sys.path.insert(0, sys.argv[1]); "
                    "from pai_runtime import regexcache; sys.exit(regexcache.main())", str(site)],
                   check=True, timeout=120)
    for data in ("specs", "plugins"):
        if (ROOT / data).is_dir():
            shutil.copytree(ROOT / data, dest / data, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    if (dest / "plugins").is_dir():  # the plugins init runs in its own interpreter read their byte code
        byte_compile(dest / "plugins", sourceless=False)
    copy_libraries(dest)
    strip(dest)
    loader = next((dest / "glibc").glob("ld-linux*.so.*")).name
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O2", "-static", "-s", f'-DPAI_LOADER="{loader}"', "-o", str(dest / "pai-runtime"),
                    str(ROOT / "build" / "launcher.c")], check=True, timeout=120)
    os.symlink("pai-runtime", dest / "python")
    zip_stdlib(dest, stdlib, hot_modules(dest))
    busybox = Path(os.environ.get("PAI_BUSYBOX", "/bin/busybox"))
    shutil.copy2(busybox, dest / "bin" / "busybox")
    os.symlink("busybox", dest / "bin" / "sh")
    for p in dest.rglob("*"):
        if not p.is_symlink():
            p.chmod(0o755 if p.is_dir() or os.access(p, os.X_OK) else 0o644)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

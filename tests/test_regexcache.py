"""The regex program cache of init's YAML import (pai_runtime.regexcache), in real fresh
interpreters: a kept program is the very pattern ``re`` compiles, a kept file spares the
compiler, and a file from elsewhere, a broken one or a read-only folder only cost speed."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

#: counts what ``re``'s compiler compiles while ``imported('yaml')`` runs, with the cache
#: file at PATH (argv[1]); prints "compiled N kept M ok"
PROBE = textwrap.dedent("""
    import re, sys
    from re import _compiler
    from pai_runtime import regexcache
    regexcache.path = lambda module: sys.argv[1]
    compiled = []
    real = _compiler.compile
    _compiler.compile = lambda p, flags=0: (compiled.append(p), real(p, flags))[1]
    yaml = regexcache.imported("yaml")
    _compiler.compile = real
    # the loaded yaml works as yaml does: its resolver's regexes decide these types
    doc = yaml.safe_load("a: 1\\nb: 2.5\\nc: true\\nd: 2001-12-14\\ne: ~\\nf: 0x1F\\ng: yes\\n")
    assert doc == {"a": 1, "b": 2.5, "c": True, "d": __import__("datetime").date(2001, 12, 14),
                   "e": None, "f": 31, "g": True}, doc
    try:
        yaml.safe_load("x: \\x07")
    except yaml.YAMLError as exc:
        assert "special characters are not allowed" in str(exc), exc
    else:
        raise AssertionError("a control character passed yaml's reader")
    import os
    print("compiled", len(compiled), "exists", os.path.exists(sys.argv[1]))
""")


def probe(cache: Path, *flags: str) -> tuple[int, bool]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # -B says it
    r = subprocess.run([sys.executable, *flags, "-c", PROBE, str(cache)], capture_output=True, text=True,
                       timeout=60, env=env)
    assert r.returncode == 0, r.stderr
    words = r.stdout.split()
    return int(words[1]), words[3] == "True"


def test_first_import_writes_the_cache_and_the_next_compiles_nothing(tmp_path: Path) -> None:
    cache = tmp_path / "pycache" / "regex-yaml.bin"
    compiled, exists = probe(cache)
    assert compiled >= 5 and exists  # PyYAML 6 compiles ten at import
    assert probe(cache) == (0, True)


def test_no_file_is_written_where_byte_code_is_not(tmp_path: Path) -> None:
    cache = tmp_path / "regex-yaml.bin"
    compiled, exists = probe(cache, "-B")
    assert compiled >= 5 and not exists


def test_a_read_only_folder_only_costs_the_compile(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if subprocess.run(["test", "-w", str(folder)]).returncode == 0:  # root writes anyway:
            folder.chmod(0o755)                                          # use a path below a file
            (folder / "file").write_text("")
            cache = folder / "file" / "regex-yaml.bin"
        else:
            cache = folder / "regex-yaml.bin"
        compiled, exists = probe(cache)
        assert compiled >= 5 and not exists
    finally:
        folder.chmod(0o755)


@pytest.mark.parametrize("content", [b"", b"not marshal", b"\xe9\x02\x00\x00\x00"])
def test_a_broken_file_means_a_plain_import(tmp_path: Path, content: bytes) -> None:
    cache = tmp_path / "regex-yaml.bin"
    cache.write_bytes(content)
    compiled, _ = probe(cache, "-B")
    assert compiled >= 5


def test_a_file_of_another_interpreter_is_ignored_and_rewritten(tmp_path: Path) -> None:
    import marshal

    cache = tmp_path / "regex-yaml.bin"
    probe(cache)
    key, entries = marshal.loads(cache.read_bytes())
    other = (key[0], key[1] + 1, *key[2:])  # another hexversion: its programs may differ
    # a wrong program under that key must never be loaded: empty every code list
    cache.write_bytes(marshal.dumps((other, [(*e[:3], [], *e[4:]) for e in entries])))
    compiled, _ = probe(cache)
    assert compiled >= 5
    assert marshal.loads(cache.read_bytes())[0] == key


def test_the_file_debians_own_python_wrote_is_refused_and_rewritten(tmp_path: Path) -> None:
    """A real other interpreter: Debian's /usr/bin/python3 (3.11 of another build, with
    Debian's PyYAML; package python3-yaml from tests/rigs/packages.d) writes the file at the
    same path, as an image's system Python would beside ours; ours compiles and rewrites it."""
    import marshal

    cache = tmp_path / "regex-yaml.bin"
    theirs = "/usr/bin/python3"
    other = subprocess.run([theirs, "-c", f"import sys; print(sys.hexversion != {sys.hexversion})"],
                           capture_output=True, text=True, timeout=60)
    assert other.stdout.strip() == "True", f"{theirs} is this interpreter's build: {other}"
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    root = str(Path(__file__).resolve().parents[1])  # our regexcache, Debian's yaml
    r = subprocess.run([theirs, "-I", "-c", f"import sys; sys.path.insert(0, {root!r}); "
                        f"exec(compile(open({str(script)!r}).read(), 'probe', 'exec'))", str(cache)],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    theirs_key = marshal.loads(cache.read_bytes())[0]
    compiled, _ = probe(cache)
    assert compiled >= 5
    ours_key = marshal.loads(cache.read_bytes())[0]
    assert ours_key != theirs_key and ours_key[1] == sys.hexversion


def test_every_kept_program_is_the_pattern_re_compiles(tmp_path: Path) -> None:
    """Compared in an interpreter that compiled them itself (Pattern equality is flags,
    pattern text and code)."""
    cache = tmp_path / "regex-yaml.bin"
    probe(cache)
    check = textwrap.dedent("""
        import marshal, re, sys, _sre
        key, entries = marshal.load(open(sys.argv[1], "rb"))
        for pattern, flags, final, code, groups, gi, ig in entries:
            assert _sre.compile(pattern, final, code, groups, gi, ig) == re.compile(pattern, flags), pattern
        print(len(entries))
    """)
    r = subprocess.run([sys.executable, "-c", check, str(cache)], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert int(r.stdout) >= 5


def test_make_install_keeps_the_cache_init_reads() -> None:
    """The file ``make install`` wrote (``python -m pai_runtime.regexcache``) fits this
    interpreter: the installed init compiles none of yaml's regexes."""
    from pai_runtime import regexcache

    assert probe(Path(regexcache.path("yaml"))) == (0, True)

"""Malicious and broken tarballs: each escape refused, from headers, before extraction;
and extraction of a hostile archive (its sha256 matching, as if the catalog were
tampered with) never writes outside its directory."""

from __future__ import annotations

import gzip
import os
import stat
import subprocess
import tarfile
import time
import uuid
from pathlib import Path

import pytest

from pai_runtime.addons.tarsafe import Limits, TarProblem, extract, hash_file, scan
from pai_runtime.errors import ConfigError
from tests.rigs.addons_tars import cli, member, write_meta, write_tar


def violations(tb: Path, required: list[str] | None = None, limits: Limits | None = None) -> list[str]:
    return scan(tb, required or [], limits).violations


def extract_hostile(tb: Path, dest: Path) -> TarProblem:
    """Extraction with the archive's own sha256: only the per-member checks stand
    between the archive and the filesystem."""
    with pytest.raises(TarProblem) as info:
        extract(tb, dest, sha256=hash_file(tb))
    assert not os.path.lexists(dest), "a failed extraction must leave nothing behind"
    return info.value


def test_dotdot_member(tmp_path: Path) -> None:
    victim = tmp_path / "x"
    tb = write_tar(tmp_path / "a.tar.gz", [member("ok", b"1"), member("../x", b"pwned")])
    v = violations(tb)
    assert len(v) == 1 and "member '../x'" in v[0] and "'..' in member name" in v[0]
    extract_hostile(tb, tmp_path / "out")
    assert not victim.exists()


def test_deeper_dotdot_member(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [member("usr/lib/../../../x", b"pwned")])
    assert "'..' in member name" in violations(tb)[0]
    (tmp_path / "out").mkdir()
    extract_hostile(tb, tmp_path / "out" / "deep")
    assert not (tmp_path / "x").exists()


def test_absolute_member(tmp_path: Path) -> None:
    name = f"/etc/pai-addon-test-{uuid.uuid4().hex}"
    tb = write_tar(tmp_path / "a.tar.gz", [member(name, b"pwned")])
    v = violations(tb)
    assert len(v) == 1 and "absolute member name" in v[0]
    extract_hostile(tb, tmp_path / "out")
    assert not os.path.exists(name)


def test_symlink_to_root(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [member("usr/root", kind="symlink", target="/")])
    v = violations(tb)
    assert len(v) == 1 and "symlink to absolute path '/'" in v[0]
    extract_hostile(tb, tmp_path / "out")


def test_symlink_climbing_out_and_a_file_written_through_it(tmp_path: Path) -> None:
    """The classic two-step escape: a link out of the root, then a member below it."""
    (tmp_path / "outside").mkdir()
    tb = write_tar(tmp_path / "a.tar.gz", [
        member("esc", kind="symlink", target="../outside"),
        member("esc/pwned", b"x"),
    ])
    v = violations(tb)
    assert any("member 'esc'" in x and "resolves outside the addon's root" in x for x in v)
    assert any("member 'esc/pwned'" in x and "lies below symlink 'esc'" in x for x in v)
    extract_hostile(tb, tmp_path / "out")
    assert list((tmp_path / "outside").iterdir()) == []


def test_symlink_chain_that_only_escapes_when_followed(tmp_path: Path) -> None:
    """Each link is inside on its own (lexically); following 'a/up' first, '..' climbs out."""
    tb = write_tar(tmp_path / "a.tar.gz", [
        member("a", kind="dir"),
        member("a/up", kind="symlink", target=".."),
        member("a/esc", kind="symlink", target="up/.."),
    ])
    v = violations(tb)
    assert len(v) == 1 and "member 'a/esc'" in v[0] and "through the archive's links" in v[0]


def test_symlink_inside_the_addon_is_fine(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [
        member("usr/lib/libx.so.1", b"elf"),
        member("usr/lib/libx.so", kind="symlink", target="libx.so.1"),
        member("usr/bin/tools", kind="symlink", target="../lib"),
    ])
    assert violations(tb, ["/usr/lib", "/usr/bin/tools"]) == []


def test_hardlink_outside(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [
        member("a", b"1"),
        member("h1", kind="hardlink", target="../../etc/passwd"),
        member("h2", kind="hardlink", target="/etc/passwd"),
        member("h3", kind="hardlink", target="missing"),
    ])
    v = violations(tb)
    assert len(v) == 3
    assert "member 'h1': hard link to '../../etc/passwd' points outside" in v[0]
    assert "member 'h2': hard link to '/etc/passwd' points outside" in v[1]
    assert "member 'h3': hard link to 'missing', which is not a file earlier" in v[2]
    extract_hostile(tb, tmp_path / "out")


def test_hardlink_inside_extracts_as_one_file(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [member("a", b"same"), member("b", kind="hardlink", target="a")])
    extract(tb, tmp_path / "out", sha256=hash_file(tb))
    assert os.stat(tmp_path / "out/a").st_ino == os.stat(tmp_path / "out/b").st_ino


@pytest.mark.parametrize("kind,what", [("chr", "a character device"), ("blk", "a block device"), ("fifo", "a fifo")])
def test_device_nodes_and_fifos(tmp_path: Path, kind: str, what: str) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [member("ok", b"1"), member("dev/node", kind=kind)])
    v = violations(tb)
    assert len(v) == 1 and f"member 'dev/node': is {what}" in v[0]
    extract_hostile(tb, tmp_path / "out")


@pytest.mark.timeout(60)
def test_ten_gigabyte_sparse_member_refused_from_its_header(tmp_path: Path) -> None:
    root = tmp_path / "root" / "opt"
    root.mkdir(parents=True)
    with open(root / "big", "wb") as f:
        f.truncate(10 * 10**9)
        f.seek(10 * 10**9 - 1)
        f.write(b"x")
    tb = tmp_path / "sparse.tar.gz"
    subprocess.run(["tar", "--sparse", "-C", str(tmp_path / "root"), "-czf", str(tb), "."], check=True)
    assert tb.stat().st_size < 64 * 1024, "the point: a small archive that claims 10 GB"
    start = time.monotonic()
    v = violations(tb, ["/opt/big"])
    assert time.monotonic() - start < 20, "must be refused from the header, not by inflating 10 GB"
    assert len(v) == 1 and "member './opt/big': 9.3 GiB sparse" in v[0] and "tar bomb" in v[0]
    extract_hostile(tb, tmp_path / "out")


def test_total_size_bound_across_members(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [member(f"f{i}", b"\0" * 4096) for i in range(5)])
    v = violations(tb, limits=Limits(max_size=3 * 4096 + 10))
    assert len(v) == 1 and "member 'f3'" in v[0] and "more than 12.0 KiB" in v[0]
    assert violations(tb, limits=Limits(max_size=5 * 4096)) == []


def _many_members_tar(path: Path, count: int) -> Path:
    """``count`` empty members, headers packed by hand into one gzip (fast)."""
    header = tarfile.TarInfo("f0000000")
    header.mtime = 0
    template = header.tobuf(tarfile.GNU_FORMAT)
    chunks = []
    for i in range(count):
        name = b"f%07d" % i
        block = bytearray(template)
        block[0:8] = name
        block[148:156] = b"        "
        block[148:156] = b"%06o\0 " % sum(block)
        chunks.append(bytes(block))
    chunks.append(b"\0" * 1024)
    path.write_bytes(gzip.compress(b"".join(chunks), compresslevel=1))
    return path


@pytest.mark.timeout(120)
def test_hundred_thousand_members(tmp_path: Path) -> None:
    tb = _many_members_tar(tmp_path / "many.tar.gz", 100_000)
    listing = subprocess.run(["tar", "-tzf", str(tb)], capture_output=True, text=True, check=True).stdout
    assert len(listing.splitlines()) == 100_000, "a real archive GNU tar reads in full"
    result = scan(tb, ["/f0000001"])
    assert len(result.violations) == 1 and "more than 50000 members" in result.violations[0]
    assert result.members == 50_001, "reading stops at the bound"
    # extraction enforces the bound as it goes too (a smaller one keeps the test quick)
    with pytest.raises(TarProblem) as info:
        extract(tb, tmp_path / "out", sha256=hash_file(tb), limits=Limits(max_members=1000))
    assert "more than 1000 members" in info.value.violations[0]
    assert not (tmp_path / "out").exists()


def test_member_appearing_twice(tmp_path: Path) -> None:
    """A later copy would replace a member after it was checked (file -> symlink)."""
    tb = write_tar(tmp_path / "a.tar.gz", [member("usr/x", b"1"), member("usr/x", kind="symlink", target="y"),
                                           member("usr", kind="dir"), member("usr", kind="dir")])
    v = violations(tb)
    assert len(v) == 1 and "member 'usr/x': appears twice" in v[0]


def test_every_unsafe_member_reported_at_once(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [
        member("../a", b"1"), member("/b", b"2"), member("c", kind="symlink", target="/"),
        member("d", kind="chr"), member("e", kind="fifo"), member("f", kind="hardlink", target="../x"),
    ])
    v = violations(tb, ["/zzz"])
    assert len(v) == 7, v
    assert "not in the tarball" in v[-1]


def test_truncated_tarball(tmp_path: Path) -> None:
    good = write_tar(tmp_path / "a.tar.gz", [member(f"f{i}", os.urandom(20000)) for i in range(10)])
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    v = violations(cut)
    assert len(v) == 1 and "truncated gzip stream" in v[0]


def test_not_gzip(tmp_path: Path) -> None:
    plain = tmp_path / "a.tar"
    with tarfile.open(plain, "w") as t:
        t.addfile(tarfile.TarInfo("x"))
    v = violations(plain)
    assert len(v) == 1 and "not gzip-compressed" in v[0]


def test_trailing_garbage_after_gzip(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [member("x", b"1")])
    with open(tb, "ab") as f:
        f.write(b"garbage!")
    assert "trailing garbage" in violations(tb)[0]


def test_zero_padding_after_gzip_is_accepted_and_hashed(tmp_path: Path) -> None:
    """Like gzip(1): zero bytes after the stream (tape-style padding) are ignored."""
    tb = write_tar(tmp_path / "a.tar.gz", [member("x", b"1")])
    with open(tb, "ab") as f:
        f.write(b"\0" * 10240)
    r = scan(tb, ["/x"])
    assert r.violations == [] and r.sha256 == hash_file(tb)
    with pytest.raises(TarProblem, match="sha256 mismatch"):
        extract(tb, tmp_path / "out", sha256="1" * 64)


def test_concatenated_gzip_members_are_one_stream(tmp_path: Path) -> None:
    """``cat a.gz b.gz`` is a valid gzip file; the hash covers every byte."""
    raw = tmp_path / "a.tar"
    with tarfile.open(raw, "w") as t:
        data = os.urandom(50000)
        ti = tarfile.TarInfo("big")
        ti.size = len(data)
        import io

        t.addfile(ti, io.BytesIO(data))
    blob = raw.read_bytes()
    tb = tmp_path / "two.tar.gz"
    tb.write_bytes(gzip.compress(blob[:10000]) + gzip.compress(blob[10000:]))
    r = scan(tb, ["/big"])
    assert r.violations == [] and r.sha256 == hash_file(tb)
    extract(tb, tmp_path / "out", sha256=r.sha256)
    assert (tmp_path / "out/big").read_bytes() == data


def test_extracted_tree_is_read_only_and_setuid_stripped(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [
        member("./", kind="dir"),
        member("./usr/bin/tool", b"#!/bin/sh\n", mode=0o4777),
        member("./usr/share/doc", b"text", mode=0o666),
        member("./usr/lib/x", kind="dir"),
    ])
    r = extract(tb, tmp_path / "out", sha256=hash_file(tb), required=["/usr/bin/tool"])
    assert r.members == 4
    mode = lambda p: stat.S_IMODE(os.lstat(tmp_path / "out" / p).st_mode)  # noqa: E731
    assert mode("usr/bin/tool") == 0o555
    assert mode("usr/share/doc") == 0o444
    for d in ("", "usr", "usr/bin", "usr/share", "usr/lib", "usr/lib/x"):
        assert mode(d) == 0o555, d
    assert os.stat(tmp_path / "out/usr/bin/tool").st_mtime == 1_700_000_000


def test_sha256_mismatch_removes_everything(tmp_path: Path) -> None:
    tb = write_tar(tmp_path / "a.tar.gz", [member("x", b"1")])
    with pytest.raises(TarProblem) as info:
        extract(tb, tmp_path / "out", sha256="0" * 64)
    assert "sha256 mismatch: the catalog says 000" in info.value.violations[0]
    assert hash_file(tb) in info.value.violations[0]
    assert not (tmp_path / "out").exists()


def test_limits_from_env() -> None:
    assert Limits.from_env({}) == Limits()
    assert Limits.from_env({"PAI_ADDON_MAX_SIZE": "8Gi", "PAI_ADDON_MAX_MEMBERS": "7"}) == Limits(8 << 30, 7)
    with pytest.raises(ConfigError) as info:
        Limits.from_env({"PAI_ADDON_MAX_SIZE": "lots"})
    assert info.value.where == "PAI_ADDON_MAX_SIZE"
    with pytest.raises(ConfigError):
        Limits.from_env({"PAI_ADDON_MAX_MEMBERS": "many"})


# -- bombs and crafted headers outside the members' data ----------------------------------------

def _raw_header(name: str, kind: bytes, size: int, fmt: int = tarfile.GNU_FORMAT) -> bytes:
    """One bare tar header block claiming ``size`` bytes of data (none follows)."""
    ti = tarfile.TarInfo(name)
    ti.type, ti.size, ti.mtime = kind, size, 0
    return ti.tobuf(format=fmt)


def _gz_tar(path: Path, *blocks: bytes, trailer: bytes = b"") -> Path:
    path.write_bytes(gzip.compress(b"".join(blocks) + b"\0" * 1024, 1) + trailer)
    return path


def refused(tb: Path, tmp_path: Path, needle: str, required: tuple[str, ...] = ("/opt/x",)) -> None:
    """Both the header scan and a (hash-matching) extraction refuse ``tb`` with ``needle``."""
    v = violations(tb, list(required))
    assert len(v) == 1 and needle in v[0], v
    assert needle in extract_hostile(tb, tmp_path / "out").violations[0]


@pytest.mark.timeout(60)
def test_gzip_bomb_after_the_end_of_the_archive(tmp_path: Path) -> None:
    """A small valid tar, then gigabytes of zeros tar never reads (here 64 MiB): the hash
    pass must not inflate them all."""
    tb = write_tar(tmp_path / "a.tar.gz", [member("opt/x", b"1")])
    bomb = gzip.compress(bytes(64 << 20), 9)
    with open(tb, "ab") as f:
        f.write(bomb)
    assert tb.stat().st_size < 200_000
    refused(tb, tmp_path, "of data after the end of the tar archive (gzip bomb?)")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", [tarfile.XHDTYPE, tarfile.XGLTYPE, tarfile.GNUTYPE_LONGNAME,
                                  tarfile.GNUTYPE_LONGLINK])
def test_huge_extended_header_is_refused_before_it_is_read(tmp_path: Path, kind: bytes) -> None:
    """tarfile reads a pax / long-name header's data into memory in one call: a header
    claiming 64 MiB of (highly compressible) data must not be read at all."""
    block = _raw_header("././@LongLink", kind, 64 << 20)
    tb = tmp_path / "a.tar.gz"
    tb.write_bytes(gzip.compress(block + bytes(64 << 20) + b"\0" * 1024, 9))
    refused(tb, tmp_path, "a tar header holds more than 256.0 KiB of extended data")


def test_chained_long_name_headers(tmp_path: Path) -> None:
    """Thousands of long-name headers in a row make tarfile recurse until RecursionError:
    one violation, never a traceback."""
    name = b"opt/x\0"
    link = _raw_header("././@LongLink", tarfile.GNUTYPE_LONGNAME, len(name)) + name.ljust(512, b"\0")
    tb = _gz_tar(tmp_path / "a.tar.gz", link * 5000, _raw_header("opt/x", tarfile.REGTYPE, 0))
    refused(tb, tmp_path, "too many chained extended headers")
    meta = write_meta(tmp_path / "m.json", "chain", ["/opt/x"])
    r = cli("addon", "validate", str(meta), str(tb))
    assert r.returncode == 33 and "Traceback" not in r.stderr and "too many chained" in r.stderr, r.stderr


@pytest.mark.parametrize("pax, needle", [
    ({"GNU.sparse.size": "12x"}, "corrupt header"),
    ({"path": "opt/x\0/../../etc/passwd"}, "NUL byte in its name or link target"),
    ({"linkpath": "a\0b"}, "NUL byte in its name or link target"),
])
def test_crafted_pax_values(tmp_path: Path, pax: dict[str, str], needle: str) -> None:
    ti = tarfile.TarInfo("opt/x")
    ti.type = tarfile.SYMTYPE if "linkpath" in pax else tarfile.REGTYPE
    ti.mtime, ti.pax_headers = 0, pax
    required = () if "NUL" in needle else ("/opt/x",)  # a refused member provides no path
    refused(_gz_tar(tmp_path / "a.tar.gz", ti.tobuf(format=tarfile.PAX_FORMAT)), tmp_path, needle, required)


def test_data_of_an_unknown_member_type_counts_against_the_size_bound(tmp_path: Path) -> None:
    """tarfile skips an unknown type's data like a file's: 10 GB of it is a bomb too."""
    tb = _gz_tar(tmp_path / "a.tar.gz", _raw_header("opt/x", b"Z", 10 * 10**9))
    v = violations(tb, ["/opt/x"])
    assert any("tar bomb" in x for x in v) and any("unsupported type 'Z'" in x for x in v), v

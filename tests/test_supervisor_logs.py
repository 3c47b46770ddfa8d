"""User log capture of ``pai-runtime run``: byte-exact files, rotation, pass-through,
merged order, flat memory. The runtime runs as PID 1 (or subreaper, see pid1_ns)."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.rigs import pid1_ns

PY = sys.executable
pytestmark = pytest.mark.timeout(120)


def settings(pai, **logs: object) -> None:
    pai.runtime_dir.mkdir(parents=True, exist_ok=True)
    (pai.runtime_dir / "settings.json").write_text(json.dumps({"logs": logs}))


def stream(pai, name: str) -> Path:
    return pai.log_dir / name


def joined(directory: Path) -> bytes:
    """Oldest rotated file first, ``current`` last: the bytes in the order written."""
    rotated = sorted((p for p in directory.glob("current.*")), key=lambda p: int(p.suffix[1:]), reverse=True)
    return b"".join(p.read_bytes() for p in [*rotated, directory / "current"])


def run_to_files(pai, argv: list[str], tmp_path: Path, env: dict | None = None) -> tuple[int, bytes, bytes]:
    """Run with our stdout/stderr going to files (a console that never stalls)."""
    out, err = tmp_path / "console.out", tmp_path / "console.err"
    with open(out, "wb") as fo, open(err, "wb") as fe:
        rt = pid1_ns.start(argv, env or pai.env, stdout=fo.fileno(), stderr=fe.fileno())
        try:
            code = rt.wait(timeout=90)
        finally:
            rt.kill()
    return code, out.read_bytes(), err.read_bytes()


def test_binary_capture_is_byte_exact_and_passed_through(pai, tmp_path: Path) -> None:
    rnd = random.Random(7)
    out_data = bytes(range(256)) * 64 + rnd.randbytes(3 << 20) + b"\x00no newline at the end"
    err_data = rnd.randbytes(1 << 20) + "ünïcödé\r\n".encode() + b"\xff\xfe"
    (tmp_path / "out.bin").write_bytes(out_data)
    (tmp_path / "err.bin").write_bytes(err_data)
    script = f"cat {tmp_path}/out.bin; sleep 0.3; cat {tmp_path}/err.bin >&2"
    code, console_out, console_err = run_to_files(pai, ["--", "sh", "-c", script], tmp_path)
    assert code == 0
    assert (stream(pai, "user-stdout") / "current").read_bytes() == out_data
    assert (stream(pai, "user-stderr") / "current").read_bytes() == err_data
    assert (stream(pai, "user-all") / "current").read_bytes() == out_data + err_data
    assert console_out == out_data
    assert err_data in console_err  # plus our own runtime lines


def test_rotation_at_the_limit_loses_nothing(pai, tmp_path: Path) -> None:
    settings(pai, maxSize=65536, maxFiles=40)
    lines = b"".join(b"line %06d %s\n" % (i, b"x" * (i % 97)) for i in range(20000))
    long_line = b"L" * 150000  # longer than a file: must be cut exactly at the limit
    data = lines + long_line + b"\n" + lines[:300000]
    (tmp_path / "data").write_bytes(data)
    code, _, _ = run_to_files(pai, ["--", "cat", str(tmp_path / "data")], tmp_path)
    assert code == 0
    for name in ("user-stdout", "user-all"):
        d = stream(pai, name)
        assert joined(d) == data, name
        files = sorted(d.glob("current.*"))
        assert len(files) >= len(data) // 65536
        for f in files:
            size = f.stat().st_size
            assert size <= 65536
            # Cut after the last newline that fits; only the long line forces a mid-line cut.
            assert f.read_bytes().endswith(b"\n") or size == 65536


def test_rotation_keeps_max_files_newest_last(pai, tmp_path: Path) -> None:
    settings(pai, maxSize="64Ki", maxFiles=3)
    data = b"".join(b"%08d\n" % i for i in range(100000))  # 900 kB
    (tmp_path / "data").write_bytes(data)
    code, _, _ = run_to_files(pai, ["--", "cat", str(tmp_path / "data")], tmp_path)
    assert code == 0
    d = stream(pai, "user-stdout")
    assert sorted(p.name for p in d.iterdir()) == ["current", "current.1", "current.2"]
    kept = joined(d)
    assert data.endswith(kept) and len(kept) > 2 * 60000
    assert kept.startswith(b"0") and kept[:9].endswith(b"\n")  # starts on a line boundary


def test_restarted_container_appends(pai, tmp_path: Path) -> None:
    run_to_files(pai, ["--", "echo", "first"], tmp_path)
    run_to_files(pai, ["--", "echo", "second"], tmp_path)
    assert (stream(pai, "user-stdout") / "current").read_bytes() == b"first\nsecond\n"


def test_stalled_console_never_blocks_the_job(pai, tmp_path: Path) -> None:
    size = 8 << 20
    r, w = os.pipe()  # our stdout: a pipe nobody reads
    try:
        rt = pid1_ns.start(["--", "head", "-c", str(size), "/dev/zero"], pai.env, stdout=w)
        os.close(w)
        try:
            code = rt.wait(timeout=60)
        finally:
            rt.kill()
    finally:
        os.close(r)
    assert code == 0
    assert (stream(pai, "user-stdout") / "current").stat().st_size == size
    log = (pai.log_dir / "runtime.log").read_text()
    dropped = int(re.search(r"console bytes dropped: (\d+)", log).group(1))
    assert 0 < dropped <= size


def test_merged_only_mode_keeps_exact_order(pai, tmp_path: Path) -> None:
    settings(pai, mode="merged-only")
    prog = ("import os\nfor i in range(20000):\n    os.write(1, b'out %d\\n' % i)\n    os.write(2, b'err %d\\n' % i)\n")
    code, _, _ = run_to_files(pai, ["--", PY, "-c", prog], tmp_path)
    assert code == 0
    expected = b"".join(b"out %d\nerr %d\n" % (i, i) for i in range(20000))
    assert (stream(pai, "user-all") / "current").read_bytes() == expected
    assert not stream(pai, "user-stdout").exists() and not stream(pai, "user-stderr").exists()


def test_split_mode_merges_in_arrival_order(pai, tmp_path: Path) -> None:
    prog = ("import os\nfor i in range(5000):\n    os.write(1, b'out %d\\n' % i)\n    os.write(2, b'err %d\\n' % i)\n")
    code, _, _ = run_to_files(pai, ["--", PY, "-c", prog], tmp_path)
    assert code == 0
    out = (stream(pai, "user-stdout") / "current").read_bytes()
    err = (stream(pai, "user-stderr") / "current").read_bytes()
    merged = (stream(pai, "user-all") / "current").read_bytes()
    assert out == b"".join(b"out %d\n" % i for i in range(5000))
    assert err == b"".join(b"err %d\n" % i for i in range(5000))
    assert sorted(merged.splitlines()) == sorted((out + err).splitlines())
    # Each stream's own order survives inside the merged file.
    assert [ln for ln in merged.splitlines() if ln.startswith(b"out")] == out.splitlines()


def test_a_pipe_grows_once_the_command_fills_it(pai, tmp_path: Path) -> None:
    """The command's pipes start at the kernel's default size; the one it fills gets 1 MiB
    (fewer waits for a command that writes in bursts), the quiet one stays as it was."""
    prog = ("import fcntl, os, sys, time\n"
            "size = lambda fd: fcntl.fcntl(fd, fcntl.F_GETPIPE_SZ)\n"
            "before = (size(1), size(2))\n"
            "os.write(1, b'x' * (1 << 20))\n"
            "time.sleep(0.3)\n"
            "print(*before, size(1), size(2), file=sys.stderr)\n")
    code, _, _ = run_to_files(pai, ["--", PY, "-c", prog], tmp_path)
    assert code == 0
    sizes = (stream(pai, "user-stderr") / "current").read_text().split()
    out_before, err_before, out_after, err_after = map(int, sizes)
    assert out_before == err_before == err_after < 1 << 20
    assert out_after == 1 << 20
    assert (stream(pai, "user-stdout") / "current").read_bytes() == b"x" * (1 << 20)


def test_huge_line_without_newline_keeps_memory_flat(pai, tmp_path: Path) -> None:
    settings(pai, maxSize="64Mi", maxFiles=2)
    size = 1 << 30
    rt = pid1_ns.start(["--", "sh", "-c", f"head -c {size} /dev/zero | tr '\\0' a"], pai.env)
    log = pai.log_dir / "runtime.log"
    peak = 0
    try:
        while True:
            hwm = pid1_ns.status_field(rt.pid, "VmHWM")
            text = log.read_text() if log.exists() else ""
            if "user command exited" in text or hwm is None:
                break
            peak = max(peak, int(hwm.split()[0]))
            time.sleep(0.05)
        code = rt.wait(timeout=90)
    finally:
        rt.kill()
    assert code == 0
    assert f"({size} bytes of output)" in log.read_text()
    d = stream(pai, "user-stdout")
    assert (d / "current.1").stat().st_size == 64 << 20
    assert (d / "current").stat().st_size == size % (64 << 20) or (d / "current").stat().st_size == 64 << 20
    assert set((d / "current.1").read_bytes()[:1 << 20]) == {ord("a")}
    assert 0 < peak < 64 * 1024, f"supervisor VmHWM {peak} KiB while moving a 1 GiB line"


def test_runtime_log_lines_are_timestamped(pai, tmp_path: Path) -> None:
    run_to_files(pai, ["--", "true"], tmp_path)
    lines = (pai.log_dir / "runtime.log").read_text().splitlines()
    ours = [ln for ln in lines if " [pai-runtime] " in ln and "exit-spec:" not in ln]
    assert ours
    for ln in ours:
        assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \[pai-runtime\] \S", ln), ln


def test_bad_log_settings_are_one_clear_line(pai, tmp_path: Path) -> None:
    settings(pai, maxSize="lots")
    r = subprocess.run([str(pid1_ns.BIN), "run", "--", "true"], env=pai.env, capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 247
    errors = [ln for ln in r.stderr.splitlines() if "error" in ln]
    assert len(errors) == 1 and "logs.maxSize" in errors[0] and "'lots'" in errors[0], r.stderr
    assert "Traceback" not in r.stderr


@pytest.mark.timeout(120)
def test_rotating_file_property_exact_and_bounded(tmp_path: Path) -> None:
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from pai_runtime.supervisor.logs import RotatingFile

    counter = iter(range(10**9))

    @hsettings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(chunks=st.lists(st.binary(min_size=1, max_size=20000).map(lambda b: b.replace(b"\x01", b"\n")),
                           min_size=1, max_size=30),
           max_size=st.integers(min_value=4096, max_value=30000))
    def check(chunks: list[bytes], max_size: int) -> None:
        d = tmp_path / f"case{next(counter)}"
        f = RotatingFile(d, max_size, 10**6)
        for c in chunks:
            f.write(c)
        f.close()
        data = b"".join(chunks)
        assert joined(d) == data
        rotated = sorted(d.glob("current.*"), key=lambda p: int(p.suffix[1:]), reverse=True)
        for p in [*rotated, d / "current"]:
            assert p.stat().st_size <= max_size
        for p in rotated[1:]:  # every file after the first starts where a line starts ...
            prev = rotated[rotated.index(p) - 1].read_bytes()
            body = p.read_bytes()
            # ... unless the line it continues was longer than what may be carried.
            assert prev.endswith(b"\n") or len(prev) == max_size or b"\n" not in prev, (len(prev), len(body))

    check()


def test_user_all_shares_storage_until_the_other_stream_writes(pai, tmp_path: Path) -> None:
    settings(pai, maxSize=65536, maxFiles=100)
    out_data = b"".join(b"out line %06d\n" % i for i in range(30000))  # ~ 500 kB: several rotations
    err_data = b"err: first words on stderr\n" * 10
    (tmp_path / "out").write_bytes(out_data)
    (tmp_path / "err").write_bytes(err_data)
    marker = tmp_path / "shared"
    script = (f"cat {tmp_path}/out; sleep 0.3; "
              f"stat -c %i {pai.log_dir}/user-all/current {pai.log_dir}/user-stdout/current > {marker}; "
              f"cat {tmp_path}/err >&2; cat {tmp_path}/out")
    code, _, _ = run_to_files(pai, ["--", "sh", "-c", script], tmp_path)
    assert code == 0
    inodes = marker.read_text().split()
    assert inodes[0] == inodes[1], "user-all should be the stdout file while only stdout wrote"
    assert joined(stream(pai, "user-stdout")) == out_data + out_data
    assert joined(stream(pai, "user-stderr")) == err_data
    assert joined(stream(pai, "user-all")) == out_data + err_data + out_data
    a, o = (stream(pai, n) / "current" for n in ("user-all", "user-stdout"))
    assert a.stat().st_ino != o.stat().st_ino


def test_restart_resumes_or_ends_the_sharing(pai, tmp_path: Path) -> None:
    run_to_files(pai, ["--", "echo", "run one"], tmp_path)
    a, o = (stream(pai, n) / "current" for n in ("user-all", "user-stdout"))
    assert a.stat().st_ino == o.stat().st_ino
    run_to_files(pai, ["--", "sh", "-c", "echo run two; echo oops >&2"], tmp_path)
    assert o.read_bytes() == b"run one\nrun two\n"
    assert (stream(pai, "user-stderr") / "current").read_bytes() == b"oops\n"
    assert a.read_bytes() == b"run one\nrun two\noops\n"


def test_capture_routing_property(tmp_path: Path) -> None:
    """Any interleaving of stdout/stderr chunks, any rotation size: every stream's files
    and user-all hold exactly what was written, in order, shared storage or not."""
    from hypothesis import HealthCheck, given
    from hypothesis import settings as hsettings
    from hypothesis import strategies as st

    from pai_runtime.supervisor.logs import Capture

    counter = iter(range(10**9))
    chunk = st.binary(min_size=1, max_size=9000).map(lambda b: b.replace(b"\x01", b"\n"))

    @hsettings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(ops=st.lists(st.tuples(st.sampled_from([1, 2]), chunk), min_size=1, max_size=25),
           max_size=st.integers(min_value=4096, max_value=20000), restart=st.integers(min_value=0, max_value=25))
    def check(ops: list[tuple[int, bytes]], max_size: int, restart: int) -> None:
        d = tmp_path / f"case{next(counter)}"
        cap = Capture(d, max_size=max_size, max_files=10**6)
        for i, (fd, data) in enumerate(ops):
            if i == restart:  # a restarted container opens the same files again
                cap.close()
                cap = Capture(d, max_size=max_size, max_files=10**6)
            cap._route(cap.files[fd], data)
        cap.close()
        assert joined(d / "user-stdout") == b"".join(b for f, b in ops if f == 1)
        assert joined(d / "user-stderr") == b"".join(b for f, b in ops if f == 2)
        assert joined(d / "user-all") == b"".join(b for _, b in ops)

    check()


def test_console_pipe_is_left_blocking_as_we_found_it(pai, tmp_path: Path) -> None:
    """O_NONBLOCK on our stdout belongs to the open file shared with whoever gave it to
    us; it must be back to blocking when we exit."""
    r, w = os.pipe()
    try:
        rt = pid1_ns.start(["--", "echo", "hello console"], pai.env, stdout=w)
        try:
            code = rt.wait(timeout=60)
        finally:
            rt.kill()
        assert code == 0
        assert os.get_blocking(w), "our stdout was left non-blocking"
        os.set_blocking(r, False)
        assert os.read(r, 4096) == b"hello console\n"
    finally:
        os.close(r)
        os.close(w)


def test_rotated_out_file_is_deleted_off_the_capture_thread(tmp_path: Path, monkeypatch) -> None:
    """Freeing a 256 MiB file takes tens of ms: the thread that reads the job's pipes must
    not do it. Crash leftovers of that deletion are removed at the next start."""
    import threading

    from pai_runtime.supervisor import logs

    d = tmp_path / "user-stdout"
    d.mkdir()
    (d / ".expired.1.1").write_bytes(b"left by a crash")
    on_main: list[bool] = []
    real_unlink = os.unlink

    def spy(path, *args, **kwargs):
        if ".expired." in str(path):
            on_main.append(threading.current_thread() is threading.main_thread())
        return real_unlink(path, *args, **kwargs)

    monkeypatch.setattr(os, "unlink", spy)
    f = logs.RotatingFile(d, 4096, 2)
    assert on_main == [True]  # the leftover: synchronously, at start
    data = bytes(b for b in range(256) if b != 10) * 64  # no newline: cut exactly at the limit
    f.write(data)
    f.close()
    assert on_main[1:] and not any(on_main[1:]), "a rotated-out file was deleted on the capture thread"
    assert sorted(p.name for p in d.iterdir()) == ["current", "current.1"]
    kept = (d / "current.1").read_bytes() + (d / "current").read_bytes()
    assert len(kept) == 4096 + len(data) % 4096 and data.endswith(kept)

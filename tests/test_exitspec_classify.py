"""Matching rules, defaults, the search window, and a table of real-looking failure logs
against the default spec; bad logs (missing, empty, binary, a 50 MiB line, rotation while
reading) still classify."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pai_runtime.exitspec import spec
from pai_runtime.exitspec.classify import classify, last_match, normalise_exit_code
from pai_runtime.exitspec.logtail import LogTail, read_tail
from pai_runtime.exitspec.spec import compile_regex

REPO = Path(__file__).resolve().parent.parent
DEFAULT = spec.load_file(REPO / "specs" / "runtime-exit-spec.yaml")


def tail(text: str | bytes) -> LogTail:
    data = text.encode() if isinstance(text, str) else text
    return LogTail(data=data, found=True)


def run(s: spec.ExitSpec, code: int, user: str | bytes = "", platform: str | bytes = "",
        gpu: bool | None = None):
    asked: list[int] = []

    def ecc() -> bool | None:
        asked.append(1)
        return gpu

    v = classify(s, normalise_exit_code(code), tail(user), tail(platform), ecc)
    v.notes.append(f"ecc asked {len(asked)}")
    return v


def load(text: str) -> spec.ExitSpec:
    return spec.load_text(text, "t.yaml")


# -- matching rules ----------------------------------------------------------------------
ORDER = load("""
- containerExitCode: 231
  patterns: [{userLogRegex: 'boom'}]
- containerExitCode: 232
  patterns: [{userLogRegex: 'boom'}, {exitCode: 3}]
""")


def test_first_entry_wins():
    assert run(ORDER, 1, "boom").exit_code == 231


def test_patterns_are_ored():
    v = run(ORDER, 3, "quiet")
    assert v.exit_code == 232 and v.pattern.index == 1


AND = load("""
- containerExitCode: 240
  patterns:
  - {exitCode: 10, userLogRegex: 'u-mark', platformLogRegex: 'p-mark', gpuInfo: {nvidiaDoubleEccError: true}}
""")


@pytest.mark.parametrize("code, user, platform, gpu, expected", [
    (10, "u-mark", "p-mark", True, 240),
    (11, "u-mark", "p-mark", True, 255),
    (10, "other", "p-mark", True, 255),
    (10, "u-mark", "other", True, 255),
    (10, "u-mark", "p-mark", False, 255),
    (10, "u-mark", "p-mark", None, 255),  # unknown GPU fact never matches
])
def test_fields_are_anded(code, user, platform, gpu, expected):
    assert run(AND, code, user, platform, gpu).exit_code == expected


def test_absent_field_matches_anything():
    s = load("- containerExitCode: 241\n  patterns: [{platformLogRegex: 'p'}]\n")
    for code in (1, 2, 77, 255):
        v = run(s, code, user=f"random {code}", platform="p")
        assert v.exit_code == 241 and v.user_span is None


def test_gpu_false_needs_a_known_fact():
    s = load("- containerExitCode: 242\n  patterns: [{gpuInfo: {nvidiaDoubleEccError: false}}]\n")
    assert run(s, 1, gpu=False).exit_code == 242
    assert run(s, 1, gpu=None).exit_code == 255  # CPU node: OpenPAI matched here, we do not
    assert run(s, 1, gpu=True).exit_code == 255


def test_gpu_fact_asked_once_and_only_when_needed():
    s = load("- containerExitCode: 128\n  patterns: [{exitCode: 9, gpuInfo: {nvidiaDoubleEccError: true}}]\n"
             "- containerExitCode: 243\n  patterns: [{gpuInfo: {nvidiaDoubleEccError: true}}, "
             "{gpuInfo: {nvidiaDoubleEccError: false}}]\n")
    assert run(s, 1, gpu=None).notes == ["ecc asked 1"]
    assert run(s, 1, gpu=False).exit_code == 243
    v = run(load("- containerExitCode: 137\n  patterns: [{exitCode: 137}]\n"), 137, gpu=True)
    assert v.notes == ["ecc asked 0"] and v.gpu_ecc is None


# -- codes and defaults ------------------------------------------------------------------
def test_signal_becomes_128_plus_n_before_matching():
    assert normalise_exit_code(-9) == 137 and normalise_exit_code(-15) == 143 and normalise_exit_code(3) == 3
    v = run(DEFAULT, -9)
    assert (v.exit_code, v.origin_user_exit_code, v.phrase) == (137, 137, "ContainerSigKillReceived")


def test_no_match_gives_default_255_and_spec_default():
    v = run(DEFAULT, 1, "nothing to see")
    assert (v.exit_code, v.phrase, v.entry) == (255, "PAIRuntimeUnknownFailed", None)
    s = load("defaultExitCode: 241\nentries:\n- containerExitCode: 137\n  patterns: [{exitCode: 137}]\n")
    assert run(s, 1).exit_code == 241
    assert run(load("[]"), 5).exit_code == 255


def test_ssh_barrier_timeout_maps_to_249():
    platform = ("2024-05-01T10:00:00Z [pai-runtime] precommands: ssh: waiting for workers\n"
                "2024-05-01T10:05:00Z [pai-runtime] precommands: SSH barrier reaches max retry count, exit\n")
    v = run(DEFAULT, 10, "training never started\n", platform)
    assert (v.exit_code, v.phrase) == (249, "PAIRuntimeSSHBarrierTimeout")
    assert run(DEFAULT, 10, platform="all good").exit_code == 255
    assert run(DEFAULT, 1, platform=platform).exit_code == 255


# -- the latest match --------------------------------------------------------------------
def test_latest_match_is_reported():
    data = b"".join(b"line %d ImportError: first\n" % i if i == 5 else b"noise %d\n" % i for i in range(200000))
    data += b"ImportError: the last one\nbye\n"
    rx = compile_regex(r"ImportError: .*")
    s, e = last_match(rx, data)
    assert data[s:e] == b"ImportError: the last one"
    assert last_match(compile_regex("absent"), data) is None
    assert last_match(compile_regex("^noise 0$"), data) is None  # ^ keeps its meaning (no (?m))
    s, e = last_match(compile_regex("(?m)^noise 0$"), data)
    assert data[s:e] == b"noise 0"
    assert last_match(compile_regex("aa"), b"xaaa") == (2, 4)  # overlapping: the later start wins
    early = b"ModuleNotFoundError: x\n" + b"step 1 loss 0.1\n" * 600000  # the only match, at the start
    assert last_match(compile_regex(r"\b(?:ImportError|ModuleNotFoundError): "), early) == (0, 21)


def test_latest_match_with_dense_matches_is_bounded():
    data = b"a" * (3 << 20) + b"b" * (3 << 20)
    s, e = last_match(compile_regex("a"), data)
    assert (s, e) == ((3 << 20) - 1, 3 << 20)
    s, e = last_match(compile_regex("x*"), b"yyy")
    assert s == e == 3


# -- the combined pass changes nothing ---------------------------------------------------
#: Regexes with inline flags, anchors, word boundaries and alternations, so that a flag or
#: an anchor leaking between branches of the combined pass would change a verdict.
#: (Codes outside OpenPAI's user-code errors, which follow the latest match instead: tested below.)
COMBINED = load("""
- containerExitCode: 240
  patterns:
  - {exitCode: 1, userLogRegex: '(?i)boom'}
  - {exitCode: 1, userLogRegex: '^Start'}
  - {userLogRegex: 'x|(?i)yz'}
- containerExitCode: 241
  patterns:
  - {exitCode: 1, userLogRegex: '\\bERR\\b', platformLogRegex: '(?m)^plat$'}
  - {exitCode: 2, userLogRegex: '(?s)a.b'}
  - {userLogRegex: 'end$'}
- containerExitCode: 242
  patterns: [{exitCode: 1, userLogRegex: 'BOOM'}, {platformLogRegex: '(?i)Plat'}]
- containerExitCode: 243
  patterns: [{exitCode: 3, userLogRegex: 'oo'}]
""")
PIECES = ["o", "oo", "ooo",
          "boom", "BOOM", "Boom", "Start", "xStart", "\nStart", "x", "YZ", "ERR", "xERR", " ERR ", "plat", "\nplat\n",
          "PLAT", "a\nb", "ab", "end", "end\n", "\n", " ", "\xff\xfe", "é"]


def naive(s: spec.ExitSpec, code: int, user: bytes, platform: bytes) -> tuple[int, int | None, int | None]:
    """The rules spelled out with one search per position: the reference for classify()."""
    def latest(regex: str | None, data: bytes) -> tuple[bool, int | None]:
        if regex is None:
            return True, None
        rx = compile_regex(regex)
        starts = [m.start() for i in range(len(data) + 1) if (m := rx.search(data, i)) is not None]
        return (True, max(starts)) if starts else (False, None)

    for e in s.entries:
        for p in e.patterns:
            if p.exit_code is not None and p.exit_code != code:
                continue
            ok_u, u = latest(p.user_log_regex, user)
            ok_p, pl = latest(p.platform_log_regex, platform)
            if ok_u and ok_p:
                return e.code, u, pl
    return s.default_code, None, None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(code=st.sampled_from([1, 2, 3]), user=st.lists(st.sampled_from(PIECES), max_size=8),
       platform=st.lists(st.sampled_from(PIECES), max_size=4))
def test_combined_pass_gives_the_verdicts_of_one_search_per_regex(code, user, platform):
    u, p = "".join(user).encode("utf-8", "surrogateescape"), "".join(platform).encode()
    v = classify(COMBINED, code, tail(u), tail(p), lambda: None)
    got = (v.exit_code, v.user_span and v.user_span[0], v.platform_span and v.platform_span[0])
    assert got == naive(COMBINED, code, u, p)


def test_among_user_code_errors_the_latest_match_decides():
    """228-233 name the exception class that ended the program: the last one in the log decides
    among them (a handled traceback printed earlier does not); other codes keep file order."""
    s = load("- containerExitCode: 242\n  patterns: [{exitCode: 1, userLogRegex: 'DISK'}]\n"
             "- containerExitCode: 228\n  patterns: [{exitCode: 1, userLogRegex: 'TypeError: '}]\n"
             "- containerExitCode: 232\n  patterns: [{exitCode: 1, userLogRegex: 'ImportError: '}]\n"
             "- containerExitCode: 233\n  patterns: [{exitCode: 1, userLogRegex: 'IndexError: '}]\n")
    assert run(s, 1, "ImportError: a\nTypeError: b\n").exit_code == 228
    assert run(s, 1, "TypeError: b\nImportError: a\n").exit_code == 232
    assert run(s, 1, "IndexError: c\nTypeError: b\nImportError: a\nIndexError: d\n").exit_code == 233
    v = run(s, 1, "ImportError: a\nTypeError: b\nDISK\n")
    assert v.exit_code == 242  # not a user-code error: file order, as before
    v = run(s, 1, "TypeError: b\nImportError: a\n")
    assert v.user_span[0] == len("TypeError: b\n")  # the quoted line is the deciding one


def test_combined_pass_is_skipped_when_regexes_do_not_combine():
    """``\\Q`` without ``\\E`` quotes to the end of the pattern: fine alone, not inside a group."""
    s = load("- containerExitCode: 233\n  patterns:\n  - {exitCode: 1, userLogRegex: 'zzz'}\n"
             "  - {exitCode: 1, userLogRegex: '\\Qa(b'}\n")
    assert run(s, 1, "x a(b y").exit_code == 233
    assert run(s, 1, "x ab y").exit_code == 255


# -- the default spec (real messages: tests/test_exitspec_realworld.py) -------------------
def test_gpu_ecc_fact_beats_everything_in_default_spec():
    v = run(DEFAULT, 139, "Segmentation fault (core dumped)\n", gpu=True)
    assert (v.exit_code, v.phrase) == (128, "ContainerMayFailDueToGpuDeviceEccError")


# -- reading logs ------------------------------------------------------------------------
def test_window_reads_only_the_tail(tmp_path):
    p = tmp_path / "log"
    with open(p, "wb") as f:
        f.write(b"ImportError: early\n")
        f.seek(50 << 20)
        f.write(b"\nend\n")
    t = read_tail(p, 1 << 20)
    assert len(t.data) == 1 << 20 and t.data.endswith(b"end\n")
    assert run(DEFAULT, 1, t.data).exit_code == 255  # the early line is outside the window
    assert read_tail(p, 60 << 20).data.startswith(b"ImportError: early")


def test_rotated_tail_is_prepended_when_current_is_short(tmp_path):
    d = tmp_path / "user-all"
    d.mkdir()
    (d / "current.1").write_bytes(b"x" * 100000 + b"\nImportError: in the rotated file\n")
    (d / "current").write_bytes(b"short tail\n")
    t = read_tail(d, 10 << 20, rotated=True)
    assert t.data.endswith(b"ImportError: in the rotated file\nshort tail\n")
    assert len(t.data) == 16 * 1024 + len(b"short tail\n")
    assert run(DEFAULT, 1, t.data).exit_code == 232
    (d / "current").write_bytes(b"y" * 20000)
    assert read_tail(d, 10 << 20, rotated=True).data == b"y" * 20000


def test_rotated_file_with_same_inode_is_not_duplicated(tmp_path):
    d = tmp_path / "user-all"
    d.mkdir()
    (d / "current").write_bytes(b"only once\n")
    os.link(d / "current", d / "current.1")
    assert read_tail(d, 10 << 20, rotated=True).data == b"only once\n"


def test_missing_empty_and_binary_logs_still_classify(tmp_path):
    missing = read_tail(tmp_path / "nope", 1 << 20, rotated=True)
    assert missing.data == b"" and "no such log" in missing.notes[0]
    (tmp_path / "empty").write_bytes(b"")
    empty = read_tail(tmp_path / "empty", 1 << 20)
    assert empty.data == b"" and "empty log" in empty.notes[0]
    assert classify(DEFAULT, 1, missing, empty, lambda: None).exit_code == 255
    assert classify(DEFAULT, 137, missing, empty, lambda: None).exit_code == 137
    binary = bytes(range(256)) * 4000 + b"\xff\xfeModuleNotFoundError: No module named 'x'\x00\x80"
    (tmp_path / "bin").write_bytes(binary)
    v = classify(DEFAULT, 1, read_tail(tmp_path / "bin", 1 << 20), empty, lambda: None)
    assert v.exit_code == 232
    assert read_tail(tmp_path, 1 << 20).notes  # a directory without current


@pytest.mark.timeout(60)
def test_50_mib_line_without_newline(tmp_path):
    p = tmp_path / "user-all"
    p.mkdir()
    with open(p / "current", "wb") as f:
        chunk = b"A" * (1 << 20)
        for _ in range(50):
            f.write(chunk)
        f.write(b" CUDA out of memory. Tried to allocate 1 GiB")
    t = read_tail(p, 10 << 20, rotated=True)
    assert len(t.data) == 10 << 20
    v = classify(DEFAULT, 1, t, LogTail(), lambda: None)
    assert v.exit_code == 226


@pytest.mark.timeout(120)
def test_log_rotated_while_reading(tmp_path):
    """A writer rotates current -> current.1 as fast as it can while we classify."""
    d = tmp_path / "user-all"
    d.mkdir()
    line = b"step ok\n" * 2000 + b"torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 1 GiB\n"
    (d / "current").write_bytes(line)
    stop = threading.Event()
    rotations = [0]

    def rotate() -> None:
        while not stop.is_set():
            try:
                os.replace(d / "current", d / "current.1")
            except FileNotFoundError:
                pass
            tmp = d / ".new"
            tmp.write_bytes(line[: len(line) // 3] if rotations[0] % 2 else line)
            os.replace(tmp, d / "current")
            rotations[0] += 1

    t = threading.Thread(target=rotate, daemon=True)
    t.start()
    try:
        codes = set()
        for _ in range(300):
            codes.add(classify(DEFAULT, 1, read_tail(d, 10 << 20, rotated=True), LogTail(), lambda: None).exit_code)
    finally:
        stop.set()
        t.join(10)
    assert rotations[0] > 10
    assert codes <= {226, 255} and 226 in codes

"""Exit-spec regexes see the log as Go's regexp does (``pai_runtime.exitspec.gotext``):
each invalid UTF-8 byte is one U+FFFD, checked against an independent rune decoder that
follows Go's ``utf8.DecodeRune`` table; spans map back to the log's own bytes."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from pai_runtime.exitspec.classify import Searcher, last_match
from pai_runtime.exitspec.gotext import GoView
from pai_runtime.exitspec.logtail import LogTail
from pai_runtime.exitspec.spec import compile_regex

#: Go's utf8 "first byte" table: (continuation count, range of the first continuation)
_FIRST = {**{b: (1, (0x80, 0xBF)) for b in range(0xC2, 0xE0)}, 0xE0: (2, (0xA0, 0xBF)),
          **{b: (2, (0x80, 0xBF)) for b in range(0xE1, 0xED)}, 0xED: (2, (0x80, 0x9F)),
          0xEE: (2, (0x80, 0xBF)), 0xEF: (2, (0x80, 0xBF)), 0xF0: (3, (0x90, 0xBF)),
          **{b: (3, (0x80, 0xBF)) for b in range(0xF1, 0xF4)}, 0xF4: (3, (0x80, 0x8F))}


def go_runes(data: bytes) -> list[str]:
    """The runes Go's ``for range`` / regexp reads: a bad sequence is RuneError of width 1."""
    out, i = [], 0
    while i < len(data):
        b = data[i]
        if b < 0x80:
            out.append(chr(b))
            i += 1
            continue
        need, (lo, hi) = _FIRST.get(b, (0, (0, 0)))
        ok = need > 0
        if ok:
            tail = data[i + 1:i + 1 + need]
            ok = len(tail) == need and lo <= tail[0] <= hi and all(0x80 <= c <= 0xBF for c in tail[1:])
        if ok:
            out.append(data[i:i + 1 + need].decode("utf-8"))
            i += 1 + need
        else:
            out.append("\ufffd")
            i += 1
    return out


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300) | st.lists(st.sampled_from([b"a", b"\xc3\xa9", b"\xe2\x82", b"\xe2\x82\xac",
                                                            b"\xed\xa0\x80", b"\xf0\x9f\x98", b"\xff", b"\x80",
                                                            b"\xef\xbf\xbd", b"\xf4\x90\x80\x80", b"\n"]))
       .map(b"".join))
def test_one_rune_per_invalid_byte_as_go(data: bytes) -> None:
    """Both copies hold Go's runes: the exact one as U+FFFD, the marked one as one lone
    surrogate per invalid byte, at the same offsets."""
    view = GoView(data)
    runes = "".join(go_runes(data))
    exact = view.for_regexes([r"\x{FFFD}"])
    assert exact.decode("utf-8") == runes
    marked = view.for_regexes(["."]).decode("utf-8", "surrogatepass")
    assert "".join("\ufffd" if 0xDC80 <= ord(c) <= 0xDCFF else c for c in marked) == runes
    assert len(exact) == len(view.data)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from([b"x", b"A", b"B", b"\xc3\xa9", b"\xe2\x82", b"\xff", b"\xed\xa0\x80", b"\n"]),
                max_size=60).map(b"".join),
       st.sampled_from(["A.B", "A..B", "(?s)A.*B", "B", "A[^z]+", r"\x{FFFD}+", r"\pS", "x*", r"A\C", r"\C\CB"]))
def test_spans_map_to_the_logs_own_bytes(data: bytes, regex: str) -> None:
    """The mapped span holds exactly the runes the match holds in the searched copy."""
    view = GoView(data)
    copy = view.for_regexes([regex])
    span = last_match(compile_regex(regex), copy)
    raw = view.raw_span(span)
    assert (span is None) == (raw is None)
    if span is not None and raw is not None:
        assert 0 <= raw[0] <= raw[1] <= len(data)
        if "\\C" in regex:  # a byte, not a rune: it may cut a valid rune in two as well
            return
        assert "".join(go_runes(data[raw[0]:raw[1]])) == copy[span[0]:span[1]].decode("utf-8", "surrogatepass") \
            .translate({c: 0xFFFD for c in range(0xDC80, 0xDD00)})


def test_valid_utf8_is_searched_as_it_is() -> None:
    text = "naïve café ✓\n".encode() * 100
    view = GoView(text)
    assert view.data is text and view.for_regexes([r"\pL"]) is text and view.raw_span((3, 9)) == (3, 9)


def test_searcher_reports_raw_offsets_after_garbage() -> None:
    data = b"\xff\xfe\xfd" * 1000 + b"\nERROR: BEGIN \xff middle END\n"
    span = Searcher(LogTail(data=data)).find("BEGIN.*END")
    assert span is not None and data[span[0]:span[1]] == b"BEGIN \xff middle END"


def test_a_regex_naming_u_fffd_matches_an_invalid_byte_as_in_go(tmp_path: Path) -> None:
    """Go hands ``\\x{FFFD}`` and ``\\pS`` (U+FFFD is a symbol) the invalid byte too."""
    from tests.openpai.test_exit_handler import classify

    log = tmp_path / "user.log"
    log.write_bytes(b"ok\nfatal: \xe2\x82 corrupt record\n")
    spec = tmp_path / "spec.yaml"
    spec.write_text(json.dumps([{"containerExitCode": 31, "patterns": [
        {"exitCode": 1, "userLogRegex": r"fatal: \x{FFFD}{2} corrupt"}]}]))
    assert classify(1, log, spec=spec)["exitCode"] == 31

"""The shipped exit spec against real failure output copied from public issue threads.

Each file of ``tests/data/real-failures/<family>/`` is one excerpt as a user posted it,
headed by its source URL, the exit code the process had (and how that is known) and the
code the spec must give (see the NOTICE there). The excerpt is classified as the last
lines of this attempt's user log, after a stretch of ordinary training output, exactly as
``run`` classifies: the code must be the expected one and the root-cause line must be in
the termination message's ``errorLogs``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pai_runtime.exitspec import exitinfo, message, spec
from pai_runtime.exitspec.classify import classify
from pai_runtime.exitspec.logtail import LogTail

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "tests" / "data" / "real-failures"
DEFAULT = spec.load_file(REPO / "specs" / "runtime-exit-spec.yaml")
#: Ordinary output before the failure, with the kind of harmless lines real runs print.
NOISE = "".join(f"2024-05-01 12:{i // 60:02d}:{i % 60:02d} INFO step {i} loss=0.52 lr=3e-4 tokens/s=18234\n"
                for i in range(200))
HEADER_FIELDS = ("source", "exit-code", "how", "expected")


def load(path: Path) -> dict[str, str]:
    head, sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
    assert sep, f"{path}: no '---' line after the header"
    fields = dict(line.split(": ", 1) for line in head.splitlines())
    assert tuple(fields) == HEADER_FIELDS, f"{path}: header fields {tuple(fields)}"
    return {**fields, "body": body}


CASES = sorted(CORPUS.glob("*/*.log"))


def test_corpus_is_large_and_every_family_has_several_sources():
    assert len(CASES) >= 120
    families: dict[str, set[str]] = {}
    for path in CASES:
        case = load(path)
        assert case["source"].startswith("https://github.com/"), path
        assert int(case["exit-code"]) in range(1, 256) and case["how"], path
        assert int(case["expected"].split()[0]) in range(1, 256), path
        families.setdefault(path.parent.name, set()).add(case["source"])
    thin = {f: len(s) for f, s in families.items() if len(s) < 3}
    assert not thin, f"families with fewer than 3 sources: {thin}"
    notice = (CORPUS / "NOTICE").read_text(encoding="utf-8")
    missing = [str(p.relative_to(CORPUS)) for p in CASES
               if f"{p.relative_to(CORPUS)}: {load(p)['source']}" not in notice]
    assert not missing, f"not in NOTICE: {missing}"


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.name}/{p.stem}" for p in CASES])
def test_real_failure(path):
    case = load(path)
    user = (NOISE + case["body"]).encode("utf-8")
    v = classify(DEFAULT, int(case["exit-code"]), LogTail(data=user, found=True), LogTail(found=True),
                 lambda: None)
    expected = int(case["expected"].split()[0])
    how = f"{v.entry.label()} pattern {v.pattern.index}" if v.entry else "no entry matched"
    assert v.exit_code == expected, f"{path.name}: got {v.exit_code} {v.phrase} ({how}), want {expected}"
    if v.entry is not None and v.pattern.user_log_regex is not None:
        start, end = v.user_span
        assert start >= len(NOISE.encode()), "matched the harmless lines, not the failure"
        info, keep_end = exitinfo.build(v, user, b"")
        fitted = message.fit(info, keep_end)
        matched_line = user[start:end].decode("utf-8").split("\n")[0].strip()
        assert matched_line in fitted["errorLogs"]["user"], "the root-cause line is not in errorLogs"

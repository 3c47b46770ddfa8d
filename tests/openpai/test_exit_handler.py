"""The Go exit handler's tests (``go/pkg/aggregator/*_test.go``) against ``pai-runtime
classify`` and ``run``, with the peer's spec (failurePatterns.yml), example logs and
nvidia-smi output; plus Go RE2's treatment of invalid UTF-8, which those specs rely on."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.openpai import FIXTURES

pytestmark = pytest.mark.timeout(60)
EH = FIXTURES / "exithandler"
BIN = Path(sys.executable).parent / "pai-runtime"


def classify(code: int, user_log: Path, *, ecc: str = "false", spec: Path = EH / "failurePatterns.yml",
             env: dict[str, str] | None = None) -> dict:
    out = subprocess.run([str(BIN), "classify", "--exit-code", str(code), "--user-log", str(user_log),
                          "--platform-log", str(EH / "runtime.pai.error.t1"), "--spec", str(spec), "--json",
                          "--ecc", ecc], capture_output=True, text=True, timeout=30,
                         env={**os.environ, **(env or {})})
    info = json.loads(out.stdout)
    assert out.returncode == info["exitCode"]
    return info


def test_generate_exit_info_signal_code_passes_through():
    """TestGenerateExitInfo: 137 with no log pattern is 137."""
    info = classify(137, EH / "user.pai.all.t1")
    assert (info["exitCode"], info["originUserExitCode"]) == (137, 137)


def test_generate_exit_info_with_regex():
    """TestGenerateExitInfoWithRegex."""
    info = classify(1, EH / "user.pai.all.t2")
    assert (info["exitCode"], info["originUserExitCode"]) == (10, 1)
    assert info["matchedUserLogString"] == "exec(compile(getattr(tokenize, 'open', open)(__file__)"


def test_generate_exit_info_with_multi_pattern():
    """TestGenerateExitInfoWithMultiPattern: patterns of one entry are OR'ed."""
    info = classify(1, EH / "user.pai.all.t3")
    assert (info["exitCode"], info["originUserExitCode"]) == (12, 1)
    assert info["matchedUserLogString"] == "failed with error code 1 in /tmp/pip"


def test_generate_exit_info_with_unknown_error():
    """TestGenerateExitInfoWithUnkonwError: nothing matches -> the spec's default 255."""
    info = classify(254, EH / "user.pai.all.t1")
    assert (info["exitCode"], info["originUserExitCode"]) == (255, 254)


def test_generate_exit_info_with_and_logic():
    """TestGenerateExitInfoWithAndLogic: user and platform regexes of one pattern AND'ed."""
    info = classify(1, EH / "user.pai.all.t4")
    assert (info["exitCode"], info["originUserExitCode"]) == (15, 1)
    assert info["matchedPlatformLogString"] == "Failed to start tensorboard"
    assert info["matchedUserLogString"] == "connect tensorboard failed"


def test_generate_exit_with_env_info_from_real_nvidia_smi_output(tmp_path):
    """TestGenerateExitWithEnvInfo + TestParseNvidiaSmiOutput: the peer's nvidia-smi.xml
    (2 volatile double-bit errors) printed by an ``nvidia-smi`` on PATH makes the GPU fact
    true, so exit 1 with an unrelated log is 16."""
    smi = tmp_path / "bin" / "nvidia-smi"
    smi.parent.mkdir()
    smi.write_text(f"#!/bin/sh\ncat {EH / 'nvidia-smi.xml'}\n")
    smi.chmod(0o755)
    info = classify(1, EH / "user.pai.all.t1", ecc="auto",
                    env={"PATH": f"{smi.parent}:{os.environ['PATH']}"})
    assert (info["exitCode"], info["originUserExitCode"]) == (16, 1)
    assert info["matchedGpuInfo"] == {"nvidiaDoubleEccError": True}


def test_truncated_exit_info_through_run(tmp_path):
    """TestGenerateExitInfoWithTruncateLog / WithTruncateFail: the exit info still fits.
    OpenPAI's cap is a setting of the aggregator; ours is the contract's fixed 4096 bytes
    for the whole termination message (markers included), so the long (?msi) match of t5
    is cut to fit and the code is still the peer's 221."""
    from pai_runtime.plugin_testing import Job

    job = Job(tmp_path)
    (job.config / "runtime-exit-spec.yaml").write_bytes((EH / "failurePatterns.yml").read_bytes())
    log = EH / "user.pai.all.t5"
    res = job.init({"commands": [f"cat {log}; cat {log}; cat {log}; exit 1"]},
                   env={"INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]"})
    assert res.returncode == 0, res.stderr
    run = job.run(env={"PATH": f"{tmp_path}/nobin:/usr/bin:/bin"})
    assert run.returncode == 221, run.stderr
    message = (tmp_path / "termination-log").read_bytes()
    assert len(message) <= 4096
    assert b"[PAI_RUNTIME_ERROR_START]" in message and b"[PAI_RUNTIME_ERROR_END]" in message
    assert b"exitCode: 221" in message and b"originUserExitCode: 1" in message


def test_latest_match_is_reported_not_the_earliest(tmp_path):
    """Differs on purpose: Go's FindString reports the leftmost match; we report the match
    that starts last, because the failure that ended the job is at the end of the log and
    an earlier harmless line is not the story. The code is the same as OpenPAI's."""
    log = tmp_path / "user.log"
    log.write_text("Command failed with error code 1 in /tmp/early\nretrying...\n"
                   "Command failed with error code 1 in /tmp/late\n")
    info = classify(1, log)
    assert info["exitCode"] == 12
    assert info["matchedUserLogString"] == "failed with error code 1 in /tmp/late"


def _spec(tmp_path: Path, regex: str, code: int = 30) -> Path:
    p = tmp_path / "spec.yaml"
    p.write_text(json.dumps([{"containerExitCode": code, "patterns": [{"exitCode": 1, "userLogRegex": regex}]}]))
    return p


@pytest.mark.parametrize("regex,log", [
    ("(?s)BEGIN.*END", b"BEGIN \xff\xfe\x80 binary garbage\n\xc3(\x00END\n"),
    ("A.B", b"xx A\xffB yy\n"),
    ("A[^z]B", b"A\x80B\n"),
    ("A..B", b"A\xe2\x82B\n"),  # a truncated 3-byte sequence is two invalid bytes: two U+FFFD in Go
    ("A.B", b"A\xed\xa0\x80B\n"),  # no match: a UTF-8-encoded surrogate is 3 invalid bytes (3 runes)
])
def test_dot_matches_an_invalid_utf8_byte_as_go_re2_does(tmp_path, regex, log):
    """Go's regexp decodes its input rune by rune and an invalid byte is U+FFFD of width 1,
    which ``.`` and a negated class match; the C++ RE2 binding on bytes does not. OpenPAI's
    specs are Go RE2, so we match what Go matches. Go's answers for these inputs:
    match, match, match, match, no match (``A...B`` would)."""
    user = tmp_path / "user.log"
    user.write_bytes(b"some text\n" + log + b"more text \xff\n")
    info = classify(1, user, spec=_spec(tmp_path, regex))
    go_matches = not log.startswith(b"A\xed")
    assert info["exitCode"] == (30 if go_matches else 255)
    if go_matches:
        assert "matchedUserLogString" in info


def test_invalid_utf8_keeps_the_match_text_and_valid_utf8_still_matches(tmp_path):
    """The reported match is the log's own text (invalid bytes shown as U+FFFD), and a
    match after invalid bytes is found at the right place (offsets map back)."""
    user = tmp_path / "user.log"
    user.write_bytes(b"\xff\xfe\xfd" * 1000 + b"\nERROR: BEGIN \xff middle END\n")
    info = classify(1, user, spec=_spec(tmp_path, "BEGIN.*END"))
    assert info["exitCode"] == 30
    assert info["matchedUserLogString"] == "BEGIN \ufffd middle END"
    multi = tmp_path / "multi.log"
    multi.write_bytes(b"caf\xc3\xa9 \xff ok: na\xc3\xafve END\n")
    info = classify(1, multi, spec=_spec(tmp_path, r"ok: na.ve END"))
    assert info["matchedUserLogString"] == "ok: naïve END"

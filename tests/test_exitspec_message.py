"""The termination message: <= 4096 bytes with markers for any content (hypothesis over
unicode and binary logs), valid YAML that round-trips, truncation order, and finish()
(success, forced, fallbacks, a crash inside classification, unwritable targets)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pai_runtime.exitspec import exitinfo, jobexit, message
from pai_runtime.exitspec.classify import Verdict
from pai_runtime.layout import Layout

REPO = Path(__file__).resolve().parent.parent



def _sink(path):
    """The supervisor's runtime.log sink, as ``finish(say=...)`` receives it in a job."""
    from pai_runtime.units import timestamp

    def say(text):
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(f"{timestamp()} [pai-runtime] {text}\n")
    return say


def _logs(job):
    """runtime.log as the platform log finish() reads, and the sink it writes notes to."""
    return {"runtime_log": job.log_dir / "runtime.log", "say": _sink(job.log_dir / "runtime.log")}

def parse(framed: bytes) -> dict:
    text = framed.decode("utf-8")
    assert text.startswith(message.START + "\n") and text.endswith("\n" + message.END)
    return yaml.safe_load(text[len(message.START) + 1: -len(message.END) - 1])


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_any_string_round_trips_through_the_emitter(s):
    info = {"exitCode": 1, "matchedUserLogString": s, "errorLogs": {"user": s, "platform": s + "\nx"}}
    back = yaml.safe_load(message.emit(info))
    assert back == info


def test_every_bmp_character_round_trips_through_the_emitter():
    """The escape sets are exact: each code point of the BMP (controls, DEL, C1, line
    separators, surrogates from ``surrogateescape`` junk, BOM, U+FFFE/F) and astral ones
    survive both the quoted and the multi-line form and a YAML parser."""
    text = "".join(chr(c) for c in range(0x10000)) + "\U00010000\U0001F642\U0010FFFF"
    assert yaml.safe_load(message.quote(text)) == text
    lines = "\n".join(text[i:i + 64] for i in range(0, len(text), 64))
    assert yaml.safe_load(message.emit({"user": lines})) == {"user": lines}


log_bytes = st.one_of(
    st.binary(max_size=20000),
    st.text(max_size=6000).map(lambda t: t.encode("utf-8", "surrogatepass")),
    st.lists(st.sampled_from(["é", "漢字", "🙂", "\x00", "\x85", "\u2028", "\t", "\r\n", " ", "\n", "a" * 50,
                              "\\", '"', "\ufeff", "#: -"]), max_size=3000).map(lambda x: "".join(x).encode()),
)


@given(user=log_bytes, platform=log_bytes, ustart=st.integers(0, 20000), ulen=st.integers(0, 9000),
       matched_platform=st.booleans(), code=st.integers(1, 255), gpu=st.sampled_from([None, True, False]))
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_message_never_exceeds_4096_bytes(user, platform, ustart, ulen, matched_platform, code, gpu):
    uspan = None
    if user:
        s = min(ustart, len(user) - 1)
        uspan = (s, min(len(user), s + ulen))
    pspan = (0, len(platform)) if matched_platform and platform else None
    v = Verdict(exit_code=code, origin_user_exit_code=code, phrase="ContainerCudaOOMKilled",
                user_span=uspan, platform_span=pspan, gpu_ecc=gpu)
    info, keep_end = exitinfo.build(v, user, platform)
    out = message.render(info, keep_end)
    assert len(out) <= message.LIMIT
    out.decode("utf-8")  # never a split UTF-8 sequence
    back = parse(out)
    assert back["exitCode"] == code and back["originUserExitCode"] == code
    assert back["phrase"] == "ContainerCudaOOMKilled"
    for key in ("matchedUserLogString", "matchedPlatformLogString"):
        if key in back:
            assert info[key].startswith(back[key])


def test_truncation_cuts_context_first_then_matched_strings():
    big_ctx = "\n".join(f"ctx line {i} " + "é" * 80 for i in range(200))
    info = {"exitCode": 226, "phrase": "ContainerCudaOOMKilled", "originUserExitCode": 1,
            "matchedUserLogString": "M" * 1500, "matchedPlatformLogString": "P" * 1500,
            "errorLogs": {"user": big_ctx, "platform": big_ctx}}
    out = message.fit(info)
    assert message.size(out) <= 4096
    assert out["matchedUserLogString"] == "M" * 1500 and out["matchedPlatformLogString"] == "P" * 1500
    assert "platform" not in out.get("errorLogs", {})  # platform context goes first
    assert out["errorLogs"]["user"].startswith("ctx line 0")  # cut from the end (the match is at the start)
    tail_kept = message.fit(info, {"user": True, "platform": True})
    assert tail_kept["errorLogs"]["user"].endswith("ctx line 199 " + "é" * 80)

    huge = dict(info, matchedUserLogString="U" * 3000, matchedPlatformLogString="Q" * 3000)
    out = message.fit(huge)
    assert "errorLogs" not in out and message.size(out) <= 4096
    assert out["matchedUserLogString"] == "U" * 3000  # platform match is cut before the user match
    assert out["matchedPlatformLogString"].startswith("Q") and len(out["matchedPlatformLogString"]) < 1000


def test_minimal_record_when_nothing_else_fits():
    info = {"exitCode": 7, "phrase": "P" * 128, "originUserExitCode": 7, "reason": "r" * 5000,
            "matchedGpuInfo": {"nvidiaDoubleEccError": True}}
    out = message.fit(info)
    assert out == {"exitCode": 7, "phrase": "P" * 128, "originUserExitCode": 7,
                   "matchedGpuInfo": {"nvidiaDoubleEccError": True}}


# -- finish ------------------------------------------------------------------------------
@pytest.fixture
def job(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")  # no nvidia-smi: the GPU fact is unknown
    layout = Layout.from_env({"PAI_WORK_DIR": str(tmp_path / "work"), "PAI_CONFIG_DIR": str(tmp_path / "cfg"),
                              "PAI_TERMINATION_LOG": str(tmp_path / "termination-log")})
    (layout.log_dir / "user-all").mkdir(parents=True)
    layout.runtime_dir.mkdir(parents=True)
    return layout


def write_user(layout, text: str) -> None:
    (layout.log_dir / "user-all" / "current").write_text(text)


def test_finish_classifies_and_writes_both_copies(job):
    write_user(job, "Traceback (most recent call last):\nModuleNotFoundError: No module named 'apex'\n")
    rlog = job.log_dir / "runtime.log"
    rlog.write_text("2024 [pai-runtime] starting user command\n")
    code = jobexit.finish(1, layout=job, settings={}, runtime_log=rlog, say=_sink(rlog))
    assert code == 232
    msg = job.termination_log.read_bytes()
    assert (job.log_dir / "termination-log").read_bytes() == msg
    info = parse(msg)
    assert info["exitCode"] == 232 and info["phrase"] == "ContainerImportError"
    assert info["matchedUserLogString"] == "ModuleNotFoundError: "
    assert "No module named 'apex'" in info["errorLogs"]["user"]
    assert "starting user command" in info["errorLogs"]["platform"]
    log = rlog.read_text()
    assert "user exit code 1 -> 232 ContainerImportError" in log and "GPU ECC fact: unknown" in log


def test_finish_success_writes_short_message(job):
    assert jobexit.finish(0, layout=job, settings={}, **_logs(job)) == 0
    assert job.termination_log.read_bytes() == b"exitCode: 0\nphrase: Succeeded\n"


def test_finish_forced_running_threshold(job):
    write_user(job, "step 99\n")
    code = jobexit.finish(-15, layout=job, settings={}, **_logs(job),
                         forced=(236, "running threshold 1h exceeded"))
    assert code == 236
    info = parse(job.termination_log.read_bytes())
    assert info["phrase"] == "PAIRuntimeRunningThresholdExceeded" and info["originUserExitCode"] == 143
    assert info["reason"] == "running threshold 1h exceeded"


def test_finish_uses_installed_spec_and_search_window(job):
    (job.runtime_dir / "runtime-exit-spec.yaml").write_text(
        "- containerExitCode: 240\n  patterns: [{exitCode: 5, userLogRegex: 'needle'}]\n")
    write_user(job, "needle\n" + "x" * 5000 + "\n")
    assert jobexit.finish(5, layout=job, settings={}, **_logs(job)) == 240
    narrow = {"logs": {"searchWindow": "1Ki"}}
    assert jobexit.finish(5, layout=job, settings=narrow, **_logs(job)) == 255
    bad = {"logs": {"searchWindow": "lots"}}
    assert jobexit.finish(5, layout=job, settings=bad, **_logs(job)) == 240
    assert "logs.searchWindow" in (job.log_dir / "runtime.log").read_text()


def test_finish_falls_back_when_installed_spec_is_broken(job):
    (job.runtime_dir / "runtime-exit-spec.yaml").write_text("not: [a list\n")
    assert jobexit.finish(137, layout=job, settings={}, **_logs(job)) == 137
    assert "exit spec unusable" in (job.log_dir / "runtime.log").read_text()


def test_finish_keeps_user_code_when_classification_crashes(job, monkeypatch):
    from pai_runtime.exitspec import classify as classify_mod

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(classify_mod, "classify", boom)
    rlog = job.log_dir / "runtime.log"
    assert jobexit.finish(3, layout=job, settings={}, runtime_log=rlog, say=_sink(rlog)) == 3
    text = rlog.read_text()
    assert "classification failed (RuntimeError: simulated bug); keeping the user's exit code 3" in text
    info = parse(job.termination_log.read_bytes())
    assert info["exitCode"] == 3 and "classification failed" in info["reason"]


def test_finish_never_raises_and_never_reports_success(job, tmp_path):
    broken = Layout.from_env({"PAI_WORK_DIR": str(tmp_path / "work"), "PAI_LOG_DIR": str(tmp_path / "file-not-dir"),
                              "PAI_TERMINATION_LOG": str(tmp_path / "no" / "such" / "dir" / "t")})
    (tmp_path / "file-not-dir").write_text("x")
    assert jobexit.finish(1, layout=broken, settings=None, runtime_log=tmp_path / "ro" / "runtime.log") == 255
    from pai_runtime import exitspec

    assert callable(exitspec.finish)  # the submodule must not shadow the entry point
    assert exitspec.finish(-9, layout=None, settings={}, runtime_log=None) == 137
    assert exitspec.finish("x", layout=None, settings={}, runtime_log=None) == 255


def test_signal_exit_with_installed_spec_imports_no_yaml_parser(tmp_path):
    """The common failure (killed by SIGTERM/SIGKILL) is classified from init's JSON copy:
    no YAML parser, no dataclasses/typing (tens of milliseconds of the container's exit)."""
    import subprocess
    import sys

    from pai_runtime.exitspec import spec

    env = {"PAI_WORK_DIR": str(tmp_path / "work"), "PAI_CONFIG_DIR": str(tmp_path / "cfg"),
           "PAI_TERMINATION_LOG": str(tmp_path / "termination-log"), "PATH": "/nonexistent"}
    layout = Layout.from_env(env)
    layout.runtime_dir.mkdir(parents=True)
    installed = spec.dump_installed(spec.load_file(REPO / "specs" / "runtime-exit-spec.yaml"))
    (layout.runtime_dir / "runtime-exit-spec.yaml").write_text(installed)
    prog = (
        "import sys\n"
        "from pai_runtime.layout import Layout\n"
        "from pai_runtime.exitspec import finish\n"
        "lay = Layout.from_env()\n"
        "code = finish(-15, layout=lay, settings={}, runtime_log=lay.log_dir / 'runtime.log')\n"
        "heavy = ('yaml', 'dataclasses', 'typing', 'inspect', 'shutil', 'subprocess')\n"
        "heavy = [m for m in heavy if m in sys.modules]\n"
        "print(code, ','.join(heavy))\n")
    r = subprocess.run([sys.executable, "-c", prog], env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == ["143"], r.stdout
    assert parse(layout.termination_log.read_bytes())["phrase"] == "ContainerSigTermReceived"


# -- secrets never reach the termination message -----------------------------------------
secret_text = st.text(min_size=4, max_size=40).filter(lambda s: s.strip() == s and len(s.strip()) >= 4)


@given(secret=st.one_of(secret_text, st.sampled_from(['pa"ss\\word', "line1\nline2-key", "tab\tsecret",
                                                      "ünïcødé-🔑", "-----BEGIN KEY-----\nAAAA\n-----END KEY-----"])),
       before=st.binary(max_size=3000) | st.text(max_size=1500).map(str.encode), after=st.binary(max_size=3000),
       code=st.integers(1, 255), repeat=st.integers(1, 40))
@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow,
                                                                   HealthCheck.function_scoped_fixture])
def test_termination_message_masks_secrets_within_the_bound(job, secret, before, after, code, repeat):
    """Secrets are masked in the text before it is escaped and cut, so a secret with quotes,
    backslashes, tabs or newlines (a PEM key) cannot slip through as its YAML escape; the
    bound and the UTF-8 boundaries hold after masking."""
    from pai_runtime import redact

    redact.clear()
    try:
        redact.register(secret)
        line = f"token={secret} ModuleNotFoundError: No module named 'x' {secret}\n".encode()
        write_user(job, (before + line * repeat + after).decode("utf-8", "replace"))
        (job.log_dir / "runtime.log").write_text(f"2024 [pai-runtime] plugin got {secret}\n")
        jobexit.finish(code, layout=job, settings={}, **_logs(job))
        out = job.termination_log.read_bytes()
    finally:
        redact.clear()
    assert len(out) <= message.LIMIT
    text = out.decode("utf-8")
    # the message's own fixed words (markers, keys) are not the secret even when they contain it
    values = "\n".join(re.sub(r"^ *[A-Za-z][A-Za-z0-9_]*:", "", line)
                        for line in text.split("\n") if line not in (message.START, message.END))
    assert secret not in values
    info = parse(out)

    def strings(v):
        if isinstance(v, dict):
            for x in v.values():
                yield from strings(x)
        elif isinstance(v, str):
            yield v

    assert all(secret not in s for s in strings(info)), info


def test_secret_straddling_the_matched_string_cap_leaves_no_fragment(job):
    from pai_runtime import redact

    secret = "S3cr3t-T0ken-ABCDEFGHIJ"
    head = "AttributeError: " + "x" * (message.MAX_MATCH - len("AttributeError: ") - 10)
    write_user(job, f"Traceback (most recent call last):\n{head}{secret} has no attribute 'lr'\n")
    redact.clear()
    try:
        redact.register(secret)
        assert jobexit.finish(1, layout=job, settings={}, **_logs(job)) == 231
    finally:
        redact.clear()
    info = parse(job.termination_log.read_bytes())
    assert "x***" in info["matchedUserLogString"]
    assert secret[:8] not in job.termination_log.read_text()


def test_a_secret_inside_a_key_leaves_the_message_parseable(job):
    """A short secret that is part of the message's own words ("orig" of originUserExitCode)
    is masked in every value, and the keys stay as they are: the message still parses."""
    from pai_runtime import redact

    redact.clear()
    try:
        redact.register("orig")
        write_user(job, "token=orig ModuleNotFoundError: No module named 'orig'\n")
        jobexit.finish(1, layout=job, settings={}, **_logs(job))
        out = job.termination_log.read_bytes()
    finally:
        redact.clear()
    info = parse(out)
    assert info["originUserExitCode"] == 1
    assert "orig" not in str(info["errorLogs"])

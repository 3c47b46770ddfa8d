"""Log output people and collectors can read: text by default on every command even off a
terminal (a pod's output never is one), ``PAI_LOG_FORMAT=json`` gives JSON lines on every
command, ``run`` included, one format per stream (``up`` included), and the init summary
as structured fields in JSON mode."""

from __future__ import annotations

import json

INIT = """initPlugins:
- {name: hello, command: "echo hello from a plugin"}
- {name: runtime-plugins, builtin: runtimeplugins}
- {name: render, builtin: render}
"""
RUNTIME = '{commands: ["echo user output"], runtimePlugin: [{plugin: cmd, parameters: {preCommands: ["echo pre"]}}]}'


def _json_lines(text: str) -> list[dict]:
    out = []
    for line in text.splitlines():
        assert line.startswith("{"), f"not a JSON line: {line!r}\n{text}"
        out.append(json.loads(line))
    return out


def test_init_off_a_terminal_prints_text_with_the_summary_table(pai):
    r = pai.run("init", env={"PAI_LOG_FORMAT": None, "INIT_CONFIG": INIT, "RUNTIME_CONFIG": RUNTIME})
    assert r.returncode == 0, r.stderr
    lines = r.stderr.splitlines()
    assert lines and not any(line.lstrip().startswith("{") for line in lines), r.stderr
    assert any("init starting" in line for line in lines)
    assert "init summary:" in r.stderr
    assert any(line.split()[:2] == ["hello", "passed"] for line in lines), r.stderr
    log = (pai.log_dir / "init.log").read_text()
    assert "init summary:" in log and not log.startswith("{")


def test_json_on_request_for_init_with_the_summary_as_fields(pai):
    r = pai.run("init", env={"PAI_LOG_FORMAT": "json", "INIT_CONFIG": INIT, "RUNTIME_CONFIG": RUNTIME})
    assert r.returncode == 0, r.stderr
    events = _json_lines(r.stderr)
    summary = next(e for e in events if e["event"] == "init summary")
    assert "\n" not in summary["event"]
    assert summary["result"] == "ok" and summary["exit_code"] == 0 and summary["seconds"] >= 0
    rows = {row["plugin"]: row for row in summary["summary"]}
    assert rows["hello"]["verdict"] == "passed" and rows["render"]["verdict"] == "passed"
    assert "detail" in rows["render"]
    assert all(isinstance(e["timestamp"], str) and e["phase"] == "init" for e in events)


def test_run_follows_the_format_text_by_default_json_on_request(pai):
    assert pai.run("init", env={"INIT_CONFIG": INIT, "RUNTIME_CONFIG": RUNTIME}).returncode == 0
    text = pai.run("run", env={"PAI_LOG_FORMAT": None})
    assert text.returncode == 0, text.stderr
    assert "user output" in text.stdout
    assert text.stderr and not any(line.startswith("{") for line in text.stderr.splitlines())
    assert "[pai-runtime] user command started" in text.stderr
    js = pai.run("run", env={"PAI_LOG_FORMAT": "json"})
    assert js.returncode == 0, js.stderr
    assert "user output" in js.stdout  # the user's own output passes through as it is
    events = _json_lines(js.stderr)
    assert any(e["event"].startswith("user command started") and e["source"] == "pai-runtime" for e in events)
    assert any(e["event"] == "pre" and e["source"] == "precommands" for e in events)
    assert all(e["phase"] == "run" for e in events)
    # runtime.log is the platform log the exit spec matches: it stays text
    assert not (pai.log_dir / "runtime.log").read_text().startswith("{")


def test_up_never_mixes_formats_on_one_stream(pai):
    env = {"INIT_CONFIG": INIT, "RUNTIME_CONFIG": RUNTIME}
    js = pai.run("up", env={**env, "PAI_LOG_FORMAT": "json"})
    assert js.returncode == 0, js.stderr
    phases = {e["phase"] for e in _json_lines(js.stderr)}
    assert phases == {"init", "run"}
    text = pai.run("up", env={**env, "PAI_LOG_FORMAT": None})
    assert text.returncode == 0, text.stderr
    assert not any(line.startswith("{") for line in text.stderr.splitlines()), text.stderr
    assert "init summary:" in text.stderr and "[pai-runtime] user command started" in text.stderr


def test_lines_keep_their_format_byte_for_byte(monkeypatch, capsys, tmp_path):
    """The lines structlog rendered until issue 19, now from pai_runtime.log's own writer:
    the event's fields, then ``plugin`` and ``phase`` (also in a built-in's worker thread),
    every value and the whole line scrubbed, the summary table after its first line."""
    import contextvars
    import threading

    from pai_runtime import log as logmod
    from pai_runtime import redact

    monkeypatch.setattr(logmod, "timestamp", lambda: "2026-12-07T12:20:02.042544Z")
    redact.register("s3cr3tvalue")
    want = {
        "text": [
            "2026-12-07T12:20:02.042544Z [info] init starting  work_dir='/tmp/x y' local=False phase=init",
            "2026-12-07T12:20:02.042544Z [info] plugin starting  kind=builtin:barrier timeout=none n=3 "
            "plugin=barrier phase=init",
            "2026-12-07T12:20:02.042544Z [warning] pw is ***  token={'k': '***'} lst=['***', 1] "
            "plugin=barrier phase=init",
            "2026-12-07T12:20:02.042544Z [info] cmd: 1 pre  runtime_plugin=01-cmd stream=output "
            "plugin=barrier phase=init",
            "2026-12-07T12:20:02.042544Z [error] init failed  error=\"bad 'quote'\" code=248 phase=init",
            "Traceback",
            "  line",
            "2026-12-07T12:20:02.042544Z [info] init summary:  phase=init",
            "  barrier  passed",
        ],
        "json": [
            '{"work_dir": "/tmp/x y", "local": false, "event": "init starting", "phase": "init", "level": "info", '
            '"timestamp": "2026-12-07T12:20:02.042544Z"}',
            '{"kind": "builtin:barrier", "timeout": "none", "n": 3, "event": "plugin starting", "plugin": "barrier", '
            '"phase": "init", "level": "info", "timestamp": "2026-12-07T12:20:02.042544Z"}',
            '{"token": {"k": "***"}, "lst": ["***", 1], "event": "pw is ***", "plugin": "barrier", "phase": "init", '
            '"level": "warning", "timestamp": "2026-12-07T12:20:02.042544Z"}',
            '{"runtime_plugin": "01-cmd", "stream": "output", "event": "cmd: 1 pre", "plugin": "barrier", '
            '"phase": "init", "level": "info", "timestamp": "2026-12-07T12:20:02.042544Z"}',
            '{"error": "bad \'quote\'", "code": 248, "traceback": "Traceback\\n  line\\n", "event": "init failed", '
            '"phase": "init", "level": "error", "timestamp": "2026-12-07T12:20:02.042544Z"}',
            '{"event": "init summary:\\n  barrier  passed", "phase": "init", "level": "info", '
            '"timestamp": "2026-12-07T12:20:02.042544Z"}',
        ],
    }
    try:
        for fmt, lines in want.items():
            logmod.configure("init", fmt=fmt)
            logmod.add_file(tmp_path / fmt / "init.log")
            log = logmod.get()
            log.info("init starting", work_dir="/tmp/x y", local=False)
            logmod.bind_plugin("barrier")
            worker = threading.Thread(target=contextvars.copy_context().run, args=(
                log.info, "plugin starting"), kwargs={"kind": "builtin:barrier", "timeout": "none", "n": 3})
            worker.start()
            worker.join()
            log.warning("pw is s3cr3tvalue", token={"k": "s3cr3tvalue"}, lst=["s3cr3tvalue", 1])
            log.bind(runtime_plugin="01-cmd").info("cmd: 1 pre", stream="output")
            logmod.bind_plugin(None)
            log.error("init failed", error="bad 'quote'", code=248, traceback="Traceback\n  line\n")
            log.info("init summary:\n  barrier  passed")
            logmod.close_files()
            assert capsys.readouterr().err.splitlines() == lines
            assert (tmp_path / fmt / "init.log").read_text().splitlines() == lines
    finally:
        redact.clear()
        logmod.close_files()


def test_timestamps_are_what_datetime_spells():
    from datetime import datetime, timezone

    from pai_runtime import log as logmod

    for ns in (0, 1_765_000_000_000_000_000, 1_765_000_000_123_456_789, 1_765_000_000_000_001_000, 999):
        seconds, micros = divmod(ns // 1000, 1_000_000)
        dt = datetime.fromtimestamp(seconds, tz=timezone.utc).replace(microsecond=micros)
        assert logmod.timestamp(ns) == dt.isoformat().replace("+00:00", "Z")

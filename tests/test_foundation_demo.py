"""`make demo` stays a working end-to-end job: init with the default plugins and a
recorded Framework, the runtime env, run, and the CUDA OOM diagnosis (226)."""

from __future__ import annotations

import subprocess

from tests.conftest import REPO


def test_demo_runs_and_classifies():
    r = subprocess.run(["bash", str(REPO / "scripts" / "demo.sh")], capture_output=True, text=True, timeout=120)
    out = r.stdout + r.stderr
    assert r.returncode == 0, out
    assert "PAI_CURRENT_TASK_ROLE_NAME=worker" in out and "MASTER_ADDR=10.151.40.11" in out
    assert "task worker/1" in out
    assert "classified exit code: 226" in out and "phrase: ContainerCudaOOMKilled" in out
    assert "demo-token-0123456789" not in out
    assert "\x1b" not in out, "escape codes off a terminal"


def _on_a_terminal(env_extra: dict[str, str]) -> bytes:
    """The demo's output when its stdout is a terminal (a real pty)."""
    import os
    import pty

    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    env.update(TERM="xterm", **env_extra)
    main, sub = pty.openpty()
    try:
        p = subprocess.Popen(["bash", str(REPO / "scripts" / "demo.sh")], stdout=sub, stderr=subprocess.DEVNULL,
                             stdin=subprocess.DEVNULL, env=env)
        os.close(sub)
        out = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the demo closed the terminal
                break
            if not chunk:
                break
            out += chunk
        assert p.wait(timeout=120) == 0, out[-2000:]
    finally:
        os.close(main)
    return out


def test_demo_honours_no_color_on_a_terminal():
    out = _on_a_terminal({"NO_COLOR": "1"})
    assert b"== pai-runtime init" in out
    assert b"\x1b" not in out


def test_demo_headings_are_bold_on_a_terminal_without_no_color():
    assert b"\x1b[1m== pai-runtime init" in _on_a_terminal({})

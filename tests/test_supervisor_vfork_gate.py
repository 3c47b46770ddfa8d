"""``pid1._VFORK_EXEC`` says which interpreters start the user's command through the
C half of :mod:`subprocess` (``_posixsubprocess.fork_exec``, a private signature that
CPython changes between versions). A call it does not accept raises TypeError and
:func:`pid1.spawn` quietly forks instead: the same child, ~3 ms slower on a loaded node.
This holds the gate to the interpreter running the tests, so a version whose signature
differs (or one that accepts ours but is left outside the gate) shows up here instead
of as a slower job start."""

from __future__ import annotations

import os

from pai_runtime.supervisor import pid1


def test_vfork_gate_matches_this_interpreters_fork_exec() -> None:
    pid = pid1._vfork_exec("/bin/true", ["true"], {"PATH": "/usr/bin:/bin"}, {})
    if pid is not None:
        _, status = os.waitpid(pid, 0)
        assert os.waitstatus_to_exitcode(status) == 0
    assert (pid is not None) == pid1._VFORK_EXEC


def test_spawn_starts_the_child_on_either_path() -> None:
    r, w = os.pipe()
    try:
        pid = pid1.spawn(["sh", "-c", "echo ok"], {"PATH": "/usr/bin:/bin"}, {1: w})
    finally:
        os.close(w)
    with os.fdopen(r, "rb") as f:
        out = f.read()
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert out == b"ok\n"

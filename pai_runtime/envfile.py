"""The runtime env file (``runtime.d/env``): ``KEY='value'`` lines, one per variable.

Why this format: ``run`` loads it without a shell (the user image may have none), and a
person or a plugin can still ``. runtime.d/env`` it from sh. Values are single-quoted
the way :func:`shlex.quote` does, so a hostile value cannot inject shell; the reader
undoes exactly that quoting. Stdlib only and no ``re``: this is on the PID-1 path.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing and pathlib cost the PID-1 path milliseconds
if TYPE_CHECKING:
    from collections.abc import Mapping

_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./-_")


def valid_name(name: str) -> bool:
    """``[A-Za-z_][A-Za-z0-9_]*`` (string methods, not a loop: ``run`` checks every line)."""
    return bool(name) and name.isascii() and name.replace("_", "a").isalnum() and not name[0].isdigit()


def quote(value: str) -> str:
    if value and all(c in _SAFE for c in value):
        return value
    return "'" + value.replace("'", "'\"'\"'") + "'"


def dumps(env: Mapping[str, str]) -> str:
    lines = []
    for key, value in env.items():
        if not valid_name(key):
            raise ValueError(f"{key!r} is not a valid environment variable name")
        if "\0" in value:
            raise ValueError(f"the value of {key} contains a NUL byte")
        lines.append(f"{key}={quote(value)}\n")
    return "".join(lines)


def write(path: str | os.PathLike[str], env: Mapping[str, str], mode: int = 0o600) -> None:
    """Write ``env`` atomically, owner-only by default: its values may be rendered secrets."""
    tmp = os.fspath(path) + ".tmp"  # beside it: the rename stays on one filesystem
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, mode)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        os.fchmod(f.fileno(), mode)  # a tmp left by a killed init keeps its old mode otherwise
        f.write(dumps(env))
    os.replace(tmp, path)


def _unquote(text: str) -> str:
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if c == "'":
            j = text.index("'", i + 1)
            out.append(text[i + 1:j])
            i = j + 1
        elif c == '"':
            j = text.index('"', i + 1)
            out.append(text[i + 1:j])
            i = j + 1
        elif c == "\\" and i + 1 < n:
            out.append(text[i + 1])
            i += 2
        else:  # a run of plain characters, up to the next quote or backslash
            j = _next_special(text, i + 1, n)
            out.append(text[i:j])
            i = j
    return "".join(out)


def _next_special(text: str, start: int, end: int) -> int:
    found = [k for k in (text.find("'", start, end), text.find('"', start, end), text.find("\\", start, end))
             if k >= 0]
    return min(found) if found else end


def loads(text: str) -> dict[str, str]:
    """Parse what :func:`dumps` wrote (also tolerates ``export`` and comments)."""
    env: dict[str, str] = {}
    pos, n = 0, len(text)
    while pos < n:
        end = _line_end(text, pos)
        line = text[pos:end].strip()
        pos = end + 1
        if not line or line.startswith("#"):
            continue
        if line.startswith("export "):
            line = line[7:].lstrip()
        key, sep, value = line.partition("=")
        if not sep or not valid_name(key):
            raise ValueError(f"not a KEY=VALUE line: {line[:80]!r}")
        env[key] = _unquote(value)
    return env


def _line_end(text: str, pos: int) -> int:
    """End of the logical line at ``pos``: a newline inside quotes does not end it."""
    i, n = pos, len(text)
    while True:
        nl = text.find("\n", i)
        if nl < 0:
            nl = n
        quotes = [k for k in (text.find("'", i, nl), text.find('"', i, nl)) if k >= 0]
        if not quotes:
            return nl
        q = min(quotes)
        close = text.find(text[q], q + 1)
        if close < 0:
            return n
        i = close + 1


def read(path: str | os.PathLike[str]) -> dict[str, str]:
    with open(path, encoding="utf-8", errors="surrogateescape") as f:
        return loads(f.read())


def parse_docker_env_file(text: str, source: str, environ: Mapping[str, str]) -> dict[str, str]:
    """``docker run --env-file`` syntax: KEY=VALUE taken literally, ``#`` comments, and a
    bare KEY copies the variable from ``environ`` when it is set."""
    env: dict[str, str] = {}
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key = key.strip()
        if not valid_name(key):
            raise ValueError(f"{source} line {lineno}: {key!r} is not a valid variable name")
        if sep:
            env[key] = value
        elif key in environ:
            env[key] = environ[key]
    return env

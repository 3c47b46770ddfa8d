"""The runtime env file (``runtime.d/env``): ``KEY='value'`` lines, one per variable.

Why this format: ``run`` loads it without a shell (the user image may have none), and a
person or a plugin can still ``. runtime.d/env`` it from sh. Values are single-quoted
the way :func:`shlex.quote` does, so a hostile value cannot inject shell; the reader
undoes exactly that quoting. Stdlib only and no ``re``: this is on the PID-1 path.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789@%+=:,./-_")


def valid_name(name: str) -> bool:
    return bool(name) and (name[0].isascii() and (name[0].isalpha() or name[0] == "_")) and all(
        c.isascii() and (c.isalnum() or c == "_") for c in name)


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


def write(path: Path, env: Mapping[str, str], mode: int = 0o600) -> None:
    """Write ``env`` atomically, owner-only by default: its values may be rendered secrets."""
    tmp = path.with_name(path.name + ".tmp")
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
        else:
            out.append(c)
            i += 1
    return "".join(out)


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
    quote_char = ""
    i, n = pos, len(text)
    while i < n:
        c = text[i]
        if quote_char:
            if c == quote_char:
                quote_char = ""
        elif c in ("'", '"'):
            quote_char = c
        elif c == "\n":
            return i
        i += 1
    return n


def read(path: Path) -> dict[str, str]:
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

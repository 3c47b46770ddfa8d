"""The exit info and the termination message (<= 4096 bytes, markers included).

Why our own tiny YAML emitter: the size must be measured on the exact bytes written, and
a library that switches to ``!!binary`` or re-flows long lines makes that a guess (the
cause of OpenPAI's "failed to truncate the exit info", which lost the diagnosis and
exited 1). Strings are emitted double-quoted with escapes, or as a literal block when
that is safe, so any text (binary junk included) stays valid YAML. Text is cut as Python
``str``, so a cut can never split a UTF-8 sequence.

Why 4096 with the markers: the kubelet keeps the *last* 4096 bytes of the file, so an
overlong message loses its start marker and the platform cannot find the section.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` costs the job container's exit milliseconds; annotations are strings
    from typing import Any

START = "[PAI_RUNTIME_ERROR_START]"
END = "[PAI_RUNTIME_ERROR_END]"
LIMIT = 4096
#: A matched string longer than this is cut before measuring (OpenPAI used 2048 too).
MAX_MATCH = 2048
#: Characters YAML (and PyYAML) does not accept unescaped: everything but tab, newline,
#: printable ASCII and printable Unicode (C0/C1 controls, DEL, U+2028/9 line separators,
#: surrogates, the BOM, U+FFFE/F). Spelled as the small set it is, not as the negation of the
#: printable ranges: the same characters, and compiling it costs ~1 ms instead of ~15 ms
#: on the path of every failed job.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]")
#: Inside double quotes also ``"`` and ``\``, and the newline and tab are escaped.
_QUOTED_UNSAFE = re.compile(r'[\x00-\x1f"\\\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]')
#: Words a plain scalar may be (phrases like ContainerSigKillReceived); not YAML 1.1 keywords.
_PLAIN = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,127}\Z")
_YAML_WORDS = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "nan", "inf"})
_NAMED = {"\n": "\\n", "\t": "\\t", "\r": "\\r", '"': '\\"', "\\": "\\\\", "\0": "\\0"}


def _escape(ch: str) -> str:
    named = _NAMED.get(ch)
    if named:
        return named
    o = ord(ch)
    return f"\\x{o:02x}" if o < 0x100 else (f"\\u{o:04x}" if o < 0x10000 else f"\\U{o:08x}")


def quote(text: str) -> str:
    return '"' + _QUOTED_UNSAFE.sub(lambda m: _escape(m.group()), text) + '"'


def _literal_ok(text: str) -> bool:
    """A literal block (``|-``) shows multi-line logs as they are; only when it
    round-trips exactly: printable, no tabs, no trailing spaces, no trailing newline."""
    if "\n" not in text or text.endswith("\n") or "\t" in text or _UNSAFE.search(text):
        return False
    return all(not line.endswith(" ") for line in text.split("\n"))


def scalar(value: Any, indent: int) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if _PLAIN.match(text) and text.lower() not in _YAML_WORDS:
        return text
    if _literal_ok(text):
        pad = " " * (indent + 2)
        return "|2-\n" + "\n".join(pad + line if line else "" for line in text.split("\n"))
    return quote(text)


def emit(data: dict[str, Any], indent: int = 0) -> str:
    """Block-style YAML of a mapping of scalars and nested mappings (keys are plain ASCII)."""
    lines = []
    pad = " " * indent
    for key, value in data.items():
        if isinstance(value, dict):
            if not value:
                lines.append(f"{pad}{key}: {{}}")
                continue
            lines.append(f"{pad}{key}:")
            lines.append(emit(value, indent + 2))
        else:
            lines.append(f"{pad}{key}: {scalar(value, indent)}")
    return "\n".join(lines)


def frame(info: dict[str, Any]) -> str:
    return f"{START}\n{emit(info)}\n{END}"


def size(info: dict[str, Any]) -> int:
    return len(frame(info).encode("utf-8"))


def _cut(info: dict[str, Any], path: tuple[str, ...], keep_end: bool) -> bool:
    """Shorten one string field to the longest piece that fits (bisecting on its length,
    each try measured on the emitted bytes); drop it when nothing fits. Returns False
    when the field is not there."""
    parent: Any = info
    for p in path[:-1]:
        parent = parent.get(p) if isinstance(parent, dict) else None
    key = path[-1]
    if not isinstance(parent, dict) or not isinstance(parent.get(key), str):
        return False
    if size(info) <= LIMIT:
        return True
    text = parent[key]
    # Every character emits at least one byte, so more than LIMIT of them never fits.
    text = text[-LIMIT:] if keep_end else text[:LIMIT]

    def piece(k: int) -> str:
        return text[len(text) - k:] if keep_end else text[:k]

    lo, hi = 0, len(text)
    while lo < hi:
        mid = (lo + hi + 1) // 2
        parent[key] = piece(mid)
        if size(info) <= LIMIT:
            lo = mid
        else:
            hi = mid - 1
    if lo == 0:
        del parent[key]
    else:
        parent[key] = piece(lo)
    return True


#: Cut order: context first (platform, then user), then the matched strings.
_CUTS = (
    (("errorLogs", "platform"), "platform"),
    (("errorLogs", "user"), "user"),
    (("matchedPlatformLogString",), None),
    (("matchedUserLogString",), None),
)
_MINIMAL = ("exitCode", "phrase", "behavior", "retry", "originUserExitCode", "matchedGpuInfo")


def fit(info: dict[str, Any], keep_end: dict[str, bool] | None = None) -> dict[str, Any]:
    """Cut ``info`` (a copy) until its framed message is <= 4096 bytes.

    Context is cut from the side away from the match (its tail is kept when nothing
    matched), matched strings from their end; each cut is re-measured. If that is not
    enough, the minimal record is left: exit code, phrase, user code, GPU fact.
    """
    import copy

    keep_end = keep_end or {}
    out = copy.deepcopy(info)
    for path, kind in _CUTS:
        for _ in range(64):
            if size(out) <= LIMIT:
                return out
            if not _cut(out, path, keep_end.get(kind or "", False)):
                break
        logs = out.get("errorLogs")
        if isinstance(logs, dict) and not logs:
            del out["errorLogs"]
    if size(out) <= LIMIT:
        return out
    minimal = {k: out[k] for k in _MINIMAL if k in out}
    if size(minimal) > LIMIT:
        minimal = {"exitCode": info.get("exitCode", 255)}
    return minimal


def render(info: dict[str, Any], keep_end: dict[str, bool] | None = None) -> bytes:
    """The termination message bytes; never longer than :data:`LIMIT`."""
    data = frame(fit(info, keep_end)).encode("utf-8")
    if len(data) > LIMIT:  # cannot happen; the bound is a contract, so enforce it anyway
        data = frame({"exitCode": int(info.get("exitCode", 255))}).encode("utf-8")
    return data


#: A line of our own emitter that starts with a key: its indentation and key are fixed words.
_KEY_LINE = re.compile(r"( *[A-Za-z][A-Za-z0-9_]*:)(.*)\Z", re.S)


def scrub_message(data: bytes) -> bytes:
    """Mask secrets again on the rendered message, but not in its own fixed words (the
    frame markers and the keys). Why: the values were masked before they were escaped, so
    this pass is the belt to those braces; a 4-character secret that happens to be part of
    a key ("orig" in ``originUserExitCode``) would otherwise turn the key into ``***...``,
    a YAML alias, and the platform could not parse the message at all. The fixed words
    are the same in every message and tell nothing about a secret."""
    from pai_runtime import redact

    text = data.decode("utf-8", "surrogateescape")
    out = []
    for line in text.split("\n"):
        if line in (START, END):
            out.append(line)
            continue
        m = _KEY_LINE.match(line)
        out.append(m.group(1) + redact.scrub(m.group(2)) if m else redact.scrub(line))
    return "\n".join(out).encode("utf-8", "surrogateescape")


def success_message() -> bytes:
    from pai_runtime.exitspec import SUCCESS_MESSAGE

    return SUCCESS_MESSAGE


def cap_match(text: str) -> str:
    return text if len(text) <= MAX_MATCH else text[:MAX_MATCH]

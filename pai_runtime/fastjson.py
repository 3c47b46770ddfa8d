"""``json.loads``/``json.dumps`` for the PID-1 path, without importing :mod:`json`.

Why: ``import json`` imports :mod:`re` (its decoder and encoder compile regexes at import
time), and with it ``enum``, ``functools`` and the regex compiler: about 8 ms of every job
container's start, for the few small files ``run`` reads and writes (``settings.json``,
``attempt.json``, ``redact.json``). The C accelerator :mod:`_json` that :mod:`json`
itself uses needs none of that; this module drives it the same way :mod:`json` does, so
the results are the same values and the same text. Anything the fast path does not handle
(an invalid document, whose error message :mod:`json` words; an interpreter without
``_json``) goes to :mod:`json` itself, so errors and edge cases are exactly json's.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ms on the PID-1 path; annotations are strings
if TYPE_CHECKING:
    from typing import Any

_scanner: Any = None
#: what ``json.loads`` strips around a document (its ``WHITESPACE`` regex)
_SPACE = " \t\n\r"


class _Context:
    """What ``_json.make_scanner`` reads from a ``json.JSONDecoder`` (its defaults)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict[str, str] = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]


def loads(text: str | bytes, *, parse_int: Any = None, object_pairs_hook: Any = None) -> Any:
    """``json.loads(text, parse_int=..., object_pairs_hook=...)``; raises what it raises
    (``ValueError``, ``RecursionError``, or what a hook raises) for a document it refuses."""
    global _scanner
    doc = text
    if isinstance(doc, bytes):  # json.loads decodes bytes by its BOM / NUL pattern; UTF-8 is the common case
        if doc[:3] == b"\xef\xbb\xbf" or b"\x00" in doc[:4]:
            doc = None
        else:
            try:
                doc = doc.decode("utf-8", "surrogatepass")
            except UnicodeDecodeError:
                doc = None
    if doc is not None:
        try:
            if parse_int is None and object_pairs_hook is None:
                if _scanner is None:
                    _scanner = _make_scanner(_Context())
                scan = _scanner
            else:
                ctx = _Context()
                ctx.memo = {}
                ctx.parse_int = parse_int or int
                ctx.object_pairs_hook = object_pairs_hook
                scan = _make_scanner(ctx)
            value, end = scan(doc, len(doc) - len(doc.lstrip(_SPACE)))
            if not doc[end:].strip(_SPACE):
                return value
        except (ValueError, StopIteration, RecursionError, ImportError, SystemError):
            # json.loads below says what is wrong, in its words (the scanner reports an
            # error with json.decoder's exception, a SystemError while that is not imported)
            pass
    import json

    hooks = {k: v for k, v in (("parse_int", parse_int), ("object_pairs_hook", object_pairs_hook)) if v is not None}
    return json.loads(text, **hooks)


def _make_scanner(context: _Context) -> Any:
    import _json

    return _json.make_scanner(context)


def dumps(value: Any) -> str:
    """``json.dumps(value)`` with the default separators and options."""
    try:
        import _json

        # a fresh ``markers`` per call, as json.dumps has (its circular-reference check)
        encode = _json.make_encoder({}, _no_default, _json.encode_basestring_ascii, None, ": ", ", ",
                                    False, False, True)
        return "".join(encode(value, 0))
    except Exception:  # noqa: BLE001 - json.dumps says what is wrong, in its words
        import json

        return json.dumps(value)


def _no_default(o: Any) -> Any:
    raise TypeError(f"Object of type {o.__class__.__name__} is not JSON serializable")

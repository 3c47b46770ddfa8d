"""The log as Go's ``regexp`` sees it: every invalid UTF-8 byte is one rune, U+FFFD.

Why: OpenPAI's exit specs are Go RE2 regexes, and Go decodes its input rune by rune, an
invalid byte being ``utf8.RuneError`` of width 1, which ``.``, negated classes (``[^z]``,
``\\D``) and ``\\x{FFFD}`` match. The C++ RE2 binding on raw bytes matches no rune there, so
``(?s)BEGIN.*END`` across a line of binary garbage matched in OpenPAI and not here. We
search a copy in which each invalid byte is one 3-byte rune (RE2 keeps its linear time on
it) and map every match span back to offsets of the log's own bytes, which the excerpt
and the summary cut.

Why one rune *per byte*: ``errors="replace"`` follows Python's (and Unicode's) "maximal
subpart" rule, one U+FFFD for a truncated sequence such as ``E2 82``, where Go yields one
per byte. Both copies below give one per byte:

* the **marked** copy: Python's built-in ``surrogateescape`` decode (one lone surrogate
  U+DC80..U+DCFF per invalid byte) encoded with ``surrogatepass``, so each invalid byte
  becomes ``ED B2|B3 xx``, which RE2 reads as one rune and which never occurs in valid
  UTF-8. Both codecs run in C: cheap even for a window of pure binary garbage, and the
  offsets map back by counting markers (``bytes.count``), with no per-byte bookkeeping.
* the **exact** copy: decoded with a codecs error handler that gives one U+FFFD per
  invalid byte, then encoded; same offsets as the marked copy. Only a regex that could
  tell U+FFFD from a surrogate (one naming a non-ASCII rune, ``\\x{...}``, ``\\p``/``\\P``)
  is searched on it; for every other regex the two copies match alike (its literals and
  classes hold only code points below U+0100, so it matches both runes or neither).

Valid UTF-8 (the usual log) is searched as it is: one strict decode says so (no copy).
The cost is one or two decodes of the window, whatever the log's size.
"""

from __future__ import annotations

HANDLER = "pai-runtime-go-runes"
_FFFD = "\ufffd"
#: the marked copy's 2-byte prefixes of an invalid byte (U+DC80..DCBF, U+DCC0..DCFF)
_MARKS = (b"\xed\xb2", b"\xed\xb3")
_registered = False


def _one_rune_per_byte(exc: UnicodeError) -> tuple[str, int]:
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    return _FFFD * (exc.end - exc.start), exc.end


def _register() -> None:
    global _registered
    if not _registered:
        import codecs

        codecs.register_error(HANDLER, _one_rune_per_byte)
        _registered = True


def decode(raw: bytes) -> str:
    """``raw`` as Go reads it: valid UTF-8 decoded, each invalid byte one U+FFFD."""
    _register()
    return raw.decode("utf-8", HANDLER)


def tells_fffd_apart(regex: str) -> bool:
    """Whether ``regex`` might match U+FFFD and a lone surrogate differently: it names
    a non-ASCII rune, a ``\\x{...}`` code point or a Unicode class. Errs on "yes"."""
    return not regex.isascii() or "\\x{" in regex or "\\p" in regex or "\\P" in regex


class GoView:
    """``data``: the bytes to search for most regexes (:meth:`for_regexes` picks the
    copy); :meth:`raw_span` maps a span of either copy back to the log's bytes."""

    __slots__ = ("raw", "data", "_marked", "_exact")

    def __init__(self, raw: bytes) -> None:
        self.raw = raw
        self.data = raw
        self._marked = False
        self._exact: bytes | None = None
        if raw.isascii():
            return
        try:
            raw.decode("utf-8")
            return
        except UnicodeDecodeError:
            pass
        self._marked = True
        self.data = raw.decode("utf-8", "surrogateescape").encode("utf-8", "surrogatepass")

    def for_regexes(self, regexes: list[str] | tuple[str, ...]) -> bytes:
        """The copy to search ``regexes`` in (all of them at once)."""
        if not self._marked or not any(tells_fffd_apart(r) for r in regexes):
            return self.data
        if self._exact is None:
            self._exact = decode(self.raw).encode("utf-8")
        return self._exact

    def raw_offset(self, pos: int, *, end: bool = False) -> int:
        """The log's byte offset for offset ``pos`` of a copy. An offset inside an
        invalid byte's rune (only ``\\C`` can stop there) maps to that byte's start, or
        with ``end`` to its end, so a span never cuts a byte in two."""
        if not self._marked:
            return pos
        d = self.data
        pos = max(0, min(pos, len(d)))
        before = d.count(_MARKS[0], 0, pos) + d.count(_MARKS[1], 0, pos)
        if 0 < pos < len(d) and d[pos - 1] == 0xED and d[pos] in (0xB2, 0xB3):
            return pos - 1 - 2 * before + (1 if end else 0)  # one byte into a marker
        if pos >= 2 and d[pos - 2] == 0xED and d[pos - 1] in (0xB2, 0xB3):
            return pos - 2 - 2 * (before - 1) + (1 if end else 0)  # two bytes into one
        return pos - 2 * before

    def raw_span(self, span: tuple[int, int] | None) -> tuple[int, int] | None:
        """A match span of a copy as offsets into the log's own bytes."""
        if span is None or not self._marked:
            return span
        return self.raw_offset(span[0]), self.raw_offset(span[1], end=True)

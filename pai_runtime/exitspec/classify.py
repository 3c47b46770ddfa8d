"""Match an exit against the spec: entries in order, first match wins, patterns OR'ed,
fields AND'ed, an absent field matches anything.

Why RE2 on bytes: specs were written for Go's RE2 and must run in linear time on hostile
logs; searching bytes avoids decoding 10 MiB per pattern. A window that is not valid
UTF-8 is searched as Go reads it, each invalid byte one U+FFFD (:mod:`.gotext`), so
``.`` matches there as in OpenPAI. Why the *latest* match: the failure that ended the job
is at the end of the log; an old, harmless line earlier in the window is not the story
(OpenPAI reported the leftmost). Each regex is searched at most once per log.

Why the latest match among OpenPAI's user-code error codes (:data:`USER_CODE_ERRORS`): those
codes name the class of the exception that ended the user's program (IndexError, ImportError,
a TypeError about a call's arguments, ...); a log can hold several tracebacks (a handled one
printed as a warning, a worker's, the chained "During handling of the above exception"), and
the one that ended the program comes last. So once an entry of those codes decides, the
matching entry of those codes whose match is on the latest line replaces it (one line keeps
file order); every other entry keeps file order (a root cause before its symptoms). When a
final exception line (``ValueError: ...`` at a line's start) comes after that latest line, no
user-code entry matched it, so the program ended in an exception without a code and the
coded one was handled (a library printed it and carried on, as xformers does with
``No module named 'triton'``): no user-code entry decides then (launchers' wrappers such as
torchrun's ``ChildFailedError`` are not such a line).

Why some lines are never searched (:func:`blank_benign`): a log holds lines that report a
problem the program survived: a Python ``warnings`` line, a glog/absl/TensorFlow W- or I-level
line, the traceback Python prints for an exception it ignores (``Exception ignored in:``, a
``__del__`` at shutdown), logging's own ``--- Logging error ---`` report. They are, by the
way they are printed, not what ended the program, yet their text names real failure classes
(cuDNN, ptxas, AttributeError, UnicodeEncodeError) and so decided failures whose cause was
elsewhere. They are blanked (spaces, newlines kept, same length, so offsets, lines and the
latest-match logic are unchanged) in one linear RE2 pass before any entry is searched; the
quote and ``errorLogs`` are cut from the log's real bytes.

Why one combined pass first: most regexes of a spec do not match a given log, and the
common verdict is "none of them". All regexes that can decide this exit code are joined
into one alternation and searched once per log; when that finds nothing, no single regex
can match (an alternation matches wherever any branch does), so the window is scanned
once instead of once per regex. When it finds something, one more pass (an RE2 set) says
which regexes match at all; only those are searched for their latest match.
"""

from __future__ import annotations

from pai_runtime.exitspec.gotext import GoView
from pai_runtime.exitspec.logtail import LogTail
from pai_runtime.exitspec.record import Record
from pai_runtime.exitspec.spec import PASS_THROUGH, Entry, ExitSpec, Pattern, compile_regex

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` costs the job container's exit milliseconds; annotations are strings
    from collections.abc import Callable
    from typing import Any

#: Block the backward search starts with; doubles every step, so the total work is at
#: most about twice the window whatever the match position.
_FIRST_BLOCK = 256 * 1024
#: Matches walked one by one before bisecting (hostile logs with a match on every line).
_MAX_WALK = 2000

Span = "tuple[int, int]"

#: OpenPAI's codes for an error in the user's own code, named by its exception class: among
#: entries of these codes the latest match in the log decides (module docstring).
USER_CODE_ERRORS = frozenset({228, 229, 230, 231, 232, 233})


#: Lines that are never a failure's cause (module docstring), one alternation; compiled in
#: Latin-1 so that ``[^\n]`` is any byte but a newline (a line with invalid UTF-8 is blanked
#: whole). Each branch starts a line and is anchored by a literal, so the pass is one DFA
#: scan of the window.
BENIGN = "|".join((
    # (a) Python's warnings module: "path.py:306: UserWarning: ..." and the source line it
    # quotes, indented by two spaces; torch's C++ warnings ("... (Triggered internally at
    # ...)") come the same way, or without the file when a logger reformats them.
    r"^[^\n]*?:\d+: (?:[A-Za-z_][\w.]*\.)?[A-Z]\w*Warning: [^\n]*(?:\n  [^ \n][^\n]*)?",
    r"^[^\n]*?\b[A-Z]\w*Warning: [^\n]*\(Triggered internally at [^\n]*",
    # (b) glog/absl I-level lines ("I0322 10:11:12.123456  1234 file.cc:235] ...") and
    # TensorFlow's ("2021-02-27 01:33:49.415225: I tensorflow/...cc:235] ..."), and W-level
    # ones that say the program falls back (so it went on). Not every W line: TensorFlow
    # reports a failed op ("OP_REQUIRES failed at ...: DATA_LOSS", "Allocator ... ran out of
    # memory") and torchrun a death signal at W level, and those are the cause.
    r"^(?:I\d{4} \d\d:\d\d:\d\d\.\d+ +\d+|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: I) [^\n]*?\] [^\n]*",
    r"^(?:W\d{4} \d\d:\d\d:\d\d\.\d+ +\d+|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+: W) [^\n]*?\] "
    r"[^\n]*?(?i:fall ?back|falling back)[^\n]*",
    # (c) an exception Python reports and ignores (a __del__, an atexit callback, a
    # finaliser): the header, its traceback, through the exception line; Python 2's one line.
    r"^[^\n]*?Exception ignored [^\n]*\n(?:Traceback \(most recent call last\):\n(?:[ \t][^\n]*\n)*)?[^\n]*",
    r"^[^\n]*?Exception [\w.]+: [^\n]* in <[^\n]*> ignored[ \t\r]*$",
    # (d) logging's report of a handler that failed (Handler.handleError): the program goes on.
    r"^--- Logging error ---\n(?:Traceback \(most recent call last\):\n(?:[ \t][^\n]*\n)*[^\n]*\n)?"
    r"(?:Call stack:\n(?:[ \t][^\n]*\n)*)?(?:Message: [^\n]*\n?)?(?:Arguments: [^\n]*)?",
))
#: every byte but the newline becomes a space
_BLANK = bytes(10 if b == 10 else 32 for b in range(256))
_benign_rx: list[Any] = []


def blank_benign(data: bytes) -> bytes:
    """``data`` with every line of :data:`BENIGN` blanked (spaces, newlines kept, same length).

    One RE2 pass over the window; a window without such lines is returned as it is (no copy).
    """
    if not data:
        return data
    if not _benign_rx:
        import re2

        options = re2.Options()
        options.log_errors = False
        options.encoding = re2.Options.Encoding.LATIN1
        _benign_rx.append(re2.compile(f"(?m){BENIGN}".encode("ascii"), options))
    parts: list[bytes] = []
    last = 0
    for m in _benign_rx[0].finditer(data):
        start, end = m.span()
        if end > start:
            parts.append(data[last:start])
            parts.append(data[start:end].translate(_BLANK))
            last = end
    if not parts:
        return data
    parts.append(data[last:])
    return b"".join(parts)


def normalise_exit_code(code: int) -> int:
    """``Popen.returncode`` -N (killed by signal N) -> 128+N; other codes as they are."""
    if code < 0:
        return 128 + (-code)
    return code


def last_match(rx: Any, data: bytes) -> Span | None:
    """Span of the match that starts last in ``data``.

    One forward search settles the common case (no match). From the first match, walk
    forward match by match (each search starts one byte after the previous start, so an
    overlapping later match is not skipped): for the usual few matches that is one more
    scan of the window. A hostile log with thousands of matches switches to suffixes
    growing geometrically from the end (the first suffix with a match holds the latest
    one), then to bisecting on the start position, so the cost stays a few window scans
    whatever the input. Searches use ``pos`` (not slicing) so ``^`` and ``\\b`` keep
    their context.
    """
    first = rx.search(data)
    if first is None:
        return None
    span = _walk(rx, data, first.span())
    if span is not None:
        return span
    n = len(data)
    block = _FIRST_BLOCK
    while True:
        start = max(0, n - block)
        if start > 0:
            nl = data.rfind(b"\n", 0, start)
            start = 0 if nl < 0 else nl + 1
        m = rx.search(data, start)
        if m is not None or start == 0:
            break
        block *= 2
    if m is None:  # cannot happen (a match exists); the first one is a safe answer
        return first.span()
    span = _walk(rx, data, m.span())
    if span is not None:
        return span
    # Dense matches: the latest start is the largest s with a match starting at >= s.
    lo, hi = m.start(), n
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if rx.search(data, mid) is not None:
            lo = mid
        else:
            hi = mid - 1
    found = rx.search(data, lo)
    return found.span() if found is not None else m.span()


def _walk(rx: Any, data: bytes, span: Span) -> Span | None:
    """The last match from ``span`` on, or None after :data:`_MAX_WALK` matches."""
    n = len(data)
    for _ in range(_MAX_WALK):
        pos = span[0] + 1
        if pos > n:
            return span
        nxt = rx.search(data, pos)
        if nxt is None:
            return span
        span = nxt.span()
    return None


class Searcher:
    """One log, each regex compiled and searched once, on the log as Go's regexp reads
    it (each invalid UTF-8 byte one U+FFFD, see :mod:`pai_runtime.exitspec.gotext`) with
    its benign lines blanked (:func:`blank_benign`); spans are offsets into the log's own
    bytes."""

    def __init__(self, tail: LogTail, pending: list[str] | None = None) -> None:
        self.tail = tail
        #: Regexes that may be asked for; searched together on the first :meth:`find`.
        self.pending = list(pending or ())
        self._cache: dict[str, Span | None] = {}
        self._view: GoView | None = None
        self._data: bytes | None = None

    @property
    def data(self) -> bytes:
        """The log's window with its benign lines blanked (:func:`blank_benign`), made on first use."""
        if self._data is None:
            self._data = blank_benign(self.tail.data)
        return self._data

    @property
    def view(self) -> GoView:
        """The log's window as Go's regexp reads it, made on first use."""
        if self._view is None:
            self._view = GoView(self.data)
        return self._view

    def find(self, regex: str) -> Span | None:
        if self.pending:
            pending, self.pending = self.pending, []
            self.rule_out(pending)
        if regex not in self._cache:
            view = self.view
            self._cache[regex] = view.raw_span(last_match(compile_regex(regex), view.for_regexes((regex,))))
        return self._cache[regex]

    def rule_out(self, regexes: list[str]) -> None:
        """Search all ``regexes`` in a few passes; when none of a pass matches, remember that for each.

        Each regex is wrapped in its own group, so its inline flags (``(?i)``) stay its own
        (RE2 scopes flags to the enclosing group). The regexes go in chunks of at most
        :data:`CHUNK_CHARS` characters: one alternation of a whole spec's regexes outgrows
        RE2's DFA memory budget, and RE2 then falls back to its NFA, ~1,000 times slower (a
        7 MB log without a match took 15 s instead of 0.02 s); a chunk stays inside it, so
        the cost stays a few window scans whatever the spec's size. A combination RE2
        refuses (too large, or a regex that only compiles alone) just skips this shortcut.
        """
        todo = [r for r in dict.fromkeys(regexes) if r not in self._cache]
        if len(todo) < 2 or not self.tail.data:
            return
        data = self.view.for_regexes(todo)
        for chunk in _chunks(todo):
            try:
                combined = compile_regex("|".join(f"(?:{r})" for r in chunk))
            except Exception:  # noqa: BLE001 - re2.error and friends: fall back to one search per regex
                continue
            if combined.search(data) is None:
                for r in chunk:
                    self._cache[r] = None
                continue
            hits = _which_match(chunk, data)
            if hits:
                for i, r in enumerate(chunk):
                    if i not in hits:
                        self._cache[r] = None


#: the most regex characters searched as one alternation (see :meth:`Searcher.rule_out`);
#: the shipped spec's 27,000 characters of exit-1 regexes outgrew RE2's default 8 MiB as one alternation
CHUNK_CHARS = 6000


def _chunks(regexes: list[str]) -> list[list[str]]:
    out: list[list[str]] = [[]]
    size = 0
    for r in regexes:
        if out[-1] and size + len(r) > CHUNK_CHARS:
            out.append([])
            size = 0
        out[-1].append(r)
        size += len(r)
    return out


def _which_match(regexes: list[str], data: bytes) -> set[int]:
    """Indices of the regexes that match somewhere in ``data``, in one pass (RE2::Set).

    Only called once the combined search has found a match, because a Set whose DFA runs
    out of memory (a hostile log) answers exactly like "nothing matches"; an empty answer
    here therefore means "unknown" and the caller searches one regex at a time. A
    non-empty answer is exact (RE2 fills it only when the pass completed).
    """
    import re2

    try:
        options = re2.Options()
        options.log_errors = False
        found = re2.Set.SearchSet(options)
        for r in regexes:
            found.Add(r)
        found.Compile()
        return set(found.Match(data) or ())
    except Exception:  # noqa: BLE001 - re2.error and friends: unknown, search one by one
        return set()


class Verdict(Record):
    """The outcome of classification (what the exit info is built from)."""

    __slots__ = ("exit_code", "origin_user_exit_code", "phrase", "entry", "pattern", "user_span", "platform_span",
                 "gpu_ecc", "gpu_matched", "notes", "reason", "behavior")
    DEFAULTS = {"phrase": None, "entry": None, "pattern": None, "user_span": None, "platform_span": None,
                "gpu_ecc": None, "gpu_matched": False, "notes": list, "reason": None, "behavior": None}
    exit_code: int
    origin_user_exit_code: int
    phrase: str | None
    entry: Entry | None
    pattern: Pattern | None
    user_span: Span | None
    platform_span: Span | None
    gpu_ecc: bool | None
    gpu_matched: bool
    notes: list[str]
    reason: str | None
    #: The code's rerun behavior (TRANSIENT, PERMANENT, ...), None when the spec says nothing.
    behavior: str | None


def _matches(p: Pattern, code: int, user: Searcher, platform: Searcher,
             ecc: Callable[[], bool | None]) -> tuple[bool, Span | None, Span | None]:
    """All given fields must hold; cheap checks first, the GPU fact last (it runs nvidia-smi)."""
    if p.exit_code is not None and p.exit_code != code:
        return False, None, None
    pspan = uspan = None
    if p.platform_log_regex is not None:
        pspan = platform.find(p.platform_log_regex)
        if pspan is None:
            return False, None, None
    if p.user_log_regex is not None:
        uspan = user.find(p.user_log_regex)
        if uspan is None:
            return False, None, None
    if p.gpu_ecc is not None:
        fact = ecc()
        if fact is None or fact != p.gpu_ecc:  # unknown never matches
            return False, None, None
    return True, uspan, pspan


#: The last line of a Python traceback: an exception class (dotted or not) at the start of a
#: line, alone or with ": message". Launchers' wrappers of a child's failure are not the
#: program's own exception (they carry no class of their own to blame).
_FINAL_EXCEPTION = (r"(?m)^(?:[A-Za-z_]\w*\.)*[A-Z]\w*(?:Error|Exception|Interrupt)(?:: [^\n]*|:?[ \t\r]*)$")
_WRAPPERS = (b"ChildFailedError", b"CalledProcessError")


def _uncoded_exception_after(data: bytes, pos: int) -> bool:
    """Whether a final exception line starts after ``pos`` (the end of the line that the
    user-code verdict matched): no user-code entry matched that later line (the verdict's
    line is the latest such match), so the program ended in an exception without a code
    and the coded one was handled (printed by a library that carried on)."""
    rx = compile_regex(_FINAL_EXCEPTION)
    m = rx.search(data, pos)
    while m is not None:
        line = data[m.start():m.end()]
        if not any(w in line.split(b":", 1)[0] for w in _WRAPPERS):
            return True
        m = rx.search(data, m.end() + 1) if m.end() < len(data) else None
    return False


def _latest_user_code_error(entries: list[Entry], found: tuple[Entry, Pattern, Span, Span | None], code: int,
                            user: Searcher, platform: Searcher, ecc: Callable[[], bool | None],
                            ) -> tuple[Entry, Pattern, Span, Span | None]:
    """Of the user-code error entries from ``entries`` on, the match on the latest line of the
    user log (``found`` is the first one in file order; matches on one line keep file order:
    runpy's "Error while finding module specification for 'x' (AttributeError: ...)" is the
    module, not the AttributeError it quotes)."""
    data = user.tail.data

    def line_of(span: Span) -> int:
        return data.rfind(b"\n", 0, span[0]) + 1

    best, best_line = found, line_of(found[2])
    for entry in entries[1:]:
        if entry.code not in USER_CODE_ERRORS:
            continue
        for p in entry.patterns:
            if p.user_log_regex is None:
                continue
            ok, uspan, pspan = _matches(p, code, user, platform, ecc)
            if ok and uspan is not None and line_of(uspan) > best_line:
                best, best_line = (entry, p, uspan, pspan), line_of(uspan)
    return best


def classify(spec: ExitSpec, exit_code: int, user: LogTail, platform: LogTail,
             ecc: Callable[[], bool | None]) -> Verdict:
    """Classify a failed exit (``exit_code`` != 0, already normalised)."""
    candidates = [p for e in spec.entries for p in e.patterns if p.exit_code is None or p.exit_code == exit_code]
    us = Searcher(user, [p.user_log_regex for p in candidates if p.user_log_regex is not None])
    ps = Searcher(platform, [p.platform_log_regex for p in candidates if p.platform_log_regex is not None])
    asked: list[bool | None] = []

    def ecc_once() -> bool | None:
        if not asked:
            asked.append(ecc())
        return asked[0]

    handled = False  # a later exception without a code ended the program (:func:`_uncoded_exception_after`)
    for index, entry in enumerate(spec.entries):
        if handled and entry.code in USER_CODE_ERRORS:
            continue
        for p in entry.patterns:
            ok, uspan, pspan = _matches(p, exit_code, us, ps, ecc_once)
            if ok:
                if entry.code in USER_CODE_ERRORS and uspan is not None:
                    entry, p, uspan, pspan = _latest_user_code_error(spec.entries[index:], (entry, p, uspan, pspan),
                                                                     exit_code, us, ps, ecc_once)
                    eol = us.data.find(b"\n", uspan[1])
                    if eol >= 0 and _uncoded_exception_after(us.data, eol + 1):
                        handled = True
                        break
                return Verdict(exit_code=entry.code, origin_user_exit_code=exit_code,
                               phrase=entry.phrase or spec.phrase(entry.code), entry=entry, pattern=p,
                               user_span=uspan, platform_span=pspan,
                               gpu_ecc=asked[0] if asked else None, gpu_matched=p.gpu_ecc is not None,
                               reason=entry.reason or spec.reason(entry.code),
                               behavior=entry.behavior or spec.behavior(entry.code))
    if spec.pass_through and exit_code in PASS_THROUGH:
        return Verdict(exit_code=exit_code, origin_user_exit_code=exit_code, gpu_ecc=asked[0] if asked else None,
                       reason="no exit spec entry matched: the user's own exit code is kept (passThroughExitCodes)",
                       behavior="UNKNOWN")
    return Verdict(exit_code=spec.default_code, origin_user_exit_code=exit_code,
                   phrase=spec.phrase(spec.default_code), gpu_ecc=asked[0] if asked else None,
                   reason=spec.reason(spec.default_code), behavior=spec.behavior(spec.default_code) or "UNKNOWN")

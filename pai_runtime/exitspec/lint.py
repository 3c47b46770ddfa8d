"""``pai-runtime spec lint``: find spec mistakes that load fine but classify wrong.

Why: OpenPAI's own spec shipped patterns that can never match (``(2)`` is a group, so
``cuda runtime error (2)`` never matched the real message; ``[errno 2]`` is a character
class), regex-only patterns that fire on any exit code (an old harmless ``ImportError:``
turned a later transient crash into a permanent failure), and entries no input can
reach. These load without error, so only a linter sees them.
"""

from __future__ import annotations

from dataclasses import dataclass

from pai_runtime.exitspec.spec import Entry, ExitSpec, Pattern, compile_regex

_QUANT = "*+?{"
_FLAGS_GROUP = frozenset("imsU-")


@dataclass(frozen=True)
class Finding:
    kind: str  # literal | any-failure | shadowed | empty-match | never
    where: str
    subject: str
    message: str

    def line(self) -> str:
        return f"{self.where}: {self.subject}: {self.message}"


def literal_smells(regex: str) -> list[str]:
    """Constructs that look like text the author meant literally."""
    out: list[str] = []
    stack: list[dict[str, object]] = []
    i, n = 0, len(regex)

    def mark_meta() -> None:
        if stack:
            stack[-1]["meta"] = True

    while i < n:
        c = regex[i]
        if c == "\\":
            if regex.startswith("\\Q", i):
                j = regex.find("\\E", i + 2)
                i = n if j < 0 else j + 2
                continue
            if i + 1 < n and regex[i + 1].isalnum():
                mark_meta()  # \d \s \w \b \x41 ...: not plain text
            i += 2
            continue
        if c == "[":
            j = i + 1
            if j < n and regex[j] == "^":
                j += 1
            if j < n and regex[j] == "]":
                j += 1
            while j < n and regex[j] != "]":
                if regex[j] == "\\":
                    j += 2
                    continue
                if regex.startswith("[:", j):
                    k = regex.find(":]", j + 2)
                    j = k + 2 if k >= 0 else j + 1
                    continue
                j += 1
            body = regex[i + 1:j]
            if _class_looks_literal(body):
                out.append(f"`[{body}]` is a character class matching one character, not the text "
                           f"`[{body}]`; to match it literally write `\\[{body}\\]`")
            mark_meta()
            i = j + 1
            continue
        if c == "(":
            if regex.startswith("(?", i):
                j = i + 2
                while j < n and regex[j] in _FLAGS_GROUP:
                    j += 1
                if j < n and regex[j] == ")":  # (?i): flags only, not a group
                    i = j + 1
                    continue
                stack.append({"start": i, "capture": False, "meta": False, "alt": False})
            else:
                stack.append({"start": i, "capture": True, "meta": False, "alt": False})
            i += 1
            continue
        if c == ")":
            if stack:
                g = stack.pop()
                body = regex[int(g["start"]) + 1:i]  # type: ignore[call-overload]
                quantified = i + 1 < n and regex[i + 1] in _QUANT
                if g["capture"] and not quantified:
                    if body == "":
                        out.append("`()` is an empty group (it matches nothing); for literal parentheses "
                                   "write `\\(\\)`")
                    elif not g["meta"] and not g["alt"]:
                        out.append(f"`({body})` is a group matching {body!r}, not the text `({body})`; "
                                   f"to match the parentheses write `\\({body}\\)`")
            mark_meta()
            i += 1
            continue
        if c == "|":
            if stack:
                stack[-1]["alt"] = True
        elif c in ".*+?{}^$":
            mark_meta()
        i += 1
    return out


def _class_looks_literal(body: str) -> bool:
    """``[errno 2]``, ``[WARNING]``: several letters, a space or a repeated character,
    and no ranges or escapes, which no one writes on purpose as a set."""
    if len(body) < 3 or "\\" in body or "[:" in body or body.startswith("^"):
        return False
    if "-" in body.strip("-"):
        return False
    letters = sum(ch.isalpha() for ch in body)
    repeated = len(set(body)) < len(body)
    return letters >= 2 and (" " in body or repeated)


#: regex -> whether it matches the empty string; lint asks for every pair of patterns
#: (``subsumes``), and compiling each time cost init ~17 ms on the shipped spec
_EMPTY_MATCH: dict[str, bool] = {}


def matches_empty(regex: str) -> bool:
    known = _EMPTY_MATCH.get(regex)
    if known is None:
        known = _EMPTY_MATCH[regex] = compile_regex(regex).search(b"") is not None
    return known


def _regexes(p: Pattern) -> list[tuple[str, str]]:
    return [(k, v) for k, v in (("userLogRegex", p.user_log_regex), ("platformLogRegex", p.platform_log_regex))
            if v is not None]


def _constrains(regex: str | None) -> bool:
    return regex is not None and not matches_empty(regex)


def subsumes(p: Pattern, q: Pattern) -> bool:
    """Does ``p`` match whenever ``q`` does (so an earlier ``p`` hides ``q``)?"""
    if p.exit_code is not None and p.exit_code != q.exit_code:
        return False
    if p.gpu_ecc is not None and p.gpu_ecc != q.gpu_ecc:
        return False
    return all(not _constrains(mine) or mine == theirs
               for mine, theirs in ((p.user_log_regex, q.user_log_regex),
                                    (p.platform_log_regex, q.platform_log_regex)))


def _subject(e: Entry, p: Pattern | None = None, field: str | None = None) -> str:
    out = e.label()
    if p is not None:
        out += f", pattern {p.index}"
    if field is not None:
        out += f", {field}"
    return out


def lint(spec: ExitSpec) -> list[Finding]:
    findings: list[Finding] = []
    for e in spec.entries:
        for p in e.patterns:
            for field, regex in _regexes(p):
                for smell in literal_smells(regex):
                    findings.append(Finding("literal", p.where, _subject(e, p, field), f"{regex!r}: {smell}"))
                if matches_empty(regex):
                    findings.append(Finding("empty-match", p.where, _subject(e, p, field),
                                            f"{regex!r} matches the empty string, so it matches every log"))
            if p.exit_code == 0:
                findings.append(Finding("never", p.where, _subject(e, p),
                                        "exitCode 0 never matches: a successful exit is not classified"))
            constrained = (p.exit_code is not None or p.gpu_ecc is not None
                           or any(_constrains(r) for _, r in _regexes(p)))
            if not constrained:
                findings.append(Finding("any-failure", p.where, _subject(e, p),
                                        "matches every failure: no exitCode, no GPU fact, no regex that "
                                        "constrains; every later entry is unreachable for it"))
            elif p.exit_code is None and p.gpu_ecc is None:
                findings.append(Finding("any-failure", p.where, _subject(e, p),
                                        "no exitCode: fires on any failing exit code whose log window contains "
                                        "this text, so an old harmless line can decide a different, later "
                                        "failure; add exitCode (e.g. 1 for a Python exception)"))
    for j, b in enumerate(spec.entries):
        hidden = []
        for q in b.patterns:
            by = next(((a, p) for a in spec.entries[:j] for p in a.patterns if subsumes(p, q)), None)
            if by is not None:
                hidden.append((q, by))
        if not hidden:
            continue
        if len(hidden) == len(b.patterns):
            a, p = hidden[0][1]
            findings.append(Finding("shadowed", b.where, _subject(b),
                                    f"can never match: {a.label()} pattern {p.index} matches first"))
        else:
            for q, (a, p) in hidden:
                findings.append(Finding("shadowed", q.where, _subject(b, q),
                                        f"can never decide: {a.label()} pattern {p.index} matches first"))
    return findings

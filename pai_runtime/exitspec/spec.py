"""Load and validate exit specs: OpenPAI's runtime format and OpenPAI's full job exit spec.

Why strict loading: the container's exit code is the diagnosis the platform acts on, so a
spec that is wrong must fail init (247, naming the entry and the pattern) instead of
silently classifying every job wrong at exit time. OpenPAI's exithandler skipped a regex
that did not compile and decoded ``patterns: [null]`` into a pattern matching everything;
both become load errors here.

Accepted shapes (see docs/exit-spec.md):

* a list of ``{containerExitCode, phrase?, patterns: [{exitCode, userLogRegex,
  platformLogRegex, gpuInfo: {nvidiaDoubleEccError}}]}`` (OpenPAI's runtime exit spec);
* a mapping ``{defaultExitCode?, defaultPhrase?, entries: <that list>}``;
* OpenPAI's job exit spec, a mapping with ``spec:`` (entries with ``code``, ``phrase``,
  ``pattern.runtimeContainerPatterns``), from which the runtime entries are derived the
  way OpenPAI's template does (positive codes with runtime patterns, in file order).
"""

from __future__ import annotations

import os

from pai_runtime.errors import ConfigError
from pai_runtime.exitspec.record import Frozen, Record

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` costs the job container's exit milliseconds; annotations are strings
    from typing import Any

#: FrameworkController's contract codes: containers must never exit with these by accident.
RESERVED = range(200, 220)
DEFAULT_EXIT_CODE = 255
DEFAULT_PHRASE = "PAIRuntimeUnknownFailed"
PATTERN_FIELDS = ("exitCode", "userLogRegex", "platformLogRegex", "gpuInfo")
ENTRY_FIELDS = ("containerExitCode", "phrase", "behavior", "reason", "patterns")
#: OpenPAI's job exit spec "rerun behavior" of a code (see exitspec/summary.py).
BEHAVIORS = ("TRANSIENT", "TRANSIENT_CONFLICT", "PERMANENT", "UNKNOWN")
#: A reason longer than this is cut (it goes into the 4096-byte termination message).
MAX_REASON = 300
#: User exit codes ``passThroughExitCodes`` may keep: not a signal (128+N), not
#: FrameworkController's [200,219], not the runtime's [220,255] (docs/exit-spec.md).
PASS_THROUGH = frozenset(range(1, 128)) | frozenset(range(193, 200))
SPEC_FILE = "runtime-exit-spec.yaml"
#: A phrase longer than this is cut: it must fit the 4096-byte termination message.
MAX_PHRASE = 128


class Pattern(Frozen):
    """One pattern: every field given must hold (AND); ``None`` = the field is absent."""

    __slots__ = ("index", "exit_code", "user_log_regex", "platform_log_regex", "gpu_ecc", "where")
    DEFAULTS = {"exit_code": None, "user_log_regex": None, "platform_log_regex": None, "gpu_ecc": None, "where": ""}
    index: int
    exit_code: int | None
    user_log_regex: str | None
    platform_log_regex: str | None
    gpu_ecc: bool | None
    where: str

    def fields(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.exit_code is not None:
            out["exitCode"] = self.exit_code
        if self.user_log_regex is not None:
            out["userLogRegex"] = self.user_log_regex
        if self.platform_log_regex is not None:
            out["platformLogRegex"] = self.platform_log_regex
        if self.gpu_ecc is not None:
            out["gpuInfo"] = {"nvidiaDoubleEccError": self.gpu_ecc}
        return out


class Entry(Frozen):
    """One spec entry: matches when any of its patterns matches (OR)."""

    __slots__ = ("index", "code", "phrase", "patterns", "where", "behavior", "reason")
    DEFAULTS = {"where": "", "behavior": None, "reason": None}
    index: int
    code: int
    phrase: str | None
    patterns: tuple[Pattern, ...]
    where: str
    behavior: str | None
    reason: str | None

    def label(self) -> str:
        return f"entry {self.index} (code {self.code}{' ' + self.phrase if self.phrase else ''})"


class ExitSpec(Record):
    """A loaded spec: entries in file order, the default code and the phrases it names."""

    __slots__ = ("entries", "source", "default_code", "phrases", "format", "behaviors", "reasons",
                 "pass_through")
    DEFAULTS = {"default_code": DEFAULT_EXIT_CODE, "phrases": dict, "format": "runtime", "behaviors": dict,
                "reasons": dict, "pass_through": False}
    entries: list[Entry]
    source: str
    default_code: int
    phrases: dict[int, str]
    format: str
    #: code -> behavior / reason, for every code the spec names (entries first).
    behaviors: dict[int, str]
    reasons: dict[int, str]
    #: ``passThroughExitCodes``: an unmatched user code in :data:`PASS_THROUGH` is kept.
    pass_through: bool

    def phrase(self, code: int) -> str | None:
        return self.phrases.get(code)

    def behavior(self, code: int) -> str | None:
        return self.behaviors.get(code)

    def reason(self, code: int) -> str | None:
        return self.reasons.get(code)

    def to_data(self) -> dict[str, Any]:
        """The normalised runtime form (what init writes into runtime.d)."""
        entries = []
        for e in self.entries:
            item: dict[str, Any] = {"containerExitCode": e.code}
            if e.phrase:
                item["phrase"] = e.phrase
            if e.behavior:
                item["behavior"] = e.behavior
            if e.reason:
                item["reason"] = e.reason
            item["patterns"] = [p.fields() for p in e.patterns]
            entries.append(item)
        named = {c: p for c, p in self.phrases.items() if c not in {e.code for e in self.entries}}
        out: dict[str, Any] = {"defaultExitCode": self.default_code}
        if self.pass_through:
            out["passThroughExitCodes"] = True
        if self.phrases.get(self.default_code):
            out["defaultPhrase"] = self.phrases[self.default_code]
        if named:
            out["phrases"] = dict(sorted(named.items()))
        in_entries = {e.code for e in self.entries if e.behavior}
        behaviors = {c: b for c, b in self.behaviors.items() if c not in in_entries}
        if behaviors:
            out["behaviors"] = dict(sorted(behaviors.items()))
        in_entries = {e.code for e in self.entries if e.reason}
        reasons = {c: r for c, r in self.reasons.items() if c not in in_entries}
        if reasons:
            out["reasons"] = dict(sorted(reasons.items()))
        out["entries"] = entries
        return out


#: compiled RE2 objects by their text: init validates each regex of the spec, then lint and
#: the compile cache need the same ones (each compiled twice cost init milliseconds). RE2
#: objects are immutable; the cap keeps ``classify``'s combined regexes from growing it.
_COMPILED: dict[str, Any] = {}
_COMPILED_MAX = 2048


def compile_regex(regex: str) -> Any:
    """RE2 (Go's syntax, linear time); raises ``re2.error`` with RE2's reason."""
    compiled = _COMPILED.get(regex) if isinstance(regex, str) else None
    if compiled is not None:
        return compiled
    import re2

    options = re2.Options()
    options.log_errors = False  # the error comes back as an exception; keep stderr clean
    compiled = re2.compile(regex, options)
    if isinstance(regex, str) and len(_COMPILED) < _COMPILED_MAX:
        _COMPILED[regex] = compiled
    return compiled


def _regex_error(regex: str) -> str | None:
    import re2

    try:
        compile_regex(regex)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else ""
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        return str(reason) or "invalid regular expression"
    except (TypeError, ValueError, UnicodeError) as exc:
        return str(exc)
    return None


def _code(value: Any, where: str, what: str, *, allow_zero: bool = False) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ConfigError(f"{what} must be an integer, not {value!r}", where=where,
                          hint="exit codes are integers 1-255")
    low = 0 if allow_zero else 1
    if not low <= value <= 255:
        why = "0 would report a failure as success" if value == 0 else "a container exit code is 0-255"
        raise ConfigError(f"{what} {value} is outside {low}-255 ({why})", where=where,
                          hint="use a code in the runtime range 220-255 or a signal code 128+N")
    if value in RESERVED:
        raise ConfigError(f"{what} {value} is in FrameworkController's reserved range 200-219", where=where,
                          hint="[200,219] is the container/FrameworkController contract; pick another code")
    return value


def _pattern(raw: Any, idx: int, path: tuple[Any, ...], doc: Any, label: str) -> Pattern:
    where = doc.where(path)
    plabel = f"{label}, pattern {idx}"
    if raw is None:
        raise ConfigError(f"{plabel} is empty (null); it would match every failure", where=where,
                          hint="give it at least one of exitCode, userLogRegex, platformLogRegex, gpuInfo, "
                               "or remove it")
    if not isinstance(raw, dict):
        raise ConfigError(f"{plabel} must be a mapping, not {type(raw).__name__}", where=where,
                          hint="e.g. {exitCode: 127, userLogRegex: '(?i)command not found'}")
    unknown = [k for k in raw if k not in PATTERN_FIELDS]
    if unknown:
        import difflib

        close = difflib.get_close_matches(str(unknown[0]), PATTERN_FIELDS, n=1)
        raise ConfigError(f"{plabel} has an unknown field {unknown[0]!r}", where=doc.where(path + (unknown[0],)),
                          hint=f"did you mean {close[0]!r}?" if close else f"fields: {', '.join(PATTERN_FIELDS)}")
    exit_code = None
    if raw.get("exitCode") is not None:
        v = raw["exitCode"]
        if isinstance(v, bool) or not isinstance(v, int) or not 0 <= v <= 255:
            raise ConfigError(f"{plabel}: exitCode must be an integer 0-255, not {v!r}",
                              where=doc.where(path + ("exitCode",)),
                              hint="the user command's exit code (signal N is 128+N)")
        exit_code = v
    regexes: dict[str, str | None] = {}
    for key in ("userLogRegex", "platformLogRegex"):
        v = raw.get(key)
        if v is None:
            regexes[key] = None
            continue
        if not isinstance(v, str):
            raise ConfigError(f"{plabel}: {key} must be a string, not {v!r}", where=doc.where(path + (key,)),
                              hint="quote the regular expression")
        err = _regex_error(v)
        if err is not None:
            raise ConfigError(f"{plabel}: {key} {v!r} does not compile as RE2: {err}",
                              where=doc.where(path + (key,)),
                              hint="RE2/Go syntax: no backreferences or lookarounds; escape ( ) [ ] . for literals")
        regexes[key] = v
    gpu = None
    if raw.get("gpuInfo") is not None:
        g = raw["gpuInfo"]
        if not isinstance(g, dict) or any(k != "nvidiaDoubleEccError" for k in g):
            raise ConfigError(f"{plabel}: gpuInfo must be {{nvidiaDoubleEccError: true|false}}",
                              where=doc.where(path + ("gpuInfo",)), hint="the only GPU fact is nvidiaDoubleEccError")
        gpu = _ecc_flag(g.get("nvidiaDoubleEccError"), plabel, doc.where(path + ("gpuInfo", "nvidiaDoubleEccError")))
    return Pattern(idx, exit_code, regexes["userLogRegex"], regexes["platformLogRegex"], gpu, where)


def _ecc_flag(value: Any, plabel: str, where: str) -> bool | None:
    """``true``/``false``; also the quoted ``'True'``/``'False'`` that OpenPAI's own runtime
    template renders (``nvidiaDoubleEccError: '{{ ... }}'`` of a Python bool), so the spec
    an OpenPAI cluster already has loads as meant."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    raise ConfigError(f"{plabel}: nvidiaDoubleEccError must be true or false, not {value!r}", where=where,
                      hint="write nvidiaDoubleEccError: true (or false)")


def _patterns(raw: Any, path: tuple[Any, ...], doc: Any, label: str) -> tuple[Pattern, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        raise ConfigError(f"{label}: patterns must be a list, not {type(raw).__name__}", where=doc.where(path),
                          hint="patterns: [{exitCode: 137}]")
    return tuple(_pattern(p, i, path + (i,), doc, label) for i, p in enumerate(raw))


def _phrase(value: Any, where: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"phrase must be a string, not {value!r}", where=where)
    return value[:MAX_PHRASE]


def _behavior(value: Any, where: str, what: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, str) and value.strip().upper() in BEHAVIORS:
        return value.strip().upper()
    import difflib

    close = difflib.get_close_matches(str(value).upper(), BEHAVIORS, n=1)
    raise ConfigError(f"{what}: behavior {value!r} is not one of {', '.join(BEHAVIORS)}", where=where,
                      hint=f"did you mean {close[0]}?" if close else "TRANSIENT: a retry can help; PERMANENT: it "
                           "cannot; UNKNOWN: retry up to the job's limit")


def _reason(value: Any, where: str, what: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ConfigError(f"{what}: reason must be a string, not {value!r}", where=where,
                          hint="a short sentence saying why the code is issued")
    return value.strip()[:MAX_REASON] or None


def _runtime_entries(items: list[Any], doc: Any, base: tuple[Any, ...]) -> list[Entry]:
    entries = []
    for i, raw in enumerate(items):
        path = base + (i,)
        if not isinstance(raw, dict):
            raise ConfigError(f"entry {i} must be a mapping with containerExitCode and patterns, "
                              f"not {type(raw).__name__}", where=doc.where(path))
        if "containerExitCode" not in raw:
            raise ConfigError(f"entry {i} has no containerExitCode", where=doc.where(path),
                              hint="every entry needs the code the container exits with when it matches")
        unknown = [k for k in raw if k not in ENTRY_FIELDS]
        if unknown:
            raise ConfigError(f"entry {i} has an unknown field {unknown[0]!r}", where=doc.where(path + (unknown[0],)),
                              hint=f"fields: {', '.join(ENTRY_FIELDS)}")
        code = _code(raw["containerExitCode"], doc.where(path + ("containerExitCode",)),
                     f"entry {i}: containerExitCode")
        phrase = _phrase(raw.get("phrase"), doc.where(path + ("phrase",)))
        label = f"entry {i} (code {code})"
        behavior = _behavior(raw.get("behavior"), doc.where(path + ("behavior",)), label)
        reason = _reason(raw.get("reason"), doc.where(path + ("reason",)), label)
        patterns = _patterns(raw.get("patterns"), path + ("patterns",), doc, label)
        entries.append(Entry(i, code, phrase, patterns, doc.where(path), behavior, reason))
    return entries


def _job_entries(items: list[Any], doc: Any) -> tuple[list[Entry], dict[int, str], dict[int, str], dict[int, str]]:
    """Derive runtime entries from OpenPAI's job exit spec, as its runtime template does;
    every code's phrase, behavior and reason are kept."""
    entries: list[Entry] = []
    phrases: dict[int, str] = {}
    behaviors: dict[int, str] = {}
    reasons: dict[int, str] = {}
    for i, raw in enumerate(items):
        path = ("spec", i)
        if not isinstance(raw, dict):
            raise ConfigError(f"spec entry {i} must be a mapping, not {type(raw).__name__}", where=doc.where(path))
        code = raw.get("code")
        if isinstance(code, bool) or not isinstance(code, int):
            raise ConfigError(f"spec entry {i} has no integer code", where=doc.where(path),
                              hint="OpenPAI job exit spec entries need 'code' and 'phrase'")
        phrase = _phrase(raw.get("phrase"), doc.where(path + ("phrase",)))
        behavior = _behavior(raw.get("behavior"), doc.where(path + ("behavior",)), f"spec entry {i}")
        reason = _reason(raw.get("reason"), doc.where(path + ("reason",)), f"spec entry {i}")
        if 0 < code <= 255:
            if phrase:
                phrases[code] = phrase
            if behavior:
                behaviors[code] = behavior
            if reason:
                reasons[code] = reason
        pattern = raw.get("pattern")
        runtime = pattern.get("runtimeContainerPatterns") if isinstance(pattern, dict) else None
        if runtime is None or code <= 0:  # as OpenPAI's template: only positive codes reach the runtime
            continue
        code = _code(code, doc.where(path + ("code",)), f"spec entry {i} ({phrase}): code")
        label = f"entry {i} (code {code})"
        patterns = _patterns(runtime, path + ("pattern", "runtimeContainerPatterns"), doc, label)
        entries.append(Entry(i, code, phrase, patterns, doc.where(path), behavior, reason))
    return entries, phrases, behaviors, reasons


def from_document(doc: Any) -> ExitSpec:
    """Validate a parsed document (a :class:`~pai_runtime.config.yamlsource.Document`)."""
    data = doc.data
    default = DEFAULT_EXIT_CODE
    phrases: dict[int, str] = {}
    behaviors: dict[int, str] = {}
    reasons: dict[int, str] = {}
    pass_through = False
    fmt = "runtime"
    if isinstance(data, list):
        entries = _runtime_entries(data, doc, ())
    elif isinstance(data, dict) and ("spec" in data or "entries" in data):
        if "defaultExitCode" in data:
            default = _code(data["defaultExitCode"], doc.where(("defaultExitCode",)), "defaultExitCode")
        if "spec" in data:
            if not isinstance(data["spec"], list):
                raise ConfigError("'spec' must be a list of exit codes", where=doc.where(("spec",)))
            entries, phrases, behaviors, reasons = _job_entries(data["spec"], doc)
            fmt = "openpai-job"
        else:
            if not isinstance(data["entries"], list):
                raise ConfigError("'entries' must be a list of spec entries", where=doc.where(("entries",)))
            entries = _runtime_entries(data["entries"], doc, ("entries",))
            for k, v in (data.get("phrases") or {}).items():
                if isinstance(k, str) and k.isdigit():  # JSON keys are strings
                    k = int(k)
                if isinstance(k, int) and isinstance(v, str):
                    phrases[k] = v[:MAX_PHRASE]
            for field, table, check in (("behaviors", behaviors, _behavior), ("reasons", reasons, _reason)):
                raw_table = data.get(field) or {}
                if not isinstance(raw_table, dict):
                    raise ConfigError(f"'{field}' must be a mapping of code to value", where=doc.where((field,)))
                for k, v in raw_table.items():
                    if isinstance(k, str) and k.isdigit():
                        k = int(k)
                    value = check(v, doc.where((field, k)), f"{field} {k}")
                    if isinstance(k, int) and value:
                        table[k] = value
        if "passThroughExitCodes" in data:
            pass_through = data["passThroughExitCodes"]
            if not isinstance(pass_through, bool):
                raise ConfigError(f"passThroughExitCodes must be true or false, not {pass_through!r}",
                                  where=doc.where(("passThroughExitCodes",)),
                                  hint="true keeps an unmatched user code 1-127 or 193-199; false (default) "
                                       "reports defaultExitCode")
        if isinstance(data.get("defaultPhrase"), str):
            phrases[default] = data["defaultPhrase"][:MAX_PHRASE]
    else:
        kind = "empty" if data is None else f"a {type(data).__name__}"
        raise ConfigError(f"an exit spec must be a list of entries, not {kind}", where=doc.where(()),
                          hint="OpenPAI runtime format: '- containerExitCode: 220' + 'patterns: [...]'; "
                               "or an OpenPAI job exit spec with 'spec:'")
    for e in entries:
        if e.phrase and e.code not in phrases:
            phrases[e.code] = e.phrase
        if e.behavior and e.code not in behaviors:
            behaviors[e.code] = e.behavior
        if e.reason and e.code not in reasons:
            reasons[e.code] = e.reason
    if default not in phrases:
        phrases[default] = DEFAULT_PHRASE if default == DEFAULT_EXIT_CODE else f"ExitCode{default}"
    return ExitSpec(entries=entries, source=doc.source, default_code=default, phrases=phrases, format=fmt,
                    behaviors=behaviors, reasons=reasons, pass_through=pass_through)


#: Characters a YAML reader rejects or reads as a line break when they stand raw in a
#: string; the installed copy escapes them so JSON and YAML readers see the same text.
_RAW_UNSAFE = "[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff\ufffe\uffff]"


def load_text(text: str | bytes, source: str) -> ExitSpec:
    """Parse and validate a spec. A JSON body (what init installs into runtime.d) is read
    with the standard library: the job container then classifies a failure without
    importing or running a YAML parser (most of the cost of a signal exit). Anything
    else, and any JSON the fast path does not accept as is, goes through the YAML parser,
    whose errors name the line."""
    fast = _from_json(text, source)
    if fast is not None:
        return fast
    from pai_runtime.config import yamlsource

    return from_document(yamlsource.parse(text, source))


def _from_json(text: str | bytes, source: str) -> ExitSpec | None:
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError:
            return None
    body = text.lstrip("\ufeff")
    while body.startswith("#") or body[:1].isspace():  # YAML comments before the JSON
        nl = body.find("\n")
        body = "" if nl < 0 else body[nl + 1:]
    if not body.startswith(("{", "[")):
        return None
    import json

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out = dict(pairs)
        if len(out) != len(pairs):
            raise ValueError("duplicate key")  # the YAML path names it with its line
        return out

    try:
        data = json.loads(body, object_pairs_hook=no_duplicates)
    except (ValueError, RecursionError):
        return None
    try:
        return from_document(_JsonDocument(source, data))
    except ConfigError:
        return None


class _JsonDocument:
    """What :func:`from_document` needs of a parsed document. No lines: an error found here
    is reported again by the YAML path, which knows them."""

    def __init__(self, source: str, data: Any) -> None:
        self.source, self.data = source, data

    def where(self, path: tuple[Any, ...] = ()) -> str:
        return self.source


def load_file(path: str | os.PathLike[str]) -> ExitSpec:
    from pai_runtime.layout import pure

    return load_text(read_spec_file(path), pure(os.fspath(path)))


def read_spec_file(path: str | os.PathLike[str]) -> bytes:
    """The bytes of a spec file: bounded, and a FIFO or a device is refused (one line)."""
    from pai_runtime.config import yamlsource

    try:
        return yamlsource.read_file(path, "the exit spec")
    except ConfigError as exc:
        exc.hint = exc.hint or "give a readable YAML file"
        raise


def shipped_spec_path() -> str:
    """The shipped spec's path, a plain str (no pathlib on init's path)."""
    from pai_runtime.layout import resource_dir

    return os.path.join(os.environ.get("PAI_SPECS_DIR") or os.path.join(resource_dir(), "specs"), SPEC_FILE)


def _head(spec: ExitSpec) -> str:
    return installed_head(spec.source, spec.format)


def installed_head(source: str, fmt: str) -> str:
    """The comment heading the installed copy and ``spec show``: the one part of them that
    names the source (so the rest of the shipped spec's copy is precompiled)."""
    return (f"# Exit spec installed by pai-runtime init from {source} ({fmt} format).\n"
            "# Normalised runtime form: entries in file order, first match wins.\n")


def dump(spec: ExitSpec) -> str:
    """The normalised spec as YAML, headed by where it came from (``spec show``)."""
    import yaml

    return _head(spec) + yaml.safe_dump(spec.to_data(), sort_keys=False, allow_unicode=True, width=1000)


def dump_installed(spec: ExitSpec) -> str:
    """The copy init writes into runtime.d: the same data as JSON, which is also YAML, so the
    job container reads it with the standard library (see :func:`load_text`)."""
    return _head(spec) + installed_body(spec)


def installed_body(spec: ExitSpec) -> str:
    """:func:`dump_installed` without its head: independent of the source's path."""
    import json
    import re

    # one entry a line through json's C encoder (``indent`` selects its pure-Python one, ~1 ms
    # of init on the shipped spec): as readable, and still one JSON document
    encode = json.JSONEncoder(ensure_ascii=False).encode
    fields = []
    for key, value in spec.to_data().items():
        if isinstance(value, list) and value:
            text = "[\n" + ",\n".join(encode(v) for v in value) + "\n]"
        else:
            text = encode(value)
        fields.append(f"{encode(key)}: {text}")
    body = "{\n" + ",\n".join(fields) + "\n}"
    body = re.sub(_RAW_UNSAFE, lambda m: f"\\u{ord(m.group()):04x}", body)
    return body + "\n"

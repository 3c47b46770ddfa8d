"""The end of ``pai-runtime run``: classify the exit, write the termination message.

Why "never raises": this runs after the user's job is over; a crash here would replace the
diagnosis with a Python traceback and an exit code of our choosing (OpenPAI's exithandler
exited 1). Every step degrades instead: no spec -> the shipped one -> an empty one; no
log -> empty log; nvidia-smi broken -> unknown; classification crashed -> the user's own
code, with the reason in runtime.log; a termination file we cannot write -> a note.
"""

from __future__ import annotations

import os

from pai_runtime.exitspec import SUCCESS_MESSAGE, overwrite, write_success

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` and ``pathlib`` cost the PID-1 path milliseconds; annotations are strings here
    from collections.abc import Callable
    from pathlib import Path
    from typing import Any

#: Phrase of the running threshold code when the spec does not name it.
FORCED_PHRASES = {236: "PAIRuntimeRunningThresholdExceeded"}
#: Rerun behavior of the codes ``run`` forces when the spec does not name them: a config
#: that is invalid (247) or an addon that cannot be applied (33) fails the same way again.
FORCED_BEHAVIORS = {236: "UNKNOWN", 247: "PERMANENT", 33: "PERMANENT", 248: "UNKNOWN"}


class Notes:
    """Lines for runtime.log; collected first so our own lines never enter the
    platform log we are about to search.

    Why a sink and not the file: runtime.log belongs to the supervisor (its format, its
    file descriptor, what happens when the disk is full); the exit-spec code only says
    what it has to say, through the ``say`` callable the supervisor hands to
    :func:`finish`. Without one (a caller outside the job container) lines go to stderr.
    """

    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, text: str) -> None:
        self.lines.append(text)

    def flush(self, say: Callable[[str], None] | None) -> None:
        from pai_runtime import redact

        for line in self.lines:
            text = redact.scrub(f"exit-spec: {line}")
            try:
                if say is not None:
                    say(text)
                else:
                    os.write(2, f"pai-runtime: {text}\n".encode("utf-8", "replace"))
            except Exception:  # noqa: BLE001 - a note must never cost the job its exit code
                pass
        self.lines = []


def spec_candidates(layout: Any, settings: dict[str, Any]) -> list[Path]:
    """Where the job container looks: init's validated copy, then the configured path,
    then the config dir, then the shipped default."""
    from pathlib import Path

    from pai_runtime.exitspec.spec import SPEC_FILE, shipped_spec_path

    out = [Path(layout.runtime_dir) / SPEC_FILE]
    if settings.get("exitSpec"):
        p = Path(str(settings["exitSpec"]))
        out.append(p if p.is_absolute() else Path(layout.config_dir) / p)
    out += [Path(layout.config_dir) / SPEC_FILE, Path(shipped_spec_path())]
    return out


def load_spec(layout: Any, settings: dict[str, Any], notes: Notes) -> Any:
    from pathlib import Path

    from pai_runtime.errors import PaiError
    from pai_runtime.exitspec.spec import SPEC_FILE, ExitSpec, load_file

    for path in spec_candidates(layout, settings):
        if not path.is_file():
            continue
        if path.name == SPEC_FILE and path.parent == Path(layout.runtime_dir):
            from pai_runtime.exitspec import cache

            cached = cache.load(path)  # init's validated copy: no second validation
            if cached is not None:
                return cached
        try:
            return load_file(path)
        except PaiError as exc:
            notes.add(f"exit spec unusable, trying the next one: {exc.line()}")
    notes.add("no usable exit spec: every failure is classified with the default code 255")
    return ExitSpec(entries=[], source="(none)", phrases={255: "PAIRuntimeUnknownFailed"})


def _window(settings: dict[str, Any], notes: Notes) -> int:
    from pai_runtime.exitspec.logtail import DEFAULT_WINDOW
    from pai_runtime.units import parse_size

    raw = (settings.get("logs") or {}).get("searchWindow") if isinstance(settings.get("logs"), dict) else None
    try:
        return DEFAULT_WINDOW if raw is None else parse_size(raw, minimum=1, what="logs.searchWindow")
    except ValueError as exc:
        notes.add(f"logs.searchWindow: {exc}; using {DEFAULT_WINDOW} bytes")
        return DEFAULT_WINDOW


def write_info(info: dict[str, Any], layout: Any, notes: Notes, keep_end: dict[str, bool] | None = None) -> None:
    """Render the exit info and write it. Secrets are masked in the text *before* it is
    escaped and cut: as YAML a value with a quote, a backslash or a newline (a PEM key)
    no longer appears verbatim, and a cut could leave half of one."""
    from pai_runtime import redact
    from pai_runtime.exitspec import message

    write_message(message.render(redact.scrub_tree(info), keep_end), layout, notes)


def write_message(data: bytes, layout: Any, notes: Notes) -> None:
    """Write the message to the termination path and the log dir. Secrets are masked
    again on the bytes, outside the message's keys and markers (message.scrub_message):
    ``***`` is never longer than a masked value (secrets have at least 4 characters), so
    the 4096-byte bound holds."""
    if data is SUCCESS_MESSAGE:  # fixed text: nothing to mask, and no `re` on the success path
        for text in write_success(layout):
            notes.add(text)
        return
    from pai_runtime.exitspec import message

    data = message.scrub_message(data)
    # strings: a Layout field may be a str or a Path
    targets = [os.fspath(layout.termination_log), os.path.join(layout.log_dir, "termination-log")]
    for t in targets:
        try:
            overwrite(t, data)
        except OSError as exc:
            notes.add(f"cannot write the termination message to {t}: {exc.strerror or exc}")


def finish(exit_code: int, *, layout: Any, settings: dict[str, Any] | None, runtime_log: str | Path | None,
           forced: tuple[int, str] | None = None, attempt: Any = None,
           report: Callable[[list[str]], None] | None = None,
           say: Callable[[str], None] | None = None, user_tail: bytes | None = None) -> int:
    """``attempt``: this run's :class:`~pai_runtime.exitspec.attempt.Attempt` (only its
    output is classified); ``report``: gets the summary block of a failed run (stderr);
    ``user_tail``: the supervisor's in-memory tail of this attempt's output, given when
    the log disk lost bytes (full, failing): it is searched instead of the user-all files,
    so a full disk never changes the verdict;
    ``say``: the supervisor's runtime.log sink for our notes; ``runtime_log`` is only read
    (it is the platform log the spec searches)."""
    notes = Notes()
    settings = settings if isinstance(settings, dict) else {}
    try:
        code = int(exit_code)
    except (TypeError, ValueError):
        code = 255
        notes.add(f"exit code {exit_code!r} is not an integer; reporting 255")
    if code < 0:  # Popen-style -N: killed by signal N
        from pai_runtime.errors import signal_exit_code

        code = signal_exit_code(-code)
    if code > 255:
        notes.add(f"exit code {code} is outside 0-255; reporting 255")
        code = 255
    if forced is not None:
        fcode = forced[0] if isinstance(forced, tuple) and len(forced) == 2 else None
        if isinstance(fcode, bool) or not isinstance(fcode, int) or not 1 <= fcode <= 255:
            notes.add(f"ignoring an invalid forced exit code {forced!r}")
            forced = None
    if code == 0 and forced is None:
        write_message(SUCCESS_MESSAGE, layout, notes)
        notes.flush(say)
        return 0
    result = code
    try:
        result = _classify(code, layout, settings, runtime_log, forced, notes, attempt, report, user_tail)
    except BaseException as exc:  # noqa: BLE001 - the user's code must survive our bug
        notes.add(f"classification failed ({type(exc).__name__}: {exc}); keeping the user's exit code {code}")
        import traceback

        notes.add("traceback: " + traceback.format_exc().replace("\n", " | ")[:2000])
        result = code
        try:
            info = {"exitCode": code, "originUserExitCode": code,
                    "reason": f"classification failed: {type(exc).__name__}"}
            write_info(info, layout, notes)
        except BaseException:  # noqa: BLE001
            pass
    if result == 0 and code != 0:  # never report a failure as success
        result = code
    notes.flush(say)
    return result


def _classify(code: int, layout: Any, settings: dict[str, Any], runtime_log: str | Path | None,
              forced: tuple[int, str] | None, notes: Notes, attempt: Any = None,
              report: Callable[[list[str]], None] | None = None, user_tail: bytes | None = None) -> int:
    from pathlib import Path

    from pai_runtime.exitspec import ecc, exitinfo, message
    from pai_runtime.exitspec.classify import Verdict, classify
    from pai_runtime.exitspec.logtail import read_tail

    window = _window(settings, notes)
    user_dir = Path(layout.log_dir) / "user-all"
    limit = since = None
    if attempt is not None:
        from pai_runtime.exitspec.attempt import user_bytes

        limit, since = user_bytes(user_dir, attempt), attempt.platform_offset
    if user_tail is not None:
        from pai_runtime.exitspec.logtail import LogTail

        user = LogTail(data=user_tail[-window:], path=str(user_dir / "current"), found=True)
        notes.add(f"the log files lost bytes of this attempt's output: searching the last {len(user.data)} "
                  "bytes of it kept in memory instead")
    else:
        user = read_tail(user_dir, window, rotated=True, limit=limit)
    platform = read_tail(runtime_log, window, rotated=True, since=since)
    for note in user.notes + platform.notes:
        notes.add(note)
    spec = load_spec(layout, settings, notes)
    if forced is not None:
        fcode, reason = forced
        phrase = spec.phrase(fcode) or FORCED_PHRASES.get(fcode)
        behavior = spec.behavior(fcode) or FORCED_BEHAVIORS.get(fcode, "UNKNOWN")
        verdict = Verdict(exit_code=fcode, origin_user_exit_code=code, phrase=phrase, reason=str(reason)[:512],
                          behavior=behavior)
    else:
        def gpu() -> bool | None:
            fact = ecc.query()
            notes.add(f"GPU ECC fact: {'unknown' if fact.value is None else fact.value} ({fact.reason})")
            return fact.value

        verdict = classify(spec, code, user, platform, gpu)
    info, keep_end = exitinfo.build(verdict, user.data, platform.data)
    write_info(info, layout, notes, keep_end)
    how = (f"forced: {verdict.reason}" if forced is not None else
           f"matched {verdict.entry.label()} pattern {verdict.pattern.index}" if verdict.entry and verdict.pattern
           else "no entry matched (spec default)")
    notes.add(f"user exit code {code} -> {verdict.exit_code} {verdict.phrase or ''} ({how}; spec {spec.source}; "
              f"retry {info.get('retry')})")
    if report is not None:
        from pai_runtime import redact
        from pai_runtime.exitspec import summary

        logs = [f"{user_dir}/current (this attempt's output" + (f", attempt {attempt.number})" if attempt else ")"),
                f"{runtime_log} (the runtime's own log)" if runtime_log else "",
                f"{Path(layout.log_dir) / 'termination-log'} (the termination message)"]
        why = ("forced" if forced is not None else
               "no exit spec entry matched; the code is the spec's default" if verdict.entry is None else how)
        try:
            line = (summary.line_at(user.data, verdict.user_span)
                    or summary.line_at(platform.data, verdict.platform_span))
            report(summary.lines(message.fit(redact.scrub_tree(info), keep_end), how=why, logs=[x for x in logs if x],
                                 attempt=attempt.number if attempt else None,
                                 matched_line=redact.scrub(line) if line else None))
        except Exception as exc:  # noqa: BLE001 - the summary must never change the code
            notes.add(f"cannot print the summary: {type(exc).__name__}: {exc}")
    return verdict.exit_code

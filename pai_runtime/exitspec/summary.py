"""Retry advice, and the block a failed run ends with on stderr.

Why a block on stderr: ``kubectl logs`` shows the job container's console, and that is
where people look first; the diagnosis in runtime.log and the termination message is
found only by those who know where to look. Like torchrun's root-cause summary, the last
lines of a failed run say the code and phrase, the line that decided it, the reason,
where the logs are and whether a retry can help.

Why the retry advice has one home: OpenPAI's job exit spec gives each code a rerun
``behavior`` (TRANSIENT, TRANSIENT_CONFLICT, PERMANENT, UNKNOWN) that FrameworkController
acts on; the termination message, ``classify --json`` and ``spec k8s-policy`` all derive
``retry`` from it here, so they cannot disagree.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` costs the PID-1 path milliseconds; annotations are strings
    from typing import Any

BEHAVIORS = ("TRANSIENT", "TRANSIENT_CONFLICT", "PERMANENT", "UNKNOWN")
RETRY = {"TRANSIENT": "transient", "TRANSIENT_CONFLICT": "transient", "PERMANENT": "permanent",
         "UNKNOWN": "unknown"}
ADVICE = {
    "TRANSIENT": "transient: a retry can help (the cause is outside the job's input)",
    "TRANSIENT_CONFLICT": "transient: a retry after a back-off can help (resources were taken)",
    "PERMANENT": "permanent: a retry with the same input fails the same way; fix the cause first",
    "UNKNOWN": "unknown: a retry may help; retried up to the job's retry limit",
}
RULE = "=" * 72
#: Longest matched line shown (the full string is in the termination message).
MAX_SHOWN = 300


def retry_of(behavior: str | None) -> str:
    """``transient`` / ``permanent`` / ``unknown`` for a spec ``behavior`` (absent: unknown)."""
    return RETRY.get(behavior or "UNKNOWN", "unknown")


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    line = lines[0] if lines else ""
    return line if len(line) <= MAX_SHOWN else line[:MAX_SHOWN] + " ..."


def line_at(data: bytes, span: tuple[int, int] | None) -> str | None:
    """The whole line of ``data`` that holds ``span``'s start (at most 4 KiB of it)."""
    if span is None:
        return None
    s = span[0]
    start = data.rfind(b"\n", max(0, s - 4096), s) + 1 or max(0, s - 4096)
    end = data.find(b"\n", s, s + 4096)
    end = min(len(data), s + 4096) if end < 0 else end
    return data[start:end].decode("utf-8", "replace")


def lines(info: dict[str, Any], *, how: str, logs: list[str], attempt: int | None = None,
          matched_line: str | None = None) -> list[str]:
    """The block's lines (no newlines) for a failed run's exit info; ``matched_line`` is the
    whole log line the match is in (the exit info holds only the matched text)."""
    code = info.get("exitCode")
    phrase = info.get("phrase") or ""
    user = info.get("originUserExitCode")
    out = [RULE, f"pai-runtime: the job failed: exit code {code} {phrase}".rstrip()]
    what = f"exited with code {user}" if user is not None else "failed"
    if attempt is not None:
        what += f" (attempt {attempt} in this log dir)"
    out.append(f"  user command: {what}")
    matched = matched_line or info.get("matchedUserLogString") or info.get("matchedPlatformLogString")
    if isinstance(matched, str) and matched.strip():
        out.append(f"  matched line: {_one_line(matched)}")
    else:
        out.append(f"  matched line: none ({how})")
        tail = (info.get("errorLogs") or {}).get("user") if isinstance(info.get("errorLogs"), dict) else None
        if isinstance(tail, str) and tail.strip():
            out.append(f"  last line:    {_one_line(tail.strip().splitlines()[-1])}")
    if info.get("reason"):
        out.append(f"  reason:       {_one_line(str(info['reason']))}")
    behavior = info.get("behavior")
    out.append(f"  retry:        {ADVICE.get(behavior or 'UNKNOWN', ADVICE['UNKNOWN'])}")
    for i, where in enumerate(logs):
        out.append(f"  {'logs:' if i == 0 else '':<13} {where}")
    out.append(RULE)
    return out

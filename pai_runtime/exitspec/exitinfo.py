"""Turn a verdict and the log tails into the exit info record (before truncation).

Why context lines: the exit code says *what*, the few lines around the match say *why*
to the person reading ``kubectl describe pod``. Around a match we keep a few lines before
it and fill the rest after it (more before it when the log ends soon after the match: the
cause is usually above a launcher's closing line); with no match, the tail of the log. Work is bounded: only
a few KiB around the match are ever decoded.
"""

from __future__ import annotations

from pai_runtime.exitspec.classify import Span, Verdict
from pai_runtime.exitspec.message import cap_match
from pai_runtime.exitspec.summary import retry_of

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` costs the job container's exit milliseconds; annotations are strings
    from typing import Any

#: Bytes decoded around a match or at the tail (as OpenPAI: 4096 - markers).
REGION = 4048
USER_LINES = 15
PLATFORM_LINES = 10
LINES_BEFORE = 3


def _decode(raw: bytes) -> str:
    """Text of a log region, secrets masked before any line or length cut can split one."""
    from pai_runtime import redact

    return redact.scrub(raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n"))


def context(data: bytes, span: Span | None, max_lines: int) -> str:
    """A few lines around ``span``, or the last lines when there is no match."""
    if not data:
        return ""
    n = len(data)
    if span is None:
        start = max(0, n - REGION)
        lines = _decode(data[start:]).rstrip("\n").split("\n")
        if start > 0 and len(lines) > 1:
            lines = lines[1:]  # the first one is cut mid-line
        return "\n".join(lines[-max_lines:])
    s, e = span
    lo = max(0, s - REGION)
    hi = min(n, max(e, s) + REGION)
    before = _decode(data[lo:s]).split("\n")
    if lo > 0 and len(before) > 1:
        before = before[1:]
    after = _decode(data[s:hi]).rstrip("\n").split("\n")
    if hi < n and len(after) > 1:
        after = after[:-1]
    rest = after[1:]
    # at least LINES_BEFORE lines before the match; when the log ends soon after it (a launcher's
    # summary, a title line), the lines before it fill the budget: the root cause is usually above
    head = before[:-1][-max(LINES_BEFORE, max_lines - 1 - len(rest)):]
    first = before[-1] + after[0]
    lines = head + [first] + rest
    return "\n".join(lines[: max_lines])


def matched(data: bytes, span: Span | None) -> str | None:
    if span is None:
        return None
    s, e = span
    return cap_match(_decode(data[s:min(e, s + 4 * 2048)]))


def build(verdict: Verdict, user: bytes, platform: bytes) -> tuple[dict[str, Any], dict[str, bool]]:
    """The exit info fields in the order people read them, and which context keeps its end."""
    info: dict[str, Any] = {"exitCode": verdict.exit_code}
    if verdict.phrase:
        info["phrase"] = verdict.phrase
    behavior = verdict.behavior or "UNKNOWN"
    info["behavior"] = behavior
    info["retry"] = retry_of(behavior)
    info["originUserExitCode"] = verdict.origin_user_exit_code
    if verdict.reason:
        info["reason"] = verdict.reason
    mu = matched(user, verdict.user_span)
    if mu is not None:
        info["matchedUserLogString"] = mu
    mp = matched(platform, verdict.platform_span)
    if mp is not None:
        info["matchedPlatformLogString"] = mp
    if verdict.gpu_ecc is not None:
        info["matchedGpuInfo"] = {"nvidiaDoubleEccError": verdict.gpu_ecc}
    logs: dict[str, str] = {}
    u = context(user, verdict.user_span, USER_LINES)
    if u:
        logs["user"] = u
    p = context(platform, verdict.platform_span, PLATFORM_LINES)
    if p:
        logs["platform"] = p
    if logs:
        info["errorLogs"] = logs
    keep_end = {"user": verdict.user_span is None, "platform": verdict.platform_span is None}
    return info, keep_end

"""One HTTP retry policy for the clients that talk to a server from the init container
(the Kubernetes API client in kube/, the registry client in registry/).

Why one module: both clients must honour ``Retry-After`` the same way, describe a failed
connection in the same short secret-free words, back off with the same jitter, and never
wait past their deadline or after a cancel; two copies of this drifted (two parsers, one
ignoring HTTP dates in the past, two describers, two jitters). What stays in each client
is what differs: which answers are worth another try, and how many.

* :func:`parse_retry_after` / :func:`retry_after`: delta-seconds (also fractional, as
  some proxies send), an HTTP date (naive dates are UTC; a date in the past is 0), or the
  Kubernetes ``Status`` body's ``details.retryAfterSeconds`` when the header is absent.
* :func:`describe_error`: one line for a ``requests`` failure, naming the fact to act on.
* :func:`backoff`: full-jitter exponential backoff (uniform in 0..min(cap, base*2**n)),
  which spreads a crowd of clients better than equal jitter.
* :func:`retrying`: a ``tenacity.Retrying`` whose waits are clipped to a deadline and
  interrupted by a cancel event. ``tenacity`` is imported only when a request is retried.
"""

from __future__ import annotations

import datetime as _dt
import email.utils
import random
import re
import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

_rng = random.Random()


# -- Retry-After --------------------------------------------------------------------------------
def parse_retry_after(value: str | None, *, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` value (delta-seconds or HTTP date);
    ``None`` if absent or unparsable; a date in the past (or a negative number) is 0."""
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    if text.isdigit():
        return float(text)
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return max(0.0, seconds) if seconds == seconds else None  # NaN is no answer
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def retry_after(headers: Any, body: Any = None) -> float | None:
    """The header's answer, else a Kubernetes ``Status`` body's ``details.retryAfterSeconds``
    (kube-apiserver sends both for 429; some proxies drop the header)."""
    value = headers.get("Retry-After") if headers is not None else None
    seconds = parse_retry_after(value)
    if seconds is not None:
        return seconds
    details = body.get("details") if isinstance(body, dict) else None
    detail = details.get("retryAfterSeconds") if isinstance(details, dict) else None  # "oops" is no answer
    if isinstance(detail, (int, float)) and not isinstance(detail, bool) and detail >= 0:
        return float(detail)
    return None


# -- describing a failed request ------------------------------------------------------------------
def describe_error(exc: BaseException, *, peer: str = "the server", tls_fix: str = "give the right CA bundle",
                   proxy_of: Callable[[str], str | None] | None = None) -> str:
    """A short, secret-free reason for a failed request: the fact an operator acts on,
    not urllib3's nested repr of its connection pool. ``peer`` names the other side in
    the words of the caller ("the registry"), ``tls_fix`` says what fixes an untrusted
    certificate there, ``proxy_of(url)`` tells which proxy a URL went through."""
    import requests

    text = str(exc)
    low = text.lower()
    if isinstance(exc, requests.exceptions.SSLError):
        return _tls_reason(text, tls_fix)
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "connect timeout"
    if isinstance(exc, requests.exceptions.ReadTimeout):
        return "read timeout"
    if isinstance(exc, requests.exceptions.ProxyError):
        return _proxy_reason(exc, text, peer, proxy_of)
    if isinstance(exc, requests.exceptions.ConnectionError):
        if "name or service not known" in low or "nameresolution" in low or "temporary failure in name" in low:
            return _dns_reason(exc, text, peer)
        if "refused" in low:
            return "connection refused"
        if "reset" in low:
            return "connection reset"
        if "remotedisconnected" in low or "closed connection without response" in low:
            return f"{peer} closed the connection without answering"
        if "timed out" in low:
            return "timed out"
        return "connection error: " + _short(text)
    if isinstance(exc, requests.exceptions.Timeout) or "timed out" in low:
        return "timed out"
    return f"{type(exc).__name__}: {_short(text)}"


def _tls_reason(text: str, fix: str) -> str:
    """Name the TLS failure; all of them are configuration (CA bundle, insecure list)."""
    verify = re.search(r"certificate verify failed: ([^(')\"]+)", text)
    if verify or "CERTIFICATE_VERIFY_FAILED" in text:
        detail = f" ({verify.group(1).strip()})" if verify else ""
        return f"TLS error: certificate not trusted{detail}; a configuration problem: {fix}"
    ssl = re.search(r"\[SSL: (\w+)\] ([^(')\"]+)", text)
    if ssl and ssl.group(1) == "WRONG_VERSION_NUMBER":
        return "TLS error: the server does not speak TLS (plain http? then list it as insecure)"
    return "TLS error (a configuration problem): " + (f"{ssl.group(2).strip()}" if ssl else _short(text))


def _proxy_reason(exc: BaseException, text: str, peer: str, proxy_of: Callable[[str], str | None] | None) -> str:
    """"proxy error via http://proxy:port: what the proxy (or reaching it) said"."""
    request = getattr(exc, "request", None)
    url = getattr(request, "url", "") or ""
    via = proxy_of(url) if (proxy_of is not None and request is not None) else None
    tunnel = re.search(r"Tunnel connection failed: ([^'\")]+)", text)
    if tunnel:
        why = f"the proxy could not open a tunnel to {peer} ({tunnel.group(1).strip()})"
    elif "Unable to connect to proxy" in text:
        why = "cannot connect to the proxy" + (" (connection refused)" if "refused" in text.lower() else "")
    else:
        why = _short(text)
    return f"proxy error{f' via {via}' if via else ''}: {why}"


def _dns_reason(exc: BaseException, text: str, peer: str) -> str:
    """"DNS error: cannot resolve HOST (resolver's words)"."""
    request = getattr(exc, "request", None)
    host = urlsplit(getattr(request, "url", "") or "").hostname or f"{peer}'s host"
    why = re.search(r"\[Errno -?\d+\] ([^)'\"]+)", text)
    return f"DNS error: cannot resolve {host}" + (f" ({why.group(1).strip()})" if why else "")


def _short(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


# -- waiting ---------------------------------------------------------------------------------------
def backoff(attempt: int, *, base: float = 0.5, cap: float = 10.0, rng: random.Random | None = None) -> float:
    """Full-jitter exponential backoff for retry number ``attempt`` (0 = the first)."""
    ceiling = min(cap, base * (2 ** min(max(attempt, 0), 30)))
    return (rng or _rng).uniform(0.0, ceiling)


def retrying(*, deadline: float, cancelled: threading.Event, retry_if: Callable[[Any], bool],
             wait: Callable[[Any, int], float], cancelled_error: Callable[[], BaseException],
             stop: Callable[[Any, int, float], bool] | None = None,
             before_sleep: Callable[[Any, int, float], None] | None = None) -> Any:
    """A ``tenacity.Retrying`` for one request: the attempt returns a result, which is
    tried again while ``retry_if(result)``; ``wait(result, attempt_number)`` says how
    long first; ``stop(result, attempt_number, upcoming_sleep)`` ends it early (the last
    result is returned, not raised). Every wait is cut at ``deadline`` (a
    ``time.monotonic()`` value) and a set ``cancelled`` raises ``cancelled_error()``;
    exceptions of the attempt propagate unchanged."""
    import tenacity

    def _wait(state: tenacity.RetryCallState) -> float:
        return max(0.0, wait(state.outcome.result(), state.attempt_number))  # type: ignore[union-attr]

    def _stop(state: tenacity.RetryCallState) -> bool:
        if stop is None:
            return False
        return stop(state.outcome.result(), state.attempt_number, state.upcoming_sleep)  # type: ignore[union-attr]

    def _before_sleep(state: tenacity.RetryCallState) -> None:
        if before_sleep is not None:
            before_sleep(state.outcome.result(), state.attempt_number, state.upcoming_sleep)  # type: ignore[union-attr]

    def _sleep(seconds: float) -> None:
        seconds = min(seconds, max(0.0, deadline - time.monotonic()))
        if cancelled.is_set() or (seconds > 0 and cancelled.wait(seconds)):
            raise cancelled_error()

    return tenacity.Retrying(retry=tenacity.retry_if_result(retry_if), wait=_wait, stop=_stop, sleep=_sleep,
                             before_sleep=_before_sleep, retry_error_callback=lambda state: state.outcome.result(),
                             reraise=True)

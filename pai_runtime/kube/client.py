"""GET, list and watch against the Kubernetes API with one error policy.

Why this policy (api-conventions "HTTP Status codes"): 429 and 5xx are the server asking
us to come back later (``Retry-After`` when it says when, exponential backoff with jitter
otherwise); connection errors and timeouts are the same; 401 is retried only when the
token file changed on disk since the request was made (rotation), otherwise the token is
simply refused; 403, 404 and other 4xx are permanent (retrying cannot fix RBAC or a
missing object); 410 means "re-list" and is left to the caller. Every request carries a
connect and a read timeout, and nothing waits past the overall ``deadline``.
"""

from __future__ import annotations

import email.utils
import json
import random
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from pai_runtime.kube.connection import Connection


class KubeError(Exception):
    pass


class StatusError(KubeError):
    """The API server answered with a failure ``Status`` (or the ERROR event of a watch)."""

    def __init__(self, code: int, status: dict[str, Any], *, verb: str, path: str) -> None:
        self.code = int(code)
        self.status = status
        self.reason = str(status.get("reason") or "")
        self.message = str(status.get("message") or "")
        self.details = status.get("details") or {}
        self.verb = verb
        self.path = path
        super().__init__(f"{self.code} {self.reason}: {self.message}")


class Unreachable(KubeError):
    """The deadline passed while the API server was unreachable or kept asking us to wait."""

    def __init__(self, last_error: str) -> None:
        super().__init__(last_error)
        self.last_error = last_error


class TLSFailure(KubeError):
    """The server's certificate is not trusted: retrying cannot help."""


class Cancelled(KubeError):
    pass


class WatchBroken(KubeError):
    """A watch stream broke mid-way (connection reset, read timeout): resume it."""


def _retry_after(headers: Any, body: dict[str, Any]) -> float | None:
    value = headers.get("Retry-After") if headers is not None else None
    if value:
        value = value.strip()
        if value.isdigit():
            return float(value)
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            when = None
        if when is not None:
            return max(0.0, when.timestamp() - time.time())
    seconds = (body.get("details") or {}).get("retryAfterSeconds") if isinstance(body, dict) else None
    if isinstance(seconds, (int, float)) and seconds >= 0:
        return float(seconds)
    return None


def _status_of(resp: Any) -> dict[str, Any]:
    try:
        body = resp.json()
    except ValueError:
        body = None
    if isinstance(body, dict) and body.get("kind") == "Status":
        return body
    text = (resp.text or "").strip().splitlines()
    return {"reason": resp.reason or "", "message": text[0][:300] if text else (resp.reason or "")}


def describe_exception(exc: BaseException) -> str:
    """A one-line cause for a connection-level failure (no URL noise, no traceback)."""
    text = str(exc)
    for marker in ("Caused by ", "Failed to establish a new connection: "):
        if marker in text:
            text = text.split(marker, 1)[1]
    text = text.strip("()' ")
    if "Connection refused" in text:
        return "connection refused"
    if "timed out" in text.lower():
        return "timed out"
    if "RemoteDisconnected" in text or "closed connection without response" in text:
        return "the server closed the connection without answering"
    if "Name or service not known" in text or "Temporary failure in name resolution" in text:
        return "the host name does not resolve"
    return f"{type(exc).__name__}: {text[:200]}"


class Client:
    """One API server, one overall deadline (``time.monotonic()`` value)."""

    def __init__(self, conn: Connection, *, deadline: float, cancelled: threading.Event | None = None,
                 on_wait: Callable[[str, float], None] | None = None, connect_timeout: float = 5.0,
                 read_timeout: float = 30.0, backoff_base: float = 0.5, backoff_cap: float = 10.0) -> None:
        import requests

        self.conn = conn
        self.deadline = deadline
        self.cancelled = cancelled or threading.Event()
        self.on_wait = on_wait
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.session = requests.Session()
        self.session.headers["Accept"] = "application/json"
        self.session.headers["User-Agent"] = "pai-runtime-barrier"
        self.requests_made = 0
        self.last_error = ""

    def close(self) -> None:
        self.session.close()

    def left(self) -> float:
        return self.deadline - time.monotonic()

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (never past the deadline); wakes on cancellation."""
        seconds = min(seconds, max(0.0, self.left()))
        if seconds > 0 and self.cancelled.wait(seconds):
            raise Cancelled("cancelled")

    def _backoff(self, attempt: int) -> float:
        d = min(self.backoff_cap, self.backoff_base * (2 ** min(attempt, 16)))
        return d / 2 + random.uniform(0, d / 2)

    def _request(self, path: str, params: dict[str, Any] | None, *, verb: str, stream: bool = False,
                 read_timeout: float | None = None, method: str = "GET", body: Any = None) -> Any:
        import requests

        url = self.conn.server + path
        attempt = 0
        while True:
            if self.cancelled.is_set():
                raise Cancelled("cancelled")
            left = self.left()
            if left <= 0:
                raise Unreachable(self.last_error or "the deadline passed before the API server answered")
            token = self.conn.token()
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            timeout = (min(self.connect_timeout, left), max(0.1, min(read_timeout or self.read_timeout, left)))
            try:
                resp = self.session.request(method, url, params=params, headers=headers, timeout=timeout,
                                            stream=stream, verify=self.conn.verify, cert=self.conn.client_cert,
                                            json=body)
            except requests.exceptions.SSLError as exc:
                raise TLSFailure(describe_exception(exc)) from None
            except (requests.exceptions.ConnectionError, requests.exceptions.Timeout) as exc:
                self.requests_made += 1
                self.last_error = describe_exception(exc)
                delay = self._backoff(attempt)
                attempt += 1
                self._wait(delay)
                continue
            self.requests_made += 1
            if resp.status_code < 300:
                return resp
            status = _status_of(resp)
            resp.close()
            code = resp.status_code
            if code == 401 and self.conn.token_file is not None:
                fresh = self.conn.token()
                if fresh != token:
                    attempt += 1
                    continue
            if code == 429 or code >= 500:
                self.last_error = f"HTTP {code} {status.get('reason') or ''}: {status.get('message') or ''}".strip()
                ra = _retry_after(resp.headers, status)
                delay = ra if ra is not None else self._backoff(attempt)
                attempt += 1
                self._wait(delay)
                continue
            raise StatusError(code, status, verb=verb, path=path)

    def _wait(self, delay: float) -> None:
        if self.on_wait is not None:
            self.on_wait(self.last_error, delay)
        self.sleep(delay)

    def get(self, path: str, params: dict[str, Any] | None = None, *, verb: str = "get") -> dict[str, Any]:
        resp = self._request(path, params, verb=verb)
        try:
            return resp.json()
        except ValueError:
            raise KubeError(f"the API server answered {path} with something that is not JSON") from None

    def create(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        """POST ``obj`` to the collection ``path``; 409 AlreadyExists raises :class:`StatusError`."""
        return self._json(self._request(path, None, verb="create", method="POST", body=obj), path)

    def replace(self, path: str, obj: dict[str, Any]) -> dict[str, Any]:
        """PUT ``obj`` to the object ``path`` (conditional when it carries
        ``metadata.resourceVersion``: a stale one is 409 Conflict)."""
        return self._json(self._request(path, None, verb="update", method="PUT", body=obj), path)

    @staticmethod
    def _json(resp: Any, path: str) -> dict[str, Any]:
        try:
            return resp.json()
        except ValueError:
            raise KubeError(f"the API server answered {path} with something that is not JSON") from None

    def watch(self, path: str, params: dict[str, Any], *, timeout_seconds: int) -> Iterator[dict[str, Any]]:
        """Events of one watch request; ends when the server ends the stream. An ERROR
        event raises :class:`StatusError`; a broken stream raises :class:`WatchBroken`."""
        import requests

        params = {**params, "watch": "true", "timeoutSeconds": str(int(timeout_seconds))}
        resp = self._request(path, params, verb="watch", stream=True, read_timeout=timeout_seconds + 5)
        try:
            for line in resp.iter_lines(chunk_size=65536):
                if self.cancelled.is_set():
                    raise Cancelled("cancelled")
                if not line:
                    continue
                try:
                    event = json.loads(line)
                except ValueError:
                    raise WatchBroken("the watch stream carried a line that is not JSON") from None
                if event.get("type") == "ERROR":
                    obj = event.get("object") or {}
                    raise StatusError(int(obj.get("code") or 500), obj, verb="watch", path=path)
                yield event
        except (requests.exceptions.ConnectionError, requests.exceptions.ChunkedEncodingError,
                requests.exceptions.Timeout) as exc:
            self.last_error = describe_exception(exc)
            raise WatchBroken(self.last_error) from None
        finally:
            resp.close()

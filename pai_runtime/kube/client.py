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

import json
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from pai_runtime import http
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
    """A one-line cause for a connection-level failure (pai_runtime.http's describer)."""
    return http.describe_error(exc, peer="the API server", tls_fix="check the CA and the server address")


class _Again:
    """An answer worth another try: wait ``delay`` (None = backoff) first."""

    def __init__(self, delay: float | None) -> None:
        self.delay = delay


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

    def backoff(self, attempt: int) -> float:
        """The shared full-jitter backoff with this client's base and cap."""
        return http.backoff(attempt, base=self.backoff_base, cap=self.backoff_cap)

    def _request(self, path: str, params: dict[str, Any] | None, *, verb: str, stream: bool = False,
                 read_timeout: float | None = None, method: str = "GET", body: Any = None) -> Any:
        import requests

        url = self.conn.server + path

        def attempt() -> Any:
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
                return _Again(None)
            self.requests_made += 1
            if resp.status_code < 300:
                return resp
            status = _status_of(resp)
            resp.close()
            code = resp.status_code
            if code == 401 and self.conn.token_file is not None and self.conn.token() != token:
                return _Again(0.0)  # the kubelet rotated the token: at once with the new one
            if code == 429 or code >= 500:
                self.last_error = f"HTTP {code} {status.get('reason') or ''}: {status.get('message') or ''}".strip()
                return _Again(http.retry_after(resp.headers, status))
            raise StatusError(code, status, verb=verb, path=path)

        def wait(r: _Again, attempt_number: int) -> float:
            return r.delay if r.delay is not None else self.backoff(attempt_number - 1)

        def before_sleep(r: _Again, attempt_number: int, delay: float) -> None:
            if delay > 0 and self.on_wait is not None:
                self.on_wait(self.last_error, delay)

        # no attempt cap: the API server asked us to come back; the deadline ends it (Unreachable)
        retrying = http.retrying(deadline=self.deadline, cancelled=self.cancelled,
                                 retry_if=lambda r: isinstance(r, _Again), wait=wait, before_sleep=before_sleep,
                                 cancelled_error=lambda: Cancelled("cancelled"))
        return retrying(attempt)

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

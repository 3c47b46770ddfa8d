"""Bounded, retried HTTP requests to one registry check's endpoints.

Why a layer of its own: every request must have connect/read timeouts clipped to the
check's deadline, and a transient answer (429, 408, 5xx, timeout, connection reset,
DNS) must be retried *for that step only*, so a token already obtained is kept. Waits
honour ``Retry-After`` (delta-seconds or an HTTP date, capped) and otherwise use
exponential backoff with full jitter, as tenacity computes them; no wait outlasts the
deadline (the step gives up instead, and the check says "unknown"). Every attempt is
counted, because "requests per check" is what a rate-limited registry cares about.
"""

from __future__ import annotations

import ipaddress
import random
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from pai_runtime import http
from pai_runtime.http import parse_retry_after

__all__ = ["parse_retry_after", "describe_error"]  # parse_retry_after: importable from here as before

#: Statuses worth another try: the registry (or a proxy) is busy or briefly broken.
RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
#: Manifest types a pull accepts; without them distribution answers 404 for OCI images.
MANIFEST_TYPES = (
    "application/vnd.oci.image.index.v1+json",
    "application/vnd.oci.image.manifest.v1+json",
    "application/vnd.docker.distribution.manifest.list.v2+json",
    "application/vnd.docker.distribution.manifest.v2+json",
)
ACCEPT = ", ".join(MANIFEST_TYPES)
USER_AGENT = "pai-runtime-image-check"
MAX_BODY = 1 << 20


@dataclass
class Options:
    """Knobs of one check; defaults suit a cluster's init container."""

    deadline: float = 60.0
    connect_timeout: float = 5.0
    read_timeout: float = 15.0
    insecure_registries: tuple[str, ...] = ()
    ca_bundle: str | None = None
    mirrors: tuple[str, ...] = ()
    #: ``Retry-After`` longer than this is cut to it.
    retry_after_cap: float = 30.0
    #: full-jitter backoff: uniform(0, min(backoff_cap, backoff_base * 2**n))
    backoff_base: float = 0.5
    backoff_cap: float = 10.0
    #: attempts per step for 5xx, 408, timeouts and connection errors (429 is retried
    #: until the deadline: the registry asked us to wait, not to give up)
    transient_attempts: int = 4
    #: attempts per step for 429 (each one is a request the registry must absorb)
    throttled_attempts: int = 60


class Deadline:
    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self.end - time.monotonic())

    @property
    def expired(self) -> bool:
        return self.remaining() <= 0.0


class Cancelled(Exception):
    """The check's deadline passed or its caller asked it to stop."""


def describe_error(exc: BaseException) -> str:
    """A short, secret-free reason for a failed request (pai_runtime.http's describer,
    in the registry's words)."""
    return http.describe_error(exc, peer="the registry", proxy_of=proxy_for,
                               tls_fix="give a CA bundle, or list the registry as insecure")


def check_mirror(url: str) -> str:
    """A Docker Hub mirror as given (``https://mirror.example.com`` or ``HOST[:PORT]``),
    or :class:`ConfigError`: a typo here is configuration, so it must not quietly turn
    every check into a Docker Hub request."""
    from pai_runtime.errors import ConfigError

    text = url.strip()
    try:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        ok = parts.scheme in ("http", "https") and bool(parts.hostname) and not (parts.query or parts.fragment)
        _ = parts.port  # raises for a port that is not a number
    except ValueError:
        ok = False
    if not ok:
        raise ConfigError(f"registry mirror {url!r} is not a URL like https://HOST[:PORT]",
                          hint="e.g. https://mirror.gcr.io")
    return text


def proxy_for(url: str) -> str | None:
    """The forward proxy ``requests`` will use for ``url`` (``HTTPS_PROXY``/``HTTP_PROXY``/
    ``ALL_PROXY`` minus ``NO_PROXY``, as it reads them at request time), as
    ``scheme://host:port``: the log names it so an operator sees the path taken, and any
    ``user:password@`` in it is registered with the redactor and never shown."""
    import requests.utils

    from pai_runtime import redact

    proxy = requests.utils.select_proxy(url, requests.utils.get_environ_proxies(url))
    if not proxy:
        return None
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    redact.register(parts.password)
    host = parts.hostname or ""
    host = f"[{host}]" if ":" in host else host
    return f"{parts.scheme}://{host}" + (f":{parts.port}" if parts.port else "")


def host_matches(host: str, entries: Iterable[str]) -> bool:
    """Is ``host`` (host[:port]) listed? Entries are ``host[:port]`` (a bare host
    matches every port) or CIDR networks, as docker's ``insecure-registries``."""
    hostname, port = split_hostport(host)
    for raw in entries:
        entry = raw.strip().lower()
        if "://" in entry:
            entry = entry.split("://", 1)[1]
        entry = entry.rstrip("/")
        if not entry:
            continue
        if "/" in entry:
            try:
                net = ipaddress.ip_network(entry, strict=False)
                if ipaddress.ip_address(hostname.strip("[]")) in net:
                    return True
            except ValueError:
                pass
            continue
        e_host, e_port = split_hostport(entry)
        if e_host == hostname and (e_port is None or e_port == port):
            return True
    return False


def split_hostport(host: str) -> tuple[str, str | None]:
    host = host.lower()
    if host.startswith("["):
        end = host.find("]")
        rest = host[end + 1:]
        return host[: end + 1], rest[1:] if rest.startswith(":") else None
    if host.count(":") == 1:
        h, _, p = host.partition(":")
        return h, p
    return host, None


@dataclass
class Attempted:
    """The last answer of a step: a response or the exception of its last attempt."""

    response: Any = None
    error: BaseException | None = None
    attempts: int = 0
    #: the deadline came before the next attempt could be sent: keep the last answer
    #: (it is the reason the verdict gives, e.g. "still HTTP 429"), do not try again
    out_of_time: bool = False

    @property
    def status(self) -> int | None:
        return None if self.response is None else self.response.status_code


@dataclass
class Transport:
    """One check's HTTP session: counts requests, clips timeouts, retries steps."""

    options: Options
    deadline: Deadline
    cancelled: threading.Event
    log: Any
    sent: int = 0
    retries: int = 0
    _session: Any = None
    _rng: random.Random = field(default_factory=random.Random)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def session(self) -> Any:
        if self._session is None:
            import requests

            s = requests.Session()
            s.headers["User-Agent"] = USER_AGENT
            s.max_redirects = 5
            self._session = s
        return self._session

    def close(self) -> None:
        if self._session is not None:
            self._session.close()

    def _timeout(self) -> tuple[float, float]:
        left = self.deadline.remaining()
        if left <= 0 or self.cancelled.is_set():
            raise Cancelled("deadline reached")
        return (max(0.05, min(self.options.connect_timeout, left)), max(0.05, min(self.options.read_timeout, left)))

    def once(self, method: str, url: str, **kw: Any) -> Any:
        """One request (no retry); raises requests' exceptions or :class:`Cancelled`."""
        timeout = self._timeout()
        verify = self.options.ca_bundle if self.options.ca_bundle else True
        with self._lock:
            self.sent += 1
        kw.setdefault("allow_redirects", True)
        if method == "HEAD":
            return self.session().request(method, url, timeout=timeout, verify=verify, **kw)
        resp = self.session().request(method, url, timeout=timeout, verify=verify, stream=True, **kw)
        # Read a bounded body now, so a trickling server is cut by the read timeout and
        # a huge one cannot grow our memory.
        try:
            data = resp.raw.read(MAX_BODY, decode_content=True)
        except BaseException:
            resp.raw.close()
            raise
        if len(data) >= MAX_BODY:
            resp.raw.close()
        resp._content = data  # noqa: SLF001 - where requests keeps a read body
        resp._content_consumed = True  # noqa: SLF001
        resp.close()
        return resp

    def step(self, name: str, method: str, url: str, **kw: Any) -> Attempted:
        """``once`` retried while the answer is transient, within the deadline."""
        import requests

        result = Attempted()

        def attempt() -> Attempted:
            result.attempts += 1
            try:
                result.response, result.error = self.once(method, url, **kw), None
            except Cancelled:
                if result.attempts == 1:
                    raise
                result.attempts -= 1  # nothing was sent
                result.out_of_time = True
            except (requests.exceptions.RequestException, OSError) as exc:
                result.response, result.error = None, exc
            return result

        def transient(r: Attempted) -> bool:
            if r.error is not None:
                import requests as rq

                # A certificate problem is configuration, not luck: do not retry it.
                return not isinstance(r.error, (rq.exceptions.SSLError, rq.exceptions.InvalidURL,
                                                rq.exceptions.TooManyRedirects))
            return r.status in RETRY_STATUSES

        def stop(r: Attempted, attempt_number: int, upcoming_sleep: float) -> bool:
            limit = self.options.throttled_attempts if r.status == 429 else self.options.transient_attempts
            if r.out_of_time or attempt_number >= limit:
                return True
            return upcoming_sleep + 0.05 >= self.deadline.remaining()

        def before_sleep(r: Attempted, attempt_number: int, upcoming_sleep: float) -> None:
            with self._lock:
                self.retries += 1
            self.log.info("registry request retried", step=name, reason=self.reason(r),
                          wait=round(upcoming_sleep, 2), attempt=attempt_number)

        retrying = http.retrying(deadline=self.deadline.end, cancelled=self.cancelled, retry_if=transient,
                                 wait=self.wait_for, stop=stop, before_sleep=before_sleep,
                                 cancelled_error=lambda: Cancelled("cancelled"))
        return retrying(attempt)

    def wait_for(self, r: Attempted, attempt: int) -> float:
        """``Retry-After`` (capped, plus a little jitter so a crowd told "1 s" does not
        come back in one burst), else full-jitter exponential backoff."""
        ra = None
        if r.response is not None and r.status in (429, 503):
            ra = parse_retry_after(r.response.headers.get("Retry-After"))
        if ra is not None:
            # Spread the crowd: the jitter on top of Retry-After doubles with each
            # refusal (up to backoff_cap), so a client that keeps losing the race
            # asks less often while the registry drains the others.
            ra = min(ra, self.options.retry_after_cap)
            spread = min(self.options.backoff_cap, max(0.25, ra * 0.5) * 2 ** max(0, attempt - 1))
            return ra + self._rng.uniform(0.0, spread)
        return http.backoff(attempt, base=self.options.backoff_base, cap=self.options.backoff_cap, rng=self._rng)

    @staticmethod
    def reason(r: Attempted) -> str:
        if r.error is not None:
            return describe_error(r.error)
        return f"HTTP {r.status}"


def challenge_headers(response: Any) -> list[str]:
    """Every ``WWW-Authenticate`` value, unfolded when urllib3 kept them apart."""
    raw = getattr(response, "raw", None)
    headers = getattr(raw, "headers", None)
    getlist: Callable[[str], list[str]] | None = getattr(headers, "getlist", None)
    if getlist is not None:
        values = getlist("WWW-Authenticate")
        if values:
            return list(values)
    value = response.headers.get("WWW-Authenticate")
    return [value] if value else []

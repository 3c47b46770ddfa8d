"""The image check: HEAD the manifest, authenticate as challenged, decide a verdict.

Why "unknown" exists: a job must fail here only when the pull would fail for sure, so
the verdict is ``fail`` (exit 254) only for

* a 404 ``MANIFEST_UNKNOWN``/``NAME_UNKNOWN`` from the registry itself (a JSON error or
  the distribution API header) after authenticating, or anonymously when no
  credentials exist or the registry needs none;
* 401 from the token endpoint, or 401 from the registry, for *supplied* credentials;
* 401 ``insufficient_scope`` after a token (the repository is missing, or private: the
  pull fails the same way, and Docker Hub cannot tell the two apart);
* a digest the registry reports differently from the one asked for;
* an invalid reference;

and ``unknown`` (the job goes on, with a warning) for everything else: 429 and 5xx
after bounded retries, 403 (proxies and CDNs use it for anything), timeouts,
connection/TLS/DNS errors, an unsupported challenge, the deadline.

Only HEAD is sent to manifests (a GET counts as a pull on Docker Hub), always with
``Accept`` listing the four manifest types. The whole check runs in a worker thread and
the caller stops waiting at the deadline, so nothing can hang whatever a server does.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from pai_runtime.errors import ImageCheckError
from pai_runtime.registry import auth as authmod
from pai_runtime.registry import credentials as credmod
from pai_runtime.registry import reference as refmod
from pai_runtime.registry.client import (
    ACCEPT,
    Attempted,
    Cancelled,
    Deadline,
    Options,
    Transport,
    host_matches,
    proxy_for,
)

PASS = "pass"
FAIL, UNKNOWN = authmod.FAIL, authmod.UNKNOWN
#: The job's image was not found: what to tell the user.
NOT_FOUND_HINT = "check the image name and tag, and that the job's credentials can pull it"


@dataclass
class Verdict:
    """The outcome of one check; ``reason`` is the one line a user reads."""

    outcome: str
    reason: str
    image: str
    host: str = ""
    repository: str = ""
    reference: str = ""
    auth: str = "anonymous"
    requests: int = 0
    retries: int = 0
    seconds: float = 0.0
    digest: str | None = None

    @property
    def ok(self) -> bool:
        return self.outcome != FAIL

    def line(self) -> str:
        if not self.host:  # an invalid reference: the reason already quotes it
            return f"{self.outcome}: {self.reason}"
        where = f"{self.host}/{self.repository}"
        return f"image {self.image}: {self.outcome}: {self.reason} ({where}, auth {self.auth})"

    def error(self) -> ImageCheckError:
        if not self.host:
            return ImageCheckError(f"image check failed: {self.reason}", hint=refmod.HINT)
        return ImageCheckError(f"image check failed for {refmod.quote(self.image)}: {self.reason}",
                               hint=NOT_FOUND_HINT)


# The verdict exception and its two makers live beside the token exchange, which
# decides some verdicts itself (refused credentials, insufficient_scope).
_Decided = authmod.Decided
_unknown = authmod.unknown
_fail = authmod.fail


class _NullLog:
    def __getattr__(self, name: str) -> Any:
        return lambda *a, **k: None

    def bind(self, **kw: Any) -> _NullLog:
        return self


def _is_registry_answer(resp: Any) -> bool:
    """Did the registry itself answer (not a proxy's or router's HTML/text page)?"""
    ctype = (resp.headers.get("Content-Type") or "").lower()
    return "json" in ctype or bool(resp.headers.get("Docker-Distribution-Api-Version"))


class _Endpoint:
    """Checks one repository on one base URL (the registry, or a Docker Hub mirror)."""

    def __init__(self, checker: _Checker, base: str, host: str, creds: credmod.Credentials | None) -> None:
        self.transport: Transport = checker.transport
        self.ref = checker.ref
        self.base = base.rstrip("/")
        self.host = host
        self.creds = creds
        self.session = authmod.TokenSession(
            self.transport, creds, checker.tokens, base=self.base, host=host,
            repository=self.ref.path, insecure=checker.options.insecure_registries,
            settle=self._settle, log=checker.log)
        self.probed = False

    @property
    def auth_kind(self) -> str:
        return self.session.kind

    def manifest_url(self) -> str:
        return f"{self.base}/v2/{self.ref.path}/manifests/{self.ref.reference}"

    def head(self) -> Attempted:
        headers = {"Accept": ACCEPT}
        if self.session.header:
            headers["Authorization"] = self.session.header
        return self.transport.step("manifest", "HEAD", self.manifest_url(), headers=headers)

    def run(self) -> str | None:
        """The manifest's digest when it exists; raises :class:`_Decided` otherwise."""
        r = self.head()
        for _ in range(4):
            resp = self._settle(r, "manifest")
            status = resp.status_code
            if status == 200:
                return self._digest_ok(resp)
            if status == 401:
                self.session.answer(resp)
            elif status == 404:
                self._not_found(resp)
            elif status == 403:
                raise _unknown("HTTP 403 Forbidden from the registry or a proxy in front of it")
            else:
                raise _unknown(f"unexpected HTTP {status} for the manifest")
            r = self.head()
        raise _unknown("authentication did not settle after several rounds")

    def _settle(self, r: Attempted, step: str) -> Any:
        """The response, or "unknown" for a step that never got a usable answer."""
        if r.error is not None:
            raise _unknown(f"{step}: {self.transport.reason(r)} (after {r.attempts} attempt(s))")
        if r.status in (408, 429, 500, 502, 503, 504):
            raise _unknown(f"{step}: still HTTP {r.status} after {r.attempts} attempt(s)")
        return r.response

    def _digest_ok(self, resp: Any) -> str | None:
        got = resp.headers.get("Docker-Content-Digest")
        want = self.ref.digest
        if want and got and got != want:
            raise _fail(f"the registry reports digest {got} for {want}")
        return got or want

    # -- 404 --------------------------------------------------------------------------
    def _not_found(self, resp: Any) -> None:
        if not _is_registry_answer(resp):
            ctype = resp.headers.get("Content-Type") or "no content type"
            raise _unknown(f"HTTP 404 that does not come from a registry API ({ctype}); "
                           "a proxy or a wrong registry path?")
        if self.session.header is None and self.creds is not None and not self.probed:
            # Some registries hide private repositories from anonymous clients with a
            # 404: ask /v2/ for a challenge and retry with the credentials.
            self.probed = True
            r = self.transport.step("ping", "GET", f"{self.base}/v2/", headers={})
            ping = self._settle(r, "ping")
            if ping.status_code == 401:
                self.session.answer(ping)
                return
            if ping.status_code != 200:
                raise _unknown(f"HTTP 404 anonymously and HTTP {ping.status_code} from /v2/")
        sep = "@" if self.ref.digest else ":"
        raise _fail(f"manifest unknown: {self.ref.path}{sep}{self.ref.reference} "
                    f"is not on {self.host} (HTTP 404)")


class _Checker:
    def __init__(self, ref: refmod.Reference, options: Options, *, creds_for: Any, log: Any,
                 cancelled: threading.Event, tokens: authmod.TokenCache) -> None:
        self.ref = ref
        self.options = options
        self.creds_for = creds_for
        self.log = log
        self.tokens = tokens
        self.deadline = Deadline(options.deadline)
        self.transport = Transport(options, self.deadline, cancelled, log)
        self.auth = "anonymous"
        self.host = ref.api_host

    def base_url(self, host: str) -> str:
        scheme = "http" if host_matches(host, self.options.insecure_registries) else "https"
        return f"{scheme}://{host}"

    def run(self) -> tuple[str, str, str | None]:
        """(outcome, reason, digest)."""
        ref = self.ref
        if ref.is_docker_hub and self.options.mirrors:
            for mirror in self.options.mirrors:
                base = mirror if "://" in mirror else self.base_url(mirror)
                host = urlsplit(base).netloc
                ep = _Endpoint(self, base, host, self.creds_for(credmod.normalize_registry(host)))
                try:
                    digest = ep.run()
                except _Decided as d:
                    self.log.info("mirror could not confirm the image; asking Docker Hub", mirror=host,
                                  outcome=d.outcome, reason=d.reason)
                    continue
                self.host, self.auth = host, ep.auth_kind
                return PASS, f"found on mirror {host}", digest
        creds = self.creds_for(ref.domain)
        ep = _Endpoint(self, self.base_url(ref.api_host), ref.api_host, creds)
        self.log.info("checking image", host=ref.api_host, repository=ref.path, reference=ref.reference,
                      credentials=creds.describe() if creds else "none", proxy=proxy_for(ep.base) or "none")
        try:
            digest = ep.run()
        except _Decided as d:
            self.auth = ep.auth_kind
            return d.outcome, d.reason, None
        self.auth = ep.auth_kind
        return PASS, "manifest found", digest


def check(image: str, *, options: Options | None = None, credentials: credmod.Credentials | None = None,
          job_auth: Mapping[str, Any] | None = None, docker_config: str | None = None,
          environ: Mapping[str, str] | None = None, log: Any = None,
          cancelled: threading.Event | None = None, tokens: authmod.TokenCache | None = None) -> Verdict:
    """Check ``image``; never raises for what a registry does and never outlives
    ``options.deadline`` (plus a fraction of a second). Bad local configuration (a
    missing ``docker_config`` file) raises :class:`ConfigError`."""
    options = options or Options()
    log = log if log is not None else _NullLog()
    cancelled = cancelled or threading.Event()
    started = time.monotonic()
    try:
        ref = refmod.parse(image)
    except ImageCheckError as exc:
        v = Verdict(FAIL, exc.message, image)
        log.error("image check verdict", outcome=FAIL, image=image, reason=v.reason)
        return v

    cache: dict[str, credmod.Credentials | None] = {}

    def creds_for(registry: str) -> credmod.Credentials | None:
        if registry not in cache:
            explicit = credentials if registry == ref.domain else None
            cache[registry] = credmod.resolve(registry, explicit=explicit,
                                              job_auth=job_auth if registry == ref.domain else None,
                                              docker_config=docker_config, environ=environ, log=log)
        return cache[registry]

    # Credentials are looked up here, in the caller's thread, so a bad config file is a
    # configuration error (247) rather than a verdict.
    creds_for(ref.domain)
    # Our own stop flag: the caller's event is only read (setting it would cancel the
    # caller's other work, e.g. the rest of the init pipeline).
    stop = threading.Event()
    checker = _Checker(ref, options, creds_for=creds_for, log=log, cancelled=stop,
                       tokens=tokens or authmod.TokenCache())
    box: dict[str, Any] = {}

    def work() -> None:
        try:
            box["result"] = checker.run()
        except Cancelled as exc:
            box["result"] = (UNKNOWN, f"stopped: {exc} after {options.deadline:g}s", None)
        except Exception as exc:  # noqa: BLE001 - a bug must not fail the job: unknown
            from pai_runtime import redact

            box["result"] = (UNKNOWN, redact.scrub(f"internal error {type(exc).__name__}: {exc}"), None)

    worker = threading.Thread(target=work, name="image-check", daemon=True)
    worker.start()
    end = started + options.deadline + 0.5
    while worker.is_alive():
        left = end - time.monotonic()
        if left <= 0:
            break
        if cancelled.is_set():
            stop.set()
            box.setdefault("result", (UNKNOWN, "cancelled", None))
            break
        worker.join(min(0.1, left))
    if "result" in box:
        outcome, reason, digest = box["result"]
    else:
        stop.set()
        outcome, reason, digest = UNKNOWN, f"deadline of {options.deadline:g}s reached", None
    if not worker.is_alive():
        checker.transport.close()
    v = Verdict(outcome, reason, image, host=checker.host, repository=ref.path, reference=ref.reference,
                auth=checker.auth, requests=checker.transport.sent, retries=checker.transport.retries,
                seconds=time.monotonic() - started, digest=digest)
    level = {PASS: log.info, FAIL: log.error, UNKNOWN: log.warning}[outcome]
    level("image check verdict", outcome=outcome, image=image, host=v.host, repository=v.repository,
          reference=v.reference, auth=v.auth, reason=reason, requests=v.requests, retries=v.retries,
          seconds=round(v.seconds, 3), **({"digest": digest} if digest else {}))
    return v

"""WWW-Authenticate challenges, the registry token protocol, and the token exchange.

Why a real parser: one header may carry several challenges (``Negotiate, Bearer
realm=...``), quoted values contain commas (``scope="repository:x:pull,push"``) and
backslash escapes, and ``requests`` folds repeated headers into one comma-joined string.
OpenPAI's ``split(",")`` parser turned all of these into false "not found" failures.
The grammar is RFC 7235 section 4.1: ``challenge = auth-scheme [ 1*SP ( token68 /
#auth-param ) ]`` with challenges separated by commas.

Tokens follow the distribution token spec: the answer carries ``token`` and/or
``access_token``; ``expires_in`` defaults to 60 s; a token is reused until it expires.

:class:`TokenSession` answers a registry's 401 (Basic, a Bearer token fetched from the
realm, or a registry token given as such) over the check's transport. It decides only
what authentication alone can decide, raising :class:`Decided`; what a manifest answer
means is the image check's business (registry/check.py).
"""

from __future__ import annotations

import base64
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from pai_runtime.registry.client import Attempted, Transport
    from pai_runtime.registry.credentials import Credentials

_TCHAR = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
_TOKEN68 = _TCHAR | frozenset("/=")

#: Token lifetime when the server gives none (distribution token spec).
DEFAULT_EXPIRES_IN = 60.0
#: Stop using a token this many seconds before it expires (clock skew, request time).
EXPIRY_MARGIN = 5.0


@dataclass
class Challenge:
    """One challenge: lower-case ``scheme`` and its parameters (lower-case names)."""

    scheme: str
    params: dict[str, str] = field(default_factory=dict)
    token68: str | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.params.get(name, default)


class _Scanner:
    def __init__(self, text: str) -> None:
        self.s = text
        self.i = 0

    def ws(self) -> None:
        while self.i < len(self.s) and self.s[self.i] in " \t":
            self.i += 1

    def peek(self) -> str:
        return self.s[self.i] if self.i < len(self.s) else ""

    def token(self, chars: frozenset[str] = _TCHAR) -> str:
        start = self.i
        while self.i < len(self.s) and self.s[self.i] in chars:
            self.i += 1
        return self.s[start:self.i]

    def quoted(self) -> str:
        """A quoted-string (at the opening quote); an unterminated one ends at the end."""
        self.i += 1
        out = []
        while self.i < len(self.s):
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < len(self.s):
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            self.i += 1
            if c == '"':
                break
            out.append(c)
        return "".join(out)

    def skip_to_comma(self) -> None:
        while self.i < len(self.s) and self.s[self.i] != ",":
            if self.s[self.i] == '"':
                self.quoted()
            else:
                self.i += 1


def parse_challenges(headers: str | Iterable[str] | None) -> list[Challenge]:
    """Every challenge in one header value or in a list of header values, in order.

    Lenient where servers are sloppy (spaces around ``=``, unquoted values, stray
    commas); a malformed piece is skipped, never fatal.
    """
    if headers is None:
        return []
    values = [headers] if isinstance(headers, str) else list(headers)
    out: list[Challenge] = []
    for value in values:
        out.extend(_parse_one(value))
    return out


def _parse_one(text: str) -> list[Challenge]:
    sc = _Scanner(text)
    challenges: list[Challenge] = []
    current: Challenge | None = None
    while True:
        sc.ws()
        while sc.peek() == ",":
            sc.i += 1
            sc.ws()
        if sc.peek() == "":
            break
        word = sc.token()
        if not word:
            sc.i += 1  # junk character: skip it
            continue
        sc.ws()
        if sc.peek() == "=":
            # ``name = value``: a parameter of the current challenge.
            sc.i += 1
            sc.ws()
            value = sc.quoted() if sc.peek() == '"' else sc.token(_TCHAR | frozenset("/:=@[]?"))
            if current is not None:
                current.params[word.lower()] = value
            sc.skip_to_comma()
            continue
        # A new challenge: ``scheme`` [ token68 | params ].
        current = Challenge(scheme=word.lower())
        challenges.append(current)
        if sc.peek() not in ("", ","):
            after_scheme = sc.i
            t68 = sc.token(_TOKEN68)
            sc.ws()
            if t68 and "=" not in t68.rstrip("=") and sc.peek() in ("", ","):
                current.token68 = t68
            else:
                sc.i = after_scheme  # it is the first auth-param: parse it on the next turn
    return challenges


def pick(challenges: list[Challenge]) -> Challenge | None:
    """The challenge we answer: the first Bearer, else the first Basic (others, such as
    Negotiate, are skipped as docker does)."""
    for scheme in ("bearer", "basic"):
        for c in challenges:
            if c.scheme == scheme:
                return c
    return None


def basic_header(username: str, password: str) -> str:
    raw = f"{username}:{password}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


def pull_scope(repository: str) -> str:
    return f"repository:{repository}:pull"


@dataclass
class Token:
    value: str
    expires_at: float  # monotonic seconds

    def valid(self, now: float | None = None) -> bool:
        return (time.monotonic() if now is None else now) < self.expires_at


class TokenError(ValueError):
    """The token endpoint answered 2xx with something that is not a token."""


def token_from_response(body: object, *, now: float | None = None) -> Token:
    """A :class:`Token` from the token endpoint's JSON (``token`` or ``access_token``)."""
    if not isinstance(body, dict):
        raise TokenError("token endpoint answered without a JSON object")
    value = body.get("token") or body.get("access_token")
    if not isinstance(value, str) or not value:
        raise TokenError("token endpoint answer has neither 'token' nor 'access_token'")
    try:
        expires_in = float(body.get("expires_in") or DEFAULT_EXPIRES_IN)
    except (TypeError, ValueError):
        expires_in = DEFAULT_EXPIRES_IN
    if expires_in <= 0:
        expires_in = DEFAULT_EXPIRES_IN
    margin = min(EXPIRY_MARGIN, expires_in / 10)
    start = time.monotonic() if now is None else now
    return Token(value=value, expires_at=start + expires_in - margin)


class TokenCache:
    """Tokens by (realm, service, scope, identity), reused until they expire.

    Why: a token costs one request to a server that rate-limits like the registry; a
    retry after a 429 must not fetch a new one, and several checks against one registry
    in one process share it.
    """

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._tokens: dict[tuple[str, str, str, str], Token] = {}

    def get(self, key: tuple[str, str, str, str]) -> Token | None:
        with self._lock:
            tok = self._tokens.get(key)
            if tok is not None and not tok.valid(self._clock()):
                del self._tokens[key]
                return None
            return tok

    def put(self, key: tuple[str, str, str, str], token: Token) -> None:
        with self._lock:
            self._tokens[key] = token

    def drop(self, key: tuple[str, str, str, str]) -> None:
        with self._lock:
            self._tokens.pop(key, None)


#: Verdict outcomes the exchange can reach (the image check adds ``pass``).
FAIL, UNKNOWN = "fail", "unknown"


class Decided(Exception):
    """A verdict reached before the manifest answered: ``outcome`` is FAIL or UNKNOWN."""

    def __init__(self, outcome: str, reason: str) -> None:
        super().__init__(reason)
        self.outcome = outcome
        self.reason = reason


def unknown(reason: str) -> Decided:
    return Decided(UNKNOWN, reason)


def fail(reason: str) -> Decided:
    return Decided(FAIL, reason)


class TokenSession:
    """The credentials one endpoint sends, and how they change when it answers 401.

    Why a class of its own: the exchange (pick a challenge, Basic or Bearer, reuse or
    fetch a token, drop a stale cached one once, never send secrets over plain http to
    a foreign host) is state that outlives one request but is not the verdict; the image
    check only asks for ``header`` and calls :meth:`answer` on a 401.

    ``settle(attempt, step)`` is the check's rule for a step that never got a usable
    answer, so token requests and manifest requests end "unknown" the same way.
    """

    def __init__(self, transport: Transport, creds: Credentials | None, cache: TokenCache, *,
                 base: str, host: str, repository: str, insecure: Iterable[str],
                 settle: Callable[[Attempted, str], Any], log: Any) -> None:
        self.transport = transport
        self.creds = creds
        self.cache = cache
        self.base = base
        self.host = host
        self.repository = repository
        self.insecure = tuple(insecure)
        self.settle = settle
        self.log = log
        #: The ``Authorization`` value to send, None while anonymous.
        self.header: str | None = None
        #: How we authenticate, as the verdict reports it.
        self.kind = "anonymous"
        self.token_key: tuple[str, str, str, str] | None = None
        self.token_fresh = False

    def answer(self, resp: Any) -> None:
        """Set up credentials for the 401 ``resp``; raises :class:`Decided` when none will do."""
        from pai_runtime.registry.client import challenge_headers

        challenges = parse_challenges(challenge_headers(resp))
        chosen = pick(challenges)
        if self.header is not None:
            self._refused(chosen)
            return
        if chosen is None:
            schemes = ", ".join(sorted({c.scheme for c in challenges})) or "none"
            raise unknown(f"the registry asks for authentication we cannot answer (schemes: {schemes})")
        if chosen.scheme == "basic":
            if not self.creds or self.creds.username is None or self.creds.password is None:
                raise unknown("the registry needs credentials (Basic) and none were given")
            self._guard_plain_http(self.base)
            self.header = basic_header(self.creds.username, self.creds.password)
            self.kind = f"basic ({self.creds.describe()})"
        else:
            self._bearer(chosen)
        self.log.info("authenticating", host=self.host, auth=self.kind)

    def _refused(self, chosen: Challenge | None) -> None:
        """401 although we sent credentials or a token."""
        if self.kind.startswith("basic"):
            raise fail(f"the registry refused the credentials ({self.creds.describe() if self.creds else ''})")
        error = (chosen.get("error") if chosen is not None else None) or ""
        anonymous = self.creds is None or self.kind.startswith("bearer (anonymous")
        if error == "insufficient_scope":
            if anonymous:
                raise fail("not found, or private and needs credentials (the registry refused an "
                           "anonymous pull: insufficient_scope)")
            raise fail(f"not found, or {self.creds.describe() if self.creds else 'these credentials'} "
                       "may not pull it (insufficient_scope)")
        if error == "invalid_token" and not self.token_fresh and self.token_key is not None:
            # A cached token went stale: fetch a new one once.
            self.cache.drop(self.token_key)
            self.header = None
            self._answer_fresh(chosen)
            return
        raise unknown(f"the registry refused a fresh token ({error or 'no error code'}); "
                      "clock skew or a proxy may be at fault")

    def _answer_fresh(self, chosen: Challenge | None) -> None:
        if chosen is None or chosen.scheme != "bearer":
            raise unknown("the registry refused the token")
        self._bearer(chosen)

    def _guard_plain_http(self, url: str) -> None:
        """Never send credentials in clear text to a host other than the registry's
        (the token realm may live elsewhere) unless that host is listed as insecure."""
        from pai_runtime.registry.client import host_matches, split_hostport

        parts = urlsplit(url)
        if parts.scheme == "https":
            return
        reg_host, _ = split_hostport(self.host)
        target_host, _ = split_hostport(parts.netloc)
        if target_host == reg_host or host_matches(parts.netloc, self.insecure):
            return
        raise unknown(f"not sending credentials over plain http to {parts.netloc} "
                      "(a host other than the registry); list it as insecure or use https")

    def _bearer(self, ch: Challenge) -> None:
        realm = ch.get("realm")
        if not realm or urlsplit(realm).scheme not in ("http", "https"):
            raise unknown(f"the registry's Bearer challenge has no usable realm ({realm!r})")
        service = ch.get("service") or ""
        scope = pull_scope(self.repository)
        creds = self.creds
        if creds is not None and creds.kind == "registrytoken":
            self.header = f"Bearer {creds.registry_token}"
            self.kind = f"bearer ({creds.describe()})"
            self.token_fresh = True
            return
        if creds is not None:
            self._guard_plain_http(realm)
        identity = creds.source if creds is not None else "anonymous"
        who = (creds.username or "") if creds is not None else ""
        key = (realm, service, scope, f"{identity}|{who}")
        cached = self.cache.get(key)
        self.token_key = key
        self.kind = ("bearer (anonymous token)" if creds is None
                     else f"bearer token for {creds.describe()}")
        if cached is not None:
            self.token_fresh = False
            token = cached
        else:
            token = self._fetch_token(realm, service, scope, creds)
            self.cache.put(key, token)
            self.token_fresh = True
        self.header = f"Bearer {token.value}"

    def _fetch_token(self, realm: str, service: str, scope: str, creds: Credentials | None) -> Token:
        params: dict[str, str] = {"scope": scope}
        if service:
            params["service"] = service
        r: Attempted
        if creds is not None and creds.kind == "identitytoken":
            form = {"grant_type": "refresh_token", "refresh_token": creds.identity_token or "",
                    "client_id": "pai-runtime", **params}
            r = self.transport.step("token", "POST", realm, data=form)
            if r.response is not None and r.status in (404, 405):
                # registries without the OAuth2 endpoint: plain GET (as go-containerregistry)
                r = self._token_get(realm, params, creds)
        else:
            r = self._token_get(realm, params, creds)
        resp = self.settle(r, "token")
        status = resp.status_code
        if status == 200:
            try:
                body = resp.json()
            except ValueError:
                raise unknown("the token endpoint answered 200 without JSON") from None
            try:
                token = token_from_response(body)
            except TokenError as exc:
                raise unknown(str(exc)) from None
            from pai_runtime import redact

            redact.register(token.value)
            return token
        if status == 401:
            if creds is not None:
                raise fail(f"the token server refused the credentials ({creds.describe()})")
            raise unknown("the token server refused an anonymous token (401); the registry needs credentials")
        raise unknown(f"the token endpoint answered HTTP {status}")

    def _token_get(self, realm: str, params: dict[str, str], creds: Credentials | None) -> Attempted:
        headers: dict[str, str] = {}
        if creds is not None and creds.username is not None and creds.password is not None:
            params = {**params, "account": creds.username}
            headers["Authorization"] = basic_header(creds.username, creds.password)
        return self.transport.step("token", "GET", realm, params=params, headers=headers)

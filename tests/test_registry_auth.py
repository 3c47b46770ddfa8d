"""Challenge parsing, tokens, Retry-After and credential lookup (no network)."""

from __future__ import annotations

import base64
import email.utils
import json
import time
from pathlib import Path

import pytest

from pai_runtime import redact
from pai_runtime.errors import ConfigError
from pai_runtime.registry import auth, credentials
from pai_runtime.registry.client import host_matches, parse_retry_after


def test_two_challenges_folded_by_requests_with_commas_in_quotes() -> None:
    folded = ('Negotiate, Bearer realm="http://127.0.0.1:5004/token",service="rig-registry",'
              'scope="repository:public/app:pull,push",error="invalid_token"')
    chs = auth.parse_challenges(folded)
    assert [c.scheme for c in chs] == ["negotiate", "bearer"]
    assert chs[1].params == {"realm": "http://127.0.0.1:5004/token", "service": "rig-registry",
                             "scope": "repository:public/app:pull,push", "error": "invalid_token"}
    assert auth.pick(chs) is chs[1]


def test_separate_header_lines_escapes_and_rfc7235_example() -> None:
    chs = auth.parse_challenges(['Newauth realm="apps", type=1, title="Login to \\"apps\\""',
                                 'Basic realm="simple"'])
    assert chs[0].params == {"realm": "apps", "type": "1", "title": 'Login to "apps"'}
    assert auth.pick(chs).scheme == "basic"
    t68 = auth.parse_challenges("Basic dXNlcjpwYXNz==, BEARER Realm = x")
    assert t68[0].token68 == "dXNlcjpwYXNz=="
    assert t68[1].scheme == "bearer" and t68[1].params == {"realm": "x"}
    assert auth.pick(auth.parse_challenges("Negotiate, NTLM")) is None
    assert auth.parse_challenges("") == [] and auth.parse_challenges(None) == []


@pytest.mark.parametrize("header,expected", [
    # empty list elements and spaces around '=' (RFC 7230 #rule, RFC 7235 BWS)
    ('Bearer ,realm="r",, service = "s"', [("bearer", {"realm": "r", "service": "s"}, None)]),
    # a quoted comma list inside another scheme's parameters, then the Bearer challenge
    ('Digest realm="a", qop="auth,auth-int", nonce="n", Bearer realm="r"',
     [("digest", {"realm": "a", "qop": "auth,auth-int", "nonce": "n"}, None), ("bearer", {"realm": "r"}, None)]),
    # token68 then another challenge; a bare scheme
    ("Negotiate YII=, Basic", [("negotiate", {}, "YII="), ("basic", {}, None)]),
    # commas and '=' inside a quoted realm URL; escaped backslash and quote
    ('Bearer realm="https://a/t?x=1,y=2",scope="repository:a:pull" , Basic realm="r"',
     [("bearer", {"realm": "https://a/t?x=1,y=2", "scope": "repository:a:pull"}, None),
      ("basic", {"realm": "r"}, None)]),
    ('BEARER REALM="a\\\\b\\"c", Error=insufficient_scope',
     [("bearer", {"realm": 'a\\b"c', "error": "insufficient_scope"}, None)]),
    # unquoted URL values, as some registries send them
    ("Bearer realm=https://auth.example.com/token,service=reg.example.com",
     [("bearer", {"realm": "https://auth.example.com/token", "service": "reg.example.com"}, None)]),
    # an unterminated quote ends at the end of the header
    ('Bearer realm="r', [("bearer", {"realm": "r"}, None)]),
    (",, ,", []),
])
def test_challenge_edge_cases(header: str, expected: list[tuple[str, dict[str, str], str | None]]) -> None:
    got = [(c.scheme, c.params, c.token68) for c in auth.parse_challenges(header)]
    assert got == expected


def test_pick_prefers_the_first_bearer_over_an_earlier_basic() -> None:
    chs = auth.parse_challenges('Basic realm="b", Bearer realm="first", Bearer realm="second"')
    assert auth.pick(chs).params["realm"] == "first"


@pytest.mark.parametrize("body,value", [
    ({"token": "t1"}, "t1"), ({"access_token": "a1"}, "a1"), ({"token": "t2", "access_token": "t2"}, "t2")])
def test_token_from_either_field(body: dict[str, str], value: str) -> None:
    tok = auth.token_from_response(body, now=100.0)
    assert tok.value == value
    assert tok.expires_at == pytest.approx(100 + 60 - 5)  # default expires_in 60


def test_token_without_token_is_an_error() -> None:
    with pytest.raises(auth.TokenError):
        auth.token_from_response({"expires_in": 300})
    with pytest.raises(auth.TokenError):
        auth.token_from_response(["token"])


def test_token_cache_reuses_until_expires_in() -> None:
    now = [1000.0]
    cache = auth.TokenCache(clock=lambda: now[0])
    key = ("realm", "svc", "repository:a:pull", "anonymous")
    cache.put(key, auth.token_from_response({"token": "x", "expires_in": 300}, now=now[0]))
    now[0] += 290
    assert cache.get(key).value == "x"
    now[0] += 10
    assert cache.get(key) is None


def test_retry_after_seconds_and_http_date() -> None:
    assert parse_retry_after("7") == 7
    assert parse_retry_after(" 1.5 ") == 1.5
    date = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 18 <= parse_retry_after(date) <= 21
    assert parse_retry_after(email.utils.formatdate(time.time() - 50, usegmt=True)) == 0
    assert parse_retry_after("soon") is None and parse_retry_after(None) is None
    # the three HTTP-date forms RFC 9110 makes recipients accept
    now = email.utils.parsedate_to_datetime("Sun, 06 Nov 1994 08:49:37 GMT").timestamp()
    for date in ("Sun, 06 Nov 1994 08:49:57 GMT", "Sunday, 06-Nov-94 08:49:57 GMT", "Sun Nov  6 08:49:57 1994"):
        assert parse_retry_after(date, now=now) == 20
    assert parse_retry_after("-3") == 0


def test_insecure_registry_matching() -> None:
    assert host_matches("127.0.0.1:5000", ["127.0.0.1:5000"])
    assert host_matches("127.0.0.1:5000", ["127.0.0.1"])
    assert not host_matches("127.0.0.1:5000", ["127.0.0.1:5001"])
    assert host_matches("10.1.2.3:80", ["10.0.0.0/8"])
    assert not host_matches("myreg.com", ["10.0.0.0/8", "other.com"])


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def test_config_json_auth_username_identitytoken_and_hub_key(tmp_path: Path) -> None:
    cfg = tmp_path / "config.json"
    cfg.write_text(json.dumps({"auths": {
        "https://index.docker.io/v1/": {"auth": _b64("hubuser:hub:pass\x00")},
        "reg.example.com:5000": {"username": "u2", "password": "p2-secret"},
        "https://old.example.com/v1/": {"auth": _b64("u3:p3-secret")},
        "oauth.example.com": {"identitytoken": "refresh-secret-1"},
        "helper.example.com": {},
    }}))
    env = {"DOCKER_CONFIG": str(tmp_path)}
    hub = credentials.resolve("docker.io", environ=env)
    assert (hub.username, hub.password) == ("hubuser", "hub:pass")  # split at the first ':'
    assert credentials.resolve("reg.example.com:5000", environ=env).password == "p2-secret"
    assert credentials.resolve("old.example.com", environ=env).username == "u3"
    tok = credentials.resolve("oauth.example.com", environ=env)
    assert tok.kind == "identitytoken" and tok.identity_token == "refresh-secret-1"
    assert credentials.resolve("helper.example.com", environ=env) is None
    assert credentials.resolve("nowhere.example.com", environ=env) is None
    for secret in ("hub:pass", "p2-secret", "p3-secret", "refresh-secret-1"):
        assert secret not in redact.scrub(f"x {secret} y")


def test_config_from_pai_config_dir_and_kubernetes_secret_name(tmp_path: Path) -> None:
    (tmp_path / ".dockerconfigjson").write_text(json.dumps(
        {"auths": {"k8s.example.com": {"auth": _b64("k:k8s-pass")}}}))
    creds = credentials.resolve("k8s.example.com", environ={"PAI_CONFIG_DIR": str(tmp_path)})
    assert creds.username == "k" and ".dockerconfigjson" in creds.source


def test_explicit_config_path_must_exist_and_parse(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="does not exist"):
        credentials.resolve("r.example.com", docker_config=tmp_path / "nope.json", environ={})
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(ConfigError, match="not valid JSON"):
        credentials.resolve("r.example.com", docker_config=bad, environ={})


def test_job_auth_applies_to_its_registry_only() -> None:
    job = {"username": "ju", "password": "job-secret-pw", "registryuri": "https://reg.example.com:5000/"}
    assert credentials.resolve("reg.example.com:5000", job_auth=job, environ={}).username == "ju"
    assert credentials.resolve("docker.io", job_auth=job, environ={}) is None
    hub = {"username": "ju", "password": "job-secret-pw", "registryuri": "index.docker.io"}
    assert credentials.resolve("docker.io", job_auth=hub, environ={}) is not None
    no_uri = {"username": "ju", "password": "job-secret-pw"}
    assert credentials.resolve("anything.example.com", job_auth=no_uri, environ={}) is not None
    assert "job-secret-pw" not in redact.scrub("pw=job-secret-pw")
    assert _b64("ju:job-secret-pw") not in redact.scrub("Basic " + _b64("ju:job-secret-pw"))


@pytest.mark.timeout(30)
def test_a_hanging_credential_helper_is_stopped_with_its_group(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A helper that hangs (and started a child of its own) is no credentials, in bounded
    time, and nothing of it is left: childproc.stop_group, TERM to the group first."""
    term, orphan = tmp_path / "got-term", tmp_path / "orphan-alive"
    helper = tmp_path / "docker-credential-hang"
    helper.write_text(f"#!/bin/sh\n(sleep 1; touch {orphan}) &\ntrap 'touch {term}; exit 1' TERM\nsleep 30 &\nwait\n")
    helper.chmod(0o755)
    monkeypatch.setattr(credentials, "HELPER_TIMEOUT", 0.5)
    start = time.monotonic()
    assert credentials._from_helper("hang", "registry.example", environ={"PATH": str(tmp_path)}) is None
    assert time.monotonic() - start < 5
    assert term.exists()
    time.sleep(1.5)
    assert not orphan.exists()

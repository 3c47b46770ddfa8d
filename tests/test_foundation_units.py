"""Units of the foundation: durations, the env file format, secrets, redaction, roles."""

from __future__ import annotations

import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pai_runtime import envfile, redact
from pai_runtime.config.secrets import Secrets
from pai_runtime.errors import ConfigError
from pai_runtime.openpai.roles import RoleMap, platform_name
from pai_runtime.units import UnitError, parse_duration


@pytest.mark.parametrize("text,seconds", [
    ("30s", 30), ("5m", 300), ("1h 30m", 5400), ("1h30m", 5400), ("2d", 172800), ("90", 90),
    (45, 45), (1.5, 1.5), ("250ms", 0.25), ("1.5h", 5400), (" 10 m ", 600), ("24h", 86400),
])
def test_durations(text, seconds):
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", ["-1", -1, "none", None])
def test_no_limit(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize("text", ["1e400", float("inf"), 10 ** 400, "1" + "0" * 400 + "h", "inf", "infinite",
                                  "", "  "])
def test_infinite_or_empty_durations_are_refused_not_no_limit(text):
    """Issue 18: ``timeout: inf`` or ``killGrace: ''`` silently meant "no limit" (or the
    default); only -1 means no limit."""
    with pytest.raises(UnitError, match="duration"):
        parse_duration(text)


@pytest.mark.parametrize("text", ["-5", "-2m", "abc", "5 parsecs", "m", "1h x", True, "1h-30m",
                                  float("nan"), "nan", "-inf", -10 ** 400])
def test_bad_durations(text):
    with pytest.raises(UnitError):
        parse_duration(text)


@given(st.dictionaries(st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,10}", fullmatch=True),
                       st.text(st.characters(blacklist_characters="\0", blacklist_categories=("Cs",)),
                               max_size=40), max_size=6))
@settings(max_examples=150, deadline=None)
def test_env_file_round_trip(env):
    assert envfile.loads(envfile.dumps(env)) == env


def test_env_file_is_sourceable_by_sh_with_hostile_values():
    env = {"A": "x; rm -rf /", "B": "it's", "C": "line1\nline2 $HOME `id` $(id)", "D": "", "E": "\\'\"\\"}
    text = envfile.dumps(env)
    for key, value in env.items():
        out = subprocess.run(["sh", "-c", f'. /dev/stdin; printf %s "${key}"'], input=text,
                             capture_output=True, text=True).stdout
        assert out == value


def test_env_file_rejects_bad_names():
    with pytest.raises(ValueError):
        envfile.dumps({"1A": "x"})
    with pytest.raises(ValueError):
        envfile.dumps({"A-B": "x"})


def test_secret_rendering_paths():
    s = Secrets({"a": {"b": ["zero", "one"]}, "k-1": "v1", "n": 5, "x": {"y z": "spaced"}})
    assert s.render("<% $secrets.a.b[1] %>/<%$secrets.k-1%>/<% $secrets.n %>", used_in="t") == "one/v1/5"
    assert s.render("<% $secrets.x['y z'] %>", used_in="t") == "spaced"
    with pytest.raises(ConfigError, match="has no 5"):
        s.render("<% $secrets.a.b[5] %>", used_in="t")
    with pytest.raises(ConfigError, match="is a mapping"):
        s.render("<% $secrets.a %>", used_in="t")
    with pytest.raises(ConfigError, match="malformed secret reference"):
        s.render("<% $secrets.a..b %>", used_in="t")
    assert s.render("no refs <% here %>", used_in="t") == "no refs <% here %>"


def test_redaction_masks_values_and_base64_forms():
    redact.clear()
    try:
        Secrets({"pw": "correct-horse", "short": "ab", "nested": {"list": ["tok-abcdef"]}})
        import base64

        b64 = base64.b64encode(b"correct-horse").decode()
        text = f"login correct-horse token=tok-abcdef basic {b64} ab"
        assert redact.scrub(text) == "login *** token=*** basic *** ab"
    finally:
        redact.clear()


def test_role_map_tolerates_platform_rename():
    roles = RoleMap(["taskrole_1", "Worker-B"])
    assert platform_name("taskrole_1") == "taskrole1"
    assert roles.resolve("taskrole1") == "taskrole_1"
    assert roles.resolve("workerb") == "Worker-B"
    assert roles.get({"taskrole1": 4}, "taskrole_1") == 4
    with pytest.raises(ConfigError, match="available roles: taskrole_1, Worker-B"):
        roles.require("ps")
    with pytest.raises(ConfigError, match="both become 'ab'"):
        RoleMap(["a_b", "ab"])

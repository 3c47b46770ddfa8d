"""One size meaning everywhere: every setting that takes a size, driven by one table.

Why a table of settings and not of parser calls: the first release had three parsers, and
``10M`` meant 10,000,000 bytes in ``logs.maxSize`` and 10,485,760 in ``logs.searchWindow``
of the same mapping. Each row below reads the value the way that setting is read.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pai_runtime.addons.tarsafe import Limits
from pai_runtime.errors import ConfigError
from pai_runtime.exitspec.cli import search_window
from pai_runtime.exitspec.jobexit import Notes, _window
from pai_runtime.supervisor.logs import parse_size as max_size
from pai_runtime.units import (
    UnitError,
    format_duration,
    format_size,
    parse_duration,
    parse_size,
    timestamp,
)


def _search_window(value: object) -> int:
    notes = Notes()
    n = _window({"logs": {"searchWindow": value}}, notes)
    if notes.lines:  # the job container falls back to the default and says why
        raise ValueError(notes.lines[0])
    return n


def _addon_max_size(value: object) -> int:
    try:
        return Limits.from_env({"PAI_ADDON_MAX_SIZE": str(value)}).max_size
    except ConfigError as exc:
        raise ValueError(exc.line()) from None


def _init_logs(field: str) -> object:
    """``logs.<field>`` given in RUNTIME_CONFIG, read and checked as init reads it
    (sources.load_runtime_config: the schema, then config/bounds.job_settings)."""
    import json

    from pai_runtime.config import bounds, sources
    from pai_runtime.layout import Layout

    def read(value: object) -> int:
        env = {"PAI_WORK_DIR": "/nonexistent/pai-units", "RUNTIME_CONFIG": json.dumps({"logs": {field: value}})}
        try:
            return bounds.job_settings(sources.load_runtime_config(Layout.from_env(env), env))["logs"][field]
        except ConfigError as exc:
            raise ValueError(exc.line()) from None

    return read


SETTINGS = {
    "logs.maxSize": max_size,
    "logs.searchWindow": _search_window,
    "init logs.maxSize": _init_logs("maxSize"),
    "init logs.searchWindow": _init_logs("searchWindow"),
    "classify --search-window": lambda value: search_window(str(value)),
    "PAI_ADDON_MAX_SIZE": _addon_max_size,
    "units.parse_size": parse_size,
}

SIZES = [
    ("1M", 1_000_000), ("1Mi", 1_048_576), ("1MB", 1_000_000), ("1MiB", 1_048_576),
    ("10M", 10_000_000), ("10Mi", 10 * 2**20), ("1.5G", 1_500_000_000), ("1.5Gi", 3 * 2**29),
    ("4096", 4096), (8192, 8192), ("10k", 10_000), ("10Ki", 10_240), ("2T", 2 * 10**12),
    (" 256 Mi ", 256 * 2**20), ("1gi", 2**30),
]


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("text,expected", SIZES)
def test_every_size_setting_reads_the_same_bytes(setting, text, expected):
    assert SETTINGS[setting](text) == expected


@pytest.mark.parametrize("setting", SETTINGS)
@pytest.mark.parametrize("bad", ["ten", "-1", "1.2.3M", "5X", " ", "M", "1e3", "١٢", "9" * 5000, True])
def test_every_size_setting_refuses_the_same_values(setting, bad):
    with pytest.raises(ValueError):
        SETTINGS[setting](bad)


def test_bounds_name_the_setting():
    with pytest.raises(UnitError, match=r"logs.maxSize '99999999999999999999Ei' is above the maximum"):
        parse_size("99999999999999999999Ei", maximum=2**63 - 1, what="logs.maxSize")
    with pytest.raises(UnitError, match=r"below the minimum of 4Ki"):
        max_size("1k")


def test_a_refusal_names_the_setting_once():
    """The name where it is, the hint once: not "PAI_ADDON_MAX_SIZE: PAI_ADDON_MAX_SIZE ..."."""
    for setting in ("PAI_ADDON_MAX_SIZE", "classify --search-window"):
        with pytest.raises(ValueError) as info:
            SETTINGS[setting]("1e6")
        line = str(info.value)
        assert line.count(setting.split()[-1]) == 1 and line.count("Kubernetes quantity") == 1, line


@pytest.mark.parametrize("n", [0, 1, 4096, 10**6, 2**20, 3 * 10**9, 5 * 2**40, 1023, 10**6 + 1])
def test_format_size_reads_back(n):
    assert parse_size(format_size(n)) == n


@pytest.mark.parametrize("seconds,text", [
    (None, "no limit"), (1.5, "1.5s"), (90, "90s"), (120, "2m"), (150, "2m 30s"), (5400, "1h 30m"),
    (86400, "1d"),
])
def test_one_duration_formatter(seconds, text):
    assert format_duration(seconds) == text
    assert parse_duration(text) == seconds


def test_timestamp_format():
    assert timestamp(0.25) == "1970-01-01T00:00:00.250Z"


def test_sizes_and_timestamps_do_not_load_re():
    """The job container's PID 1 reads ``logs.maxSize`` and stamps runtime.log before the
    user's first instruction: neither may import ``re``."""
    code = ("import sys; from pai_runtime import units; units.parse_size('1.5Gi'); units.timestamp(); "
            "units.format_duration(5400); print('re' in sys.modules)")
    out = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True,
                         cwd=str(__import__("pathlib").Path(__file__).resolve().parent.parent))
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"

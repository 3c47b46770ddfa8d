"""The value types every setting shares: sizes, durations, and the log timestamp.

Why one module: the first release had three size parsers with two meanings, so ``10M`` was
10,000,000 bytes in ``logs.maxSize`` and 10,485,760 in ``logs.searchWindow`` of the same
``logs:`` mapping. Every setting that takes a size or a duration reads it here, with one
meaning each (Supervisor's ``datatypes.py`` is the model).

- Sizes are Kubernetes quantities, because a job's users write them next to
  ``resources.limits``: ``k``/``M``/``G``/``T``/``P``/``E`` are powers of 1000,
  ``Ki``/``Mi``/``Gi``/``Ti``/``Pi``/``Ei`` powers of 1024, a plain integer is bytes. A
  trailing ``B`` is allowed (``256MiB``), suffixes are case-insensitive (``10m`` is 10 MB:
  Kubernetes' milli makes no sense for bytes), and fractions are exact (``1.5G`` is
  1,500,000,000).
- Durations are MLRun-style strings: "30s", "5m", "1h 30m", "2d", plain seconds, and
  "-1" (or "none") for no limit.

Stdlib only, and ``re`` only inside the duration parser: the job container's PID 1 reads
sizes and thresholds before it starts the user's command.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class UnitError(ValueError):
    """A size or duration that does not parse, or falls outside its bounds. The message
    is one line: what was given and what to write instead."""

#: float infinity (compared to instead of importing :mod:`math`: run imports this module)
_INF = float("inf")
_SIZE_UNITS = {"": 1}
for _i, _p in enumerate("kmgtpe", start=1):
    _SIZE_UNITS[_p] = 1000 ** _i
    _SIZE_UNITS[_p + "i"] = 1024 ** _i
for _k in list(_SIZE_UNITS):
    _SIZE_UNITS[_k + "b"] = _SIZE_UNITS[_k]
#: a longer text is not a size anyone means (and int() of 5,000 digits raises)
_MAX_SIZE_TEXT = 64
_SIZE_HINT = 'use bytes or a Kubernetes quantity, e.g. "256Mi", "1Gi", "100M", "1.5G"'


def parse_size(value: Any, *, minimum: int = 0, maximum: int | None = None, what: str = "size") -> int:
    """Bytes from ``268435456``, ``"256Mi"``, ``"256MiB"``, ``"100M"``, ``"1.5G"``.

    ``minimum``/``maximum`` bound the result (both inclusive); a value outside them, a
    negative one, or one that does not parse raises :class:`UnitError` naming ``what``.
    """
    if isinstance(value, bool) or value is None:
        raise UnitError(f"{what} {value!r} is not a size; {_SIZE_HINT}")
    if isinstance(value, int):
        n = value
    elif isinstance(value, float):
        if value != value or value in (_INF, -_INF):  # NaN, infinity
            raise UnitError(f"{what} {value!r} is not a size; {_SIZE_HINT}")
        n = int(value)
    else:
        n = _parse_size_text(str(value), what)
    if n < 0:
        raise UnitError(f"{what} {value!r} is negative; {_SIZE_HINT}")
    if n < minimum:
        raise UnitError(f"{what} {value!r} is below the minimum of {format_size(minimum)}")
    if maximum is not None and n > maximum:
        raise UnitError(f"{what} {value!r} is above the maximum of {format_size(maximum)}")
    return n


def _parse_size_text(text: str, what: str) -> int:
    raw = text.strip()
    if len(raw) > _MAX_SIZE_TEXT:
        raise UnitError(f"{what} {raw[:20]!r}... is not a size ({len(raw)} characters); {_SIZE_HINT}")
    i = 0
    while i < len(raw) and (raw[i].isdigit() or raw[i] == "."):
        i += 1
    number, unit = raw[:i], raw[i:].strip().lower()
    whole, _, frac = number.partition(".")
    if (not whole and not frac) or "." in frac or unit not in _SIZE_UNITS \
            or not (whole + frac).isascii():
        raise UnitError(f"{what} {raw!r} is not a size; {_SIZE_HINT}")
    mult = _SIZE_UNITS[unit]
    n = int(whole or "0") * mult
    if frac:  # exact: 1.5G is 1,500,000,000, not a float's neighbour of it
        n += int(frac) * mult // 10 ** len(frac)
    return n


def format_size(n: int) -> str:
    """``1048576`` -> ``"1Mi"``, ``1000000`` -> ``"1M"``, else plain bytes: exact, and
    read back by :func:`parse_size` as the same number."""
    if n > 0:
        for suffix in ("Ei", "Pi", "Ti", "Gi", "Mi", "Ki", "E", "P", "T", "G", "M", "k"):
            mult = _SIZE_UNITS[suffix.lower()]
            if n % mult == 0:
                return f"{n // mult}{suffix}"
    return str(n)


def human_size(n: float) -> str:
    """``1536`` -> ``"1.5 KiB"``: a size for a person to read in a message (rounded;
    :func:`format_size` is the exact one)."""
    for unit in ("B", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GiB"


_DURATION_UNITS = {"ms": 0.001, "s": 1.0, "sec": 1.0, "m": 60.0, "min": 60.0, "h": 3600.0,
                   "hr": 3600.0, "d": 86400.0}
_DURATION_HINT = 'use e.g. "30s", "5m", "1h 30m", "2d" or -1 for no limit'


def parse_duration(value: object) -> float | None:
    """Seconds as a float, or ``None`` for "no limit" (-1, "-1", "none"; YAML null is
    "not set", also ``None``).

    Raises :class:`UnitError` with the expected syntax for anything else, including
    negative values other than -1, an empty string, and infinity (``inf``, ``.inf``,
    ``1e400``, a 400-digit number): a typo or an overflow must not silently take a
    bound away (issue 18); -1 is the one spelling of "no limit" the docs give.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise UnitError(f"{value!r} is not a duration; {_DURATION_HINT}")
    if isinstance(value, (int, float)):
        try:
            seconds = float(value)
        except OverflowError:  # an int too large for a float: longer than any job runs
            seconds = float("inf") if value > 0 else float("-inf")
        return _seconds(seconds, str(value))
    text = str(value).strip()
    if text.lower() in ("-1", "none", "no limit"):
        return None
    if not text:
        raise UnitError(f"an empty string is not a duration; {_DURATION_HINT}")
    try:
        seconds = float(text)
    except ValueError:
        pass
    else:
        return _seconds(seconds, repr(text))
    if text.startswith("-"):
        raise UnitError(f"{text!r} is negative; use a positive duration or -1 for no limit")
    import re

    pos, total, matched = 0, 0.0, False
    for m in re.finditer(r"(\d+(?:\.\d+)?)\s*(ms|sec|min|hr|s|m|h|d)", text, re.IGNORECASE):
        if text[pos:m.start()].strip():
            break
        total += float(m.group(1)) * _DURATION_UNITS[m.group(2).lower()]
        pos, matched = m.end(), True
    if not matched or text[pos:].strip():
        raise UnitError(f"{text!r} is not a duration; {_DURATION_HINT}")
    return _seconds(total, repr(text))


def _seconds(seconds: float, shown: str) -> float | None:
    """Plain seconds. Why the checks: YAML and float() accept ``.nan``, ``nan`` and
    ``1e400`` (infinity); a NaN deadline never compares as passed and an infinite one
    breaks the arithmetic of every wait, so both are refused (-1 is "no limit")."""
    if seconds != seconds:  # NaN
        raise UnitError(f"{shown} is not a duration; {_DURATION_HINT}")
    if seconds == _INF:
        raise UnitError(f"{shown} is not a finite duration; {_DURATION_HINT}")
    if seconds == -1:
        return None
    if seconds < 0:
        raise UnitError(f"{shown} is negative; use a positive duration or -1 for no limit")
    return seconds


def format_duration(seconds: float | None) -> str:
    """``None`` -> ``"no limit"``, ``1.5`` -> ``"1.5s"``, ``90`` -> ``"90s"``,
    ``120`` -> ``"2m"``, ``5400`` -> ``"1h 30m"``: what a person would write in the
    config, read back by :func:`parse_duration` as the same value (to the second from
    two minutes on)."""
    if seconds is None:
        return "no limit"
    if seconds < 120:
        return f"{seconds:g}s"
    rest = int(round(seconds))
    parts = []
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size:
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return " ".join(parts)


def timestamp(now: float | None = None) -> str:
    """UTC with milliseconds, ``2026-12-07T03:12:17.123Z``: the one timestamp of every
    log line we write (runtime.log, init.log)."""
    if now is None:
        now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"

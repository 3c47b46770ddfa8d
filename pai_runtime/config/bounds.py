"""The job container's settings, resolved and checked against sane bounds at init.

Why at init: ``run`` is PID 1 of the job container; a config error it meets there fails
the job late, after the pod was scheduled and the image pulled, with the gang already
waiting (``logs.maxSize: 99999999999999999999Ei`` once passed init and failed ``run``).
So every value ``run`` will read from ``settings.json`` is parsed here, checked against
bounds no real job comes near (and that keep PID 1's arithmetic and rotation cheap), and
written resolved: sizes in bytes, durations in seconds. ``run`` checks the same bounds
(an older init, a hand-edited file) with the same constants.

Stdlib only (the constants are read by ``run``); :mod:`pai_runtime.units` parses.
"""

from __future__ import annotations

from pai_runtime.errors import ConfigError

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.config.yamlsource import Document

#: one log file: at least 4 KiB (rotation keeps lines whole), at most 16 TiB (larger than
#: any disk a log dir sits on; ``99999999999999999999Ei`` is a typo, not a plan)
MIN_LOG_SIZE = 4096
MAX_LOG_SIZE = 1 << 44
DEFAULT_LOG_SIZE = 256 * 1024 * 1024
#: files per stream, ``current`` included. Rotation renames each kept file once (the
#: layout's contract: ``current.1`` is the newest), so this bounds its cost: at most 99
#: renames a rotation (``maxFiles: 1000000000`` once meant 10^9 names at the first one).
#: Kubernetes keeps 5 container log files by default; 100 is far past any real need.
MAX_LOG_FILES = 100
DEFAULT_LOG_FILES = 2
#: the tail of the user's log the exit spec is matched against (no more than the log holds)
MAX_SEARCH_WINDOW = MAX_LOG_SIZE
#: longest killGrace: Kubernetes' own grace period ends long before
MAX_KILL_GRACE = 24 * 3600.0
#: longest running threshold and init plugin timeout ("-1" means no limit): a year;
#: beyond it, timers overflow (``Event.wait(1e300)`` raises OverflowError)
MAX_DURATION = 366 * 24 * 3600.0
LOG_MODES = ("split", "merged-only")
_DURATION_HINT = 'give e.g. "30s", "5m", "1h 30m", or -1 for no limit'


def duration(value: Any, where: str, what: str, *, maximum: float = MAX_DURATION,
             no_limit: bool = True) -> float | None:
    """Seconds (``None`` = no limit) of a duration setting, within ``maximum``."""
    from pai_runtime.units import UnitError, format_duration, parse_duration

    try:
        seconds = parse_duration(value)
    except UnitError as exc:
        raise ConfigError(f"invalid {what}: {exc}", where=where) from None
    if seconds is None and not no_limit:
        raise ConfigError(f"invalid {what}: {value!r} would mean no limit", where=where,
                          hint=f"give a duration up to {format_duration(maximum)}")
    if seconds is not None and seconds > maximum:
        raise ConfigError(f"invalid {what}: {value!r} is longer than {format_duration(maximum)}", where=where,
                          hint=_DURATION_HINT if no_limit else f"give a duration up to {format_duration(maximum)}")
    return seconds


def size(value: Any, where: str, what: str, *, minimum: int, maximum: int) -> int:
    from pai_runtime.units import UnitError, parse_size

    try:
        return parse_size(value, minimum=minimum, maximum=maximum, what=what)
    except UnitError as exc:  # its message names the setting
        raise ConfigError(str(exc), where=where) from None


def count(value: Any, where: str, what: str, *, minimum: int, maximum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise ConfigError(f"invalid {what}: {value!r} is not a whole number from {minimum} to {maximum}",
                          where=where, hint=f"e.g. {what}: {max(minimum, DEFAULT_LOG_FILES)}")
    return value


def job_settings(doc: Document) -> dict[str, Any]:
    """``running``, ``killGrace`` and ``logs`` of RUNTIME_CONFIG, resolved and checked."""
    data = doc.data if isinstance(doc.data, dict) else {}
    thresholds = data.get("thresholds") or {}
    if not isinstance(thresholds, dict):
        raise ConfigError("thresholds must be a mapping", where=doc.where(("thresholds",)),
                          hint='e.g. thresholds: {running: "24h"}')
    running = duration(thresholds.get("running"), doc.where(("thresholds", "running")), "running threshold")
    if running == 0:  # accepted and never applied before (issue 18)
        raise ConfigError("invalid running threshold: 0 would stop the job at once",
                          where=doc.where(("thresholds", "running")), hint='e.g. thresholds: {running: "24h"}, '
                          "or -1 for no limit")
    grace = None
    if data.get("killGrace") is not None:
        grace = duration(data["killGrace"], doc.where(("killGrace",)), "killGrace", maximum=MAX_KILL_GRACE)
    logs = data.get("logs") or {}
    if not isinstance(logs, dict):
        raise ConfigError("logs must be a mapping", where=doc.where(("logs",)), hint="e.g. logs: {maxSize: 256Mi}")
    out: dict[str, Any] = {
        "maxSize": size(logs.get("maxSize", DEFAULT_LOG_SIZE), doc.where(("logs", "maxSize")), "logs.maxSize",
                        minimum=MIN_LOG_SIZE, maximum=MAX_LOG_SIZE),
        "maxFiles": count(logs.get("maxFiles", DEFAULT_LOG_FILES), doc.where(("logs", "maxFiles")), "logs.maxFiles",
                          minimum=1, maximum=MAX_LOG_FILES),
        "mode": logs.get("mode") or "split",
    }
    if out["mode"] not in LOG_MODES:
        raise ConfigError(f"invalid logs.mode: {out['mode']!r} is not one of {', '.join(LOG_MODES)}",
                          where=doc.where(("logs", "mode")))
    if logs.get("searchWindow") is not None:
        out["searchWindow"] = size(logs["searchWindow"], doc.where(("logs", "searchWindow")), "logs.searchWindow",
                                   minimum=1, maximum=MAX_SEARCH_WINDOW)
    return {"running": running, "killGrace": grace, "logs": out}

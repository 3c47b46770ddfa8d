"""Exit classification: the exit spec, the classifier, the termination message.

Why import-light: ``pai-runtime run`` imports this package on its PID-1 path; RE2, YAML
and the classifier are imported only inside the two entry points below.

* :func:`install_spec` (init): load and validate the exit spec, write the normalised copy
  into ``runtime.d``; a bad spec fails init with 247 naming the entry and the pattern.
* :func:`finish` (run): classify the job's exit, write the termination message, return
  the code ``run`` exits with. Never raises.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` and ``pathlib`` cost the PID-1 path milliseconds; annotations are strings
    from pathlib import Path
    from typing import Any

    from pai_runtime.init.context import InitContext

#: The termination message of a successful run: written without importing the
#: classifier, so a job that succeeds pays nothing for the exit spec.
SUCCESS_MESSAGE = b"exitCode: 0\nphrase: Succeeded\n"


def finish(exit_code: int, *, layout: Any, settings: dict[str, Any], runtime_log: str | Path,
           forced: tuple[int, str] | None = None, attempt: Any = None, report: Any = None,
           say: Any = None, user_tail: bytes | None = None) -> int:
    """Classify ``exit_code`` (user log = ``layout.log_dir/"user-all"``, platform log =
    ``runtime_log``), write the termination message (``layout.termination_log`` and a copy
    in the log dir) and return the container's exit code. ``forced=(code, reason)`` skips
    matching (the running threshold). ``user_tail`` (bytes the log disk lost) is searched
    instead of the user log. Exit 0 writes a short success message and returns 0.
    """
    try:
        from pai_runtime.exitspec.jobexit import finish as _finish

        return _finish(exit_code, layout=layout, settings=settings, runtime_log=runtime_log, forced=forced,
                       attempt=attempt, report=report, say=say, user_tail=user_tail)
    except BaseException:  # noqa: BLE001 - even an import failure must not mask the user's code
        try:
            code = int(exit_code)
        except (TypeError, ValueError):
            return 255
        code = 128 - code if code < 0 else code
        return code if 0 <= code <= 255 else 255


def resolve_spec_path(ctx: InitContext) -> tuple[Path, str]:
    """RUNTIME_CONFIG ``exitSpec`` > ``$PAI_CONFIG_DIR/runtime-exit-spec.yaml`` > shipped."""
    from pathlib import Path

    from pai_runtime.errors import ConfigError
    from pai_runtime.exitspec.spec import SPEC_FILE, shipped_spec_path

    doc = ctx.runtime_config
    data = doc.data if isinstance(getattr(doc, "data", None), dict) else {}
    configured = data.get("exitSpec")
    if configured:
        p = Path(str(configured))
        if not p.is_absolute():
            p = ctx.layout.config_dir / p
        if not p.is_file():
            raise ConfigError(f"exit spec {str(p)!r} {_not_a_file(p)}", where=doc.where(("exitSpec",)),
                              hint="give the path of a runtime exit spec (relative paths are in PAI_CONFIG_DIR)")
        return p, "RUNTIME_CONFIG exitSpec"
    p = ctx.layout.config_dir / SPEC_FILE
    if p.is_file():
        return p, "config dir"
    return shipped_spec_path(), "shipped default"


def _not_a_file(p: Path) -> str:
    """What a path that is not a regular file is, in the words other inputs use: "does not
    exist" for a FIFO or a directory sent people looking for a missing file (issue 18)."""
    import os
    import stat

    try:
        mode = os.stat(p).st_mode
    except FileNotFoundError:
        return "is a dangling symlink" if os.path.islink(p) else "does not exist"
    except OSError as exc:
        return f"cannot be read: {exc.strerror or exc}"
    kind = ("a directory" if stat.S_ISDIR(mode) else "a FIFO" if stat.S_ISFIFO(mode)
            else "a socket" if stat.S_ISSOCK(mode) else "a device")
    return f"is {kind}, expected a regular file"


def install_spec(ctx: InitContext) -> None:
    """Load and validate the exit spec, write ``ctx.staging/"runtime-exit-spec.yaml"`` and the
    regex compile cache ``run`` loads beside it.

    The shipped spec is precompiled (exitspec/shipped.py, ``make exit-spec``): when the spec
    to install is that file byte for byte, its installed copy, cache and lint lines are
    written from there, without PyYAML, RE2 or the linter (~25 ms of init). Any other spec
    (the operator's, an edited copy, a shipped file the artefact is stale for) is loaded,
    validated and linted in full, and fails init with its one line.
    """
    from pai_runtime.exitspec import cache, shipped
    from pai_runtime.exitspec.spec import SPEC_FILE, installed_head, read_spec_file

    path, origin = resolve_spec_path(ctx)
    raw = read_spec_file(path)
    installed = ctx.staging / SPEC_FILE
    precompiled = len(raw) == shipped.SOURCE_SIZE and raw == b"".join(shipped.SOURCE_LINES)
    if precompiled:
        data = (installed_head(str(path), shipped.FORMAT) + "".join(shipped.INSTALLED_LINES)).encode()
        installed.write_bytes(data)
        # run loads the cache instead of validating the installed copy again
        (installed.parent / cache.CACHE_FILE).write_bytes(cache.dumps_body(shipped.BODY, data))
        fmt, entries, default = shipped.FORMAT, len(shipped.BODY["entries"]), shipped.BODY["default_code"]
        findings = [str(path) + line for line in shipped.LINT]
    else:
        from pai_runtime.exitspec import lint
        from pai_runtime.exitspec.spec import dump_installed, load_text

        spec = load_text(raw, str(path))
        installed.write_text(dump_installed(spec), encoding="utf-8")
        cache.write(spec, installed)
        fmt, entries, default = spec.format, len(spec.entries), spec.default_code
        findings = [f.line() for f in lint.lint(spec)[:20]] if getattr(ctx, "log", None) is not None else []
    log = getattr(ctx, "log", None)
    if log is not None:
        log.info("exit spec installed", source=str(path), origin=origin, format=fmt, entries=entries,
                 default=default, precompiled=precompiled)
        for finding in findings:
            log.warning("exit spec lint", finding=finding)

"""Init's half of the exit spec: pick the spec, validate it, install it into ``runtime.d``.

Why a module of its own and not the package's ``__init__``: ``pai-runtime run`` (the job
container's PID 1) imports the package on every start, and this code, which only init
runs, cost that start its loading (~0.1 ms on a loaded node, part of issue 19's budget).
``pai_runtime.exitspec.install_spec`` stays the entry point init calls.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from pai_runtime.init.context import InitContext


def resolve_spec_path(ctx: InitContext) -> tuple[str, str]:
    """RUNTIME_CONFIG ``exitSpec`` > ``$PAI_CONFIG_DIR/runtime-exit-spec.yaml`` > shipped;
    plain str paths (no pathlib on init's path), spelled as ``str(Path(...))`` spells them."""
    import os

    from pai_runtime.errors import ConfigError
    from pai_runtime.exitspec.spec import SPEC_FILE, shipped_spec_path
    from pai_runtime.layout import pure

    doc = ctx.runtime_config
    data = doc.data if isinstance(getattr(doc, "data", None), dict) else {}
    configured = data.get("exitSpec")
    if configured:
        p = pure(os.path.join(os.fspath(ctx.layout.config_dir), str(configured)))  # join keeps an absolute one
        if not os.path.isfile(p):
            raise ConfigError(f"exit spec {p!r} {_not_a_file(p)}", where=doc.where(("exitSpec",)),
                              hint="give the path of a runtime exit spec (relative paths are in PAI_CONFIG_DIR)")
        return p, "RUNTIME_CONFIG exitSpec"
    p = pure(os.path.join(os.fspath(ctx.layout.config_dir), SPEC_FILE))
    if os.path.isfile(p):
        return p, "config dir"
    return pure(shipped_spec_path()), "shipped default"


def _not_a_file(p: str) -> str:
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
    import os

    from pai_runtime.exitspec import cache, shipped
    from pai_runtime.exitspec.spec import SPEC_FILE, installed_head, read_spec_file

    path, origin = resolve_spec_path(ctx)
    raw = read_spec_file(path)
    installed = os.path.join(os.fspath(ctx.staging), SPEC_FILE)
    precompiled = len(raw) == shipped.SOURCE_SIZE and raw == b"".join(shipped.SOURCE_LINES)
    if precompiled:
        data = (installed_head(path, shipped.FORMAT) + "".join(shipped.INSTALLED_LINES)).encode()
        _write(installed, data)
        # run loads the cache instead of validating the installed copy again
        _write(os.path.join(os.path.dirname(installed), cache.CACHE_FILE), cache.dumps_body(shipped.BODY, data))
        fmt, entries, default = shipped.FORMAT, len(shipped.BODY["entries"]), shipped.BODY["default_code"]
        findings = [path + line for line in shipped.LINT]
    else:
        from pai_runtime.exitspec import lint
        from pai_runtime.exitspec.spec import dump_installed, load_text

        spec = load_text(raw, path)
        _write(installed, dump_installed(spec).encode("utf-8"))
        cache.write(spec, installed)
        fmt, entries, default = spec.format, len(spec.entries), spec.default_code
        findings = [f.line() for f in lint.lint(spec)[:20]] if getattr(ctx, "log", None) is not None else []
    log = getattr(ctx, "log", None)
    if log is not None:
        log.info("exit spec installed", source=path, origin=origin, format=fmt, entries=entries,
                 default=default, precompiled=precompiled)
        for finding in findings:
            log.warning("exit spec lint", finding=finding)


def _write(path: str, data: bytes) -> None:
    """``Path(path).write_bytes(data)`` without pathlib."""
    with open(path, "wb") as f:
        f.write(data)

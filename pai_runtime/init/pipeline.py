"""The init pipeline: run the init plugin spec in order, then publish ``runtime.d``.

Why staging: the job container trusts whatever is in ``runtime.d``. Plugins write into a
private staging directory; only when every plugin has passed is it renamed into place,
so a failed or interrupted init never leaves a half-written ``runtime.d`` behind.

Per plugin: its failure policy, its timeout, its output captured into ``init.log`` under
its name, and its duration. A built-in maps its failure to its documented exit code; an
external command may exit with one of the documented codes, anything else is 248.
"""

from __future__ import annotations

import _signal
import os
import threading
import time

from pai_runtime import envfile, errors, redact
from pai_runtime.config.sources import PluginSpec
from pai_runtime.errors import ConfigError, InternalError, PaiError, Skip, Terminated
from pai_runtime.init.context import InitContext
from pai_runtime.init.watchdog import STOP_SIGNALS
from pai_runtime.initplugins import BUILTINS
from pai_runtime.units import format_duration

TYPE_CHECKING = False  # typing, dataclasses and pathlib cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from pai_runtime.config.sources import InitSpec
    from pai_runtime.layout import Layout, PathStr

RUN_PARTS_NAME = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")
#: built-ins' threads still running after their timeout or a signal (init exits without
#: waiting for them: see init/run.py)
ABANDONED: list[threading.Thread] = []
#: time limit of each init.d drop-in script unless the spec's ``initScriptTimeout`` says
#: otherwise: a script that never ends must not hold the pod in Init forever
DEFAULT_INIT_SCRIPT_TIMEOUT = 600.0


class Outcome:
    """One row of the init summary."""

    __slots__ = ("name", "kind", "verdict", "seconds", "detail", "code")

    def __init__(self, name: str, kind: str, verdict: str, seconds: float, detail: str = "", code: int = 0) -> None:
        self.name = name
        self.kind = kind
        self.verdict = verdict  # passed | skipped | failed | ignored | stopped
        self.seconds = seconds
        self.detail = detail
        self.code = code


class _Step:
    __slots__ = ("spec", "module", "argv", "params", "script")

    def __init__(self, spec: PluginSpec, module: Any = None, argv: list[str] | None = None,
                 params: dict[str, Any] | None = None, script: bool = False) -> None:
        self.spec = spec
        self.module = module
        self.argv = argv
        self.params: dict[str, Any] = {} if params is None else params
        #: an init.d drop-in (not an entry of the spec)
        self.script = script


class Pipeline:
    def __init__(self, spec: InitSpec, ctx: InitContext) -> None:
        self.spec = spec
        self.ctx = ctx
        self.outcomes: list[Outcome] = []
        self.steps = self._prepare()

    # -- preparation: everything that can be checked before anything runs ---------------
    def _prepare(self) -> list[_Step]:
        steps = [self._prepare_one(p) for p in self.spec.plugins if p.enabled]
        scripts = [] if self.spec.init_scripts == "never" else self._init_scripts()
        if any(s.module is None for s in steps + scripts):
            # a command's runner, imported now: a SIGTERM that lands inside an import (its
            # module lock's callback) is printed as "Exception ignored" with a traceback
            # instead of stopping init, and the first command starts right after its log line
            from pai_runtime import childproc  # noqa: F401
            from pai_runtime.runtimeplugins import api  # noqa: F401
        names = {s.spec.name for s in steps}
        for s in scripts:
            if s.spec.name in names:
                raise ConfigError(f"init.d script {s.spec.name!r} has the name of a plugin in the spec",
                                  where=s.spec.where, hint="rename the script or the plugin")
        return scripts + steps if self.spec.init_scripts == "before" else steps + scripts

    def _prepare_one(self, p: PluginSpec) -> _Step:
        params = self.ctx.secrets.render_tree(p.parameters, used_in=f"{p.where}, parameters", track=False)
        if p.builtin is not None:
            target = BUILTINS.get(p.builtin)
            if target is None:
                import difflib

                close = difflib.get_close_matches(p.builtin, list(BUILTINS), n=1)
                hint = f"did you mean {close[0]!r}?" if close else f"known built-ins: {', '.join(sorted(BUILTINS))}"
                raise ConfigError(f"unknown built-in plugin {p.builtin!r}", where=p.where, hint=hint)
            try:
                module = __import__(target, fromlist=["run"])  # the module itself (importlib not needed)
            except ImportError as exc:
                raise InternalError(f"built-in plugin {p.builtin!r} cannot be loaded: {exc}",
                                    where=p.where) from None
            schema = getattr(module, "PARAMS_SCHEMA", None)
            if schema:
                _validate_params(schema, params, p)
            return _Step(p, module=module, params=params)
        argv = self._resolve_command(p)
        return _Step(p, argv=argv, params=params)

    def _resolve_command(self, p: PluginSpec) -> list[str]:
        import shlex
        import shutil

        from pai_runtime.layout import pure

        cmd = p.command
        try:
            argv = shlex.split(cmd) if isinstance(cmd, str) else list(cmd or [])
        except ValueError as exc:
            raise ConfigError(f"cannot parse command: {exc}", where=p.where,
                              hint="check the quotes in 'command'") from None
        if not argv:
            raise ConfigError("empty command", where=p.where, hint="give the program to run")
        exe = argv[0]
        init_dir = self.ctx.layout.init_dir
        if "/" in exe:
            path = pure(os.path.join(init_dir, exe))  # an absolute one stays itself
        else:
            found = shutil.which(exe, path=f"{init_dir}{os.pathsep}{self.ctx.environ.get('PATH', os.defpath)}")
            if found is None:
                raise ConfigError(f"command {exe!r} not found in {init_dir} or PATH", where=p.where,
                                  hint="install it in the init image, or give its full path")
            path = pure(found)
        if not os.path.isfile(path):
            raise ConfigError(f"command {path!r} does not exist", where=p.where,
                              hint="fix the path (relative paths are relative to init.d)")
        if not os.access(path, os.X_OK):
            raise ConfigError(f"command {path!r} is not executable", where=p.where,
                              hint=f"chmod +x {path}")
        argv[0] = path
        return argv

    def _init_scripts(self) -> list[_Step]:
        """Executables in init.d named like run-parts wants (letters, digits, _ and -),
        in lexical order; anything else there is ignored with a log line."""
        d = os.fspath(self.ctx.layout.init_dir)
        if not os.path.isdir(d):
            return []
        timeout = self._init_script_timeout()
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise ConfigError(f"cannot list init.d: {exc.strerror}", where=d) from None
        steps = []
        for e in entries:
            if not e.is_file():  # follows a symlink, as Path.is_file does
                continue
            if not set(e.name) <= RUN_PARTS_NAME or not os.access(e.path, os.X_OK):
                if not e.name.startswith("."):  # a skipped script is a likely mistake: say so, list it
                    why = "name is not run-parts style" if not set(e.name) <= RUN_PARTS_NAME else "no execute bit"
                    self.outcomes.append(Outcome(e.name, "init.d", "skipped", 0.0, why))
                    if self.ctx.log is not None:
                        self.ctx.log.warning("init.d script skipped (needs a run-parts name and +x)",
                                             file=e.path, reason=why)
                continue
            spec = PluginSpec(name=e.name, builtin=None, command=[e.path], parameters={},
                              failure_policy="fail", timeout=timeout, where=e.path)
            steps.append(_Step(spec, argv=[e.path], script=True))
        return steps

    def _init_script_timeout(self) -> float | None:
        """``initScriptTimeout`` of the spec (a duration, -1 = none), else 10 minutes."""
        doc = self.spec.document
        data = doc.data if doc is not None and isinstance(doc.data, dict) else {}
        if "initScriptTimeout" not in data:
            return DEFAULT_INIT_SCRIPT_TIMEOUT
        where = doc.where(("initScriptTimeout",)) if doc is not None else "initScriptTimeout"
        from pai_runtime.config import bounds

        timeout = bounds.duration(data["initScriptTimeout"], where, "initScriptTimeout")  # at most 366d
        if timeout == 0:
            raise ConfigError("invalid initScriptTimeout: 0 would stop every init.d script at once", where=where,
                              hint="use a positive duration or -1 for no limit")
        return timeout

    # -- running ---------------------------------------------------------------------
    def run(self) -> int:
        log = self.ctx.log
        for step in self.steps:
            if self.ctx.stop_signal is not None:  # a signal came while the last plugin was ending
                raise Terminated(self.ctx.stop_signal)
            name = step.spec.name
            kind = f"builtin:{step.spec.builtin}" if step.module is not None else "command"
            from pai_runtime import log as logmod

            logmod.bind_plugin(name)
            log.info("plugin starting", kind=kind,
                     timeout=step.spec.timeout if step.spec.timeout is not None else "none")
            start = time.monotonic()
            self.ctx.deadline = (start + step.spec.timeout) if step.spec.timeout is not None else None
            try:
                detail = (self._run_builtin(step) if step.module is not None
                          else self._run_command(step)) or ""
            except Terminated as exc:  # the summary names the plugin the signal stopped
                self.outcomes.append(Outcome(name, kind, "stopped", time.monotonic() - start,
                                             f"by signal {exc.signum}", errors.signal_exit_code(exc.signum)))
                logmod.bind_plugin(None)
                raise
            except Skip as exc:
                outcome = Outcome(name, kind, "skipped", time.monotonic() - start, str(exc))
                log.info("plugin skipped", reason=str(exc))
            except PaiError as exc:
                outcome = Outcome(name, kind, "failed", time.monotonic() - start, exc.line(), exc.code)
                if step.spec.failure_policy == "ignore":
                    outcome.verdict = "ignored"
                    log.warning("plugin failed; failurePolicy is ignore, going on",
                                error=exc.line(), code=exc.code)
                else:
                    log.error("plugin failed", error=exc.line(), code=exc.code)
                    self.outcomes.append(outcome)
                    logmod.bind_plugin(None)
                    raise
            else:
                outcome = Outcome(name, kind, "passed", time.monotonic() - start, detail)
                log.info("plugin passed", seconds=round(outcome.seconds, 3),
                         **({"result": detail} if detail else {}))
            finally:
                self.ctx.deadline = None
            self.outcomes.append(outcome)
            logmod.bind_plugin(None)
        if self.ctx.stop_signal is not None:
            raise Terminated(self.ctx.stop_signal)
        return 0

    def _run_builtin(self, step: _Step) -> str | None:
        """Run in a worker thread so the timeout can stop waiting for it; a built-in without
        a timeout runs in this thread (:meth:`_run_builtin_here`)."""
        if step.spec.timeout is None:
            return self._run_builtin_here(step)
        result: dict[str, Any] = {}

        def target() -> None:
            try:
                result["value"] = step.module.run(self.ctx, step.params)
            except BaseException as exc:  # noqa: BLE001 - re-raised in the main thread
                result["error"] = exc

        import contextvars

        # the worker thread sees the plugin/phase tags bound in this thread's context
        run_in_context = contextvars.copy_context().run
        t = threading.Thread(target=run_in_context, args=(target,), name=f"plugin-{step.spec.name}",
                             daemon=True)
        t.start()
        try:
            self._wait_builtin(t, step)
        finally:
            if t.is_alive():  # a timeout or a signal: told through ctx.cancelled, not waited for
                ABANDONED.append(t)
        if "error" in result:
            exc = result["error"]
            if isinstance(exc, (PaiError, Skip)):
                raise exc
            if isinstance(exc, Terminated):
                raise exc
            raise InternalError(f"crashed: {type(exc).__name__}: {redact.scrub(str(exc))}",
                                where=f"init plugin {step.spec.name}",
                                hint="this is a bug; init.log has the details") from exc
        return result.get("value")

    def _run_builtin_here(self, step: _Step) -> str | None:
        """A built-in without a timeout, in this (the main) thread and a copy of its context.

        Why not a worker thread here too: with no timeout to keep, the thread's start and
        join are only four hand-offs of the interpreter lock, each a wait for the scheduler:
        7.5 ms of the bench's five built-ins on a loaded two-core node (23.3 against 15.8 ms
        of init's work, median of 40 alternating warm runs), 0.1 ms on an idle one. A
        signal still stops it at once: its handler raises :class:`Terminated` in the
        built-in's code (Python's waits and sleeps return to run handlers), and once
        ``ctx.stop_signal`` is set whatever the built-in made of that (its own ``except
        Exception``, a result) ends the step as stopped by that signal. A built-in stuck in
        a C call that no signal interrupts is ended by the watchdog (128+N after the grace)."""
        import contextvars

        try:
            value = contextvars.copy_context().run(step.module.run, self.ctx, step.params)
        except (PaiError, Skip, Terminated):
            if self.ctx.stop_signal is not None:
                raise Terminated(self.ctx.stop_signal) from None
            raise
        except BaseException as exc:  # noqa: BLE001 - what the worker thread turns into its error
            if self.ctx.stop_signal is not None:
                raise Terminated(self.ctx.stop_signal) from None
            raise InternalError(f"crashed: {type(exc).__name__}: {redact.scrub(str(exc))}",
                                where=f"init plugin {step.spec.name}",
                                hint="this is a bug; init.log has the details") from exc
        if self.ctx.stop_signal is not None:
            raise Terminated(self.ctx.stop_signal)
        return value

    def _wait_builtin(self, t: threading.Thread, step: _Step) -> None:
        """Until the built-in's thread ends or its timeout passes (then it is told through
        ``ctx.cancelled`` and abandoned: a thread cannot be stopped from outside)."""
        while t.is_alive():
            left = self.ctx.remaining()
            if left is not None and left <= 0:
                self.ctx.cancelled.set()
                from pai_runtime import childproc

                if childproc.active():  # a child of the built-in (a runtime plugin): its runner
                    t.join(childproc.DEFAULT_GRACE + 1.0)  # stops the group (TERM, KILL after the grace)
                # the plugins after this one (failurePolicy: ignore) get an event of their own:
                # the set one stays with the abandoned built-in
                self.ctx.cancelled = threading.Event()
                code = getattr(step.module, "TIMEOUT_CODE", errors.UNKNOWN_INIT_ERROR)
                raise PaiError(f"timed out after {format_duration(step.spec.timeout)}", code=code,
                               where=f"init plugin {step.spec.name}",
                               hint="raise its 'timeout' in the init plugin spec")
            t.join(0.05 if left is None else min(0.05, left))

    def _run_command(self, step: _Step) -> str | None:
        """An external init plugin or init.d script, through the one child runner
        (:mod:`pai_runtime.childproc`), with the same input JSON file as a runtime plugin
        (``PAI_PLUGIN_INPUT``, ``kind: init``); ``PAI_PLUGIN_PARAMS`` and ``PAI_PLUGIN_ENV``
        stay as the first release's aliases."""
        assert step.argv is not None
        import json

        from pai_runtime import childproc
        from pai_runtime.runtimeplugins import api

        ctx = self.ctx
        work = os.fspath(ctx.staging)
        name = step.spec.name
        where = f"init plugin {name}"
        params_file = os.path.join(work, f".params-{name}.json")
        input_file = os.path.join(work, f".plugin-input-{name}.json")
        env_out = os.path.join(work, f".env-{name}")
        cwd = ctx.layout.init_dir if os.path.isdir(ctx.layout.init_dir) else ctx.layout.work_dir
        fd = os.open(params_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_CLOEXEC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as f:  # owner-only: rendered secrets
            f.write(json.dumps(step.params))  # dumps: the C encoder (dump streams in Python)
        api.write_input(input_file, self._plugin_input(step, env_out, cwd))
        env = dict(ctx.environ)
        env.update(ctx.layout.env())
        env.update(ctx.runtime_env)
        env.update({"PAI_PLUGIN_NAME": name, "PAI_PLUGIN_INPUT": input_file,
                    "PAI_PLUGIN_PARAMS": params_file, "PAI_PLUGIN_ENV": env_out,
                    "PAI_RUNTIME_DIR": work, "PAI_FINAL_RUNTIME_DIR": str(ctx.layout.runtime_dir)})
        try:
            outcome = childproc.run(step.argv, cwd=cwd, env=env, on_line=self._plugin_line,
                                    deadline=ctx.deadline, cancelled=ctx.cancelled)
        except childproc.StartError as exc:
            raise ConfigError(f"cannot start {step.argv[0]!r}: {exc.strerror}", where=step.spec.where) from None
        finally:
            _unlink(params_file)
            _unlink(input_file)
        if outcome.dropped and ctx.log is not None:  # init.log shares the job's log volume
            ctx.log.warning(f"{outcome.dropped} bytes of the plugin's output were not logged "
                            f"(init.log keeps the first {childproc.MAX_OUTPUT >> 20} MiB of each plugin's output)",
                            dropped=outcome.dropped)
        if outcome.cancelled:
            _unlink(env_out)
            raise Terminated(ctx.stop_signal or _signal.SIGTERM)
        if outcome.timed_out:
            _unlink(env_out)
            raise PaiError(f"timed out after {format_duration(step.spec.timeout)}", where=where,
                           hint="raise initScriptTimeout in the init plugin spec (default 10m; -1 = none)"
                           if step.script else "raise its 'timeout' in the init plugin spec")
        if outcome.left_behind and ctx.log is not None:
            ctx.log.warning("the plugin exited and left processes of its group running; they were stopped",
                            signal=outcome.stopped_by)
        code = outcome.code
        if code == 0:
            if os.path.exists(env_out):
                try:
                    from pai_runtime.config import yamlsource

                    text = yamlsource.read_text(env_out, "the env file it wrote")  # bounded, a regular file
                    added = envfile.parse_docker_env_file(text, env_out, {})
                except (ValueError, UnicodeDecodeError) as exc:
                    raise PaiError(f"wrote an invalid env file: {exc}", where=where) from None
                finally:
                    _unlink(env_out)
                ctx.runtime_env.update(added)
            return None
        _unlink(env_out)
        if code < 0:
            raise PaiError(f"killed by signal {-code}", where=where)
        mapped = code if code in errors.PLUGIN_PASSTHROUGH_CODES else errors.UNKNOWN_INIT_ERROR
        raise PaiError(f"exited with code {code}" + ("" if mapped == code else " (reported as 248)"),
                       code=mapped, where=where, hint="see its output above in init.log")

    def _plugin_input(self, step: _Step, env_out: str, cwd: str) -> dict[str, Any]:
        """An external init plugin's input JSON: a runtime plugin's fields (the task part
        from the same function), no pre/post snippet files, the env file to write instead."""
        from pai_runtime.openpai import jobconfig
        from pai_runtime.runtimeplugins.request import TaskInfo, current_task
        from pai_runtime.runtimeplugins.run import task_fields

        ctx = self.ctx
        try:
            task = current_task(ctx, jobconfig.load(ctx.layout, ctx.runtime_config))
        except ConfigError:  # a bad job config: the plugins that need one say so themselves
            task = TaskInfo(role=None, index=None, job_config=None)
        return {
            "name": step.spec.name, "instance": step.spec.name, "kind": "init",
            "parameters": step.params, "failurePolicy": step.spec.failure_policy,
            **task_fields(task),
            "preCommands": None, "postCommands": None, "envOut": env_out,
            "outDir": str(ctx.staging), "runtimeOutDir": str(ctx.layout.runtime_dir),
            "pluginDir": str(cwd), "local": bool(ctx.local), "env": dict(ctx.runtime_env),
        }

    def _plugin_line(self, raw: bytes) -> None:
        self.ctx.log.info(raw.decode("utf-8", "replace"), stream="output")

    def terminate(self, signum: int) -> bool:
        """SIGTERM/SIGINT/SIGHUP: ask the running plugin to stop. True while a child runs
        through :mod:`pai_runtime.childproc`: that runner then stops its group (TERM, KILL
        after the grace) and init goes on to exit 128+N; False when the caller should stop
        waiting at once (a built-in, or between plugins).

        Only an imported runner is asked: a signal that lands while the main thread is
        still importing :mod:`pai_runtime.childproc` met a partial module (AttributeError,
        248 with a traceback); no child runs then, so init stops at once."""
        import sys

        self.ctx.stop_signal = signum
        self.ctx.cancelled.set()
        active = getattr(sys.modules.get("pai_runtime.childproc"), "active", None)
        return active is not None and active() > 0


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _validate_params(schema: dict[str, Any], params: dict[str, Any], p: PluginSpec) -> None:
    from pai_runtime.config.schema import problem

    found = problem(schema, params)
    if found:
        msg, hint, path = found
        field = ".".join(map(str, path))
        raise ConfigError(f"invalid parameters of {p.builtin!r}: {msg}" + (f" (at {field})" if field else ""),
                          where=p.where, hint=hint)


# -- publishing runtime.d ---------------------------------------------------------------
def _split(path: str) -> tuple[str, str]:
    """(parent, name) of a :func:`pai_runtime.layout.pure` path, as ``Path.parent`` and
    ``Path.name`` give them (the parent of ``x`` is ``.``)."""
    parent, name = os.path.split(path)
    return parent or ".", name


def new_staging(layout: Layout) -> PathStr:
    """A fresh private staging dir next to ``runtime.d`` (same filesystem, so the final
    rename is atomic); stale ones from a killed init are removed."""
    from pai_runtime.layout import PathStr

    parent, name = _split(layout.runtime_dir)
    prefix = f".{name}.staging-"
    staging = PathStr(os.path.join(parent, f"{prefix}{os.getpid()}"))
    try:
        os.makedirs(parent, exist_ok=True)
        for old in os.listdir(parent):
            if old.startswith(prefix):
                import shutil

                shutil.rmtree(os.path.join(parent, old), ignore_errors=True)
        os.mkdir(staging, 0o755)
    except OSError as exc:
        reason = ("a part of its path is a file, not a directory"
                  if isinstance(exc, (FileExistsError, NotADirectoryError)) else exc.strerror or str(exc))
        raise ConfigError(f"cannot create runtime.d: {reason}", where=str(exc.filename or parent),
                          hint="PAI_RUNTIME_DIR must be in a writable directory (the shared work volume)") from None
    return staging


def publish(staging: str, layout: Layout) -> None:
    """Atomically replace ``runtime.d`` with the staging dir."""
    final = layout.runtime_dir
    parent, name = _split(final)
    trash = os.path.join(parent, f".{name}.old-{os.getpid()}")
    if os.path.lexists(final):
        os.rename(final, trash)
    os.rename(staging, final)
    if os.path.lexists(trash):  # shutil only when there is something to remove
        import shutil

        shutil.rmtree(trash, ignore_errors=True)


def retract(layout: Layout) -> None:
    """Remove a previous ``runtime.d`` at the start of init, so a job container never
    starts from the output of an older, different init."""
    final = layout.runtime_dir
    if os.path.exists(final):
        parent, name = _split(final)
        trash = os.path.join(parent, f".{name}.old-{os.getpid()}")
        try:
            os.rename(final, trash)
        except OSError as exc:
            raise ConfigError(f"cannot remove the previous runtime.d: {exc.strerror}", where=final,
                              hint="PAI_RUNTIME_DIR must be in a writable directory (the shared work volume)") from None
        import shutil

        shutil.rmtree(trash, ignore_errors=True)


def on_signals(handler: Callable[[int], None]) -> None:
    """``handler(signum)`` on SIGTERM, SIGINT and SIGHUP (through :mod:`_signal`: the
    :mod:`signal` wrapper's enums cost init's start ~0.6 ms; the number is the same int)."""
    for sig in STOP_SIGNALS:
        _signal.signal(sig, lambda s, f: handler(s))

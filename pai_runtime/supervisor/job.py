"""The job container's sequence: env, settings, addons, pre-commands, the user command,
post-commands, then the exit classification and termination message.

Why one function owns the order: the exit code the platform reads depends on which step
failed and how (OpenPAI semantics: a failing pre-command stops the job with its code;
post-commands run only after the user command succeeded and their failure becomes the
job's code; the running threshold and a stop request skip what follows). Everything up to
the user command is stdlib-only and light; the classifier is imported after it ended.
"""

import os
import sys
import time

from pai_runtime import envfile
from pai_runtime.layout import Paths
from pai_runtime.supervisor import pid1
from pai_runtime.supervisor.logs import (
    DEFAULT_MAX_FILES,
    DEFAULT_MAX_SIZE,
    MAX_LOG_FILES,
    Capture,
    Console,
    LineSink,
    RuntimeLog,
    parse_size,
)

TYPE_CHECKING = False  # typing costs ms on the PID-1 path; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, NoReturn

CONFIG_INVALID = 247
INTERNAL_ERROR = 248
ADDON_FAILED = 33
RUNNING_THRESHOLD_EXCEEDED = 236
DEFAULT_GRACE = 10.0
#: Kept between our SIGKILL and the pod's: reaping, draining, classifying.
TERMINATION_MARGIN = 3.0
#: The bounded loader's caps (:mod:`pai_runtime.config.yamlsource` MAX_BYTES, MAX_DEPTH,
#: MAX_INT_DIGITS; tests hold them equal): the fast read of init's files keeps them.
INPUT_MAX_BYTES = 4 * 1024 * 1024
INPUT_MAX_DEPTH = 64
INPUT_MAX_INT = 10 ** 64  # the smallest integer with more than 64 digits
_S_IFMT, _S_IFREG = 0o170000, 0o100000
#: Bytes read at a time from a file of runtime.d that is larger than it said.
CHUNK = 65536
#: What :meth:`Job._input_json` returns for an optional file that is not there (``null`` is
#: a document, and a wrong one for settings.json).
MISSING = object()



def user_environ() -> "dict[str, str]":
    """Our environment as the user's commands get it: without what the interpreter added.

    Python's C-locale coercion (PEP 538) sets ``LC_CTYPE=C.UTF-8`` in its own environment
    when the image's locale is C or not installed, even over an ``LC_CTYPE`` the image set;
    the user's programs must see the image's locale, so ``LC_CTYPE`` is what the environment
    this process was started with (the kernel's copy, ``/proc/self/environ``) had: that
    value, or none.
    """
    env = dict(os.environ)
    if "LC_CTYPE" in env:
        try:
            original = pid1.read_small("/proc/self/environ").split(b"\0")
        except OSError:
            return env
        was = next((e[len(b"LC_CTYPE="):] for e in original if e.startswith(b"LC_CTYPE=")), None)
        if was is None:
            del env["LC_CTYPE"]
        else:
            env["LC_CTYPE"] = os.fsdecode(was)
    return env


def shell() -> str:
    """``/bin/sh`` of the image, or the bundle's static busybox ``sh`` in an image without one
    (distroless): rendered scripts run either way."""
    if os.path.exists("/bin/sh"):
        return "/bin/sh"
    home = getattr(sys, "_MEIPASS", None)
    if home and os.path.exists(os.path.join(home, "bin", "sh")):
        return os.path.join(home, "bin", "sh")
    return "/bin/sh"

class Stop(Exception):
    """End the job now with ``code``; ``forced`` is the reason that skips matching."""

    def __init__(self, code: int, message: "str | None" = None, *, forced: bool = False) -> None:
        super().__init__(message or f"exit {code}")
        self.code = code
        self.message = message
        self.forced = forced


def _seconds(value: "Any", what: str) -> float:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0:
            raise ValueError(f"{what}: {value} is negative")
        return float(value)
    from pai_runtime.units import UnitError, parse_duration

    try:
        parsed = parse_duration(value)
    except UnitError as exc:
        raise ValueError(f"{what}: {exc}") from None
    if parsed is None:
        raise ValueError(f"{what}: {value!r} is not a finite duration")
    return parsed


class Job:
    def __init__(self, argv: "list[str]", *, local: bool) -> None:
        self.argv = argv[1:] if argv and argv[0] == "--" else list(argv)
        self.local = local
        self.init = pid1.Init()   # first: signal handlers before anything can arrive
        self.err = Console(2, self.init)
        self.out = Console(1, self.init)
        self.rlog = RuntimeLog(None, self.err)
        self.init.say = self.rlog.say
        self.layout: Paths | None = None
        self.settings: dict[str, Any] = {}
        self.capture: Capture | None = None
        #: Output pipes of services the pre-commands left running, read until the end.
        self.background: list[LineSink] = []
        #: This run's attempt record and the cgroup's OOM kill count (pai_runtime.exitspec).
        self.attempt: Any = None
        self.oom: Any = None

    # -- the sequence ------------------------------------------------------------------------
    def run(self) -> int:
        try:
            code, forced = self._sequence(), None
        except Stop as stop:
            code = stop.code
            forced = (stop.code, stop.message or "") if stop.forced else None
        except Exception as exc:  # noqa: BLE001 - our bug: one line out, details in runtime.log
            self._internal_error(exc)
            code, forced = INTERNAL_ERROR, (INTERNAL_ERROR, f"pai-runtime internal error: {type(exc).__name__}")
        final = self._finish(code, forced)
        peak = _peak_rss_kib()
        dropped = self.out.dropped + self.err.dropped
        self.rlog.line("pai-runtime", f"exiting with code {final} (user/orphan processes reaped: "
                       f"{self.init.reaped_orphans}; peak RSS {peak / 1024:.1f} MiB; console bytes dropped: "
                       f"{dropped})", echo=False)
        self.err.close()
        self.out.close()
        self.rlog.close()
        return final

    def _sequence(self) -> int:
        # Paths as strings: pathlib (re, fnmatch, urllib.parse, enum) costs every start ~10 ms.
        self.layout = layout = Paths.from_env(local=self.local)
        try:
            runtime_log = _join(layout.log_dir, "runtime.log")
            try:  # where init made the log dir (or a restart), opening is the only system call
                rlog = RuntimeLog(runtime_log, self.err)
            except FileNotFoundError:
                os.makedirs(layout.log_dir, exist_ok=True)
                rlog = RuntimeLog(runtime_log, self.err)
            earlier = os.fstat(rlog.fd).st_size  # where this attempt's lines start
            self.rlog = rlog
        except OSError as exc:
            self._error(f"cannot create the log dir {layout.log_dir}: {exc.strerror} "
                        "(make PAI_WORK_DIR a writable volume, or set PAI_LOG_DIR)")
            raise Stop(CONFIG_INVALID) from None
        self.init.say = self.rlog.say
        self._start_attempt(layout, earlier)
        self._load_redactions(layout)
        env = self._load_env(layout)
        self.settings = self._load_settings(layout)
        grace, running, log_cfg = self._resolve(self.settings)
        self.init.grace = grace
        command = self._command(layout)
        mode = "PID 1" if self.init.pid1 else ("child subreaper" if self.init.subreaper else
                                               "not PID 1, subreaper refused: orphans are not reaped")
        from pai_runtime.units import format_duration  # the one duration formatter (stdlib, no re)

        self.rlog.say(f"run starting ({mode}); grace {format_duration(grace)}; running threshold "
                      f"{format_duration(running) if running else 'none'}; logs {log_cfg['mode']} "
                      f"{log_cfg['maxSize']} B x {log_cfg['maxFiles']} in {layout.log_dir}")

        self._apply_addons(layout)
        self._check_stop()
        pre = _join(layout.runtime_dir, "precommands.sh")
        if os.path.isfile(pre):
            code = self._script(pre, "precommands", env, leave_running=True)
            if code != 0:
                self.rlog.say(f"pre-commands failed with code {code}; the user command is not run")
                return code
        self._check_stop()
        code = self._user_command(command, env, layout, running, log_cfg)
        if code != 0:
            return code
        post = _join(layout.runtime_dir, "postcommands.sh")
        if os.path.isfile(post):
            if self.init.stop_signal is not None:
                self.rlog.say("post-commands skipped: the container is being stopped")
                return code
            code = self._script(post, "postcommands", env)
            if code != 0:
                self.rlog.say(f"post-commands failed with code {code}")
        return code

    def _start_attempt(self, layout: "Paths", runtime_log_size: int) -> None:
        """Record where the logs stand: a container restarted in the same pod appends to
        the same log dir, and its classification must read only its own output."""
        from pai_runtime import exitspec as attempt  # the record lives in the package (one module less)
        from pai_runtime.units import timestamp

        self.attempt = attempt.start(layout.log_dir, runtime_log_size, timestamp())
        self.oom = attempt.OomCounter()
        error = attempt.save(layout.log_dir, self.attempt)
        a = self.attempt
        if a.number == 1:
            where = "the first in this log dir"
        else:
            mark = f", user-all/current from byte {a.user_mark[1]}" if a.user_mark else ""
            where = (f"earlier attempts' output stays in the logs; this attempt's is classified "
                     f"(runtime.log from byte {a.platform_offset}{mark})")
        self.rlog.say(f"attempt {a.number}: {where}" + (f"; {error}" if error else ""))

    def _end_attempt(self, capture: "Capture") -> None:
        if self.attempt is None or self.layout is None:
            return
        from pai_runtime import exitspec as attempt  # the record lives in the package (one module less)

        self.attempt.user_bytes = capture.all_bytes
        error = attempt.save(self.layout.log_dir, self.attempt)
        if error:
            self.rlog.say(error)

    def collector_on(self) -> None:
        """The garbage collector on for the rest of the run (``supervisor.main`` turned it
        off for the start), with what the start made frozen: it lives as long as we do, so
        no collection during the job, however long, needs to look at it again."""
        import gc

        if not gc.isenabled():
            gc.freeze()
            gc.enable()

    def _check_stop(self) -> None:
        self.init.idle_signals()
        sig = self.init.stop_signal
        if sig is not None:
            raise Stop(128 + sig)

    # -- inputs ------------------------------------------------------------------------------
    def _load_redactions(self, layout: "Paths") -> None:
        """Secret values init rendered into runtime.d: masked in runtime.log and in the
        termination message from here on (the job container cannot read secrets.yaml)."""
        path = _join(layout.runtime_dir, "redact.json")
        if not os.path.isfile(path):
            return
        from pai_runtime import redact

        if not os.access(path, os.R_OK):
            self.rlog.say(f"{path} is not readable by this user: secret values are not masked in runtime.log")
            return
        values = self._input_json(path, "the secret list", "(re-run init)")
        if not isinstance(values, list):
            self._config_error(f"{path}: expected a JSON list of strings (re-run init)")
        redact.register_all(v for v in values if isinstance(v, str))

    def _load_env(self, layout: "Paths") -> "dict[str, str]":
        env = user_environ()
        for key, value in layout.env().items():
            env.setdefault(key, value)
        path = _join(layout.runtime_dir, "env")
        raw = self._input(path, "the runtime env", "(re-run init, or fix the file)", missing_ok=True)
        if raw is not None:
            try:
                env.update(envfile.loads(raw.decode("utf-8", "surrogateescape")))
            except ValueError as exc:
                self._config_error(f"{path}: cannot load the runtime env: {exc} (re-run init, or fix the file)")
        return env

    def _load_settings(self, layout: "Paths") -> "dict[str, Any]":
        path = _join(layout.runtime_dir, "settings.json")
        data = self._input_json(path, "the job settings", "(re-run init)", missing_ok=True)
        if data is MISSING:
            return {}
        if not isinstance(data, dict):
            self._config_error(f"{path}: not a JSON object (re-run init)")
        return data

    def _input(self, path: str, what: str, fix: str, *, missing_ok: bool = False) -> "bytes | None":
        """The bytes of a file init wrote into runtime.d, within the bounded loader's caps;
        None for a file that is not there when ``missing_ok`` (an optional input: the open
        says so, no stat first).

        Why not :func:`pai_runtime.config.yamlsource.read_file` straight away: importing
        it (with :mod:`pai_runtime.errors`) costs every job start a millisecond, and
        init's files are small regular files. Anything else (a device, a FIFO, a file
        over the cap, an error) goes to the bounded loader, which refuses it in its words.
        O_NONBLOCK keeps the open of a FIFO from hanging; on a regular file it changes
        nothing (open(2)), so it stays set, and a read shorter than asked is the file's end:
        two system calls fewer per file of every job start."""
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC | os.O_NONBLOCK | os.O_NOCTTY)
        except (FileNotFoundError, NotADirectoryError):
            if missing_ok:
                return None
            fd = -1
        except OSError:
            fd = -1
        if fd >= 0:
            try:
                st = os.fstat(fd)
                if st.st_mode & _S_IFMT == _S_IFREG and st.st_size <= INPUT_MAX_BYTES:
                    chunks, total = [], 0
                    while total <= INPUT_MAX_BYTES:
                        # what it holds and one more (a file that grew meanwhile is read on),
                        # not the cap: a 4 MiB buffer per small file is an mmap and munmap
                        want = min(INPUT_MAX_BYTES + 1 - total, max(st.st_size + 1, CHUNK))
                        chunk = os.read(fd, want)
                        chunks.append(chunk)
                        total += len(chunk)
                        if len(chunk) < want:  # the end (so within the cap: want ends one past it)
                            return b"".join(chunks)
            except OSError:
                pass
            finally:
                os.close(fd)
        return self._loader(lambda ys: ys.read_file(path, what), fix)

    def _input_json(self, path: str, what: str, fix: str, *, missing_ok: bool = False) -> "Any":
        """A JSON file of runtime.d, parsed within the loader's caps (size, depth, digits);
        a document that breaks one is handed to the loader, which says which.
        :data:`MISSING` for a file that is not there when ``missing_ok``."""
        from pai_runtime import fastjson

        raw = self._input(path, what, fix, missing_ok=missing_ok)
        if raw is None:
            return MISSING
        try:
            data = fastjson.loads(raw)
        except (ValueError, TypeError, RecursionError):
            pass
        else:
            if _within_caps(data):
                return data
        return self._loader(lambda ys: ys.parse_json(raw, path), fix)

    def _loader(self, call: "Callable[[Any], Any]", fix: str) -> "Any":
        from pai_runtime.config import yamlsource
        from pai_runtime.errors import ConfigError

        try:
            return call(yamlsource)
        except ConfigError as exc:
            self._config_error(f"{exc.line()} {fix}")

    def _resolve(self, settings: "dict[str, Any]") -> "tuple[float, float | None, dict[str, Any]]":
        """Grace, running threshold and log settings, each validated with a clear line."""
        where = "runtime.d/settings.json"
        try:
            grace = DEFAULT_GRACE
            if os.environ.get("PAI_KILL_GRACE"):
                grace = _seconds(os.environ["PAI_KILL_GRACE"], "PAI_KILL_GRACE")
            if settings.get("killGrace") is not None:
                grace = _seconds(settings["killGrace"], f"{where} killGrace (RUNTIME_CONFIG killGrace)")
            pod = os.environ.get("PAI_TERMINATION_GRACE")
            if pod:
                grace = min(grace, max(0.0, _seconds(pod, "PAI_TERMINATION_GRACE") - TERMINATION_MARGIN))
            running = settings.get("running")
            if running is not None:
                running = _seconds(running, f"{where} running (RUNTIME_CONFIG thresholds.running)")
            logs = settings.get("logs") or {}
            if not isinstance(logs, dict):
                raise ValueError(f"{where} logs (RUNTIME_CONFIG logs): not a mapping")
            try:
                max_size = parse_size(logs.get("maxSize", DEFAULT_MAX_SIZE))
            except ValueError as exc:
                raise ValueError(f"{where} logs.maxSize (RUNTIME_CONFIG logs.maxSize): {exc}") from None
            max_files = logs.get("maxFiles", DEFAULT_MAX_FILES)
            if isinstance(max_files, bool) or not isinstance(max_files, int) or not 1 <= max_files <= MAX_LOG_FILES:
                raise ValueError(f"{where} logs.maxFiles (RUNTIME_CONFIG logs.maxFiles): {max_files!r} "
                                 f"is not a whole number from 1 to {MAX_LOG_FILES}")
            mode = logs.get("mode") or "split"
            if mode not in ("split", "merged-only"):
                raise ValueError(f"{where} logs.mode (RUNTIME_CONFIG logs.mode): {mode!r}; use split or merged-only")
        except ValueError as exc:
            self._config_error(str(exc))
        return grace, running, {"maxSize": max_size, "maxFiles": max_files, "mode": mode}

    def _command(self, layout: "Paths") -> "list[str]":
        if self.argv:
            return self.argv
        user_sh = _join(layout.runtime_dir, "user.sh")
        if os.path.isfile(user_sh):
            return [self._interpreter(user_sh), user_sh]
        self._config_error(f"no command: {user_sh} does not exist and no `-- CMD` was given "
                           "(give RUNTIME_CONFIG commands and check that init succeeded)")

    def _interpreter(self, user_sh: str) -> str:
        """user.sh's interpreter line where the image has it (``#!/bin/bash`` for OpenPAI
        jobs, as OpenPAI runs them), else sh: an image without bash still runs the job."""
        try:
            with open(user_sh, "rb") as f:
                first = f.readline(256)
        except OSError:
            return shell()
        words = first[2:].decode("utf-8", "replace").split() if first.startswith(b"#!") else []
        if not words or words[0] in ("/bin/sh", shell()):
            return shell()
        if os.path.isabs(words[0]) and os.access(words[0], os.X_OK):
            return words[0]
        self.rlog.say(f"user.sh asks for {words[0]}, which this image lacks: run with {shell()}")
        return shell()

    def _apply_addons(self, layout: "Paths") -> None:
        if not os.path.exists(_join(layout.runtime_dir, "addons.json")):
            return
        try:
            from pai_runtime.addons.apply import apply_plan
        except ModuleNotFoundError as exc:
            if exc.name not in ("pai_runtime.addons", "pai_runtime.addons.apply"):
                raise
            self.rlog.say("runtime addons: addons.json present but this build has no addon support; skipped")
            return
        from pai_runtime.errors import AddonError

        try:
            from pathlib import Path  # only where a plan exists: addons need the full layout

            links = apply_plan(Path(layout.runtime_dir))
        except AddonError as exc:
            line = exc.line()
            self._error(line)
            raise Stop(ADDON_FAILED, line, forced=True) from None
        if links:
            self.rlog.say(f"runtime addons: {len(links)} link(s) made")

    # -- running things ----------------------------------------------------------------------
    def _script(self, path: str, source: str, env: "dict[str, str]", *, leave_running: bool = False) -> int:
        """``/bin/sh path`` with its output as ``[source]`` lines of runtime.log.

        Pre-commands may start services for the job (sshd); with ``leave_running`` they
        keep running and their output pipe stays read until the end of the job."""
        sink = LineSink(self.rlog, source)
        sink.attach(self.init)
        self.rlog.say(f"{source}: running {path}")
        self.collector_on()
        try:
            result = self.init.run([shell(), path], env, sink.child_fds, sources=[sink],
                                   close_after_spawn=sink.write_ends(), leave_running=leave_running)
        except pid1.SpawnError as exc:
            sink.close()
            self._error(f"{source}: {exc.message}")
            return exc.code
        if sink.is_open():
            self.background.append(sink)
        else:
            sink.close()
        self.rlog.say(f"{source}: {result.describe()} after {result.seconds:.1f}s")
        return result.code

    def _user_command(self, command: "list[str]", env: "dict[str, str]", layout: "Paths",
                      running: "float | None", log_cfg: "dict[str, Any]") -> int:
        try:
            capture = Capture(layout.log_dir, max_size=log_cfg["maxSize"], max_files=log_cfg["maxFiles"],
                              merged_only=log_cfg["mode"] == "merged-only", out_console=self.out,
                              err_console=self.err, on_error=self.rlog.say)
        except OSError as exc:
            self._config_error(f"cannot open the user logs in {layout.log_dir}: {exc.strerror} "
                               "(make PAI_WORK_DIR a writable volume, or set PAI_LOG_DIR)")
        self.capture = capture
        capture.attach(self.init)
        shown = " ".join(command) if self.argv else command[-1]
        deadline = time.monotonic() + running if running else None
        from pai_runtime.units import format_duration

        reason = f"running threshold of {format_duration(running)} exceeded" if running else ""

        def started(pid: int) -> None:
            # Nothing of the end of the run is loaded here: a command that succeeds needs none
            # of the classifier (exitspec.finish writes its message alone), and a short one
            # (`true`) ends while such an import would still hold up the first poll.
            self.rlog.say(f"user command started (pid {pid}): {shown}")

        self.collector_on()
        try:
            result = self.init.run(command, env, capture.child_fds, sources=[capture],
                                   close_after_spawn=capture.write_ends(), deadline=deadline,
                                   deadline_reason=reason, on_start=started)
        except pid1.SpawnError as exc:
            # Where a shell would have put it, so the classification sees it in the user log.
            capture.note_stderr(f"pai-runtime: {exc.message}\n".encode())
            self._error(exc.message)
            capture.close()
            self._end_attempt(capture)
            return exc.code
        capture.close()
        self._end_attempt(capture)
        self.rlog.say(f"user command {result.describe()} after {result.seconds:.1f}s "
                      f"({capture.bytes} bytes of output)")
        if capture.lost:
            self.rlog.say(f"{capture.lost} bytes of output could not be written to the log files")
        if result.timed_out:
            raise Stop(RUNNING_THRESHOLD_EXCEEDED, reason, forced=True)
        return result.code

    # -- the end -----------------------------------------------------------------------------
    def _finish(self, code: int, forced: "tuple[int, str] | None") -> int:
        try:
            self.init.stop_all("the job is over")
        except Exception as exc:  # noqa: BLE001 - the classification must still happen
            self._internal_error(exc)
        if self.capture is not None:
            self.capture.close()
        for sink in self.background:
            sink.close()
        self.background.clear()
        if self.layout is None or self.rlog.path is None:
            return code
        try:
            from pai_runtime.exitspec import finish
        except ModuleNotFoundError as exc:
            if exc.name != "pai_runtime.exitspec":
                raise
            return forced[0] if forced else code
        if self.oom is not None:
            line = self.oom.line()
            if line:
                self.rlog.say(line)
        try:
            return finish(code, layout=self.layout, settings=self.settings, runtime_log=self.rlog.path,
                          forced=forced, attempt=self.attempt, report=self._report,
                          say=lambda text: self.rlog.line("pai-runtime", text, echo=False),
                          user_tail=self.capture.tail() if self.capture is not None and self.capture.lost else None)
        except Exception as exc:  # noqa: BLE001 - finish never raises by contract; be safe anyway
            self._internal_error(exc)
            return forced[0] if forced else code

    def _report(self, lines: "list[str]") -> None:
        """The summary block of a failed run: last on stderr, where ``kubectl logs`` shows
        it, and in runtime.log."""
        for text in lines:
            self.rlog.line("pai-runtime", text, echo=False)
        self.err.write("".join(f"{text}\n" for text in lines).encode("utf-8", "replace"))

    def _error(self, text: str) -> None:
        self.rlog.line("pai-runtime", f"error: {text}")

    def _config_error(self, text: str) -> "NoReturn":
        self._error(text)
        raise Stop(CONFIG_INVALID, text, forced=True)

    def _internal_error(self, exc: BaseException) -> None:
        import traceback

        self._error(f"internal error (a bug, please report it): {type(exc).__name__}: {exc}")
        for line in traceback.format_exc().splitlines():
            self.rlog.line("pai-runtime", line, echo=False)
        for pid, _ in self.init.descendants():
            try:
                os.kill(pid, 9)
            except OSError:
                pass


def _within_caps(data: "Any") -> bool:
    """No deeper than :data:`INPUT_MAX_DEPTH` and no integer longer than 64 digits."""
    stack = [(data, 0)]
    while stack:
        value, depth = stack.pop()
        if depth > INPUT_MAX_DEPTH:
            return False
        if isinstance(value, dict):
            stack.extend((v, depth + 1) for v in value.values())
        elif isinstance(value, list):
            stack.extend((v, depth + 1) for v in value)
        elif isinstance(value, int) and not -INPUT_MAX_INT < value < INPUT_MAX_INT:
            return False
    return True


def _join(directory: str, name: str) -> str:
    return directory + name if directory.endswith("/") else f"{directory}/{name}"


def _peak_rss_kib() -> int:
    try:
        for line in pid1.read_small("/proc/self/status").splitlines():
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def run(argv: "list[str]", *, local: bool = False) -> int:
    pid1.ensure_std_fds()
    try:
        job = Job(argv, local=local)
    except Exception as exc:  # noqa: BLE001 - cannot even set up signals: say so, no traceback
        sys.stderr.write(f"pai-runtime run: internal error while starting: {type(exc).__name__}: {exc}\n")
        return INTERNAL_ERROR
    return job.run()

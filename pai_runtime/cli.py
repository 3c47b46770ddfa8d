"""The ``pai-runtime`` command line: parse, call one function, map errors to exit codes.

Why the fast path: ``pai-runtime run`` is PID 1 of every job container and must start
almost as fast as a bare interpreter, so it never imports click. Every other command
lives in the module of its area and is imported only when invoked (a click group that
loads subcommands lazily, as click's docs describe).
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:  # ``typing`` costs the PID-1 path milliseconds; annotations are strings here
    from typing import Any

#: ``gc.set_threshold`` of ``pai-runtime init`` (see :func:`main`)
INIT_GC_THRESHOLD = 50_000
#: subcommand -> "module:attribute" of its click command
LAZY_COMMANDS: dict[str, str] = {
    "init": "pai_runtime.init.cli:init",
    "run": "pai_runtime.supervisor.cli:run",
    "up": "pai_runtime.init.cli:up",
    "config": "pai_runtime.config.cli:config",
    "plugins": "pai_runtime.init.cli:plugins",
    "check-image": "pai_runtime.registry.cli:check_image",
    "classify": "pai_runtime.exitspec.cli:classify",
    "spec": "pai_runtime.exitspec.cli:spec",
    "addon": "pai_runtime.addons.cli:addon",
}

HELP_SUMMARY: dict[str, str] = {
    "init": "Init container: run the init plugin spec, publish runtime.d.",
    "run": "Job container (PID 1): run the user's commands, classify the exit.",
    "up": "Init + run in one container, for docker run and laptops.",
    "config": "Print the effective merged config, secrets redacted.",
    "plugins": "List init and runtime plugins with their source.",
    "check-image": "Check that an image exists and its credentials work.",
    "classify": "Classify an exit code and logs against an exit spec.",
    "spec": "Exit spec tools (lint).",
    "addon": "Build, validate, register, enable and mount runtime addons.",
}


def _fast_run(argv: list[str]) -> int | None:
    """``run`` without click; ``None`` when the arguments need the full parser."""
    head = argv[: argv.index("--")] if "--" in argv else argv
    if any(a in ("-h", "--help") for a in head):
        return None
    if argv and argv[0] != "--":
        if argv[0].startswith("-"):  # an option before `--`: click says what to write instead
            return None
        argv = ["--", *argv]  # `run python train.py` means `run -- python train.py`
    from pai_runtime import supervisor

    code = supervisor.main(argv)
    if code != 0:
        post_job_event(code)
    return code


def post_job_event(code: int, *, local: bool = False) -> None:
    """The failed job container's Event on its pod (``kubectl describe pod``): the phrase
    and reason of the termination message just written.

    Why here and not in the supervisor: PID 1 and the exit-spec code never import the
    network clients (the layer contracts in setup.cfg); this layer sits above both. Only a
    failed run in a pod that names itself (``PAI_POD_NAME``) pays for it, and it never
    changes the exit code: a missing permission is one warning line, every call has a
    deadline.
    """
    import os

    if local or not (os.environ.get("PAI_POD_NAME") or os.environ.get("FC_POD_NAME")):
        return
    try:
        from pai_runtime.kube import events
        from pai_runtime.layout import Layout

        events.post_job_diagnosis(code, Layout.from_env().termination_log)
    except Exception as exc:  # noqa: BLE001 - an Event must never cost the job its exit code
        sys.stderr.write(f"pai-runtime: warning: no Kubernetes Event for the job's exit: {exc}\n")


def version_json() -> str:
    """``--version --json``: what a bug report or an image audit needs in one parseable
    line, i.e. the version, the interpreter, the platform and whether this is the
    ``make bundle`` build (its launcher passes ``-X pai_python=<bundle>/pai-runtime``,
    docs/deploy.md) or a wheel/source install."""
    import json
    import platform

    from pai_runtime import __version__

    launcher = sys._xoptions.get("pai_python")
    bundle = isinstance(launcher, str) or bool(getattr(sys, "frozen", False))
    return json.dumps({
        "version": __version__,
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "platform": f"{sys.platform}-{platform.machine()}",
        "libc": "-".join(platform.libc_ver()) or None,
        "bundle": bundle,
        "executable": sys.executable,
    })


def _group() -> Any:
    import click

    class LazyGroup(click.Group):
        def list_commands(self, ctx: click.Context) -> list[str]:
            return list(LAZY_COMMANDS)

        def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
            target = LAZY_COMMANDS.get(name)
            if target is None:
                return None
            import importlib

            module, _, attr = target.partition(":")
            try:
                return getattr(importlib.import_module(module), attr)
            except ModuleNotFoundError as exc:
                if exc.name is None or not module.startswith(exc.name):
                    raise
                reason = f"module {exc.name} is not part of this build"

                @click.command(name=name, help=HELP_SUMMARY.get(name))
                def unavailable() -> None:
                    click.echo(f"pai-runtime {name}: not available ({reason})", err=True)
                    sys.exit(248)

                return unavailable

        def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
            with formatter.section("Commands"):
                formatter.write_dl(list(HELP_SUMMARY.items()))

    from pai_runtime import __version__

    @click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
                 epilog="Exit codes: docs/exit-codes.md. Paths and variables: docs/configuration.md.")
    @click.version_option(__version__, prog_name="pai-runtime")
    def cli() -> None:
        """pai-runtime: the runtime agent of distributed deep-learning job containers.

        In the init container run `pai-runtime init`; in the job container the pod
        starts `/usr/local/pai/runtime` (= `pai-runtime run`); on a laptop or with
        `docker run`, `pai-runtime up` does both.
        """

    return cli


def _end(code: int) -> None:
    """Exit with ``code`` once init's work is done and written: what the interpreter's
    teardown would still do that matters (the ``atexit`` hooks, logging's flush among
    them; stdout and stderr) is done here, and the rest (freeing the ~250 modules init
    loaded: PyYAML, structlog, re2, the plugins) is skipped. Only when no other
    non-daemon thread runs: the teardown would wait for it, and so does ``sys.exit``."""
    import threading

    if any(t is not threading.main_thread() and not t.daemon and t.is_alive() for t in threading.enumerate()):
        sys.exit(code)
    import atexit
    import os

    try:
        atexit._run_exitfuncs()
        sys.stdout.flush()
        sys.stderr.flush()
    finally:
        os._exit(code)


def main(argv: list[str] | None = None) -> None:
    args = list(sys.argv[1:] if argv is None else argv)
    if args and args[0] == "run":
        code = _fast_run(args[1:])
        if code is not None:
            sys.stdout.flush()
            sys.stderr.flush()
            import os

            # PID 1 is done: tearing the interpreter down (yaml, re2 and the classifier
            # are loaded after a failure) would only delay the pod's end by ~10 ms.
            os._exit(code)
    if sorted(args) == ["--json", "--version"]:
        sys.stdout.write(version_json() + "\n")
        sys.exit(0)
    if args == ["init"]:  # the init container's whole command line: no need for click
        import gc

        # The cyclic collector's first generation runs every 700 net new containers; init
        # makes ~19,000 on its way (the modules, classes and functions it imports, none of
        # them garbage): 18-20 collections that found ~400 objects and cost 3-6 ms of the
        # bench's init (gc.callbacks, load 2.5). At 50,000 the usual init runs none, with
        # room for more plugins, and a long barrier wait still has its cycles collected.
        gc.set_threshold(INIT_GC_THRESHOLD)
        from pai_runtime.init.run import run_init

        _end(run_init())
    _group().main(args=args, prog_name="pai-runtime")

"""``pai-runtime init`` and ``pai-runtime up``: click commands only.

Each command parses its options and calls one function; the init sequence lives in
:mod:`pai_runtime.init.run`, the job container's in :mod:`pai_runtime.supervisor`.
"""

from __future__ import annotations

import os
import sys

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
def init() -> None:
    """Init container: run the init plugin spec (INIT_CONFIG, else
    $PAI_CONFIG_DIR/init_plugins.yaml, else the shipped default), then publish
    runtime.d for the job container. Exits 0, or the failing plugin's code
    (docs/exit-codes.md)."""
    from pai_runtime.init.run import run_init

    sys.exit(run_init())


@click.command(context_settings={"help_option_names": ["-h", "--help"],
                                 "ignore_unknown_options": True})
@click.argument("cmd", nargs=-1, type=click.UNPROCESSED)
def up(cmd: tuple[str, ...]) -> None:
    """Init and run in one container, for `docker run` and laptops.

    No Kubernetes needed: the work dir falls back to ./.pai when /usr/local/pai is
    not writable, and built-ins that need a cluster skip themselves with one log
    line. Example: RUNTIME_CONFIG='commands: [echo hi]' pai-runtime up
    """
    from pai_runtime import supervisor
    from pai_runtime.init.run import run_init
    from pai_runtime.layout import Layout

    layout = Layout.from_env(local=True)
    os.environ.setdefault("PAI_WORK_DIR", str(layout.work_dir))
    code = run_init(local=True)
    if code != 0:
        sys.exit(code)
    sys.exit(supervisor.main(["--", *cmd] if cmd else [], local=True))

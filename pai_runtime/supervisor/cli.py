"""``pai-runtime run`` through click: only when options or ``--help`` need the parser.

The job container's normal start never comes here: :func:`pai_runtime.cli.main` calls
:func:`pai_runtime.supervisor.main` directly, without importing click (PID 1 start-up).
"""

from __future__ import annotations

import sys

import click


@click.command(context_settings={"help_option_names": ["-h", "--help"],
                                 "ignore_unknown_options": True})
@click.argument("cmd", nargs=-1, type=click.UNPROCESSED)
def run(cmd: tuple[str, ...]) -> None:
    """Job container (PID 1): load runtime.d/env, run pre-commands, the user's
    commands (runtime.d/user.sh, or CMD after `--`), post-commands; classify the
    exit against the exit spec and exit with the classified code.

    Example: pai-runtime run -- python train.py
    """
    if cmd and cmd[0].startswith("-"):
        raise click.UsageError(f"no such option: {cmd[0]} (give the command after `--`: "
                               f"pai-runtime run -- {' '.join(cmd)})")
    from pai_runtime import supervisor

    sys.exit(supervisor.main(["--", *cmd] if cmd else []))

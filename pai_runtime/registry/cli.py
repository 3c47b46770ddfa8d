"""``pai-runtime check-image IMAGE``: the image check from a shell.

Why a command as well as the init plugin: an operator debugging ImagePullBackOff, or a
job submitter, can run the very same check (same retries, same verdicts) by hand.
Exit 0 for pass and for unknown (the check could not be sure, so it does not fail),
254 when the image is surely missing or the credentials are refused, 247 for bad
option values; click usage errors (unknown option, missing IMAGE) exit 2 like every
command. The last line (stdout, or stderr for a failure) is the verdict.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from pai_runtime.errors import CONFIG_INVALID, IMAGE_CHECK_FAILED


def _bad(message: str) -> None:
    click.echo(f"pai-runtime check-image: error: {message}", err=True)
    sys.exit(CONFIG_INVALID)


@click.command("check-image", context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("image")
@click.option("--username", "-u", help="Registry user name.")
@click.option("--password", "-p", help="Registry password or token (prefer --password-stdin).")
@click.option("--password-stdin", is_flag=True, help="Read the password from stdin.")
@click.option("--docker-config", metavar="PATH", help="A docker config.json (or its directory).")
@click.option("--insecure-registry", "insecure", multiple=True, metavar="HOST[:PORT]",
              help="Talk plain http to this registry (repeatable; CIDR allowed).")
@click.option("--ca-bundle", metavar="PATH", help="CA certificates to trust for the registry's TLS.")
@click.option("--mirror", multiple=True, metavar="URL", help="Docker Hub mirror to ask first (repeatable).")
@click.option("--deadline", default="60s", show_default=True, metavar="SECONDS",
              help='Whole-check deadline ("30s", "2m" or seconds).')
@click.option("--quiet", "-q", is_flag=True, help="Only print the verdict line.")
def check_image(image: str, username: str | None, password: str | None, password_stdin: bool,
                docker_config: str | None, insecure: tuple[str, ...], ca_bundle: str | None,
                mirror: tuple[str, ...], deadline: str, quiet: bool) -> None:
    """Check that IMAGE exists and that its credentials work (HEAD of its manifest).

    Verdicts: pass (exit 0); unknown, e.g. rate limited or unreachable after retries
    (exit 0, with a warning); fail, i.e. not found or credentials refused (exit 254).

    Example: pai-runtime check-image --insecure-registry 127.0.0.1:5000 127.0.0.1:5000/team/app:v1
    """
    from pathlib import Path

    from pai_runtime import log as logmod
    from pai_runtime import redact
    from pai_runtime.errors import ConfigError
    from pai_runtime.registry.check import FAIL, UNKNOWN, check
    from pai_runtime.registry.client import Options, check_mirror
    from pai_runtime.registry.credentials import Credentials
    from pai_runtime.units import UnitError, parse_duration

    try:
        seconds = parse_duration(deadline)
    except UnitError as exc:
        _bad(f"--deadline: {exc}")
    if seconds is None or seconds <= 0:
        _bad("--deadline: give a positive duration (a check must end)")
    if password_stdin:
        if password is not None:
            _bad("give --password or --password-stdin, not both")
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            _bad("--password-stdin: stdin gave an empty password")
    redact.register(password)
    if (username is None) != (password is None):
        _bad("--username and --password go together")
    if ca_bundle and not Path(ca_bundle).is_file():
        _bad(f"--ca-bundle {ca_bundle!r} is not a file")
    try:
        mirror = tuple(check_mirror(m) for m in mirror)
    except ConfigError as exc:
        _bad(exc.line())
    creds = (Credentials(username=username, password=password, source="the command line").register()
             if username is not None else None)
    log: Any = None
    if not quiet:
        logmod.configure("check-image")
        log = logmod.get()
    options = Options(deadline=float(seconds or 60), insecure_registries=insecure, ca_bundle=ca_bundle,
                      mirrors=mirror)
    try:
        verdict = check(image, options=options, credentials=creds, docker_config=docker_config, log=log)
    except ConfigError as exc:
        _bad(redact.scrub(exc.line()))
    line = redact.scrub(verdict.line())
    if verdict.outcome == FAIL:
        click.echo(f"pai-runtime check-image: {line}", err=True)
        sys.exit(IMAGE_CHECK_FAILED)
    suffix = " (not failing: the check could not be sure)" if verdict.outcome == UNKNOWN else ""
    click.echo(f"{line}{suffix}")
    sys.exit(0)

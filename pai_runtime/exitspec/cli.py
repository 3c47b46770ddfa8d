"""``pai-runtime classify`` and ``pai-runtime spec lint|show``: click commands only.

Why ``classify`` exists: an operator changing a spec wants to know what a real failed
job's logs would have been classified as, before the next job fails. It runs exactly the
classifier ``run`` uses and exits with the classified code, so it also works in scripts.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

ECC_CHOICES = ("auto", "true", "false", "unknown")


def _load_spec(path: str | None):  # noqa: ANN202 - ExitSpec, imported lazily
    from pai_runtime.errors import PaiError
    from pai_runtime.exitspec.spec import SPEC_FILE, load_file, shipped_spec_path
    from pai_runtime.layout import Layout

    if path is None:
        configured = Layout.from_env().config_dir / SPEC_FILE
        path = str(configured if configured.is_file() else shipped_spec_path())
    try:
        return load_file(path)
    except PaiError as exc:
        click.echo(f"pai-runtime: {exc.line()}", err=True)
        sys.exit(exc.code)


def search_window(text: str | None) -> int:
    """``classify --search-window`` in bytes (the default when not given), read as every
    size setting is read (units.parse_size; tests/test_units.py drives them all)."""
    from pai_runtime.exitspec.logtail import DEFAULT_WINDOW
    from pai_runtime.units import parse_size

    return DEFAULT_WINDOW if text is None else parse_size(text, minimum=1, what="--search-window")


@click.command(name="classify")
@click.option("--exit-code", "exit_code", type=int, required=True,
              help="The user command's exit code (-N or 128+N for a death by signal N).")
@click.option("--user-log", "user_log", type=click.Path(dir_okay=True), required=True,
              help="The user log: a file, or a log dir holding current and current.1.")
@click.option("--platform-log", "platform_log", type=click.Path(dir_okay=True), default=None,
              help="The platform log (runtime.log).")
@click.option("--spec", "spec_path", type=click.Path(dir_okay=False), default=None,
              help="Exit spec (runtime or OpenPAI job format); default: $PAI_CONFIG_DIR/runtime-exit-spec.yaml, "
                   "else the shipped one.")
@click.option("--search-window", "window", default=None, help="Bytes searched at the end of each log (10MiB).")
@click.option("--ecc", type=click.Choice(ECC_CHOICES), default="auto", show_default=True,
              help="The GPU ECC fact: ask nvidia-smi (auto) or assume one (for logs from another node).")
@click.option("--json", "as_json", is_flag=True, help="Print the exit info as JSON instead of the termination message.")
@click.option("--all-attempts", "all_attempts", is_flag=True,
              help="Search the whole logs, not only the latest attempt's output (attempt.json in the log dir).")
def classify(exit_code: int, user_log: str, platform_log: str | None, spec_path: str | None, window: str | None,
             ecc: str, as_json: bool, all_attempts: bool) -> None:
    """Classify an exit code and logs against an exit spec; exit with the classified code."""
    from pai_runtime.exitspec import ecc as ecc_mod
    from pai_runtime.exitspec import exitinfo, message
    from pai_runtime.exitspec.classify import classify as run_classify
    from pai_runtime.exitspec.classify import normalise_exit_code
    from pai_runtime.exitspec.logtail import read_tail

    spec = _load_spec(spec_path)
    try:
        size = search_window(window)
    except ValueError as exc:  # its message names --search-window once
        click.echo(f"pai-runtime classify: {exc}", err=True)
        sys.exit(247)
    code = normalise_exit_code(exit_code)
    if not 0 <= code <= 255:
        click.echo(f"pai-runtime classify: --exit-code {exit_code} is not an exit code (0-255, or -N for signal N)",
                   err=True)
        sys.exit(247)
    if code == 0:
        info: dict[str, object] = {"exitCode": 0, "phrase": "Succeeded", "originUserExitCode": 0}
        click.echo(_json(info) if as_json else message.success_message().decode().rstrip("\n"))
        sys.exit(0)
    limit = since = None
    if not all_attempts and Path(user_log).is_dir():
        from pai_runtime.exitspec import attempt as attempts

        record = attempts.load(Path(user_log).parent)  # user-all/ sits in the log dir
        if record is not None:
            limit = attempts.user_bytes(Path(user_log), record)
            if platform_log and Path(platform_log).parent == Path(user_log).parent:
                since = record.platform_offset
            click.echo(f"pai-runtime classify: attempt {record.number}: only its output is searched "
                       "(--all-attempts for the whole logs)", err=True)
    user = read_tail(Path(user_log), size, rotated=True, limit=limit)
    platform = read_tail(Path(platform_log) if platform_log else None, size, rotated=True, since=since)
    for note in user.notes + platform.notes:
        click.echo(f"pai-runtime classify: {note}", err=True)

    def gpu() -> bool | None:
        if ecc != "auto":
            return {"true": True, "false": False, "unknown": None}[ecc]
        fact = ecc_mod.query()
        click.echo(f"pai-runtime classify: GPU ECC fact: {fact.value if fact.value is not None else 'unknown'} "
                   f"({fact.reason})", err=True)
        return fact.value

    verdict = run_classify(spec, code, user, platform, gpu)
    info, keep_end = exitinfo.build(verdict, user.data, platform.data)
    how = (f"{verdict.entry.label()} pattern {verdict.pattern.index}" if verdict.entry and verdict.pattern
           else "no entry matched: spec default")
    click.echo(f"pai-runtime classify: {spec.source}: {how}", err=True)
    if as_json:
        click.echo(_json(message.fit(info, keep_end)))
    else:
        click.echo(message.render(info, keep_end).decode("utf-8"))
    sys.exit(verdict.exit_code)


def _json(info: dict[str, object]) -> str:
    import json

    return json.dumps(info, ensure_ascii=False, indent=1)


@click.group(name="spec")
def spec() -> None:
    """Exit spec tools: lint a spec, show the runtime entries derived from it."""


@spec.command(name="lint")
@click.argument("file", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="One JSON document: file, entries, format, findings.")
def lint_cmd(file: str, as_json: bool) -> None:
    """Report patterns that look like unescaped literals, patterns that fire on any failure,
    and entries shadowed by earlier ones. Exit 0 clean, 1 findings, 247 invalid spec."""
    from pai_runtime.exitspec import lint

    loaded = _load_spec(file)
    findings = lint.lint(loaded)
    if as_json:  # same exit codes; the summary line is in the document, not on stderr
        import dataclasses

        click.echo(_json({"file": file, "entries": len(loaded.entries), "format": loaded.format,
                          "findings": [dataclasses.asdict(f) for f in findings]}))
        sys.exit(1 if findings else 0)
    for f in findings:
        click.echo(f"{f.kind}: {f.line()}")
    click.echo(f"{file}: {len(loaded.entries)} entries ({loaded.format} format), "
               f"{len(findings)} finding(s)", err=True)
    sys.exit(1 if findings else 0)


@spec.command(name="show")
@click.argument("file", type=click.Path(dir_okay=False))
def show_cmd(file: str) -> None:
    """Print the normalised runtime entries (what init installs into runtime.d)."""
    from pai_runtime.exitspec.spec import dump

    click.echo(dump(_load_spec(file)), nl=False)


from pai_runtime.exitspec.k8scli import k8s_policy  # noqa: E402 - one command per module, registered here

spec.add_command(k8s_policy)

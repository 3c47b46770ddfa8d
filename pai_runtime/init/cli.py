"""``pai-runtime init``, ``up`` and ``plugins``: click commands only.

Why ``plugins`` here: it lists both the built-in init plugins and the runtime plugins,
and only the init side sits above both (the layer contracts in setup.cfg).

Each command parses its options and calls one function; the init sequence lives in
:mod:`pai_runtime.init.run`, the job container's in :mod:`pai_runtime.supervisor`.
"""

from __future__ import annotations

import os
import sys

import click

from pai_runtime.errors import PaiError, fail


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


def _summary(doc: str) -> str:
    """The first sentence of a module docstring, without its "Built-in ``x``:" lead and
    reStructuredText quotes, for one line of the listing."""
    para = " ".join(doc.strip().split("\n\n")[0].split())
    head, sep, rest = para.partition(": ")
    if sep and head.startswith("Built-in"):
        para = rest
    para = para.replace("``", "")
    end = para.find(". ")
    return para if end < 0 else para[: end + 1]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--local", is_flag=True, help="Resolve paths as `up` does.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of the listing.")
def plugins(local: bool, as_json: bool) -> None:
    """List init plugins (built-in, spec commands, init.d scripts) and runtime
    plugins (plugins/ and PAI_PLUGIN_PATH), each with its source."""
    import importlib

    from pai_runtime.config import sources
    from pai_runtime.initplugins import BUILTINS
    from pai_runtime.layout import Layout

    layout = Layout.from_env(local=local)
    builtins = []
    for name, module in BUILTINS.items():
        try:
            doc = _summary(importlib.import_module(module).__doc__ or "")
        except ImportError:
            doc = "(not available in this build)"
        builtins.append({"name": name, "summary": doc, "module": module})
    try:
        spec = sources.load_init_spec(layout)
    except PaiError as exc:
        fail(exc)
        return
    d = layout.init_dir
    scripts = []
    if os.path.isdir(d):
        with os.scandir(d) as it:
            scripts = sorted(e.name for e in it if e.is_file())
    from pai_runtime.runtimeplugins.discover import describe_all

    runtime = list(describe_all(layout))
    if as_json:
        import json

        click.echo(json.dumps({
            "builtins": builtins,
            "spec": {"source": str(spec.source), "plugins": [
                {"name": p.name, "builtin": p.builtin, "command": p.command,
                 "failurePolicy": p.failure_policy} for p in spec.plugins]},
            "initScripts": {"dir": str(d), "files": scripts},
            "runtimePlugins": runtime,
        }, default=str))
        return
    click.echo("init plugins (built-in):")
    for b in builtins:
        click.echo(f"  {b['name']:<16} {b['summary']}  [{b['module']}]")
    click.echo(f"init plugin spec ({spec.source}):")
    for p in spec.plugins:
        what = f"builtin {p.builtin}" if p.builtin else f"command {p.command}"
        click.echo(f"  {p.name:<16} {what}  failurePolicy={p.failure_policy}")
    click.echo(f"init.d scripts ({d}): {', '.join(scripts) if scripts else 'none'}")
    click.echo("runtime plugins:")
    for line in runtime:
        click.echo(f"  {line}")

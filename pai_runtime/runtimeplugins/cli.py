"""``pai-runtime plugins``: init and runtime plugins, each with where it comes from."""

from __future__ import annotations

import click

from pai_runtime.errors import PaiError, fail


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
def plugins(local: bool) -> None:
    """List init plugins (built-in, spec commands, init.d scripts) and runtime
    plugins (plugins/ and PAI_PLUGIN_PATH), each with its source."""
    import importlib

    from pai_runtime.config import sources
    from pai_runtime.initplugins import BUILTINS
    from pai_runtime.layout import Layout

    layout = Layout.from_env(local=local)
    click.echo("init plugins (built-in):")
    for name, module in BUILTINS.items():
        try:
            doc = _summary(importlib.import_module(module).__doc__ or "")
        except ImportError:
            doc = "(not available in this build)"
        click.echo(f"  {name:<16} {doc}  [{module}]")
    try:
        spec = sources.load_init_spec(layout)
    except PaiError as exc:
        fail(exc)
        return
    click.echo(f"init plugin spec ({spec.source}):")
    for p in spec.plugins:
        what = f"builtin {p.builtin}" if p.builtin else f"command {p.command}"
        click.echo(f"  {p.name:<16} {what}  failurePolicy={p.failure_policy}")
    d = layout.init_dir
    scripts = sorted(e.name for e in d.iterdir() if e.is_file()) if d.is_dir() else []
    click.echo(f"init.d scripts ({d}): {', '.join(scripts) if scripts else 'none'}")
    from pai_runtime.runtimeplugins.discover import describe_all

    click.echo("runtime plugins:")
    for line in describe_all(layout):
        click.echo(f"  {line}")

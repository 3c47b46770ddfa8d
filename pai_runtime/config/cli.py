"""``pai-runtime config``: the effective merged config, secrets redacted."""

from __future__ import annotations

import os
import re

import click

from pai_runtime.errors import PaiError, fail

_URL_PASSWORD = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^/\s:@]+:)[^/\s@]+@")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--local", is_flag=True, help="Resolve paths as `up` does.")
@click.option("--json", "as_json", is_flag=True, help="One JSON document instead of YAML (same content).")
def config(local: bool, as_json: bool) -> None:
    """Print the effective merged config (paths, init plugin spec and its source,
    runtime spec and its source), with every secret value redacted."""
    import yaml

    from pai_runtime import redact
    from pai_runtime.config import secrets as secrets_mod
    from pai_runtime.config import sources
    from pai_runtime.layout import Layout

    layout = Layout.from_env(local=local)
    try:
        secrets_mod.load(layout.config_dir, layout.specs_dir, environ=os.environ, work_dir=layout.work_dir)
        spec = sources.load_init_spec(layout)
        runtime = sources.load_runtime_config(layout)
    except PaiError as exc:
        fail(exc)
        return
    out = {
        "paths": {k: str(v) for k, v in layout.env().items()},
        "initConfig": {"source": spec.source, **(spec.document.data if spec.document else {})},
        "runtimeConfig": {"source": runtime.source, **(runtime.data or {})},
    }
    if as_json:
        import json

        text = json.dumps(redact.scrub_tree(out), ensure_ascii=False, default=str) + "\n"
    else:
        text = yaml.safe_dump(redact.scrub_tree(out), sort_keys=False, allow_unicode=True)
    # a password written straight into a URL (https://user:pw@host) is not in secrets.yaml
    text = _URL_PASSWORD.sub(r"\1***@", text)
    click.echo(text, nl=False)

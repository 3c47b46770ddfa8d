"""``pai-runtime spec k8s-policy``: the Kubernetes failure policy of an exit spec.

Why a command: operators keep their own manifests (Helm, kustomize, a platform's
templates); they paste or pipe this output into them, and regenerate it when the spec
changes, instead of copying exit codes by hand (docs/deploy.md "Retries").
"""

from __future__ import annotations

import sys

import click


@click.command(name="k8s-policy")
@click.option("--spec", "spec_path", type=click.Path(dir_okay=False), default=None,
              help="Exit spec (runtime or OpenPAI job format); default: $PAI_CONFIG_DIR/runtime-exit-spec.yaml, "
                   "else the shipped one.")
@click.option("--for", "target", type=click.Choice(["job", "jobset"]), default="job", show_default=True,
              help="job: podFailurePolicy for a Job's .spec; jobset: failurePolicy for a JobSet's .spec plus "
                   "the podFailurePolicy of its Jobs.")
@click.option("--container", default="job", show_default=True, help="Name of the job container.")
@click.option("--init-container", "init_container", default="pai-init", show_default=True,
              help="Name of the init container running `pai-runtime init` ('' for none).")
@click.option("--max-restarts", "max_restarts", type=click.IntRange(min=0), default=3, show_default=True,
              help="JobSet restarts for failures a retry may fix (--for jobset).")
def k8s_policy(spec_path: str | None, target: str, container: str, init_container: str, max_restarts: int) -> None:
    """Print the Kubernetes failure policy derived from the exit spec's retry advice."""
    from pathlib import Path

    from pai_runtime.errors import PaiError
    from pai_runtime.exitspec import k8spolicy
    from pai_runtime.exitspec.spec import SPEC_FILE, shipped_spec_path
    from pai_runtime.layout import Layout

    if not container:
        click.echo("pai-runtime spec k8s-policy: --container must name the job container", err=True)
        sys.exit(2)
    if spec_path is None:
        configured = Layout.from_env().config_dir / SPEC_FILE
        spec_path = str(configured if configured.is_file() else shipped_spec_path())
    try:
        advice = k8spolicy.read_advice(Path(spec_path))
    except PaiError as exc:
        click.echo(f"pai-runtime: {exc.line()}", err=True)
        sys.exit(exc.code)
    click.echo(k8spolicy.render(advice, target=target, container=container, init_container=init_container,
                                max_restarts=max_restarts), nl=False)

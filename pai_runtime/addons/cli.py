"""``pai-runtime addon``: build, validate, register, enable, disable, list, mount.

Click commands only: each parses its options, calls one function of the addons package
and turns an error into its one line (every violation on its own line for an invalid
addon) and exit code 33.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from pai_runtime.errors import PaiError

CONTEXT = {"help_option_names": ["-h", "--help"]}


def _fail(exc: PaiError) -> None:
    from pai_runtime import redact
    from pai_runtime.addons.validate import InvalidAddon

    if isinstance(exc, InvalidAddon):
        click.echo(f"pai-runtime: error: {exc.what}: {len(exc.violations)} violation(s):", err=True)
        for v in exc.violations:
            click.echo(f"  - {redact.scrub(v)}", err=True)
    else:
        click.echo(f"pai-runtime: error: {redact.scrub(exc.line())}", err=True)
    sys.exit(exc.code)


def _guard(fn: Callable[..., None]) -> Callable[..., None]:
    import functools

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        try:
            fn(*args, **kwargs)
        except PaiError as exc:
            _fail(exc)

    return wrapper


def _catalog(path: Path | None) -> Any:
    from pai_runtime.addons.catalog import Catalog, catalog_dir
    from pai_runtime.layout import Layout

    return Catalog(path if path is not None else catalog_dir(Layout.from_env().config_dir))


def _limits() -> Any:
    from pai_runtime.addons.tarsafe import Limits

    return Limits.from_env()


catalog_option = click.option(
    "--catalog", type=click.Path(file_okay=False, path_type=Path), default=None,
    help="Catalog dir (default: $PAI_ADDON_CATALOG, else $PAI_CONFIG_DIR/addons).")


@click.group("addon", context_settings=CONTEXT)
def addon() -> None:
    """Runtime addons: drivers, config files and tools mounted read-only into every
    workload without a new image (docs/addons.md).

    Flow: build -> validate -> register (enabled) -> the init plugin `addons`
    extracts it and `run` links its paths. Any failure exits 33.
    """


@addon.command(context_settings=CONTEXT)
@click.option("--name", required=True, help="Addon name: a-z, 0-9, '_' and '-', at most 35 characters.")
@click.option("--path", "paths", multiple=True, required=True, metavar="/ABS/PATH",
              help="A path the addon provides (repeat for several).")
@click.option("--from", "src", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Folder laid out like the target filesystem.")
@click.option("-o", "--output", "out", required=True, metavar="OUT",
              help="Tarball to write (OUT/<name>.tar.gz when OUT is a directory).")
@click.option("--metadata", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Metadata file to write (default: beside the tarball, <stem>.metadata.json).")
@click.option("--compress-level", type=click.IntRange(1, 9), default=6, show_default=True)
@_guard
def build(name: str, paths: tuple[str, ...], src: Path, out: str, metadata: Path | None,
          compress_level: int) -> None:
    """Make the addon tar.gz and its metadata.json from a folder.

    Example: pai-runtime addon build --name oracle-driver --path /opt/oracle
    --from ./rootfs -o dist/
    """
    from pai_runtime.addons.build import build as do_build
    from pai_runtime.units import human_size as human

    built = do_build(name, list(paths), src, out, metadata=metadata, compresslevel=compress_level,
                     limits=_limits())
    r = built.report
    click.echo(f"built {built.tarball} ({r.members} members, {human(r.content_size)} content, sha256 {r.sha256})")
    click.echo(f"metadata {built.metadata}")
    click.echo(f"next: pai-runtime addon register {built.metadata} {built.tarball}")


@addon.command(context_settings=CONTEXT)
@click.argument("meta", type=click.Path(path_type=Path))
@click.argument("tarball", type=click.Path(path_type=Path))
@_guard
def validate(meta: Path, tarball: Path) -> None:
    """Check METADATA and TARBALL against every rule; print all violations at once."""
    from pai_runtime.addons.validate import InvalidAddon
    from pai_runtime.addons.validate import validate as do_validate
    from pai_runtime.units import human_size as human

    report = do_validate(meta, tarball, _limits())
    if not report.ok:
        raise InvalidAddon(f"addon {str(meta)!r} + {str(tarball)!r} is invalid", report.violations)
    assert report.metadata is not None
    click.echo(f"addon {report.metadata.name}: valid ({len(report.metadata.paths)} path(s), {report.members} "
               f"members, {human(report.content_size)} content, sha256 {report.sha256})")


@addon.command(context_settings=CONTEXT)
@click.argument("meta", type=click.Path(path_type=Path))
@click.argument("tarball", type=click.Path(path_type=Path))
@click.option("--disabled", is_flag=True, help="Register it disabled (enable it later).")
@catalog_option
@_guard
def register(meta: Path, tarball: Path, disabled: bool, catalog: Path | None) -> None:
    """Validate, then add the addon to the catalog as custom-addon-<name>, enabled.

    Addons are immutable: an existing name is refused (no update, no remove).
    """
    cat = _catalog(catalog)
    entry, _ = cat.register(meta, tarball, _limits(), state="disabled" if disabled else "enabled")
    click.echo(f"registered {entry.name} ({entry.state}) in {cat.root}: {', '.join(entry.paths)}; "
               f"sha256 {entry.sha256}")


def _set_state(name: str, catalog: Path | None, state: str) -> None:
    cat = _catalog(catalog)
    entry, changed = cat.set_state(name, state)
    note = "" if changed else " (already)"
    click.echo(f"{entry.name}: {state}{note}; new workloads {'get' if state == 'enabled' else 'no longer get'} "
               f"{', '.join(entry.paths)}")


@addon.command(context_settings=CONTEXT)
@click.argument("name")
@catalog_option
@_guard
def enable(name: str, catalog: Path | None) -> None:
    """Mount NAME into every newly started workload."""
    _set_state(name, catalog, "enabled")


@addon.command(context_settings=CONTEXT)
@click.argument("name")
@catalog_option
@_guard
def disable(name: str, catalog: Path | None) -> None:
    """Stop mounting NAME into newly started workloads (running ones keep it)."""
    _set_state(name, catalog, "disabled")


@addon.command("list", context_settings=CONTEXT)
@click.option("--json", "as_json", is_flag=True, help="One JSON array instead of a table.")
@catalog_option
@_guard
def list_(as_json: bool, catalog: Path | None) -> None:
    """Registered addons: name, state, size, sha256, paths."""
    from pai_runtime.addons.catalog import CatalogError
    from pai_runtime.units import human_size as human

    cat = _catalog(catalog)
    rows: list[dict[str, Any]] = []
    for name in cat.names():
        try:
            e = cat.get(name)
        except CatalogError as exc:  # listed, not hidden: the mounter will refuse it
            rows.append({"name": name, "state": "broken", "size": None, "sha256": None, "paths": [],
                         "error": exc.line()})
            continue
        rows.append({"name": e.name, "state": e.state, "size": e.size, "sha256": e.sha256, "paths": list(e.paths)})
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    if not rows:
        click.echo(f"no addon registered in {cat.root}")
        return
    width = max(len(r["name"]) for r in rows)
    click.echo(f"{'NAME':<{width}}  {'STATE':<8}  {'SIZE':>10}  {'SHA256':<64}  PATHS")
    for r in rows:
        size = human(r["size"]) if r["size"] is not None else "-"
        rest = r.get("error") or ", ".join(r["paths"])
        click.echo(f"{r['name']:<{width}}  {r['state']:<8}  {size:>10}  {r['sha256'] or '-':<64}  {rest}")


@addon.command(context_settings=CONTEXT)
@click.option("--plan-only", is_flag=True,
              help="Extract and write runtime.d/addons.json, but make no link here.")
@catalog_option
@_guard
def mount(plan_only: bool, catalog: Path | None) -> None:
    """Extract every enabled addon into $PAI_WORK_DIR/addons and link its paths here
    (what the init plugin `addons` and `run` do, in one step)."""
    from pai_runtime.addons.apply import apply_plan
    from pai_runtime.addons.mount import mount as do_mount
    from pai_runtime.layout import Layout

    layout = Layout.from_env()
    cat = _catalog(catalog)

    def progress(m: Any) -> None:
        how = f"extracted in {m.seconds:.2f}s" if m.extracted else "already extracted (same sha256)"
        click.echo(f"{m.entry.name}: {how} -> {m.dir}")

    result = do_mount(cat, layout.work_dir, layout.runtime_dir, limits=_limits(), progress=progress)
    if result.plan is None:
        click.echo(f"no enabled addon in {cat.root}")
        return
    click.echo(f"plan: {result.plan} ({len(result.links)} link(s))")
    if plan_only:
        return
    made = set(apply_plan(layout.runtime_dir))
    for link in result.links:
        click.echo(f"{link.path} -> {link.target}{'' if link.path in made else ' (already in place)'}")

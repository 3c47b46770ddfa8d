"""Check an addon (metadata + tarball) against every rule, reporting all violations.

Why one function for ``validate`` and ``register``: the operator sees exactly the same
verdict from both, and ``register`` runs it on the copy it is about to publish (not on
the source, which could change between the check and the copy).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pai_runtime.addons import tarsafe
from pai_runtime.addons.rules import Metadata, check_metadata, usable_paths
from pai_runtime.errors import AddonError


class InvalidAddon(AddonError):
    """The addon breaks rules; ``violations`` lists every one (exit 33)."""

    def __init__(self, what: str, violations: list[str]) -> None:
        super().__init__(f"{what}: {len(violations)} violation(s)", hint="; ".join(violations))
        self.what = what
        self.violations = violations


@dataclass
class Report:
    metadata: Metadata | None
    violations: list[str]
    members: int = 0
    content_size: int = 0
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return not self.violations


def _load(path: Path) -> tuple[Any, list[str]]:
    from pai_runtime.config import yamlsource
    from pai_runtime.errors import ConfigError

    try:  # the bounded loader: size, depth and digits capped, a FIFO or a device refused
        raw = yamlsource.read_file(path, "metadata")
    except ConfigError as exc:
        return None, [f"metadata {str(path)!r}: cannot read: {exc.message}"]
    try:
        return yamlsource.parse_json(raw, str(path)), []
    except ConfigError as exc:
        return None, [f"metadata {str(path)!r}: not valid JSON: {exc.line()}"]


def read_metadata(path: Path) -> tuple[Metadata | None, list[str]]:
    data, problems = _load(path)
    return (None, problems) if problems else check_metadata(data)


def validate(meta_path: Path, tarball: Path, limits: tarsafe.Limits | None = None) -> Report:
    """Every rule of the issue, metadata and tarball together, nothing extracted."""
    data, problems = _load(meta_path)
    meta = None
    if not problems:
        meta, problems = check_metadata(data)
    scan = tarsafe.scan(Path(tarball), meta.paths if meta else usable_paths(data), limits)
    return Report(meta, problems + scan.violations, scan.members, scan.content_size, scan.sha256)

"""The addon catalog: a directory of registered addons and their enabled/disabled state.

Layout (one directory per addon, so a ConfigMap or PVC can carry it as is)::

    <catalog>/custom-addon-<name>/
        addon.tar.gz     the tarball, byte for byte as validated
        metadata.json    the operator's metadata
        sha256           "<hex>  addon.tar.gz" (sha256sum -c format)
        state            "enabled" or "disabled"

Why immutable: a running job and a starting job must never see two different contents
under one name; to change an addon, register a new name and disable the old one.
Registration is atomic (built in a hidden directory, then renamed), so a concurrent
``register`` of the same name, or a reader, never sees half an addon.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from pai_runtime.addons import NAME_PREFIX, failure
from pai_runtime.addons.rules import check_metadata
from pai_runtime.addons.tarsafe import Limits
from pai_runtime.addons.validate import InvalidAddon, Report, read_metadata, validate
from pai_runtime.errors import AddonError

TARBALL = "addon.tar.gz"
METADATA = "metadata.json"
SHA256 = "sha256"
STATE = "state"
STATES = ("enabled", "disabled")


def catalog_dir(config_dir: Path, env: Mapping[str, str] | None = None) -> Path:
    """``PAI_ADDON_CATALOG``, else ``$PAI_CONFIG_DIR/addons``."""
    env = os.environ if env is None else env
    return Path(env.get("PAI_ADDON_CATALOG") or config_dir / "addons")


class CatalogError(AddonError):
    """A catalog operation was refused (exit 33, like every addon failure)."""


@dataclass(frozen=True)
class Entry:
    """One registered addon as the catalog holds it."""

    name: str
    dir: Path
    paths: tuple[str, ...]
    sha256: str
    size: int
    state: str

    @property
    def enabled(self) -> bool:
        return self.state == "enabled"

    @property
    def tarball(self) -> Path:
        return self.dir / TARBALL


class Catalog:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def exists(self) -> bool:
        return self.root.is_dir()

    # -- reading --------------------------------------------------------------------
    def names(self) -> list[str]:
        if not self.root.is_dir():
            return []
        try:
            return sorted(e.name for e in self.root.iterdir() if e.name.startswith(NAME_PREFIX) and e.is_dir())
        except OSError as exc:
            raise CatalogError(failure("catalog", str(self.root), f"cannot list: {exc.strerror}")) from None

    def entries(self) -> list[Entry]:
        return [self.get(n) for n in self.names()]

    def resolve(self, name: str) -> str:
        """``oracle-driver`` or ``custom-addon-oracle-driver`` -> the registered name."""
        names = set(self.names())
        for candidate in (name, NAME_PREFIX + name):
            if candidate in names:
                return candidate
        hint = f"registered: {', '.join(sorted(names))}" if names else "the catalog is empty"
        raise CatalogError(f"no addon {name!r} in the catalog {self.root}", hint=hint)

    def get(self, name: str) -> Entry:
        d = self.root / name

        def broken(path: Path, why: str) -> CatalogError:
            return CatalogError(failure(name, str(path), f"broken catalog entry: {why} "
                                        "(register the addon again under a new name)"))

        meta_path = d / METADATA
        from pai_runtime.config import yamlsource
        from pai_runtime.errors import ConfigError

        try:  # the bounded loader
            raw = yamlsource.read_file(meta_path, "metadata")
        except ConfigError as exc:
            raise broken(meta_path, f"cannot read: {exc.message}") from None
        try:
            meta, problems = check_metadata(yamlsource.parse_json(raw, str(meta_path)))
        except ConfigError as exc:
            raise broken(meta_path, f"not JSON: {exc.line()}") from None
        if meta is None:
            raise broken(meta_path, problems[0])
        sha_path = d / SHA256
        try:
            sha = sha_path.read_text(encoding="ascii").split()[0].lower()
        except (OSError, UnicodeDecodeError, IndexError):
            raise broken(sha_path, "missing or unreadable") from None
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            raise broken(sha_path, "not a sha256")
        state_path = d / STATE
        try:
            state = state_path.read_text(encoding="utf-8").strip()
        except OSError:
            raise broken(state_path, "missing or unreadable") from None
        if state not in STATES:
            raise broken(state_path, f"{state!r} is not 'enabled' or 'disabled'")
        try:
            size = (d / TARBALL).stat().st_size
        except OSError as exc:
            raise broken(d / TARBALL, f"cannot read: {exc.strerror}") from None
        return Entry(name=name, dir=d, paths=meta.paths, sha256=sha, size=size, state=state)

    # -- writing --------------------------------------------------------------------
    def register(self, meta_path: Path, tarball: Path, limits: Limits | None = None, *,
                 state: str = "enabled") -> tuple[Entry, Report]:
        """Copy the tarball in, validate the copy with its metadata (every rule), record
        its sha256 and publish it in ``state`` (written before publishing: a disabled
        registration is never visible enabled). An existing name is refused; an invalid
        addon raises :class:`InvalidAddon` listing every violation."""
        assert state in STATES
        meta, _ = read_metadata(meta_path)
        name = NAME_PREFIX + meta.name if meta else None
        if name and (self.root / name).exists():
            raise _exists(name, self.root)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            tmp = Path(tempfile.mkdtemp(prefix=".register-", dir=self.root))
            tmp.chmod(0o755)
        except OSError as exc:
            raise CatalogError(f"cannot write the catalog {self.root}: {exc.strerror}",
                               hint="point PAI_ADDON_CATALOG (or --catalog) at a writable directory") from None
        try:
            copy = tmp / TARBALL
            _copy(tarball, copy)
            report = validate(meta_path, copy, limits)
            if not report.ok or report.metadata is None:
                raise InvalidAddon(f"addon {str(meta_path)!r} + {str(tarball)!r}", report.violations)
            name = NAME_PREFIX + report.metadata.name
            (tmp / METADATA).write_text(json.dumps(report.metadata.raw, indent=1) + "\n", encoding="utf-8")
            (tmp / SHA256).write_text(f"{report.sha256}  {TARBALL}\n", encoding="ascii")
            (tmp / STATE).write_text(state + "\n", encoding="utf-8")
            for f in (TARBALL, METADATA, SHA256):
                os.chmod(tmp / f, 0o444)
            try:
                os.rename(tmp, self.root / name)
            except OSError as exc:
                # rename(2) onto a non-empty dir: another register of this name won
                if exc.errno in (errno.ENOTEMPTY, errno.EEXIST):
                    raise _exists(name, self.root) from None
                raise
        except OSError as exc:
            raise CatalogError(f"cannot write the catalog {self.root}: {exc.strerror}") from None
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
        return self.get(name), report

    def set_state(self, name: str, state: str) -> tuple[Entry, bool]:
        """Enable or disable; returns the entry and whether anything changed."""
        assert state in STATES
        full = self.resolve(name)
        entry = self.get(full)
        if entry.state == state:
            return entry, False
        tmp = entry.dir / f".{STATE}.{os.getpid()}"
        try:
            tmp.write_text(state + "\n", encoding="utf-8")
            os.replace(tmp, entry.dir / STATE)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise CatalogError(f"cannot change the state of {full}: {exc.strerror}",
                               where=str(entry.dir / STATE)) from None
        return self.get(full), True


def _exists(name: str, root: Path) -> CatalogError:
    return CatalogError(f"addon {name} is already registered in {root}",
                        hint="addons are immutable: register it under a new name and disable the old one")


def _copy(src: Path, dst: Path) -> None:
    try:
        fin = open(src, "rb")  # noqa: SIM115 - closed below
    except OSError as exc:
        raise CatalogError(f"cannot read the tarball {str(src)!r}: {exc.strerror}") from None
    with fin, open(dst, "xb") as fout:
        shutil.copyfileobj(fin, fout, 1 << 20)

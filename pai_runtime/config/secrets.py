"""Secrets from ``$PAI_CONFIG_DIR/secrets.yaml`` and ``<% $secrets.a.b[0] %>`` rendering.

Why here and only here: every secret value must be known to the log redactor before
anything that could print it runs, so loading secrets also registers them with
:mod:`pai_runtime.redact`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pai_runtime import redact
from pai_runtime.errors import ConfigError

REFERENCE = re.compile(r"<%\s*\$secrets((?:\.[A-Za-z0-9_-]+|\[\s*\d+\s*\]|\[\s*'[^']*'\s*\]"
                       r"|\[\s*\"[^\"]*\"\s*\])+)\s*%>")
_STEP = re.compile(r"\.([A-Za-z0-9_-]+)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]")
_LOOSE = re.compile(r"<%.*?%>")


class Secrets:
    """The parsed secrets document; values are never put into a message."""

    def __init__(self, data: Any = None, source: str = "secrets.yaml") -> None:
        self.data = data if data is not None else {}
        self.source = source
        #: values rendered into something the job container gets (runtime.d): handed to
        #: the job container's redactor, which cannot read secrets.yaml itself
        self.used: set[str] = set()
        redact.register_tree(self.data)

    def lookup(self, expr: str, *, used_in: str, track: bool = True) -> str:
        value: Any = self.data
        walked = "$secrets"
        for m in _STEP.finditer(expr):
            key: Any = m.group(1) if m.group(1) is not None else (
                int(m.group(2)) if m.group(2) is not None else (m.group(3) if m.group(3) is not None
                                                                 else m.group(4)))
            if isinstance(value, list) and isinstance(key, str) and key.isdigit():
                key = int(key)  # OpenPAI's renderer reads `.0` on a list as an index
            try:
                value = value[key]
            except (KeyError, IndexError, TypeError):
                if isinstance(value, list):
                    what = (f"indexes available at {walked}: 0-{len(value) - 1}" if value
                            else f"{walked} is an empty list")
                else:
                    what = f"keys available at {walked}: " + (
                        ", ".join(sorted(map(str, value))) if isinstance(value, dict) and value else "none")
                raise ConfigError(
                    f"secret reference <% $secrets{expr} %> not found: {walked} has no {key!r}",
                    where=used_in,
                    hint=f"add it to {self.source} or fix the name; {what}",
                ) from None
            walked += f".{key}" if isinstance(key, str) else f"[{key}]"
        if isinstance(value, (dict, list)):
            raise ConfigError(f"secret reference <% $secrets{expr} %> is a "
                              f"{'mapping' if isinstance(value, dict) else 'list'}, not a value",
                              where=used_in, hint="reference a leaf value")
        text = "" if value is None else str(value)
        if track:
            self.used.add(text)
        return text

    def render(self, text: str, *, used_in: str, track: bool = True) -> str:
        """Replace every ``<% $secrets... %>`` in ``text``; a reference that looks like
        one but does not parse is an error too, never passed through to a shell."""
        out = REFERENCE.sub(lambda m: self.lookup(m.group(1), used_in=used_in, track=track), text)
        bad = _LOOSE.search(out) if "<%" in out else None
        if bad and "$secrets" in bad.group(0):
            raise ConfigError(f"malformed secret reference {bad.group(0)!r}", where=used_in,
                              hint="write it as <% $secrets.name %> or <% $secrets.a.b[0] %>")
        return out

    def render_tree(self, value: Any, *, used_in: str, track: bool = True) -> Any:
        """Render every string inside a parameters mapping or list. ``track=False`` for
        values that stay in the init container (a built-in's own parameters)."""
        if isinstance(value, str):
            return self.render(value, used_in=used_in, track=track)
        if isinstance(value, list):
            return [self.render_tree(v, used_in=f"{used_in}[{i}]", track=track) for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.render_tree(v, used_in=f"{used_in}.{k}", track=track) for k, v in value.items()}
        return value


def openpai_dirs(environ: Mapping[str, str], work_dir: Path) -> tuple[Path, Path, Path]:
    """OpenPAI's secret mounts (its pod spec's defaults under the work dir): the job's
    ``secrets.yaml``, the user's ``userExtensionSecrets.yaml`` and the ``token`` file."""
    return (Path(environ.get("PAI_SECRET_DIR") or work_dir / "secrets") / "secrets.yaml",
            Path(environ.get("PAI_USER_EXTENSION_SECRET_DIR") or work_dir / "user-extension-secrets")
            / "userExtensionSecrets.yaml",
            Path(environ.get("PAI_TOKEN_SECRET_DIR") or work_dir / "token-secrets") / "token")


def _document(path: Path, specs_dir: Path | None) -> dict[str, Any] | None:
    from pai_runtime.config import yamlsource

    raw = yamlsource.optional_file(path, "secrets file")
    if raw is None:
        return None
    doc = yamlsource.parse(raw, str(path))
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise ConfigError("secrets must be a mapping of names to values", where=doc.where(),
                          hint="write it as `name: value` lines")
    redact.register_tree(doc.data)  # before any message about the document can be printed
    if specs_dir is not None:
        from pai_runtime.config import schema

        schema.validate(doc, specs_dir / "schemas" / "secrets.schema.json", what="secrets file")
    return doc.data


def load(config_dir: Path, specs_dir: Path | None = None, *, environ: Mapping[str, str] | None = None,
         work_dir: Path | None = None) -> Secrets:
    """Secrets from ``config_dir/secrets.yaml``; absent file = no secrets. With
    ``specs_dir`` the document is also checked against ``schemas/secrets.schema.json``.

    With ``environ`` and ``work_dir``, OpenPAI's mounts are read too, where its pod spec
    puts them (``PAI_SECRET_DIR/secrets.yaml``, default ``$PAI_WORK_DIR/secrets``): an
    unchanged OpenPAI job needs no file moved. A name in both files takes the value of
    ``$PAI_CONFIG_DIR/secrets.yaml``. The user extension secrets and the token are only
    registered with the redactor (their readers, e.g. the ssh plugin, open them). The
    mounts are read-only: they are only ever read, never removed or rewritten.
    """
    path = config_dir / "secrets.yaml"
    data = _document(path, specs_dir)
    sources = [str(path)] if data is not None else []
    if environ is not None and work_dir is not None:
        job_file, ext_file, token_file = openpai_dirs(environ, work_dir)
        if job_file != path:
            theirs = _document(job_file, specs_dir)
            if theirs is not None:
                data = {**theirs, **(data or {})}
                sources.append(str(job_file))
        from pai_runtime.config import yamlsource

        raw = yamlsource.optional_file(ext_file, "user extension secrets")
        if raw is not None:
            ext = yamlsource.parse(raw, str(ext_file)).data
            redact.register_tree(ext)
        raw = yamlsource.optional_file(token_file, "token secret")
        token = raw.decode("utf-8", "replace").strip() if raw is not None else ""
        if token:
            redact.register(token)
    return Secrets(data or {}, " or ".join(sources) or str(path))

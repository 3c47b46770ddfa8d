"""Secrets from ``$PAI_CONFIG_DIR/secrets.yaml`` and the one reference renderer:
``<% $secrets.a.b[0] %>``, and with a job config ``<% $parameters.x %>`` and
``<% $data.* %>`` / ``<% $script.* %>`` / ``<% $output.* %>`` (the prerequisite of that type
the current task role names, as OpenPAI's initializer resolves them).

Why here and only here: every secret value must be known to the log redactor before
anything that could print it runs, so loading secrets also registers them with
:mod:`pai_runtime.redact`; and every place that fills in references (user commands, plugin
parameters, the image check, env) must resolve them alike, so there is one renderer.
"""

from __future__ import annotations

import os

from pai_runtime import redact
from pai_runtime.errors import ConfigError

TYPE_CHECKING = False  # typing and dataclasses cost init milliseconds; annotations are strings
if TYPE_CHECKING:
    from collections.abc import Mapping
    from os import PathLike
    from typing import Any

    Path = str | PathLike[str]

#: the namespaces OpenPAI's renderer knows; all but ``secrets`` come from the job config
NAMESPACES = ("secrets", "parameters", "data", "script", "output")
_PREREQ_KINDS = ("data", "script", "output")
#: the regexes of the renderer, compiled on first use (:func:`_re`): most text has no ``<%``
REFERENCE = (r"<%\s*\$(" + "|".join(NAMESPACES) + r")((?:\.[A-Za-z0-9_-]+|\[\s*\d+\s*\]"
             r"|\[\s*'[^']*'\s*\]|\[\s*\"[^\"]*\"\s*\])+)\s*%>")
_STEP = r"\.([A-Za-z0-9_-]+)|\[\s*(\d+)\s*\]|\[\s*'([^']*)'\s*\]|\[\s*\"([^\"]*)\"\s*\]"
_LOOSE = r"<%.*?%>"
_LOOKS_LIKE = r"<%\s*\$(" + "|".join(NAMESPACES) + r")\b"


def _re(pattern: str) -> Any:
    import re

    return re.compile(pattern)  # re keeps what it compiled: a dict lookup after the first


class JobScope:
    """What the job-config references resolve against: the job's ``parameters``, its
    ``prerequisites`` and the current task role (in the job config's spelling) with its
    definition. Built by :func:`pai_runtime.openpai.jobconfig.scope`."""

    __slots__ = ("parameters", "prerequisites", "role", "role_def", "source")

    def __init__(self, parameters: Any = None, prerequisites: list[Any] | None = None, role: str | None = None,
                 role_def: Mapping[str, Any] | None = None, source: str = "job config") -> None:
        self.parameters = parameters
        self.prerequisites: list[Any] = [] if prerequisites is None else prerequisites
        self.role = role
        self.role_def = role_def
        self.source = source

    def root(self, ns: str, ref: str, used_in: str) -> tuple[Any, str]:
        """The value ``$ns`` stands for, and where it is written (for hints)."""
        if ns == "parameters":
            return (self.parameters if self.parameters is not None else {}), f"{self.source} parameters"
        if self.role is None or self.role_def is None:
            raise ConfigError(f"reference {ref} needs the current task role, which is unknown",
                              where=used_in, hint="set PAI_CURRENT_TASK_ROLE_NAME (OpenPAI's pod spec does)")
        name = self.role_def.get(ns)
        if not isinstance(name, str):
            raise ConfigError(f"reference {ref}: task role {self.role!r} names no {ns} prerequisite",
                              where=used_in,
                              hint=f"add `{ns}: NAME` to taskRoles.{self.role} in the {self.source}, with a "
                                   f"prerequisite {{name: NAME, type: {ns}, ...}}")
        for i, d in enumerate(self.prerequisites):
            if isinstance(d, dict) and d.get("name") == name and d.get("type") == ns:
                return d, f"{self.source} prerequisites[{i}] ({name!r})"
        raise ConfigError(f"reference {ref}: task role {self.role!r} names {ns} {name!r}, which is not "
                          f"a {ns} prerequisite", where=used_in,
                          hint=f"add a prerequisite {{name: {name}, type: {ns}, ...}} or fix the name")


class Secrets:
    """The parsed secrets document and the reference renderer; values are never put
    into a message."""

    def __init__(self, data: Any = None, source: str = "secrets.yaml") -> None:
        self.data = data if data is not None else {}
        self.source = source
        #: values rendered into something the job container gets (runtime.d): handed to
        #: the job container's redactor, which cannot read secrets.yaml itself
        self.used: set[str] = set()
        redact.register_tree(self.data)

    def lookup(self, expr: str, *, used_in: str, track: bool = True, ns: str = "secrets",
               job: JobScope | None = None) -> str:
        """The leaf value ``$ns<expr>`` names. ``.0`` on a list is an index, as in
        OpenPAI's renderer; a miss names what is there (a list's indexes, a mapping's keys)."""
        ref = f"<% ${ns}{expr} %>"
        if ns == "secrets":
            value: Any = self.data
            origin = self.source
        elif job is None:
            raise ConfigError(f"reference {ref} needs the job config, and this job has none",
                              where=used_in,
                              hint="give the job config (the Framework's config annotation, job_config.yaml "
                                   "or RUNTIME_CONFIG jobConfig) or write the value itself")
        else:
            value, origin = job.root(ns, ref, used_in)
        what_ref = "secret reference" if ns == "secrets" else "reference"
        walked = f"${ns}"
        for m in _re(_STEP).finditer(expr):
            key: Any = m.group(1) if m.group(1) is not None else (
                int(m.group(2)) if m.group(2) is not None else (m.group(3) if m.group(3) is not None
                                                                 else m.group(4)))
            if isinstance(value, list) and isinstance(key, str) and key.isdigit():
                key = int(key)  # OpenPAI's renderer reads `.0` on a list as an index
            try:
                if isinstance(value, (dict, list)):
                    value = value[key]
                else:
                    raise TypeError
            except (KeyError, IndexError, TypeError):
                if isinstance(value, list):
                    what = (f"indexes available at {walked}: 0-{len(value) - 1}" if value
                            else f"{walked} is an empty list")
                elif isinstance(value, dict):
                    what = f"keys available at {walked}: " + (", ".join(sorted(map(str, value))) or "none")
                else:
                    what = f"{walked} is a single value"
                raise ConfigError(
                    f"{what_ref} {ref} not found: {walked} has no {key!r}",
                    where=used_in,
                    hint=f"add it to {origin} or fix the name; {what}",
                ) from None
            walked += f".{key}" if isinstance(key, str) else f"[{key}]"
        if ns == "secrets":
            # OpenPAI's runtime renders $secrets with pystache over PyYAML values: str()
            if isinstance(value, (dict, list)):
                raise ConfigError(f"{what_ref} {ref} is a "
                                  f"{'mapping' if isinstance(value, dict) else 'list'}, not a value",
                                  where=used_in, hint="reference a leaf value")
            text = "" if value is None else str(value)
        else:
            text = js_string(value, ref, used_in)
        if track and ns == "secrets":
            self.used.add(text)
        return text

    def render(self, text: str, *, used_in: str, track: bool = True, job: JobScope | None = None) -> str:
        """Replace every reference in ``text`` (``$secrets``, and ``$parameters``,
        ``$data``, ``$script``, ``$output`` against ``job``); one that looks like a
        reference but does not parse is an error too, never passed through to a shell."""
        if "<%" not in text:
            return text
        out = _re(REFERENCE).sub(lambda m: self.lookup(m.group(2), used_in=used_in, track=track, ns=m.group(1),
                                                  job=job), text)
        for bad in _re(_LOOSE).finditer(out) if "<%" in out else ():
            found = _re(_LOOKS_LIKE).search(bad.group(0))
            if found:
                ns = found.group(1)
                raise ConfigError(f"malformed {'secret ' if ns == 'secrets' else ''}reference {bad.group(0)!r}",
                                  where=used_in,
                                  hint=f"write it as <% ${ns}.name %> or <% ${ns}.a.b[0] %>")
        return out

    def render_tree(self, value: Any, *, used_in: str, track: bool = True, job: JobScope | None = None) -> Any:
        """Render every string inside a parameters mapping or list. ``track=False`` for
        values that stay in the init container (a built-in's own parameters)."""
        if isinstance(value, str):
            return self.render(value, used_in=used_in, track=track, job=job)
        if isinstance(value, list):
            return [self.render_tree(v, used_in=f"{used_in}[{i}]", track=track, job=job)
                    for i, v in enumerate(value)]
        if isinstance(value, dict):
            return {k: self.render_tree(v, used_in=f"{used_in}.{k}", track=track, job=job)
                    for k, v in value.items()}
        return value


def js_number(x: float) -> str:
    """JavaScript's ``String(number)`` (ECMAScript Number::toString): the shortest digits
    that round-trip, as Python's repr finds them, laid out as JavaScript does (``1`` for
    1.0, ``0.001`` and ``0.00001`` where Python writes ``1e-05``, exponents from 1e21)."""
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    if x == 0:
        return "0"
    from decimal import Decimal

    _, digit_tuple, exp = Decimal(repr(abs(x))).as_tuple()
    digits = "".join(map(str, digit_tuple)).rstrip("0")
    exp = int(exp) + (len(digit_tuple) - len(digits))
    k = len(digits)
    n = exp + k
    sign = "-" if x < 0 else ""
    if k <= n <= 21:
        return sign + digits + "0" * (n - k)
    if 0 < n <= 21:
        return sign + digits[:n] + "." + digits[n:]
    if -6 < n <= 0:
        return sign + "0." + "0" * -n + digits
    e = n - 1
    mantissa = digits if k == 1 else digits[0] + "." + digits[1:]
    return f"{sign}{mantissa}e{'+' if e >= 0 else '-'}{abs(e)}"


def js_string(value: Any, ref: str, used_in: str) -> str:
    """A job-config value as OpenPAI's rest-server puts it into USER_CMD: mustache over
    js-yaml values, i.e. JavaScript's ``String()``: ``true``/``false``, numbers as
    :func:`js_number`, null as nothing, a list as its elements joined with ``,`` (Array
    toString). A mapping would be ``[object Object]`` there: refused (247) here."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value) if abs(value) <= 2**53 else js_number(float(value))
    if isinstance(value, float):
        return js_number(value)
    if isinstance(value, list):
        return ",".join("" if v is None else js_string(v, ref, used_in) for v in value)
    if isinstance(value, dict):
        raise ConfigError(f"reference {ref} is a mapping, not a value", where=used_in,
                          hint="reference a leaf value or a list (a list renders as a,b,c as in OpenPAI)")
    return str(value)


def openpai_dirs(environ: Mapping[str, str], work_dir: Path) -> tuple[str, str, str]:
    """OpenPAI's secret mounts (its pod spec's defaults under the work dir): the job's
    ``secrets.yaml``, the user's ``userExtensionSecrets.yaml`` and the ``token`` file,
    spelt as :func:`pai_runtime.layout.pure` spells paths (as pathlib would)."""
    from os.path import join

    from pai_runtime.layout import pure

    def mount(var: str, default: str, name: str) -> str:
        return pure(join(environ.get(var) or join(work_dir, default), name))

    return (mount("PAI_SECRET_DIR", "secrets", "secrets.yaml"),
            mount("PAI_USER_EXTENSION_SECRET_DIR", "user-extension-secrets", "userExtensionSecrets.yaml"),
            mount("PAI_TOKEN_SECRET_DIR", "token-secrets", "token"))


def _document(path: str, specs_dir: Path | None) -> dict[str, Any] | None:
    from pai_runtime.config import yamlsource

    raw = yamlsource.optional_file(path, "secrets file")
    if raw is None:
        return None
    doc = yamlsource.parse(raw, path)
    if doc.data is None:
        return {}
    if not isinstance(doc.data, dict):
        raise ConfigError("secrets must be a mapping of names to values", where=doc.where(),
                          hint="write it as `name: value` lines")
    redact.register_tree(doc.data)  # before any message about the document can be printed
    if specs_dir is not None:
        from pai_runtime.config import schema

        schema.validate(doc, os.path.join(specs_dir, "schemas", "secrets.schema.json"), what="secrets file")
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
    from pai_runtime.layout import pure

    path = pure(os.path.join(config_dir, "secrets.yaml"))
    data = _document(path, specs_dir)
    sources = [path] if data is not None else []
    if environ is not None and work_dir is not None:
        job_file, ext_file, token_file = openpai_dirs(environ, work_dir)
        if job_file != path:
            theirs = _document(job_file, specs_dir)
            if theirs is not None:
                data = {**theirs, **(data or {})}
                sources.append(job_file)
        from pai_runtime.config import yamlsource

        raw = yamlsource.optional_file(ext_file, "user extension secrets")
        if raw is not None:
            ext = yamlsource.parse(raw, ext_file).data
            redact.register_tree(ext)
        raw = yamlsource.optional_file(token_file, "token secret")
        token = raw.decode("utf-8", "replace").strip() if raw is not None else ""
        if token:
            redact.register(token)
    return Secrets(data or {}, " or ".join(sources) or path)

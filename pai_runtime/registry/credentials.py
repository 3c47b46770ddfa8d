"""Which credentials to present to an image's registry, and from where.

Why one module: credentials arrive from the job (``auth: {username, password,
registryuri}``, secrets already rendered by the pipeline), from the command line, and
from docker ``config.json`` files (``auths`` entries with ``auth`` or
``username``/``password``, ``identitytoken``, ``registrytoken``; credential helpers when
their binary is present). Every value found is registered with :mod:`pai_runtime.redact`
before anything can log it; only a description (source and user name) is ever logged.

File lookup order: an explicit ``--docker-config``/``dockerConfig`` path (file or dir;
missing is a configuration error), ``$DOCKER_CONFIG/config.json``,
``$PAI_CONFIG_DIR/config.json``, ``$PAI_CONFIG_DIR/.dockerconfigjson`` (a mounted
``kubernetes.io/dockerconfigjson`` secret), ``~/.docker/config.json``.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import shutil
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pai_runtime import redact
from pai_runtime.errors import ConfigError
from pai_runtime.registry.reference import DEFAULT_DOMAIN, DOCKER_HUB_HOSTS

#: docker's credential key for Docker Hub (docker/cli configfile ``authConfigKey``).
DOCKER_HUB_KEY = "https://index.docker.io/v1/"
HELPER_TIMEOUT = 10.0


@dataclass(frozen=True)
class Credentials:
    """What to authenticate with. ``source`` says where it came from (for logs)."""

    username: str | None = None
    password: str | None = None
    identity_token: str | None = None
    registry_token: str | None = None
    source: str = ""

    @property
    def kind(self) -> str:
        if self.registry_token:
            return "registrytoken"
        if self.identity_token:
            return "identitytoken"
        return "basic"

    def describe(self) -> str:
        """A log-safe description: source, kind and user name, never a secret."""
        who = f" user {self.username!r}" if self.username and self.username != "<token>" else ""
        return f"{self.kind}{who} from {self.source}"

    def register(self) -> Credentials:
        for value in (self.password, self.identity_token, self.registry_token):
            redact.register(value)
        if self.username is not None and self.password is not None:
            redact.register(f"{self.username}:{self.password}")
        return self


def normalize_registry(value: str) -> str:
    """host[:port] of a registry given as a host, a URL or a docker config key; all
    Docker Hub aliases become ``docker.io``."""
    text = value.strip()
    host = urlsplit(text).netloc if "://" in text else text.split("/", 1)[0]
    host = host.rsplit("@", 1)[-1].lower()
    if host in DOCKER_HUB_HOSTS:
        return DEFAULT_DOMAIN
    return host


def from_job_auth(auth: Mapping[str, Any] | None, registry: str, *, source: str = "job auth",
                  log: Any = None) -> Credentials | None:
    """The job's ``auth`` if it is for ``registry`` (docker's domain of the image).

    Without ``registryuri`` the credentials are meant for the job's image, wherever it
    is; with one that names another registry they are not sent (and the log says so:
    ``registryuri`` does not change where an unqualified image comes from).
    """
    if not auth:
        return None
    username = auth.get("username")
    password = auth.get("password")
    if username in (None, "") and password in (None, ""):
        return None
    creds = Credentials(username=None if username is None else str(username),
                        password=None if password is None else str(password), source=source).register()
    uri = auth.get("registryuri") or auth.get("registryUri")
    if uri and normalize_registry(str(uri)) != normalize_registry(registry):
        if log is not None:
            log.warning("credentials are for another registry; checking without them",
                        credentials_for=normalize_registry(str(uri)), image_registry=registry,
                        hint="an image without a registry host is on docker.io; put the host in the image name")
        return None
    return creds


def config_paths(explicit: str | os.PathLike[str] | None, environ: Mapping[str, str]) -> list[tuple[Path, bool]]:
    """Candidate config files, each with "must exist" (only the explicit one)."""
    if explicit:
        p = Path(explicit)
        return [(p / "config.json" if p.is_dir() else p, True)]
    out: list[tuple[Path, bool]] = []
    if environ.get("DOCKER_CONFIG"):
        out.append((Path(environ["DOCKER_CONFIG"]) / "config.json", False))
    config_dir = Path(environ.get("PAI_CONFIG_DIR") or "/usr/local/pai-config")
    out += [(config_dir / "config.json", False), (config_dir / ".dockerconfigjson", False)]
    home = environ.get("HOME")
    if home:
        out.append((Path(home) / ".docker" / "config.json", False))
    return out


def load_config(path: Path, *, required: bool, log: Any = None) -> dict[str, Any] | None:
    """A parsed docker config file; ``None`` if it is absent (and not required)."""
    from pai_runtime.config import yamlsource

    if not path.exists():
        if required:
            raise ConfigError(f"docker config {str(path)!r} does not exist",
                              hint="give the path of a docker config.json (or its directory)") from None
        return None
    try:  # bounded; a FIFO or a device is refused
        raw = yamlsource.read_file(path, "docker config")
    except ConfigError as exc:
        if required:
            raise
        if log is not None:
            log.warning("docker config not readable; ignored", path=str(path), error=exc.line())
        return None
    try:
        data = yamlsource.parse_json(raw, str(path))
    except ConfigError as exc:
        if required:
            raise ConfigError(f"docker config is not valid JSON: {exc.line()}",
                              hint="fix the file (docker login writes it)") from None
        if log is not None:
            log.warning("docker config is not valid JSON; ignored", path=str(path), error=exc.line())
        return None
    if not isinstance(data, dict):
        if required:
            raise ConfigError(f"docker config {str(path)!r} is not a JSON object")
        return None
    for entry in (data.get("auths") or {}).values() if isinstance(data.get("auths"), dict) else []:
        if isinstance(entry, dict):
            for k in ("auth", "password", "identitytoken", "registrytoken"):
                redact.register(entry.get(k))
            _register_auth_field(entry.get("auth"))
    return data


def _register_auth_field(auth: Any) -> None:
    if not isinstance(auth, str) or not auth:
        return
    try:
        raw = base64.b64decode(auth, validate=False).decode("utf-8", "replace")
    except (binascii.Error, ValueError):
        return
    redact.register(raw)
    redact.register(raw.partition(":")[2].strip("\x00"))


def _auths(data: dict[str, Any]) -> dict[str, Any]:
    auths = data.get("auths")
    if isinstance(auths, dict):
        return auths
    # legacy ``.dockercfg``: the map itself
    if data and all(isinstance(v, dict) and ("auth" in v or "username" in v) for v in data.values()):
        return data
    return {}


def _lookup_keys(registry: str) -> list[str]:
    if registry == DEFAULT_DOMAIN:
        return [DOCKER_HUB_KEY, "index.docker.io", "docker.io", "registry-1.docker.io",
                "https://index.docker.io/v1", "https://registry-1.docker.io"]
    return [registry, f"https://{registry}", f"http://{registry}"]


def _decode_entry(entry: dict[str, Any], source: str) -> Credentials | None:
    username = entry.get("username") or None
    password = entry.get("password") or None
    auth = entry.get("auth")
    if isinstance(auth, str) and auth:
        try:
            user, sep, pw = base64.b64decode(auth).decode("utf-8").partition(":")
        except (binascii.Error, ValueError, UnicodeDecodeError):
            raise ConfigError(f"{source}: 'auth' is not base64 of USER:PASSWORD",
                              hint="run docker login again or fix the entry") from None
        if not sep or not user:
            raise ConfigError(f"{source}: 'auth' does not hold USER:PASSWORD",
                              hint="run docker login again or fix the entry")
        username, password = user, pw.strip("\x00")
    identity = entry.get("identitytoken") or None
    regtoken = entry.get("registrytoken") or None
    if not (username or password or identity or regtoken):
        return None  # a marker for a credential helper
    return Credentials(username=username, password=password, identity_token=identity,
                       registry_token=regtoken, source=source).register()


def from_config(data: dict[str, Any], registry: str, path: Path, *, log: Any = None,
                environ: Mapping[str, str] | None = None) -> Credentials | None:
    """docker's lookup: credHelpers[host] > credsStore > ``auths`` (exact key, then
    keys reduced to host[:port])."""
    helpers = data.get("credHelpers") if isinstance(data.get("credHelpers"), dict) else {}
    hub = registry == DEFAULT_DOMAIN
    helper = None
    for key in ([registry] + (["index.docker.io", "registry-1.docker.io"] if hub else [])):
        if helpers.get(key):
            helper = helpers[key]
            break
    helper = helper or data.get("credsStore")
    if isinstance(helper, str) and helper:
        creds = _from_helper(helper, DOCKER_HUB_KEY if hub else registry, log=log, environ=environ)
        if creds is not None:
            return creds
    auths = _auths(data)
    for key in _lookup_keys(registry):
        entry = auths.get(key)
        if isinstance(entry, dict):
            creds = _decode_entry(entry, f"{path} (auths[{key!r}])")
            if creds is not None:
                return creds
    for key, entry in auths.items():
        if isinstance(entry, dict) and normalize_registry(key) == registry:
            creds = _decode_entry(entry, f"{path} (auths[{key!r}])")
            if creds is not None:
                return creds
    return None


def _from_helper(name: str, server: str, *, log: Any = None,
                 environ: Mapping[str, str] | None = None) -> Credentials | None:
    """``docker-credential-NAME get``; a helper that is absent or fails means "no
    credentials" (job containers rarely ship helpers), never a failed check."""
    exe = shutil.which(f"docker-credential-{name}",
                       path=(environ or os.environ).get("PATH"))
    if exe is None:
        if log is not None:
            log.info("credential helper not installed; not used", helper=name)
        return None
    try:  # its own group: at the timeout childproc stops the helper and what it started, TERM first
        proc = subprocess.Popen([exe, "get"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, start_new_session=True)
    except OSError as exc:
        if log is not None:
            log.warning("credential helper failed; not used", helper=name, error=type(exc).__name__)
        return None
    try:
        stdout, _ = proc.communicate(server.encode(), timeout=HELPER_TIMEOUT)
    except subprocess.TimeoutExpired:
        from pai_runtime.childproc import stop_group

        stop_group(proc, grace=1.0)
        proc.communicate()
        if log is not None:
            log.warning("credential helper failed; not used", helper=name, error="TimeoutExpired")
        return None
    if proc.returncode != 0:
        return None
    try:
        out = json.loads(stdout)
        user, secret = out.get("Username"), out.get("Secret")
    except (ValueError, AttributeError):
        return None
    if not secret:
        return None
    redact.register(secret)
    if user == "<token>":
        return Credentials(identity_token=secret, source=f"credential helper {name}").register()
    return Credentials(username=user, password=secret, source=f"credential helper {name}").register()


def resolve(registry: str, *, explicit: Credentials | None = None, job_auth: Mapping[str, Any] | None = None,
            docker_config: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None,
            log: Any = None) -> Credentials | None:
    """The credentials for ``registry`` (docker's domain): explicit (command line) >
    the job's ``auth`` > docker config files."""
    environ = os.environ if environ is None else environ
    if explicit is not None:
        return explicit.register()
    creds = from_job_auth(job_auth, registry, log=log)
    if creds is not None:
        return creds
    for path, required in config_paths(docker_config, environ):
        data = load_config(path, required=required, log=log)
        if data is None:
            continue
        creds = from_config(data, registry, path, log=log, environ=environ)
        if creds is not None:
            return creds
        if required:
            break
    return None

"""git plugin: clone ``repo_uri`` in the job container, with retries and a deadline.

The clone runs in the job container (the user's image and user, into a path that may
exist only there) through ``clone.sh``, a POSIX sh helper copied into the plugin's
runtime dir. Credentials go to files only the askpass helper reads; the URL that is
logged and passed to git never carries them (userinfo in ``repo_uri`` is moved out).
"""

from urllib.parse import urlsplit, urlunsplit

from pai_runtime import plugin_api
from pai_runtime.plugin_api import q


def split_credentials(uri: str) -> tuple[str, str | None, str | None]:
    """``https://u:p@host/x`` -> (``https://host/x``, u, p); other URLs unchanged (the
    user of ``ssh://git@host/x`` is a login name ssh needs, not a credential)."""
    if not uri.lower().startswith(("http://", "https://")):
        return uri, None, None
    parts = urlsplit(uri)
    if "@" not in parts.netloc:
        return uri, None, None
    userinfo, _, host = parts.netloc.rpartition("@")
    user, sep, password = userinfo.partition(":")
    from urllib.parse import unquote

    return (urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)),
            unquote(user) or None, unquote(password) if sep else None)


def one_line(name: str, value: str) -> str:
    if "\n" in value or "\r" in value or "\0" in value:
        plugin_api.fail(f"parameter {name}: must be a single line", hint=f"remove the line break from {name}")
    return value


def clone_options(options: list[str]) -> list[str]:
    """The ``options`` as git arguments, split like GitPython (OpenPAI's git plugin) splits
    them: ``["--depth 1", "--branch", "dev"]`` -> ``--depth 1 --branch dev``. Each word is
    then one quoted argument: options are the user's own git flags, never shell."""
    import shlex

    try:
        words = shlex.split(" ".join(options))
    except ValueError as exc:
        plugin_api.fail(f"parameter options: {exc}", hint="balance the quotes, e.g. [--depth=1, --branch, dev]")
    if words and not words[0].startswith("-"):
        plugin_api.fail(f"parameter options: {words[0]!r} is not a git clone option",
                        hint="options start with -, e.g. [--depth=1, --recurse-submodules]")
    return words


def seconds(value) -> int:
    from pai_runtime.units import UnitError, parse_duration

    try:
        s = parse_duration(value)
    except UnitError as exc:
        plugin_api.fail(f"parameter deadline: {exc}", hint="use e.g. 10m, 1h or a number of seconds")
    if s is None or s <= 0:
        plugin_api.fail("parameter deadline: must be a positive duration", hint="use e.g. 10m")
    return max(1, int(s))


def main() -> None:
    inp = plugin_api.load()
    p = inp.parameters
    url, url_user, url_password = split_credentials(one_line("repo_uri", p["repo_uri"]))
    user = p.get("username", url_user)
    password = p.get("password", url_password)
    if url_password is not None:
        from pai_runtime import redact

        redact.register(url_password)
        print("git: credentials found in repo_uri were moved out of the URL "
              "(put them in secrets and use username/password)")
    work = inp.getenv("PAI_WORK_DIR") or "/usr/local/pai"
    clone_dir = one_line("clone_dir", p.get("clone_dir") or f"{work}/code")
    if not clone_dir.startswith("/"):
        plugin_api.fail(f"parameter clone_dir: {clone_dir!r} is not an absolute path",
                        hint=f"write it from the root, e.g. {work}/code (pre-commands do not run in a fixed dir)")
    options = clone_options(p.get("options", []))
    helper = inp.out_file("clone.sh", (inp.plugin_dir / "clone.sh").read_text(encoding="utf-8"), 0o755)
    cred_dir = ""
    if user is not None or password is not None:
        inp.out_file("cred/username", user or "", 0o600)
        inp.out_file("cred/password", password or "", 0o600)
        inp.out_file("cred/askpass.sh", (inp.plugin_dir / "askpass.sh").read_text(encoding="utf-8"), 0o700)
        cred_dir = str(inp.runtime_out_dir / "cred")
    args = [helper, url, clone_dir, one_line("branch", p.get("branch", "")), p.get("commit", ""),
            str(seconds(p.get("deadline", "10m"))), str(p.get("max_attempts", 8)),
            str(int(float(p.get("backoff", 2)) * 1000)), cred_dir, *options]
    inp.pre("sh " + " ".join(q(a) for a in args))
    print(f"git: clone {url} into {clone_dir}" + (f" (branch {p['branch']})" if p.get("branch") else "")
          + (" with credentials" if cred_dir else ""))


if __name__ == "__main__":
    main()

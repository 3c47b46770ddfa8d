"""Precompile the shipped exit spec into ``exitspec/shipped.py``: ``make exit-spec``.

    .venv/bin/python -m pai_runtime.exitspec.precompile [--check]

Why: every init installs the exit spec, and almost every init installs the shipped one.
Loading it (PyYAML's parse of 40 KB, validating 52 entries, compiling every regex with
RE2 to prove it compiles, lint) cost init ~25 ms for a result that is the same every
time. The build does that work once and writes what init would have derived from it
(the installed copy without the head that names its path, the body of the regex compile
cache ``run`` loads, the lint findings) as Python literals, which the interpreter loads
from bytecode with no parser. Init uses them only when the spec it would install is,
byte for byte, the file they were made from (stored in the artefact with its SHA-256);
any other spec goes through the full load, its errors and its lint.

``--check`` (run by the tests, so by ``make test``) changes nothing and exits 1 when the
artefact does not match the shipped spec any more, naming the command that refreshes it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
ARTEFACT = HERE / "shipped.py"
COMMAND = "make exit-spec"
#: the source name the spec is loaded under here: every lint line starts with it, and init
#: puts the real path in its place
_TOKEN = "@SOURCE@"


def shipped_source() -> Path:
    from pai_runtime.exitspec.spec import SPEC_FILE

    return REPO / "specs" / SPEC_FILE


def render(raw: bytes, name: str) -> str:
    """The text of the artefact for the spec file whose bytes are ``raw`` (``name``: the
    file named in its head). Raises ConfigError (one line) when the spec does not load."""
    import hashlib
    import pprint

    from pai_runtime.exitspec import cache, lint
    from pai_runtime.exitspec.spec import installed_body, load_text

    spec = load_text(raw, _TOKEN)
    findings = [f.line() for f in lint.lint(spec)[:20]]
    if any(not line.startswith(_TOKEN) for line in findings):
        raise SystemExit(f"{name}: a lint finding does not start with the spec's source: {findings}")

    def literal(value: object) -> str:
        return pprint.pformat(value, width=116, sort_dicts=False)

    def lines(text: str | bytes) -> str:  # one line of the text a line of the artefact: diffs stay readable
        return "(\n" + "".join(f"    {line!r},\n" for line in text.splitlines(keepends=True)) + ")"

    return f'''# ruff: noqa: E501
"""The shipped exit spec, precompiled. GENERATED from {name} by ``{COMMAND}``
(pai_runtime/exitspec/precompile.py): do not edit; ``make test`` fails while it is stale.

Init installs these values instead of loading the spec only when the spec it would
install is byte for byte the file they come from (see ``install_spec`` in exitspec/__init__.py).
"""

#: the spec file's size and SHA-256; its bytes are ``b"".join(SOURCE_LINES)``
SOURCE_SIZE = {len(raw)}
SOURCE_SHA256 = {hashlib.sha256(raw).hexdigest()!r}
SOURCE_LINES = {lines(raw)}
FORMAT = {spec.format!r}
#: ``spec.installed_body``: the installed copy after its head, ``"".join(INSTALLED_LINES)``
INSTALLED_LINES = {lines(installed_body(spec))}
#: ``cache.body``: what the regex compile cache stores
BODY = {literal(cache.body(spec))}
#: ``lint.lint``'s lines (the first 20), each after the spec's path
LINT = {literal(tuple(line[len(_TOKEN):] for line in findings))}
'''


def main(argv: list[str] | None = None) -> int:
    import argparse

    from pai_runtime.errors import ConfigError

    parser = argparse.ArgumentParser(prog="python -m pai_runtime.exitspec.precompile", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if the artefact is stale")
    args = parser.parse_args(argv)
    source = shipped_source()
    name = str(source.relative_to(REPO))
    try:
        text = render(source.read_bytes(), name)
    except ConfigError as exc:
        print(f"{name}: cannot precompile the shipped spec: {str(exc).replace(_TOKEN, name)}", file=sys.stderr)
        return 1
    current = ARTEFACT.read_text(encoding="utf-8") if ARTEFACT.is_file() else None
    target = ARTEFACT.relative_to(REPO)
    if args.check:
        if current != text:
            print(f"{target} is stale: it was not generated from the current {name}; run `{COMMAND}` "
                  "and commit it", file=sys.stderr)
            return 1
        return 0
    if current != text:
        ARTEFACT.write_text(text, encoding="utf-8")
        print(f"wrote {target} from {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Validate a :class:`Document` against a JSON schema kept in ``specs/schemas/``.

Why jsonschema and our own message: operators read the error, not the schema. We report
the first error by document order as one line: source, YAML line, field, what was
expected, and for an unknown key a did-you-mean hint.

Why :mod:`~pai_runtime.config.quickcheck` first: importing jsonschema costs the init
container most of its start, and almost every document is valid. The quick check proves
validity without it; jsonschema is imported only to decide what the quick check does not
(and to explain an invalid document).
"""

from __future__ import annotations

import os
from functools import cache

from pai_runtime.errors import ConfigError

TYPE_CHECKING = False  # typing costs init milliseconds; annotations are strings
if TYPE_CHECKING:
    from typing import Any

    from pai_runtime.config.yamlsource import Document

_TYPE_NAMES = {"object": "a mapping", "array": "a list", "string": "a string",
               "integer": "an integer", "number": "a number", "boolean": "true or false",
               "null": "nothing"}


@cache
def load_schema(path: str) -> dict[str, Any]:
    from pai_runtime import fastjson

    with open(path, "rb") as f:
        return fastjson.loads(f.read())


def _describe(value: Any) -> str:
    for name, py in (("a mapping", dict), ("a list", list), ("true/false", bool),
                     ("a string", str), ("a number", (int, float))):
        if isinstance(value, py):
            return name
    return "nothing" if value is None else type(value).__name__


def _expected(schema_type: Any) -> str:
    if isinstance(schema_type, list):
        return " or ".join(_TYPE_NAMES.get(t, t) for t in schema_type)
    return _TYPE_NAMES.get(schema_type, str(schema_type))


def _quote_hint(expected: Any, instance: Any) -> str | None:
    """Why: most wrong types in a hand-written spec are YAML's own reading of an
    unquoted value (``command: true`` is a boolean, ``a: b: c`` a mapping)."""
    if "string" not in str(expected) or isinstance(instance, str):
        return None
    if isinstance(instance, dict):
        return "quote the whole value: an unquoted ': ' makes YAML read it as a mapping"
    if isinstance(instance, (bool, int, float)) or instance is None:
        return "quote the value: YAML reads unquoted true/false/yes/no/on/off, numbers and ~ as non-strings"
    return None


def describe(error: Any) -> tuple[str, str | None, tuple[Any, ...]]:
    """(what, hint, path) for one jsonschema ValidationError."""
    path = tuple(error.absolute_path)
    v = error.validator
    if v == "additionalProperties":
        allowed = sorted(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in error.schema.get("properties", {})]
        key = extra[0] if extra else "?"
        import difflib

        close = difflib.get_close_matches(str(key), allowed, n=1, cutoff=0.6)
        hint = f"did you mean {close[0]!r}?" if close else f"allowed keys: {', '.join(allowed)}"
        return f"unknown key {key!r}", hint, path + (key,)
    if v == "type":
        return (f"expected {_expected(error.validator_value)}, got {_describe(error.instance)}",
                _quote_hint(error.validator_value, error.instance), path)
    if v == "required":
        missing = [k for k in error.validator_value if k not in error.instance]
        return f"missing required key {missing[0]!r}", None, path
    if v == "enum":
        allowed = ", ".join(repr(x) for x in error.validator_value)
        return f"{error.instance!r} is not one of {allowed}", None, path
    if v in ("oneOf", "anyOf"):
        desc = error.schema.get("description")
        types = [branch.get("type") for branch in error.validator_value]
        if not desc and all(isinstance(t, str) for t in types):
            return (f"expected {_expected(types)}, got {_describe(error.instance)}",
                    _quote_hint(types, error.instance), path)
        return ("does not match any allowed form" + (f": {desc}" if desc else ""), None, path)
    if v == "pattern":
        desc = error.schema.get("description")
        return (f"{error.instance!r} has the wrong format" + (f": {desc}" if desc else ""),
                None, path)
    if v == "minItems":
        return "must not be empty", None, path
    if v == "not":
        desc = error.schema.get("description")
        return (desc or "has a value that is not allowed here"), None, path
    return error.message, None, path


def problem(schema: dict[str, Any], data: Any) -> tuple[str, str | None, tuple[Any, ...]] | None:
    """``(what, hint, path)`` of the most relevant violation of ``data`` against a schema
    given as a mapping (plugin parameters, runtime plugin entries), or None when valid."""
    from pai_runtime.config import quickcheck

    if quickcheck.valid(schema, data):
        return None
    import jsonschema

    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(data))
    if not errors:
        return None
    return describe(jsonschema.exceptions.best_match(errors))


def validate(doc: Document, schema_path: str | os.PathLike[str], *, what: str) -> None:
    """Raise ConfigError (247) for the first schema violation of ``doc``."""
    from pai_runtime.config import quickcheck

    schema = load_schema(os.fspath(schema_path))
    if quickcheck.valid(schema, doc.data):
        return
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    errors = list(validator.iter_errors(doc.data))
    if not errors:
        return
    def order(e: Any) -> tuple[int, int]:
        return (doc.lines.get(tuple(e.absolute_path), 0), -len(e.absolute_path))
    best = jsonschema.exceptions.best_match(errors, key=jsonschema.exceptions.relevance)
    first = min(errors, key=order)
    # prefer the most relevant error at the earliest line
    error = best if order(best)[0] == order(first)[0] else first
    msg, hint, path = describe(error)
    raise ConfigError(f"invalid {what}: {msg}", where=doc.where(path),
                      hint=hint or "see docs/configuration.md")

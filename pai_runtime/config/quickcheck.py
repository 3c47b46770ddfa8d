"""A conservative JSON Schema (draft 2020-12) check that proves a document valid without
importing jsonschema.

Why: importing jsonschema (with referencing, attrs, rpds and its format checkers) costs
the init container ~90 ms of a start that should take a few tens, and almost every
document it checks is valid. :func:`valid` answers True only when the document is valid
under the schema for certain; on any doubt (a violation, a keyword it does not implement,
a comparison whose JSON semantics differ from Python's) it answers False, and the caller
asks jsonschema, which then decides and explains. So the fast path can never accept what
jsonschema would refuse; a False that jsonschema accepts only costs time.

Supported: type, enum, const, properties, required, additionalProperties,
patternProperties, propertyNames, minProperties, maxProperties, items, prefixItems,
minItems, maxItems, uniqueItems (scalars), minLength, maxLength, pattern, minimum,
maximum, exclusiveMinimum, exclusiveMaximum, multipleOf (integers), allOf, anyOf,
oneOf, not, if/then/else, local ``$ref`` (``#`` and ``#/...`` JSON pointers), plus the
annotations that do not constrain (description, default, title, examples, format,
$schema, $id, $comment, $defs, definitions, deprecated, readOnly, writeOnly).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_ANNOTATIONS = frozenset({"description", "default", "title", "examples", "format", "$schema", "$id",
                          "$comment", "$defs", "definitions", "deprecated", "readOnly", "writeOnly",
                          "contentMediaType", "contentEncoding"})


class _Unsure(Exception):
    """A keyword or value this checker does not decide: let jsonschema do it."""


def valid(schema: Any, data: Any) -> bool:
    """True only if ``data`` is certainly valid against ``schema`` (draft 2020-12)."""
    try:
        return _check(schema, data, schema, 0)
    except (_Unsure, RecursionError, TypeError, ValueError, KeyError, IndexError):
        return False


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _is_type(name: str, v: Any) -> bool:
    if name == "string":
        return isinstance(v, str)
    if name == "object":
        return isinstance(v, dict)
    if name == "array":
        return isinstance(v, list)
    if name == "boolean":
        return isinstance(v, bool)
    if name == "null":
        return v is None
    if name == "number":
        return _is_number(v)
    if name == "integer":
        return isinstance(v, int) and not isinstance(v, bool) or isinstance(v, float) and v.is_integer()
    raise _Unsure(name)


def _scalar_equal(a: Any, b: Any) -> bool:
    """JSON equality for scalars (True is not 1); containers are left to jsonschema."""
    if isinstance(a, (dict, list)) or isinstance(b, (dict, list)):
        raise _Unsure("container comparison")
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_number(a) and _is_number(b):
        return a == b
    return type(a) is type(b) and a == b


def _resolve(ref: str, root: Any) -> Any:
    if ref == "#":
        return root
    if not ref.startswith("#/"):
        raise _Unsure(ref)
    node = root
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            node = node[int(part)]
        elif isinstance(node, dict):
            node = node[part]
        else:
            raise _Unsure(ref)
    return node


def _check(schema: Any, v: Any, root: Any, depth: int) -> bool:
    if schema is True:
        return True
    if schema is False:
        return False
    if not isinstance(schema, dict) or depth > 64:
        raise _Unsure("schema")
    depth += 1
    for key, arg in schema.items():
        if key in _ANNOTATIONS:
            continue
        if key == "type":
            names = arg if isinstance(arg, list) else [arg]
            if not any(_is_type(n, v) for n in names):
                return False
        elif key == "enum":
            if not any(_scalar_equal(e, v) for e in arg):
                return False
        elif key == "const":
            if not _scalar_equal(arg, v):
                return False
        elif key == "$ref":
            if not _check(_resolve(arg, root), v, root, depth):
                return False
        elif key == "allOf":
            if not all(_check(s, v, root, depth) for s in arg):
                return False
        elif key == "anyOf":
            if not any(_check(s, v, root, depth) for s in arg):
                return False
        elif key == "oneOf":
            if sum(1 for s in arg if _check(s, v, root, depth)) != 1:
                return False
        elif key == "not":
            if _check(arg, v, root, depth):
                return False
        elif key == "if":
            branch = schema.get("then", True) if _check(arg, v, root, depth) else schema.get("else", True)
            if not _check(branch, v, root, depth):
                return False
        elif key in ("then", "else"):
            continue  # applied with "if"; alone they do nothing
        elif not _keyword(key, arg, schema, v, root, depth):
            return False
    return True


def _keyword(key: str, arg: Any, schema: dict[str, Any], v: Any, root: Any, depth: int) -> bool:
    """The keywords that apply to one type only (they pass for every other type)."""
    if key in ("properties", "required", "additionalProperties", "patternProperties", "propertyNames",
               "minProperties", "maxProperties"):
        return not isinstance(v, dict) or _object(key, arg, schema, v, root, depth)
    if key in ("items", "prefixItems", "minItems", "maxItems", "uniqueItems"):
        return not isinstance(v, list) or _array(key, arg, schema, v, root, depth)
    if key in ("minLength", "maxLength", "pattern"):
        if not isinstance(v, str):
            return True
        if key == "minLength":
            return len(v) >= arg
        if key == "maxLength":
            return len(v) <= arg
        import re

        return re.search(arg, v) is not None
    if key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf"):
        if not _is_number(v):
            return True
        if key == "minimum":
            return v >= arg
        if key == "maximum":
            return v <= arg
        if key == "exclusiveMinimum":
            return v > arg
        if key == "exclusiveMaximum":
            return v < arg
        if isinstance(v, int) and isinstance(arg, int) and arg > 0:
            return v % arg == 0
        raise _Unsure("multipleOf with floats")
    raise _Unsure(key)


def _object(key: str, arg: Any, schema: dict[str, Any], v: dict[Any, Any], root: Any, depth: int) -> bool:
    if key == "properties":
        return all(_check(sub, v[name], root, depth) for name, sub in arg.items() if name in v)
    if key == "required":
        return all(name in v for name in arg)
    if key == "minProperties":
        return len(v) >= arg
    if key == "maxProperties":
        return len(v) <= arg
    if key == "propertyNames":
        return all(_check(arg, name, root, depth) for name in v)
    if any(not isinstance(name, str) for name in v):
        raise _Unsure("a non-string key")
    patterns = schema.get("patternProperties") or {}
    if patterns:
        import re
    if key == "patternProperties":
        return all(_check(sub, value, root, depth)
                   for name, value in v.items() for pat, sub in patterns.items() if re.search(pat, name))
    # additionalProperties: the keys neither properties nor patternProperties name
    props = schema.get("properties") or {}
    for name, value in v.items():
        if name in props or any(re.search(p, name) for p in patterns):
            continue
        if not _check(arg, value, root, depth):
            return False
    return True


def _array(key: str, arg: Any, schema: dict[str, Any], v: list[Any], root: Any, depth: int) -> bool:
    if key == "minItems":
        return len(v) >= arg
    if key == "maxItems":
        return len(v) <= arg
    if key == "prefixItems":
        return all(_check(sub, item, root, depth) for sub, item in zip(arg, v, strict=False))
    if key == "items":
        start = len(schema.get("prefixItems") or ())
        return all(_check(arg, item, root, depth) for item in v[start:])
    # uniqueItems
    if not arg:
        return True
    seen: list[Any] = []
    for item in v:
        if any(_scalar_equal(item, s) for s in seen):
            return False
        seen.append(item)
    return True


_SIMPLE_TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
_SCHEMA_URI = "https://json-schema.org/draft/2020-12/schema"


def schema_ok(schema: Any) -> bool:
    """True only if ``schema`` is certainly a valid draft 2020-12 schema (what
    ``Draft202012Validator.check_schema`` checks), built from the keywords :func:`valid`
    implements; False means: ask jsonschema."""
    try:
        return _schema_ok(schema, 0)
    except (_Unsure, RecursionError, TypeError, ValueError):
        return False


def _nonneg(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and v >= 0


def _regex_ok(pattern: Any) -> bool:
    if not isinstance(pattern, str):
        return False
    import re

    try:
        re.compile(pattern)
    except re.error:
        return False
    return True


def _schemas_ok(items: Any, depth: int, *, nonempty: bool = True) -> bool:
    return isinstance(items, list) and (bool(items) or not nonempty) and all(_schema_ok(s, depth) for s in items)


def _schema_ok(schema: Any, depth: int) -> bool:
    if isinstance(schema, bool):
        return True
    if not isinstance(schema, dict) or depth > 64:
        return False
    depth += 1
    for key, arg in schema.items():
        if key in ("description", "title", "$comment", "format"):
            ok = isinstance(arg, str)
        elif key in ("default", "const"):
            ok = True
        elif key == "examples":
            ok = isinstance(arg, list)
        elif key in ("deprecated", "readOnly", "writeOnly", "uniqueItems"):
            ok = isinstance(arg, bool)
        elif key == "$schema":
            ok = arg == _SCHEMA_URI
        elif key == "$ref":
            ok = isinstance(arg, str) and (arg == "#" or arg.startswith("#/")) and \
                all(c.isalnum() or c in "#/_-.~$" for c in arg)
        elif key == "type":
            names = arg if isinstance(arg, list) else [arg]
            ok = bool(names) and all(isinstance(n, str) and n in _SIMPLE_TYPES for n in names) and \
                len(set(names)) == len(names)
        elif key == "enum":
            ok = isinstance(arg, list)
        elif key == "required":
            ok = isinstance(arg, list) and all(isinstance(n, str) for n in arg) and len(set(arg)) == len(arg)
        elif key in ("properties", "$defs"):
            ok = isinstance(arg, dict) and all(_schema_ok(s, depth) for s in arg.values())
        elif key == "patternProperties":
            ok = isinstance(arg, dict) and all(_regex_ok(k) and _schema_ok(s, depth) for k, s in arg.items())
        elif key in ("additionalProperties", "items", "not", "if", "then", "else", "propertyNames"):
            ok = _schema_ok(arg, depth)
        elif key in ("allOf", "anyOf", "oneOf", "prefixItems"):
            ok = _schemas_ok(arg, depth)
        elif key in ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"):
            ok = _nonneg(arg)
        elif key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"):
            ok = _is_number(arg)
        elif key == "multipleOf":
            ok = _is_number(arg) and arg > 0
        elif key == "pattern":
            ok = _regex_ok(arg)
        else:
            return False  # a keyword we do not implement: jsonschema checks it
        if not ok:
            return False
    return True

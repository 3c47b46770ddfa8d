"""The schema fast path never accepts what jsonschema refuses, and accepts the documents
people actually write (so init does not import jsonschema for them).

Corpus: every schema the runtime validates with (specs/schemas, the built-in plugins'
PARAMS_SCHEMA, the runtime plugins' desc.yaml parameters, the runtime plugin entry
schema), each with real documents and thousands of seeded mutations of them; jsonschema
(Draft 2020-12) is the judge.
"""

from __future__ import annotations

import copy
import importlib
import json
import random
from pathlib import Path

import jsonschema
import pytest
import yaml

from pai_runtime.config import quickcheck

REPO = Path(__file__).resolve().parent.parent
SCHEMAS = REPO / "specs" / "schemas"

VALUES = [None, True, False, 0, 1, -1, 1.0, 2.5, float("inf"), "", "x", "30s", "-1", "a b", "fail", "ignore",
          "before", [], ["x"], [1], [None], {}, {"a": 1}, {"name": "x"}, 10 ** 20, "bad name!", "ports", "file",
          "none", ["a", "a"], [True, 1], {"x": {"y": [1, {"z": None}]}}]


def _plugin_schemas() -> list[tuple[str, dict]]:
    out = []
    for path in sorted((REPO / "pai_runtime" / "initplugins").glob("*.py")):
        module = importlib.import_module(f"pai_runtime.initplugins.{path.stem}")
        schema = getattr(module, "PARAMS_SCHEMA", None)
        if schema is not None:
            out.append((f"builtin {path.stem}", schema))
    for desc in sorted((REPO / "plugins").glob("*/desc.yaml")):
        schema = (yaml.safe_load(desc.read_text()) or {}).get("parameters")
        if isinstance(schema, dict):
            out.append((f"plugin {desc.parent.name}", schema))
    from pai_runtime.runtimeplugins import request

    out.append(("runtime plugin entry", request._ENTRY_SCHEMA))
    return out


def _documents() -> list[tuple[str, dict, object]]:
    init = json.loads((SCHEMAS / "init_plugins.schema.json").read_text())
    runtime = json.loads((SCHEMAS / "runtime_config.schema.json").read_text())
    secrets = json.loads((SCHEMAS / "secrets.schema.json").read_text())
    docs = [
        ("init spec", init, yaml.safe_load((REPO / "specs" / "init_plugins_default.yaml").read_text())),
        ("init spec", init, {"initPlugins": [
            {"name": "barrier", "builtin": "barrier", "parameters": {"file": "/f.json", "timeout": "10m"}},
            {"name": "my-check", "command": "python3 my_check.py --strict", "failurePolicy": "ignore",
             "timeout": "2m"},
            {"name": "list.cmd", "command": ["sh", "-c", "true"], "enabled": False, "timeout": 30}],
            "initScripts": "before"}),
        ("runtime config", runtime, yaml.safe_load((REPO / "specs" / "examples" / "demo" / "runtime_plugin.yaml")
                                                   .read_text())),
        ("runtime config", runtime, {"commands": ["python train.py"], "env": {"NCCL_DEBUG": "INFO"},
                                     "runtimePlugin": [{"plugin": "cmd", "parameters": {"preCommands": ["x"]},
                                                        "failurePolicy": "fail"}],
                                     "thresholds": {"running": "24h"}}),
        ("secrets", secrets, yaml.safe_load((REPO / "specs" / "examples" / "demo" / "secrets.yaml").read_text())),
    ]
    examples = {
        "plugin _template": {"greeting": "hi", "times": 2},
        "plugin cmd": {"preCommands": ["a", "b"], "postCommands": "c"},
        "plugin git": {"repo_uri": "https://example.com/r.git", "branch": "main", "max_attempts": 3},
        "plugin initscripts": {"initScripts": [{"file": {"destination": "file:/a.sh"}}]},
        "plugin ssh": {"jobssh": True, "sshbarrier": True, "port": 2222},
        "plugin storage": {"storageConfigNames": ["nfs"]},
        "runtime plugin entry": {"plugin": "cmd", "parameters": {}, "failurePolicy": "ignore", "taskroles": ["w"]},
    }
    for name, schema in _plugin_schemas():
        docs.append((name, schema, examples.get(name, {})))
    return docs


def _mutate(rng: random.Random, doc: object, depth: int = 0) -> object:
    """One random change somewhere in ``doc``: replace, drop or add a value."""
    if isinstance(doc, dict) and doc and rng.random() < 0.7 and depth < 6:
        key = rng.choice(list(doc))
        out = dict(doc)
        r = rng.random()
        if r < 0.15:
            del out[key]
        elif r < 0.3:
            out[rng.choice(["extra", "name", "builtin", "command", "timeout", "parameters", "nam"])] = \
                copy.deepcopy(rng.choice(VALUES))
        else:
            out[key] = _mutate(rng, doc[key], depth + 1)
        return out
    if isinstance(doc, list) and doc and rng.random() < 0.7 and depth < 6:
        out = list(doc)
        i = rng.randrange(len(doc))
        r = rng.random()
        if r < 0.15:
            del out[i]
        elif r < 0.3:
            out.append(copy.deepcopy(rng.choice(doc + VALUES)))
        else:
            out[i] = _mutate(rng, doc[i], depth + 1)
        return out
    return copy.deepcopy(rng.choice(VALUES))


DOCS = _documents()


@pytest.mark.parametrize("name,schema,doc", DOCS, ids=[d[0] for d in DOCS])
def test_the_documents_people_write_take_the_fast_path(name, schema, doc):
    assert jsonschema.Draft202012Validator(schema).is_valid(doc)
    assert quickcheck.valid(schema, doc), f"{name}: a valid document fell back to jsonschema"


@pytest.mark.parametrize("name,schema,doc", DOCS, ids=[d[0] for d in DOCS])
def test_the_fast_path_never_accepts_what_jsonschema_refuses(name, schema, doc):
    rng = random.Random(f"quickcheck {name} {json.dumps(doc, sort_keys=True, default=str)}")
    judge = jsonschema.Draft202012Validator(schema)
    accepted = refused = 0
    current = doc
    for _ in range(500):
        current = _mutate(rng, current if rng.random() < 0.6 else doc)
        fast = quickcheck.valid(schema, current)
        slow = judge.is_valid(current)
        if fast:
            assert slow, f"{name}: fast path accepted {current!r}, jsonschema refuses it"
            accepted += 1
        if not slow:
            refused += 1
    assert refused > 0, f"{name}: the mutations never produced an invalid document"


def test_what_json_equality_decides_differently_from_python_goes_to_jsonschema():
    assert not quickcheck.valid({"enum": [1]}, True)
    assert not quickcheck.valid({"const": False}, 0)
    assert quickcheck.valid({"enum": [1]}, 1.0)
    assert not quickcheck.valid({"type": "integer"}, True)
    assert quickcheck.valid({"type": "integer"}, 2.0)
    assert quickcheck.valid({"uniqueItems": True}, [1, True])  # True is not 1 in JSON
    assert not quickcheck.valid({"uniqueItems": True}, [1, 1.0])
    assert not quickcheck.valid({"unevaluatedProperties": False}, {})  # not implemented: jsonschema decides
    assert not quickcheck.valid({"$ref": "https://example.com/s.json"}, 1)
    assert quickcheck.valid({"$defs": {"a": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a"}}},
                            {"x": "y"})
    assert not quickcheck.valid({"$defs": {"a": {"type": "string"}}, "properties": {"x": {"$ref": "#/$defs/a"}}},
                                {"x": 1})


SCHEMAS_IN_USE = [(name, schema) for name, schema, _ in DOCS]


@pytest.mark.parametrize("name,schema", SCHEMAS_IN_USE, ids=[s[0] for s in SCHEMAS_IN_USE])
def test_every_schema_we_ship_is_checked_without_jsonschema(name, schema):
    jsonschema.Draft202012Validator.check_schema(schema)
    assert quickcheck.schema_ok(schema), f"{name}: its schema check fell back to jsonschema"


def _schema_ok_by_jsonschema(schema: object) -> bool:
    try:
        jsonschema.Draft202012Validator.check_schema(schema)
    except jsonschema.SchemaError:
        return False
    return True


@pytest.mark.parametrize("name,schema", SCHEMAS_IN_USE, ids=[s[0] for s in SCHEMAS_IN_USE])
def test_the_schema_check_never_accepts_a_schema_jsonschema_refuses(name, schema):
    rng = random.Random(f"schema_ok {name}")
    refused = 0
    for _ in range(150):
        broken = _mutate(rng, schema)
        if quickcheck.schema_ok(broken):
            assert _schema_ok_by_jsonschema(broken), f"{name}: accepted the broken schema {broken!r}"
        elif not _schema_ok_by_jsonschema(broken):
            refused += 1
    assert refused > 0
    for bad in ({"type": "strin"}, {"minLength": -1}, {"pattern": "("}, {"required": ["a", "a"]},
                {"properties": {"a": 1}}, {"anyOf": []}):
        assert not quickcheck.schema_ok(bad) and not _schema_ok_by_jsonschema(bad)

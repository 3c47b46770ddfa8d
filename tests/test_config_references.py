"""The one reference renderer (``pai_runtime.config.secrets``): ``$secrets`` and the job
config's ``$parameters``, ``$data``, ``$script``, ``$output`` (the prerequisite the task
role names), as OpenPAI's initializer resolves them; every miss is one ConfigError line."""

from __future__ import annotations

import pytest

from pai_runtime.config.secrets import JobScope, Secrets
from pai_runtime.errors import ConfigError

SCOPE = JobScope(
    parameters={"model": "resnet50", "layers": [18, 34]},
    prerequisites=[{"name": "img", "type": "dockerimage", "uri": "ubuntu"},
                   {"name": "cifar", "type": "data", "uri": ["https://x/c.tgz", "https://y/c.tgz"]},
                   {"name": "train", "type": "script", "uri": "https://git/x.git"},
                   {"name": "out", "type": "output", "uri": "/mnt/out"}],
    role="worker", role_def={"data": "cifar", "script": "train", "output": "out"}, source="job.yaml")


@pytest.mark.parametrize("text,expected", [
    ("m=<% $parameters.model %>", "m=resnet50"),
    ("<% $parameters.layers[1] %>/<% $parameters.layers.0 %>", "34/18"),
    ("wget <% $data.uri[0] %> -O <% $data.name %>", "wget https://x/c.tgz -O cifar"),
    ("<% $data.uri.1 %>", "https://y/c.tgz"),
    ("git clone <% $script.uri %> && cd <% $output.uri %>", "git clone https://git/x.git && cd /mnt/out"),
    ("<%$secrets.pw%> <% $parameters.model %>", "hunter22 resnet50"),
])
def test_job_references_resolve(text: str, expected: str) -> None:
    assert Secrets({"pw": "hunter22"}).render(text, used_in="t", job=SCOPE) == expected


#: job-config values as OpenPAI's rest-server writes them into USER_CMD: mustache over
#: js-yaml 3 values, i.e. JavaScript String() (derived from ECMAScript Number::toString and
#: Array.prototype.toString; what the YAML text reads as is PyYAML's, see docs/openpai.md).
JS_VALUES = [
    ("true", "true"), ("false", "false"), ("1.0", "1"), ("0.001", "0.001"), ("1.0e-3", "0.001"),
    ("0.00001", "0.00001"), ("1.0e-7", "1e-7"), ("1.0e+16", "10000000000000000"), ("1.0e+21", "1e+21"),
    ("-2.50", "-2.5"), ("3", "3"), ("null", ""), ("'yes'", "yes"), ("[1, 2]", "1,2"),
    ("[a, true, 1.0, null]", "a,true,1,"), ("[[1, 2], 3]", "1,2,3"), (".inf", "Infinity"), ("'1e-3'", "1e-3"),
]


@pytest.mark.parametrize("yaml_text,expected", JS_VALUES)
def test_job_config_values_render_as_openpai_does(yaml_text: str, expected: str) -> None:
    from pai_runtime.config import yamlsource

    value = yamlsource.parse(f"v: {yaml_text}\n", "job.yaml").data["v"]
    scope = JobScope(parameters={"v": value}, source="job.yaml")
    assert Secrets({}).render("x=<% $parameters.v %>", used_in="t", job=scope) == f"x={expected}"


def test_secret_values_keep_pystache_rendering() -> None:
    """OpenPAI's runtime renders ``$secrets`` with pystache over PyYAML values: str()."""
    assert Secrets({"b": True, "f": 1.0}).render("<% $secrets.b %> <% $secrets.f %>", used_in="t") == "True 1.0"
    with pytest.raises(ConfigError, match="is a list, not a value"):
        Secrets({"l": [1, 2]}).render("<% $secrets.l %>", used_in="t")


def test_only_secret_values_are_tracked_for_the_job_redactor() -> None:
    s = Secrets({"pw": "hunter22"})
    s.render("<% $secrets.pw %> <% $parameters.model %>", used_in="t", job=SCOPE)
    assert s.used == {"hunter22"}


@pytest.mark.parametrize("text,job,message,hint", [
    ("<% $data.nope %>", SCOPE, "reference <% $data.nope %> not found: $data has no 'nope'",
     "keys available at $data: name, type, uri"),
    ("<% $data.uri[5] %>", SCOPE, "$data.uri has no 5", "indexes available at $data.uri: 0-1"),
    ("<% $parameters.model.x %>", SCOPE, "$parameters.model has no 'x'", "is a single value"),
    ("<% $parameters.model %>", None, "needs the job config", "Framework's config annotation"),
    ("<% $parameters.opts %>", JobScope(parameters={"opts": {"a": 1}}), "is a mapping, not a value", "leaf"),
    ("<% $data.uri[0] %>", JobScope(role="worker", role_def={}), "names no data prerequisite",
     "add `data: NAME`"),
    ("<% $data.uri[0] %>", JobScope(role="worker", role_def={"data": "gone"}), "names data 'gone'",
     "add a prerequisite"),
    ("<% $script.uri %>", JobScope(), "current task role, which is unknown", "PAI_CURRENT_TASK_ROLE_NAME"),
    ("<% $parameters..x %>", SCOPE, "malformed reference", "<% $parameters.name %>"),
])
def test_a_miss_is_one_line_naming_what_is_there(text: str, job: JobScope | None, message: str,
                                                 hint: str) -> None:
    with pytest.raises(ConfigError) as exc:
        Secrets({}).render(text, used_in="cmd", job=job)
    assert message in str(exc.value)
    assert hint in (exc.value.hint or "")


def test_other_templates_pass_through() -> None:
    """Only OpenPAI's namespaces are references; other ``<% %>`` text is the user's."""
    assert Secrets({}).render("<% $HOME %> <% x %>", used_in="t", job=SCOPE) == "<% $HOME %> <% x %>"

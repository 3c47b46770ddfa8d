"""Kubernetes failure policies derived from the exit spec's retry advice.

Why: the exit spec already says which failures a retry can fix (``behavior`` on each
entry, OpenPAI's job-exit-spec field), and Kubernetes acts on exit codes itself: a Job
through ``podFailurePolicy`` (``onExitCodes``, ``onPodConditions``), a JobSet through
``failurePolicy.rules`` on the reason its Job failed. Writing those lists by hand is how
they drifted from the spec; here they are computed from it.

The mapping (docs/deploy.md "Retries"):

* ``PERMANENT`` job-container codes and the init container's permanent codes
  (:data:`INIT_PERMANENT`: 247 invalid configuration, 252 barrier permanent failure,
  253 port conflict, 254 image check failed) -> ``FailJob``: no retry can fix them;
* ``TRANSIENT`` and ``TRANSIENT_CONFLICT`` -> ``Count``: retried while ``backoffLimit``
  lasts (a Job cannot retry without counting and stay bounded, so FrameworkController's
  "retry transient failures for free" is not copied);
* ``UNKNOWN`` or no behavior -> no rule: Kubernetes' default, which is ``Count``;
* a pod with the ``DisruptionTarget`` condition (preemption, eviction, node drain) ->
  ``Ignore``: not the job's fault, retried without counting.

A code that two entries advise differently is treated as ``UNKNOWN``: Kubernetes sees
only the code. A JobSet's Job fails with reason ``PodFailurePolicy`` when a ``FailJob``
rule fired and ``BackoffLimitExceeded`` when the retries ran out; the JobSet rules fail
the whole JobSet on the first and restart it (counting ``maxRestarts``) on the second.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

BEHAVIORS = ("TRANSIENT", "TRANSIENT_CONFLICT", "PERMANENT", "UNKNOWN")
#: the init container's codes no retry fixes (DESIGN.md "Exit codes")
INIT_PERMANENT = (247, 252, 253, 254)
DEFAULT_CONTAINER = "job"
DEFAULT_INIT_CONTAINER = "pai-init"
DEFAULT_MAX_RESTARTS = 3
#: Kubernetes' limit on onExitCodes.values
MAX_VALUES = 255


class Advice:
    """Retry advice per exit code, read from one spec file."""

    __slots__ = ("source", "codes", "conflicts")

    def __init__(self, source: str, codes: dict[int, str], conflicts: list[int]) -> None:
        self.source = source
        self.codes = codes
        self.conflicts = conflicts

    def with_behavior(self, *behaviors: str) -> list[int]:
        return sorted(c for c, b in self.codes.items() if b in behaviors)


def read_advice(path: str | Path) -> Advice:
    """The ``behavior`` of every code in the spec at ``path`` (runtime or OpenPAI job format).

    Reads the raw entries (bounded loader) rather than the classifier's compiled spec:
    the policy needs only code and advice, and the file must first pass ``spec lint``
    to be used by init anyway. A bad ``behavior`` value is a ConfigError (247).
    """
    from pai_runtime.config.yamlsource import parse, read_file
    from pai_runtime.errors import ConfigError

    p = Path(path)
    doc = parse(read_file(p, "exit spec"), str(p))
    data = doc.data
    if isinstance(data, list):
        items, base, code_key = data, (), "containerExitCode"
    elif isinstance(data, dict) and isinstance(data.get("entries"), list):
        items, base, code_key = data["entries"], ("entries",), "containerExitCode"
    elif isinstance(data, dict) and isinstance(data.get("spec"), list):
        items, base, code_key = data["spec"], ("spec",), "code"
    else:
        raise ConfigError("not an exit spec (a list of entries, or an OpenPAI job exit spec with 'spec:')",
                          where=doc.where(()), hint="check it with: pai-runtime spec lint FILE")
    seen: dict[int, set[str]] = {}
    for i, raw in enumerate(items):
        if not isinstance(raw, dict):
            continue
        code = raw.get(code_key)
        if isinstance(code, bool) or not isinstance(code, int) or not 0 < code <= 255:
            continue
        behavior = raw.get("behavior", "UNKNOWN")
        if behavior is None:
            behavior = "UNKNOWN"
        if not isinstance(behavior, str) or behavior.upper() not in BEHAVIORS:
            raise ConfigError(f"entry {i} (code {code}): behavior {behavior!r} is not one of {', '.join(BEHAVIORS)}",
                              where=doc.where(base + (i, "behavior")),
                              hint="PERMANENT = no retry can fix it, TRANSIENT = a retry may, UNKNOWN = cannot tell")
        seen.setdefault(code, set()).add(behavior.upper())
    codes: dict[int, str] = {}
    conflicts = []
    for code, found in sorted(seen.items()):
        if len(found) == 1:
            codes[code] = next(iter(found))
        elif found <= {"TRANSIENT", "TRANSIENT_CONFLICT"}:
            codes[code] = "TRANSIENT"
        else:
            codes[code] = "UNKNOWN"
            conflicts.append(code)
    return Advice(str(p), codes, conflicts)


def _exit_rule(action: str, container: str, values: list[int]) -> dict[str, Any]:
    return {"action": action, "onExitCodes": {"containerName": container, "operator": "In",
                                              "values": values[:MAX_VALUES]}}


def pod_failure_policy(advice: Advice, *, container: str = DEFAULT_CONTAINER,
                       init_container: str = DEFAULT_INIT_CONTAINER) -> dict[str, Any]:
    """A Job's ``spec.podFailurePolicy`` (rules are tried in order, first match wins)."""
    rules: list[dict[str, Any]] = [
        {"action": "Ignore", "onPodConditions": [{"type": "DisruptionTarget", "status": "True"}]},
    ]
    if init_container:
        rules.append(_exit_rule("FailJob", init_container, list(INIT_PERMANENT)))
    permanent = advice.with_behavior("PERMANENT")
    if permanent:
        rules.append(_exit_rule("FailJob", container, permanent))
    transient = advice.with_behavior("TRANSIENT", "TRANSIENT_CONFLICT")
    if transient:
        rules.append(_exit_rule("Count", container, transient))
    return {"rules": rules}


def jobset_failure_policy(*, max_restarts: int = DEFAULT_MAX_RESTARTS) -> dict[str, Any]:
    """A JobSet's ``spec.failurePolicy``, for Jobs that carry :func:`pod_failure_policy`."""
    return {"maxRestarts": max_restarts, "rules": [
        {"name": "permanent-failure", "action": "FailJobSet", "onJobFailureReasons": ["PodFailurePolicy"]},
        {"name": "retries-exhausted", "action": "RestartJobSet", "onJobFailureReasons": ["BackoffLimitExceeded"]},
    ]}


def _header(advice: Advice, where: str) -> str:
    lines = [f"# generated by `pai-runtime spec k8s-policy` from {Path(advice.source).name}: {where}"]
    if advice.conflicts:
        lines.append(f"# codes advised both ways in the spec, left to backoffLimit: "
                     f"{', '.join(map(str, advice.conflicts))}")
    return "\n".join(lines) + "\n"


def render(advice: Advice, *, target: str = "job", container: str = DEFAULT_CONTAINER,
           init_container: str = DEFAULT_INIT_CONTAINER, max_restarts: int = DEFAULT_MAX_RESTARTS,
           header: bool = True) -> str:
    """The YAML text: ``podFailurePolicy:`` for a Job's spec (``target`` job), or for a
    JobSet (``target`` jobset) its ``failurePolicy:`` plus the ``podFailurePolicy:`` that
    goes into every replicated Job's ``template.spec``."""
    import yaml

    pfp = pod_failure_policy(advice, container=container, init_container=init_container)
    if target == "job":
        body = yaml.safe_dump({"podFailurePolicy": pfp}, sort_keys=False, default_flow_style=None, width=1000)
        return (_header(advice, "place in a Job's .spec") if header else "") + body
    if target != "jobset":
        raise ValueError(f"unknown target {target!r}")
    fp = yaml.safe_dump({"failurePolicy": jobset_failure_policy(max_restarts=max_restarts)},
                        sort_keys=False, default_flow_style=None, width=1000)
    jobs = yaml.safe_dump({"podFailurePolicy": pfp}, sort_keys=False, default_flow_style=None, width=1000)
    if not header:
        return fp + jobs
    return (_header(advice, "place failurePolicy in the JobSet's .spec") + fp
            + "# and podFailurePolicy in each .spec.replicatedJobs[*].template.spec\n" + jobs)

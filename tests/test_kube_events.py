"""Kubernetes Events (pai_runtime/kube/events.py) against the test API server: the real
events.k8s.io/v1 object (checked with the strict 1.33 schema too), series for repeats,
the real 403 body turned into one warning line, and bounded time when the server stalls."""

from __future__ import annotations

import copy
import time
from pathlib import Path

import kubernetes_validate
import pytest

from pai_runtime.kube import events
from tests.rigs.kube_apiserver import KubeApiServer
from tests.rigs.kube_events import events as stored_events
from tests.rigs.kube_events import validate

pytestmark = pytest.mark.timeout(120)
POD = "job1-worker-0"


@pytest.fixture()
def rig(events_rig: KubeApiServer) -> KubeApiServer:
    return events_rig


def _env(rig: KubeApiServer, tmp: Path, *, may_post: bool = True, ns: str = "team-a") -> dict[str, str]:
    user = f"system:serviceaccount:{ns}:pai-{'poster' if may_post else 'reader'}-{tmp.name}"
    rig.grant(user, "get,list,watch", "pods,frameworks")
    if may_post:
        rig.grant(user, "create,patch", "events")
    kubeconfig = rig.kubeconfig(tmp / "kubeconfig", token=rig.issue_token(user), namespace=ns)
    return {"KUBECONFIG": str(kubeconfig), "PAI_POD_NAME": POD, "PAI_POD_NAMESPACE": ns,
            "FC_POD_UID": "0b5c6a1e-1111-4222-8333-444455556666"}


def test_an_event_has_the_real_shape_and_kubectl_describe_would_find_it(rig: KubeApiServer, tmp_path: Path) -> None:
    warnings: list[str] = []
    rec = events.recorder("pai-init", "Init", environ=_env(rig, tmp_path), warn=warnings.append)
    assert rec is not None
    assert rec.post("JobGangAllocationTimeout", "barrier: 1 of 2 tasks have an IP after 15m")
    (ev,) = stored_events(rig, "team-a", regarding=POD)
    assert warnings == []
    assert ev["regarding"] == {"apiVersion": "v1", "kind": "Pod", "namespace": "team-a", "name": POD,
                               "uid": "0b5c6a1e-1111-4222-8333-444455556666",
                               "fieldPath": "spec.initContainers{pai-init}"}
    assert (ev["reason"], ev["type"], ev["action"]) == ("JobGangAllocationTimeout", "Warning", "Init")
    assert ev["note"] == "barrier: 1 of 2 tasks have an IP after 15m"
    assert ev["reportingController"] == "pai-runtime" and ev["reportingInstance"] == f"{POD}/pai-init"
    assert ev["metadata"]["name"].startswith(POD + ".") and ev["metadata"]["uid"]
    assert "series" not in ev
    # what was sent is an events.k8s.io/v1 Event by Kubernetes' own (strict) schema
    sent = {k: v for k, v in ev.items() if not k.startswith("deprecated")}
    sent["metadata"] = {k: ev["metadata"][k] for k in ("name", "namespace")}
    kubernetes_validate.validate(sent, "1.33", strict=True)
    assert validate(sent, "team-a") == []


def test_a_repeat_is_a_series_on_the_same_event(rig: KubeApiServer, tmp_path: Path) -> None:
    rec = events.recorder("pai-init", "Init", environ=_env(rig, tmp_path))
    assert rec is not None
    for _ in range(3):
        assert rec.post("BarrierWaiting", "barrier: 1 of 2 tasks ready after 60s", warning=False)
    assert rec.post("ImageCheckThrottled", "registry answered 429, retrying", warning=False)
    evs = stored_events(rig, "team-a", regarding=POD)
    assert [e["reason"] for e in evs] == ["BarrierWaiting", "ImageCheckThrottled"]
    assert evs[0]["series"]["count"] == 3 and evs[0]["series"]["lastObservedTime"].endswith("Z")
    assert evs[0]["type"] == "Normal"
    assert [r.method for r in rig.requests if "/events" in r.path][-4:] == ["POST", "PATCH", "PATCH", "POST"]


def test_without_the_permission_one_warning_line_and_nothing_more(rig: KubeApiServer, tmp_path: Path) -> None:
    warnings: list[str] = []
    rec = events.recorder("job", "Run", environ=_env(rig, tmp_path, may_post=False), warn=warnings.append)
    assert rec is not None
    before = rig.count(match="/events")
    assert rec.post("UserCommandNotFound", "user command exited 127") is False
    assert rec.post("UserCommandNotFound", "again") is False
    assert rig.count(match="/events") == before + 1  # refused once, then silent
    (line,) = warnings
    assert "\n" not in line
    user = f"system:serviceaccount:team-a:pai-reader-{tmp_path.name}"
    assert (f'events.events.k8s.io is forbidden: User "{user}" cannot create resource "events" in API group '
            f'"events.k8s.io" in the namespace "team-a"') in line
    assert "pai-runtime-events" in line  # how to fix it
    assert stored_events(rig, "team-a") == []


def test_a_stalled_server_costs_at_most_the_deadline(rig: KubeApiServer, tmp_path: Path) -> None:
    rig.inject("delay", "/events", seconds=30, times=None)
    warnings: list[str] = []
    rec = events.recorder("job", "Run", environ=_env(rig, tmp_path), warn=warnings.append, deadline=1.0)
    assert rec is not None
    t0 = time.monotonic()
    assert rec.post("UserCommandNotFound", "x") is False
    assert time.monotonic() - t0 < 3.0
    assert len(warnings) == 1 and "timed out" in warnings[0]


def test_throttled_then_taken(rig: KubeApiServer, tmp_path: Path) -> None:
    rig.inject("status", "/events", status=429, retry_after=0, times=1)
    rec = events.recorder("job", "Run", environ=_env(rig, tmp_path))
    assert rec is not None and rec.post("UserCommandNotFound", "x")
    assert len(stored_events(rig, "team-a")) == 1


def test_a_429_retry_after_header_is_honoured(rig: KubeApiServer, tmp_path: Path) -> None:
    """A 429 with only the header (no details.retryAfterSeconds, as when a proxy answers):
    the retry waits what it says, as the kube client does (one policy, pai_runtime.http)."""
    rig.inject("status", "/events", status=429, retry_after=1, details={}, times=1)
    warnings: list[str] = []
    rec = events.recorder("job", "Run", environ=_env(rig, tmp_path), warn=warnings.append)
    assert rec is not None and rec.post("UserCommandNotFound", "x")
    posts = [r for r in rig.timeline() if r.method == "POST" and "/events" in r.path]
    assert [r.status for r in posts[-2:]] == [429, 201]
    assert posts[-1].start - posts[-2].end >= 0.9
    assert warnings == [] and len(stored_events(rig, "team-a")) == 1


@pytest.mark.parametrize("details", [{"retryAfterSeconds": -1}, "oops", {"retryAfterSeconds": "soon"}, [1]])
def test_a_429_with_bad_details_is_one_warning_and_a_backoff(rig: KubeApiServer, tmp_path: Path,
                                                           details: object) -> None:
    """A negative or non-numeric retryAfterSeconds, or details that is no object, is one
    warning line naming the value and the backoff: no ValueError, no AttributeError."""
    rig.inject("status", "/events", status=429, details=details, times=1)
    warnings: list[str] = []
    rec = events.recorder("job", "Run", environ=_env(rig, tmp_path), warn=warnings.append)
    assert rec is not None and rec.post("UserCommandNotFound", "x")
    assert len(warnings) == 1 and "unusable Retry-After" in warnings[0] and "backing off" in warnings[0]
    assert len(stored_events(rig, "team-a")) == 1


def test_no_cluster_or_no_pod_name_or_opt_out_means_no_recorder(rig: KubeApiServer, tmp_path: Path) -> None:
    env = _env(rig, tmp_path)
    assert events.recorder("job", "Run", environ={"PAI_POD_NAME": POD}) is None  # nothing points at a cluster
    assert events.recorder("job", "Run", environ={k: v for k, v in env.items() if k != "PAI_POD_NAME"}) is None
    assert events.recorder("job", "Run", environ={**env, "PAI_EVENTS": "0"}) is None


def test_long_notes_are_cut_to_the_api_limit_on_a_character_boundary(rig: KubeApiServer, tmp_path: Path) -> None:
    rec = events.recorder("job", "Run", environ=_env(rig, tmp_path))
    assert rec is not None and rec.post("R" * 300, "é" * 2000)
    (ev,) = stored_events(rig, "team-a")
    assert len(ev["note"].encode()) <= 1024 and ev["note"].endswith("...")
    assert len(ev["reason"]) <= 128


def test_the_rig_refuses_what_kube_apiserver_refuses(rig: KubeApiServer, tmp_path: Path) -> None:
    """The rig's checks are the ones client code must pass: shown on hand-made Events."""
    import requests

    good = {"apiVersion": "events.k8s.io/v1", "kind": "Event", "metadata": {"name": "p.1", "namespace": "default"},
            "eventTime": "2026-01-01T00:00:00.000000Z", "regarding": {"kind": "Pod", "name": "p"},
            "reason": "X", "note": "n", "type": "Normal", "action": "Init", "reportingController": "pai-runtime",
            "reportingInstance": "p/init"}
    url = f"{rig.url}/apis/events.k8s.io/v1/namespaces/default/events"
    hdr = {"Authorization": f"Bearer {rig.admin_token}"}
    ca = str(rig.tls.ca_cert) if rig.tls else True
    bad = copy.deepcopy(good)
    del bad["reportingController"]
    bad["series"] = {"count": 1}
    r = requests.post(url, json=bad, headers=hdr, verify=ca, timeout=10)
    body = r.json()
    assert r.status_code == 422 and body["reason"] == "Invalid"
    assert body["message"].startswith('Event.events.k8s.io "p.1" is invalid: [reportingController: Required value')
    assert {c["field"] for c in body["details"]["causes"]} == {"reportingController", "series.count",
                                                               "series.lastObservedTime"}
    assert requests.post(url, json=good, headers=hdr, verify=ca, timeout=10).status_code == 201
    r = requests.post(url, json=good, headers=hdr, verify=ca, timeout=10)
    assert r.status_code == 409 and r.json()["reason"] == "AlreadyExists"
    r = requests.patch(url + "/p.1", json={"series": {"count": 2}}, verify=ca, timeout=10,
                       headers={**hdr, "Content-Type": "application/json-patch+json"})
    assert r.status_code == 415
    r = requests.patch(url + "/nope", data='{"note": "x"}', verify=ca, timeout=10,
                       headers={**hdr, "Content-Type": "application/merge-patch+json"})
    assert r.status_code == 404 and r.json()["message"] == 'events.events.k8s.io "nope" not found'

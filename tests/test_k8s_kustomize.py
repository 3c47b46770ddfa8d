"""The kustomize base and the example overlay in build/k8s/, built with `kubectl kustomize`
(client-go's kustomize, offline): the output passes the strict Kubernetes 1.33 schema and
the pai-runtime wiring checks, carries the shipped specs unchanged, and the overlay's
image tag, namespace, init.d script and gang size reach the Job."""

from __future__ import annotations

import importlib.util
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
K8S = REPO / "build" / "k8s"


def _validator() -> Any:
    spec = importlib.util.spec_from_file_location("pai_k8s_validate_kz", K8S / "validate.py")
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


V = _validator()


def _build(tmp_path: Path, overlay: str) -> tuple[Path, list[dict[str, Any]]]:
    kubectl = shutil.which("kubectl")
    assert kubectl, "kubectl missing: run make system-deps (tests/rigs/packages.d/barrier.txt)"
    res = subprocess.run([kubectl, "kustomize", str(K8S / overlay)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    out = tmp_path / f"{overlay}.yaml"
    out.write_text(res.stdout)
    return out, [d for d in yaml.safe_load_all(res.stdout) if d]


def _one(docs: list[dict[str, Any]], kind: str, prefix: str = "") -> dict[str, Any]:
    (doc,) = [d for d in docs if d["kind"] == kind and d["metadata"]["name"].startswith(prefix)]
    return doc


@pytest.mark.parametrize("overlay", ["base", "example"])
def test_kustomize_output_passes_the_strict_schema_and_the_wiring_checks(tmp_path: Path, overlay: str) -> None:
    out, docs = _build(tmp_path, overlay)
    assert V.validate_file(out) == []
    kinds = sorted(d["kind"] for d in docs)
    assert kinds.count("ConfigMap") == 2 and "Job" in kinds and "Service" in kinds and "ServiceAccount" in kinds
    assert {d["metadata"]["name"] for d in docs if d["kind"] == "Role"} >= {"pai-runtime-barrier",
                                                                            "pai-runtime-events"}


def test_the_configmaps_are_the_shipped_specs_and_the_job_mounts_them(tmp_path: Path) -> None:
    _, docs = _build(tmp_path, "base")
    config = _one(docs, "ConfigMap", "pai-config-")
    assert config["data"]["runtime-exit-spec.yaml"] == (REPO / "specs" / "runtime-exit-spec.yaml").read_text()
    assert config["data"]["init_plugins.yaml"] == (REPO / "specs" / "init_plugins_default.yaml").read_text()
    init_d = _one(docs, "ConfigMap", "pai-init-d-")
    spec = _one(docs, "Job")["spec"]["template"]["spec"]
    volumes = {v["name"]: v for v in spec["volumes"]}
    # the hash-suffixed names reach the pod, so a changed spec rolls out as a new ConfigMap
    assert volumes["pai-config"]["configMap"]["name"] == config["metadata"]["name"]
    assert volumes["pai-init-d"]["configMap"] == {"name": init_d["metadata"]["name"], "defaultMode": 0o755}
    (init,) = spec["initContainers"]
    assert init["image"] == "ghcr.io/example/pai-runtime:0.1.0"
    env = {e["name"]: e for e in init["env"]}
    assert env["PAI_INIT_DIR"]["value"] == "/usr/local/pai-init.d"
    assert env["PAI_POD_NAME"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"
    assert {"name": "pai-init-d", "mountPath": "/usr/local/pai-init.d", "readOnly": True} in init["volumeMounts"]


def test_the_example_overlay_sets_tag_namespace_commands_gang_and_init_d(tmp_path: Path) -> None:
    _, docs = _build(tmp_path, "example")
    assert {d["metadata"].get("namespace") for d in docs if d["kind"] != "Namespace"} == {"pai-example"}
    job = _one(docs, "Job")
    assert job["spec"]["completions"] == job["spec"]["parallelism"] == 4
    (init,) = job["spec"]["template"]["spec"]["initContainers"]
    assert init["image"] == "ghcr.io/example/pai-runtime:0.1.0"
    config = _one(docs, "ConfigMap", "pai-config-")
    assert set(config["data"]) == {"init_plugins.yaml", "runtime-exit-spec.yaml", "runtime_plugin.yaml"}
    plugins = yaml.safe_load(config["data"]["init_plugins.yaml"])["initPlugins"]
    barrier = next(p for p in plugins if p["builtin"] == "barrier")
    assert barrier["parameters"]["expected"] == job["spec"]["completions"]
    init_d = _one(docs, "ConfigMap", "pai-init-d-")
    assert init_d["data"]["10-show-gpus"] == (K8S / "example" / "init.d" / "10-show-gpus").read_text()


def test_a_digest_pin_in_an_overlay_replaces_the_tag(tmp_path: Path) -> None:
    overlay = tmp_path / "pinned"
    overlay.mkdir()
    digest = "sha256:" + "ab" * 32
    (overlay / "kustomization.yaml").write_text(yaml.safe_dump({
        "apiVersion": "kustomize.config.k8s.io/v1beta1", "kind": "Kustomization",
        "resources": [os.path.relpath(K8S / "base", overlay)],
        "images": [{"name": "ghcr.io/example/pai-runtime", "newName": "registry.example/pai-runtime",
                    "digest": digest}]}))
    res = subprocess.run(["kubectl", "kustomize", str(overlay)], capture_output=True, text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    job = next(d for d in yaml.safe_load_all(res.stdout) if d and d["kind"] == "Job")
    (init,) = job["spec"]["template"]["spec"]["initContainers"]
    assert init["image"] == f"registry.example/pai-runtime@{digest}"

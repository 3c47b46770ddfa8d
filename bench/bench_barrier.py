"""Gang barrier at scale: API requests, bytes and watch events per task, and the delay
after the last pod IP, for one job start of N tasks (issue 17).

Timeline (the same for every design): pod IPs arrive uniformly over SPREAD seconds; each
pod's barrier starts STARTUP s after its own IP (an init container runs after the pod
sandbox). FrameworkController rewrites the whole Framework once per sync (every FC_SYNC s
while IPs change, all changes since the last sync in one write); the kubelet writes each
pod's status twice (the IP, then the init container running STARTUP s later). Objects have
real sizes: a FrameworkController task status ~0.6 KB (taskRoleStatusesCompressed once
the statuses pass 700 KiB, LargeFrameworkCompression), a pod with status ~8 KB.

Designs: ``gang`` (this release: the leader, index 0 of the first role, watches the job
and publishes a ConfigMap; the other tasks GET it with resourceVersion=0 and watch only
it), ``today`` (every task lists/GETs the job and watches it) and ``poll`` (OpenPAI's
frameworkbarrier: GET the Framework every 10 s).

Measured: for N = 1,000 and 3,000 the leader and SAMPLE followers run for real against
the test API server (tests/rigs/kube_apiserver.py) with the writers above; the rig's
per-client counters give their requests, bytes and events, and the delay is theirs; the
other N-1-SAMPLE tasks are simulated from the same rule (what a follower receives: one
GET, then the heartbeats and the final write of the ConfigMap). ``today`` and ``poll``
are the rule alone (research/barrier-scale.md validated it at -3 %..+7 % per barrier).
N = 10,000 is the rule alone, with the delay = the leader's delay + the write and
fan-out time measured at 3,000.
"""

from __future__ import annotations

import base64
import gzip
import json
import math
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pai_runtime.initplugins import barrier  # noqa: E402
from pai_runtime.kube import gang  # noqa: E402
from tests.rigs.barrier_fixtures import make_ctx  # noqa: E402
from tests.rigs.kube_apiserver import KubeApiServer, framework  # noqa: E402

SPREAD, STARTUP, FC_SYNC, HEARTBEAT, POLL = 5.0, 0.5, 0.1, 15.0, 10.0
SAMPLE = 4
MB = 1e6


def ip_of(i: int) -> str:
    """Pod IPs scattered over a /16 as a CNI hands them out across nodes (not in index order)."""
    j = (i * 40503 + 12345) % 65536
    return f"10.{64 + i // 65536}.{j // 256}.{j % 256}"


def realistic_framework(n: int, ready: int = 0, ports: bool = False) -> dict:
    """An OpenPAI-like Framework: one role, 3 KB config annotation, task statuses shaped
    after FrameworkController's TaskStatus with times, retry status and attempt status."""
    fw = framework("job", {"worker": n}, ready={"worker": 0}, config="x" * 3000,
                   ports={"worker": {"ssh": 1, "http": 1}} if ports else None)
    for t in fw["status"]["attemptStatus"]["taskRoleStatuses"][0]["taskStatuses"]:
        uid = str(uuid.uuid4())
        ts = "2026-12-07T03:00:00Z"
        t.update(startTime=ts, runTime=None, completionTime=None, transitionTime=ts)
        t["attemptStatus"].update(podUID=uid, instanceUID=f"0_{uid}", startTime=ts, runTime=None, completionTime=None,
                                  podNodeName=f"node-{t['index']:05d}.cluster.local", completionStatus=None,
                                  podIP=ip_of(t["index"]) if t["index"] < ready else None,
                                  podHostIP=ip_of(t["index"]) if t["index"] < ready else None)
    fw["metadata"]["uid"] = str(uuid.uuid4())
    return fw


def fc_size(n: int) -> int:
    fw = realistic_framework(n, ready=n)
    statuses = json.dumps(fw["status"]["attemptStatus"]["taskRoleStatuses"]).encode()
    if len(statuses) >= 700 * 1024:  # LargeFrameworkCompression
        fw["status"]["attemptStatus"]["taskRoleStatuses"] = None
        fw["status"]["attemptStatus"]["taskRoleStatusesCompressed"] = base64.b64encode(gzip.compress(statuses)).decode()
    return len(json.dumps(fw))


def realistic_pod(i: int, ip: str | None) -> dict:
    env = [{"name": f"PAI_VAR_{k}", "value": "v" * 40} for k in range(26)]
    mounts = [{"name": f"vol-{k}", "mountPath": f"/mnt/volume-{k}", "readOnly": k % 2 == 0} for k in range(5)]
    container = {"name": "main", "image": "ghcr.io/example/train:1.0", "env": env, "volumeMounts": mounts,
                 "resources": {"limits": {"nvidia.com/gpu": "8", "memory": "512Gi"}}}
    conds = [{"type": t, "status": "True", "lastProbeTime": None, "lastTransitionTime": "2026-12-07T03:00:00Z"}
             for t in ("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")]
    return {"kind": "Pod", "metadata": {
        "name": f"job-worker-0-{i}-abcde", "uid": str(uuid.uuid4()),
        "labels": {"jobset.sigs.k8s.io/jobset-name": "job", "jobset.sigs.k8s.io/replicatedjob-name": "worker",
                   "batch.kubernetes.io/job-completion-index": str(i), "jobset.sigs.k8s.io/jobset-uid": "u" * 36},
        "ownerReferences": [{"apiVersion": "batch/v1", "kind": "Job", "name": "job-worker-0", "uid": "j" * 36,
                             "controller": True, "blockOwnerDeletion": True}],
        "managedFields": [{"manager": m, "operation": "Update", "fieldsV1": {"f:status": {"f:x": "y" * 700}}}
                          for m in ("kube-controller-manager", "kubelet")]},
        "spec": {"initContainers": [dict(container, name="pai-init")], "containers": [container],
                 "volumes": [{"name": "kube-api-access", "projected": {"sources": [
                     {"serviceAccountToken": {"expirationSeconds": 3607, "path": "token"}},
                     {"configMap": {"name": "kube-root-ca.crt", "items": [{"key": "ca.crt", "path": "ca.crt"}]}}]}}],
                 "nodeName": f"node-{i:05d}"},
        "status": {"phase": "Pending", "conditions": conds, "hostIP": ip, "podIP": ip,
                   "initContainerStatuses": [{"name": "pai-init", "ready": False, "restartCount": 0,
                                              "image": "x" * 60, "imageID": "y" * 100, "started": True}]}}


# -- the rule ----------------------------------------------------------------------------------
def timeline(n: int) -> tuple[list[float], float, list[float], float]:
    ips = [SPREAD * i / n for i in range(n)]
    last = ips[-1]
    writes = [FC_SYNC * k for k in range(1, math.ceil(last / FC_SYNC) + 2)]
    w_final = next(w for w in writes if w >= last)
    return ips, last, [w for w in writes if w <= w_final], w_final


def rule(source: str, design: str, n: int, *, f: int, p: int, c_wait: int, c_ready: int,
         leader_delay: float = 0.05, fanout: float = 0.05) -> dict:
    """Per-task totals over one job start, from the timeline alone."""
    ips, last, writes, w_final = timeline(n)
    starts = [t + STARTUP for t in ips]
    req = ev = 0
    nbytes = 0.0
    delays = []
    per: list[tuple[int, int, float]] = []
    ready_at = w_final if source == "frameworkcontroller" else last

    def direct(b: float) -> tuple[int, int, float]:
        if source == "frameworkcontroller":
            if b >= w_final:
                return 1, 0, f
            e = sum(1 for w in writes if b < w <= w_final)
            return 2, e, f * (1 + e)
        e = sum(1 for t in ips if b < t <= last) + sum(1 for t in ips if b < t + STARTUP <= last)
        return (1 if b >= last else 2), e, p * (n + e)

    if design == "today":
        for b in starts:
            r, e, by = direct(b)
            req, ev, nbytes = req + r, ev + e, nbytes + by
            delays.append(max(ready_at, b) - max(last, b) + leader_delay)
    elif design == "poll":
        for b in starts:
            k = max(0, math.ceil((w_final - b) / POLL))
            req, nbytes = req + 1 + k, nbytes + (1 + k) * f
            delays.append(b + POLL * k - last if k else max(0.0, b - last))
    else:
        lead_b = starts[0]
        r, e, by = direct(lead_b)
        passed = max(ready_at, lead_b) + leader_delay
        beats = int((passed - lead_b) / HEARTBEAT)
        req, ev, nbytes = r + 2 + beats, e, by + c_wait * (1 + beats) + c_ready
        per.append((req, ev, nbytes))
        cm_ready = passed + fanout
        for b in starts[1:]:
            if b >= cm_ready:
                one = (1, 0, c_ready)
            else:
                hb = int((cm_ready - b) / HEARTBEAT)
                one = (2, hb + 1, c_wait * (1 + hb) + c_ready)
            per.append(one)
            req, ev, nbytes = req + one[0], ev + one[1], nbytes + one[2]
            delays.append(max(cm_ready, b) - max(last, b))
    return {"requests": req / n, "mb": nbytes / n / MB, "events": ev / n, "delay": max(delays or [leader_delay]),
            "total_mb": nbytes / MB, "per": per}


# -- measured on the rig -----------------------------------------------------------------------------
def measure(source: str, n: int, tmp: Path) -> dict:
    """The leader and SAMPLE followers for real; IPs and whole-object rewrites on the timeline."""
    with KubeApiServer(tmp / f"rig-{source}-{n}", tls=False, bookmark_interval=60) as rig:
        ips, last_rel, _, _ = timeline(n)
        if source == "frameworkcontroller":
            fw = realistic_framework(n)
            rig.put(fw)
        else:
            for i in range(n):
                rig.put(realistic_pod(i, None))
        sample = [0] + [int(n * k / (SAMPLE + 1)) for k in range(1, SAMPLE + 1)]
        runs: dict[int, dict] = {}
        key = "0_" + str(uuid.uuid4())
        t0 = time.monotonic() + 0.5

        def task(i: int) -> None:
            sa = rig.service_account(tmp / f"sa-{source}-{n}-{i}", verbs="get,list,watch,create,update",
                                     resources="frameworks,pods,configmaps")
            env = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(rig.port),
                   "FC_FRAMEWORK_NAMESPACE": "default", "FC_FRAMEWORK_NAME": "job", "FC_TASKROLE_NAME": "worker",
                   "FC_TASK_INDEX": str(i), "FC_FRAMEWORK_ATTEMPT_INSTANCE_UID": key, "PAI_GANG_KEY": key}
            params = {"apiServer": rig.url, "serviceAccountDir": str(sa.path), "timeout": "2m"}
            if source == "pods":
                env.pop("FC_TASKROLE_NAME")
                params.update(source="pods", selector="jobset.sigs.k8s.io/jobset-name=job", expected=n, name="job")
            ctx = make_ctx(tmp / f"t-{source}-{n}-{i}", env)
            time.sleep(max(0.0, t0 + ips[i] + STARTUP - time.monotonic()))
            barrier.run(ctx, params)
            runs[i] = {"end": time.monotonic(), "token": sa.token, "role": ctx.barrier_stats["role"]}

        threads = [threading.Thread(target=task, args=(i,), daemon=True) for i in sample]
        for t in threads:
            t.start()
        # the writers
        if source == "frameworkcontroller":
            done = 0
            while done < n:
                now = time.monotonic() - t0
                upto = min(n, sum(1 for t in ips if t <= now) or 1)
                for t in fw["status"]["attemptStatus"]["taskRoleStatuses"][0]["taskStatuses"][done:upto]:
                    t["attemptStatus"]["podIP"] = t["attemptStatus"]["podHostIP"] = ip_of(t["index"])
                done = upto
                rig.put(fw)  # one whole-object rewrite per sync
                last_put = time.monotonic()
                time.sleep(FC_SYNC)
        else:
            pods = [realistic_pod(i, ip_of(i)) for i in range(n)]
            for i in range(n):
                pods[i]["metadata"] = rig.get("pods", f"job-worker-0-{i}-abcde")["metadata"]
            second = sorted([(t, i, 1) for i, t in enumerate(ips)] + [(t + STARTUP, i, 2) for i, t in enumerate(ips)])
            for at, i, kind in second:
                time.sleep(max(0.0, t0 + at - time.monotonic()))
                if kind == 2:
                    pods[i]["status"]["initContainerStatuses"][0]["ready"] = True
                rig.put(pods[i])
                if kind == 1:
                    last_put = time.monotonic()
        last_ip = last_put  # when the last IP was in the store (the rig's writer may lag the timeline)
        for t in threads:
            t.join(180)
        stats = rig.per_client()
        cm = rig.get("configmaps", "job-gang")
        out = {"runs": runs, "stats": {i: stats[r["token"]] for i, r in runs.items()},
               "delay": max(r["end"] - max(last_ip, t0 + ips[i] + STARTUP) for i, r in runs.items()),
               "c_ready": len(json.dumps(cm)) + 300 if cm else 0, "lag": last_put - (t0 + last_rel),
               "fanout": max(r["end"] for i, r in runs.items() if i) - runs[0]["end"]}
        return out


def main() -> int:
    sizes = {n: fc_size(n) for n in (1000, 3000, 10000)}
    p = len(json.dumps(realistic_pod(1, ip_of(1))))
    waiting = len(json.dumps(gang.build(name="job-gang", namespace="default", key="0_" + "k" * 36, leader="w-0",
                                        state="waiting", ready=0, total=0, owner=None, job="job"))) + 300
    print(f"objects: Framework {sizes[1000] / 1e3:.0f} KB at 1,000 tasks, {sizes[3000] / 1e3:.0f} KB at 3,000 "
          f"(compressed), {sizes[10000] / 1e3:.0f} KB at 10,000; pod {p / 1e3:.1f} KB; gang ConfigMap waiting "
          f"{waiting} B")
    print(f"timeline: IPs over {SPREAD:g}s, barrier {STARTUP:g}s after its own IP, FrameworkController rewrites "
          f"every {FC_SYNC:g}s, kubelet 2 writes per pod, leader heartbeat {HEARTBEAT:g}s")
    fanout = 0.05
    with tempfile.TemporaryDirectory() as d:
        for source in ("frameworkcontroller", "pods"):
            for n in (1000, 3000):
                m = measure(source, n, Path(d))
                c_ready = m["c_ready"]
                f = sizes[n]
                model = rule(source, "gang", n, f=f, p=p, c_wait=waiting, c_ready=c_ready)
                # sampled tasks: what the rig counted; the others: the rule's cost of that task
                sampled = m["stats"]
                req = sum(st.requests for st in sampled.values())
                byt = float(sum(st.bytes for st in sampled.values()))
                ev = sum(st.events for st in sampled.values())
                for i, (r_, e_, b_) in enumerate(model["per"]):
                    if i not in sampled:
                        req, ev, byt = req + r_, ev + e_, byt + b_
                if source == "frameworkcontroller":
                    fanout = max(fanout, m["fanout"])
                roles = sorted({r["role"] for r in m["runs"].values()})
                print(f"barrier-scale: source={source} tasks={n} requests/task={req / n:.2f} "
                      f"MB/task={byt / n / MB:.4f} events/task={ev / n:.2f} delay={m['delay']:.2f}s")
                print(f"  measured: leader + {len(sampled) - 1} followers for real ({', '.join(roles)}; "
                      f"leader {sampled[0].requests} requests {sampled[0].bytes / MB:.1f} MB {sampled[0].events} "
                      f"events; followers {[s.requests for i, s in sampled.items() if i]} requests, "
                      f"{max(s.bytes for i, s in sampled.items() if i) / 1e3:.1f} KB max); the other "
                      f"{n - len(sampled)} simulated from the rule; rule alone: MB/task={model['mb']:.4f}; "
                      f"the rig's writer ran {m['lag']:.1f}s behind the timeline)")
                for design in ("today", "poll"):
                    if design == "poll" and source == "pods":
                        continue
                    r = rule(source, design, n, f=f, p=p, c_wait=waiting, c_ready=c_ready)
                    print(f"  {'today (every task watches)' if design == 'today' else 'OpenPAI 10 s poll'}: "
                          f"requests/task={r['requests']:.2f} MB/task={r['mb']:.2f} events/task={r['events']:.1f} "
                          f"delay={r['delay']:.2f}s (rule)")
    n = 10000
    fw10 = realistic_framework(n, ready=n)
    for t in fw10["status"]["attemptStatus"]["taskRoleStatuses"][0]["taskStatuses"]:
        t["attemptStatus"]["podIP"] = t["attemptStatus"]["podHostIP"] = ip_of(t["index"])
    fwp = realistic_framework(n, ready=n, ports=True)
    addr = len(json.dumps(gang.build(name="job-gang", namespace="default", key="k", leader="l", state="ready",
                                     ready=n, total=n, owner=None, job="job", fw=fwp))) + 300
    plain = fw10
    addr_plain = len(json.dumps(gang.build(name="job-gang", namespace="default", key="k", leader="l", state="ready",
                                           ready=n, total=n, owner=None, job="job", fw=plain))) + 300
    count = len(json.dumps(gang.build(name="job-gang", namespace="default", key="k", leader="l", state="ready",
                                      ready=n, total=n, owner=None, job="job", fw=fw10, count_only=True))) + 300
    print(f"extrapolated to 10,000 (rule alone; delay = leader + write + fan-out {fanout:.2f}s as measured at 3,000; "
          f"ready ConfigMap {addr_plain / 1e3:.0f} KB with addresses, {addr / 1e3:.0f} KB with OpenPAI hashed ports "
          f"(computed ports), {count} B count only):")
    for source in ("frameworkcontroller", "pods"):
        for label, c in (("addresses", addr_plain), ("addresses+ports", addr), ("count", count)):
            r = rule(source, "gang", n, f=sizes[n], p=p, c_wait=waiting, c_ready=c, fanout=fanout)
            print(f"  {label}: total {r['total_mb'] / 1e3:.2f} GB for the job")
            print(f"barrier-scale: source={source} tasks={n} requests/task={r['requests']:.2f} MB/task={r['mb']:.4f} "
                  f"events/task={r['events']:.2f} delay={r['delay']:.2f}s")
        for design in ("today", "poll"):
            if design == "poll" and source == "pods":
                continue
            r = rule(source, design, n, f=sizes[n], p=p, c_wait=waiting, c_ready=addr)
            print(f"  {design}: requests/task={r['requests']:.2f} MB/task={r['mb']:.2f} events/task={r['events']:.1f} "
                  f"delay={r['delay']:.2f}s total {r['total_mb'] / 1e3:.0f} GB (rule)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

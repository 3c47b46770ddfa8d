"""Fast start (issue 19): ``init`` on a recorded multi-role Framework, and ``run -- true``,
against the bare interpreter, side by side in one run.

Anchor: ``python -I -c pass`` with the same venv's interpreter, timed in the same round as
the case it anchors (bare, init, run, bare, init, run, ...), so a burst of load from the
other agents on this 2-core box hits both sides of a ratio alike. Each ratio is taken per
round and the median of the ratios is reported (a median of times would pair a quiet
anchor with a loud case).

The init case is what an init container of a real job does: the barrier reads a recorded
FrameworkController Framework from a file (two task roles, scheduled ports), the framework
parser writes the runtime env, the ports check probes every scheduled port, the runtime
plugins step runs the ``cmd`` plugin (one plugin process, as OpenPAI's initializer runs one
per plugin), and render writes user.sh. Each run gets a fresh, empty work dir, as an
emptyDir volume is in a new pod (so the self-copy of the runtime is a full copy).

``run -- true`` is the job container's PID 1 on a work dir that init prepared (runtime.d
with env, settings and the exit spec), which is what it reads in a pod.

Goals: init / bare <= 4x, run -- true / bare <= 1.5x.

OpenPAI's own init chain (the five interpreters its ``src/init`` starts after the barrier:
``framework_parser.py genenv`` and ``genconf``, ``initializer.py`` with the runtime plugin
of the job's config, ``port.py``, ``user_command_renderer.py``) is re-measured on OpenPAI's
own ``test/framework.json`` against our init on the same file, when a checkout of
microsoft/openpai-runtime is given in ``PAI_BENCH_OPENPAI`` (its code never enters this
repository). Its scripts need PyYAML and pystache: ``PAI_BENCH_OPENPAI_PYTHONPATH`` may
name a folder that holds pystache (``pip install --target DIR pystache``). Without a
checkout the section says that the anchor is absent. The image checker is left out on both
sides (it needs a registry), and so is OpenPAI's barrier (a Go binary; ours reads the file).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("BENCH_FASTSTART_RUNS", "21"))
BIN = Path(sys.executable).parent / "pai-runtime"
FRAMEWORK = REPO / "tests" / "data" / "framework" / "openpai_taskrole1.json"
#: (task role, index, pod uid) of the pod that runs init, as FrameworkController sets them
OWN = ("taskrole", "0", "2320bc0d-db98-4969-965f-077953c6aee9")
GOALS = {"init": 4.0, "run -- true": 1.5}

SPEC = """initPlugins:
- {{name: barrier, builtin: barrier, parameters: {{file: {fw}, timeout: 30s}}}}
- {{name: framework, builtin: framework, parameters: {{file: {fw}}}}}
- {{name: ports, builtin: ports}}
- {{name: runtime-plugins, builtin: runtimeplugins}}
- {{name: render, builtin: render}}
"""
RUNTIME_CONFIG = json.dumps({
    "commands": ["python train.py --rank $PAI_CURRENT_TASK_ROLE_CURRENT_TASK_INDEX"],
    "runtimePlugin": [{"plugin": "cmd", "parameters": {"preCommands": ["nvidia-smi -L || true"],
                                                       "postCommands": ["echo done"]}}],
    "env": {"NCCL_DEBUG": "INFO"},
})
#: the job container of the same pod has no pre/post commands, so ``run -- true`` is PID 1 alone
RUN_RUNTIME_CONFIG = json.dumps({"env": {"NCCL_DEBUG": "INFO"}})


def clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("PAI_", "KUBERNETES_", "FC_", "PYTHON")) and k not in ("INIT_CONFIG", "RUNTIME_CONFIG")}
    env.update(PAI_CONFIG_DIR=str(tmp / "no-config"), PAI_TERMINATION_LOG=str(tmp / "termination-log"))
    return env


def init_env(base: dict[str, str], framework: Path, own: tuple[str, str, str], work: Path,
             runtime_config: str = RUNTIME_CONFIG) -> dict[str, str]:
    env = dict(base)
    env.update(INIT_CONFIG=SPEC.format(fw=json.dumps(str(framework))), RUNTIME_CONFIG=runtime_config,
               FC_TASKROLE_NAME=own[0], FC_TASK_INDEX=own[1], FC_POD_UID=own[2], FC_FRAMEWORK_NAME="bench",
               PAI_WORK_DIR=str(work))
    return env


def timed(argv: list[str], env: dict[str, str], cwd: Path | None = None, outputs: list[tuple[float, str]] | None = None
          ) -> float:
    """Wall seconds of one run; a failing run stops the benchmark with its output.
    ``outputs`` collects (seconds, output) of each run, read after the timing."""
    start = time.perf_counter()
    r = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        tail = r.stdout.decode(errors="replace")[-2000:]
        raise SystemExit(f"{argv[:3]} exited {r.returncode}:\n{tail}")
    if outputs is not None:
        outputs.append((elapsed, r.stdout.decode(errors="replace")))
    return elapsed


#: ``2026-12-07T12:29:16.181986Z [info] exit spec installed  key=value ...``: init's text log
_LOG_LINE = re.compile(r"^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?)Z? \[\w+\] (.+?)(?:  |$)")
#: the events that end a stage of init, in order, and the stage's name
STAGES = (("config loaded", "imports, config"), ("exit spec installed", "exit spec"),
          ("plugin passed", "plugins"), ("runtime installed in the work dir", "runtime.d + self-copy"),
          ("init summary:", "summary"))


def stages(outputs: list[tuple[float, str]]) -> str:
    """Median ms of each stage of init, read from the timestamps of its own log lines;
    "interpreter + exit" is the wall time outside the first and the last line (start-up,
    the imports before the first line, the exit). Not part of any ratio."""
    from datetime import datetime

    per_stage: dict[str, list[float]] = {}
    for wall, text in outputs:
        stamps = []
        for line in text.splitlines():
            m = _LOG_LINE.match(line)
            if m:
                stamps.append((datetime.fromisoformat(m[1]).timestamp(), m[2].strip()))
        if len(stamps) < 2:
            return "init stages: not read (no timestamped text log lines)"
        last, rows = stamps[0][0], {}
        for at, event in stamps[1:]:
            name = next((n for ev, n in STAGES if event.startswith(ev)), None)
            if name is not None:
                rows[name] = rows.get(name, 0.0) + at - last
                last = at
        rows["interpreter + exit"] = wall - (stamps[-1][0] - stamps[0][0])
        for name, seconds in rows.items():
            per_stage.setdefault(name, []).append(seconds)
    order = [n for _, n in STAGES] + ["interpreter + exit"]
    parts = [f"{n} {statistics.median(per_stage[n]) * 1000:.1f}" for n in order if n in per_stage]
    return "init stages from its log (median ms): " + ", ".join(parts)


class Fresh:
    """A command that needs a fresh work dir each time (made outside the timed part)."""

    def __init__(self, root: Path, make_env) -> None:
        self.root, self.make_env, self.n = root, make_env, 0
        self.outputs: list[tuple[float, str]] = []

    def __call__(self, argv: list[str]) -> float:
        self.n += 1
        work = self.root / f"w{self.n}"
        env = self.make_env(work)
        t = timed(argv, env, outputs=self.outputs)
        shutil.rmtree(work, ignore_errors=True)
        return t


def rounds(cases: dict[str, object], runs: int) -> dict[str, list[float]]:
    """Alternate the cases ``runs`` times after one warm-up each (page cache, .pyc).

    The order turns by one case each round (bare, init, run; init, run, bare; ...): a case
    that always ran right after init would pay for init's writes still being flushed, and
    its anchor, always first, never would."""
    for fn in cases.values():
        fn()  # type: ignore[operator]
    samples: dict[str, list[float]] = {k: [] for k in cases}
    order = list(cases.items())
    for r in range(runs):
        k = r % len(order)
        for name, fn in order[k:] + order[:k]:
            samples[name].append(fn())  # type: ignore[operator]
    return samples


def ratio(samples: dict[str, list[float]], name: str, anchor: str) -> float:
    return statistics.median(a / b for a, b in zip(samples[name], samples[anchor], strict=True))


def main_section(tmp: Path) -> None:
    base = clean_env(tmp)
    bare = [sys.executable, "-I", "-c", "pass"]
    init = Fresh(tmp / "init", lambda work: init_env(base, FRAMEWORK, OWN, work))
    run_dir = tmp / "run-work"
    timed([str(BIN), "init"], init_env(base, FRAMEWORK, OWN, run_dir, RUN_RUNTIME_CONFIG))
    run_env = dict(base, PAI_WORK_DIR=str(run_dir))
    cases = {
        "bare": lambda: timed(bare, base),
        "init": lambda: init([str(BIN), "init"]),
        "run -- true": lambda: timed([str(BIN), "run", "--", "true"], run_env),
    }
    samples = rounds(cases, RUNS)
    print(f"input: {FRAMEWORK.relative_to(REPO)} (2 task roles, scheduled ports); {RUNS} alternating rounds")
    print(f"anchor: python -I -c pass ({sys.executable}), median {statistics.median(samples['bare']) * 1000:.1f} ms")
    print(f"{'command':<26} {'median ms':>10} {'/ bare (median of ratios)':>26}  goal")
    for name in ("init", "run -- true"):
        r = ratio(samples, name, "bare")
        verdict = "met" if r <= GOALS[name] else "NOT met"
        print(f"pai-runtime {name:<14} {statistics.median(samples[name]) * 1000:10.1f} {r:26.2f}x  "
              f"<= {GOALS[name]}x  {verdict}")
    print(stages(init.outputs[1:]))  # the warm-up run left out, as in the samples


CHAIN = r"""set -e
cd "$1"; R="$2/src"; PY="$3"
"$PY" "$R/init.d/framework_parser.py" genenv framework.json > runtime.d/runtime_env.sh
"$PY" "$R/init.d/framework_parser.py" genconf framework.json > runtime.d/job_config.yaml
"$PY" "$R/init.d/initializer.py" runtime.d/job_config.yaml secrets/secrets.yaml secrets/userExtensionSecrets.yaml \
    secrets/token "$R/plugins" runtime.d "$FC_TASKROLE_NAME"
"$PY" "$R/init.d/port.py" runtime.d/runtime_env.sh
"$PY" "$R/init.d/user_command_renderer.py" secrets/secrets.yaml runtime.d/user.sh
"""


def openpai_section(tmp: Path) -> None:
    checkout = os.environ.get("PAI_BENCH_OPENPAI", "")
    fw = Path(checkout) / "test" / "framework.json"
    if not checkout or not fw.is_file() or not (Path(checkout) / "src" / "init.d").is_dir():
        print("OpenPAI's init chain: anchor absent (set PAI_BENCH_OPENPAI to a checkout of "
              "microsoft/openpai-runtime outside this repository)")
        return
    base = clean_env(tmp)
    chain_env = dict(base, FC_TASKROLE_NAME="taskrole", FC_TASK_INDEX="0", USER_CMD="python train.py")
    if os.environ.get("PAI_BENCH_OPENPAI_PYTHONPATH"):
        chain_env["PYTHONPATH"] = os.environ["PAI_BENCH_OPENPAI_PYTHONPATH"]
    probe = subprocess.run([sys.executable, "-c", "import yaml, pystache"], env=chain_env, capture_output=True)
    if probe.returncode != 0:
        print("OpenPAI's init chain: anchor absent (its scripts need PyYAML and pystache; set "
              "PAI_BENCH_OPENPAI_PYTHONPATH to a folder with pystache)")
        return
    doc = json.loads(fw.read_text(encoding="utf-8"))
    pod = next(t["attemptStatus"]["podUID"] for r in doc["status"]["attemptStatus"]["taskRoleStatuses"]
               if r["name"] == "taskrole" for t in r["taskStatuses"] if t["index"] == 0)
    own = ("taskrole", "0", pod)
    # the job's ssh key pair where OpenPAI mounts it (userExtensionSecrets.yaml, jobSSH): the
    # file's job has several tasks and the ssh plugin, which needs one pair for all of them
    keydir = tmp / "jobkey"
    keydir.mkdir()
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(keydir / "key")], check=True)
    ues = {"jobSSH": {"key": (keydir / "key").read_text(), "pubKey": (keydir / "key.pub").read_text().strip()}}
    ues_text = json.dumps(ues) + "\n"
    (keydir / "userExtensionSecrets.yaml").write_text(ues_text)
    n = 0

    def chain() -> float:
        nonlocal n
        n += 1
        d = tmp / f"chain{n}"
        (d / "runtime.d").mkdir(parents=True)
        (d / "secrets").mkdir()
        shutil.copy(fw, d / "framework.json")
        (d / "secrets" / "secrets.yaml").write_text("{}\n")
        (d / "secrets" / "userExtensionSecrets.yaml").write_text(ues_text)
        (d / "secrets" / "token").write_text("token")
        t = timed(["bash", "-c", CHAIN, "chain", str(d), checkout, sys.executable], chain_env)
        shutil.rmtree(d, ignore_errors=True)
        return t

    ours = Fresh(tmp / "ours", lambda work: dict(init_env(base, fw, own, work),
                                                 PAI_USER_EXTENSION_SECRET_DIR=str(keydir)))
    cases = {"chain": chain, "init": lambda: ours([str(BIN), "init"])}
    samples = rounds(cases, RUNS)
    r = ratio(samples, "init", "chain")
    print(f"on OpenPAI's test/framework.json ({checkout}), {RUNS} alternating rounds:")
    print(f"  OpenPAI's chain (genenv, genconf, initializer + its plugin, port.py, renderer) "
          f"{statistics.median(samples['chain']) * 1000:7.1f} ms")
    print(f"  pai-runtime init (barrier from the file, framework, ports, runtime plugins, render) "
          f"{statistics.median(samples['init']) * 1000:7.1f} ms")
    print(f"  init / OpenPAI's chain (median of ratios) {r:.2f}  ({1 / r:.1f}x faster)")


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-faststart-") as tmp:
        main_section(Path(tmp))
        openpai_section(Path(tmp))


if __name__ == "__main__":
    main()

"""Start-up of the self-contained bundle against the venv entry point (issue 9).

Anchor: the venv's ``pai-runtime`` console script, same command, same run. Cases:
``run -- true`` (the job container's PID-1 path), ``--help`` (the click path), and the
job container's real entry, the launcher ``$PAI_WORK_DIR/runtime -- true`` (sh + the
bundle copied by ``init``, started through its own loader). Goal (issue 13): bundle/venv
<= 1.2 for ``run -- true``. Medians of interleaved runs, so background
load hits every case alike; the ratio is bundle / venv. Also prints the bundle's size and
how long ``init`` took to copy it into the work dir (first copy and a restart's reuse).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from timing import timed

RUNS = int(os.environ.get("BENCH_BUNDLE_RUNS", "15"))
REPO = Path(__file__).resolve().parents[1]
VENV_BIN = Path(sys.executable).parent / "pai-runtime"
BUNDLE = REPO / "build" / "bundle" / "pai-runtime"


def du(path: Path) -> int:
    return sum(p.lstat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def install_seconds(env: dict[str, str]) -> list[float]:
    """``init`` twice (first copy, then a restart that reuses it): selfcopy's own timings."""
    out = []
    for _ in range(2):
        r = subprocess.run([str(BUNDLE / "pai-runtime"), "init"], env=env, capture_output=True, text=True)
        if r.returncode != 0:
            raise SystemExit(f"bundle init exited {r.returncode}: {r.stderr[-2000:]}")
        for line in r.stderr.splitlines():
            if "runtime installed in the work dir" in line:
                out.append(json.loads(line)["seconds"])
    return out


def main() -> None:
    r = subprocess.run(["bash", str(REPO / "build" / "bundle.sh")], capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"make bundle failed: {r.stderr[-2000:]}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "work"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PAI_", "KUBERNETES_", "FC_"))
               and k not in ("INIT_CONFIG", "RUNTIME_CONFIG")}
        env.update(PAI_WORK_DIR=str(work), PAI_CONFIG_DIR=os.path.join(tmp, "no-config"), PAI_LOG_FORMAT="json",
                   PAI_TERMINATION_LOG=os.path.join(tmp, "termination-log"), FC_POD_UID="bench",
                   INIT_CONFIG="initPlugins: [{name: render, builtin: render}]",
                   RUNTIME_CONFIG="commands: ['true']")
        copy_first, copy_again = install_seconds(env)
        pairs = {
            "run -- true": ([str(VENV_BIN), "run", "--", "true"], [str(BUNDLE / "pai-runtime"), "run", "--", "true"]),
            "--help": ([str(VENV_BIN), "--help"], [str(BUNDLE / "pai-runtime"), "--help"]),
            "launcher -- true": ([str(VENV_BIN), "run", "--", "true"], [str(work / "runtime"), "--", "true"]),
        }
        samples: dict[tuple[str, str], list[float]] = {}
        for name, (venv, bundle) in pairs.items():
            for kind, argv in (("venv", venv), ("bundle", bundle)):
                timed(argv, env)  # warm the page cache and .pyc files
                samples[(name, kind)] = []
        for _ in range(RUNS):
            for name, (venv, bundle) in pairs.items():
                samples[(name, "venv")].append(timed(venv, env))
                samples[(name, "bundle")].append(timed(bundle, env))
    print(f"bundle: {BUNDLE} ({du(BUNDLE) / 2**20:.1f} MiB); init copies it in {copy_first * 1000:.0f} ms, "
          f"a restarted init reuses the copy in {copy_again * 1000:.0f} ms")
    print(f"{'command':<18} {'venv ms':>9} {'bundle ms':>10} {'bundle/venv':>12}   (medians of {RUNS})")
    for name in pairs:
        venv = statistics.median(samples[(name, "venv")])
        bundle = statistics.median(samples[(name, "bundle")])
        print(f"{name:<18} {venv * 1000:9.1f} {bundle * 1000:10.1f} {bundle / venv:12.2f}")
    print("launcher -- true: the job container's real command ($PAI_WORK_DIR/runtime, sh + the bundle through "
          "its own loader), against the venv's `run -- true`; goal for `run -- true`: bundle/venv <= 1.2")


if __name__ == "__main__":
    main()

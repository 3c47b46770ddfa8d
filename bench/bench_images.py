"""Time to the user's first instruction in real images (issue 13), against ``sh -c`` alone.

For each real root filesystem of tests/rigs/rootfs.py that has a shell, one "container"
(private mount + PID namespace, read-only root, as tests/rigs/podrig.py makes them) runs
the job container's command ``/usr/local/pai/runtime -- sh -c 'echo > FIFO'`` after one
``init``; the anchor is the same container running ``sh -c 'echo > FIFO'`` as PID 1
itself. The clock stops when the benchmark reads the byte from the FIFO in the work dir,
i.e. at the user's first instruction, not at the runtime's shutdown. Medians of
interleaved runs, so background load hits both alike; the extra milliseconds and the
ratio are what the runtime costs before the user's command runs.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.rigs.chroot_rootfs import build_bundle  # noqa: E402
from tests.rigs.podrig import BUNDLE_MOUNT, run_in_root  # noqa: E402
from tests.rigs.rootfs import glibc_version, rootfs  # noqa: E402

RUNS = int(os.environ.get("BENCH_IMAGES_RUNS", "9"))
IMAGES = ("bookworm", "bullseye", "trixie", "musl", "busybox")


def first_instruction(root: Path, argv: list[str], work: Path, term: Path) -> float:
    """Seconds from starting the container until the user's command wrote to the FIFO."""
    fifo = work / "fifo"
    if fifo.exists():
        fifo.unlink()
    os.mkfifo(fifo, 0o666)
    start = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", _RUNNER, json.dumps([str(root), argv, str(work), str(term)])],
                             cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    with open(fifo, "rb") as f:  # blocks until the writer opens it
        f.read()
    elapsed = time.perf_counter() - start
    _out, err = child.communicate(timeout=60)
    if child.returncode != 0:
        raise SystemExit(f"{argv} in {root.name} exited {child.returncode}: {err.decode()[-2000:]}")
    return elapsed


# The container is started from a small Python child so the benchmark's own clock starts
# before unshare; the child's interpreter start is the same for both cases.
_RUNNER = """
import json, sys
from tests.rigs.podrig import run_in_root
root, argv, work, term = json.loads(sys.argv[1])
from pathlib import Path
r = run_in_root(Path(root), argv, work=Path(work), termination=Path(term), env={"FC_POD_UID": "bench"})
sys.stderr.write(r.stderr)
sys.exit(r.code)
"""


def main() -> None:
    bundle = build_bundle()
    init_root = rootfs("bookworm")
    user = ["/bin/sh", "-c", "echo x > /usr/local/pai/fifo"]
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in IMAGES:
            root = rootfs(name)
            work = Path(tmp) / name
            work.mkdir()
            term = Path(tmp) / f"{name}.term"
            term.write_text("")
            res = run_in_root(init_root, [f"{BUNDLE_MOUNT}/pai-runtime", "init"], work=work, termination=term,
                              bundle=bundle, env={"FC_POD_UID": "bench", "RUNTIME_CONFIG": "commands: ['true']",
                                                  "INIT_CONFIG": "initPlugins: [{name: render, builtin: render}]"})
            if res.code != 0:
                raise SystemExit(f"init failed: {res.stderr[-2000:]}")
            cases = {"sh -c": user, "runtime -- sh -c": ["/usr/local/pai/runtime", "--", *user]}
            samples: dict[str, list[float]] = {k: [] for k in cases}
            for argv in cases.values():
                first_instruction(root, argv, work, term)  # page cache
            for _ in range(RUNS):
                for k, argv in cases.items():
                    samples[k].append(first_instruction(root, argv, work, term))
            rows.append((name, glibc_version(root) or "-", *(statistics.median(samples[k]) for k in cases)))
    print(f"{'image':<10} {'glibc':>6} {'sh -c ms':>9} {'runtime ms':>11} {'extra ms':>9} {'ratio':>6}"
          f"   (time to the user's first instruction, medians of {RUNS})")
    for name, glibc, sh, rt in rows:
        print(f"{name:<10} {glibc:>6} {sh * 1000:9.1f} {rt * 1000:11.1f} {(rt - sh) * 1000:9.1f} {rt / sh:6.2f}")


if __name__ == "__main__":
    main()

"""Classification time on the corpus of real failures, at three log sizes.

What it shows: every excerpt of ``tests/data/real-failures`` classified as the end of a
user log of 16 MiB, 1 GiB and 10 GiB (sparse files whose last 12 MiB hold an ordinary
training log, then the excerpt): ``read_tail`` plus ``classify`` with the shipped spec,
as ``run`` does at the end of a failed job. Anchor: the 16 MiB log in the same run. The
ratios stay near 1.0 because only the 10 MiB search window is read, whatever the size;
the table also gives the slowest family, since a failure whose wording matches early
entries costs more searches than one that matches none.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from pai_runtime.exitspec import spec as S  # noqa: E402
from pai_runtime.exitspec.classify import classify  # noqa: E402
from pai_runtime.exitspec.logtail import LogTail, read_tail  # noqa: E402

SPEC = REPO / "specs" / "runtime-exit-spec.yaml"
CORPUS = REPO / "tests" / "data" / "real-failures"
SIZES = [("16 MiB", 16 << 20), ("1 GiB", 1 << 30), ("10 GiB", 10 << 30)]
TAIL = 12 << 20
RUNS = 2


def cases() -> list[tuple[str, int, bytes]]:
    out = []
    for path in sorted(CORPUS.glob("*/*.log")):
        head, _, body = path.read_text(encoding="utf-8").partition("\n---\n")
        fields = dict(line.split(": ", 1) for line in head.splitlines())
        out.append((path.parent.name, int(fields["exit-code"]), body.encode("utf-8")))
    return out


def base_log(path: Path, size: int) -> int:
    """A sparse log of ``size`` bytes ending in 12 MiB of training output; returns its length."""
    line = b"2024-05-01 12:00:00 INFO step %06d loss=0.4312 lr=0.0003 tokens/s=18234 gpu_mem=71.2GiB\n"
    tail = b"".join(line % (i % 1000000) for i in range(TAIL // len(line % 0)))
    with open(path, "wb") as f:
        f.truncate(max(0, size - len(tail)))
        f.seek(0, 2)
        f.write(tail)
        return f.tell()


def main() -> int:
    spec = S.load_file(SPEC)
    corpus = cases()
    results: dict[str, list[float]] = {}
    per_family: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="bench-corpus-") as tmp:
        log = Path(tmp) / "current"
        for label, size in SIZES:
            base = base_log(log, size)
            best = float("inf")
            for _ in range(RUNS):
                total = 0.0
                for family, code, body in corpus:
                    with open(log, "r+b") as f:
                        f.truncate(base)
                        f.seek(base)
                        f.write(body)
                    t = time.perf_counter()
                    classify(spec, code, read_tail(log, rotated=True), LogTail(), lambda: None)
                    took = time.perf_counter() - t
                    total += took
                    if label == SIZES[0][0]:
                        per_family.setdefault(family, []).append(took)
                best = min(best, total)
            results[label] = [best]
            log.unlink()
    anchor = results[SIZES[0][0]][0]
    n = len(corpus)
    print(f"{n} real failures, {RUNS} runs each, best run; read_tail + classify, shipped spec")
    print(f"{'user log':>10}  {'total ms':>9}  {'per failure ms':>14}  {'ratio':>6}")
    for label, _ in SIZES:
        total = results[label][0]
        print(f"{label:>10}  {total * 1000:9.1f}  {total * 1000 / n:14.2f}  {total / anchor:6.2f}")
    slow = max(per_family.items(), key=lambda kv: statistics.median(kv[1]))
    print(f"slowest family ({SIZES[0][0]}): {slow[0]}, median {statistics.median(slow[1]) * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Exit classification on a log window that is not valid UTF-8 (Go's view of the log:
each invalid byte one rune, ``pai_runtime.exitspec.gotext``).

What it shows: a window with invalid bytes costs one extra decode/encode of the window,
a bounded multiple of classifying valid text, and the same whatever the log's size.
Anchor: the same classification of a valid UTF-8 training log of the same size (10 MiB,
exit code 1, no match: every pattern of the default spec is ruled out), in the same run.
Rows: a few invalid bytes in the text; the whole window random bytes (the worst case: an
invalid byte every other byte); the same at 1 GiB (sparse) to show the size does not
matter. Each classification runs in a fresh subprocess so ``ru_maxrss`` is its own peak.
"""

from __future__ import annotations

import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from bench_classify import CHILD  # the corpus benchmark's measuring child (bench/ is on sys.path)

REPO = Path(__file__).resolve().parent.parent
SPEC = REPO / "specs" / "runtime-exit-spec.yaml"
WINDOW = 10 * 1024 * 1024
RUNS = 5

def text_window() -> bytes:
    line = b"2024-05-01 12:00:00 INFO step %06d loss=0.4312 lr=0.0003 caf\xc3\xa9 tokens/s=18234\n"
    return b"".join(line % (i % 1000000) for i in range(WINDOW // len(line % 0) + 1))[:WINDOW]


def write(path: Path, tail: bytes, size: int) -> None:
    with open(path, "wb") as f:
        f.truncate(size - len(tail))
        f.seek(size - len(tail))
        f.write(tail)


def run(path: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), str(SPEC), str(WINDOW)], cwd=REPO,
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def main() -> None:
    text = text_window()
    few = bytearray(text)
    for at in range(4096, WINDOW, WINDOW // 16):  # 16 truncated sequences across the window
        few[at:at + 2] = b"\xe2\x82"
    rng = random.Random(14)
    garbage = bytes(rng.getrandbits(8) for _ in range(1 << 16)) * (WINDOW >> 16)
    rows = [("valid UTF-8 (anchor)", text, WINDOW), ("16 invalid sequences", bytes(few), WINDOW),
            ("random bytes, 10 MiB", garbage, WINDOW), ("random bytes, 1 GiB log", garbage, 1 << 30)]
    with tempfile.TemporaryDirectory(prefix="pai-bench-gotext-") as tmp:
        results = []
        for label, tail, size in rows:
            path = Path(tmp) / "log"
            write(path, tail, size)
            got = [run(path) for _ in range(RUNS)]
            os.unlink(path)
            results.append((label, statistics.median(g["seconds"] for g in got),
                            max(g["peak_kib"] for g in got), got[0]["code"]))
    anchor = results[0][1]
    print(f"classify, exit code 1, default spec, {WINDOW >> 20} MiB window, median of {RUNS}")
    for label, sec, peak, code in results:
        print(f"  {label:26s} {sec * 1000:8.1f} ms  {sec / anchor:5.2f}x anchor  peak {peak / 1024:6.1f} MiB  "
              f"code {code}")


if __name__ == "__main__":
    main()

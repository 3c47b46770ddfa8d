"""Issue 18: what the bounds cost on good input, and how fast bad input is refused.

What it shows, each as a ratio against an anchor measured in the same run:

* the bounded loader on the shipped exit spec (the largest document init parses) against
  PyYAML's own ``compose`` + ``SafeConstructor`` on the same text (the unbounded parse
  it replaced): the bounds' overhead on good input;
* the event composer (used where the text could nest deeper than libyaml's recursive
  composer survives) against the C composer on the same document;
* the refusal of a "billion laughs" bomb (9^9 values once expanded) against parsing the
  shipped spec: refused after a bounded amount of work;
* one rotation with 100 files kept (the most init accepts; 99 renames) against one with
  2 files: the price of a large ``logs.maxFiles`` with a tiny ``logs.maxSize``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
SPEC = REPO / "specs" / "runtime-exit-spec.yaml"
BOMB = 'a: &a ["x","x","x","x","x","x","x","x","x"]\n' + "".join(
    f'{c}: &{c} [{",".join(["*" + p] * 9)}]\n' for p, c in zip("abcdefgh", "bcdefghi", strict=True))
RUNS = 7


def best(fn, runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> int:
    import yaml

    from pai_runtime.config import yamlsource
    from pai_runtime.errors import ConfigError
    from pai_runtime.supervisor.logs import RotatingFile

    text = SPEC.read_text(encoding="utf-8")
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    def anchor() -> None:
        yaml.constructor.SafeConstructor().construct_document(yaml.compose(text, Loader=loader))

    ours = best(lambda: yamlsource.parse(text, "spec"))
    plain = best(anchor)
    print(f"shipped exit spec ({len(text)} bytes): bounded loader {ours * 1000:.1f} ms, "
          f"PyYAML compose+construct {plain * 1000:.1f} ms, ratio {ours / plain:.2f}")

    events = best(lambda: yamlsource._compose(text, "spec", yamlsource.MAX_DEPTH))
    c_compose = best(lambda: yaml.compose(text, Loader=loader))
    print(f"composing it: event loop {events * 1000:.1f} ms, libyaml composer {c_compose * 1000:.1f} ms, "
          f"ratio {events / c_compose:.2f}")

    def bomb() -> None:
        try:
            yamlsource.parse(BOMB, "bomb")
        except ConfigError:
            return
        raise SystemExit("the bomb was not refused")

    refused = best(bomb, 3)
    print(f"billion laughs ({len(BOMB)} bytes, 9^9 values): refused in {refused * 1000:.0f} ms, "
          f"{refused / ours:.1f}x the shipped spec's parse")

    chunk = b"a log line of a chatty job\n" * 151  # 4077 bytes: one rotation per write
    per = {}
    with tempfile.TemporaryDirectory() as tmp:
        for files in (2, 100):
            f = RotatingFile(Path(tmp) / f"s{files}", 4096, files)
            for _ in range(files + 5):  # every file kept
                f.write(chunk)
            n = 300
            start = time.perf_counter()
            for _ in range(n):
                f.write(chunk)
            per[files] = (time.perf_counter() - start) / n
            f.close()
            assert len(os.listdir(Path(tmp) / f"s{files}")) == files
    print(f"one rotation: maxFiles 100 {per[100] * 1e6:.0f} us, maxFiles 2 {per[2] * 1e6:.0f} us, "
          f"ratio {per[100] / per[2]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Regenerate the generated parts of build/k8s/ from specs/: ``make k8s``.

    .venv/bin/python build/k8s/generate.py [--check]

Why generated: the failure policies are derived from the exit spec's retry advice and the
kustomize base's ConfigMaps are the shipped specs; written by hand, both drift from
specs/ (the old indexed-job.yaml listed init-container codes under the job container).
``--check`` (run by the tests, so ``make test``) changes nothing and exits 1 naming every
stale file and the command that refreshes it.

What is generated:

* in every manifest, the block between ``# BEGIN generated KEY (make k8s)`` and
  ``# END generated KEY`` (KEY: ``podFailurePolicy`` for a Job's spec, ``failurePolicy``
  for a JobSet's spec), at the marker's indentation, from ``pai-runtime spec k8s-policy``;
  comments and everything else in the file stay as written;
* ``base/specs/``: copies of the shipped specs the base's configMapGenerator reads, and
  ``base/rbac.yaml``, a copy of ``rbac.yaml`` (kustomize reads no file outside its own
  directory).
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SPECS = REPO / "specs"
EXIT_SPEC = SPECS / "runtime-exit-spec.yaml"
#: base/specs/NAME <- specs/NAME
COPIES = ("init_plugins_default.yaml", "runtime-exit-spec.yaml")
BEGIN = re.compile(r"^(?P<indent>[ ]*)# BEGIN generated (?P<key>podFailurePolicy|failurePolicy) \(make k8s\)$")


def _block(key: str, indent: str) -> list[str]:
    sys.path.insert(0, str(REPO))
    import yaml

    from pai_runtime.exitspec import k8spolicy

    advice = k8spolicy.read_advice(EXIT_SPEC)
    pfp = key == "podFailurePolicy"
    value = k8spolicy.pod_failure_policy(advice) if pfp else k8spolicy.jobset_failure_policy()
    text = yaml.safe_dump({key: value}, sort_keys=False, default_flow_style=None, width=1000)
    return [indent + line if line else line for line in text.splitlines()]


def regenerate(text: str, name: str) -> str:
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        out.append(line)
        m = BEGIN.match(line)
        i += 1
        if m is None:
            continue
        end = f"{m['indent']}# END generated {m['key']}"
        j = i
        while j < len(lines) and lines[j] != end:
            j += 1
        if j == len(lines):
            raise SystemExit(f"{name}: '{line.strip()}' has no '{end.strip()}' line below it")
        out += _block(m["key"], m["indent"])
        out.append(lines[j])
        i = j + 1
    return "\n".join(out) + "\n"


def wanted() -> dict[Path, str]:
    """Every generated file and the text it must have."""
    files: dict[Path, str] = {}
    for path in sorted(HERE.rglob("*.yaml")):
        if "schemas" in path.parts or path.parent.name == "specs" or path == HERE / "base" / "rbac.yaml":
            continue
        text = path.read_text(encoding="utf-8")
        if "# BEGIN generated " in text:
            files[path] = regenerate(text, str(path.relative_to(REPO)))
    for name in COPIES:
        files[HERE / "base" / "specs" / name] = (SPECS / name).read_text(encoding="utf-8")
    files[HERE / "base" / "rbac.yaml"] = (HERE / "rbac.yaml").read_text(encoding="utf-8")
    return files


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="change nothing; exit 1 when a file is stale")
    args = ap.parse_args(argv)
    stale = []
    for path, text in wanted().items():
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current == text:
            continue
        stale.append(path)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            print(f"wrote {path.relative_to(REPO)}")
    if args.check and stale:
        for path in stale:
            print(f"{path.relative_to(REPO)}: stale, generated from specs/ (refresh it with: make k8s)",
                  file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

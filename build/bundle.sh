#!/usr/bin/env bash
# `make bundle`: build the self-contained one-folder pai-runtime into build/bundle/pai-runtime/:
# the venv's own CPython, stdlib and pinned deps, every shared library they need, the build
# machine's glibc and dynamic loader, a static launcher and a static busybox
# (build/portable.py; why this design: docs/deploy.md "Why a relocated CPython").
#
# Why a fingerprint: the bundle takes a minute to build on two cores and the tests and the
# Dockerfile call this script every time, so it skips the build when nothing it is made
# from changed (sources, specs/, plugins/, this script, portable.py, launcher.c, the exact
# installed package versions, the interpreter). PAI_BUNDLE_FORCE=1 rebuilds anyway.
# The new bundle replaces the old one with a rename, so a failed or interrupted build
# never leaves a half-written build/bundle/pai-runtime behind.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
PY=${PY:-$root/.venv/bin/python}
out=${PAI_BUNDLE_OUT:-$root/build/bundle}
dest=$out/pai-runtime
name=pai-runtime

[ -x "$PY" ] || { echo "bundle: no Python at $PY (run 'make install' or set PY=...)" >&2; exit 2; }
for tool in cc strip ldd; do
  command -v "$tool" >/dev/null || { echo "bundle: $tool not found (gcc, binutils, libc-bin: make system-deps)" >&2; exit 2; }
done
[ -x "${PAI_BUSYBOX:-/bin/busybox}" ] || { echo "bundle: no static busybox at ${PAI_BUSYBOX:-/bin/busybox} (busybox-static: make system-deps)" >&2; exit 2; }

mkdir -p "$out"
# One build at a time (parallel test sessions, make -j): the second waits, then finds the
# first one's result up to date.
exec 9>"$out/.lock"
flock 9

fingerprint() {
  {
    find pai_runtime specs plugins -type f ! -path '*/__pycache__/*' ! -name '*.py[co]' 2>/dev/null | LC_ALL=C sort \
      | xargs -d '\n' sha256sum
    sha256sum build/bundle.sh build/portable.py build/launcher.c setup.cfg "${PAI_BUSYBOX:-/bin/busybox}"
    "$PY" -VV
    "$PY" -m pip freeze --all --disable-pip-version-check 2>/dev/null | grep -v '^-e \|^pai-runtime @\|^pai_runtime @'
    uname -m
  } | sha256sum | cut -d' ' -f1
}

want=$(fingerprint)
if [ -z "${PAI_BUNDLE_FORCE:-}" ] && [ -x "$dest/$name" ] && [ "$(cat "$dest/.bundle-id" 2>/dev/null)" = "$want" ]; then
  echo "bundle: up to date: $dest"
  exit 0
fi

echo "bundle: building $dest (a relocated CPython with its own glibc: build/portable.py)" >&2
started=$(date +%s)
dist=$out/.dist-$$
trap 'rm -rf "$dist"' EXIT
log=$out/portable.log
if ! "$PY" build/portable.py "$dist/$name" >"$log" 2>&1; then
  tail -30 "$log" >&2
  echo "bundle: build/portable.py failed; full log: $log" >&2
  exit 1
fi
# A bundle that cannot start is no bundle: check it before it replaces the old one.
if ! version=$("$dist/$name/$name" --version 2>&1); then
  echo "bundle: the built $name does not start: $version" >&2
  exit 1
fi
echo "$want" >"$dist/$name/.bundle-id"
if [ -e "$dest" ]; then
  mv "$dest" "$out/.old-$$"
fi
mv "$dist/$name" "$dest"
rm -rf "$out/.old-$$"
echo "bundle: built $dest ($version, $(du -sh "$dest" | cut -f1), $(( $(date +%s) - started ))s)" >&2

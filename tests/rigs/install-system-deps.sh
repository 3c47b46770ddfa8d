#!/usr/bin/env bash
# Install the Debian packages the test rigs and benchmarks need (one list per area in
# tests/rigs/packages.d/*.txt, one package per line, '#' comments, 'a|b' for alternatives). Idempotent and quiet
# when everything is there; services the packages would start are kept from starting.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
want=$(cat "$here"/packages.d/*.txt 2>/dev/null | sed 's/#.*//' | tr -s ' \t' '\n' | sed '/^$/d' | sort -u)
[ -n "$want" ] || exit 0
missing=()
# An entry "a|b" is satisfied by either package; "b" (the last) is installed when neither is.
for p in $want; do
  ok=0
  for alt in ${p//|/ }; do
    dpkg-query -W -f='${Status}' "$alt" 2>/dev/null | grep -q "install ok installed" && { ok=1; break; }
  done
  [ $ok = 1 ] || missing+=("${p##*|}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
SUDO=""
if [ "$(id -u)" != 0 ]; then
  command -v sudo >/dev/null || { echo "install-system-deps: need root (or sudo) to install: ${missing[*]}" >&2; exit 1; }
  SUDO=sudo
fi
echo "installing Debian packages: ${missing[*]}" >&2
# One apt at a time: parallel test sessions on one machine would fight over dpkg's lock.
exec 9>/tmp/pai-apt.lock
flock 9
# Keep package postinst scripts from starting services (nginx on :80, docker-registry).
policy=/usr/sbin/policy-rc.d
added_policy=0
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
  $SUDO chmod +x "$policy"; added_policy=1
fi
trap '[ $added_policy = 1 ] && $SUDO rm -f "$policy"' EXIT
export DEBIAN_FRONTEND=noninteractive
if ! $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/tmp/pai-apt.log 2>&1; then
  $SUDO apt-get update -qq >/tmp/pai-apt.log 2>&1
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >>/tmp/pai-apt.log 2>&1 || {
    echo "install-system-deps: apt-get install failed; see /tmp/pai-apt.log" >&2; tail -20 /tmp/pai-apt.log >&2; exit 1; }
fi

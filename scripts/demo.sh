#!/usr/bin/env bash
# `make demo`: a real init + run of specs/examples/demo on this machine, no cluster.
# Shows the generated runtime env, the user command's output and the classified exit.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin/pai-runtime
DEMO=$(pwd)/.pai/demo
LOGS="$DEMO/work/logs/2320bc0d-db98-4969-965f-077953c6aee9"
rm -rf "$DEMO"
mkdir -p "$DEMO/config"
cp specs/examples/demo/runtime_plugin.yaml specs/examples/demo/secrets.yaml "$DEMO/config/"
# The shipped default init spec, with the barrier reading a recorded Framework from a file
# (a 3-task PyTorch job: master-0, worker-0, worker-1) instead of a Kubernetes API.
sed "s|^  builtin: barrier$|  builtin: barrier\\n  parameters: {source: file, file: $(pwd)/specs/examples/demo/framework.json}|" \
  specs/init_plugins_default.yaml > "$DEMO/config/init_plugins.yaml"
# This container is task worker-1 of that Framework.
export FC_FRAMEWORK_NAME=0f1e2d3c4b5a69788796a5b4c3d2e1f0 FC_FRAMEWORK_NAMESPACE=default
export FC_TASKROLE_NAME=worker FC_TASK_INDEX=1 FC_POD_UID=2320bc0d-db98-4969-965f-077953c6aee9
export PAI_WORK_DIR="$DEMO/work" PAI_CONFIG_DIR="$DEMO/config" PAI_TERMINATION_LOG="$DEMO/termination-log"
export PAI_LOG_FORMAT=text PAI_KILL_GRACE=2
unset INIT_CONFIG RUNTIME_CONFIG KUBERNETES_SERVICE_HOST

# Bold headings only on a terminal, and never when NO_COLOR is set (no-color.org): piped
# into a file or CI's log, escape codes are noise.
if [ -t 1 ] && [ -z "${NO_COLOR:-}" ] && [ "${TERM:-dumb}" != dumb ]; then
  step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
else
  step() { printf '\n== %s\n' "$*"; }
fi

step "pai-runtime init  (init container: default init plugins, Framework from a file, no cluster)"
"$BIN" init
rc=$?
if [ $rc -ne 0 ]; then echo "demo: init failed with exit $rc (see above)"; exit 1; fi

step "generated runtime env ($PAI_WORK_DIR/runtime.d/env)"
sed "s/^API_TOKEN=.*/API_TOKEN=*** (from secrets.yaml; hidden here)/" "$PAI_WORK_DIR/runtime.d/env"

step "pai-runtime run  (job container: pre-commands, user commands, exit classification)"
"$BIN" run
code=$?

step "classified exit code: $code"
step "termination message ($PAI_TERMINATION_LOG)"
cat "$PAI_TERMINATION_LOG" 2>/dev/null || echo "(none written)"
step "logs in $LOGS"
ls -R "$LOGS" | head -20
if grep -rq "demo-token-0123456789" "$LOGS/init.log" "$LOGS/runtime.log" "$PAI_TERMINATION_LOG" 2>/dev/null; then
  echo "demo: a secret leaked into the runtime logs"; exit 1
fi
echo
echo "demo: done (the job failed on purpose; exit $code is its diagnosis)"

#!/usr/bin/env bash
# The main job in one command (npm run demo [-- --keep] [-- --no-real-nodes]): install, build the
# sandbox's servers (cached after the first time), bring the sandbox up with 2 real nodes, run the
# demo game day — experiments/demo/, then the rollout restart of the graceful and of the fragile
# storefront on the real nodes (experiments/real-nodes/) — print a summary table and the report
# paths, and bring the sandbox down again if this script brought it up (--keep leaves it up).
# --no-real-nodes leaves the real nodes and their two experiments out (no containerd, runc, buildah).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
keep=0
real_nodes=2
for arg in "$@"; do
  case $arg in
    --keep) keep=1 ;;
    --no-real-nodes) real_nodes=0 ;;
    *) echo "usage: npm run demo [-- --keep] [-- --no-real-nodes]" >&2; exit 2 ;;
  esac
done
[ -x node_modules/.bin/node ] || npm ci --no-audit --no-fund
started=0
if ! bash scripts/testenv.sh status >/dev/null 2>&1; then
  bash scripts/testenv.sh up --real-nodes "$real_nodes"
  started=1
elif [ "$real_nodes" -gt 0 ] && ! grep -q '^REAL_NODES=' .testenv/env; then
  # A sandbox that is up without real nodes gets them (they stay, as with npm test).
  bash scripts/testenv.sh up --real-nodes "$real_nodes"
fi
finish() {
  if [ "$started" = 1 ] && [ "$keep" = 0 ]; then bash scripts/testenv.sh down; fi
  if [ "$keep" = 1 ]; then echo "the sandbox is still up: . .testenv/env; scripts/testenv.sh down when done"; fi
}
trap finish EXIT
set -a; . .testenv/env; set +a
experiments=(experiments/demo/*.yaml)
if [ "$real_nodes" -gt 0 ]; then
  experiments+=(experiments/real-nodes/rollout-restart-graceful.yaml experiments/real-nodes/rollout-restart-fragile.yaml)
fi
node_modules/.bin/node scripts/demo-gameday.ts "${experiments[@]}"

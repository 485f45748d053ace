#!/usr/bin/env bash
# The main job in one command (npm run demo [-- --keep]): install, build the sandbox's servers
# (cached after the first time), bring the sandbox up, run the demo game day from
# experiments/demo/, print a summary table and the report paths, and bring the sandbox down
# again if this script brought it up (--keep leaves it up).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
keep=0
for arg in "$@"; do
  case $arg in
    --keep) keep=1 ;;
    *) echo "usage: npm run demo [-- --keep]" >&2; exit 2 ;;
  esac
done
[ -x node_modules/.bin/node ] || npm ci --no-audit --no-fund
started=0
if ! bash scripts/testenv.sh status >/dev/null 2>&1; then
  bash scripts/testenv.sh up
  started=1
fi
finish() {
  if [ "$started" = 1 ] && [ "$keep" = 0 ]; then bash scripts/testenv.sh down; fi
  if [ "$keep" = 1 ]; then echo "the sandbox is still up: . .testenv/env; scripts/testenv.sh down when done"; fi
}
trap finish EXIT
set -a; . .testenv/env; set +a
node_modules/.bin/node scripts/demo-gameday.ts experiments/demo/*.yaml

#!/usr/bin/env bash
# The whole test suite: unit tests in parallel, then integration tests one file at a time against
# the sandbox. Brings the sandbox up when it is not up, and down again only if it started it.
# TAP output goes to .testenv/test-results/; the last line is "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS=$ROOT/.testenv/test-results
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

started=0
if ! bash scripts/testenv.sh status >/dev/null 2>&1; then
  bash scripts/testenv.sh up || { echo "0 passed, 1 failed (the sandbox did not come up)"; exit 1; }
  started=1
fi
cleanup() { [ "$started" = 1 ] && bash scripts/testenv.sh down; }
trap cleanup EXIT
set -a; . .testenv/env; set +a

status=0
npx tsc -p tsconfig.json || status=1
npx biome check . || status=1
npx ava --tap 'test/unit/**/*.test.ts' 2>&1 | tee "$RESULTS/unit.tap" || status=1
npx ava --tap --concurrency 1 'test/integration/**/*.test.ts' 2>&1 | tee "$RESULTS/integration.tap" || status=1
counts=$(bash scripts/tap-counts.sh "$RESULTS"/*.tap)
echo "$counts"
case $counts in "0 passed, "*) status=1 ;; *", 0 failed") ;; *) status=1 ;; esac
exit $status

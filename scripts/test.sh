#!/usr/bin/env bash
# The whole test suite: the build, type checks and lint, unit tests in parallel (on Node 24, then on
# Node 22, the oldest supported), then integration tests one file at a time against the sandbox.
# Brings the sandbox up (with 2 real nodes) when it is not up, and down again only if it started it;
# adds the real nodes to a sandbox that is up without them (they stay).
# TAP output goes to .testenv/test-results/; the last line is "N passed, N failed".
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
RESULTS=$ROOT/.testenv/test-results
rm -rf "$RESULTS"; mkdir -p "$RESULTS"

started=0
if ! bash scripts/testenv.sh status >/dev/null 2>&1; then
  bash scripts/testenv.sh up --real-nodes 2 || { echo "0 passed, 1 failed (the sandbox did not come up)"; exit 1; }
  started=1
elif ! grep -q '^REAL_NODES=' .testenv/env; then
  bash scripts/testenv.sh up --real-nodes 2 || { echo "0 passed, 1 failed (the real nodes did not come up)"; exit 1; }
fi
cleanup() { [ "$started" = 1 ] && bash scripts/testenv.sh down; }
trap cleanup EXIT
set -a; . .testenv/env; set +a

status=0
# Type checks and lint count as tests in the summary, so a failure there is never "0 failed".
check() {
  local name=$1; shift
  if "$@"; then echo "ok - $name"; else echo "not ok - $name"; status=1; fi
}
{
  echo "TAP version 13"
  # dist/ is what `npx faultline` runs, in the tests that run it as a user does: built fresh here.
  check "build (esbuild bundle)" node scripts/build.ts
  check "typecheck (tsc)" npx tsc -p tsconfig.json
  check "lint and format (biome)" npx biome check .
  echo "1..3"
} 2>&1 | tee "$RESULTS/checks.tap"
grep -q '^not ok' "$RESULTS/checks.tap" && status=1
npx ava --tap 'test/unit/**/*.test.ts' 2>&1 | tee "$RESULTS/unit.tap" || status=1
# The same unit tests on Node 22 (its type stripping runs the sources as 24's does).
if node22=$(bash scripts/node22.sh); then
  "$node22" node_modules/.bin/ava --tap 'test/unit/**/*.test.ts' 2>&1 | tee "$RESULTS/unit-node22.tap" || status=1
else
  printf 'TAP version 13\nnot ok - Node 22 (scripts/node22.sh failed)\n1..1\n' | tee "$RESULTS/unit-node22.tap"; status=1
fi
# 5m: building the container image alone takes one to two minutes, longer on a busy machine.
npx ava --tap --timeout 5m --concurrency 1 'test/integration/**/*.test.ts' 2>&1 | tee "$RESULTS/integration.tap" || status=1
counts=$(bash scripts/tap-counts.sh "$RESULTS"/*.tap)
echo "$counts"
case $counts in "0 passed, "*) status=1 ;; *", 0 failed") ;; *) status=1 ;; esac
exit $status

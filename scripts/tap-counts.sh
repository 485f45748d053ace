#!/usr/bin/env bash
# Sums the pass/fail counts of ava TAP files into one line: "N passed, N failed".
# Todo and skipped tests count as neither; a file with no plan line counts as one failure.
pass=0 fail=0
for f in "$@"; do
  if grep -qE '^# pass [0-9]+' "$f"; then
    p=$(grep -E '^# pass [0-9]+' "$f" | awk '{s+=$3} END {print s+0}')
    x=$(grep -E '^# fail [0-9]+' "$f" | awk '{s+=$3} END {print s+0}')
  else
    p=$(grep -cE '^ok ' "$f")
    x=$(grep -cE '^not ok ' "$f")
  fi
  grep -qE '^1\.\.[0-9]+' "$f" || x=$((x + 1))
  pass=$((pass + p)) fail=$((fail + x))
done
echo "$pass passed, $fail failed"

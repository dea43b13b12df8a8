#!/usr/bin/env bash
# CLI start-up against a running berthd, as a ratio to a bare `node -e 0` in the
# same run (the machine is shared and noisy: compare ratios, not absolute times).
# Target (issue 2): `berth version` under 2x bare node.
set -euo pipefail
host=${BERTH_HOST:-unix:///run/berth/berth.sock}
repo=$(cd "$(dirname "$0")/.." && pwd)
command -v hyperfine >/dev/null || { echo "install hyperfine (apt-get install hyperfine)" >&2; exit 1; }
hyperfine -N -w 3 -r "${RUNS:-30}" --export-json /tmp/berth-cli-startup.json \
  'node -e 0' "node $repo/dist/berth.js -H $host version" "node $repo/dist/berth.js -H $host images"
node -e '
const r = require("/tmp/berth-cli-startup.json").results;
const base = r[0].mean;
for (const x of r) console.log(`${(x.mean * 1000).toFixed(1)} ms  ${(x.mean / base).toFixed(2)}x  ${x.command}`);
'

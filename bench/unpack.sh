#!/usr/bin/env bash
# Layer unpack microbenchmark: Berth's applyLayer vs GNU `tar -x` (the floor) on two ~50 MB
# gzip layers made here: many small files (12,800 x 1-7 KB in 256 dirs) and a few big ones
# (5 x 10 MB). Random content (incompressible), as bench/registry.sh's layers.
# Figures (2 vCPUs under load, RUNS=3): big files 91 ms = 0.55x tar's time (was 343 ms, 0.94x);
# small files 1.04x tar (was 1.40x): ~0.6 ms per file create in this VM's ext4 bounds both.
#   RUNS=5 bench/unpack.sh
set -euo pipefail
REPO=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-5}
WORK=$(mktemp -d /tmp/berth-bench-unpack-XXXXXX)
trap 'rm -rf "$WORK"' EXIT

node -e '
const { mkdirSync, writeFileSync } = require("node:fs"); const { randomBytes } = require("node:crypto");
const [root] = process.argv.slice(1);
mkdirSync(`${root}/small`); mkdirSync(`${root}/big`);
for (let d = 0; d < 256; d++) {
  mkdirSync(`${root}/small/d${d}`);
  for (let f = 0; f < 50; f++) writeFileSync(`${root}/small/d${d}/f${f}`, randomBytes(1024 + ((d * 50 + f) % 7) * 1024));
}
for (let f = 0; f < 5; f++) writeFileSync(`${root}/big/file${f}.bin`, randomBytes(10e6));
' "$WORK"
for kind in small big; do
  tar -C "$WORK/$kind" --numeric-owner -cf - . | gzip -1 >"$WORK/$kind.tar.gz"
  rm -rf "${WORK:?}/$kind"
done

for kind in small big; do
  mb=$(du -sm --apparent-size "$WORK/$kind.tar.gz" | cut -f1)
  echo "== $kind files (${mb} MB gzip) =="
  (cd "$REPO" && LAYER_MB=$mb node --import tsx "$REPO/bench/unpack-layer.ts" "$WORK/$kind.tar.gz" "$WORK/out" "$RUNS")
done
